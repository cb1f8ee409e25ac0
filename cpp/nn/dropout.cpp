#include "nn/dropout.h"

#include "base/error.h"
#include "ops/creation.h"
#include "ops/elementwise.h"
#include "ops/view.h"

namespace dl {

namespace {

void check_p(double p, const char* what) {
  DL_CHECK(p >= 0 && p <= 1, Status::InvalidArgument, what, ": dropout probability has to be between 0 and 1, but got ",
           p);
}

// x * mask, mask of mask_shape (broadcast to x): 0 with probability p, else 1 / (1 - p).
Tensor masked(const Tensor& x, double p, const Dims& mask_shape) {
  if (p == 1) return mul(x, zeros(mask_shape, x.dtype(), x.device()));
  Tensor keep = lt(rand(mask_shape, x.dtype(), x.device()), 1.0 - p);
  return mul(x, div(to_dtype(keep, x.dtype()), 1.0 - p));
}

}  // namespace

Tensor dropout(const Tensor& x, double p, bool training) {
  check_p(p, "dropout");
  DL_CHECK(x.defined() && is_floating(x.dtype()), Status::DType, "dropout: argument 'x' must be a floating-point tensor");
  if (!training || p == 0) return x;
  return masked(x, p, x.sizes());
}

Tensor dropout2d(const Tensor& x, double p, bool training) {
  check_p(p, "dropout2d");
  DL_CHECK(x.defined() && is_floating(x.dtype()), Status::DType,
           "dropout2d: argument 'x' must be a floating-point tensor");
  DL_CHECK(x.dim() == 3 || x.dim() == 4, Status::Shape, "dropout2d: expected a [N, C, H, W] or [C, H, W] input, got ",
           shape_str(x.sizes()));
  if (!training || p == 0) return x;
  Dims mask_shape = x.sizes();
  for (int64_t d = x.dim() - 2; d < x.dim(); ++d) mask_shape[static_cast<size_t>(d)] = 1;
  return masked(x, p, mask_shape);
}

Dropout::Dropout(double p, bool channel_wise) : Module(channel_wise ? "Dropout2d" : "Dropout"), p_(p), channel_wise_(channel_wise) {
  check_p(p, channel_wise ? "Dropout2d" : "Dropout");
}

Tensor Dropout::forward(const Tensor& x) {
  return channel_wise_ ? dropout2d(x, p_, is_training()) : dropout(x, p_, is_training());
}

}  // namespace dl
