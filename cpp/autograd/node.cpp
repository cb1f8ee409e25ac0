#include "autograd/node.h"

#include <atomic>

#include "autograd/derivatives.h"
#include "autograd/grad_mode.h"
#include "autograd/meta.h"
#include "base/error.h"
#include "ops/elementwise.h"
#include "ops/reduce.h"
#include "ops/view.h"

namespace dl {

namespace {
std::atomic<uint64_t> g_next_sequence_nr{0};

// Sums g over the dims that broadcasting added or expanded, then converts it
// to the input's dtype: the gradient of an input that was broadcast.
Tensor reduce_to(const Tensor& g, const InputMeta& meta) {
  Tensor r = g;
  if (r.sizes() != meta.sizes) {
    size_t lead = r.sizes().size() - meta.sizes.size();
    Dims dims;
    for (size_t i = 0; i < r.sizes().size(); ++i)
      if (i < lead || (meta.sizes[i - lead] == 1 && r.sizes()[i] != 1)) dims.push_back(static_cast<int64_t>(i));
    if (!dims.empty()) r = sum(r, dims, true);
    if (lead) r = reshape(r, meta.sizes);
  }
  return r.dtype() == meta.dtype ? r : to_dtype(r, meta.dtype);
}
}  // namespace

Node::Node() : sequence_nr(g_next_sequence_nr.fetch_add(1, std::memory_order_relaxed)) {}

SavedTensor::SavedTensor(const Tensor& t, bool is_output) {
  if (!t.defined()) return;
  // An output is saved as an alias without autograd state (NOTE [Saved tensors]).
  tensor_ = is_output ? t.as_strided(t.sizes(), t.strides(), t.offset()) : t;
  version_ = t.storage()->version();
}

const Tensor& SavedTensor::unpack(const char* op) const {
  DL_CHECK(tensor_.defined(), Status::State, "backward of '", op,
           "': its saved tensors were freed by an earlier backward; pass retain_graph to the first backward to "
           "call backward twice");
  DL_CHECK(tensor_.storage()->version() == version_, Status::State, "backward of '", op,
           "': a tensor it saved has been modified by an in-place operation since (version ",
           tensor_.storage()->version(), ", expected ", version_, ")");
  return tensor_;
}

std::vector<Tensor> AccumulateGrad::apply(std::vector<Tensor> grads) {
  accumulate(std::move(grads[0]));
  return {};
}

void AccumulateGrad::accumulate(Tensor g) {
  AutogradMeta& meta = *leaf_->autograd;
  if (!meta.grad.defined()) {
    meta.grad = g.is_sole_owner() && !g.impl()->autograd ? std::move(g) : clone(g);
  } else {
    add_(meta.grad, g);
  }
}

const char* OpNode::name() const { return op_name(op); }

void OpNode::release_saved() {
  for (SavedTensor& s : inputs) s.reset();
  for (SavedTensor& s : outputs) s.reset();
  released = true;
}

std::vector<Tensor> OpNode::apply(std::vector<Tensor> grads) {
  DL_CHECK(!released, Status::State, "backward of '", op_name(op),
           "': the graph was already freed by an earlier backward; pass retain_graph to the first backward to call "
           "backward twice");
  std::vector<Tensor> grad_inputs(next_edges.size());
  backward_rule(op)(GradContext(*this, grads), grad_inputs);
  for (size_t i = 0; i < grad_inputs.size(); ++i) {
    if (!next_edges[i].node) {
      grad_inputs[i] = Tensor();
    } else if (grad_inputs[i].defined()) {
      grad_inputs[i] = reduce_to(grad_inputs[i], input_meta[i]);
    }
  }
  return grad_inputs;
}

}  // namespace dl
