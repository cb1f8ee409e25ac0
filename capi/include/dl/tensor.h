/* libdl tensors: creation, inspection, copies in and out, conversion.
 *
 * Conventions for every function in this header and in dl/ops.h:
 * - Results come through the last parameter(s). A returned handle is a new
 *   reference owned by the caller: free it with dl_tensor_free. On failure
 *   the out-parameters are set to NULL (or 0) and nothing else changes.
 * - Inputs are borrowed for the duration of the call.
 * - DL_ERR_INVALID_ARGUMENT for a NULL, foreign, freed or scope-released
 *   handle or a NULL out-parameter, with a message naming the argument.
 * - Data buffers are contiguous and row-major. */
#ifndef DL_TENSOR_H
#define DL_TENSOR_H

#include "dl/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dl_tensor dl_tensor;

/* A new tensor copying numel(shape) elements of dtype from data.
 * shape: ndim sizes (>= 0); ndim 0 makes a one-element (0-dim) tensor.
 * Errors: DL_ERR_INVALID_ARGUMENT (NULL data with elements, ndim < 0 or > 64,
 * bad dtype), DL_ERR_SHAPE (negative size), DL_ERR_UNSUPPORTED (float16 and
 * bfloat16 on the CPU). */
DL_API dl_status dl_tensor_from_data(const void* data, dl_dtype dtype, const int64_t* shape, int ndim,
                                     dl_tensor** out);
/* Tensors filled with 0, 1, value; same errors as dl_tensor_from_data. */
DL_API dl_status dl_tensor_zeros(const int64_t* shape, int ndim, dl_dtype dtype, dl_tensor** out);
DL_API dl_status dl_tensor_ones(const int64_t* shape, int ndim, dl_dtype dtype, dl_tensor** out);
DL_API dl_status dl_tensor_full(const int64_t* shape, int ndim, double value, dl_dtype dtype, dl_tensor** out);
/* Random tensors from the global seeded generator: normal(0, 1) and uniform
 * [0, 1). dtype: DL_FLOAT32 or DL_FLOAT64, else DL_ERR_DTYPE. */
DL_API dl_status dl_tensor_randn(const int64_t* shape, int ndim, dl_dtype dtype, dl_tensor** out);
DL_API dl_status dl_tensor_rand(const int64_t* shape, int ndim, dl_dtype dtype, dl_tensor** out);
/* Integers uniform in [low, high) (low < high, else DL_ERR_INVALID_ARGUMENT), of a numeric dtype. */
DL_API dl_status dl_tensor_randint(int64_t low, int64_t high, const int64_t* shape, int ndim, dl_dtype dtype,
                                   dl_tensor** out);
/* [start, end) by step: ceil((end - start) / step) elements. step != 0 with
 * the sign of end - start, else DL_ERR_INVALID_ARGUMENT. */
DL_API dl_status dl_tensor_arange(double start, double end, double step, dl_dtype dtype, dl_tensor** out);
/* The n x m identity (m < 0: n x n). */
DL_API dl_status dl_tensor_eye(int64_t n, int64_t m, dl_dtype dtype, dl_tensor** out);

/* A new handle to the same tensor (same data, same autograd identity);
 * freeing either handle leaves the other valid. */
DL_API dl_status dl_tensor_ref(const dl_tensor* t, dl_tensor** out);
/* Releases the handle (and the tensor's memory when no other handle or
 * graph uses it). NULL is a no-op; so is a handle already freed. A handle
 * released by a scope must still be freed. */
DL_API void dl_tensor_free(dl_tensor* t);

/* Inspection. dl_tensor_shape and dl_tensor_strides write ndim values;
 * capacity < ndim is DL_ERR_INVALID_ARGUMENT. Strides count elements. */
DL_API dl_status dl_tensor_ndim(const dl_tensor* t, int* out);
DL_API dl_status dl_tensor_shape(const dl_tensor* t, int64_t* shape, int capacity);
DL_API dl_status dl_tensor_strides(const dl_tensor* t, int64_t* strides, int capacity);
DL_API dl_status dl_tensor_numel(const dl_tensor* t, int64_t* out);
DL_API dl_status dl_tensor_dtype(const dl_tensor* t, dl_dtype* out);
DL_API dl_status dl_tensor_device(const dl_tensor* t, dl_device* out);
DL_API dl_status dl_tensor_is_contiguous(const dl_tensor* t, int* out);

/* Copies the elements, contiguous and row-major, into buffer (host memory).
 * nbytes must equal numel * element size, else DL_ERR_INVALID_ARGUMENT. */
DL_API dl_status dl_tensor_copy_to(const dl_tensor* t, void* buffer, size_t nbytes);
/* The value of a one-element tensor as a double (DL_ERR_SHAPE otherwise). */
DL_API dl_status dl_tensor_item(const dl_tensor* t, double* out);
/* Overwrites the tensor's elements in place from buffer (contiguous,
 * row-major, the tensor's dtype, nbytes = numel * element size). Not
 * recorded by autograd. Errors as dl_tensor_copy_to. */
DL_API dl_status dl_tensor_copy_from(dl_tensor* t, const void* buffer, size_t nbytes);
/* A copy on device (the same tensor when already there). This build has the
 * CPU only: DL_ERR_UNSUPPORTED for DL_CUDA, DL_ERR_DEVICE for a bad device. */
DL_API dl_status dl_tensor_to(const dl_tensor* t, dl_device device, dl_tensor** out);
/* A copy converted to dtype (float -> int truncates toward zero; to bool: x != 0). */
DL_API dl_status dl_tensor_to_dtype(const dl_tensor* t, dl_dtype dtype, dl_tensor** out);

/* Moves t out of the current scope so dl_scope_end does not release it (into
 * the enclosing scope, if any). DL_ERR_STATE outside a scope. */
DL_API dl_status dl_scope_keep(const dl_tensor* t);

#ifdef __cplusplus
}
#endif

#endif /* DL_TENSOR_H */
