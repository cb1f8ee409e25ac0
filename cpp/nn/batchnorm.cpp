#include "nn/batchnorm.h"

#include <cmath>

#include "autograd/grad_mode.h"
#include "base/error.h"
#include "ops/creation.h"
#include "ops/elementwise.h"
#include "ops/reduce.h"
#include "ops/view.h"

namespace dl {

namespace {

// A [C] tensor viewed to broadcast along dim 1 of an input with ndim dims.
Tensor per_channel(const Tensor& t, int64_t ndim) {
  Dims shape(static_cast<size_t>(ndim), 1);
  shape[1] = t.size(0);
  return view(t, shape);
}

void check_channel_vector(const Tensor& t, int64_t C, DType dtype, const char* arg) {
  if (!t.defined()) return;
  DL_CHECK(t.dim() == 1 && t.size(0) == C, Status::Shape, "batch_norm: argument '", arg, "' must have shape [", C,
           "], got ", shape_str(t.sizes()));
  DL_CHECK(t.dtype() == dtype, Status::DType, "batch_norm: argument '", arg, "' has dtype ", dtype_name(t.dtype()),
           ", expected ", dtype_name(dtype));
}

}  // namespace

Tensor batch_norm(const Tensor& x, Tensor running_mean, Tensor running_var, const Tensor& weight, const Tensor& bias,
                  bool training, double exponential_average_factor, double eps) {
  DL_CHECK(x.defined() && x.dim() >= 2, Status::Shape, "batch_norm: argument 'x' must be [N, C, *]");
  DL_CHECK(is_floating(x.dtype()), Status::DType, "batch_norm: argument 'x' must be a floating-point tensor, got ",
           dtype_name(x.dtype()));
  const int64_t C = x.size(1);
  check_channel_vector(weight, C, x.dtype(), "weight");
  check_channel_vector(bias, C, x.dtype(), "bias");
  check_channel_vector(running_mean, C, x.dtype(), "running_mean");
  check_channel_vector(running_var, C, x.dtype(), "running_var");
  DL_CHECK(running_mean.defined() == running_var.defined(), Status::InvalidArgument,
           "batch_norm: running_mean and running_var must both be given or both be undefined");
  Dims dims = {0};
  for (int64_t d = 2; d < x.dim(); ++d) dims.push_back(d);
  const bool batch_stats = training || !running_mean.defined();
  Tensor mean_c, var_c;  // [1, C, 1, ...]
  if (batch_stats) {
    const int64_t per_channel_count = x.numel() / C;
    DL_CHECK(!training || per_channel_count > 1, Status::Shape,
             "batch_norm: expected more than 1 value per channel when training, got input of shape ",
             shape_str(x.sizes()));
    mean_c = mean(x, dims, true);
    var_c = var(x, dims, 0, true);
    if (training && running_mean.defined()) {
      NoGradGuard no_grad;
      const double m = exponential_average_factor;
      const double unbias = static_cast<double>(per_channel_count) / static_cast<double>(per_channel_count - 1);
      Tensor new_mean = add(mul(running_mean, 1.0 - m), mul(reshape(mean_c, {C}), m));
      Tensor new_var = add(mul(running_var, 1.0 - m), mul(reshape(var_c, {C}), m * unbias));
      copy_(running_mean, new_mean);
      copy_(running_var, new_var);
    }
  } else {
    mean_c = per_channel(running_mean, x.dim());
    var_c = per_channel(running_var, x.dim());
  }
  Tensor y = div(sub(x, mean_c), sqrt(add(var_c, eps)));
  if (weight.defined()) y = mul(y, per_channel(weight, x.dim()));
  if (bias.defined()) y = add(y, per_channel(bias, x.dim()));
  return y;
}

BatchNorm::BatchNorm(int spatial_dims, int64_t num_features, const BatchNormOptions& o, DType dtype)
    : Module(spatial_dims == 1 ? "BatchNorm1d" : "BatchNorm2d"),
      spatial_dims_(spatial_dims),
      num_features_(num_features),
      o_(o) {
  DL_CHECK(spatial_dims == 1 || spatial_dims == 2, Status::InvalidArgument, "BatchNorm: spatial_dims must be 1 or 2");
  DL_CHECK(num_features > 0, Status::InvalidArgument, type_name(), ": num_features must be positive, got ",
           num_features);
  DL_CHECK(o.eps > 0, Status::InvalidArgument, type_name(), ": eps must be positive, got ", o.eps);
  DL_CHECK(!o.momentum || (*o.momentum >= 0 && *o.momentum <= 1), Status::InvalidArgument, type_name(),
           ": momentum must be in [0, 1], got ", o.momentum.value_or(0));
  DL_CHECK(is_floating(dtype), Status::DType, type_name(), ": dtype must be floating point, got ", dtype_name(dtype));
  if (o.affine) {
    register_parameter("weight", ones({num_features}, dtype));
    register_parameter("bias", zeros({num_features}, dtype));
  }
  if (o.track_running_stats) {
    register_buffer("running_mean", zeros({num_features}, dtype));
    register_buffer("running_var", ones({num_features}, dtype));
    register_buffer("num_batches_tracked", zeros({}, DType::Int64));
  }
}

Tensor BatchNorm::forward(const Tensor& x) {
  const bool ok = spatial_dims_ == 1 ? (x.dim() == 2 || x.dim() == 3) : x.dim() == 4;
  DL_CHECK(ok, Status::Shape, type_name(), ": expected ", spatial_dims_ == 1 ? "a 2-D or 3-D" : "a 4-D",
           " input, got shape ", shape_str(x.sizes()));
  DL_CHECK(x.size(1) == num_features_, Status::Shape, type_name(), ": input of shape ", shape_str(x.sizes()), " has ",
           x.size(1), " channels, expected ", num_features_);
  Tensor weight = o_.affine ? params_[0].second : Tensor(), bias = o_.affine ? params_[1].second : Tensor();
  Tensor running_mean, running_var;
  double factor = o_.momentum.value_or(0.0);
  if (o_.track_running_stats) {
    running_mean = buffers_[0].second, running_var = buffers_[1].second;
    if (is_training()) {
      Tensor& tracked = buffers_[2].second;
      Tensor count = add(tracked, 1.0);  // int64 buffers take no part in autograd
      if (!o_.momentum) factor = 1.0 / static_cast<double>(to_device(count, Device{}).data_ptr<int64_t>()[0]);
      Tensor y = batch_norm(x, running_mean, running_var, weight, bias, true, factor, o_.eps);
      copy_(tracked, count);  // after the forward succeeded
      return y;
    }
  }
  return batch_norm(x, running_mean, running_var, weight, bias, is_training(), factor, o_.eps);
}

}  // namespace dl
