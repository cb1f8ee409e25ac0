// Graph nodes. An OpNode is made for each recorded op (autograd/record.h);
// its backward rule comes from the op registry (autograd/derivatives.h).
// An AccumulateGrad node adds incoming gradients into a leaf's .grad.
//
// NOTE [Saved tensors]: a node keeps the inputs and outputs its rule needs as
// SavedTensors, which remember the storage version at save time; using one
// after an in-place change is Status::State. Outputs are saved as aliases
// without autograd state, so a node never owns the tensor that owns it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "ops/op_table.h"
#include "tensor/tensor.h"

namespace dl {

class Node;

// Where the gradient of one input goes: input `input_nr` of `node`.
struct Edge {
  std::shared_ptr<Node> node;
  uint32_t input_nr = 0;
};

class SavedTensor {
 public:
  SavedTensor() = default;
  SavedTensor(const Tensor& t, bool is_output);
  // The saved tensor; throws Status::State if it was modified in place since.
  const Tensor& unpack(const char* op) const;
  bool defined() const { return tensor_.defined(); }
  void reset() { tensor_ = Tensor(); }

 private:
  Tensor tensor_;
  uint64_t version_ = 0;
};

// Shape, dtype and device of an input, to bring its gradient back to them.
struct InputMeta {
  Dims sizes;
  DType dtype = DType::Float32;
  Device device;
};

class Node {
 public:
  Node();
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // grads[i] is the gradient of output i (undefined when no gradient reached
  // it); returns one gradient per next edge (undefined for none).
  virtual std::vector<Tensor> apply(std::vector<Tensor> grads) = 0;
  virtual const char* name() const = 0;
  virtual size_t num_outputs() const { return 1; }
  // Frees what the node saved (backward without retain_graph).
  virtual void release_saved() {}

  std::vector<Edge> next_edges;  // one per input
  uint64_t sequence_nr;          // creation order: later nodes run first
};

// The sink for a leaf's gradient. The engine does not call apply() while it
// walks the graph: it collects each leaf's total and commits them all at the
// end with accumulate(), so a backward that fails changes no .grad.
class AccumulateGrad : public Node {
 public:
  explicit AccumulateGrad(IntrusivePtr<TensorImpl> leaf) : leaf_(std::move(leaf)) {}
  std::vector<Tensor> apply(std::vector<Tensor> grads) override;
  const char* name() const override { return "AccumulateGrad"; }
  // Adds g into the leaf's .grad (in place when one exists). When the leaf
  // has no .grad and nothing else references g's elements, g becomes the
  // .grad without a copy, as PyTorch's AccumulateGrad steals such a gradient.
  void accumulate(Tensor g);

 private:
  IntrusivePtr<TensorImpl> leaf_;
};

// A node for one recorded op of the registry.
class OpNode : public Node {
 public:
  OpNode(OpId op, OpAttrs attrs, size_t num_outputs) : op(op), attrs(std::move(attrs)), outputs_count(num_outputs) {}
  std::vector<Tensor> apply(std::vector<Tensor> grads) override;
  const char* name() const override;
  size_t num_outputs() const override { return outputs_count; }
  void release_saved() override;

  OpId op;
  OpAttrs attrs;
  size_t outputs_count;
  std::vector<InputMeta> input_meta;   // one per input (also for inputs without gradient)
  std::vector<InputMeta> output_meta;  // one per output, to make zeros for outputs no gradient reached
  std::vector<SavedTensor> inputs;    // per the rule's saving policy; empty otherwise
  std::vector<SavedTensor> outputs;
  bool released = false;
};

}  // namespace dl
