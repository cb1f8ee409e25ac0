// Losses against PyTorch (tests/fixtures/training.json, "losses"): values
// and input gradients for every reduction, weights, ignore_index and label
// smoothing; plus the error paths.
#include "nn/loss.h"

#include <gtest/gtest.h>

#include "autograd/autograd.h"
#include "base/error.h"
#include "fixture_util.h"

namespace dl {
namespace {

using testing::expect_close;
using testing::load_fixture;
using testing::tensor_from_json;

Reduction reduction_of(const std::string& r) {
  return r == "none" ? Reduction::None : r == "sum" ? Reduction::Sum : Reduction::Mean;
}

Tensor optional_tensor(const nlohmann::json& entry, const char* key) {
  return entry.contains(key) && !entry[key].is_null() ? tensor_from_json(entry[key]) : Tensor();
}

TEST(Losses, MatchPytorch) {
  auto fixture = load_fixture("training.json");
  int checked = 0;
  for (auto& e : fixture["losses"]) {
    std::string kind = e["kind"];
    std::string label = kind + "/" + std::string(e["reduction"]);
    SCOPED_TRACE(label);
    Tensor x = tensor_from_json(e["input"]);
    set_requires_grad(x, true);
    Tensor target = tensor_from_json(e["target"]);
    Reduction r = reduction_of(e["reduction"]);
    Tensor loss;
    if (kind == "cross_entropy" || kind == "nll") {
      ClassLossOptions o;
      o.weight = optional_tensor(e, "weight");
      o.label_smoothing = e["label_smoothing"];
      o.reduction = r;
      loss = kind == "nll" ? nll_loss(x, target, o) : cross_entropy(x, target, o);
    } else if (kind == "mse") {
      loss = mse_loss(x, target, r);
    } else if (kind == "l1") {
      loss = l1_loss(x, target, r);
    } else if (kind == "bce") {
      loss = binary_cross_entropy(x, target, optional_tensor(e, "weight"), r);
    } else {
      loss = binary_cross_entropy_with_logits(x, target, optional_tensor(e, "weight"),
                                              optional_tensor(e, "pos_weight"), r);
    }
    expect_close(loss, tensor_from_json(e["out"]), 1e-10, 1e-12, label + " value");
    backward(sum(loss));
    expect_close(grad(x), tensor_from_json(e["grad"]), 1e-9, 1e-12, label + " grad");
    ++checked;
  }
  EXPECT_EQ(checked, 39);  // 18 cross_entropy, 9 nll, 12 mse/l1/bce/bce_with_logits
}

TEST(Losses, TargetOfWrongDtypeIsAnError) {
  Tensor logits = zeros({2, 3});
  Tensor target = zeros({2}, DType::Float32);
  try {
    cross_entropy(logits, target);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::DType);
    EXPECT_NE(std::string(e.what()).find("target"), std::string::npos) << e.what();
  }
}

TEST(Losses, TargetOutOfRangeIsAnError) {
  int64_t t[] = {1, 7};
  try {
    nll_loss(zeros({2, 3}), from_data(t, DType::Int64, {2}));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::InvalidArgument);
    EXPECT_NE(std::string(e.what()).find("target 7"), std::string::npos) << e.what();
  }
}

TEST(Losses, ShapeMismatchIsAnError) {
  int64_t t[] = {1, 2, 0};
  try {
    cross_entropy(zeros({2, 3}), from_data(t, DType::Int64, {3}));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::Shape);
  }
  EXPECT_THROW(mse_loss(zeros({2, 3}), zeros({4})), Error);
}

TEST(Losses, CrossEntropyIsStableForHugeLogits) {
  double big[] = {1000.0, -1000.0, 0.0, 2000.0};
  int64_t t[] = {0, 1};
  Tensor loss = cross_entropy(from_data(big, DType::Float64, {2, 2}), from_data(t, DType::Int64, {2}));
  // Row 0: log(1 + e^-2000) = 0; row 1: 2000 - 2000 + log(1 + e^-2000) = 0 -> mean 0.
  EXPECT_NEAR(contiguous(loss).data_ptr<double>()[0], 0.0, 1e-12);
}

}  // namespace
}  // namespace dl
