// Optimizers against PyTorch: 50-step trajectories of a small model
// (Linear(4,3)-tanh-Linear(3,2), MSE, float64) for every configuration in
// tests/fixtures/training.json; parameter groups with a frozen parameter;
// and gradient clipping.
#include "optim/optimizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>

#include "autograd/autograd.h"
#include "base/error.h"
#include "fixture_util.h"
#include "nn/loss.h"

namespace dl {
namespace {

using testing::expect_close;
using testing::load_fixture;
using testing::tensor_from_json;

struct Model {
  std::map<std::string, Tensor> p;
  Tensor forward(const Tensor& x) { return linear(tanh(linear(x, p["w1"], p["b1"])), p["w2"], p["b2"]); }
  std::vector<Tensor> params() { return {p["w1"], p["b1"], p["w2"], p["b2"]}; }
};

Model make_model(const nlohmann::json& init) {
  Model m;
  for (const char* k : {"w1", "b1", "w2", "b2"}) {
    m.p[k] = tensor_from_json(init[k]);
    set_requires_grad(m.p[k], true);
  }
  return m;
}

std::unique_ptr<Optimizer> make_optimizer(const std::string& kind, const nlohmann::json& o,
                                          const std::vector<Tensor>& params) {
  auto get = [&](const char* k, double d) { return o.contains(k) ? o[k].get<double>() : d; };
  auto flag = [&](const char* k) { return o.contains(k) && o[k].get<bool>(); };
  if (kind == "sgd") {
    SgdOptions s;
    s.lr = get("lr", s.lr), s.momentum = get("momentum", 0), s.dampening = get("dampening", 0);
    s.weight_decay = get("weight_decay", 0), s.nesterov = flag("nesterov");
    return std::make_unique<Sgd>(params, s);
  }
  if (kind == "adam" || kind == "adamw") {
    AdamOptions a;
    a.lr = get("lr", a.lr), a.eps = get("eps", a.eps), a.amsgrad = flag("amsgrad");
    a.weight_decay = get("weight_decay", kind == "adamw" ? 1e-2 : 0.0);
    if (o.contains("betas")) a.beta1 = o["betas"][0], a.beta2 = o["betas"][1];
    return std::make_unique<Adam>(params, a, kind == "adamw");
  }
  if (kind == "rmsprop") {
    RmspropOptions r;
    r.lr = get("lr", r.lr), r.alpha = get("alpha", r.alpha), r.eps = get("eps", r.eps);
    r.weight_decay = get("weight_decay", 0), r.momentum = get("momentum", 0), r.centered = flag("centered");
    return std::make_unique<Rmsprop>(params, r);
  }
  AdagradOptions a;
  a.lr = get("lr", a.lr), a.lr_decay = get("lr_decay", 0), a.weight_decay = get("weight_decay", 0);
  a.initial_accumulator_value = get("initial_accumulator_value", 0);
  return std::make_unique<Adagrad>(params, a);
}

double train_step(Model& m, Optimizer& opt, const Tensor& X, const Tensor& Y) {
  opt.zero_grad();
  Tensor loss = mse_loss(m.forward(X), Y);
  backward(loss);
  opt.step();
  return contiguous(loss).data_ptr<double>()[0];
}

TEST(Optimizers, FiftyStepTrajectoriesMatchPytorch) {
  auto f = load_fixture("training.json")["optim"];
  Tensor X = tensor_from_json(f["X"]), Y = tensor_from_json(f["Y"]);
  ASSERT_GE(f["runs"].size(), 15u);
  for (auto& run : f["runs"]) {
    std::string label = std::string(run["kind"]) + " " + run["options"].dump();
    SCOPED_TRACE(label);
    Model m = make_model(f["init"]);
    auto opt = make_optimizer(run["kind"], run["options"], m.params());
    for (size_t step = 0; step < 50; ++step)
      ASSERT_NEAR(train_step(m, *opt, X, Y), run["losses"][step].get<double>(), 1e-10) << "step " << step;
    for (const char* k : {"w1", "b1", "w2", "b2"})
      expect_close(m.p[k], tensor_from_json(run["final"][k]), 1e-9, 1e-11, label + " " + k);
  }
}

TEST(Optimizers, ParameterGroupsAndFrozenParametersMatchPytorch) {
  auto f = load_fixture("training.json")["optim"];
  Tensor X = tensor_from_json(f["X"]), Y = tensor_from_json(f["Y"]);
  Model m = make_model(f["init"]);
  set_requires_grad(m.p["b2"], false);
  SgdOptions s;
  s.lr = 0.05, s.momentum = 0.9, s.weight_decay = 0.01;
  Sgd opt({m.p["w1"], m.p["b1"]}, s);
  opt.add_param_group({m.p["w2"], m.p["b2"]}, 0.01, 0.0);
  auto& ref = f["param_groups"];
  for (size_t step = 0; step < 50; ++step)
    ASSERT_NEAR(train_step(m, opt, X, Y), ref["losses"][step].get<double>(), 1e-10) << "step " << step;
  for (const char* k : {"w1", "b1", "w2", "b2"}) expect_close(m.p[k], tensor_from_json(ref["final"][k]), 1e-9, 1e-11, k);
}

// The fused updates work on a contiguous copy of a strided parameter and write
// it back: the same numbers as for a contiguous one.
TEST(Optimizers, StridedParameterUpdatesLikeAContiguousOne) {
  Tensor init = tensor_from_json(load_fixture("training.json")["optim"]["init"]["w1"]);  // [3, 4]
  for (const char* kind : {"sgd", "adam", "rmsprop"}) {
    SCOPED_TRACE(kind);
    Tensor strided = transpose(clone(transpose(init, 0, 1)), 0, 1);  // init's values, column-major
    Tensor dense = clone(init);
    ASSERT_FALSE(strided.is_contiguous());
    std::vector<Tensor> params = {strided, dense};
    for (Tensor& p : params) set_requires_grad(p, true);
    nlohmann::json options = {{"lr", 0.1}, {"momentum", 0.9}, {"weight_decay", 0.01}, {"amsgrad", true}};
    auto opt_strided = make_optimizer(kind, options, {strided});
    auto opt_dense = make_optimizer(kind, options, {dense});
    for (int step = 0; step < 3; ++step) {
      for (Tensor& p : params) backward(sum(mul(tanh(p), p)));
      opt_strided->step(), opt_dense->step();
      opt_strided->zero_grad(), opt_dense->zero_grad();
    }
    EXPECT_FALSE(strided.is_contiguous());
    expect_close(strided, dense, 0, 0, kind);
    EXPECT_GT(std::abs(testing::values(strided)[0] - testing::values(init)[0]), 1e-3);
  }
}

TEST(Optimizers, LearningRateGetAndSet) {
  Tensor w = zeros({2}, DType::Float64);
  set_requires_grad(w, true);
  Sgd opt({w}, SgdOptions{});
  EXPECT_DOUBLE_EQ(opt.lr(), 1e-3);  // PyTorch's default
  opt.set_lr(0.25);
  EXPECT_DOUBLE_EQ(opt.lr(), 0.25);
  EXPECT_THROW(opt.set_lr(-1.0), Error);
  EXPECT_DOUBLE_EQ(opt.lr(), 0.25);
}

TEST(Optimizers, ZeroGradSetsToNoneOrZero) {
  Tensor w = ones({3}, DType::Float64);
  set_requires_grad(w, true);
  Sgd opt({w}, SgdOptions{});
  backward(sum(mul(w, w)));
  opt.zero_grad(false);
  ASSERT_TRUE(grad(w).defined());
  EXPECT_EQ(testing::values(grad(w)), std::vector<double>({0, 0, 0}));
  opt.zero_grad();
  EXPECT_FALSE(grad(w).defined());
}

TEST(Optimizers, BadOptionsAndParametersAreErrors) {
  Tensor w = ones({2});
  set_requires_grad(w, true);
  SgdOptions bad;
  bad.momentum = -1;
  EXPECT_THROW(Sgd({w}, bad), Error);
  AdamOptions a;
  a.beta1 = 1.5;
  EXPECT_THROW(Adam({w}, a), Error);
  Tensor ints = zeros({2}, DType::Int64);
  EXPECT_THROW(Sgd({ints}, SgdOptions{}), Error);
  Sgd opt({w}, SgdOptions{});
  EXPECT_THROW(opt.add_param_group({w}, 0.1, 0), Error);  // already in a group
}

TEST(Clipping, GradNormMatchesPytorch) {
  auto fixture = load_fixture("training.json");
  auto f = fixture["optim"];
  Tensor X = tensor_from_json(f["X"]), Y = tensor_from_json(f["Y"]);
  for (auto& run : fixture["clipping"]["runs"]) {
    SCOPED_TRACE(run.dump().substr(0, 60));
    Model m = make_model(f["init"]);
    backward(mse_loss(m.forward(X), Y));
    double norm_type = run["norm_type"].is_string() ? std::numeric_limits<double>::infinity()
                                                    : run["norm_type"].get<double>();
    double total = clip_grad_norm_(m.params(), run["max_norm"], norm_type);
    EXPECT_NEAR(total, run["total_norm"].get<double>(), 1e-12);
    for (const char* k : {"w1", "b1", "w2", "b2"})
      expect_close(grad(m.p[k]), tensor_from_json(run["grads"][k]), 1e-9, 1e-13, k);
  }
}

TEST(Clipping, GradValueMatchesPytorch) {
  auto fixture = load_fixture("training.json");
  auto f = fixture["optim"];
  Model m = make_model(f["init"]);
  backward(mse_loss(m.forward(tensor_from_json(f["X"])), tensor_from_json(f["Y"])));
  clip_grad_value_(m.params(), fixture["clipping"]["value"]["clip_value"]);
  for (const char* k : {"w1", "b1", "w2", "b2"})
    expect_close(grad(m.p[k]), tensor_from_json(fixture["clipping"]["value"]["grads"][k]), 0, 1e-15, k);
}

}  // namespace
}  // namespace dl
