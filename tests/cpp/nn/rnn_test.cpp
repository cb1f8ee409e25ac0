// Recurrent layers, cells and embeddings against PyTorch (tests/fixtures/
// rnn.json from gen_rnn_fixtures.py: outputs, final states and the gradients
// of every input, state and parameter, in float64), against float64 finite
// differences, and against themselves: a padded batch with lengths gives
// each sequence's results alone; a PyTorch-written LSTM checkpoint loads and
// gives PyTorch's output; float32 agrees with float64; errors name the
// argument.
#include "nn/rnn.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "autograd/autograd.h"
#include "fixture_util.h"
#include "gradcheck_util.h"
#include "io/safetensors.h"
#include "nn/embedding.h"
#include "tensor/generator.h"

namespace dl {
namespace {

using nlohmann::json;
using testing::expect_close;
using testing::load_fixture;
using testing::status_of;
using testing::tensor_from_json;
using testing::values;

const json& fixture() {
  static const json f = load_fixture("rnn.json");
  return f;
}

RnnMode mode_of(const std::string& kind) {
  if (kind == "lstm") return RnnMode::Lstm;
  if (kind == "gru") return RnnMode::Gru;
  return kind == "rnn_relu" ? RnnMode::Relu : RnnMode::Tanh;
}

// A leaf copy of j (undefined for null), requiring grad.
Tensor leaf_of(const json& j) {
  if (j.is_null()) return Tensor();
  Tensor t = clone(tensor_from_json(j));
  set_requires_grad(t, true);
  return t;
}

// Sets m's parameters from the fixture, checking PyTorch's names and order.
void load_parameters(Module& m, const json& c) {
  auto params = m.named_parameters();
  ASSERT_EQ(params.size(), c["param_names"].size());
  for (size_t i = 0; i < params.size(); ++i) {
    ASSERT_EQ(params[i].first, c["param_names"][i].get<std::string>());
    Tensor want = tensor_from_json(c["params"][params[i].first]);
    ASSERT_EQ(shape_str(params[i].second.sizes()), shape_str(want.sizes())) << params[i].first;
    copy_(params[i].second, want);
  }
}

std::shared_ptr<Rnn> layer_of(const json& c) {
  RnnOptions o;
  o.num_layers = c["num_layers"], o.bias = c["bias"], o.batch_first = c["batch_first"];
  o.bidirectional = c["bidirectional"], o.proj_size = c["proj_size"];
  auto m = std::make_shared<Rnn>(mode_of(c["kind"]), c["input_size"], c["hidden_size"], o, DType::Float64);
  load_parameters(*m, c);
  return m;
}

std::vector<int64_t> lengths_of(const json& c) {
  return c["lengths"].is_null() ? std::vector<int64_t>{} : c["lengths"].get<std::vector<int64_t>>();
}

// sum(output * w_output) + sum(h_n * w_h) + sum(c_n * w_c), as the fixture's loss.
Tensor weighted_sum(const std::vector<Tensor>& outs, const std::vector<Tensor>& weights) {
  Tensor total = full({}, 0.0, DType::Float64);
  for (size_t i = 0; i < outs.size(); ++i)
    if (outs[i].defined()) total = add(total, sum(mul(outs[i], weights[i])));
  return total;
}

struct LayerRun {
  std::shared_ptr<Rnn> m;
  Tensor x, h0, c0;
  std::vector<Tensor> weights;
  std::vector<int64_t> lengths;
  RnnOutput run() { return m->forward(x, h0, c0, lengths); }
  Tensor loss() {
    RnnOutput r = run();
    return weighted_sum({r.output, r.h_n, r.c_n}, weights);
  }
};

LayerRun layer_run(const json& c) {
  LayerRun r{layer_of(c), leaf_of(c["x"]), leaf_of(c["h0"]), leaf_of(c["c0"]), {}, lengths_of(c)};
  for (const char* w : {"w_output", "w_h", "w_c"})
    r.weights.push_back(c[w].is_null() ? Tensor() : tensor_from_json(c[w]));
  return r;
}

class RnnLayers : public ::testing::TestWithParam<size_t> {};

TEST_P(RnnLayers, MatchPytorch) {
  const json& c = fixture()["layers"][GetParam()];
  LayerRun r = layer_run(c);
  RnnOutput out = r.run();
  expect_close(out.output, tensor_from_json(c["output"]), 1e-10, 1e-12, "output");
  expect_close(out.h_n, tensor_from_json(c["h_n"]), 1e-10, 1e-12, "h_n");
  if (c["c_n"].is_null())
    EXPECT_FALSE(out.c_n.defined());
  else
    expect_close(out.c_n, tensor_from_json(c["c_n"]), 1e-10, 1e-12, "c_n");
  backward(weighted_sum({out.output, out.h_n, out.c_n}, r.weights));
  const json& grads = c["grads"];
  expect_close(grad(r.x), tensor_from_json(grads["x"]), 1e-9, 1e-12, "grad x");
  if (r.h0.defined()) expect_close(grad(r.h0), tensor_from_json(grads["h0"]), 1e-9, 1e-12, "grad h0");
  if (r.c0.defined()) expect_close(grad(r.c0), tensor_from_json(grads["c0"]), 1e-9, 1e-12, "grad c0");
  for (auto& [name, p] : r.m->named_parameters())
    expect_close(grad(p), tensor_from_json(grads[name]), 1e-9, 1e-12, "grad " + name);
}

TEST_P(RnnLayers, MatchFiniteDifferences) {
  const json& c = fixture()["layers"][GetParam()];
  LayerRun r = layer_run(c);
  std::vector<Tensor> leaves{r.x};
  std::vector<std::string> names{"x"};
  if (r.h0.defined()) leaves.push_back(r.h0), names.push_back("h0");
  if (r.c0.defined()) leaves.push_back(r.c0), names.push_back("c0");
  for (auto& [name, p] : r.m->named_parameters()) leaves.push_back(p), names.push_back(name);
  testing::expect_gradients_match_finite_differences([&] { return r.loss(); }, leaves, names);
}

INSTANTIATE_TEST_SUITE_P(Fixture, RnnLayers, ::testing::Range<size_t>(0, fixture()["layers"].size()),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           return fixture()["layers"][info.param]["name"].get<std::string>();
                         });

class RnnCells : public ::testing::TestWithParam<size_t> {};

TEST_P(RnnCells, MatchPytorchAndFiniteDifferences) {
  const json& c = fixture()["cells"][GetParam()];
  RnnCell m(mode_of(c["kind"]), c["input_size"], c["hidden_size"], c["bias"], DType::Float64);
  load_parameters(m, c);
  Tensor x = leaf_of(c["x"]), h = leaf_of(c["h"]), cell = leaf_of(c["c"]);
  RnnCellState out = m.forward(x, {h, cell});
  expect_close(out.h, tensor_from_json(c["h_out"]), 1e-10, 1e-12, "h'");
  if (!c["c_out"].is_null()) expect_close(out.c, tensor_from_json(c["c_out"]), 1e-10, 1e-12, "c'");
  std::vector<Tensor> weights{tensor_from_json(c["w_h"]), c["w_c"].is_null() ? Tensor() : tensor_from_json(c["w_c"])};
  backward(weighted_sum({out.h, out.c}, weights));
  const json& grads = c["grads"];
  expect_close(grad(x), tensor_from_json(grads["x"]), 1e-9, 1e-12, "grad x");
  if (h.defined()) expect_close(grad(h), tensor_from_json(grads["h"]), 1e-9, 1e-12, "grad h");
  if (cell.defined()) expect_close(grad(cell), tensor_from_json(grads["c"]), 1e-9, 1e-12, "grad c");
  std::vector<Tensor> leaves{x};
  if (h.defined()) leaves.push_back(h);
  if (cell.defined()) leaves.push_back(cell);
  for (auto& [name, p] : m.named_parameters()) {
    expect_close(grad(p), tensor_from_json(grads[name]), 1e-9, 1e-12, "grad " + name);
    leaves.push_back(p);
  }
  testing::expect_gradients_match_finite_differences(
      [&] {
        RnnCellState s = m.forward(x, {h, cell});
        return weighted_sum({s.h, s.c}, weights);
      },
      leaves);
}

INSTANTIATE_TEST_SUITE_P(Fixture, RnnCells, ::testing::Range<size_t>(0, fixture()["cells"].size()),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           return fixture()["cells"][info.param]["name"].get<std::string>();
                         });

// NOTE [Variable-length batches]: each entry of a padded batch gives what
// its sequence gives alone, and zeros past its end.
TEST(Rnn, PaddedBatchMatchesEachSequenceAlone) {
  for (const char* name : {"lstm_lengths_l2_bidirectional_h0_c0", "gru_lengths_l2_bidirectional_batch_first_h0",
                           "lstm_proj_lengths_bidirectional_batch_first"}) {
    SCOPED_TRACE(name);
    const json* c = nullptr;
    for (auto& l : fixture()["layers"])
      if (l["name"] == name) c = &l;
    ASSERT_NE(c, nullptr);
    LayerRun r = layer_run(*c);
    NoGradGuard no_grad;
    RnnOutput batch = r.run();
    const bool batch_first = (*c)["batch_first"];
    const int64_t time_dim = batch_first ? 1 : 0, batch_dim = batch_first ? 0 : 1;
    const int64_t T = r.x.size(time_dim);
    for (size_t b = 0; b < r.lengths.size(); ++b) {
      const int64_t n = r.lengths[b], bi = static_cast<int64_t>(b);
      Tensor x = narrow(narrow(r.x, batch_dim, bi, 1), time_dim, 0, n);
      Tensor h0 = r.h0.defined() ? narrow(r.h0, 1, bi, 1) : Tensor();
      Tensor c0 = r.c0.defined() ? narrow(r.c0, 1, bi, 1) : Tensor();
      RnnOutput alone = r.m->forward(x, h0, c0);
      Tensor row = narrow(batch.output, batch_dim, bi, 1);
      expect_close(narrow(row, time_dim, 0, n), alone.output, 1e-12, 1e-12, "output of entry " + std::to_string(b));
      if (n < T) {
        std::vector<double> padding = values(narrow(row, time_dim, n, T - n));
        EXPECT_EQ(padding, std::vector<double>(padding.size(), 0.0)) << "padding of entry " << b;
      }
      expect_close(narrow(batch.h_n, 1, bi, 1), alone.h_n, 1e-12, 1e-12, "h_n of entry " + std::to_string(b));
      if (batch.c_n.defined())
        expect_close(narrow(batch.c_n, 1, bi, 1), alone.c_n, 1e-12, 1e-12, "c_n of entry " + std::to_string(b));
    }
  }
}

TEST(Rnn, PytorchCheckpointLoadsAndGivesItsOutput) {
  const json& c = fixture()["checkpoint"];
  RnnOptions o;
  o.num_layers = c["num_layers"], o.bidirectional = c["bidirectional"], o.batch_first = c["batch_first"];
  Rnn m(RnnMode::Lstm, c["input_size"], c["hidden_size"], o);
  const std::string path = std::string(DL_FIXTURE_DIR) + "/" + c["file"].get<std::string>();
  load_module(m, path);
  NoGradGuard no_grad;
  RnnOutput out = m.forward(tensor_from_json(c["x"]), Tensor());
  expect_close(out.output, tensor_from_json(c["output"]), 1e-5, 1e-6, "output");
  expect_close(out.h_n, tensor_from_json(c["h_n"]), 1e-5, 1e-6, "h_n");
  expect_close(out.c_n, tensor_from_json(c["c_n"]), 1e-5, 1e-6, "c_n");
  // What libdl saves has PyTorch's names, shapes and dtypes, in PyTorch's order.
  const std::string saved = ::testing::TempDir() + "lstm_roundtrip.safetensors";
  save_module(m, saved);
  NamedTensors ours = load_safetensors(saved), theirs = load_safetensors(path);
  ASSERT_EQ(ours.size(), theirs.size());
  for (size_t i = 0; i < ours.size(); ++i) {
    EXPECT_EQ(ours[i].first, theirs[i].first);
    EXPECT_EQ(values(ours[i].second), values(theirs[i].second)) << ours[i].first;
    EXPECT_EQ(ours[i].second.dtype(), theirs[i].second.dtype()) << ours[i].first;
  }
  std::remove(saved.c_str());
}

// The fused float32 cell (vectorized exp and tanh) against float64.
TEST(Rnn, Float32MatchesFloat64) {
  manual_seed(21);
  RnnOptions o;
  o.num_layers = 2, o.bidirectional = true, o.batch_first = true;
  for (RnnMode mode : {RnnMode::Lstm, RnnMode::Gru, RnnMode::Tanh}) {
    Rnn m64(mode, 5, 16, o, DType::Float64), m32(mode, 5, 16, o);
    auto p64 = m64.named_parameters(), p32 = m32.named_parameters();
    for (size_t i = 0; i < p64.size(); ++i) copy_(p32[i].second, p64[i].second);
    Tensor x64 = mul(randn({4, 7, 5}, DType::Float64), 3.0), x32 = to_dtype(x64, DType::Float32);
    set_requires_grad(x64, true), set_requires_grad(x32, true);
    RnnOutput a = m64.forward(x64, Tensor()), b = m32.forward(x32, Tensor());
    expect_close(b.output, a.output, 1e-5, 1e-6, "output");
    backward(sum(a.output));
    backward(sum(b.output));
    expect_close(grad(x32), grad(x64), 1e-4, 1e-5, "grad x");
    for (size_t i = 0; i < p64.size(); ++i)
      expect_close(grad(p32[i].second), grad(p64[i].second), 1e-4, 1e-5, p64[i].first);
  }
}

TEST(Rnn, InitializationIsUniformInOneOverSqrtHidden) {
  manual_seed(5);
  Rnn m(RnnMode::Lstm, 10, 25, RnnOptions{});
  const double bound = 1.0 / 5.0;
  for (auto& [name, p] : m.named_parameters()) {
    std::vector<double> v = values(p);
    double lo = 1, hi = -1, mean = 0;
    for (double e : v) lo = std::min(lo, e), hi = std::max(hi, e), mean += e / static_cast<double>(v.size());
    EXPECT_GE(lo, -bound) << name;
    EXPECT_LE(hi, bound) << name;
    EXPECT_LT(lo, -0.9 * bound) << name;  // 100+ draws reach the last tenth of the range
    EXPECT_GT(hi, 0.9 * bound) << name;
    EXPECT_NEAR(mean, 0.0, 0.05) << name;
  }
}

TEST(Rnn, DropoutBetweenLayersInTrainingOnly) {
  manual_seed(8);
  RnnOptions o;
  o.num_layers = 2, o.dropout = 0.5;
  Rnn m(RnnMode::Gru, 3, 8, o);
  Tensor x = randn({6, 4, 3});
  m.train(false);
  std::vector<double> eval1 = values(m.forward(x)), eval2 = values(m.forward(x));
  EXPECT_EQ(eval1, eval2);
  m.train(true);
  EXPECT_NE(values(m.forward(x)), eval1);
  // One layer: nothing to drop between layers.
  o.num_layers = 1;
  Rnn single(RnnMode::Gru, 3, 8, o);
  std::vector<double> train = values(single.forward(x));
  single.train(false);
  EXPECT_EQ(values(single.forward(x)), train);
}

TEST(Rnn, BadArgumentsAreErrorsNamingThem) {
  RnnOptions o;
  o.num_layers = 2, o.bidirectional = true;
  Rnn lstm(RnnMode::Lstm, 3, 4, o);
  Tensor x = zeros({5, 2, 3});
  auto message = [](const std::function<void()>& fn) {
    try {
      fn();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(status_of([&] { lstm.forward(zeros({5, 2, 4}), Tensor()); }), Status::Shape);
  EXPECT_EQ(status_of([&] { lstm.forward(zeros({5, 2, 3, 1}), Tensor()); }), Status::Shape);
  EXPECT_EQ(status_of([&] { lstm.forward(zeros({0, 2, 3}), Tensor()); }), Status::Shape);
  EXPECT_EQ(status_of([&] { lstm.forward(zeros({5, 2, 3}, DType::Float64), Tensor()); }), Status::DType);
  std::string m = message([&] { lstm.forward(x, zeros({4, 3, 4})); });
  EXPECT_NE(m.find("'h0' must have shape [4, 2, 4]"), std::string::npos) << m;
  EXPECT_EQ(status_of([&] { lstm.forward(x, Tensor(), zeros({2, 2, 4})); }), Status::Shape);
  EXPECT_EQ(status_of([&] { lstm.forward(x, Tensor(), Tensor(), {5, 6}); }), Status::InvalidArgument);
  EXPECT_EQ(status_of([&] { lstm.forward(x, Tensor(), Tensor(), {5, 0}); }), Status::InvalidArgument);
  EXPECT_EQ(status_of([&] { lstm.forward(x, Tensor(), Tensor(), {5}); }), Status::Shape);
  Rnn gru(RnnMode::Gru, 3, 4);
  EXPECT_EQ(status_of([&] { gru.forward(x, Tensor(), zeros({1, 2, 4})); }), Status::InvalidArgument);
  o.proj_size = 2;
  EXPECT_EQ(status_of([&] { Rnn(RnnMode::Gru, 3, 4, o); }), Status::InvalidArgument);
  o.proj_size = 4;
  EXPECT_EQ(status_of([&] { Rnn(RnnMode::Lstm, 3, 4, o); }), Status::InvalidArgument);
  o.proj_size = 0, o.dropout = 1.5;
  EXPECT_EQ(status_of([&] { Rnn(RnnMode::Lstm, 3, 4, o); }), Status::InvalidArgument);
  EXPECT_EQ(status_of([] { Rnn(RnnMode::Tanh, 0, 4); }), Status::InvalidArgument);
  RnnCell cell(RnnMode::Lstm, 3, 4);
  EXPECT_EQ(status_of([&] { cell.forward(zeros({2, 3}), {zeros({3, 4}), Tensor()}); }), Status::Shape);
  EXPECT_EQ(status_of([&] { cell.forward(zeros({2, 2}), {}); }), Status::Shape);
  RnnCell gru_cell(RnnMode::Gru, 3, 4);
  EXPECT_EQ(status_of([&] { gru_cell.forward(zeros({2, 3}), {Tensor(), zeros({2, 4})}); }), Status::InvalidArgument);
  EXPECT_EQ(status_of([] { lstm_cell(zeros({2, 8}), zeros({2, 7}), zeros({2, 2})); }), Status::Shape);
}

class Embeddings : public ::testing::TestWithParam<size_t> {};

TEST_P(Embeddings, MatchPytorch) {
  const json& c = fixture()["embeddings"][GetParam()];
  Tensor weight = leaf_of(c["weight"]);
  EmbeddingOptions o;
  if (!c["padding_idx"].is_null()) o.padding_idx = c["padding_idx"].get<int64_t>();
  if (!c["max_norm"].is_null()) o.max_norm = c["max_norm"].get<double>();
  o.norm_type = c["norm_type"];
  Tensor out = embedding(tensor_from_json(c["indices"]), weight, o);
  expect_close(out, tensor_from_json(c["output"]), 1e-12, 1e-12, "output");
  expect_close(weight, tensor_from_json(c["weight_after"]), 1e-12, 1e-12, "weight after the lookup");
  backward(sum(mul(out, tensor_from_json(c["w_output"]))));
  expect_close(grad(weight), tensor_from_json(c["grad_weight"]), 1e-12, 1e-12, "grad weight");
}

INSTANTIATE_TEST_SUITE_P(Fixture, Embeddings, ::testing::Range<size_t>(0, fixture()["embeddings"].size()),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           return fixture()["embeddings"][info.param]["name"].get<std::string>();
                         });

TEST(Embedding, ModuleStartsNormalWithAZeroPaddingRow) {
  manual_seed(9);
  EmbeddingOptions o;
  o.padding_idx = -2;
  Embedding m(200, 50, o);
  Tensor w = m.parameter("weight");
  std::vector<double> v = values(w);
  double mean = 0, sq = 0;
  for (double e : v) mean += e / static_cast<double>(v.size()), sq += e * e / static_cast<double>(v.size());
  EXPECT_NEAR(mean, 0.0, 0.03);
  EXPECT_NEAR(std::sqrt(sq - mean * mean), 1.0, 0.03);
  std::vector<double> row = values(select(w, 0, 198));
  EXPECT_EQ(row, std::vector<double>(50, 0.0));
  const int64_t idx[] = {198, 3, 198};
  Tensor out = m.forward(from_data(idx, DType::Int64, {3}));
  backward(sum(out));
  EXPECT_EQ(values(select(grad(w), 0, 198)), std::vector<double>(50, 0.0));
  EXPECT_EQ(values(select(grad(w), 0, 3)), std::vector<double>(50, 1.0));
}

TEST(Embedding, BadArgumentsAreErrors) {
  Tensor w = zeros({5, 2});
  const int64_t bad[] = {0, 5}, neg[] = {-1};
  EXPECT_EQ(status_of([&] { embedding(from_data(bad, DType::Int64, {2}), w); }), Status::InvalidArgument);
  EXPECT_EQ(status_of([&] { embedding(from_data(neg, DType::Int64, {1}), w); }), Status::InvalidArgument);
  EXPECT_EQ(status_of([&] { embedding(zeros({2}), w); }), Status::DType);
  EXPECT_EQ(status_of([&] { embedding(zeros({2}, DType::Int64), zeros({5})); }), Status::Shape);
  EmbeddingOptions o;
  o.padding_idx = 5;
  EXPECT_EQ(status_of([&] { embedding(zeros({2}, DType::Int64), w, o); }), Status::InvalidArgument);
  EXPECT_EQ(status_of([&] { Embedding(5, 2, o); }), Status::InvalidArgument);
  o.padding_idx.reset(), o.max_norm = -1.0;
  EXPECT_EQ(status_of([&] { Embedding(5, 2, o); }), Status::InvalidArgument);
  EXPECT_EQ(status_of([] { Embedding(0, 2); }), Status::InvalidArgument);
}

}  // namespace
}  // namespace dl
