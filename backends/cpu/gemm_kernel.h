// The built-in GEMM used when OpenBLAS cannot be loaded: cache-blocked,
// written for the compiler to vectorize. Same contract as gemm() in blas.h.
#pragma once

#include <cstdint>

namespace dl::cpu {

template <typename T>
void builtin_gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda,
                  const T* B, int64_t ldb, T beta, T* C, int64_t ldc);

}  // namespace dl::cpu
