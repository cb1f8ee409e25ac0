// Matrix products (OpenBLAS sgemm/dgemm on the CPU).
#pragma once

#include "tensor/tensor.h"

namespace dl {

// torch.matmul: 1-D x 1-D -> dot (0-dim); [n] x [.., n, m] and [.., m, n] x [n]
// promote and drop the vector dim; [B.., M, K] x [C.., K, N] -> [broadcast(B, C).., M, N].
Tensor matmul(const Tensor& a, const Tensor& b);
// x: [*, K], weight: [M, K], bias: [M] or undefined -> [*, M] = x weight^T + bias.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias);

}  // namespace dl
