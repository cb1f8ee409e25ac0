// Views share storage with their input; contiguous/clone/to_dtype copy.
#pragma once

#include <vector>

#include "tensor/tensor.h"

namespace dl {

// Same elements in a new shape; one size may be -1. A view when the strides
// allow it (view() requires that), a copy otherwise (reshape()).
Tensor view(const Tensor& x, const Dims& shape);
Tensor reshape(const Tensor& x, const Dims& shape);
Tensor flatten(const Tensor& x, int64_t start_dim = 0, int64_t end_dim = -1);
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);
Tensor permute(const Tensor& x, const Dims& order);
// x.narrow(dim, start, length): elements [start, start+length) along dim.
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);
// x.select(dim, index): drops dim.
Tensor select(const Tensor& x, int64_t dim, int64_t index);
Tensor squeeze(const Tensor& x);               // all size-1 dims
Tensor squeeze(const Tensor& x, int64_t dim);  // that dim if it has size 1
Tensor unsqueeze(const Tensor& x, int64_t dim);
// Size-1 dims (and new leading dims) broadcast to `shape`; -1 keeps a size.
Tensor expand(const Tensor& x, const Dims& shape);
// torch.split(x, sizes, dim): views of consecutive pieces of these sizes
// along dim (they must add up to its size), recorded as one op whose
// backward joins the pieces' gradients in one pass.
std::vector<Tensor> split(const Tensor& x, const Dims& sizes, int64_t dim);
// torch.unbind(x, dim): the x.size(dim) slices along dim, each without it.
std::vector<Tensor> unbind(const Tensor& x, int64_t dim = 0);

Tensor contiguous(const Tensor& x);  // x itself when already contiguous
Tensor clone(const Tensor& x);       // always a new contiguous tensor
Tensor to_dtype(const Tensor& x, DType dtype);  // x itself when already dtype
// Copies src (broadcast to dst's shape, converted to dst's dtype) into dst in place.
void copy_(Tensor& dst, const Tensor& src);

}  // namespace dl
