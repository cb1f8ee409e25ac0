// nn.Conv2d and the pooling modules (nn.MaxPool2d, nn.AvgPool2d,
// nn.AdaptiveAvgPool2d); the functional forms are in ops/conv.h.
#pragma once

#include <memory>

#include "nn/module.h"
#include "ops/conv.h"

namespace dl {

struct Conv2dOptions {
  Pair2d kernel{1, 1};
  Pair2d stride{1, 1};
  Conv2dPadding padding;
  Pair2d dilation{1, 1};
  int64_t groups = 1;
  bool bias = true;
};

// weight [out, in / groups, kh, kw] Kaiming-uniform (a = sqrt(5)) and bias
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = in / groups * kh * kw, as PyTorch.
class Conv2d : public Module {
 public:
  Conv2d(int64_t in_channels, int64_t out_channels, const Conv2dOptions& o, DType dtype = DType::Float32);
  Tensor forward(const Tensor& x) override;  // [N, in, H, W] -> [N, out, Ho, Wo]

 private:
  Conv2dOptions o_;
};

std::shared_ptr<Module> make_max_pool2d(const Pool2dOptions& o);
std::shared_ptr<Module> make_avg_pool2d(const Pool2dOptions& o);
std::shared_ptr<Module> make_adaptive_avg_pool2d(Pair2d output_size);

}  // namespace dl
