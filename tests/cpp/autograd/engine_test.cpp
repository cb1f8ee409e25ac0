// The backward engine's behaviour: accumulation, retain_graph, errors for a
// freed graph and for in-place changes of saved tensors, grad mode,
// detach and freezing, and that a failed backward changes no gradient.
#include <gtest/gtest.h>

#include "autograd/autograd.h"
#include "base/error.h"
#include "fixture_util.h"

namespace dl {
namespace {

using testing::status_of;
using testing::values;

Tensor leaf(std::vector<double> v) {
  Tensor t = from_data(v.data(), DType::Float64, {static_cast<int64_t>(v.size())});
  set_requires_grad(t, true);
  return t;
}

TEST(Autograd, GradientsAccumulateAcrossBackwardCalls) {
  Tensor x = leaf({1, 2, 3});
  backward(sum(mul(x, x)));
  EXPECT_EQ(values(grad(x)), std::vector<double>({2, 4, 6}));
  backward(sum(mul(x, 3.0)));
  EXPECT_EQ(values(grad(x)), std::vector<double>({5, 7, 9}));
}

// A fresh gradient becomes .grad without a copy, but one the caller still
// holds is copied: changing the caller's tensor afterwards leaves .grad alone.
TEST(Autograd, LeafGradientIsCopiedWhenTheCallerHoldsIt) {
  Tensor x = leaf({1, 2, 3});
  Tensor seed = from_data(std::vector<double>{1, 1, 1}.data(), DType::Float64, {3});
  backward(x, seed);
  add_(seed, seed);
  EXPECT_EQ(values(grad(x)), std::vector<double>({1, 1, 1}));
  Tensor y = leaf({1, 2, 3});
  backward(sum(mul(y, y)));
  Tensor g = grad(y);
  backward(sum(mul(y, y)));  // accumulates in place into the adopted gradient
  EXPECT_EQ(values(g), std::vector<double>({4, 8, 12}));
}

TEST(Autograd, SecondBackwardWithoutRetainGraphIsStateError) {
  Tensor x = leaf({1, 2});
  Tensor y = sum(exp(x));
  backward(y);
  EXPECT_EQ(status_of([&] { backward(y); }), Status::State);
}

TEST(Autograd, RetainGraphAllowsASecondBackward) {
  Tensor x = leaf({1, 2});
  Tensor y = sum(mul(x, x));
  backward(y, Tensor(), true);
  backward(y);
  EXPECT_EQ(values(grad(x)), std::vector<double>({4, 8}));
}

TEST(Autograd, InPlaceChangeOfSavedTensorIsDetected) {
  Tensor x = leaf({1, 2});
  Tensor y = sum(mul(x, x));
  {
    NoGradGuard no_grad;
    Tensor alias = x;
    add_(alias, ones({2}, DType::Float64));
  }
  try {
    backward(y);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::State);
    EXPECT_NE(std::string(e.what()).find("in-place"), std::string::npos) << e.what();
  }
}

TEST(Autograd, FailedBackwardChangesNoGradient) {
  Tensor a = leaf({1, 2});
  Tensor b = leaf({3, 4});
  backward(sum(add(a, b)));  // both grads now [1, 1]
  Tensor saved_user = mul(b, b);
  Tensor y = add(sum(mul(a, 2.0)), sum(saved_user));
  {
    NoGradGuard no_grad;
    Tensor alias = b;
    add_(alias, ones({2}, DType::Float64));  // invalidates mul(b, b)'s saved input
  }
  EXPECT_EQ(status_of([&] { backward(y); }), Status::State);
  EXPECT_EQ(values(grad(a)), std::vector<double>({1, 1}));
  EXPECT_EQ(values(grad(b)), std::vector<double>({1, 1}));
}

TEST(Autograd, NoGradRecordsNothing) {
  Tensor x = leaf({1, 2});
  Tensor y;
  {
    NoGradGuard no_grad;
    y = mul(x, x);
  }
  EXPECT_FALSE(requires_grad(y));
  EXPECT_EQ(status_of([&] { backward(sum(y)); }), Status::State);
  EXPECT_TRUE(grad_enabled());
}

TEST(Autograd, DetachAndFrozenLeavesGetNoGradient) {
  Tensor x = leaf({1, 2});
  Tensor frozen = from_data(std::vector<double>{5, 6}.data(), DType::Float64, {2});
  Tensor y = sum(add(mul(detach(x), x), frozen));
  backward(y);
  EXPECT_EQ(values(grad(x)), std::vector<double>({1, 2}));
  EXPECT_FALSE(grad(frozen).defined());
  EXPECT_TRUE(is_leaf(x));
  EXPECT_FALSE(is_leaf(y));
}

TEST(Autograd, NonScalarBackwardNeedsAGradient) {
  Tensor x = leaf({1, 2});
  Tensor y = mul(x, 2.0);
  EXPECT_EQ(status_of([&] { backward(y); }), Status::Shape);
  EXPECT_EQ(status_of([&] { backward(y, ones({3}, DType::Float64)); }), Status::Shape);
  backward(y, from_data(std::vector<double>{1, 10}.data(), DType::Float64, {2}));
  EXPECT_EQ(values(grad(x)), std::vector<double>({2, 20}));
}

TEST(Autograd, RequiresGradRules) {
  Tensor ints = zeros({2}, DType::Int64);
  EXPECT_EQ(status_of([&] { set_requires_grad(ints, true); }), Status::DType);
  Tensor x = leaf({1});
  Tensor y = mul(x, 2.0);
  EXPECT_EQ(status_of([&] { set_requires_grad(y, false); }), Status::State);
  Tensor plain = zeros({1}, DType::Float64);
  EXPECT_EQ(status_of([&] { backward(sum(plain)); }), Status::State);
}

TEST(Autograd, BroadcastGradientsSumToInputShapeAndDtype) {
  Tensor a = leaf({1, 2, 3});                   // [3], float64
  Tensor b = ones({2, 1}, DType::Float32);      // float32, promoted to float64
  set_requires_grad(b, true);
  backward(sum(mul(a, b)));
  EXPECT_EQ(values(grad(a)), std::vector<double>({2, 2, 2}));
  EXPECT_EQ(grad(b).dtype(), DType::Float32);
  EXPECT_EQ(values(grad(b)), std::vector<double>({6, 6}));
}

TEST(Autograd, ZeroGradSetToNoneOrZero) {
  Tensor x = leaf({1, 2});
  backward(sum(x));
  zero_grad(x, false);
  EXPECT_EQ(values(grad(x)), std::vector<double>({0, 0}));
  zero_grad(x);
  EXPECT_FALSE(grad(x).defined());
}

}  // namespace
}  // namespace dl
