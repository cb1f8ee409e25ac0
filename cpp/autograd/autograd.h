// The user-facing autograd API on tensors.
#pragma once

#include "autograd/grad_mode.h"
#include "tensor/tensor.h"

namespace dl {

bool requires_grad(const Tensor& t);  // a leaf marked, or a result of a recorded op
// Marks a leaf (Status::State for a non-leaf, Status::DType for a non-floating tensor).
void set_requires_grad(Tensor& t, bool requires_grad);
bool is_leaf(const Tensor& t);
// The accumulated gradient of a leaf (undefined before any backward).
Tensor grad(const Tensor& t);
// Drops the accumulated gradient (set_to_none) or zeroes it in place.
void zero_grad(Tensor& t, bool set_to_none = true);
// Same storage, no autograd history.
Tensor detach(const Tensor& t);
// Accumulates d(t)/d(leaf) * grad into every leaf's .grad. grad may be
// undefined for a one-element t (ones). Without retain_graph the graph's
// saved tensors are freed, and a second backward through it is Status::State.
void backward(const Tensor& t, const Tensor& grad = Tensor(), bool retain_graph = false);
// "AddBackward" style name of the node that made t ("" for leaves); for DOT export and tests.
const char* grad_fn_name(const Tensor& t);

}  // namespace dl
