// LR schedulers against PyTorch: each one's lr over 100 steps for several
// settings (tests/fixtures/training.json, "schedulers" and "plateau").
#include "optim/scheduler.h"

#include <gtest/gtest.h>

#include <cmath>

#include "autograd/autograd.h"
#include "base/error.h"
#include "fixture_util.h"

namespace dl {
namespace {

using testing::load_fixture;

std::unique_ptr<Scheduler> make_scheduler(const std::string& kind, const nlohmann::json& o, Optimizer& opt) {
  if (kind == "step") return std::make_unique<StepLR>(opt, o["step_size"].get<int64_t>(), o["gamma"].get<double>());
  if (kind == "multistep")
    return std::make_unique<MultiStepLR>(opt, o["milestones"].get<std::vector<int64_t>>(), o["gamma"].get<double>());
  if (kind == "exponential") return std::make_unique<ExponentialLR>(opt, o["gamma"].get<double>());
  if (kind == "cosine")
    return std::make_unique<CosineAnnealingLR>(opt, o["T_max"].get<int64_t>(), o.value("eta_min", 0.0));
  // The fixture's lambda: 0.9 ** epoch / (1 + epoch % 3)
  return std::make_unique<LambdaLR>(
      opt, [](int64_t epoch) { return std::pow(0.9, static_cast<double>(epoch)) / static_cast<double>(1 + epoch % 3); });
}

Tensor parameter() {
  Tensor w = zeros({1}, DType::Float64);
  set_requires_grad(w, true);
  return w;
}

SgdOptions lr(double value) {
  SgdOptions o;
  o.lr = value;
  return o;
}

TEST(Schedulers, HundredStepSequencesMatchPytorch) {
  auto fixture = load_fixture("training.json");
  ASSERT_GE(fixture["schedulers"].size(), 7u);
  for (auto& run : fixture["schedulers"]) {
    std::string label = std::string(run["kind"]) + " " + run["options"].dump();
    SCOPED_TRACE(label);
    Sgd opt({parameter()}, lr(0.1));
    auto s = make_scheduler(run["kind"], run["options"], opt);
    ASSERT_NEAR(opt.lr(), run["lrs"][0].get<double>(), 1e-15);
    for (size_t i = 1; i < run["lrs"].size(); ++i) {
      s->step();
      ASSERT_NEAR(opt.lr(), run["lrs"][i].get<double>(), 1e-14 + 1e-12 * std::abs(run["lrs"][i].get<double>()))
          << "step " << i;
    }
  }
}

TEST(Schedulers, ReduceLROnPlateauMatchesPytorch) {
  auto fixture = load_fixture("training.json")["plateau"];
  for (auto& run : fixture["runs"]) {
    SCOPED_TRACE(run["options"].dump());
    const auto& o = run["options"];
    PlateauOptions p;
    p.mode_max = o["mode"] == "max";
    p.factor = o["factor"];
    p.patience = o["patience"];
    p.threshold = o.value("threshold", 1e-4);
    p.threshold_abs = o.value("threshold_mode", std::string("rel")) == "abs";
    p.cooldown = o.value("cooldown", 0);
    p.min_lr = o.value("min_lr", 0.0);
    Sgd opt({parameter()}, lr(0.1));
    ReduceLROnPlateau s(opt, p);
    for (size_t i = 0; i < fixture["metrics"].size(); ++i) {
      s.step(fixture["metrics"][i].get<double>());
      ASSERT_NEAR(opt.lr(), run["lrs"][i + 1].get<double>(), 1e-15) << "step " << i;
    }
  }
}

TEST(Schedulers, LambdaFailureChangesNothing) {
  Sgd opt({parameter()}, lr(0.1));
  LambdaLR s(opt, [](int64_t epoch) -> double {
    if (epoch == 2) fail(Status::InvalidArgument, "lambda refused epoch 2");
    return 1.0 / static_cast<double>(epoch + 1);
  });
  s.step();
  EXPECT_DOUBLE_EQ(opt.lr(), 0.05);
  EXPECT_THROW(s.step(), Error);
  EXPECT_DOUBLE_EQ(opt.lr(), 0.05);
  EXPECT_EQ(s.last_epoch(), 1);
}

TEST(Schedulers, MetricStepOnlyForPlateau) {
  Sgd opt({parameter()}, lr(0.1));
  StepLR s(opt, 5);
  EXPECT_THROW(s.step(1.0), Error);
  ReduceLROnPlateau p(opt, PlateauOptions{});
  EXPECT_THROW(p.step(), Error);
  EXPECT_THROW(StepLR(opt, 0), Error);
}

}  // namespace
}  // namespace dl
