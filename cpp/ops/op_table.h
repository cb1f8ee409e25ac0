// The op registry: one row per op that dispatches to a backend kernel (or, for
// views, only changes metadata). Forward dispatch, the op-name table and the
// per-op test list read this table; the static_assert below catches a row
// added without updating the count (and so without updating its tests).
//
// Kernel contract (KernelCall, below): the op layer (ops/*.cpp) has already
// checked arguments, promoted dtypes, broadcast inputs to the output's shape
// (by stride-0 expansion) and allocated the outputs; a kernel only computes.
#pragma once

#include <cstdint>

#include "tensor/shape.h"
#include "tensor/tensor.h"

namespace dl {

// X(name, kind, grad):
//   kind  Kernel (dispatches to a backend), View (metadata only, shares
//         storage) or Composite (made of other ops, recorded as one node);
//   grad  how autograd treats it: NoGrad (not differentiable), or which
//         tensors the backward rule needs saved: SaveNone, SaveInputs,
//         SaveOutputs, SaveBoth. The rule itself is backward_<name>, defined
//         beside the op's forward in ops/<family>.cpp.
#define DL_OP_TABLE(X)                                                                         \
  /* unary, in[0] x -> out[0], same shape and dtype */                                        \
  X(neg, Kernel, SaveNone)                                                                     \
  X(abs, Kernel, SaveInputs)                                                                   \
  X(exp, Kernel, SaveOutputs)                                                                  \
  X(log, Kernel, SaveInputs)                                                                   \
  X(sqrt, Kernel, SaveOutputs)                                                                 \
  X(relu, Kernel, SaveOutputs)                                                                 \
  X(sigmoid, Kernel, SaveOutputs)                                                              \
  X(tanh, Kernel, SaveOutputs)                                                                 \
  X(erf, Kernel, SaveInputs)                                                                   \
  X(clamp, Kernel, SaveInputs) /* attrs.lo / attrs.hi; NaN means no bound */                   \
  /* binary, in[0] a, in[1] b (same dtype, expanded to out's shape) -> out[0] */               \
  X(add, Kernel, SaveNone)                                                                     \
  X(sub, Kernel, SaveNone)                                                                     \
  X(mul, Kernel, SaveInputs)                                                                   \
  X(div, Kernel, SaveInputs)                                                                   \
  X(pow, Kernel, SaveBoth)                                                                     \
  X(maximum, Kernel, SaveInputs)                                                               \
  X(minimum, Kernel, SaveInputs)                                                               \
  X(eq, Kernel, NoGrad) /* comparisons write a bool out[0] */                                  \
  X(ne, Kernel, NoGrad)                                                                        \
  X(lt, Kernel, NoGrad)                                                                        \
  X(le, Kernel, NoGrad)                                                                        \
  X(gt, Kernel, NoGrad)                                                                        \
  X(ge, Kernel, NoGrad)                                                                        \
  X(where, Kernel, SaveInputs) /* in[0] cond (bool), in[1] a, in[2] b, expanded -> out[0] */   \
  /* reductions over attrs.dims (sorted, unique) of in[0]; out[0] has the keepdim shape */     \
  X(sum, Kernel, SaveNone)                                                                     \
  X(amax, Kernel, SaveBoth)                                                                    \
  X(amin, Kernel, SaveBoth)                                                                    \
  /* over attrs.dim: out[0] values, out[1] int64 indices (first of ties), keepdim shape */    \
  X(max_dim, Kernel, SaveOutputs)                                                              \
  X(min_dim, Kernel, SaveOutputs)                                                              \
  X(softmax, Kernel, SaveOutputs)     /* contiguous in[0], along attrs.dim */                  \
  X(log_softmax, Kernel, SaveOutputs) /* contiguous in[0], along attrs.dim */                  \
  /* a [..., M, K] and b [..., K, N], batch dims expanded to out's -> out [..., M, N] */       \
  X(matmul, Kernel, SaveInputs)                                                                \
  /* x [N, K], w [M, K], optional in[2] bias [M] -> out [N, M] = x w^T + bias */              \
  X(linear, Kernel, SaveInputs)                                                                \
  X(copy, Kernel, SaveNone) /* in[0] -> out[0]: same shape, any strides, converts dtype */     \
  /* contiguous x, int64 index [k] along attrs.dim -> out with size k there */                \
  X(index_select, Kernel, SaveInputs)                                                          \
  /* contiguous x, int64 index along attrs.dim -> out shaped like index */                    \
  X(gather, Kernel, SaveInputs)                                                                \
  /* out[0] (contiguous) += in[0] src at in[1] int64 index [k] along attrs.dim */              \
  X(index_add, Kernel, NoGrad)                                                                 \
  /* out[0] (contiguous) += in[0] src (contiguous) at in[1] index (src's shape) along attrs.dim */ \
  X(scatter_add, Kernel, NoGrad)                                                               \
  X(fill, Kernel, NoGrad) /* out[0] (any strides) = attrs.value */                             \
  /* 2-d windows over x [N, C, H, W] (attrs.window); outputs [N, *, Ho, Wo], contiguous: */    \
  /* in[0] x, in[1] w [O, C / groups, kh, kw], optional in[2] bias [O] -> out[0] [N, O, Ho, Wo] */ \
  X(conv2d, Kernel, SaveInputs)                                                                \
  /* conv2d's backward: in[0] g [N, O, Ho, Wo], in[1] w -> out[0] dx [N, C, H, W] */          \
  X(conv2d_input_grad, Kernel, NoGrad)                                                         \
  /* in[0] g [N, O, Ho, Wo], in[1] x -> out[0] dw, shaped like w; optional out[1] db [O] */   \
  X(conv2d_weight_grad, Kernel, NoGrad)                                                        \
  /* in[0] x -> out[0] values, optional out[1] int64 index of each max in its H*W plane */     \
  X(max_pool2d, Kernel, SaveOutputs)                                                           \
  X(avg_pool2d, Kernel, SaveNone)          /* in[0] x -> out[0] */                             \
  X(adaptive_avg_pool2d, Kernel, SaveNone) /* in[0] x -> out[0] [N, C, out_h, out_w] */        \
  /* max_pool2d's backward: in[0] g [N, C, Ho, Wo], in[1] its int64 indices -> out[0] dx */ \
  X(max_pool2d_grad, Kernel, NoGrad)                                                           \
  /* avg_pool2d's and adaptive_avg_pool2d's backward (attrs.window.adaptive tells which): */   \
  /* in[0] g [N, C, Ho, Wo] -> out[0] dx [N, C, H, W] */                                       \
  X(avg_pool2d_grad, Kernel, NoGrad)                                                           \
  /* in[0] g, in[1] y = relu(x), same shape and dtype -> out[0] = y > 0 ? g : 0 */             \
  X(relu_backward, Kernel, NoGrad)                                                             \
  /* optimizer updates in place (attrs.optim), on contiguous tensors of one shape and dtype: */ \
  /* out[0] param, out[1] momentum buffer (null without momentum); in[0] grad */               \
  X(sgd_update, Kernel, NoGrad)                                                                \
  /* out[0] param, out[1] exp_avg, out[2] exp_avg_sq, out[3] max_exp_avg_sq (amsgrad, else  */ \
  /* null); in[0] grad */                                                                      \
  X(adam_update, Kernel, NoGrad)                                                               \
  /* LSTM cell (ops/rnn.h), gates i, f, g, o in blocks of H: in[0] input gates [B, 4H], in[1] */ \
  /* hidden gates [B, 4H], in[2] c [B, H] -> out[0] h' [B, H], out[1] c' [B, H], out[2] the   */ \
  /* workspace [B, 5H] the backward reads: i, f, g, o after their activations, tanh(c')      */ \
  X(lstm_cell, Kernel, SaveBoth)                                                               \
  /* lstm_cell's backward: in[0] dh' [B, H], in[1] dc' [B, H], in[2] c [B, H], in[3] the     */ \
  /* workspace -> out[0] d gates [B, 4H] (of the input and of the hidden gates), out[1] dc    */ \
  X(lstm_cell_backward, Kernel, NoGrad)                                                        \
  X(cat, Composite, SaveNone) /* joined along attrs.dim */                                     \
  /* views: share storage, no kernel; attrs as in ops/view.h */                                \
  X(view, View, SaveNone)                                                                      \
  X(transpose, View, SaveNone) /* attrs.dims = {dim0, dim1} */                                 \
  X(permute, View, SaveNone)   /* attrs.dims = order */                                        \
  X(narrow, View, SaveNone)    /* attrs.dim, attrs.start, attrs.length */                      \
  X(squeeze, View, SaveNone)                                                                   \
  X(unsqueeze, View, SaveNone)                                                                 \
  X(expand, View, SaveNone)                                                                     \
  /* in[0] split along attrs.dim into pieces of sizes attrs.dims (one output each); without */  \
  /* attrs.keepdim the pieces have size 1 and lose the dim (unbind) */                          \
  X(split, View, SaveNone)

enum class OpKind { Kernel, View, Composite };
enum class GradKind { NoGrad, SaveNone, SaveInputs, SaveOutputs, SaveBoth };

enum class OpId : int {
#define DL_OP_ENUM(name, kind, grad) name,
  DL_OP_TABLE(DL_OP_ENUM)
#undef DL_OP_ENUM
      Count
};
constexpr int kOpCount = static_cast<int>(OpId::Count);
static_assert(kOpCount == 61, "a row was added to or removed from DL_OP_TABLE: update its tests and this count");

const char* op_name(OpId op);
OpKind op_kind(OpId op);
GradKind op_grad_kind(OpId op);

// The hyperparameters of one fused optimizer update, as torch.optim names
// them. The op layer (optim/optimizer.cpp) folds the step count in:
// step_size = lr / (1 - beta1^step), bias_correction2_sqrt = sqrt(1 - beta2^step).
struct OptimAttrs {
  double lr = 0, weight_decay = 0;
  double momentum = 0, dampening = 0;  // SGD
  bool nesterov = false;
  bool first_step = false;             // SGD: the momentum buffer is set to the gradient
  double beta1 = 0, beta2 = 0, eps = 0, step_size = 0, bias_correction2_sqrt = 1;  // Adam
  bool decoupled = false;              // AdamW: p *= 1 - lr * weight_decay before the update
};

// A 2-d window op's geometry, per spatial dim {h, w}, as torch.nn.functional
// names it. Padding may differ before and after (conv2d's padding="same"
// with an even kernel). The op layer fills out_size from the formulas of
// conv2d and of pooling (ceil_mode included).
struct Window2d {
  int64_t kernel[2] = {1, 1}, stride[2] = {1, 1}, dilation[2] = {1, 1};
  int64_t pad_begin[2] = {0, 0}, pad_end[2] = {0, 0};
  int64_t out_size[2] = {0, 0};
  int64_t groups = 1;            // conv2d
  bool count_include_pad = true; // avg_pool2d
  int64_t divisor_override = 0;  // avg_pool2d; 0: none
  bool adaptive = false;         // avg_pool2d_grad: the forward was adaptive_avg_pool2d
};

// Attributes of a kernel call; each row above says which fields it reads.
struct OpAttrs {
  Dims dims;          // reductions: dims to reduce; transpose, permute: dims; split: sizes
  int64_t dim = 0;    // max_dim, min_dim, softmax, log_softmax, index_select, gather, cat, narrow, split
  int64_t start = 0;  // narrow
  int64_t length = 0; // narrow
  bool keepdim = false;  // reductions (recorded for their backward); split
  double lo = 0.0;    // clamp lower bound (NaN: none)
  double hi = 0.0;    // clamp upper bound (NaN: none)
  double value = 0.0; // fill
  OptimAttrs optim;   // sgd_update, adam_update
  Window2d window;    // conv2d, pooling and their grads
};

struct KernelCall {
  explicit KernelCall(OpId id) : op(id) {}
  OpId op;
  const Tensor* in[4] = {nullptr, nullptr, nullptr, nullptr};
  Tensor* out[4] = {nullptr, nullptr, nullptr, nullptr};
  OpAttrs attrs;
};

// Runs call on the backend of its first output's device. Throws
// Status::Unsupported when that backend has no kernel for (op, dtype).
void dispatch(const KernelCall& call);

}  // namespace dl
