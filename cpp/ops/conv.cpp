#include "ops/conv.h"

#include <string>

#include "autograd/derivatives.h"
#include "autograd/record.h"
#include "base/error.h"
#include "ops/creation.h"
#include "ops/index.h"
#include "ops/op_table.h"
#include "ops/op_utils.h"
#include "ops/reduce.h"
#include "ops/view.h"

namespace dl {

namespace {

using detail::check_defined;

std::string pair_str(const Pair2d& p) { return std::to_string(p[0]) + "x" + std::to_string(p[1]); }

// [N, C, H, W] as it is, or [C, H, W] as a batch of one (batched is set accordingly).
Tensor as_batch(const Tensor& x, const char* what, bool& batched) {
  check_defined(x, what, "x");
  DL_CHECK(x.dim() == 3 || x.dim() == 4, Status::Shape, what,
           ": argument 'x' must be [N, C, H, W] or [C, H, W], got shape ", shape_str(x.sizes()));
  DL_CHECK(is_floating(x.dtype()), Status::DType, what, ": argument 'x' must be a floating-point tensor, got ",
           dtype_name(x.dtype()));
  batched = x.dim() == 4;
  return contiguous(batched ? x : unsqueeze(x, 0));
}

Tensor unbatch(const Tensor& y, bool batched) { return batched ? y : squeeze(y, 0); }

void check_positive(const Pair2d& p, const char* what, const char* arg) {
  DL_CHECK(p[0] > 0 && p[1] > 0, Status::InvalidArgument, what, ": ", arg, " must be positive, got ", pair_str(p));
}

// Output size along one dim of a window op: floor (or ceil) of
// (size + pads - dilation * (kernel - 1) - 1) / stride, plus one; with
// ceil_mode the last window must start inside the input or its left padding.
int64_t window_out(int64_t size, int64_t pad_begin, int64_t pad_end, int64_t kernel, int64_t stride,
                   int64_t dilation, bool ceil_mode) {
  const int64_t span = size + pad_begin + pad_end - dilation * (kernel - 1) - 1;
  if (span < 0) return 0;
  int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  if (ceil_mode && (out - 1) * stride >= size + pad_begin) --out;
  return out;
}

// Fills win.out_size for x [N, C, H, W]; a window larger than the padded
// input is a Status::Shape error naming the sizes.
void set_out_size(Window2d& win, const Tensor& x, const char* what, bool ceil_mode = false) {
  for (int d = 0; d < 2; ++d)
    win.out_size[d] = window_out(x.size(2 + d), win.pad_begin[d], win.pad_end[d], win.kernel[d], win.stride[d],
                                 win.dilation[d], ceil_mode);
  DL_CHECK(win.out_size[0] > 0 && win.out_size[1] > 0, Status::Shape, what, ": input of shape ",
           shape_str(x.sizes()), " is too small for kernel ", win.kernel[0], "x", win.kernel[1], " (dilation ",
           win.dilation[0], "x", win.dilation[1], ", padding ", win.pad_begin[0] + win.pad_end[0], "x",
           win.pad_begin[1] + win.pad_end[1], " in total): its ", x.size(2), "x", x.size(3),
           " image would give an empty output");
}

Window2d pool_window(const Tensor& x, const Pool2dOptions& o, const char* what, bool dilated) {
  check_positive(o.kernel, what, "kernel_size");
  Pair2d stride = o.stride[0] == 0 && o.stride[1] == 0 ? o.kernel : o.stride;
  check_positive(stride, what, "stride");
  check_positive(o.dilation, what, "dilation");
  DL_CHECK(dilated || (o.dilation[0] == 1 && o.dilation[1] == 1), Status::InvalidArgument, what,
           ": dilation is not supported");
  Window2d win;
  for (int d = 0; d < 2; ++d) {
    const int64_t effective = (o.kernel[d] - 1) * o.dilation[d] + 1;
    DL_CHECK(o.padding[d] >= 0 && o.padding[d] * 2 <= effective, Status::InvalidArgument, what,
             ": padding should be at most half of the effective kernel size, got padding ", pair_str(o.padding),
             " for kernel ", pair_str(o.kernel));
    win.kernel[d] = o.kernel[d], win.stride[d] = stride[d], win.dilation[d] = o.dilation[d];
    win.pad_begin[d] = win.pad_end[d] = o.padding[d];
  }
  DL_CHECK(o.divisor_override >= 0, Status::InvalidArgument, what, ": divisor_override must be positive, got ",
           o.divisor_override);
  win.count_include_pad = o.count_include_pad;
  win.divisor_override = o.divisor_override;
  set_out_size(win, x, what, o.ceil_mode);
  return win;
}

// Runs a one-input pooling kernel; outputs [N, C, out_h, out_w], plus int64
// indices for max pooling when asked for or recorded (its backward needs them).
std::vector<Tensor> run_pool(OpId op, const Tensor& x, const Window2d& win, bool want_indices = false) {
  Tensor values = Tensor::empty({x.size(0), x.size(1), win.out_size[0], win.out_size[1]}, x.dtype(), x.device());
  Tensor indices;
  KernelCall call(op);
  call.in[0] = &x;
  call.out[0] = &values;
  if (op == OpId::max_pool2d && (want_indices || should_record({&x}))) {
    indices = Tensor::empty(values.sizes(), DType::Int64, x.device());
    call.out[1] = &indices;
  }
  call.attrs.window = win;
  if (values.numel() > 0) dispatch(call);
  std::vector<Tensor*> outs = {&values};
  if (indices.defined()) outs.push_back(&indices);
  if (should_record({&x})) record(op, {x}, outs, call.attrs);
  return indices.defined() ? std::vector<Tensor>{values, indices} : std::vector<Tensor>{values};
}

}  // namespace

Tensor conv2d(const Tensor& x_in, const Tensor& weight, const Tensor& bias, Pair2d stride, Conv2dPadding padding,
              Pair2d dilation, int64_t groups) {
  const char* what = "conv2d";
  bool batched;
  Tensor x = as_batch(x_in, what, batched);
  check_defined(weight, what, "weight");
  DL_CHECK(weight.dim() == 4, Status::Shape, what,
           ": argument 'weight' must be [out_channels, in_channels / groups, kh, kw], got shape ",
           shape_str(weight.sizes()));
  DL_CHECK(groups > 0, Status::InvalidArgument, what, ": groups must be positive, got ", groups);
  const int64_t C = x.size(1), O = weight.size(0);
  DL_CHECK(O % groups == 0, Status::Shape, what, ": out_channels ", O, " is not divisible by groups ", groups);
  DL_CHECK(weight.size(1) * groups == C, Status::Shape, what, ": input of shape ", shape_str(x_in.sizes()), " has ",
           C, " channels, but weight of shape ", shape_str(weight.sizes()), " with groups ", groups, " expects ",
           weight.size(1) * groups);
  DL_CHECK(weight.dtype() == x.dtype(), Status::DType, what, ": arguments 'x' and 'weight' have different dtypes (",
           dtype_name(x.dtype()), " and ", dtype_name(weight.dtype()), ")");
  detail::check_same_device(x, weight, what);
  if (bias.defined()) {
    DL_CHECK(bias.dim() == 1 && bias.size(0) == O, Status::Shape, what, ": argument 'bias' must have shape [", O,
             "], got ", shape_str(bias.sizes()));
    DL_CHECK(bias.dtype() == x.dtype(), Status::DType, what, ": argument 'bias' has dtype ",
             dtype_name(bias.dtype()), ", expected ", dtype_name(x.dtype()));
    detail::check_same_device(x, bias, what);
  }
  check_positive(stride, what, "stride");
  check_positive(dilation, what, "dilation");
  Window2d win;
  win.groups = groups;
  for (int d = 0; d < 2; ++d) {
    win.kernel[d] = weight.size(2 + d), win.stride[d] = stride[d], win.dilation[d] = dilation[d];
    if (padding.mode == Conv2dPadding::Mode::Same) {
      DL_CHECK(stride[0] == 1 && stride[1] == 1, Status::InvalidArgument, what,
               ": padding='same' is not supported for strided convolutions, got stride ", pair_str(stride));
      const int64_t total = dilation[d] * (win.kernel[d] - 1);
      win.pad_begin[d] = total / 2, win.pad_end[d] = total - total / 2;
    } else if (padding.mode == Conv2dPadding::Mode::Explicit) {
      DL_CHECK(padding.size[d] >= 0, Status::InvalidArgument, what, ": padding must be >= 0, got ",
               pair_str(padding.size));
      win.pad_begin[d] = win.pad_end[d] = padding.size[d];
    }
  }
  set_out_size(win, x, what);
  Tensor w = contiguous(weight);
  Tensor out = Tensor::empty({x.size(0), O, win.out_size[0], win.out_size[1]}, x.dtype(), x.device());
  KernelCall call(OpId::conv2d);
  call.in[0] = &x;
  call.in[1] = &w;
  call.in[2] = bias.defined() ? &bias : nullptr;
  call.out[0] = &out;
  call.attrs.window = win;
  if (out.numel() > 0) dispatch(call);
  if (should_record({&x, &w, &bias})) record(OpId::conv2d, {x, w, bias}, {&out}, call.attrs);
  return unbatch(out, batched);
}

std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& x_in, const Pool2dOptions& o) {
  bool batched;
  Tensor x = as_batch(x_in, "max_pool2d", batched);
  std::vector<Tensor> outs = run_pool(OpId::max_pool2d, x, pool_window(x, o, "max_pool2d", true), true);
  return {unbatch(outs[0], batched), unbatch(outs[1], batched)};
}

// Without recording, no indices are made (inference skips writing them).
Tensor max_pool2d(const Tensor& x_in, const Pool2dOptions& o) {
  bool batched;
  Tensor x = as_batch(x_in, "max_pool2d", batched);
  return unbatch(run_pool(OpId::max_pool2d, x, pool_window(x, o, "max_pool2d", true))[0], batched);
}

Tensor avg_pool2d(const Tensor& x_in, const Pool2dOptions& o) {
  bool batched;
  Tensor x = as_batch(x_in, "avg_pool2d", batched);
  return unbatch(run_pool(OpId::avg_pool2d, x, pool_window(x, o, "avg_pool2d", false))[0], batched);
}

Tensor adaptive_avg_pool2d(const Tensor& x_in, Pair2d output_size) {
  bool batched;
  Tensor x = as_batch(x_in, "adaptive_avg_pool2d", batched);
  check_positive(output_size, "adaptive_avg_pool2d", "output_size");
  DL_CHECK(x.size(2) > 0 && x.size(3) > 0, Status::Shape, "adaptive_avg_pool2d: input of shape ",
           shape_str(x_in.sizes()), " has an empty image");
  Window2d win;
  win.adaptive = true;
  win.out_size[0] = output_size[0], win.out_size[1] = output_size[1];
  return unbatch(run_pool(OpId::adaptive_avg_pool2d, x, win)[0], batched);
}

// Backward rules. x, w: input(0), input(1); g: grad().
void backward_conv2d(const GradContext& ctx, std::vector<Tensor>& gi) {
  Tensor g = contiguous(ctx.grad());
  const Tensor& w = ctx.input(1);
  KernelCall call(OpId::conv2d_input_grad);
  call.attrs = ctx.attrs();
  call.in[0] = &g;
  if (ctx.needs(0)) {
    Tensor dx = Tensor::empty(ctx.input_meta(0).sizes, g.dtype(), g.device());
    call.in[1] = &w;
    call.out[0] = &dx;
    if (dx.numel() > 0) dispatch(call);
    gi[0] = dx;
  }
  // The weight's kernel also sums the bias's gradient (one pass over g).
  const bool bias_with_weight = ctx.needs(1) && ctx.needs(2);
  if (ctx.needs(1)) {
    const Tensor& x = ctx.input(0);
    Tensor dw = zeros(w.sizes(), g.dtype(), g.device());
    Tensor db = bias_with_weight ? zeros({w.size(0)}, g.dtype(), g.device()) : Tensor();
    call.op = OpId::conv2d_weight_grad;
    call.in[1] = &x;
    call.out[0] = &dw;
    call.out[1] = bias_with_weight ? &db : nullptr;
    if (g.numel() > 0 && x.numel() > 0) dispatch(call);
    gi[1] = dw;
    if (bias_with_weight) gi[2] = db;
  }
  if (ctx.needs(2) && !bias_with_weight) gi[2] = sum(g, {0, 2, 3});
}

// Each output's gradient goes to the element its maximum came from.
void backward_max_pool2d(const GradContext& ctx, std::vector<Tensor>& gi) {
  Tensor g = contiguous(ctx.grad());
  Tensor dx = Tensor::empty(ctx.input_meta(0).sizes, g.dtype(), g.device());
  KernelCall call(OpId::max_pool2d_grad);
  call.attrs = ctx.attrs();
  call.in[0] = &g;
  call.in[1] = &ctx.output(1);
  call.out[0] = &dx;
  if (dx.numel() > 0) dispatch(call);
  gi[0] = dx;
}

void backward_avg_pool2d(const GradContext& ctx, std::vector<Tensor>& gi) {
  Tensor g = contiguous(ctx.grad());
  Tensor dx = Tensor::empty(ctx.input_meta(0).sizes, g.dtype(), g.device());
  KernelCall call(OpId::avg_pool2d_grad);
  call.attrs = ctx.attrs();
  call.in[0] = &g;
  call.out[0] = &dx;
  if (dx.numel() > 0) dispatch(call);
  gi[0] = dx;
}

void backward_adaptive_avg_pool2d(const GradContext& ctx, std::vector<Tensor>& gi) { backward_avg_pool2d(ctx, gi); }

DL_NO_BACKWARD(conv2d_input_grad)
DL_NO_BACKWARD(conv2d_weight_grad)
DL_NO_BACKWARD(max_pool2d_grad)
DL_NO_BACKWARD(avg_pool2d_grad)

}  // namespace dl
