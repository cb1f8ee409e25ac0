/* libdl tensor ops. All follow the conventions in dl/tensor.h; every op is
 * recorded by autograd when an input requires grad. Binary ops broadcast as
 * PyTorch does and promote dtypes (a 0-dim tensor or a scalar argument does
 * not widen a tensor of the same kind: float32 tensor * 2.5 stays float32).
 * Shapes in comments: a: [*a], b: [*b] -> [broadcast]. Dims may be negative.
 * Errors common to all: DL_ERR_SHAPE (shapes that do not broadcast or
 * match), DL_ERR_DTYPE (a dtype the op does not take), DL_ERR_DEVICE (inputs
 * on different devices), DL_ERR_INVALID_ARGUMENT (dim out of range). */
#ifndef DL_OPS_H
#define DL_OPS_H

#include "dl/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Elementwise binary: a op b. div is true division (integers -> float32). */
DL_API dl_status dl_add(const dl_tensor* a, const dl_tensor* b, dl_tensor** out);
DL_API dl_status dl_sub(const dl_tensor* a, const dl_tensor* b, dl_tensor** out);
DL_API dl_status dl_mul(const dl_tensor* a, const dl_tensor* b, dl_tensor** out);
DL_API dl_status dl_div(const dl_tensor* a, const dl_tensor* b, dl_tensor** out);
DL_API dl_status dl_pow(const dl_tensor* a, const dl_tensor* b, dl_tensor** out);
DL_API dl_status dl_maximum(const dl_tensor* a, const dl_tensor* b, dl_tensor** out);
DL_API dl_status dl_minimum(const dl_tensor* a, const dl_tensor* b, dl_tensor** out);
/* Comparisons -> DL_BOOL. */
DL_API dl_status dl_eq(const dl_tensor* a, const dl_tensor* b, dl_tensor** out);
DL_API dl_status dl_ne(const dl_tensor* a, const dl_tensor* b, dl_tensor** out);
DL_API dl_status dl_lt(const dl_tensor* a, const dl_tensor* b, dl_tensor** out);
DL_API dl_status dl_le(const dl_tensor* a, const dl_tensor* b, dl_tensor** out);
DL_API dl_status dl_gt(const dl_tensor* a, const dl_tensor* b, dl_tensor** out);
DL_API dl_status dl_ge(const dl_tensor* a, const dl_tensor* b, dl_tensor** out);
/* With a scalar s on the right (a + s, a - s, a * s, a / s, a ** s). */
DL_API dl_status dl_add_scalar(const dl_tensor* a, double s, dl_tensor** out);
DL_API dl_status dl_sub_scalar(const dl_tensor* a, double s, dl_tensor** out);
DL_API dl_status dl_mul_scalar(const dl_tensor* a, double s, dl_tensor** out);
DL_API dl_status dl_div_scalar(const dl_tensor* a, double s, dl_tensor** out);
DL_API dl_status dl_pow_scalar(const dl_tensor* a, double s, dl_tensor** out);

/* Elementwise unary, x: [*] -> [*]. exp, log, sqrt, sigmoid, tanh turn
 * integers into float32; neg of a bool tensor is DL_ERR_DTYPE. */
DL_API dl_status dl_neg(const dl_tensor* x, dl_tensor** out);
DL_API dl_status dl_abs(const dl_tensor* x, dl_tensor** out);
DL_API dl_status dl_exp(const dl_tensor* x, dl_tensor** out);
DL_API dl_status dl_log(const dl_tensor* x, dl_tensor** out);
DL_API dl_status dl_sqrt(const dl_tensor* x, dl_tensor** out);
DL_API dl_status dl_relu(const dl_tensor* x, dl_tensor** out);
DL_API dl_status dl_sigmoid(const dl_tensor* x, dl_tensor** out);
DL_API dl_status dl_tanh(const dl_tensor* x, dl_tensor** out);
/* Clamp into [min, max]; a NaN bound means none (both NaN: DL_ERR_INVALID_ARGUMENT). */
DL_API dl_status dl_clamp(const dl_tensor* x, double min, double max, dl_tensor** out);
/* cond (DL_BOOL), a, b broadcast together -> a where cond, else b. */
DL_API dl_status dl_where(const dl_tensor* cond, const dl_tensor* a, const dl_tensor* b, dl_tensor** out);
/* x with value where mask (DL_BOOL, broadcasts to x) is true. */
DL_API dl_status dl_masked_fill(const dl_tensor* x, const dl_tensor* mask, double value, dl_tensor** out);

/* Reductions over ndims dims (ndims 0: all dims); keepdim keeps them as size
 * 1. sum of integers gives int64; mean, var, std need floating inputs.
 * var/std use Bessel's correction `correction` (1: unbiased, PyTorch's default). */
DL_API dl_status dl_sum(const dl_tensor* x, const int64_t* dims, int ndims, int keepdim, dl_tensor** out);
DL_API dl_status dl_mean(const dl_tensor* x, const int64_t* dims, int ndims, int keepdim, dl_tensor** out);
DL_API dl_status dl_amax(const dl_tensor* x, const int64_t* dims, int ndims, int keepdim, dl_tensor** out);
DL_API dl_status dl_amin(const dl_tensor* x, const int64_t* dims, int ndims, int keepdim, dl_tensor** out);
DL_API dl_status dl_var(const dl_tensor* x, const int64_t* dims, int ndims, int64_t correction, int keepdim,
                        dl_tensor** out);
DL_API dl_status dl_std(const dl_tensor* x, const int64_t* dims, int ndims, int64_t correction, int keepdim,
                        dl_tensor** out);
/* Along dim: the maximum (minimum) values and their int64 indices (first on ties). Both are new handles. */
DL_API dl_status dl_max_dim(const dl_tensor* x, int64_t dim, int keepdim, dl_tensor** values, dl_tensor** indices);
DL_API dl_status dl_min_dim(const dl_tensor* x, int64_t dim, int keepdim, dl_tensor** values, dl_tensor** indices);
/* int64 index of the maximum (minimum) along dim. */
DL_API dl_status dl_argmax(const dl_tensor* x, int64_t dim, int keepdim, dl_tensor** out);
DL_API dl_status dl_argmin(const dl_tensor* x, int64_t dim, int keepdim, dl_tensor** out);

/* torch.matmul: [n] x [n] -> []; [B.., M, K] x [C.., K, N] -> [broadcast(B, C).., M, N];
 * a vector argument is treated as a matrix and its dim dropped. */
DL_API dl_status dl_matmul(const dl_tensor* a, const dl_tensor* b, dl_tensor** out);
/* x: [*, K], weight: [M, K], bias: [M] or NULL -> [*, M] = x weight^T + bias. */
DL_API dl_status dl_linear(const dl_tensor* x, const dl_tensor* weight, const dl_tensor* bias /*nullable*/,
                           dl_tensor** out);
/* Numerically stable (max subtracted) along dim; floating x. */
DL_API dl_status dl_softmax(const dl_tensor* x, int64_t dim, dl_tensor** out);
DL_API dl_status dl_log_softmax(const dl_tensor* x, int64_t dim, dl_tensor** out);

/* Views share the input's data; reshape copies only when the strides do not
 * allow a view (dl_view then fails with DL_ERR_SHAPE). One size may be -1. */
DL_API dl_status dl_reshape(const dl_tensor* x, const int64_t* shape, int ndim, dl_tensor** out);
DL_API dl_status dl_view(const dl_tensor* x, const int64_t* shape, int ndim, dl_tensor** out);
DL_API dl_status dl_transpose(const dl_tensor* x, int64_t dim0, int64_t dim1, dl_tensor** out);
/* dims: a permutation of 0..ndim-1, ndims == x's ndim. */
DL_API dl_status dl_permute(const dl_tensor* x, const int64_t* dims, int ndims, dl_tensor** out);
DL_API dl_status dl_flatten(const dl_tensor* x, int64_t start_dim, int64_t end_dim, dl_tensor** out);
/* Elements [start, start + length) along dim. */
DL_API dl_status dl_narrow(const dl_tensor* x, int64_t dim, int64_t start, int64_t length, dl_tensor** out);
/* x[index] along dim, which disappears. */
DL_API dl_status dl_select(const dl_tensor* x, int64_t dim, int64_t index, dl_tensor** out);
/* Removes dim when its size is 1 (dl_squeeze_all: every size-1 dim). */
DL_API dl_status dl_squeeze(const dl_tensor* x, int64_t dim, dl_tensor** out);
DL_API dl_status dl_squeeze_all(const dl_tensor* x, dl_tensor** out);
DL_API dl_status dl_unsqueeze(const dl_tensor* x, int64_t dim, dl_tensor** out);
/* Broadcasts size-1 dims (and new leading dims) to shape; -1 keeps a size. */
DL_API dl_status dl_expand(const dl_tensor* x, const int64_t* shape, int ndim, dl_tensor** out);
/* x itself (a new handle) when contiguous, else a contiguous copy. */
DL_API dl_status dl_contiguous(const dl_tensor* x, dl_tensor** out);
/* A contiguous copy. */
DL_API dl_status dl_clone(const dl_tensor* x, dl_tensor** out);

/* Join count tensors (equal except along dim) along dim; stack inserts a new dim. */
DL_API dl_status dl_cat(const dl_tensor* const* tensors, int count, int64_t dim, dl_tensor** out);
DL_API dl_status dl_stack(const dl_tensor* const* tensors, int count, int64_t dim, dl_tensor** out);
/* x along dim at index (int64 or int32, 1-D) -> that dim has numel(index) entries. */
DL_API dl_status dl_index_select(const dl_tensor* x, int64_t dim, const dl_tensor* index, dl_tensor** out);
/* out[i][j] = x[index[i][j]][j] for dim 0 (and so on); index int64, as many dims as x. */
DL_API dl_status dl_gather(const dl_tensor* x, int64_t dim, const dl_tensor* index, dl_tensor** out);

#ifdef __cplusplus
}
#endif

#endif /* DL_OPS_H */
