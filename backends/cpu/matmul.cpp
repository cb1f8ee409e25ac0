// CPU matrix products: batched matmul (broadcast batch dims arrive as
// stride-0 dims) and linear (x w^T + bias), through gemm() in blas.h for
// floating types and a plain loop for integers.
#include <algorithm>
#include <type_traits>

#include "backends/cpu/blas.h"
#include "backends/cpu/cpu_backend.h"
#include "backends/cpu/loops.h"

namespace dl::cpu {

namespace {

// How one [rows, cols] matrix with strides (rs, cs) is handed to GEMM:
// row-major as is (trans = false, ld = rs) or as the transpose of a row-major
// [cols, rows] matrix (trans = true, ld = cs). False when neither works
// (e.g. a broadcast stride 0 inside the matrix); the caller copies then.
bool gemm_layout(int64_t rows, int64_t cols, int64_t rs, int64_t cs, bool& trans, int64_t& ld) {
  int64_t min_ld_plain = cols > 1 ? cols : 1, min_ld_trans = rows > 1 ? rows : 1;
  if ((cs == 1 || cols == 1) && (rs >= min_ld_plain || rows == 1)) {
    trans = false;
    ld = rows == 1 ? min_ld_plain : rs;
    return true;
  }
  if ((rs == 1 || rows == 1) && (cs >= min_ld_trans || cols == 1)) {
    trans = true;
    ld = cols == 1 ? min_ld_trans : cs;
    return true;
  }
  return false;
}

// A contiguous copy of t when its last two dims cannot be given to GEMM.
Tensor gemm_ready(const Tensor& t, bool& trans, int64_t& ld) {
  int64_t r = t.size(-2), c = t.size(-1);
  if (gemm_layout(r, c, t.stride(-2), t.stride(-1), trans, ld)) return t;
  Tensor copy = Tensor::empty(t.sizes(), t.dtype(), t.device());
  KernelCall call(OpId::copy);
  call.in[0] = &t;
  call.out[0] = &copy;
  backend().kernels[static_cast<int>(OpId::copy)](call);
  gemm_layout(r, c, copy.stride(-2), copy.stride(-1), trans, ld);
  return copy;
}

// C[M,N] (+)= A[M,K] B[K,N] with explicit strides, for integer types.
template <typename T>
void naive_gemm(int64_t M, int64_t N, int64_t K, const T* A, int64_t ars, int64_t acs, const T* B, int64_t brs,
                int64_t bcs, T* C, int64_t ldc, bool accumulate) {
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      T s = accumulate ? C[i * ldc + j] : T(0);
      for (int64_t k = 0; k < K; ++k) s = static_cast<T>(s + A[i * ars + k * acs] * B[k * brs + j * bcs]);
      C[i * ldc + j] = s;
    }
}

template <typename T>
void matrix_product(int64_t M, int64_t N, int64_t K, const T* A, bool ta, int64_t lda, const T* B, bool tb,
                    int64_t ldb, T* C, int64_t ldc, bool accumulate) {
  if constexpr (std::is_floating_point_v<T>) {
    gemm(ta, tb, M, N, K, T(1), A, lda, B, ldb, accumulate ? T(1) : T(0), C, ldc);
  } else {
    naive_gemm<T>(M, N, K, A, ta ? 1 : lda, ta ? lda : 1, B, tb ? 1 : ldb, tb ? ldb : 1, C, ldc, accumulate);
  }
}

// a [B.., M, K], b [B.., K, N] -> out [B.., M, N] (contiguous).
void matmul_kernel(const KernelCall& c) {
  bool ta, tb;
  int64_t lda, ldb;
  Tensor a = gemm_ready(*c.in[0], ta, lda);
  Tensor b = gemm_ready(*c.in[1], tb, ldb);
  Tensor& out = *c.out[0];
  const int64_t M = a.size(-2), K = a.size(-1), N = b.size(-1);
  Dims batch(out.sizes().begin(), out.sizes().end() - 2);
  dispatch_numeric(out.dtype(), "matmul", [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (M == 0 || N == 0) return;
    if (K == 0) {
      std::fill(out.data_ptr<T>(), out.data_ptr<T>() + out.numel(), T(0));
      return;
    }
    // Walk the batch positions of the three operands together.
    StridedLoop<3> loop(batch, {operand(out), operand(a), operand(b)});
    loop.run(0, loop.numel(), [&](const std::array<char*, 3>& p, const std::array<int64_t, 3>& s, int64_t n) {
      for (int64_t i = 0; i < n; ++i)
        matrix_product<T>(M, N, K, reinterpret_cast<const T*>(p[1]) + i * s[1], ta, lda,
                          reinterpret_cast<const T*>(p[2]) + i * s[2], tb, ldb,
                          reinterpret_cast<T*>(p[0]) + i * s[0], N, false);
    });
  });
}

// x [N, K], w [M, K], optional bias [M] -> out [N, M] = x w^T + bias.
void linear_kernel(const KernelCall& c) {
  bool tx, tw;
  int64_t ldx, ldw;
  Tensor x = gemm_ready(*c.in[0], tx, ldx);
  // w^T is [K, M] with strides (w.stride(1), w.stride(0)).
  Tensor w_t = c.in[1]->as_strided({c.in[1]->size(1), c.in[1]->size(0)}, {c.in[1]->stride(1), c.in[1]->stride(0)},
                                   c.in[1]->offset());
  w_t = gemm_ready(w_t, tw, ldw);
  const Tensor* bias = c.in[2];
  Tensor& out = *c.out[0];
  const int64_t rows = x.size(0), K = x.size(1), M = w_t.size(1);
  dispatch_floating(out.dtype(), "linear", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = out.data_ptr<T>();
    if (bias) {
      const T* bp = bias->data_ptr<T>();
      const int64_t bs = bias->stride(0);
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t j = 0; j < M; ++j) o[r * M + j] = bp[j * bs];
    }
    if (rows == 0 || M == 0) return;
    if (K == 0) {
      if (!bias) std::fill(o, o + rows * M, T(0));
      return;
    }
    matrix_product<T>(rows, M, K, x.data_ptr<T>(), tx, ldx, w_t.data_ptr<T>(), tw, ldw, o, M, bias != nullptr);
  });
}

}  // namespace

void register_matmul(Backend& b) {
  b.set(OpId::matmul, matmul_kernel, kNumericTypes);
  b.set(OpId::linear, linear_kernel, kFloatTypes);
}

}  // namespace dl::cpu
