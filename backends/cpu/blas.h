// Row-major GEMM for the CPU backend. OpenBLAS is loaded at run time
// (dlopen) after choosing its core type from cpuid, because OpenBLAS 0.3.21
// misdetects recent CPUs (it runs its generic Prescott kernels, ~4x slower)
// and fixes the core type when it loads. When OpenBLAS cannot be loaded, a
// portable blocked kernel of our own computes the same products.
#pragma once

#include <cstdint>

namespace dl::cpu {

// C[M,N] = alpha * op(A) * op(B) + beta * C, all row-major.
// op(A) is [M,K]: A is [M,K] with leading dimension lda, or [K,M] when trans_a.
// op(B) is [K,N]: B is [K,N] with leading dimension ldb, or [N,K] when trans_b.
void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
          int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc);
void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, double alpha, const double* A,
          int64_t lda, const double* B, int64_t ldb, double beta, double* C, int64_t ldc);

// Thread count used by GEMM (dl_set_num_threads).
void blas_set_num_threads(int n);
// What computes GEMM, for benchmarks and diagnostics:
// "OpenBLAS 0.3.21 core SkylakeX (chosen from cpuid)" or "built-in kernel (OpenBLAS not found)".
const char* blas_description();

}  // namespace dl::cpu
