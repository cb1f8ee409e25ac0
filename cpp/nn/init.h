// Parameter initialization as torch.nn.init does it, from the global seeded
// generator. All fill in place without recording autograd.
#pragma once

#include "tensor/tensor.h"

namespace dl::init {

void uniform_(Tensor& t, double low, double high);
void normal_(Tensor& t, double mean, double std);
void constant_(Tensor& t, double value);
// kaiming_uniform_(t, a, fan_in): U(-b, b), b = sqrt(6 / ((1 + a^2) fan_in)).
// nn.Linear and nn.Conv2d use a = sqrt(5), which gives b = 1 / sqrt(fan_in).
void kaiming_uniform_(Tensor& t, double a, int64_t fan_in);

}  // namespace dl::init
