// Float64 finite-difference gradient checks for every differentiable op of
// the registry (DL_OP_TABLE). Each op has at least one case; cases cover
// broadcasting, non-contiguous views and reductions over several dims. The
// first test fails when a differentiable row has no case, so a new op cannot
// land without its gradient check.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "autograd/autograd.h"
#include "gradcheck_util.h"
#include "ops/op_table.h"
#include "ops/ops.h"
#include "tensor/generator.h"

namespace dl {
namespace {

using Fn = std::function<Tensor(const std::vector<Tensor>&)>;
struct GradCase {
  std::string label;
  std::vector<Dims> shapes;
  Fn fn;
};

Tensor idx(std::vector<int64_t> v, Dims shape) { return from_data(v.data(), DType::Int64, shape); }
Tensor positive(const Tensor& x) { return add(mul(x, x), 0.5); }
// 0, 1, 2, ... shaped like x, times 10: added to a randn input, makes every element distinct by a wide margin.
Tensor arange_like(const Tensor& x) {
  std::vector<double> v(static_cast<size_t>(x.numel()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = 10.0 * static_cast<double>(i);
  return from_data(v.data(), DType::Float64, x.sizes());
}
Tensor conv(const std::vector<Tensor>& v, Pair2d stride, Conv2dPadding pad, Pair2d dilation, int64_t groups) {
  return conv2d(v[0], v[1], v.size() > 2 ? v[2] : Tensor(), stride, pad, dilation, groups);
}
Conv2dPadding pad(int64_t h, int64_t w) { return Conv2dPadding{Conv2dPadding::Mode::Explicit, {h, w}}; }
Pool2dOptions pool(Pair2d kernel, Pair2d stride, Pair2d padding, bool ceil_mode) {
  Pool2dOptions o;
  o.kernel = kernel, o.stride = stride, o.padding = padding, o.ceil_mode = ceil_mode;
  return o;
}

const std::map<std::string, std::vector<GradCase>>& cases() {
  static const std::map<std::string, std::vector<GradCase>> table = {
      {"neg", {{"plain", {{3, 4}}, [](auto& v) { return neg(v[0]); }}}},
      {"abs", {{"transposed", {{3, 4}}, [](auto& v) { return abs(transpose(v[0], 0, 1)); }}}},
      {"exp", {{"plain", {{2, 3}}, [](auto& v) { return exp(v[0]); }}}},
      {"log", {{"positive", {{2, 3}}, [](auto& v) { return log(positive(v[0])); }}}},
      {"sqrt", {{"positive", {{2, 3}}, [](auto& v) { return sqrt(positive(v[0])); }}}},
      {"relu", {{"plain", {{4, 5}}, [](auto& v) { return relu(v[0]); }}}},
      {"sigmoid", {{"plain", {{4, 5}}, [](auto& v) { return sigmoid(mul(v[0], 3.0)); }}}},
      {"tanh", {{"plain", {{4, 5}}, [](auto& v) { return tanh(v[0]); }}}},
      {"erf", {{"plain", {{4, 5}}, [](auto& v) { return erf(v[0]); }}}},
      {"clamp", {{"both", {{4, 5}}, [](auto& v) { return clamp(v[0], -0.5, 0.7); }},
                 {"lower", {{4, 5}}, [](auto& v) { return clamp(v[0], 0.1, std::nullopt); }}}},
      {"add", {{"broadcast", {{4, 1, 3}, {2, 3}}, [](auto& v) { return add(v[0], v[1]); }},
               {"scalar", {{3}}, [](auto& v) { return add(v[0], 2.5); }}}},
      {"sub", {{"broadcast", {{2, 3}, {3}}, [](auto& v) { return sub(v[0], v[1]); }}}},
      {"mul", {{"broadcast_noncontig", {{3, 2}, {3, 1}}, [](auto& v) { return mul(transpose(v[0], 0, 1), transpose(v[1], 0, 1)); }}}},
      {"div", {{"broadcast", {{2, 3}, {3}}, [](auto& v) { return div(v[0], positive(v[1])); }}}},
      {"pow", {{"tensor_exponent", {{2, 3}, {2, 3}}, [](auto& v) { return pow(positive(v[0]), v[1]); }},
               {"scalar_exponent", {{2, 3}}, [](auto& v) { return pow(v[0], 3.0); }}}},
      {"maximum", {{"broadcast", {{3, 4}, {4}}, [](auto& v) { return maximum(v[0], v[1]); }}}},
      {"minimum", {{"broadcast", {{3, 4}, {3, 1}}, [](auto& v) { return minimum(v[0], v[1]); }}}},
      {"where", {{"broadcast", {{3, 4}, {4}}, [](auto& v) { return where(gt(v[0], 0.0), v[0], v[1]); }}}},
      {"sum", {{"dims_0_2", {{2, 3, 4}}, [](auto& v) { return sum(v[0], {0, 2}); }},
               {"keepdim_neg", {{2, 3, 4}}, [](auto& v) { return sum(v[0], {-1}, true); }},
               {"all", {{2, 3}}, [](auto& v) { return sum(transpose(v[0], 0, 1)); }}}},
      {"amax", {{"dims", {{2, 3, 4}}, [](auto& v) { return amax(v[0], {1, 2}); }}}},
      {"amin", {{"keepdim", {{2, 3, 4}}, [](auto& v) { return amin(v[0], {0}, true); }}}},
      {"max_dim", {{"dim1", {{3, 4}}, [](auto& v) { return max(v[0], 1).first; }},
                   {"keepdim", {{3, 4}}, [](auto& v) { return max(v[0], 0, true).first; }}}},
      {"min_dim", {{"dim0", {{3, 4}}, [](auto& v) { return min(v[0], 0).first; }}}},
      {"softmax", {{"dim1", {{3, 4}}, [](auto& v) { return softmax(v[0], 1); }},
                   {"dim0_3d", {{3, 2, 2}}, [](auto& v) { return softmax(v[0], 0); }}}},
      {"log_softmax", {{"last", {{3, 4}}, [](auto& v) { return log_softmax(v[0], -1); }}}},
      {"matmul", {{"2d", {{3, 4}, {4, 2}}, [](auto& v) { return matmul(v[0], v[1]); }},
                  {"batched_broadcast", {{2, 1, 3, 4}, {5, 4, 2}}, [](auto& v) { return matmul(v[0], v[1]); }},
                  {"vector", {{4}, {4, 3}}, [](auto& v) { return matmul(v[0], v[1]); }},
                  {"transposed", {{4, 3}, {2, 4}}, [](auto& v) { return matmul(transpose(v[0], 0, 1), transpose(v[1], 0, 1)); }}}},
      {"linear", {{"bias", {{5, 4}, {3, 4}, {3}}, [](auto& v) { return linear(v[0], v[1], v[2]); }},
                  {"3d_nobias", {{2, 5, 4}, {3, 4}}, [](auto& v) { return linear(v[0], v[1], Tensor()); }}}},
      {"conv2d",
       {{"bias_stride_pad", {{2, 3, 6, 5}, {4, 3, 3, 2}, {4}}, [](auto& v) { return conv(v, {2, 1}, pad(1, 2), {1, 1}, 1); }},
        {"dilation_groups", {{1, 4, 7, 6}, {6, 2, 3, 3}}, [](auto& v) { return conv(v, {1, 2}, pad(2, 1), {2, 1}, 2); }},
        {"depthwise", {{2, 3, 5, 5}, {3, 1, 3, 3}, {3}}, [](auto& v) { return conv(v, {1, 1}, pad(1, 1), {1, 1}, 3); }},
        {"pointwise", {{2, 3, 4, 3}, {2, 3, 1, 1}}, [](auto& v) { return conv(v, {1, 1}, pad(0, 0), {1, 1}, 1); }},
        {"same_even_kernel", {{1, 2, 5, 6}, {2, 2, 2, 4}}, [](auto& v) {
           return conv(v, {1, 1}, Conv2dPadding{Conv2dPadding::Mode::Same, {0, 0}}, {1, 1}, 1);
         }}}},
      // Max pooling of distinct values (ties have no derivative): a strictly increasing input.
      {"max_pool2d", {{"overlap_ceil", {{2, 2, 5, 7}}, [](auto& v) {
                          return max_pool2d(add(v[0], arange_like(v[0])), pool({3, 2}, {2, 2}, {1, 1}, true));
                        }}}},
      {"avg_pool2d", {{"pad_ceil", {{2, 2, 5, 7}}, [](auto& v) { return avg_pool2d(v[0], pool({3, 2}, {2, 1}, {1, 1}, true)); }},
                      {"exclude_pad", {{1, 2, 6, 5}}, [](auto& v) {
                         Pool2dOptions o = pool({3, 3}, {2, 2}, {1, 1}, false);
                         o.count_include_pad = false;
                         return avg_pool2d(v[0], o);
                       }}}},
      {"adaptive_avg_pool2d", {{"uneven", {{2, 2, 7, 5}}, [](auto& v) { return adaptive_avg_pool2d(v[0], {3, 2}); }}}},
      {"copy", {{"clone", {{3, 4}}, [](auto& v) { return clone(v[0]); }},
                {"contiguous", {{3, 4}}, [](auto& v) { return contiguous(transpose(v[0], 0, 1)); }}}},
      {"index_select", {{"dim1", {{3, 4}}, [](auto& v) { return index_select(v[0], 1, idx({3, 0, 3}, {3})); }}}},
      {"gather", {{"dim1", {{3, 4}}, [](auto& v) { return gather(v[0], 1, idx({0, 3, 1, 1, 2, 2}, {3, 2})); }}}},
      {"cat", {{"dim1", {{2, 3}, {2, 2}}, [](auto& v) { return cat({v[0], v[1]}, 1); }},
               {"stack", {{2, 3}, {2, 3}}, [](auto& v) { return stack({v[0], v[1]}, 2); }}}},
      {"view", {{"reshape", {{2, 6}}, [](auto& v) { return reshape(v[0], {3, 4}); }},
                {"flatten_noncontig", {{3, 4}}, [](auto& v) { return flatten(transpose(v[0], 0, 1)); }}}},
      {"transpose", {{"dims", {{2, 3, 4}}, [](auto& v) { return transpose(v[0], 0, 2); }}}},
      {"permute", {{"order", {{2, 3, 4}}, [](auto& v) { return permute(v[0], {1, 2, 0}); }}}},
      {"narrow", {{"middle", {{3, 5}}, [](auto& v) { return narrow(v[0], 1, 1, 3); }},
                  {"select", {{3, 5}}, [](auto& v) { return select(v[0], 0, -1); }}}},
      {"squeeze", {{"all", {{3, 1, 2}}, [](auto& v) { return squeeze(v[0]); }}}},
      {"unsqueeze", {{"middle", {{3, 2}}, [](auto& v) { return unsqueeze(v[0], 1); }}}},
      {"expand", {{"new_dims", {{3, 1}}, [](auto& v) { return expand(v[0], {2, 3, 4}); }}}},
      // Pieces used unequally (one not at all: its gradient is zeros) and out of order.
      {"split", {{"sizes", {{2, 7}}, [](auto& v) {
                    auto p = split(v[0], {2, 0, 4, 1}, 1);
                    return cat({mul(p[2], 3.0), p[0]}, 1);
                  }},
                 {"unbind", {{3, 3, 2}}, [](auto& v) {
                    auto p = unbind(transpose(v[0], 0, 2), 1);
                    return add(mul(p[0], p[1]), p[2]);
                  }}}},
      // Both outputs, and h' alone (c' then gets a zero gradient); the gates
      // are scaled so that the activations reach their flat parts.
      {"lstm_cell", {{"h_and_c", {{3, 8}, {3, 8}, {3, 2}}, [](auto& v) {
                        auto [h, c] = lstm_cell(mul(v[0], 2.0), v[1], v[2]);
                        return cat({h, c}, 1);
                      }},
                     {"h_only_noncontig", {{8, 3}, {3, 8}, {2, 3}}, [](auto& v) {
                        return lstm_cell(transpose(v[0], 0, 1), v[1], transpose(v[2], 0, 1)).first;
                      }}}},
  };
  return table;
}

// d/dx of sum(f(x) * w), by central differences.
void check_case(const GradCase& c) {
  manual_seed(42);
  std::vector<Tensor> leaves;
  for (const Dims& s : c.shapes) {
    Tensor leaf = randn(s, DType::Float64);
    set_requires_grad(leaf, true);
    leaves.push_back(leaf);
  }
  Tensor w;
  {
    NoGradGuard no_grad;
    w = randn(c.fn(leaves).sizes(), DType::Float64);
  }
  testing::expect_gradients_match_finite_differences([&] { return sum(mul(c.fn(leaves), w)); }, leaves);
}

TEST(Gradcheck, EveryDifferentiableOpHasACase) {
  for (int i = 0; i < kOpCount; ++i) {
    OpId op = static_cast<OpId>(i);
    if (op_grad_kind(op) == GradKind::NoGrad) continue;
    EXPECT_TRUE(cases().count(op_name(op))) << "op '" << op_name(op) << "' has no gradient check";
  }
  for (auto& entry : cases()) {
    bool known = false;
    for (int i = 0; i < kOpCount; ++i) known |= entry.first == op_name(static_cast<OpId>(i));
    EXPECT_TRUE(known) << "gradient case for unknown op '" << entry.first << "'";
  }
}

struct CaseRef {
  std::string op;
  size_t index;
};

std::vector<CaseRef> all_cases() {
  std::vector<CaseRef> out;
  for (auto& entry : cases())
    for (size_t i = 0; i < entry.second.size(); ++i) out.push_back({entry.first, i});
  return out;
}

class GradcheckOp : public ::testing::TestWithParam<CaseRef> {};

TEST_P(GradcheckOp, MatchesFiniteDifferences) { check_case(cases().at(GetParam().op)[GetParam().index]); }

INSTANTIATE_TEST_SUITE_P(Ops, GradcheckOp, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<CaseRef>& info) {
                           return info.param.op + "_" + cases().at(info.param.op)[info.param.index].label;
                         });

}  // namespace
}  // namespace dl
