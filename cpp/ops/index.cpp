#include "ops/index.h"

#include "autograd/derivatives.h"
#include "autograd/grad_mode.h"
#include "autograd/record.h"
#include "base/error.h"
#include "ops/creation.h"
#include "ops/op_table.h"
#include "ops/op_utils.h"
#include "ops/view.h"

namespace dl {

using detail::check_defined;

Tensor cat(const std::vector<Tensor>& xs, int64_t dim) {
  DL_CHECK(!xs.empty(), Status::InvalidArgument, "cat: argument 'tensors' is empty");
  for (size_t i = 0; i < xs.size(); ++i)
    DL_CHECK(xs[i].defined(), Status::InvalidArgument, "cat: tensor ", i, " is undefined");
  const Tensor& first = xs[0];
  DL_CHECK(first.dim() > 0, Status::Shape, "cat: zero-dimensional tensor 0 cannot be concatenated");
  size_t d = static_cast<size_t>(wrap_dim(dim, first.dim(), "cat: argument 'dim'"));
  DType dtype = first.dtype();
  int64_t total = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const Tensor& t = xs[i];
    detail::check_same_device(first, t, "cat");
    DL_CHECK(t.dim() == first.dim(), Status::Shape, "cat: tensor ", i, " has ", t.dim(), " dims, tensor 0 has ",
             first.dim());
    for (size_t k = 0; k < static_cast<size_t>(t.dim()); ++k)
      DL_CHECK(k == d || t.sizes()[k] == first.sizes()[k], Status::Shape, "cat: sizes must match except in dim ", dim,
               ": tensor ", i, " has shape ", shape_str(t.sizes()), ", tensor 0 has ", shape_str(first.sizes()));
    dtype = promote_types(dtype, t.dtype());
    total += t.sizes()[d];
  }
  Dims shape = first.sizes();
  shape[d] = total;
  Tensor out = Tensor::empty(shape, dtype, first.device());
  {
    NoGradGuard no_grad;  // the copies below are one recorded op, cat
    int64_t start = 0;
    for (const Tensor& t : xs) {
      Tensor slot = narrow(out, static_cast<int64_t>(d), start, t.sizes()[d]);
      copy_(slot, t);
      start += t.sizes()[d];
    }
  }
  if (should_record(xs)) {
    OpAttrs attrs;
    attrs.dim = static_cast<int64_t>(d);
    record(OpId::cat, xs, {&out}, attrs);
  }
  return out;
}

Tensor stack(const std::vector<Tensor>& xs, int64_t dim) {
  DL_CHECK(!xs.empty(), Status::InvalidArgument, "stack: argument 'tensors' is empty");
  for (size_t i = 0; i < xs.size(); ++i) {
    DL_CHECK(xs[i].defined(), Status::InvalidArgument, "stack: tensor ", i, " is undefined");
    DL_CHECK(xs[i].sizes() == xs[0].sizes(), Status::Shape, "stack: all tensors must have the same shape: tensor ",
             i, " has shape ", shape_str(xs[i].sizes()), ", tensor 0 has ", shape_str(xs[0].sizes()));
  }
  int64_t d = wrap_dim(dim, xs[0].dim() + 1, "stack: argument 'dim'");
  std::vector<Tensor> expanded;
  expanded.reserve(xs.size());
  for (const Tensor& t : xs) expanded.push_back(unsqueeze(t, d));
  return cat(expanded, d);
}

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  check_defined(x, "index_select", "x");
  check_defined(index, "index_select", "index");
  DL_CHECK(index.dtype() == DType::Int64 || index.dtype() == DType::Int32, Status::DType,
           "index_select: argument 'index' must be an int64 or int32 tensor, got ", dtype_name(index.dtype()));
  DL_CHECK(index.dim() <= 1, Status::Shape, "index_select: argument 'index' must be 0-D or 1-D, got shape ",
           shape_str(index.sizes()));
  detail::check_same_device(x, index, "index_select");
  Tensor in = contiguous(x.dim() == 0 ? reshape(x, {1}) : x);
  int64_t d = wrap_dim(dim, in.dim(), "index_select: argument 'dim'");
  Tensor idx = contiguous(detail::cast(reshape(index, {-1}), DType::Int64));
  Dims shape = in.sizes();
  shape[static_cast<size_t>(d)] = idx.numel();
  Tensor out = Tensor::empty(shape, x.dtype(), x.device());
  KernelCall call(OpId::index_select);
  call.in[0] = &in;
  call.in[1] = &idx;
  call.out[0] = &out;
  call.attrs.dim = d;
  dispatch(call);
  if (should_record({&in})) record(OpId::index_select, {in, idx}, {&out}, call.attrs);
  if (x.dim() == 0) return reshape(out, {});
  return out;
}

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index) {
  check_defined(x, "gather", "x");
  check_defined(index, "gather", "index");
  DL_CHECK(index.dtype() == DType::Int64, Status::DType, "gather: argument 'index' must be an int64 tensor, got ",
           dtype_name(index.dtype()));
  detail::check_same_device(x, index, "gather");
  int64_t d = wrap_dim(dim, x.dim(), "gather: argument 'dim'");
  DL_CHECK(index.dim() == x.dim(), Status::Shape, "gather: argument 'index' must have as many dims as x (",
           x.dim(), "), got shape ", shape_str(index.sizes()));
  for (int64_t k = 0; k < x.dim(); ++k)
    DL_CHECK(k == d || index.sizes()[static_cast<size_t>(k)] <= x.sizes()[static_cast<size_t>(k)], Status::Shape,
             "gather: argument 'index' of shape ", shape_str(index.sizes()), " is larger than x of shape ",
             shape_str(x.sizes()), " in dim ", k);
  Tensor in = contiguous(x);
  Tensor idx = contiguous(index);
  Tensor out = Tensor::empty(index.sizes(), x.dtype(), x.device());
  KernelCall call(OpId::gather);
  call.in[0] = &in;
  call.in[1] = &idx;
  call.out[0] = &out;
  call.attrs.dim = d;
  dispatch(call);
  if (should_record({&in})) record(OpId::gather, {in, idx}, {&out}, call.attrs);
  return out;
}

namespace {
// Adds src into out (contiguous) in place at index along dim.
void accumulate_into(OpId op, Tensor& out, int64_t dim, const Tensor& index, const Tensor& src) {
  const char* what = op_name(op);
  check_defined(out, what, "self");
  check_defined(index, what, "index");
  check_defined(src, what, "src");
  DL_CHECK(index.dtype() == DType::Int64, Status::DType, what, ": argument 'index' must be int64, got ",
           dtype_name(index.dtype()));
  DL_CHECK(src.dtype() == out.dtype(), Status::DType, what, ": argument 'src' has dtype ", dtype_name(src.dtype()),
           ", self has ", dtype_name(out.dtype()));
  int64_t d = wrap_dim(dim, out.dim(), what);
  Tensor s = contiguous(src);
  Tensor idx = contiguous(index);
  KernelCall call(op);
  call.in[0] = &s;
  call.in[1] = &idx;
  call.out[0] = &out;
  call.attrs.dim = d;
  dispatch(call);
}

Tensor accumulate_at(OpId op, const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src) {
  check_defined(self, op_name(op), "self");
  Tensor out = clone(self);
  accumulate_into(op, out, dim, index, src);
  return out;
}

void check_index_add(const Tensor& self, const Tensor& index, const Tensor& src) {
  DL_CHECK(index.defined() && index.dim() == 1, Status::Shape, "index_add: argument 'index' must be 1-D");
  DL_CHECK(src.defined() && self.defined() && src.dim() == self.dim(), Status::Shape,
           "index_add: argument 'src' must have as many dims as self");
}
}  // namespace

Tensor index_add(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src) {
  check_index_add(self, index, src);
  return accumulate_at(OpId::index_add, self, dim, index, src);
}

void index_add_(Tensor& self, int64_t dim, const Tensor& index, const Tensor& src) {
  check_index_add(self, index, src);
  DL_CHECK(self.is_contiguous(), Status::InvalidArgument, "index_add_: argument 'self' must be contiguous");
  accumulate_into(OpId::index_add, self, dim, index, src);
  self.storage()->bump_version();
}

Tensor scatter_add(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src) {
  DL_CHECK(index.defined() && src.defined() && index.sizes() == src.sizes(), Status::Shape,
           "scatter_add: arguments 'index' and 'src' must have the same shape");
  DL_CHECK(self.defined() && index.dim() == self.dim(), Status::Shape,
           "scatter_add: argument 'index' must have as many dims as self");
  return accumulate_at(OpId::scatter_add, self, dim, index, src);
}

void backward_cat(const GradContext& ctx, std::vector<Tensor>& gi) {
  int64_t start = 0;
  for (size_t i = 0; i < gi.size(); ++i) {
    int64_t size = ctx.input_meta(i).sizes[static_cast<size_t>(ctx.attrs().dim)];
    if (ctx.needs(i)) gi[i] = narrow(ctx.grad(), ctx.attrs().dim, start, size);
    start += size;
  }
}
void backward_index_select(const GradContext& ctx, std::vector<Tensor>& gi) {
  const Tensor& g = ctx.grad();
  gi[0] = index_add(zeros(ctx.input_meta(0).sizes, g.dtype(), g.device()), ctx.attrs().dim, ctx.input(1), g);
}
void backward_gather(const GradContext& ctx, std::vector<Tensor>& gi) {
  const Tensor& g = ctx.grad();
  gi[0] = scatter_add(zeros(ctx.input_meta(0).sizes, g.dtype(), g.device()), ctx.attrs().dim, ctx.input(1), g);
}
DL_NO_BACKWARD(index_add)
DL_NO_BACKWARD(scatter_add)

}  // namespace dl
