#include "autograd/derivatives.h"

#include "ops/creation.h"

namespace dl {

const Tensor& GradContext::grad(size_t output) const {
  Tensor& g = grads_[output];
  const InputMeta& meta = node_.output_meta[output];
  if (!g.defined() && is_floating(meta.dtype)) g = zeros(meta.sizes, meta.dtype, meta.device);
  return g;
}

BackwardRule backward_rule(OpId op) {
  static const BackwardRule rules[] = {
#define DL_RULE(name, kind, grad) &backward_##name,
      DL_OP_TABLE(DL_RULE)
#undef DL_RULE
  };
  static_assert(sizeof(rules) / sizeof(rules[0]) == kOpCount, "every row of DL_OP_TABLE needs a backward entry");
  return rules[static_cast<int>(op)];
}

}  // namespace dl
