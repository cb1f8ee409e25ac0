#include "ops/reduce.h"

#include "autograd/derivatives.h"
#include "autograd/record.h"
#include "base/error.h"
#include "ops/index.h"
#include "ops/creation.h"
#include "ops/elementwise.h"
#include "ops/op_table.h"
#include "ops/op_utils.h"
#include "ops/view.h"

namespace dl {

using detail::check_defined;

namespace {

// Sorted, unique, wrapped dims; empty input means all dims.
Dims normalize_dims(const Tensor& x, const Dims& dims, const char* what) {
  Dims out;
  if (dims.empty()) {
    for (int64_t d = 0; d < x.dim(); ++d) out.push_back(d);
    return out;
  }
  Dims seen(static_cast<size_t>(x.dim() > 0 ? x.dim() : 1), 0);
  for (int64_t d : dims) {
    int64_t w = wrap_dim(d, x.dim(), what);
    DL_CHECK(!seen[static_cast<size_t>(w)], Status::InvalidArgument, what, ": dim ", d,
             " appears more than once in the list of dims");
    seen[static_cast<size_t>(w)] = 1;
  }
  for (int64_t d = 0; d < static_cast<int64_t>(seen.size()); ++d)
    if (seen[static_cast<size_t>(d)] && d < (x.dim() > 0 ? x.dim() : 0)) out.push_back(d);
  return out;
}

Dims keepdim_shape(const Tensor& x, const Dims& dims) {
  Dims shape = x.sizes();
  for (int64_t d : dims) shape[static_cast<size_t>(d)] = 1;
  return shape;
}

Dims reduced_shape(const Tensor& x, const Dims& dims) {
  Dims shape;
  size_t j = 0;
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (j < dims.size() && dims[j] == d) {
      ++j;
      continue;
    }
    shape.push_back(x.sizes()[static_cast<size_t>(d)]);
  }
  return shape;
}

Tensor finish(const Tensor& kept, const Tensor& x, const Dims& dims, bool keepdim) {
  return keepdim ? kept : kept.as_strided(reduced_shape(x, dims), contiguous_strides(reduced_shape(x, dims)), 0);
}

Tensor reduce(OpId op, const Tensor& x, const Dims& dims, bool keepdim, DType out_dtype) {
  const char* what = op_name(op);
  Dims rd = normalize_dims(x, dims, what);
  Tensor out = Tensor::empty(keepdim_shape(x, rd), out_dtype, x.device());
  KernelCall call(op);
  call.in[0] = &x;
  call.out[0] = &out;
  call.attrs.dims = rd;
  call.attrs.keepdim = keepdim;
  dispatch(call);
  Tensor result = finish(out, x, rd, keepdim);
  if (should_record({&x})) record(op, {x}, {&result}, call.attrs);
  return result;
}

// g of a reduction's result, with the reduced dims back as size 1.
Tensor with_kept_dims(const Tensor& g, const OpAttrs& attrs) {
  if (attrs.keepdim) return g;
  Tensor r = g;
  for (int64_t d : attrs.dims) r = unsqueeze(r, d);
  return r;
}

std::pair<Tensor, Tensor> reduce_with_index(OpId op, const Tensor& x, int64_t dim, bool keepdim) {
  const char* what = op_name(op);
  check_defined(x, what, "x");
  int64_t d = wrap_dim(dim, x.dim(), what);
  Tensor in = x.dim() == 0 ? reshape(x, {1}) : x;
  DL_CHECK(in.sizes()[static_cast<size_t>(d)] > 0, Status::Shape, what,
           ": cannot reduce over dim ", dim, " of size 0");
  Dims shape = in.sizes();
  shape[static_cast<size_t>(d)] = 1;
  Tensor values = Tensor::empty(shape, x.dtype(), x.device());
  Tensor indices = Tensor::empty(shape, DType::Int64, x.device());
  KernelCall call(op);
  call.in[0] = &in;
  call.out[0] = &values;
  call.out[1] = &indices;
  call.attrs.dim = d;
  call.attrs.keepdim = keepdim;
  dispatch(call);
  if (!keepdim || x.dim() == 0) {
    Dims rd{d};
    Dims out_shape = x.dim() == 0 ? Dims{} : reduced_shape(in, rd);
    values = values.as_strided(out_shape, contiguous_strides(out_shape), 0);
    indices = indices.as_strided(out_shape, contiguous_strides(out_shape), 0);
  }
  if (should_record({&x})) record(op, {x}, {&values, &indices}, call.attrs);
  return {values, indices};
}

int64_t reduced_count(const Tensor& x, const Dims& dims) {
  int64_t n = 1;
  if (dims.empty()) return x.numel();
  for (int64_t d : dims) n *= x.sizes()[static_cast<size_t>(wrap_dim(d, x.dim(), "reduce"))];
  return n;
}

}  // namespace

Tensor sum(const Tensor& x, const Dims& dims, bool keepdim) {
  check_defined(x, "sum", "x");
  // Integer and bool sums accumulate in int64, as in PyTorch.
  if (!is_floating(x.dtype())) {
    Tensor wide = detail::cast(x, DType::Int64);
    return reduce(OpId::sum, wide, dims, keepdim, DType::Int64);
  }
  return reduce(OpId::sum, x, dims, keepdim, x.dtype());
}

Tensor mean(const Tensor& x, const Dims& dims, bool keepdim) {
  check_defined(x, "mean", "x");
  DL_CHECK(is_floating(x.dtype()), Status::DType, "mean: argument 'x' must be a floating-point tensor, got ",
           dtype_name(x.dtype()), " (convert it with to_dtype first)");
  Tensor s = sum(x, dims, keepdim);
  return div(s, static_cast<double>(reduced_count(x, normalize_dims(x, dims, "mean"))));
}

Tensor amax(const Tensor& x, const Dims& dims, bool keepdim) {
  check_defined(x, "amax", "x");
  DL_CHECK(x.numel() > 0, Status::Shape, "amax: cannot reduce an empty tensor");
  return reduce(OpId::amax, x, dims, keepdim, x.dtype());
}

Tensor amin(const Tensor& x, const Dims& dims, bool keepdim) {
  check_defined(x, "amin", "x");
  DL_CHECK(x.numel() > 0, Status::Shape, "amin: cannot reduce an empty tensor");
  return reduce(OpId::amin, x, dims, keepdim, x.dtype());
}

std::pair<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim) {
  return reduce_with_index(OpId::max_dim, x, dim, keepdim);
}
std::pair<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim) {
  return reduce_with_index(OpId::min_dim, x, dim, keepdim);
}
Tensor argmax(const Tensor& x, int64_t dim, bool keepdim) { return max(x, dim, keepdim).second; }
Tensor argmin(const Tensor& x, int64_t dim, bool keepdim) { return min(x, dim, keepdim).second; }

Tensor max(const Tensor& x) { return amax(x); }
Tensor min(const Tensor& x) { return amin(x); }
Tensor argmax(const Tensor& x) {
  check_defined(x, "argmax", "x");
  return argmax(reshape(x, {-1}), 0, false);
}

Tensor var(const Tensor& x, const Dims& dims, int64_t correction, bool keepdim) {
  check_defined(x, "var", "x");
  DL_CHECK(is_floating(x.dtype()), Status::DType, "var: argument 'x' must be a floating-point tensor, got ",
           dtype_name(x.dtype()));
  DL_CHECK(correction >= 0, Status::InvalidArgument, "var: argument 'correction' must be >= 0, got ", correction);
  Dims rd = normalize_dims(x, dims, "var");
  Tensor centered = sub(x, mean(x, rd, true));
  Tensor squares = sum(mul(centered, centered), rd, keepdim);
  int64_t n = reduced_count(x, rd);
  // PyTorch gives NaN (or inf) when n <= correction; dividing by max(n - c, 0) does the same.
  double denom = static_cast<double>(n - correction > 0 ? n - correction : 0);
  return div(squares, denom);
}

Tensor std_dev(const Tensor& x, const Dims& dims, int64_t correction, bool keepdim) {
  check_defined(x, "std_dev", "x");
  return sqrt(var(x, dims, correction, keepdim));
}

void backward_sum(const GradContext& ctx, std::vector<Tensor>& gi) {
  gi[0] = expand(with_kept_dims(ctx.grad(), ctx.attrs()), ctx.input_meta(0).sizes);
}

namespace {
// amax/amin: the gradient is shared evenly among the elements equal to the result.
void backward_extremum_all(const GradContext& ctx, std::vector<Tensor>& gi) {
  const Tensor& x = ctx.input(0);
  Tensor y = with_kept_dims(ctx.output(), ctx.attrs());
  Tensor g = with_kept_dims(ctx.grad(), ctx.attrs());
  Tensor hits = to_dtype(eq(x, y), g.dtype());
  gi[0] = div(mul(hits, g), sum(hits, ctx.attrs().dims, true));
}

// max/min along a dim: the gradient goes to the selected index.
void backward_extremum_dim(const GradContext& ctx, std::vector<Tensor>& gi) {
  const InputMeta& in = ctx.input_meta(0);
  Tensor g = ctx.grad(), idx = ctx.output(1);
  if (in.sizes.empty()) {  // a 0-dim input was reduced as [1]
    g = reshape(g, {1});
    idx = reshape(idx, {1});
  } else if (!ctx.attrs().keepdim) {
    g = unsqueeze(g, ctx.attrs().dim);
    idx = unsqueeze(idx, ctx.attrs().dim);
  }
  Dims shape = in.sizes.empty() ? Dims{1} : in.sizes;
  gi[0] = reshape(scatter_add(zeros(shape, g.dtype(), g.device()), ctx.attrs().dim, idx, g), in.sizes);
}
}  // namespace

void backward_amax(const GradContext& ctx, std::vector<Tensor>& gi) { backward_extremum_all(ctx, gi); }
void backward_amin(const GradContext& ctx, std::vector<Tensor>& gi) { backward_extremum_all(ctx, gi); }
void backward_max_dim(const GradContext& ctx, std::vector<Tensor>& gi) { backward_extremum_dim(ctx, gi); }
void backward_min_dim(const GradContext& ctx, std::vector<Tensor>& gi) { backward_extremum_dim(ctx, gi); }

}  // namespace dl
