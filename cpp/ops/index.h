// Joining and indexing.
#pragma once

#include <vector>

#include "tensor/tensor.h"

namespace dl {

// Tensors equal in all dims but `dim` -> joined along dim; dtypes promote.
Tensor cat(const std::vector<Tensor>& xs, int64_t dim);
// Tensors of equal shape -> new dim inserted at `dim`.
Tensor stack(const std::vector<Tensor>& xs, int64_t dim);
// x: [.., n, ..] along dim, index: int64 [k] in [-n, n) -> [.., k, ..]
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);
// out[i][j][k] = x[index[i][j][k]][j][k] for dim 0 (and so on); index int64,
// same ndim as x, no larger than x in the other dims -> shaped like index.
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);

// Out of place, not differentiable (used by backward rules):
// self with src[.., j, ..] added at index[j] along dim; src [.., k, ..], index int64 [k].
Tensor index_add(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src);
// self with src[p] added at p with p[dim] replaced by index[p]; index int64 shaped like src.
Tensor scatter_add(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src);
// index_add in place into self (contiguous), not recorded by autograd (as add_).
void index_add_(Tensor& self, int64_t dim, const Tensor& index, const Tensor& src);

}  // namespace dl
