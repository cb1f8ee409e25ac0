// nn.Linear: y = x W^T + b, W [out_features, in_features], b [out_features].
#pragma once

#include "nn/module.h"

namespace dl {

class Linear : public Module {
 public:
  // Weights Kaiming-uniform (a = sqrt(5)) and bias U(-1/sqrt(in), 1/sqrt(in)), as PyTorch.
  Linear(int64_t in_features, int64_t out_features, bool bias = true, DType dtype = DType::Float32);
  Tensor forward(const Tensor& x) override;  // [*, in] -> [*, out]
  int64_t in_features() const { return in_features_; }
  int64_t out_features() const { return out_features_; }

 private:
  int64_t in_features_, out_features_;
};

}  // namespace dl
