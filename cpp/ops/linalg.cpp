#include "ops/linalg.h"

#include "autograd/derivatives.h"
#include "autograd/record.h"
#include "base/error.h"
#include "ops/reduce.h"
#include "ops/elementwise.h"
#include "ops/op_table.h"
#include "ops/op_utils.h"
#include "ops/view.h"

namespace dl {

using detail::check_defined;

namespace {

[[noreturn]] void cannot_multiply(const Tensor& a, const Tensor& b) {
  fail(Status::Shape, "matmul: shapes ", shape_str(a.sizes()), " and ", shape_str(b.sizes()),
       " cannot be multiplied");
}

// a: [B.., M, K], b: [C.., K, N] (both >= 2-D) -> [broadcast(B, C).., M, N]
Tensor batched_matmul(const Tensor& a, const Tensor& b) {
  int64_t M = a.size(-2), K = a.size(-1), N = b.size(-1);
  if (b.size(-2) != K) cannot_multiply(a, b);
  Dims batch_a(a.sizes().begin(), a.sizes().end() - 2);
  Dims batch_b(b.sizes().begin(), b.sizes().end() - 2);
  Dims batch = broadcast_shapes(batch_a, batch_b, "matmul");
  Dims shape_a = batch, shape_b = batch, shape_out = batch;
  shape_a.push_back(M), shape_a.push_back(K);
  shape_b.push_back(K), shape_b.push_back(N);
  shape_out.push_back(M), shape_out.push_back(N);
  Tensor ea = detail::expand_to(a, shape_a);
  Tensor eb = detail::expand_to(b, shape_b);
  Tensor out = Tensor::empty(shape_out, a.dtype(), a.device());
  KernelCall call(OpId::matmul);
  call.in[0] = &ea;
  call.in[1] = &eb;
  call.out[0] = &out;
  dispatch(call);
  if (should_record({&a, &b})) record(OpId::matmul, {a, b}, {&out});
  return out;
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  check_defined(a, "matmul", "a");
  check_defined(b, "matmul", "b");
  detail::check_same_device(a, b, "matmul");
  DL_CHECK(a.dim() >= 1 && b.dim() >= 1, Status::Shape, "matmul: both arguments need at least 1 dim, got shapes ",
           shape_str(a.sizes()), " and ", shape_str(b.sizes()));
  DL_CHECK(a.dtype() == b.dtype(), Status::DType, "matmul: arguments 'a' and 'b' have different dtypes (",
           dtype_name(a.dtype()), " and ", dtype_name(b.dtype()), ")");
  DL_CHECK(a.dtype() != DType::Bool, Status::DType, "matmul: bool tensors cannot be multiplied");
  // Vectors become matrices for the product and lose that dim afterwards.
  Tensor ma = a.dim() == 1 ? unsqueeze(a, 0) : a;
  Tensor mb = b.dim() == 1 ? unsqueeze(b, -1) : b;
  if (ma.size(-1) != mb.size(-2)) cannot_multiply(a, b);
  Tensor out = batched_matmul(ma, mb);
  if (a.dim() == 1) out = squeeze(out, -2);
  if (b.dim() == 1) out = squeeze(out, -1);
  return out;
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  check_defined(x, "linear", "x");
  check_defined(weight, "linear", "weight");
  DL_CHECK(x.dim() >= 1, Status::Shape, "linear: argument 'x' must have at least 1 dim");
  DL_CHECK(weight.dim() == 2, Status::Shape, "linear: argument 'weight' must be 2-D [out_features, in_features], got ",
           shape_str(weight.sizes()));
  int64_t K = x.size(-1), M = weight.size(0);
  DL_CHECK(weight.size(1) == K, Status::Shape, "linear: input of shape ", shape_str(x.sizes()),
           " does not match weight of shape ", shape_str(weight.sizes()), " (in_features ", weight.size(1), ")");
  DL_CHECK(x.dtype() == weight.dtype(), Status::DType, "linear: arguments 'x' and 'weight' have different dtypes (",
           dtype_name(x.dtype()), " and ", dtype_name(weight.dtype()), ")");
  detail::check_same_device(x, weight, "linear");
  if (bias.defined()) {
    DL_CHECK(bias.dim() == 1 && bias.size(0) == M, Status::Shape, "linear: argument 'bias' must have shape [", M,
             "], got ", shape_str(bias.sizes()));
    DL_CHECK(bias.dtype() == x.dtype(), Status::DType, "linear: argument 'bias' has dtype ", dtype_name(bias.dtype()),
             ", expected ", dtype_name(x.dtype()));
    detail::check_same_device(x, bias, "linear");
  }
  // [*, K] -> [rows, K] -> [rows, M] -> [*, M]
  Tensor x2 = x.dim() == 2 ? x : reshape(x, {-1, K});
  Tensor out = Tensor::empty({x2.size(0), M}, x.dtype(), x.device());
  KernelCall call(OpId::linear);
  call.in[0] = &x2;
  call.in[1] = &weight;
  call.in[2] = bias.defined() ? &bias : nullptr;
  call.out[0] = &out;
  dispatch(call);
  if (should_record({&x2, &weight, &bias})) record(OpId::linear, {x2, weight, bias}, {&out});
  if (x.dim() == 2) return out;
  Dims shape(x.sizes().begin(), x.sizes().end() - 1);
  shape.push_back(M);
  return view(out, shape);
}

// out = a b: da = g b^T, db = a^T g (broadcast batch dims are summed by the engine).
void backward_matmul(const GradContext& ctx, std::vector<Tensor>& gi) {
  const Tensor& g = ctx.grad();
  if (ctx.needs(0)) gi[0] = matmul(g, transpose(ctx.input(1), -1, -2));
  if (ctx.needs(1)) gi[1] = matmul(transpose(ctx.input(0), -1, -2), g);
}

// out = x w^T + b: dx = g w, dw = g^T x, db = sum of g over rows.
void backward_linear(const GradContext& ctx, std::vector<Tensor>& gi) {
  const Tensor& g = ctx.grad();
  if (ctx.needs(0)) gi[0] = matmul(g, ctx.input(1));
  if (ctx.needs(1)) gi[1] = matmul(transpose(g, 0, 1), ctx.input(0));
  if (ctx.needs(2)) gi[2] = sum(g, {0});
}

}  // namespace dl
