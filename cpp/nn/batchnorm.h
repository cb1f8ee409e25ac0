// Batch normalization as torch.nn.BatchNorm1d/2d over dim 1 of [N, C],
// [N, C, L] or [N, C, H, W]: in training, each channel is normalized with its
// batch mean and biased variance, and the running statistics (buffers
// running_mean, running_var, num_batches_tracked, saved with the model) move
// toward the batch's (unbiased variance) by momentum, or by a cumulative
// average when momentum is unset; in eval the running statistics are used.
#pragma once

#include <optional>

#include "nn/module.h"

namespace dl {

// weight, bias: [C] or undefined. running_mean, running_var: [C] or undefined
// (then batch statistics are used in eval too); updated in place in training.
// exponential_average_factor: the momentum to use for this update.
Tensor batch_norm(const Tensor& x, Tensor running_mean, Tensor running_var, const Tensor& weight, const Tensor& bias,
                  bool training, double exponential_average_factor = 0.1, double eps = 1e-5);

struct BatchNormOptions {
  double eps = 1e-5;
  std::optional<double> momentum = 0.1;  // nullopt: cumulative moving average
  bool affine = true;
  bool track_running_stats = true;
};

class BatchNorm : public Module {
 public:
  // spatial_dims: 1 for BatchNorm1d (input [N, C] or [N, C, L]), 2 for BatchNorm2d.
  BatchNorm(int spatial_dims, int64_t num_features, const BatchNormOptions& o = {}, DType dtype = DType::Float32);
  Tensor forward(const Tensor& x) override;

 private:
  int spatial_dims_;
  int64_t num_features_;
  BatchNormOptions o_;
};

}  // namespace dl
