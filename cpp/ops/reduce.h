// Reductions. `dims` lists the dims to reduce (negative allowed, duplicates
// are an error); an empty list reduces over all dims. keepdim keeps them as 1.
#pragma once

#include <utility>

#include "tensor/tensor.h"

namespace dl {

Tensor sum(const Tensor& x, const Dims& dims = {}, bool keepdim = false);  // bool/int -> int64
Tensor mean(const Tensor& x, const Dims& dims = {}, bool keepdim = false); // floating only
Tensor amax(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
Tensor amin(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
// Along one dim: (values, int64 indices of the first maximum/minimum).
std::pair<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim = false);
std::pair<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor argmax(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor argmin(const Tensor& x, int64_t dim, bool keepdim = false);
// Over all elements, as a 0-dim tensor (argmax: index into the flattened tensor).
Tensor max(const Tensor& x);
Tensor min(const Tensor& x);
Tensor argmax(const Tensor& x);
// Variance with Bessel's correction (correction = 1, PyTorch's unbiased default).
Tensor var(const Tensor& x, const Dims& dims = {}, int64_t correction = 1, bool keepdim = false);
// Named std_dev, not std, so `using namespace dl` never clashes with namespace std.
Tensor std_dev(const Tensor& x, const Dims& dims = {}, int64_t correction = 1, bool keepdim = false);

}  // namespace dl
