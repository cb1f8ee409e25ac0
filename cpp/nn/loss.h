// Loss functions with PyTorch's semantics and defaults. Reductions: None
// keeps the per-element (or per-sample) losses, Mean averages (weighted
// losses divide by the total weight of the counted targets), Sum adds.
#pragma once

#include <cstdint>

#include "tensor/tensor.h"

namespace dl {

enum class Reduction : int { None = 0, Mean = 1, Sum = 2 };  // values equal dl_reduction

// input and target broadcast together; floating.
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction r = Reduction::Mean);
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction r = Reduction::Mean);

struct ClassLossOptions {
  Tensor weight;               // [C] per-class weights, or undefined
  int64_t ignore_index = -100; // targets equal to it count for nothing
  double label_smoothing = 0;  // cross_entropy only, in [0, 1]
  Reduction reduction = Reduction::Mean;
};
// log_probs [N, C] (or [N, C, d1, ...] or [C]), target int64 [N] (or [N, d1, ...] or []) of class
// indices in [0, C) or ignore_index. Status::DType for a non-int64 target,
// Status::InvalidArgument naming the first target out of range.
Tensor nll_loss(const Tensor& log_probs, const Tensor& target, const ClassLossOptions& o = {});
// logits as log_probs above: nll_loss(log_softmax(logits, 1)) with label smoothing.
Tensor cross_entropy(const Tensor& logits, const Tensor& target, const ClassLossOptions& o = {});

// input: probabilities in [0, 1], target same shape; logs are clamped at -100 as in PyTorch.
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight = Tensor(),
                            Reduction r = Reduction::Mean);
// input: logits; numerically stable; pos_weight broadcasts over the last dim (classes).
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, const Tensor& weight = Tensor(),
                                        const Tensor& pos_weight = Tensor(), Reduction r = Reduction::Mean);

}  // namespace dl
