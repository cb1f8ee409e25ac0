// Numerically stable softmax and log_softmax along one dim (max subtracted).
#pragma once

#include "tensor/tensor.h"

namespace dl {

Tensor softmax(const Tensor& x, int64_t dim);      // x: [*] -> [*], floating
Tensor log_softmax(const Tensor& x, int64_t dim);  // x: [*] -> [*], floating

}  // namespace dl
