// Functional forms of the activations that are compositions of ops (the
// primitive ones, relu/sigmoid/tanh/softmax/log_softmax, are in ops/).
#pragma once

#include "tensor/tensor.h"

namespace dl {

Tensor leaky_relu(const Tensor& x, double negative_slope = 0.01);  // x > 0 ? x : slope x
Tensor elu(const Tensor& x, double alpha = 1.0);                   // x > 0 ? x : alpha (e^x - 1)
// x Phi(x); approximate_tanh uses 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
Tensor gelu(const Tensor& x, bool approximate_tanh = false);

}  // namespace dl
