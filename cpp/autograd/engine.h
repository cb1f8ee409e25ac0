// The backward engine (internal): edges into the graph and the walk itself.
// User code calls dl::backward in autograd/autograd.h.
#pragma once

#include "autograd/node.h"

namespace dl {

// Where t's gradient goes: its grad_fn's output, its leaf accumulator
// (created on first use), or nowhere (no node) when t takes no part.
Edge gradient_edge(const Tensor& t);

}  // namespace dl
