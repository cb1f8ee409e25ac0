#include "nn/linear.h"

#include <cmath>

#include "base/error.h"
#include "nn/init.h"
#include "ops/creation.h"
#include "ops/linalg.h"

namespace dl {

Linear::Linear(int64_t in_features, int64_t out_features, bool bias, DType dtype)
    : Module("Linear"), in_features_(in_features), out_features_(out_features) {
  DL_CHECK(in_features > 0 && out_features > 0, Status::InvalidArgument,
           "Linear: in_features and out_features must be positive, got ", in_features, " and ", out_features);
  DL_CHECK(is_floating(dtype), Status::DType, "Linear: dtype must be floating point, got ", dtype_name(dtype));
  Tensor w = Tensor::empty({out_features, in_features}, dtype);
  init::kaiming_uniform_(w, std::sqrt(5.0), in_features);
  register_parameter("weight", w);
  if (bias) {
    Tensor b = Tensor::empty({out_features}, dtype);
    double bound = 1.0 / std::sqrt(static_cast<double>(in_features));
    init::uniform_(b, -bound, bound);
    register_parameter("bias", b);
  }
}

Tensor Linear::forward(const Tensor& x) {
  return linear(x, params_[0].second, params_.size() > 1 ? params_[1].second : Tensor());
}

}  // namespace dl
