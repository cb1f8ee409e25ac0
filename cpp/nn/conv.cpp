#include "nn/conv.h"

#include <cmath>

#include "base/error.h"
#include "nn/activation.h"
#include "nn/init.h"

namespace dl {

Conv2d::Conv2d(int64_t in_channels, int64_t out_channels, const Conv2dOptions& o, DType dtype)
    : Module("Conv2d"), o_(o) {
  DL_CHECK(in_channels > 0 && out_channels > 0, Status::InvalidArgument,
           "Conv2d: in_channels and out_channels must be positive, got ", in_channels, " and ", out_channels);
  DL_CHECK(o.groups > 0 && in_channels % o.groups == 0 && out_channels % o.groups == 0, Status::InvalidArgument,
           "Conv2d: in_channels ", in_channels, " and out_channels ", out_channels, " must be divisible by groups ",
           o.groups);
  DL_CHECK(o.kernel[0] > 0 && o.kernel[1] > 0, Status::InvalidArgument, "Conv2d: kernel_size must be positive, got ",
           o.kernel[0], "x", o.kernel[1]);
  DL_CHECK(is_floating(dtype), Status::DType, "Conv2d: dtype must be floating point, got ", dtype_name(dtype));
  const int64_t fan_in = in_channels / o.groups * o.kernel[0] * o.kernel[1];
  Tensor w = Tensor::empty({out_channels, in_channels / o.groups, o.kernel[0], o.kernel[1]}, dtype);
  init::kaiming_uniform_(w, std::sqrt(5.0), fan_in);
  register_parameter("weight", w);
  if (o.bias) {
    Tensor b = Tensor::empty({out_channels}, dtype);
    const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
    init::uniform_(b, -bound, bound);
    register_parameter("bias", b);
  }
}

Tensor Conv2d::forward(const Tensor& x) {
  return conv2d(x, params_[0].second, params_.size() > 1 ? params_[1].second : Tensor(), o_.stride, o_.padding,
                o_.dilation, o_.groups);
}

std::shared_ptr<Module> make_max_pool2d(const Pool2dOptions& o) {
  return std::make_shared<FunctionModule>("MaxPool2d", [o](const Tensor& x) { return max_pool2d(x, o); });
}

std::shared_ptr<Module> make_avg_pool2d(const Pool2dOptions& o) {
  return std::make_shared<FunctionModule>("AvgPool2d", [o](const Tensor& x) { return avg_pool2d(x, o); });
}

std::shared_ptr<Module> make_adaptive_avg_pool2d(Pair2d output_size) {
  return std::make_shared<FunctionModule>("AdaptiveAvgPool2d",
                                          [output_size](const Tensor& x) { return adaptive_avg_pool2d(x, output_size); });
}

}  // namespace dl
