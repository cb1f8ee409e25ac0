/* libdl autograd: a dynamic graph recorded as ops run, PyTorch's semantics.
 * A tensor that requires grad is a leaf the user marked (or a module's
 * parameter); every op result computed from one requires grad too and
 * remembers how it was made. Backward accumulates d(output)/d(leaf) into each
 * leaf's grad. Grad mode is per thread. */
#ifndef DL_AUTOGRAD_H
#define DL_AUTOGRAD_H

#include "dl/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Marks (1) or unmarks (0) a leaf tensor as requiring grad (freezing is 0).
 * Errors: DL_ERR_INVALID_ARGUMENT (bad handle), DL_ERR_STATE (t is the result
 * of a recorded op, not a leaf: use dl_tensor_detach), DL_ERR_DTYPE (only
 * floating tensors can require grad). */
DL_API dl_status dl_tensor_set_requires_grad(dl_tensor* t, int requires_grad);

/* *out = 1 when t requires grad (a marked leaf or a recorded result), else 0.
 * Errors: DL_ERR_INVALID_ARGUMENT (bad handle, out NULL). */
DL_API dl_status dl_tensor_requires_grad(const dl_tensor* t, int* out);

/* *out = 1 when t is a leaf (made by the user, not by a recorded op), else 0.
 * Errors: DL_ERR_INVALID_ARGUMENT. */
DL_API dl_status dl_tensor_is_leaf(const dl_tensor* t, int* out);

/* The gradient accumulated in leaf t: a new handle (caller frees) sharing the
 * gradient's storage, or *out = NULL when t has none yet (or after
 * zero_grad with set_to_none). Errors: DL_ERR_INVALID_ARGUMENT. */
DL_API dl_status dl_tensor_grad(const dl_tensor* t, dl_tensor** out);

/* Drops t's gradient (as PyTorch's set_to_none). Errors: DL_ERR_INVALID_ARGUMENT. */
DL_API dl_status dl_tensor_zero_grad(dl_tensor* t);

/* Backward from t: accumulates d(t)/d(leaf) * grad into every leaf that
 * requires grad. grad: NULL for a one-element t (meaning 1), else a tensor of
 * t's shape and dtype (borrowed). The graph's saved tensors are freed after a
 * successful backward. Nothing is accumulated unless the whole backward
 * succeeds. Errors: DL_ERR_INVALID_ARGUMENT (bad handle), DL_ERR_STATE (t
 * does not require grad; the graph was already freed by an earlier backward;
 * a tensor saved for backward was modified in place since), DL_ERR_SHAPE
 * (grad NULL for a t of more than one element, or grad of another shape). */
DL_API dl_status dl_tensor_backward(dl_tensor* t, const dl_tensor* grad);

/* dl_tensor_backward with retain_graph: when nonzero the graph is kept so a
 * second backward through it works (PyTorch's retain_graph=True). */
DL_API dl_status dl_tensor_backward_ex(dl_tensor* t, const dl_tensor* grad, int retain_graph);

/* A new handle (caller frees) on t's data without autograd history: shares
 * storage, does not require grad. Errors: DL_ERR_INVALID_ARGUMENT. */
DL_API dl_status dl_tensor_detach(const dl_tensor* t, dl_tensor** out);

/* Turns recording on (1) or off (0) for this thread, as torch.no_grad();
 * previous (nullable) receives the mode before the call, to restore it.
 * Returns DL_OK. */
DL_API dl_status dl_set_grad_enabled(int enabled, int* previous);

/* *out = 1 when this thread records ops. Errors: DL_ERR_INVALID_ARGUMENT (out NULL). */
DL_API dl_status dl_is_grad_enabled(int* out);

#ifdef __cplusplus
}
#endif

#endif /* DL_AUTOGRAD_H */
