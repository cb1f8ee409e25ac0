#include "ops/elementwise.h"

#include <cmath>
#include <limits>

#include "base/error.h"
#include "ops/op_table.h"
#include "autograd/derivatives.h"
#include "autograd/record.h"
#include "ops/creation.h"
#include "ops/reduce.h"
#include "ops/op_utils.h"
#include "ops/view.h"

namespace dl {

namespace detail {

void check_defined(const Tensor& t, const char* what, const char* arg) {
  DL_CHECK(t.defined(), Status::InvalidArgument, what, ": argument '", arg, "' is an undefined tensor");
}

void check_same_device(const Tensor& a, const Tensor& b, const char* what) {
  DL_CHECK(a.device() == b.device(), Status::Device, what, ": tensors are on different devices (",
           device_name(a.device()), " and ", device_name(b.device()), ")");
}

DType result_type(const Tensor& a, const Tensor& b) {
  bool a_scalar = a.dim() == 0, b_scalar = b.dim() == 0;
  if (a_scalar == b_scalar) return promote_types(a.dtype(), b.dtype());
  const Tensor& dimmed = a_scalar ? b : a;
  const Tensor& scalar = a_scalar ? a : b;
  int cd = dtype_category(dimmed.dtype()), cs = dtype_category(scalar.dtype());
  if (cs <= cd) return dimmed.dtype();
  // The 0-dim tensor is of a higher category: its dtype wins. (Scalars are
  // wrapped as float32 or int64 by scalar_like, PyTorch's wrapped-number types.)
  return scalar.dtype();
}

Tensor expand_to(const Tensor& x, const Dims& shape) {
  if (x.sizes() == shape) return x;
  Dims strides(shape.size(), 0);
  size_t lead = shape.size() - static_cast<size_t>(x.dim());
  for (size_t i = 0; i < static_cast<size_t>(x.dim()); ++i)
    strides[lead + i] = x.sizes()[i] == 1 && shape[lead + i] != 1 ? 0 : x.strides()[i];
  return x.as_strided(shape, strides, x.offset());
}

Tensor cast(const Tensor& x, DType dtype) { return x.dtype() == dtype ? x : to_dtype(x, dtype); }

Tensor unary_kernel(OpId op, const Tensor& x, DType out_dtype) {
  Tensor out = Tensor::empty(x.sizes(), out_dtype, x.device());
  KernelCall call(op);
  call.in[0] = &x;
  call.out[0] = &out;
  dispatch(call);
  return out;
}

}  // namespace detail

using detail::cast;
using detail::check_defined;
using detail::expand_to;

namespace {

enum class BinaryResult { Promoted, Floating, Bool };

// x itself when it has dtype and shape; otherwise x converted and broadcast, kept in holder.
const Tensor* conform(const Tensor& x, DType dtype, const Dims& shape, Tensor& holder) {
  if (x.dtype() == dtype && x.sizes() == shape) return &x;
  holder = expand_to(cast(x, dtype), shape);
  return &holder;
}

// Broadcasts a and b, converts both to the computation dtype, runs op.
Tensor binary(OpId op, const Tensor& a, const Tensor& b, BinaryResult result) {
  const char* what = op_name(op);
  check_defined(a, what, "a");
  check_defined(b, what, "b");
  detail::check_same_device(a, b, what);
  DType dtype = detail::result_type(a, b);
  if (result == BinaryResult::Floating && !is_floating(dtype)) dtype = DType::Float32;
  Dims shape = a.sizes() == b.sizes() ? a.sizes() : broadcast_shapes(a.sizes(), b.sizes(), what);
  // Operands already of the right dtype and shape are passed as they are:
  // this is the hot path of small ops, where refcount traffic shows.
  Tensor converted_a, converted_b;
  const Tensor* pa = conform(a, dtype, shape, converted_a);
  const Tensor* pb = conform(b, dtype, shape, converted_b);
  Tensor out = Tensor::empty(shape, result == BinaryResult::Bool ? DType::Bool : dtype, a.device());
  KernelCall call(op);
  call.in[0] = pa;
  call.in[1] = pb;
  call.out[0] = &out;
  dispatch(call);
  if (should_record({&a, &b})) record(op, {a, b}, {&out});
  return out;
}

Tensor unary(OpId op, const Tensor& x, bool floating_only) {
  check_defined(x, op_name(op), "x");
  if (floating_only && !is_floating(x.dtype())) return detail::unary_kernel(op, cast(x, DType::Float32), DType::Float32);
  Tensor out = detail::unary_kernel(op, x, x.dtype());
  if (should_record({&x})) record(op, {x}, {&out});
  return out;
}

// A 0-dim zero of g's dtype, for where() in backward rules.
Tensor zero_like(const Tensor& g) { return full({}, 0.0, g.dtype(), g.device()); }

// mask (bool) as 0/1 in g's dtype.
Tensor as_weights(const Tensor& mask, const Tensor& g) { return to_dtype(mask, g.dtype()); }

Tensor scalar_operand(const Tensor& a, double s, const char* what) {
  check_defined(a, what, "a");
  return scalar_like(s, a.dtype(), a.device());
}

}  // namespace

Tensor scalar_like(double s, DType like, Device device) {
  // A wrapped number: integral values stay integers next to integer tensors.
  bool integral = std::isfinite(s) && s == std::floor(s) && std::fabs(s) < 9.0e15;
  DType dtype = is_floating(like) ? like : !integral ? DType::Float32 : is_integral(like) ? like : DType::Int64;
  Tensor t = full({}, s, dtype, Device{});
  return device.is_cpu() ? t : to_device(t, device);
}

Tensor add(const Tensor& a, const Tensor& b) { return binary(OpId::add, a, b, BinaryResult::Promoted); }
Tensor sub(const Tensor& a, const Tensor& b) { return binary(OpId::sub, a, b, BinaryResult::Promoted); }
Tensor mul(const Tensor& a, const Tensor& b) { return binary(OpId::mul, a, b, BinaryResult::Promoted); }
Tensor div(const Tensor& a, const Tensor& b) { return binary(OpId::div, a, b, BinaryResult::Floating); }
Tensor pow(const Tensor& a, const Tensor& b) { return binary(OpId::pow, a, b, BinaryResult::Promoted); }
Tensor maximum(const Tensor& a, const Tensor& b) { return binary(OpId::maximum, a, b, BinaryResult::Promoted); }
Tensor minimum(const Tensor& a, const Tensor& b) { return binary(OpId::minimum, a, b, BinaryResult::Promoted); }
Tensor eq(const Tensor& a, const Tensor& b) { return binary(OpId::eq, a, b, BinaryResult::Bool); }
Tensor ne(const Tensor& a, const Tensor& b) { return binary(OpId::ne, a, b, BinaryResult::Bool); }
Tensor lt(const Tensor& a, const Tensor& b) { return binary(OpId::lt, a, b, BinaryResult::Bool); }
Tensor le(const Tensor& a, const Tensor& b) { return binary(OpId::le, a, b, BinaryResult::Bool); }
Tensor gt(const Tensor& a, const Tensor& b) { return binary(OpId::gt, a, b, BinaryResult::Bool); }
Tensor ge(const Tensor& a, const Tensor& b) { return binary(OpId::ge, a, b, BinaryResult::Bool); }

Tensor add(const Tensor& a, double s) { return add(a, scalar_operand(a, s, "add")); }
Tensor sub(const Tensor& a, double s) { return sub(a, scalar_operand(a, s, "sub")); }
Tensor mul(const Tensor& a, double s) { return mul(a, scalar_operand(a, s, "mul")); }
Tensor div(const Tensor& a, double s) { return div(a, scalar_operand(a, s, "div")); }
Tensor pow(const Tensor& a, double s) { return pow(a, scalar_operand(a, s, "pow")); }
Tensor eq(const Tensor& a, double s) { return eq(a, scalar_operand(a, s, "eq")); }
Tensor ne(const Tensor& a, double s) { return ne(a, scalar_operand(a, s, "ne")); }
Tensor lt(const Tensor& a, double s) { return lt(a, scalar_operand(a, s, "lt")); }
Tensor le(const Tensor& a, double s) { return le(a, scalar_operand(a, s, "le")); }
Tensor gt(const Tensor& a, double s) { return gt(a, scalar_operand(a, s, "gt")); }
Tensor ge(const Tensor& a, double s) { return ge(a, scalar_operand(a, s, "ge")); }

Tensor neg(const Tensor& x) {
  check_defined(x, "neg", "x");
  DL_CHECK(x.dtype() != DType::Bool, Status::DType, "neg: argument 'x': negation of a bool tensor is not supported");
  return unary(OpId::neg, x, false);
}
Tensor abs(const Tensor& x) { return unary(OpId::abs, x, false); }
Tensor exp(const Tensor& x) { return unary(OpId::exp, x, true); }
Tensor log(const Tensor& x) { return unary(OpId::log, x, true); }
Tensor sqrt(const Tensor& x) { return unary(OpId::sqrt, x, true); }
Tensor relu(const Tensor& x) { return unary(OpId::relu, x, false); }
Tensor sigmoid(const Tensor& x) { return unary(OpId::sigmoid, x, true); }
Tensor tanh(const Tensor& x) { return unary(OpId::tanh, x, true); }
Tensor erf(const Tensor& x) { return unary(OpId::erf, x, true); }

Tensor clamp(const Tensor& x, std::optional<double> lo, std::optional<double> hi) {
  check_defined(x, "clamp", "x");
  DL_CHECK(lo || hi, Status::InvalidArgument, "clamp: at least one of 'min' and 'max' must be given");
  // A fractional bound on an integer tensor gives a float32 result, as in PyTorch.
  bool frac = (lo && *lo != std::floor(*lo)) || (hi && *hi != std::floor(*hi));
  Tensor in = !is_floating(x.dtype()) && frac ? cast(x, DType::Float32) : x;
  Tensor out = Tensor::empty(in.sizes(), in.dtype(), in.device());
  KernelCall call(OpId::clamp);
  call.in[0] = &in;
  call.out[0] = &out;
  call.attrs.lo = lo ? *lo : std::numeric_limits<double>::quiet_NaN();
  call.attrs.hi = hi ? *hi : std::numeric_limits<double>::quiet_NaN();
  dispatch(call);
  if (should_record({&in})) record(OpId::clamp, {in}, {&out}, call.attrs);
  return out;
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  check_defined(cond, "where", "condition");
  check_defined(a, "where", "a");
  check_defined(b, "where", "b");
  DL_CHECK(cond.dtype() == DType::Bool, Status::DType, "where: argument 'condition' must be a bool tensor, got ",
           dtype_name(cond.dtype()));
  detail::check_same_device(a, b, "where");
  detail::check_same_device(cond, a, "where");
  DType dtype = detail::result_type(a, b);
  Dims shape = broadcast_shapes(broadcast_shapes(cond.sizes(), a.sizes(), "where"), b.sizes(), "where");
  Tensor cc = expand_to(cond, shape);
  Tensor ca = expand_to(cast(a, dtype), shape);
  Tensor cb = expand_to(cast(b, dtype), shape);
  Tensor out = Tensor::empty(shape, dtype, a.device());
  KernelCall call(OpId::where);
  call.in[0] = &cc;
  call.in[1] = &ca;
  call.in[2] = &cb;
  call.out[0] = &out;
  dispatch(call);
  if (should_record({&a, &b})) record(OpId::where, {cond, a, b}, {&out});
  return out;
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, double value) {
  check_defined(x, "masked_fill", "x");
  check_defined(mask, "masked_fill", "mask");
  DL_CHECK(mask.dtype() == DType::Bool, Status::DType, "masked_fill: argument 'mask' must be a bool tensor, got ",
           dtype_name(mask.dtype()));
  Dims shape = broadcast_shapes(x.sizes(), mask.sizes(), "masked_fill");
  DL_CHECK(shape == x.sizes(), Status::Shape, "masked_fill: argument 'mask' of shape ", shape_str(mask.sizes()),
           " does not broadcast to x's shape ", shape_str(x.sizes()));
  return where(mask, full({}, value, x.dtype(), x.device()), x);
}

void add_(Tensor& x, const Tensor& y) {
  check_defined(x, "add_", "x");
  check_defined(y, "add_", "y");
  detail::check_same_device(x, y, "add_");
  Dims shape = broadcast_shapes(x.sizes(), y.sizes(), "add_");
  DL_CHECK(shape == x.sizes(), Status::Shape, "add_: argument 'y' of shape ", shape_str(y.sizes()),
           " does not broadcast to x's shape ", shape_str(x.sizes()));
  Tensor holder;
  const Tensor* py = conform(y, x.dtype(), x.sizes(), holder);
  KernelCall call(OpId::add);
  call.in[0] = &x;
  call.in[1] = py;
  call.out[0] = &x;
  dispatch(call);
  x.storage()->bump_version();
}

// Backward rules (see autograd/derivatives.h). x: input(0), y: output(0), g: grad().
void backward_neg(const GradContext& ctx, std::vector<Tensor>& gi) { gi[0] = neg(ctx.grad()); }
void backward_abs(const GradContext& ctx, std::vector<Tensor>& gi) {
  const Tensor& x = ctx.input(0);
  const Tensor& g = ctx.grad();
  gi[0] = mul(g, sub(as_weights(gt(x, 0.0), g), as_weights(lt(x, 0.0), g)));
}
void backward_exp(const GradContext& ctx, std::vector<Tensor>& gi) { gi[0] = mul(ctx.grad(), ctx.output()); }
void backward_log(const GradContext& ctx, std::vector<Tensor>& gi) { gi[0] = div(ctx.grad(), ctx.input(0)); }
void backward_sqrt(const GradContext& ctx, std::vector<Tensor>& gi) {
  gi[0] = div(ctx.grad(), mul(ctx.output(), 2.0));
}
// One fused pass (relu_backward) instead of a comparison, a where and their two temporaries.
void backward_relu(const GradContext& ctx, std::vector<Tensor>& gi) {
  const Tensor& y = ctx.output();
  Tensor holder;
  const Tensor* g = conform(ctx.grad(), y.dtype(), y.sizes(), holder);
  Tensor out = Tensor::empty(y.sizes(), y.dtype(), y.device());
  KernelCall call(OpId::relu_backward);
  call.in[0] = g;
  call.in[1] = &y;
  call.out[0] = &out;
  dispatch(call);
  gi[0] = out;
}
void backward_sigmoid(const GradContext& ctx, std::vector<Tensor>& gi) {
  const Tensor& y = ctx.output();
  gi[0] = mul(ctx.grad(), mul(y, neg(sub(y, 1.0))));
}
void backward_tanh(const GradContext& ctx, std::vector<Tensor>& gi) {
  const Tensor& y = ctx.output();
  gi[0] = mul(ctx.grad(), neg(sub(mul(y, y), 1.0)));
}
void backward_erf(const GradContext& ctx, std::vector<Tensor>& gi) {
  const Tensor& x = ctx.input(0);
  const double two_over_sqrt_pi = 1.1283791670955126;
  gi[0] = mul(ctx.grad(), mul(exp(neg(mul(x, x))), two_over_sqrt_pi));
}
void backward_clamp(const GradContext& ctx, std::vector<Tensor>& gi) {
  // The gradient passes where lo <= x <= hi (bounds included, as in PyTorch).
  const Tensor& x = ctx.input(0);
  Tensor g = ctx.grad();
  if (!std::isnan(ctx.attrs().lo)) g = where(ge(x, ctx.attrs().lo), g, zero_like(g));
  if (!std::isnan(ctx.attrs().hi)) g = where(le(x, ctx.attrs().hi), g, zero_like(g));
  gi[0] = g;
}
void backward_add(const GradContext& ctx, std::vector<Tensor>& gi) {
  gi[0] = ctx.grad();
  gi[1] = ctx.grad();
}
void backward_sub(const GradContext& ctx, std::vector<Tensor>& gi) {
  gi[0] = ctx.grad();
  if (ctx.needs(1)) gi[1] = neg(ctx.grad());
}
void backward_mul(const GradContext& ctx, std::vector<Tensor>& gi) {
  if (ctx.needs(0)) gi[0] = mul(ctx.grad(), ctx.input(1));
  if (ctx.needs(1)) gi[1] = mul(ctx.grad(), ctx.input(0));
}
void backward_div(const GradContext& ctx, std::vector<Tensor>& gi) {
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  if (ctx.needs(0)) gi[0] = div(ctx.grad(), b);
  if (ctx.needs(1)) gi[1] = neg(div(mul(ctx.grad(), a), mul(b, b)));
}
void backward_pow(const GradContext& ctx, std::vector<Tensor>& gi) {
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  const Tensor& g = ctx.grad();
  // d/da = b a^(b-1), taken as 0 where b == 0; d/db = a^b log a, taken as 0 where a == 0 and b >= 0.
  if (ctx.needs(0)) gi[0] = where(eq(b, 0.0), zero_like(g), mul(g, mul(b, pow(a, sub(b, 1.0)))));
  if (ctx.needs(1)) {
    Tensor d = mul(g, mul(ctx.output(), log(a)));
    Tensor zero_base = mul(as_weights(eq(a, 0.0), g), as_weights(ge(b, 0.0), g));
    gi[1] = where(gt(zero_base, 0.0), zero_like(g), d);
  }
}
namespace {
// maximum/minimum: the gradient goes to the selected operand, split in half on ties.
void backward_extremum(const GradContext& ctx, std::vector<Tensor>& gi, bool is_max) {
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  const Tensor& g = ctx.grad();
  Tensor shared = where(eq(a, b), mul(g, 0.5), g);
  Tensor a_wins = is_max ? gt(a, b) : lt(a, b);
  Tensor b_wins = is_max ? lt(a, b) : gt(a, b);
  if (ctx.needs(0)) gi[0] = where(b_wins, zero_like(g), shared);
  if (ctx.needs(1)) gi[1] = where(a_wins, zero_like(g), shared);
}
}  // namespace
void backward_maximum(const GradContext& ctx, std::vector<Tensor>& gi) { backward_extremum(ctx, gi, true); }
void backward_minimum(const GradContext& ctx, std::vector<Tensor>& gi) { backward_extremum(ctx, gi, false); }
DL_NO_BACKWARD(eq)
DL_NO_BACKWARD(ne)
DL_NO_BACKWARD(lt)
DL_NO_BACKWARD(le)
DL_NO_BACKWARD(gt)
DL_NO_BACKWARD(ge)
DL_NO_BACKWARD(relu_backward)
void backward_where(const GradContext& ctx, std::vector<Tensor>& gi) {
  const Tensor& cond = ctx.input(0);
  const Tensor& g = ctx.grad();
  if (ctx.needs(1)) gi[1] = where(cond, g, zero_like(g));
  if (ctx.needs(2)) gi[2] = where(cond, zero_like(g), g);
}

}  // namespace dl
