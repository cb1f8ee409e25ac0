// Recording ops into the graph. Op implementations call record() after
// computing their outputs; it does nothing unless grad mode is on and some
// input takes part in autograd.
#pragma once

#include <initializer_list>
#include <vector>

#include "ops/op_table.h"
#include "tensor/tensor.h"

namespace dl {

// True when an op with these inputs must be recorded.
bool should_record(std::initializer_list<const Tensor*> inputs);
bool should_record(const std::vector<Tensor>& inputs);
// Makes the op's node: edges to the inputs (undefined inputs allowed, e.g. a
// missing bias), what the rule saves, and sets outputs' grad_fn. Outputs
// that are not floating point get no grad_fn.
void record(OpId op, const std::vector<Tensor>& inputs, const std::vector<Tensor*>& outputs,
            const OpAttrs& attrs = OpAttrs{});

}  // namespace dl
