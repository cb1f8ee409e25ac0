#include "ops/view.h"

#include "autograd/derivatives.h"
#include "autograd/record.h"
#include "base/error.h"
#include "ops/creation.h"
#include "ops/index.h"
#include "ops/op_table.h"
#include "ops/op_utils.h"

namespace dl {

using detail::check_defined;

namespace {

// Resolves one -1 in shape against numel; checks the element count.
Dims infer_shape(const Dims& shape, int64_t numel, const char* what) {
  Dims out = shape;
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      DL_CHECK(infer < 0, Status::Shape, what, ": only one dimension can be -1 in shape ", shape_str(shape));
      infer = static_cast<int64_t>(i);
    } else {
      DL_CHECK(out[i] >= 0, Status::Shape, what, ": invalid size ", out[i], " in shape ", shape_str(shape));
      known *= out[i];
    }
  }
  if (infer >= 0) {
    DL_CHECK(known != 0 && numel % known == 0, Status::Shape, what, ": shape ", shape_str(shape),
             " is invalid for input of size ", numel);
    out[static_cast<size_t>(infer)] = numel / known;
  } else {
    DL_CHECK(known == numel, Status::Shape, what, ": shape ", shape_str(shape), " is invalid for input of size ",
             numel);
  }
  return out;
}

// Strides for viewing (sizes, strides) as new_sizes without copying, when
// possible (PyTorch's computeStride): each run of old dims that is contiguous
// in memory may be split or merged freely. Returns false when a copy is needed.
bool view_strides(const Dims& sizes, const Dims& strides, const Dims& new_sizes, Dims& out) {
  out = Dims(new_sizes.size(), 0);
  if (sizes.empty() || shape_numel(sizes) == 0) {
    out = contiguous_strides(new_sizes);
    return true;
  }
  int64_t view_d = static_cast<int64_t>(new_sizes.size()) - 1;
  int64_t chunk_base_stride = strides.empty() ? 1 : strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
    tensor_numel *= sizes[static_cast<size_t>(d)];
    if (d == 0 || (sizes[static_cast<size_t>(d - 1)] != 1 &&
                   strides[static_cast<size_t>(d - 1)] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || new_sizes[static_cast<size_t>(view_d)] == 1)) {
        out[static_cast<size_t>(view_d)] = view_numel * chunk_base_stride;
        view_numel *= new_sizes[static_cast<size_t>(view_d)];
        --view_d;
      }
      if (view_numel != tensor_numel) return false;
      if (d > 0) {
        chunk_base_stride = strides[static_cast<size_t>(d - 1)];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  return view_d == -1;
}

// Records a view op and returns its result.
Tensor recorded(OpId op, const Tensor& x, Tensor out, const OpAttrs& attrs = OpAttrs{}) {
  if (should_record({&x})) record(op, {x}, {&out}, attrs);
  return out;
}

}  // namespace

Tensor view(const Tensor& x, const Dims& shape) {
  check_defined(x, "view", "x");
  Dims sizes = infer_shape(shape, x.numel(), "view");
  Dims strides;
  DL_CHECK(view_strides(x.sizes(), x.strides(), sizes, strides), Status::Shape, "view: shape ", shape_str(sizes),
           " is not compatible with the input's size and strides (", shape_str(x.sizes()), ", strides ",
           shape_str(x.strides()), "); use reshape, which copies");
  return recorded(OpId::view, x, x.as_strided(sizes, strides, x.offset()));
}

Tensor reshape(const Tensor& x, const Dims& shape) {
  check_defined(x, "reshape", "x");
  Dims sizes = infer_shape(shape, x.numel(), "reshape");
  Dims strides;
  if (view_strides(x.sizes(), x.strides(), sizes, strides))
    return recorded(OpId::view, x, x.as_strided(sizes, strides, x.offset()));
  return view(contiguous(x), sizes);
}

Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
  check_defined(x, "flatten", "x");
  if (x.dim() == 0) return reshape(x, {1});
  int64_t s = wrap_dim(start_dim, x.dim(), "flatten: argument 'start_dim'");
  int64_t e = wrap_dim(end_dim, x.dim(), "flatten: argument 'end_dim'");
  DL_CHECK(s <= e, Status::InvalidArgument, "flatten: start_dim ", start_dim, " comes after end_dim ", end_dim);
  Dims shape;
  for (int64_t d = 0; d < s; ++d) shape.push_back(x.sizes()[static_cast<size_t>(d)]);
  int64_t merged = 1;
  for (int64_t d = s; d <= e; ++d) merged *= x.sizes()[static_cast<size_t>(d)];
  shape.push_back(merged);
  for (int64_t d = e + 1; d < x.dim(); ++d) shape.push_back(x.sizes()[static_cast<size_t>(d)]);
  return reshape(x, shape);
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  check_defined(x, "transpose", "x");
  if (x.dim() == 0) {
    wrap_dim(dim0, 0, "transpose: argument 'dim0'");
    wrap_dim(dim1, 0, "transpose: argument 'dim1'");
    return recorded(OpId::view, x, x.as_strided(x.sizes(), x.strides(), x.offset()));
  }
  size_t a = static_cast<size_t>(wrap_dim(dim0, x.dim(), "transpose: argument 'dim0'"));
  size_t b = static_cast<size_t>(wrap_dim(dim1, x.dim(), "transpose: argument 'dim1'"));
  Dims sizes = x.sizes(), strides = x.strides();
  std::swap(sizes[a], sizes[b]);
  std::swap(strides[a], strides[b]);
  OpAttrs attrs;
  attrs.dims = Dims{static_cast<int64_t>(a), static_cast<int64_t>(b)};
  return recorded(OpId::transpose, x, x.as_strided(sizes, strides, x.offset()), attrs);
}

Tensor permute(const Tensor& x, const Dims& order) {
  check_defined(x, "permute", "x");
  DL_CHECK(static_cast<int64_t>(order.size()) == x.dim(), Status::InvalidArgument, "permute: argument 'dims' has ",
           order.size(), " entries for a tensor of ", x.dim(), " dims");
  Dims sizes(order.size()), strides(order.size());
  Dims seen(order.size(), 0);
  OpAttrs attrs;
  for (size_t i = 0; i < order.size(); ++i) {
    size_t d = static_cast<size_t>(wrap_dim(order[i], x.dim(), "permute: argument 'dims'"));
    DL_CHECK(!seen[d], Status::InvalidArgument, "permute: argument 'dims' repeats dim ", order[i]);
    seen[d] = 1;
    sizes[i] = x.sizes()[d];
    strides[i] = x.strides()[d];
    attrs.dims.push_back(static_cast<int64_t>(d));
  }
  return recorded(OpId::permute, x, x.as_strided(sizes, strides, x.offset()), attrs);
}

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  check_defined(x, "narrow", "x");
  DL_CHECK(x.dim() > 0, Status::InvalidArgument, "narrow: cannot narrow a 0-dim tensor");
  size_t d = static_cast<size_t>(wrap_dim(dim, x.dim(), "narrow: argument 'dim'"));
  int64_t n = x.sizes()[d];
  if (start < 0) start += n;
  DL_CHECK(start >= 0 && start <= n && length >= 0 && start + length <= n, Status::InvalidArgument,
           "narrow: start ", start, " and length ", length, " are out of range for dim ", dim, " of size ", n);
  Dims sizes = x.sizes();
  sizes[d] = length;
  OpAttrs attrs;
  attrs.dim = static_cast<int64_t>(d);
  attrs.start = start;
  attrs.length = length;
  return recorded(OpId::narrow, x, x.as_strided(sizes, x.strides(), x.offset() + start * x.strides()[d]), attrs);
}

Tensor select(const Tensor& x, int64_t dim, int64_t index) {
  check_defined(x, "select", "x");
  DL_CHECK(x.dim() > 0, Status::InvalidArgument, "select: cannot select from a 0-dim tensor");
  size_t d = static_cast<size_t>(wrap_dim(dim, x.dim(), "select: argument 'dim'"));
  int64_t n = x.sizes()[d];
  DL_CHECK(index >= -n && index < n, Status::InvalidArgument, "select: index ", index,
           " is out of range for dim ", dim, " of size ", n);
  if (index < 0) index += n;
  return squeeze(narrow(x, dim, index, 1), dim);
}

Tensor squeeze(const Tensor& x) {
  check_defined(x, "squeeze", "x");
  Dims sizes, strides;
  for (size_t i = 0; i < static_cast<size_t>(x.dim()); ++i) {
    if (x.sizes()[i] == 1) continue;
    sizes.push_back(x.sizes()[i]);
    strides.push_back(x.strides()[i]);
  }
  return recorded(OpId::squeeze, x, x.as_strided(sizes, strides, x.offset()));
}

Tensor squeeze(const Tensor& x, int64_t dim) {
  check_defined(x, "squeeze", "x");
  Dims sizes = x.sizes(), strides = x.strides();
  if (x.dim() == 0) {
    wrap_dim(dim, 0, "squeeze: argument 'dim'");
  } else {
    size_t d = static_cast<size_t>(wrap_dim(dim, x.dim(), "squeeze: argument 'dim'"));
    if (sizes[d] == 1) {
      sizes.erase(d);
      strides.erase(d);
    }
  }
  return recorded(OpId::squeeze, x, x.as_strided(sizes, strides, x.offset()));
}

Tensor unsqueeze(const Tensor& x, int64_t dim) {
  check_defined(x, "unsqueeze", "x");
  size_t d = static_cast<size_t>(wrap_dim(dim, x.dim() + 1, "unsqueeze: argument 'dim'"));
  Dims sizes = x.sizes(), strides = x.strides();
  int64_t stride = d < static_cast<size_t>(x.dim()) ? sizes[d] * strides[d] : 1;
  sizes.insert(d, 1);
  strides.insert(d, stride);
  return recorded(OpId::unsqueeze, x, x.as_strided(sizes, strides, x.offset()));
}

Tensor expand(const Tensor& x, const Dims& shape) {
  check_defined(x, "expand", "x");
  DL_CHECK(static_cast<int64_t>(shape.size()) >= x.dim(), Status::Shape, "expand: the shape ", shape_str(shape),
           " has fewer dims than the tensor's ", shape_str(x.sizes()));
  size_t lead = shape.size() - static_cast<size_t>(x.dim());
  Dims sizes(shape.size()), strides(shape.size());
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i < lead) {
      DL_CHECK(shape[i] >= 0, Status::Shape, "expand: size -1 is not allowed in a new leading dim (shape ",
               shape_str(shape), ")");
      sizes[i] = shape[i];
      strides[i] = 0;
      continue;
    }
    int64_t have = x.sizes()[i - lead];
    int64_t want = shape[i] == -1 ? have : shape[i];
    DL_CHECK(want == have || have == 1, Status::Shape, "expand: the tensor of shape ", shape_str(x.sizes()),
             " cannot be expanded to ", shape_str(shape), " (dim ", i, ": ", have, " vs ", want, ")");
    sizes[i] = want;
    strides[i] = want == have ? x.strides()[i - lead] : 0;
  }
  return recorded(OpId::expand, x, x.as_strided(sizes, strides, x.offset()));
}

namespace {
// The pieces of x along dim d; without keepdim each has size 1 and loses d.
std::vector<Tensor> split_views(const Tensor& x, size_t d, const Dims& sizes, bool keepdim) {
  std::vector<Tensor> pieces;
  pieces.reserve(sizes.size());
  Dims piece_sizes = x.sizes(), piece_strides = x.strides();
  if (!keepdim) piece_sizes.erase(d), piece_strides.erase(d);
  int64_t start = 0;
  for (int64_t size : sizes) {
    if (keepdim) piece_sizes[d] = size;
    pieces.push_back(x.as_strided(piece_sizes, piece_strides, x.offset() + start * x.strides()[d]));
    start += size;
  }
  if (should_record({&x})) {
    OpAttrs attrs;
    attrs.dim = static_cast<int64_t>(d);
    attrs.dims = sizes;
    attrs.keepdim = keepdim;
    std::vector<Tensor*> outs;
    for (Tensor& p : pieces) outs.push_back(&p);
    record(OpId::split, {x}, outs, attrs);
  }
  return pieces;
}
}  // namespace

std::vector<Tensor> split(const Tensor& x, const Dims& sizes, int64_t dim) {
  check_defined(x, "split", "x");
  DL_CHECK(x.dim() > 0, Status::InvalidArgument, "split: cannot split a 0-dim tensor");
  size_t d = static_cast<size_t>(wrap_dim(dim, x.dim(), "split: argument 'dim'"));
  int64_t total = 0;
  for (int64_t size : sizes) {
    DL_CHECK(size >= 0, Status::InvalidArgument, "split: argument 'sizes' ", shape_str(sizes), " has a negative size");
    total += size;
  }
  DL_CHECK(total == x.sizes()[d], Status::Shape, "split: sizes ", shape_str(sizes), " add up to ", total,
           ", but dim ", dim, " of the tensor of shape ", shape_str(x.sizes()), " has size ", x.sizes()[d]);
  return split_views(x, d, sizes, true);
}

std::vector<Tensor> unbind(const Tensor& x, int64_t dim) {
  check_defined(x, "unbind", "x");
  DL_CHECK(x.dim() > 0, Status::InvalidArgument, "unbind: cannot unbind a 0-dim tensor");
  size_t d = static_cast<size_t>(wrap_dim(dim, x.dim(), "unbind: argument 'dim'"));
  return split_views(x, d, Dims(static_cast<size_t>(x.sizes()[d]), 1), false);
}

Tensor contiguous(const Tensor& x) {
  check_defined(x, "contiguous", "x");
  return x.is_contiguous() ? x : clone(x);
}

Tensor clone(const Tensor& x) {
  check_defined(x, "clone", "x");
  Tensor out = Tensor::empty(x.sizes(), x.dtype(), x.device());
  copy_(out, x);
  return recorded(OpId::copy, x, out);
}

Tensor to_dtype(const Tensor& x, DType dtype) {
  check_defined(x, "to_dtype", "x");
  if (x.dtype() == dtype) return x;
  Tensor out = Tensor::empty(x.sizes(), dtype, x.device());
  copy_(out, x);
  return recorded(OpId::copy, x, out);
}

void copy_(Tensor& dst, const Tensor& src) {
  check_defined(dst, "copy_", "dst");
  check_defined(src, "copy_", "src");
  detail::check_same_device(dst, src, "copy_");
  Dims shape = broadcast_shapes(dst.sizes(), src.sizes(), "copy_");
  DL_CHECK(shape == dst.sizes(), Status::Shape, "copy_: source of shape ", shape_str(src.sizes()),
           " does not broadcast to the destination's shape ", shape_str(dst.sizes()));
  Tensor s = detail::expand_to(src, dst.sizes());
  KernelCall call(OpId::copy);
  call.in[0] = &s;
  call.out[0] = &dst;
  dispatch(call);
  dst.storage()->bump_version();
}

// Backward rules of the views: each gives the gradient in the input's layout.
void backward_view(const GradContext& ctx, std::vector<Tensor>& gi) {
  gi[0] = reshape(ctx.grad(), ctx.input_meta(0).sizes);
}
void backward_transpose(const GradContext& ctx, std::vector<Tensor>& gi) {
  gi[0] = transpose(ctx.grad(), ctx.attrs().dims[0], ctx.attrs().dims[1]);
}
void backward_permute(const GradContext& ctx, std::vector<Tensor>& gi) {
  const Dims& order = ctx.attrs().dims;
  Dims inverse(order.size());
  for (size_t i = 0; i < order.size(); ++i) inverse[static_cast<size_t>(order[i])] = static_cast<int64_t>(i);
  gi[0] = permute(ctx.grad(), inverse);
}
void backward_narrow(const GradContext& ctx, std::vector<Tensor>& gi) {
  const InputMeta& in = ctx.input_meta(0);
  Tensor g = zeros(in.sizes, ctx.grad().dtype(), in.device);
  Tensor slot = narrow(g, ctx.attrs().dim, ctx.attrs().start, ctx.attrs().length);
  copy_(slot, ctx.grad());
  gi[0] = g;
}
void backward_squeeze(const GradContext& ctx, std::vector<Tensor>& gi) {
  gi[0] = reshape(ctx.grad(), ctx.input_meta(0).sizes);
}
void backward_unsqueeze(const GradContext& ctx, std::vector<Tensor>& gi) {
  gi[0] = reshape(ctx.grad(), ctx.input_meta(0).sizes);
}
// The engine sums the expanded dims (it reduces every gradient to its input's shape).
void backward_expand(const GradContext& ctx, std::vector<Tensor>& gi) { gi[0] = ctx.grad(); }
void backward_copy(const GradContext& ctx, std::vector<Tensor>& gi) { gi[0] = ctx.grad(); }
void backward_split(const GradContext& ctx, std::vector<Tensor>& gi) {
  std::vector<Tensor> grads;
  for (size_t i = 0; i < ctx.attrs().dims.size(); ++i) grads.push_back(ctx.grad(i));
  gi[0] = ctx.attrs().keepdim ? cat(grads, ctx.attrs().dim) : stack(grads, ctx.attrs().dim);
}

}  // namespace dl
