// Backward rules of the op registry. Each differentiable row of DL_OP_TABLE
// has a rule backward_<name>, defined beside its forward in ops/<family>.cpp;
// derivatives.cpp collects them into one table indexed by OpId, so a missing
// rule fails the link and a missing row fails the static_assert there.
#pragma once

#include <vector>

#include "autograd/node.h"
#include "ops/op_table.h"

namespace dl {

// What a rule sees. Gradients of outputs that received none are zeros,
// made when a rule asks for them (an output no rule reads, such as a
// workspace saved for the backward, costs nothing).
class GradContext {
 public:
  GradContext(const OpNode& node, std::vector<Tensor>& grads) : node_(node), grads_(grads) {}
  const Tensor& grad(size_t output = 0) const;
  const Tensor& input(size_t i) const { return node_.inputs[i].unpack(op_name(node_.op)); }
  const Tensor& output(size_t i = 0) const { return node_.outputs[i].unpack(op_name(node_.op)); }
  const InputMeta& input_meta(size_t i) const { return node_.input_meta[i]; }
  const OpAttrs& attrs() const { return node_.attrs; }
  // Whether input i needs a gradient; rules may skip the others.
  bool needs(size_t i) const { return node_.next_edges[i].node != nullptr; }

 private:
  const OpNode& node_;
  std::vector<Tensor>& grads_;
};

// Fills grad_inputs (sized to the number of inputs) with the gradient of each
// input that needs one, in any shape that sums to the input's (broadcast
// dims are reduced by the engine) and any floating dtype.
using BackwardRule = void (*)(const GradContext& ctx, std::vector<Tensor>& grad_inputs);

#define DL_DECLARE_BACKWARD(name, kind, grad) \
  void backward_##name(const GradContext& ctx, std::vector<Tensor>& grad_inputs);
DL_OP_TABLE(DL_DECLARE_BACKWARD)
#undef DL_DECLARE_BACKWARD

BackwardRule backward_rule(OpId op);

}  // namespace dl

// For NoGrad rows: never recorded, so never called.
#define DL_NO_BACKWARD(name)                                                       \
  void backward_##name(const ::dl::GradContext&, std::vector<::dl::Tensor>&) {     \
    ::dl::fail(::dl::Status::Internal, "op '" #name "' is not differentiable");   \
  }
