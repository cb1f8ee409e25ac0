// Forward values of the tensor ops against PyTorch (tests/fixtures/ops.json,
// written by tests/fixtures/gen_op_fixtures.py): broadcasting, non-contiguous
// inputs, reductions over several dims, indices, type promotion. One test
// instance per fixture case, named after the op.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>

#include "fixture_util.h"
#include "ops/op_table.h"

namespace dl {
namespace {

using nlohmann::json;
using testing::dtype_from_json;
using testing::expect_close;
using testing::load_fixture;
using testing::tensor_from_json;
using Outputs = std::vector<Tensor>;
using OpFn = std::function<Outputs(const std::vector<Tensor>&, const json&)>;

Dims dims_of_json(const json& list) {
  Dims d;
  for (auto& v : list) d.push_back(v.get<int64_t>());
  return d;
}

Dims dims_of(const json& attrs) { return dims_of_json(attrs["dims"]); }

Pair2d pair_of(const json& v) { return {v[0].get<int64_t>(), v[1].get<int64_t>()}; }

Pool2dOptions pool_options(const json& a) {
  Pool2dOptions o;
  o.kernel = pair_of(a["kernel"]), o.stride = pair_of(a["stride"]), o.padding = pair_of(a["padding"]);
  if (a.contains("dilation")) o.dilation = pair_of(a["dilation"]);
  o.ceil_mode = a["ceil_mode"];
  if (a.contains("count_include_pad")) o.count_include_pad = a["count_include_pad"];
  if (a.contains("divisor_override")) o.divisor_override = a["divisor_override"];
  return o;
}

Outputs conv2d_case(const std::vector<Tensor>& in, const json& a) {
  Conv2dPadding pad;
  if (a["padding"] == "same") pad.mode = Conv2dPadding::Mode::Same;
  else if (a["padding"] == "valid") pad.mode = Conv2dPadding::Mode::Valid;
  else pad.size = pair_of(a["padding"]);
  return {conv2d(in[0], in[1], in.size() > 2 ? in[2] : Tensor(), pair_of(a["stride"]), pad, pair_of(a["dilation"]),
                 a["groups"])};
}

template <typename F>
OpFn binary(F f) {
  return [f](auto& in, auto&) { return Outputs{f(in[0], in[1])}; };
}
template <typename F>
OpFn unary(F f) {
  return [f](auto& in, auto&) { return Outputs{f(in[0])}; };
}
template <typename F>
OpFn reduction(F f) {
  return [f](auto& in, auto& a) { return Outputs{f(in[0], dims_of(a), a["keepdim"].template get<bool>())}; };
}

const std::map<std::string, OpFn>& ops() {
  static const std::map<std::string, OpFn> table = {
      {"add", binary([](auto& a, auto& b) { return add(a, b); })},
      {"sub", binary([](auto& a, auto& b) { return sub(a, b); })},
      {"mul", binary([](auto& a, auto& b) { return mul(a, b); })},
      {"div", binary([](auto& a, auto& b) { return div(a, b); })},
      {"pow", binary([](auto& a, auto& b) { return pow(a, b); })},
      {"maximum", binary([](auto& a, auto& b) { return maximum(a, b); })},
      {"minimum", binary([](auto& a, auto& b) { return minimum(a, b); })},
      {"eq", binary([](auto& a, auto& b) { return eq(a, b); })},
      {"ne", binary([](auto& a, auto& b) { return ne(a, b); })},
      {"lt", binary([](auto& a, auto& b) { return lt(a, b); })},
      {"le", binary([](auto& a, auto& b) { return le(a, b); })},
      {"gt", binary([](auto& a, auto& b) { return gt(a, b); })},
      {"ge", binary([](auto& a, auto& b) { return ge(a, b); })},
      {"matmul", binary([](auto& a, auto& b) { return matmul(a, b); })},
      {"neg", unary([](auto& x) { return neg(x); })},
      {"abs", unary([](auto& x) { return abs(x); })},
      {"exp", unary([](auto& x) { return exp(x); })},
      {"log", unary([](auto& x) { return log(x); })},
      {"sqrt", unary([](auto& x) { return sqrt(x); })},
      {"relu", unary([](auto& x) { return relu(x); })},
      {"sigmoid", unary([](auto& x) { return sigmoid(x); })},
      {"tanh", unary([](auto& x) { return tanh(x); })},
      {"clamp",
       [](auto& in, auto& a) {
         std::optional<double> lo, hi;
         if (a.contains("min")) lo = a["min"].template get<double>();
         if (a.contains("max")) hi = a["max"].template get<double>();
         return Outputs{clamp(in[0], lo, hi)};
       }},
      {"where", [](auto& in, auto&) { return Outputs{where(in[0], in[1], in[2])}; }},
      {"sum", reduction([](const auto& x, const auto& d, bool k) { return sum(x, d, k); })},
      {"mean", reduction([](const auto& x, const auto& d, bool k) { return mean(x, d, k); })},
      {"amax", reduction([](const auto& x, const auto& d, bool k) { return amax(x, d, k); })},
      {"amin", reduction([](const auto& x, const auto& d, bool k) { return amin(x, d, k); })},
      {"var", [](auto& in, auto& a) { return Outputs{var(in[0], dims_of(a), a["correction"], a["keepdim"])}; }},
      {"std", [](auto& in, auto& a) { return Outputs{std_dev(in[0], dims_of(a), a["correction"], a["keepdim"])}; }},
      {"max_dim",
       [](auto& in, auto& a) {
         auto r = max(in[0], a["dim"].template get<int64_t>(), a["keepdim"].template get<bool>());
         return Outputs{r.first, r.second};
       }},
      {"min_dim",
       [](auto& in, auto& a) {
         auto r = min(in[0], a["dim"].template get<int64_t>(), a["keepdim"].template get<bool>());
         return Outputs{r.first, r.second};
       }},
      {"argmax", [](auto& in, auto& a) { return Outputs{argmax(in[0], a["dim"], a["keepdim"])}; }},
      {"softmax", [](auto& in, auto& a) { return Outputs{softmax(in[0], a["dim"])}; }},
      {"log_softmax", [](auto& in, auto& a) { return Outputs{log_softmax(in[0], a["dim"])}; }},
      {"linear",
       [](auto& in, auto&) { return Outputs{linear(in[0], in[1], in.size() > 2 ? in[2] : Tensor())}; }},
      {"cat", [](auto& in, auto& a) { return Outputs{cat(in, a["dim"])}; }},
      {"stack", [](auto& in, auto& a) { return Outputs{stack(in, a["dim"])}; }},
      {"index_select", [](auto& in, auto& a) { return Outputs{index_select(in[0], a["dim"], in[1])}; }},
      {"gather", [](auto& in, auto& a) { return Outputs{gather(in[0], a["dim"], in[1])}; }},
      {"conv2d", conv2d_case},
      {"max_pool2d",
       [](auto& in, auto& a) {
         auto r = max_pool2d_with_indices(in[0], pool_options(a));
         return Outputs{r.first, r.second};
       }},
      {"avg_pool2d", [](auto& in, auto& a) { return Outputs{avg_pool2d(in[0], pool_options(a))}; }},
      {"adaptive_avg_pool2d",
       [](auto& in, auto& a) { return Outputs{adaptive_avg_pool2d(in[0], pair_of(a["output_size"]))}; }},
      {"add_scalar", [](auto& in, auto& a) { return Outputs{add(in[0], a["scalar"].template get<double>())}; }},
      {"mul_scalar", [](auto& in, auto& a) { return Outputs{mul(in[0], a["scalar"].template get<double>())}; }},
      {"lstm_cell",
       [](auto& in, auto&) {
         auto r = lstm_cell(in[0], in[1], in[2]);
         return Outputs{r.first, r.second};
       }},
      {"split", [](auto& in, auto& a) { return split(in[0], dims_of_json(a["sizes"]), a["dim"]); }},
      {"unbind", [](auto& in, auto& a) { return unbind(in[0], a["dim"]); }},
  };
  return table;
}

Tensor apply_view(const Tensor& t, const json& v) {
  if (v.is_null()) return t;
  if (v[0] == "transpose") return transpose(t, v[1], v[2]);
  return narrow(t, v[1], v[2], v[3]);
}

const json& fixture_cases() {
  static const json cases = load_fixture("ops.json")["cases"];
  return cases;
}

class PytorchOps : public ::testing::TestWithParam<size_t> {};

TEST_P(PytorchOps, MatchesPytorch) {
  const json& c = fixture_cases()[GetParam()];
  SCOPED_TRACE(c.dump().substr(0, 300));
  ASSERT_TRUE(ops().count(c["op"])) << "no engine mapping for op " << c["op"];
  std::vector<Tensor> inputs;
  for (auto& j : c["inputs"]) inputs.push_back(apply_view(tensor_from_json(j), j["view"]));
  Outputs outs = ops().at(c["op"])(inputs, c["attrs"]);
  ASSERT_EQ(outs.size(), c["outputs"].size());
  for (size_t i = 0; i < outs.size(); ++i) {
    const json& want = c["outputs"][i];
    EXPECT_EQ(std::string(dtype_name(outs[i].dtype())), std::string(dtype_name(dtype_from_json(want["dtype"])))) << "output " << i;
    // float32 convolutions sum up to C * kh * kw products in whatever order
    // the kernel (oneDNN's or ours) picks: torch.testing's float32 tolerance.
    const bool f32 = want["dtype"] == "float32", conv = c["op"] == "conv2d";
    const double rtol = f32 ? (conv ? 1.3e-6 : 2e-6) : 1e-12, atol = f32 ? (conv ? 1e-5 : 2e-6) : 1e-12;
    expect_close(outs[i], tensor_from_json(want), rtol, atol, "output " + std::to_string(i));
  }
}

INSTANTIATE_TEST_SUITE_P(Fixture, PytorchOps, ::testing::Range<size_t>(0, fixture_cases().size()),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           return std::string(fixture_cases()[info.param]["op"]) + "_" + std::to_string(info.param);
                         });

TEST(PytorchOps, EveryKernelOpOfTheRegistryHasFixtureCases) {
  // Rows computed by a kernel must be checked against PyTorch here (internal
  // rows used only by backward rules, by other ops and by optimizers are
  // covered elsewhere: relu_backward and the *_grad rows by the gradient
  // tests, sgd_update and adam_update by the optimizer trajectories).
  const std::set<std::string> internal = {
      "copy",        "fill",          "index_add",         "scatter_add",        "erf",
      "relu_backward", "sgd_update",  "adam_update",       "conv2d_input_grad",  "conv2d_weight_grad",
      "max_pool2d_grad", "avg_pool2d_grad", "lstm_cell_backward"};
  std::set<std::string> covered;
  for (auto& c : fixture_cases()) covered.insert(c["op"].get<std::string>());
  for (int i = 0; i < kOpCount; ++i) {
    OpId op = static_cast<OpId>(i);
    if (op_kind(op) != OpKind::Kernel || internal.count(op_name(op))) continue;
    EXPECT_TRUE(covered.count(op_name(op))) << "no PyTorch fixture for op '" << op_name(op) << "'";
  }
}

}  // namespace
}  // namespace dl
