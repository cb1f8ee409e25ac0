#include "backends/cpu/gemm_kernel.h"

#include <algorithm>
#include <vector>

namespace dl::cpu {

// C = alpha op(A) op(B) + beta C. Blocks of op(B) are packed row-major
// ([kc, nc], contiguous) and rows of op(A) read through strides, so the
// innermost loop is a contiguous axpy over N that vectorizes.
template <typename T>
void builtin_gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda,
                  const T* B, int64_t ldb, T beta, T* C, int64_t ldc) {
  for (int64_t i = 0; i < M; ++i) {
    T* c = C + i * ldc;
    if (beta == T(0)) {
      std::fill(c, c + N, T(0));
    } else if (beta != T(1)) {
      for (int64_t j = 0; j < N; ++j) c[j] *= beta;
    }
  }
  if (K == 0 || alpha == T(0)) return;
  constexpr int64_t kc = 256, nc = 1024;
  std::vector<T> packed(static_cast<size_t>(std::min(kc, K) * std::min(nc, N)));
  for (int64_t k0 = 0; k0 < K; k0 += kc) {
    const int64_t kb = std::min(kc, K - k0);
    for (int64_t j0 = 0; j0 < N; j0 += nc) {
      const int64_t jb = std::min(nc, N - j0);
      for (int64_t k = 0; k < kb; ++k)
        for (int64_t j = 0; j < jb; ++j)
          packed[static_cast<size_t>(k * jb + j)] = trans_b ? B[(j0 + j) * ldb + k0 + k] : B[(k0 + k) * ldb + j0 + j];
      for (int64_t i = 0; i < M; ++i) {
        T* c = C + i * ldc + j0;
        for (int64_t k = 0; k < kb; ++k) {
          const T a = alpha * (trans_a ? A[(k0 + k) * lda + i] : A[i * lda + k0 + k]);
          const T* b = packed.data() + k * jb;
          for (int64_t j = 0; j < jb; ++j) c[j] += a * b[j];
        }
      }
    }
  }
}

template void builtin_gemm<float>(bool, bool, int64_t, int64_t, int64_t, float, const float*, int64_t, const float*,
                                  int64_t, float, float*, int64_t);
template void builtin_gemm<double>(bool, bool, int64_t, int64_t, int64_t, double, const double*, int64_t,
                                   const double*, int64_t, double, double*, int64_t);

}  // namespace dl::cpu
