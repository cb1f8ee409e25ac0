#include "autograd/record.h"

#include "autograd/grad_mode.h"
#include "autograd/meta.h"
#include "autograd/node.h"
#include "autograd/engine.h"

namespace dl {

namespace {
bool takes_part(const Tensor* t) {
  if (!t || !t->defined()) return false;
  const AutogradMeta* m = t->impl()->autograd.get();
  return m && (m->requires_grad || m->grad_fn);
}
}  // namespace

bool should_record(std::initializer_list<const Tensor*> inputs) {
  if (!grad_enabled()) return false;
  for (const Tensor* t : inputs)
    if (takes_part(t)) return true;
  return false;
}

bool should_record(const std::vector<Tensor>& inputs) {
  if (!grad_enabled()) return false;
  for (const Tensor& t : inputs)
    if (takes_part(&t)) return true;
  return false;
}

void record(OpId op, const std::vector<Tensor>& inputs, const std::vector<Tensor*>& outputs, const OpAttrs& attrs) {
  GradKind kind = op_grad_kind(op);
  if (kind == GradKind::NoGrad) return;
  auto node = std::make_shared<OpNode>(op, attrs, outputs.size());
  node->next_edges.resize(inputs.size());
  node->input_meta.resize(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& t = inputs[i];
    if (!t.defined()) continue;
    node->input_meta[i] = InputMeta{t.sizes(), t.dtype(), t.device()};
    node->next_edges[i] = gradient_edge(t);
  }
  bool save_inputs = kind == GradKind::SaveInputs || kind == GradKind::SaveBoth;
  bool save_outputs = kind == GradKind::SaveOutputs || kind == GradKind::SaveBoth;
  if (save_inputs)
    for (const Tensor& t : inputs) node->inputs.emplace_back(t, false);
  for (size_t i = 0; i < outputs.size(); ++i) {
    Tensor& out = *outputs[i];
    node->output_meta.push_back(InputMeta{out.sizes(), out.dtype(), out.device()});
    if (save_outputs) node->outputs.emplace_back(out, true);
    if (!is_floating(out.dtype())) continue;
    auto& meta = out.impl()->autograd;
    if (!meta) meta = std::make_unique<AutogradMeta>();
    meta->grad_fn = node;
    meta->output_nr = static_cast<uint32_t>(i);
  }
}

}  // namespace dl
