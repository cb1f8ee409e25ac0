// Per-tensor autograd state, allocated only for tensors that take part in a
// graph (leaves with requires_grad, and results of recorded ops).
#pragma once

#include <cstdint>
#include <memory>

#include "tensor/tensor.h"

namespace dl {

class Node;

struct AutogradMeta {
  bool requires_grad = false;  // a leaf the user asked gradients for
  Tensor grad;                 // accumulated gradient of a leaf (undefined until backward)
  std::shared_ptr<Node> grad_fn;  // the node that made this tensor (null for leaves)
  uint32_t output_nr = 0;         // which output of grad_fn this tensor is
  std::weak_ptr<Node> grad_accumulator;  // a leaf's AccumulateGrad, shared by graphs that use it
};

}  // namespace dl
