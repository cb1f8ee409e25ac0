// Tensor creation. Random tensors draw from the global Philox generator
// (tensor/generator.h), so they depend only on the seed and call order.
#pragma once

#include "tensor/tensor.h"

namespace dl {

// Copies numel(shape) elements of dtype from host memory.
Tensor from_data(const void* data, DType dtype, const Dims& shape, Device device = Device{});
Tensor zeros(const Dims& shape, DType dtype = DType::Float32, Device device = Device{});
Tensor ones(const Dims& shape, DType dtype = DType::Float32, Device device = Device{});
Tensor full(const Dims& shape, double value, DType dtype = DType::Float32, Device device = Device{});
// [start, end) by step, ceil((end - start) / step) elements.
Tensor arange(double start, double end, double step = 1.0, DType dtype = DType::Float32,
              Device device = Device{});
Tensor rand(const Dims& shape, DType dtype = DType::Float32, Device device = Device{});   // U[0, 1)
Tensor randn(const Dims& shape, DType dtype = DType::Float32, Device device = Device{});  // N(0, 1)
Tensor randint(int64_t low, int64_t high, const Dims& shape, DType dtype = DType::Int64,
               Device device = Device{});  // integers in [low, high)
Tensor eye(int64_t n, int64_t m = -1, DType dtype = DType::Float32, Device device = Device{});
// A copy of x's data on device.
Tensor to_device(const Tensor& x, Device device);
// Fills x (any strides) with value in place.
void fill_(Tensor& x, double value);

}  // namespace dl
