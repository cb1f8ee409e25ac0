// The backward walk. Nodes run in dependency order (a node runs once every
// node that feeds it a gradient has run; among ready nodes the most recently
// created first, as in PyTorch). Leaf gradients are collected and committed
// only when the whole walk succeeded, and saved tensors are freed only then,
// so a failed backward changes nothing.
#include "autograd/engine.h"

#include <queue>
#include <unordered_map>
#include <vector>

#include "autograd/autograd.h"
#include "autograd/grad_mode.h"
#include "autograd/meta.h"
#include "base/error.h"
#include "ops/creation.h"
#include "ops/elementwise.h"
#include "ops/view.h"

namespace dl {

Edge gradient_edge(const Tensor& t) {
  AutogradMeta* m = t.impl()->autograd.get();
  if (!m) return {};
  if (m->grad_fn) return Edge{m->grad_fn, m->output_nr};
  if (!m->requires_grad) return {};
  std::shared_ptr<Node> acc = m->grad_accumulator.lock();
  if (!acc) {
    acc = std::make_shared<AccumulateGrad>(t.impl_ptr());
    m->grad_accumulator = acc;
  }
  return Edge{acc, 0};
}

namespace {

struct LaterFirst {
  bool operator()(const std::shared_ptr<Node>& a, const std::shared_ptr<Node>& b) const {
    return a->sequence_nr < b->sequence_nr;
  }
};

void add_into(Tensor& slot, const Tensor& g) { slot = slot.defined() ? add(slot, g) : g; }

}  // namespace

bool requires_grad(const Tensor& t) {
  const AutogradMeta* m = t.impl()->autograd.get();
  return m && (m->requires_grad || m->grad_fn);
}

bool is_leaf(const Tensor& t) {
  const AutogradMeta* m = t.impl()->autograd.get();
  return !m || !m->grad_fn;
}

void set_requires_grad(Tensor& t, bool flag) {
  DL_CHECK(is_leaf(t), Status::State,
           "set_requires_grad: only leaf tensors can change requires_grad (this one was computed by '",
           grad_fn_name(t), "'; use detach() to make a leaf)");
  DL_CHECK(!flag || is_floating(t.dtype()), Status::DType,
           "set_requires_grad: only floating-point tensors can require gradients, got ", dtype_name(t.dtype()));
  auto& m = t.impl()->autograd;
  if (!m) {
    if (!flag) return;
    m = std::make_unique<AutogradMeta>();
  }
  m->requires_grad = flag;
}

Tensor grad(const Tensor& t) {
  const AutogradMeta* m = t.impl()->autograd.get();
  return m ? m->grad : Tensor();
}

void zero_grad(Tensor& t, bool set_to_none) {
  AutogradMeta* m = t.impl()->autograd.get();
  if (!m || !m->grad.defined()) return;
  if (set_to_none) {
    m->grad = Tensor();
  } else {
    fill_(m->grad, 0.0);
  }
}

Tensor detach(const Tensor& t) { return t.as_strided(t.sizes(), t.strides(), t.offset()); }

const char* grad_fn_name(const Tensor& t) {
  const AutogradMeta* m = t.impl()->autograd.get();
  return m && m->grad_fn ? m->grad_fn->name() : "";
}

void backward(const Tensor& root, const Tensor& grad_in, bool retain_graph) {
  DL_CHECK(root.defined(), Status::InvalidArgument, "backward: argument 'tensor' is undefined");
  Edge root_edge = gradient_edge(root);
  DL_CHECK(root_edge.node, Status::State,
           "backward: the tensor does not require grad and has no grad_fn (mark a leaf with requires_grad first)");
  Tensor seed = grad_in;
  if (!seed.defined()) {
    DL_CHECK(root.numel() == 1, Status::Shape,
             "backward: a gradient can be created implicitly only for one-element outputs; pass a gradient of shape ",
             shape_str(root.sizes()));
    seed = ones(root.sizes(), root.dtype(), root.device());
  } else {
    DL_CHECK(seed.sizes() == root.sizes(), Status::Shape, "backward: argument 'grad' has shape ",
             shape_str(seed.sizes()), ", the tensor has shape ", shape_str(root.sizes()));
    DL_CHECK(is_floating(seed.dtype()), Status::DType, "backward: argument 'grad' must be floating point, got ",
             dtype_name(seed.dtype()));
  }
  NoGradGuard no_grad;

  // How many gradients each reachable node waits for.
  std::unordered_map<Node*, int> pending;
  std::vector<Node*> stack{root_edge.node.get()};
  pending[root_edge.node.get()] = 0;
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (const Edge& e : n->next_edges) {
      if (!e.node) continue;
      auto [it, inserted] = pending.try_emplace(e.node.get(), 0);
      ++it->second;
      if (inserted) stack.push_back(e.node.get());
    }
  }

  std::unordered_map<Node*, std::vector<Tensor>> buffers;
  std::vector<std::pair<AccumulateGrad*, Tensor>> leaf_grads;
  std::vector<Node*> ran;
  std::priority_queue<std::shared_ptr<Node>, std::vector<std::shared_ptr<Node>>, LaterFirst> ready;
  buffers[root_edge.node.get()].resize(root_edge.node->num_outputs());
  buffers[root_edge.node.get()][root_edge.input_nr] = seed;
  ready.push(root_edge.node);
  while (!ready.empty()) {
    std::shared_ptr<Node> node = ready.top();
    ready.pop();
    std::vector<Tensor> grads = std::move(buffers[node.get()]);
    buffers.erase(node.get());
    grads.resize(node->num_outputs());
    if (auto* acc = dynamic_cast<AccumulateGrad*>(node.get())) {
      if (grads[0].defined()) leaf_grads.emplace_back(acc, grads[0]);
      continue;
    }
    std::vector<Tensor> grad_inputs = node->apply(std::move(grads));
    ran.push_back(node.get());
    for (size_t i = 0; i < node->next_edges.size(); ++i) {
      const Edge& e = node->next_edges[i];
      if (!e.node) continue;
      if (grad_inputs[i].defined()) {
        std::vector<Tensor>& slot = buffers[e.node.get()];
        slot.resize(e.node->num_outputs());
        add_into(slot[e.input_nr], grad_inputs[i]);
      }
      if (--pending[e.node.get()] == 0) ready.push(e.node);
    }
  }

  for (auto& [acc, g] : leaf_grads) acc->accumulate(std::move(g));
  if (!retain_graph)
    for (Node* n : ran) n->release_saved();
}

}  // namespace dl
