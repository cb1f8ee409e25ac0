#include "nn/init.h"

#include <cmath>

#include "autograd/grad_mode.h"
#include "ops/creation.h"
#include "ops/elementwise.h"
#include "ops/view.h"

namespace dl::init {

void uniform_(Tensor& t, double low, double high) {
  NoGradGuard no_grad;
  Tensor r = rand(t.sizes(), t.dtype(), t.device());
  copy_(t, add(mul(r, high - low), low));
}

void normal_(Tensor& t, double mean, double std) {
  NoGradGuard no_grad;
  Tensor r = randn(t.sizes(), t.dtype(), t.device());
  copy_(t, add(mul(r, std), mean));
}

void constant_(Tensor& t, double value) { fill_(t, value); }

void kaiming_uniform_(Tensor& t, double a, int64_t fan_in) {
  double gain = std::sqrt(2.0 / (1.0 + a * a));
  double bound = std::sqrt(3.0) * gain / std::sqrt(static_cast<double>(fan_in));
  uniform_(t, -bound, bound);
}

}  // namespace dl::init
