// Float64 finite-difference checks of gradients, shared by the op-level
// gradient checks and the layer tests.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "autograd/autograd.h"
#include "ops/ops.h"

namespace dl::testing {

// The gradient backward gives for each of leaves (contiguous float64 tensors
// that require grad) against central differences (step 1e-6, tolerance
// 1e-6 + 1e-5 |numeric|) of the scalar loss(); loss reads the leaves, which
// are perturbed in place, one element at a time. Leaves' .grad are reset first.
inline void expect_gradients_match_finite_differences(const std::function<Tensor()>& loss, std::vector<Tensor> leaves,
                                                      const std::vector<std::string>& names = {}) {
  for (Tensor& t : leaves) zero_grad(t);
  backward(loss());
  const double eps = 1e-6;
  auto value = [&] {
    NoGradGuard no_grad;
    return contiguous(loss()).data_ptr<double>()[0];
  };
  for (size_t k = 0; k < leaves.size(); ++k) {
    const std::string name = k < names.size() ? names[k] : "input " + std::to_string(k);
    Tensor g = grad(leaves[k]);
    ASSERT_TRUE(g.defined()) << name << " got no gradient";
    ASSERT_EQ(shape_str(g.sizes()), shape_str(leaves[k].sizes())) << name;
    ASSERT_TRUE(leaves[k].is_contiguous() && leaves[k].dtype() == DType::Float64) << name;
    Tensor gc = contiguous(g);
    double* p = leaves[k].data_ptr<double>();
    for (int64_t i = 0; i < leaves[k].numel(); ++i) {
      const double saved = p[i];
      p[i] = saved + eps;
      const double up = value();
      p[i] = saved - eps;
      const double down = value();
      p[i] = saved;
      const double numeric = (up - down) / (2 * eps);
      ASSERT_NEAR(gc.data_ptr<double>()[i], numeric, 1e-6 + 1e-5 * std::abs(numeric)) << name << ", element " << i;
    }
  }
}

}  // namespace dl::testing
