// The C ABI of the image layers (dl/conv.h): argument conversion only; the
// work is in ops/conv.h and nn/{conv,dropout,batchnorm}.h.
#include "dl/conv.h"

#include "handles.h"
#include "nn/batchnorm.h"
#include "nn/conv.h"
#include "nn/dropout.h"

using namespace dl;
using namespace dl::capi;

namespace {

Conv2dPadding padding_of(const dl_conv2d_options& o) {
  switch (o.padding_mode) {
    case DL_PADDING_EXPLICIT: return Conv2dPadding{Conv2dPadding::Mode::Explicit, {o.pad_h, o.pad_w}};
    case DL_PADDING_SAME: return Conv2dPadding{Conv2dPadding::Mode::Same, {0, 0}};
    case DL_PADDING_VALID: return Conv2dPadding{Conv2dPadding::Mode::Valid, {0, 0}};
    default: fail(Status::InvalidArgument, "argument 'o': padding_mode ", o.padding_mode, " is not a dl_padding_mode");
  }
}

dl_conv2d_options conv_options(const dl_conv2d_options* o) { return o ? *o : dl_conv2d_defaults(); }

Pool2dOptions pool_options(int64_t kernel_h, int64_t kernel_w, const dl_pool2d_options* p) {
  dl_pool2d_options o = p ? *p : dl_pool2d_defaults();
  Pool2dOptions r;
  r.kernel = {kernel_h, kernel_w}, r.stride = {o.stride_h, o.stride_w}, r.padding = {o.pad_h, o.pad_w};
  r.dilation = {o.dilation_h, o.dilation_w};
  r.ceil_mode = o.ceil_mode != 0, r.count_include_pad = o.count_include_pad != 0;
  r.divisor_override = o.divisor_override;
  return r;
}

BatchNormOptions batch_norm_options(const dl_batch_norm_options* p) {
  dl_batch_norm_options o = p ? *p : dl_batch_norm_defaults();
  BatchNormOptions r;
  r.eps = o.eps, r.affine = o.affine != 0, r.track_running_stats = o.track_running_stats != 0;
  r.momentum = o.cumulative_average ? std::nullopt : std::optional<double>(o.momentum);
  return r;
}

Tensor optional_tensor(const dl_tensor* t, const char* arg) { return t ? tensor_of(t, arg) : Tensor(); }

}  // namespace

extern "C" {

DL_API dl_conv2d_options dl_conv2d_defaults(void) { return dl_conv2d_options{1, 1, 0, 0, 1, 1, 1, DL_PADDING_EXPLICIT, 1}; }
DL_API dl_pool2d_options dl_pool2d_defaults(void) { return dl_pool2d_options{0, 0, 0, 0, 1, 1, 0, 1, 0}; }
DL_API dl_batch_norm_options dl_batch_norm_defaults(void) { return dl_batch_norm_options{1e-5, 0.1, 1, 1, 0}; }

DL_API dl_status dl_conv2d(const dl_tensor* x, const dl_tensor* weight, const dl_tensor* bias, int64_t stride_h,
                           int64_t stride_w, int64_t pad_h, int64_t pad_w, int64_t dilation_h, int64_t dilation_w,
                           int64_t groups, dl_tensor** out) {
  return tensor_result("dl_conv2d", out, [&] {
    return conv2d(tensor_of(x, "x"), tensor_of(weight, "weight"), optional_tensor(bias, "bias"), {stride_h, stride_w},
                  Conv2dPadding{Conv2dPadding::Mode::Explicit, {pad_h, pad_w}}, {dilation_h, dilation_w}, groups);
  });
}

DL_API dl_status dl_conv2d_with(const dl_tensor* x, const dl_tensor* weight, const dl_tensor* bias,
                                const dl_conv2d_options* o, dl_tensor** out) {
  return tensor_result("dl_conv2d_with", out, [&] {
    dl_conv2d_options c = conv_options(o);
    return conv2d(tensor_of(x, "x"), tensor_of(weight, "weight"), optional_tensor(bias, "bias"),
                  {c.stride_h, c.stride_w}, padding_of(c), {c.dilation_h, c.dilation_w}, c.groups);
  });
}

DL_API dl_status dl_max_pool2d(const dl_tensor* x, int64_t kernel_h, int64_t kernel_w, int64_t stride_h,
                               int64_t stride_w, int64_t pad_h, int64_t pad_w, int ceil_mode, dl_tensor** out) {
  return tensor_result("dl_max_pool2d", out, [&] {
    dl_pool2d_options o = dl_pool2d_defaults();
    o.stride_h = stride_h, o.stride_w = stride_w, o.pad_h = pad_h, o.pad_w = pad_w, o.ceil_mode = ceil_mode;
    return max_pool2d(tensor_of(x, "x"), pool_options(kernel_h, kernel_w, &o));
  });
}

DL_API dl_status dl_max_pool2d_with_indices(const dl_tensor* x, int64_t kernel_h, int64_t kernel_w,
                                            const dl_pool2d_options* o, dl_tensor** values, dl_tensor** indices) {
  return guarded("dl_max_pool2d_with_indices", [&] {
    reset_out(values, "values");
    reset_out(indices, "indices");
    auto result = max_pool2d_with_indices(tensor_of(x, "x"), pool_options(kernel_h, kernel_w, o));
    dl_tensor* v = new_tensor_handle(result.first);
    *indices = new_tensor_handle(result.second);
    *values = v;
  });
}

DL_API dl_status dl_avg_pool2d(const dl_tensor* x, int64_t kernel_h, int64_t kernel_w, int64_t stride_h,
                               int64_t stride_w, int64_t pad_h, int64_t pad_w, int ceil_mode, int count_include_pad,
                               dl_tensor** out) {
  return tensor_result("dl_avg_pool2d", out, [&] {
    dl_pool2d_options o = dl_pool2d_defaults();
    o.stride_h = stride_h, o.stride_w = stride_w, o.pad_h = pad_h, o.pad_w = pad_w, o.ceil_mode = ceil_mode;
    o.count_include_pad = count_include_pad;
    return avg_pool2d(tensor_of(x, "x"), pool_options(kernel_h, kernel_w, &o));
  });
}

DL_API dl_status dl_avg_pool2d_with(const dl_tensor* x, int64_t kernel_h, int64_t kernel_w,
                                    const dl_pool2d_options* o, dl_tensor** out) {
  return tensor_result("dl_avg_pool2d_with", out,
                       [&] { return avg_pool2d(tensor_of(x, "x"), pool_options(kernel_h, kernel_w, o)); });
}

DL_API dl_status dl_adaptive_avg_pool2d(const dl_tensor* x, int64_t out_h, int64_t out_w, dl_tensor** out) {
  return tensor_result("dl_adaptive_avg_pool2d", out,
                       [&] { return adaptive_avg_pool2d(tensor_of(x, "x"), {out_h, out_w}); });
}

DL_API dl_status dl_dropout(const dl_tensor* x, double p, int training, dl_tensor** out) {
  return tensor_result("dl_dropout", out, [&] { return dropout(tensor_of(x, "x"), p, training != 0); });
}

DL_API dl_status dl_dropout2d(const dl_tensor* x, double p, int training, dl_tensor** out) {
  return tensor_result("dl_dropout2d", out, [&] { return dropout2d(tensor_of(x, "x"), p, training != 0); });
}

DL_API dl_status dl_batch_norm(const dl_tensor* x, dl_tensor* running_mean, dl_tensor* running_var,
                               const dl_tensor* weight, const dl_tensor* bias, int training, double momentum,
                               double eps, dl_tensor** out) {
  return tensor_result("dl_batch_norm", out, [&] {
    return batch_norm(tensor_of(x, "x"), optional_tensor(running_mean, "running_mean"),
                      optional_tensor(running_var, "running_var"), optional_tensor(weight, "weight"),
                      optional_tensor(bias, "bias"), training != 0, momentum, eps);
  });
}

DL_API dl_status dl_conv2d_new(int64_t in_channels, int64_t out_channels, int64_t kernel_h, int64_t kernel_w,
                               const dl_conv2d_options* o, dl_module** out) {
  return handle_result("dl_conv2d_new", out, [&] {
    dl_conv2d_options c = conv_options(o);
    Conv2dOptions r;
    r.kernel = {kernel_h, kernel_w}, r.stride = {c.stride_h, c.stride_w}, r.padding = padding_of(c);
    r.dilation = {c.dilation_h, c.dilation_w}, r.groups = c.groups, r.bias = c.bias != 0;
    return std::make_shared<Conv2d>(in_channels, out_channels, r);
  });
}

DL_API dl_status dl_max_pool2d_new(int64_t kernel_h, int64_t kernel_w, const dl_pool2d_options* o, dl_module** out) {
  return handle_result("dl_max_pool2d_new", out, [&] { return make_max_pool2d(pool_options(kernel_h, kernel_w, o)); });
}

DL_API dl_status dl_avg_pool2d_new(int64_t kernel_h, int64_t kernel_w, const dl_pool2d_options* o, dl_module** out) {
  return handle_result("dl_avg_pool2d_new", out, [&] { return make_avg_pool2d(pool_options(kernel_h, kernel_w, o)); });
}

DL_API dl_status dl_adaptive_avg_pool2d_new(int64_t out_h, int64_t out_w, dl_module** out) {
  return handle_result("dl_adaptive_avg_pool2d_new", out, [&] { return make_adaptive_avg_pool2d({out_h, out_w}); });
}

DL_API dl_status dl_dropout_new(double p, dl_module** out) {
  return handle_result("dl_dropout_new", out, [&] { return std::make_shared<Dropout>(p, false); });
}

DL_API dl_status dl_dropout2d_new(double p, dl_module** out) {
  return handle_result("dl_dropout2d_new", out, [&] { return std::make_shared<Dropout>(p, true); });
}

DL_API dl_status dl_batch_norm1d_new(int64_t num_features, const dl_batch_norm_options* o, dl_module** out) {
  return handle_result("dl_batch_norm1d_new", out,
                       [&] { return std::make_shared<BatchNorm>(1, num_features, batch_norm_options(o)); });
}

DL_API dl_status dl_batch_norm2d_new(int64_t num_features, const dl_batch_norm_options* o, dl_module** out) {
  return handle_result("dl_batch_norm2d_new", out,
                       [&] { return std::make_shared<BatchNorm>(2, num_features, batch_norm_options(o)); });
}

}  // extern "C"
