// Shape arithmetic shared by every op: dims wrapping, contiguous strides,
// broadcasting, and printing shapes for error messages.
#pragma once

#include <cstdint>
#include <string>

#include "base/small_vector.h"

namespace dl {

// Sizes or strides of a tensor; six dims live inline without allocating.
using Dims = SmallVector<int64_t, 6>;

// Turns a possibly negative dim into [0, ndim). `what` names the op and
// argument for the error ("dl_sum: argument 'dims'").
int64_t wrap_dim(int64_t dim, int64_t ndim, const char* what);
int64_t shape_numel(const Dims& sizes);
Dims contiguous_strides(const Dims& sizes);
// PyTorch broadcasting: align right, sizes equal or 1. Throws Status::Shape.
Dims broadcast_shapes(const Dims& a, const Dims& b, const char* what);
// "[64, 784]"
std::string shape_str(const Dims& sizes);

}  // namespace dl
