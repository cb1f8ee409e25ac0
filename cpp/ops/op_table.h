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

// X(name, kind): kind is Kernel (dispatches to a backend) or View (metadata only).
#define DL_OP_TABLE(X)                                                                      \
  /* unary, in[0] x -> out[0], same shape and dtype (bool out for none) */                  \
  X(neg, Kernel)                                                                            \
  X(abs, Kernel)                                                                            \
  X(exp, Kernel)                                                                            \
  X(log, Kernel)                                                                            \
  X(sqrt, Kernel)                                                                           \
  X(relu, Kernel)                                                                           \
  X(sigmoid, Kernel)                                                                        \
  X(tanh, Kernel)                                                                           \
  X(clamp, Kernel) /* attrs.lo / attrs.hi; NaN means no bound */                            \
  /* binary, in[0] a, in[1] b (same dtype, expanded to out's shape) -> out[0] */            \
  X(add, Kernel)                                                                            \
  X(sub, Kernel)                                                                            \
  X(mul, Kernel)                                                                            \
  X(div, Kernel)                                                                            \
  X(pow, Kernel)                                                                            \
  X(maximum, Kernel)                                                                        \
  X(minimum, Kernel)                                                                        \
  X(eq, Kernel) /* comparisons write a bool out[0] */                                       \
  X(ne, Kernel)                                                                             \
  X(lt, Kernel)                                                                             \
  X(le, Kernel)                                                                             \
  X(gt, Kernel)                                                                             \
  X(ge, Kernel)                                                                             \
  X(where, Kernel) /* in[0] cond (bool), in[1] a, in[2] b, all expanded -> out[0] */        \
  /* reductions over attrs.dims (sorted, unique) of in[0]; out[0] has the keepdim shape */  \
  X(sum, Kernel)                                                                            \
  X(amax, Kernel)                                                                           \
  X(amin, Kernel)                                                                           \
  /* over attrs.dim: out[0] values, out[1] int64 indices (first of ties), keepdim shape */ \
  X(max_dim, Kernel)                                                                        \
  X(min_dim, Kernel)                                                                        \
  X(softmax, Kernel)     /* along attrs.dim, out[0] same shape */                           \
  X(log_softmax, Kernel) /* along attrs.dim, out[0] same shape */                           \
  /* a [..., M, K] and b [..., K, N], batch dims expanded to out's -> out [..., M, N] */    \
  X(matmul, Kernel)                                                                         \
  /* x [N, K], w [M, K], optional in[2] bias [M] -> out [N, M] = x w^T + bias */           \
  X(linear, Kernel)                                                                         \
  X(copy, Kernel) /* in[0] -> out[0]: same shape, any strides, converts dtype */            \
  /* x, in[1] int64 index [k] along attrs.dim -> out with size k there */                  \
  X(index_select, Kernel)                                                                   \
  /* x, in[1] int64 index along attrs.dim -> out shaped like index */                      \
  X(gather, Kernel)                                                                         \
  X(fill, Kernel) /* out[0] (any strides) = attrs.value */                                  \
  /* views: share storage, no kernel */                                                     \
  X(view, View)                                                                             \
  X(transpose, View)                                                                        \
  X(permute, View)                                                                          \
  X(narrow, View)                                                                           \
  X(squeeze, View)                                                                          \
  X(unsqueeze, View)                                                                        \
  X(expand, View)

enum class OpKind { Kernel, View };

enum class OpId : int {
#define DL_OP_ENUM(name, kind) name,
  DL_OP_TABLE(DL_OP_ENUM)
#undef DL_OP_ENUM
      Count
};
constexpr int kOpCount = static_cast<int>(OpId::Count);
static_assert(kOpCount == 43, "a row was added to or removed from DL_OP_TABLE: update its tests and this count");

const char* op_name(OpId op);
OpKind op_kind(OpId op);

// Attributes of a kernel call; each row above says which fields it reads.
struct OpAttrs {
  Dims dims;          // reductions: dims to reduce
  int64_t dim = 0;    // max_dim, min_dim, softmax, log_softmax, index_select, gather
  double lo = 0.0;    // clamp lower bound (NaN: none)
  double hi = 0.0;    // clamp upper bound (NaN: none)
  double value = 0.0; // fill
};

struct KernelCall {
  explicit KernelCall(OpId id) : op(id) {}
  OpId op;
  const Tensor* in[3] = {nullptr, nullptr, nullptr};
  Tensor* out[2] = {nullptr, nullptr};
  OpAttrs attrs;
};

// Runs call on the backend of its first output's device. Throws
// Status::Unsupported when that backend has no kernel for (op, dtype).
void dispatch(const KernelCall& call);

}  // namespace dl
