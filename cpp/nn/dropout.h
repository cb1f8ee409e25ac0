// Dropout as torch.nn: in training, each element (dropout) or each channel
// of each sample (dropout2d, a [N, C, H, W] or [C, H, W] input) is zeroed
// with probability p and the survivors scaled by 1 / (1 - p); in eval, the
// identity. The mask comes from the global seeded generator.
#pragma once

#include "nn/module.h"

namespace dl {

Tensor dropout(const Tensor& x, double p = 0.5, bool training = true);
Tensor dropout2d(const Tensor& x, double p = 0.5, bool training = true);

class Dropout : public Module {
 public:
  explicit Dropout(double p = 0.5, bool channel_wise = false);
  Tensor forward(const Tensor& x) override;

 private:
  double p_;
  bool channel_wise_;  // nn.Dropout2d
};

}  // namespace dl
