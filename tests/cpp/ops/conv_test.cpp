// Convolution and pooling beyond the PyTorch fixtures and gradient checks:
// batches large enough to be unfolded in several chunks agree with
// per-sample results, float32 convolutions (oneDNN where built) agree with
// the float64 ones (checked against finite differences and PyTorch), NaN
// wins max pooling, and bad geometry gets errors that name the sizes.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "autograd/autograd.h"
#include "base/error.h"
#include "fixture_util.h"
#include "ops/ops.h"
#include "tensor/generator.h"

namespace dl {
namespace {

using testing::expect_close;
using testing::status_of;
using testing::values;

// Float64 [3, 8, 80, 80] with a 3x3 kernel unfolds to 3.7 MB per sample, so
// the CPU kernels take the batch in chunks of two (backends/cpu/conv.cpp).
TEST(Conv2d, ChunkedBatchMatchesPerSample) {
  manual_seed(7);
  Tensor x = randn({3, 8, 80, 80}, DType::Float64);
  Tensor w = randn({4, 8, 3, 3}, DType::Float64),
         b = randn({4}, DType::Float64);
  for (Tensor *t : {&x, &w, &b})
    set_requires_grad(*t, true);
  Tensor y = conv2d(x, w, b, {1, 1},
                    Conv2dPadding{Conv2dPadding::Mode::Explicit, {1, 1}});
  Tensor gy = randn(y.sizes(), DType::Float64);
  backward(y, gy);
  Tensor dw_sum = zeros(w.sizes(), DType::Float64);
  for (int64_t n = 0; n < 3; ++n) {
    Tensor xn = detach(clone(narrow(x, 0, n, 1))), wn = detach(clone(w));
    set_requires_grad(xn, true), set_requires_grad(wn, true);
    Tensor yn = conv2d(xn, wn, b, {1, 1},
                       Conv2dPadding{Conv2dPadding::Mode::Explicit, {1, 1}});
    expect_close(yn, narrow(y, 0, n, 1), 1e-12, 1e-12,
                 "forward of sample " + std::to_string(n));
    backward(yn, narrow(gy, 0, n, 1));
    expect_close(grad(xn), narrow(grad(x), 0, n, 1), 1e-12, 1e-12,
                 "input gradient of sample " + std::to_string(n));
    dw_sum = add(dw_sum, grad(wn));
  }
  expect_close(grad(w), dw_sum, 1e-10, 1e-10,
               "weight gradient summed over chunks");
}

struct Geometry {
  Dims x, w;
  Pair2d stride, dilation;
  Conv2dPadding padding;
  int64_t groups;
  bool bias;
};

// Forward, input, weight and bias gradients of float32 against float64 for
// odd sizes, strides that leave input rows unread, padding, dilation,
// groups (depthwise too), 1x1 and no bias.
TEST(Conv2d, Float32MatchesFloat64) {
  using Mode = Conv2dPadding::Mode;
  const std::vector<Geometry> cases = {
      {{2, 3, 9, 8}, {4, 3, 3, 3}, {1, 1}, {1, 1}, {Mode::Explicit, {0, 0}}, 1, true},
      {{3, 4, 8, 10}, {6, 4, 3, 2}, {2, 3}, {1, 1}, {Mode::Explicit, {1, 0}}, 1, true},
      {{2, 4, 11, 9}, {4, 2, 3, 3}, {1, 2}, {2, 1}, {Mode::Explicit, {2, 1}}, 2, false},
      {{2, 6, 7, 7}, {6, 1, 3, 3}, {1, 1}, {1, 1}, {Mode::Same, {0, 0}}, 6, true},
      {{2, 5, 6, 6}, {3, 5, 1, 1}, {1, 1}, {1, 1}, {Mode::Explicit, {0, 0}}, 1, true},
      {{1, 3, 12, 12}, {8, 3, 5, 5}, {2, 2}, {1, 1}, {Mode::Explicit, {2, 2}}, 1, true},
      {{4, 16, 10, 10}, {32, 16, 3, 3}, {1, 1}, {1, 1}, {Mode::Same, {0, 0}}, 1, true},
      // LeNet's second conv: its weight gradient runs channels-last (NOTE [conv activation layout])
      {{5, 6, 14, 14}, {16, 6, 5, 5}, {1, 1}, {1, 1}, {Mode::Explicit, {0, 0}}, 1, true},
  };
  manual_seed(11);
  for (size_t i = 0; i < cases.size(); ++i) {
    const Geometry& g = cases[i];
    SCOPED_TRACE("case " + std::to_string(i));
    Tensor x64 = randn(g.x, DType::Float64), w64 = randn(g.w, DType::Float64), b64 = randn({g.w[0]}, DType::Float64);
    Tensor x32 = to_dtype(x64, DType::Float32), w32 = to_dtype(w64, DType::Float32), b32 = to_dtype(b64, DType::Float32);
    for (Tensor* t : {&x64, &w64, &b64, &x32, &w32, &b32}) set_requires_grad(*t, true);
    Tensor y64 = conv2d(x64, w64, g.bias ? b64 : Tensor(), g.stride, g.padding, g.dilation, g.groups);
    Tensor y32 = conv2d(x32, w32, g.bias ? b32 : Tensor(), g.stride, g.padding, g.dilation, g.groups);
    expect_close(y32, y64, 1e-5, 1e-5, "forward");
    Tensor gy64 = randn(y64.sizes(), DType::Float64);
    backward(y64, gy64);
    backward(y32, to_dtype(gy64, DType::Float32));
    expect_close(grad(x32), grad(x64), 1e-5, 1e-5, "input gradient");
    expect_close(grad(w32), grad(w64), 1e-5, 2e-5, "weight gradient");
    if (g.bias) expect_close(grad(b32), grad(b64), 1e-5, 2e-5, "bias gradient");
  }
}

TEST(MaxPool2d, NanIsTheMaximum) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> v = {1, 5, nan, 2, 3, 4, 0, 9, 8};
  Tensor x = from_data(v.data(), DType::Float64, {1, 1, 3, 3});
  Pool2dOptions o;
  o.kernel = {2, 2}, o.stride = {1, 1};
  auto [y, idx] = max_pool2d_with_indices(x, o);
  std::vector<double> got = values(y), at = values(idx);
  EXPECT_EQ(got[0], 5);
  EXPECT_TRUE(std::isnan(got[1]));
  EXPECT_EQ(at[1], 2);
  EXPECT_EQ(got[2], 9);
  EXPECT_EQ(got[3], 9);
}

// Two NaNs in one window: the last one's index, as PyTorch 1.13's
// max_pool2d(x, 2, 1, return_indices=True) gives ([nan, nan, nan, 6],
// [3, 1, 3, 8]); with padding the border windows take the same rule.
TEST(MaxPool2d, LastNanWins) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> v = {1, nan, 7, nan, 2, 3, 4, 5, 6};
  Tensor x = from_data(v.data(), DType::Float32, {1, 1, 3, 3});
  Pool2dOptions o;
  o.kernel = {2, 2}, o.stride = {1, 1};
  auto [y, idx] = max_pool2d_with_indices(x, o);
  std::vector<double> got = values(y), at = values(idx);
  EXPECT_TRUE(std::isnan(got[0]) && std::isnan(got[1]) && std::isnan(got[2]));
  EXPECT_EQ(got[3], 6);
  EXPECT_EQ(at, (std::vector<double>{3, 1, 3, 8}));
  o.padding = {1, 1}, o.stride = {2, 2};
  std::tie(y, idx) = max_pool2d_with_indices(x, o);
  EXPECT_EQ(values(idx), (std::vector<double>{0, 1, 3, 8}));
}

// MaxPool2d(2)'s vectorized rows against the rule written out: in each
// window, visited row by row, the first maximum wins, or the last NaN.
TEST(MaxPool2d, TwoByTwoFollowsTheRule) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  manual_seed(3);
  Tensor x = randint(0, 4, {2, 3, 6, 10}, DType::Float32);  // many ties
  const std::vector<double> drawn = values(x);
  std::vector<float> v(drawn.begin(), drawn.end());
  for (size_t k : {0u, 3u, 13u, 22u, 23u, 40u, 41u, 50u, 51u, 60u, 70u, 71u, 119u, 200u}) v[k] = nan;
  x = from_data(v.data(), DType::Float32, {2, 3, 6, 10});
  Pool2dOptions o;
  o.kernel = {2, 2};
  auto [y, idx] = max_pool2d_with_indices(x, o);
  std::vector<double> got = values(y), at = values(idx);
  for (int64_t q = 0; q < 6; ++q)
    for (int64_t oh = 0; oh < 3; ++oh)
      for (int64_t ow = 0; ow < 5; ++ow) {
        int64_t best = -1;
        for (int64_t e = 0; e < 4; ++e) {
          const int64_t k = (2 * oh + e / 2) * 10 + 2 * ow + e % 2;
          const float c = v[static_cast<size_t>(q * 60 + k)];
          if (best < 0 || std::isnan(c) || c > v[static_cast<size_t>(q * 60 + best)]) best = k;
        }
        const size_t o_at = static_cast<size_t>((q * 3 + oh) * 5 + ow);
        EXPECT_EQ(at[o_at], best) << "plane " << q << " output " << oh << "," << ow;
        const float want = v[static_cast<size_t>(q * 60 + best)];
        if (std::isnan(want)) EXPECT_TRUE(std::isnan(got[o_at]));
        else EXPECT_EQ(got[o_at], want);
      }
  NoGradGuard no_grad;
  const std::vector<double> without = values(max_pool2d(x, o));
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_TRUE(without[i] == got[i] || (std::isnan(without[i]) && std::isnan(got[i]))) << "output " << i;
}

// Outside recording, max_pool2d makes no indices; its values are the same.
TEST(MaxPool2d, WithoutIndicesMatches) {
  manual_seed(5);
  Tensor x = randn({2, 3, 9, 10}, DType::Float32);
  Pool2dOptions o;
  o.kernel = {3, 2}, o.stride = {2, 2}, o.padding = {1, 1}, o.dilation = {1, 2};
  Tensor with = max_pool2d_with_indices(x, o).first;
  NoGradGuard no_grad;
  expect_close(max_pool2d(x, o), with, 0, 0, "values");
}

TEST(Conv2d, BadGeometryIsAnErrorNamingTheSizes) {
  std::string message;
  try {
    conv2d(zeros({1, 1, 4, 4}), zeros({2, 1, 5, 5}));
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::Shape);
    message = e.what();
  }
  EXPECT_NE(message.find("too small for kernel 5x5"), std::string::npos) << message;
  EXPECT_NE(message.find(shape_str({1, 1, 4, 4})), std::string::npos) << message;
  const Conv2dPadding same{Conv2dPadding::Mode::Same, {0, 0}};
  EXPECT_EQ(status_of([] { conv2d(zeros({1, 3, 8, 8}), zeros({2, 2, 3, 3})); }), Status::Shape);
  EXPECT_EQ(status_of([] { conv2d(zeros({1, 4, 8, 8}), zeros({3, 2, 3, 3}), Tensor(), {1, 1}, {}, {1, 1}, 2); }),
            Status::Shape);  // 3 out channels in 2 groups
  EXPECT_EQ(status_of([&] { conv2d(zeros({1, 1, 8, 8}), zeros({1, 1, 3, 3}), Tensor(), {2, 2}, same); }),
            Status::InvalidArgument);
  EXPECT_EQ(status_of([] { conv2d(zeros({1, 1, 8, 8}), zeros({1, 1, 3, 3}, DType::Float64)); }), Status::DType);
  Pool2dOptions o;
  o.kernel = {2, 2}, o.padding = {2, 2};
  EXPECT_EQ(status_of([&] { max_pool2d(zeros({1, 1, 8, 8}), o); }), Status::InvalidArgument);
  o.padding = {0, 0}, o.kernel = {9, 9};
  EXPECT_EQ(status_of([&] { avg_pool2d(zeros({1, 1, 8, 8}), o); }), Status::Shape);
  EXPECT_EQ(status_of([&] { max_pool2d(zeros({8, 8}), o); }), Status::Shape);
}

}  // namespace
}  // namespace dl
