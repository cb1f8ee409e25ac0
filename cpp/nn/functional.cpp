#include "nn/functional.h"

#include <cmath>

#include "ops/elementwise.h"

namespace dl {

Tensor leaky_relu(const Tensor& x, double negative_slope) { return where(gt(x, 0.0), x, mul(x, negative_slope)); }

Tensor elu(const Tensor& x, double alpha) { return where(gt(x, 0.0), x, mul(sub(exp(x), 1.0), alpha)); }

Tensor gelu(const Tensor& x, bool approximate_tanh) {
  if (approximate_tanh) {
    const double k = std::sqrt(2.0 / M_PI);
    Tensor inner = mul(add(x, mul(pow(x, 3.0), 0.044715)), k);
    return mul(mul(x, 0.5), add(tanh(inner), 1.0));
  }
  return mul(mul(x, 0.5), add(erf(mul(x, M_SQRT1_2)), 1.0));
}

}  // namespace dl
