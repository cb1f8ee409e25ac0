#include "autograd/derivatives.h"

namespace dl {

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
