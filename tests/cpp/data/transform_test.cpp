// Normalize against its closed form (x - mean[c]) / std[c], in place on a
// batch it solely owns and on a copy otherwise, so a tensor the caller still
// holds never changes.
#include "data/dataset.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "fixture_util.h"
#include "ops/creation.h"
#include "ops/view.h"

namespace dl {
namespace {

using testing::values;

Tensor batch_2x3x2() {  // [B=2, C=3, 2] holding 0, 1, ..., 11
  std::vector<float> v(12);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  return from_data(v.data(), DType::Float32, {2, 3, 2});
}

std::vector<double> expected_2x3x2() {
  const double mean[3] = {1, 2, 3}, std[3] = {2, 4, 8};
  std::vector<double> e;
  for (int b = 0; b < 2; ++b)
    for (int c = 0; c < 3; ++c)
      for (int k = 0; k < 2; ++k)
        e.push_back(static_cast<float>((static_cast<float>(b * 6 + c * 2 + k) - mean[c]) / std[c]));
  return e;
}

TEST(Normalize, PerChannelInPlaceOnASoleOwner) {
  Normalize n({1, 2, 3}, {2, 4, 8});
  Tensor x = batch_2x3x2();
  const void* data = x.data();
  Tensor y = n.apply(std::move(x));
  EXPECT_EQ(y.data(), data);  // reused, not copied
  EXPECT_EQ(values(y), expected_2x3x2());
}

TEST(Normalize, LeavesATensorTheCallerHoldsUnchanged) {
  Normalize n({1, 2, 3}, {2, 4, 8});
  Tensor x = batch_2x3x2();
  std::vector<double> before = values(x);
  Tensor y = n.apply(x);
  EXPECT_NE(y.data(), x.data());
  EXPECT_EQ(values(x), before);
  EXPECT_EQ(values(y), expected_2x3x2());
  Tensor strided = transpose(batch_2x3x2(), 0, 2);  // a view: normalized from a contiguous copy
  Tensor z = Normalize({0.5}, {0.25}).apply(strided);
  std::vector<double> xs = values(strided), zs = values(z);
  for (size_t i = 0; i < xs.size(); ++i) EXPECT_FLOAT_EQ(zs[i], (xs[i] - 0.5) / 0.25);
}

TEST(Normalize, BadInputsAreErrors) {
  EXPECT_THROW(Normalize({1, 2}, {1}), Error);
  EXPECT_THROW(Normalize({1}, {0}), Error);
  EXPECT_THROW(Normalize({1, 2}, {1, 1}).apply(batch_2x3x2()), Error);  // 3 channels, 2 given
  EXPECT_THROW(Normalize({1}, {1}).apply(zeros({2, 3}, DType::Int64)), Error);
}

}  // namespace
}  // namespace dl
