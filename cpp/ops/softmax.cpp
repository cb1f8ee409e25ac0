#include "ops/softmax.h"

#include "autograd/derivatives.h"
#include "autograd/record.h"
#include "base/error.h"
#include "ops/elementwise.h"
#include "ops/reduce.h"
#include "ops/op_table.h"
#include "ops/op_utils.h"
#include "ops/view.h"

namespace dl {

namespace {

Tensor softmax_kernel(OpId op, const Tensor& x, int64_t dim) {
  const char* what = op_name(op);
  detail::check_defined(x, what, "x");
  DL_CHECK(is_floating(x.dtype()), Status::DType, what, ": argument 'x' must be a floating-point tensor, got ",
           dtype_name(x.dtype()));
  int64_t d = wrap_dim(dim, x.dim(), what);
  Tensor in = contiguous(x);
  Tensor out = Tensor::empty(x.sizes(), x.dtype(), x.device());
  KernelCall call(op);
  call.in[0] = &in;
  call.out[0] = &out;
  call.attrs.dim = x.dim() == 0 ? 0 : d;
  dispatch(call);
  if (should_record({&x})) record(op, {x}, {&out}, call.attrs);
  return out;
}

}  // namespace

Tensor softmax(const Tensor& x, int64_t dim) { return softmax_kernel(OpId::softmax, x, dim); }
Tensor log_softmax(const Tensor& x, int64_t dim) { return softmax_kernel(OpId::log_softmax, x, dim); }

// y = softmax(x): dx = y * (g - sum(g * y)), sums along dim.
void backward_softmax(const GradContext& ctx, std::vector<Tensor>& gi) {
  const Tensor& y = ctx.output();
  const Tensor& g = ctx.grad();
  Dims dims = y.dim() == 0 ? Dims{} : Dims{ctx.attrs().dim};
  gi[0] = mul(y, sub(g, sum(mul(g, y), dims, true)));
}

// y = log_softmax(x): dx = g - exp(y) * sum(g), sums along dim.
void backward_log_softmax(const GradContext& ctx, std::vector<Tensor>& gi) {
  const Tensor& y = ctx.output();
  const Tensor& g = ctx.grad();
  Dims dims = y.dim() == 0 ? Dims{} : Dims{ctx.attrs().dim};
  gi[0] = sub(g, mul(exp(y), sum(g, dims, true)));
}

}  // namespace dl
