// CPU kernels of the fused LSTM cell (ops/rnn.h): one pass over each row's
// gates for the forward (activations, cell update, output, and the
// workspace the backward reads) and one for the backward. float32 runs the
// vectorizing exp/tanh of vec_math.h in the widest variant the CPU has
// (NOTE [CPU vector variants]); float64 the C library's.
#include "backends/cpu/cpu_backend.h"
#include "backends/cpu/cpu_features.h"
#include "backends/cpu/loops.h"
#include "backends/cpu/vec_math.h"

namespace dl::cpu {

namespace {

// Rows of B and H units; gates i, f, g, o in blocks of H. All contiguous.
template <typename T>
struct CellForward {
  const T* input_gates;   // [B, 4H]
  const T* hidden_gates;  // [B, 4H]
  const T* c;             // [B, H]
  T* h_out;               // [B, H]
  T* c_out;               // [B, H]
  T* workspace;           // [B, 5H]: i, f, g, o, tanh(c')
  int64_t H;
};

template <typename T>
struct CellBackward {
  const T* dh;         // [B, H]
  const T* dc;         // [B, H]
  const T* c;          // [B, H]
  const T* workspace;  // [B, 5H]
  T* d_gates;          // [B, 4H]
  T* d_c;              // [B, H]
  int64_t H;
};

template <typename T>
DL_VEC_INLINE void cell_forward_rows(const CellForward<T>& a, int64_t begin, int64_t end) {
  const int64_t H = a.H;
  for (int64_t b = begin; b < end; ++b) {
    const T* __restrict x = a.input_gates + b * 4 * H;
    const T* __restrict h = a.hidden_gates + b * 4 * H;
    const T* __restrict c = a.c + b * H;
    T* __restrict h_out = a.h_out + b * H;
    T* __restrict c_out = a.c_out + b * H;
    T* __restrict w = a.workspace + b * 5 * H;
    for (int64_t j = 0; j < H; ++j) {
      const T i = vec::sigmoid(x[j] + h[j]);
      const T f = vec::sigmoid(x[H + j] + h[H + j]);
      const T g = vec::tanh(x[2 * H + j] + h[2 * H + j]);
      const T o = vec::sigmoid(x[3 * H + j] + h[3 * H + j]);
      const T c_new = f * c[j] + i * g;
      const T tanh_c = vec::tanh(c_new);
      c_out[j] = c_new;
      h_out[j] = o * tanh_c;
      w[j] = i, w[H + j] = f, w[2 * H + j] = g, w[3 * H + j] = o, w[4 * H + j] = tanh_c;
    }
  }
}

// Through h' = o tanh(c') and c' = f c + i g, then each gate's activation
// (sigmoid' = y (1 - y), tanh' = 1 - y^2).
template <typename T>
DL_VEC_INLINE void cell_backward_rows(const CellBackward<T>& a, int64_t begin, int64_t end) {
  const int64_t H = a.H;
  for (int64_t b = begin; b < end; ++b) {
    const T* __restrict dh = a.dh + b * H;
    const T* __restrict dc = a.dc + b * H;
    const T* __restrict c = a.c + b * H;
    const T* __restrict w = a.workspace + b * 5 * H;
    T* __restrict dg = a.d_gates + b * 4 * H;
    T* __restrict d_c = a.d_c + b * H;
    for (int64_t j = 0; j < H; ++j) {
      const T i = w[j], f = w[H + j], g = w[2 * H + j], o = w[3 * H + j], tanh_c = w[4 * H + j];
      const T d_cell = dc[j] + dh[j] * o * (T(1) - tanh_c * tanh_c);
      dg[j] = d_cell * g * i * (T(1) - i);
      dg[H + j] = d_cell * c[j] * f * (T(1) - f);
      dg[2 * H + j] = d_cell * i * (T(1) - g * g);
      dg[3 * H + j] = dh[j] * tanh_c * o * (T(1) - o);
      d_c[j] = d_cell * f;
    }
  }
}

#if defined(__x86_64__)
__attribute__((target(DL_TARGET_AVX2))) void cell_forward_avx2(const CellForward<float>& a, int64_t b, int64_t e) {
  cell_forward_rows(a, b, e);
}
__attribute__((target(DL_TARGET_AVX512))) void cell_forward_avx512(const CellForward<float>& a, int64_t b,
                                                                   int64_t e) {
  cell_forward_rows(a, b, e);
}
__attribute__((target(DL_TARGET_AVX2))) void cell_backward_avx2(const CellBackward<float>& a, int64_t b,
                                                                int64_t e) {
  cell_backward_rows(a, b, e);
}
__attribute__((target(DL_TARGET_AVX512))) void cell_backward_avx512(const CellBackward<float>& a, int64_t b,
                                                                    int64_t e) {
  cell_backward_rows(a, b, e);
}
#endif

void cell_forward(const CellForward<float>& a, int64_t begin, int64_t end) {
#if defined(__x86_64__)
  switch (vector_isa()) {
    case VectorIsa::Avx512: return cell_forward_avx512(a, begin, end);
    case VectorIsa::Avx2: return cell_forward_avx2(a, begin, end);
    case VectorIsa::Baseline: break;
  }
#endif
  cell_forward_rows(a, begin, end);
}
void cell_forward(const CellForward<double>& a, int64_t begin, int64_t end) { cell_forward_rows(a, begin, end); }

void cell_backward(const CellBackward<float>& a, int64_t begin, int64_t end) {
#if defined(__x86_64__)
  switch (vector_isa()) {
    case VectorIsa::Avx512: return cell_backward_avx512(a, begin, end);
    case VectorIsa::Avx2: return cell_backward_avx2(a, begin, end);
    case VectorIsa::Baseline: break;
  }
#endif
  cell_backward_rows(a, begin, end);
}
void cell_backward(const CellBackward<double>& a, int64_t begin, int64_t end) { cell_backward_rows(a, begin, end); }

void lstm_cell_kernel(const KernelCall& call) {
  const Tensor& c = *call.in[2];
  const int64_t B = c.size(0), H = c.size(1);
  dispatch_floating(c.dtype(), "lstm_cell", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const CellForward<T> a{call.in[0]->data_ptr<T>(), call.in[1]->data_ptr<T>(), c.data_ptr<T>(),
                           call.out[0]->data_ptr<T>(), call.out[1]->data_ptr<T>(), call.out[2]->data_ptr<T>(), H};
    parallel_for_rows(B, 5 * H, [&](int64_t begin, int64_t end) { cell_forward(a, begin, end); });
  });
}

void lstm_cell_backward_kernel(const KernelCall& call) {
  const Tensor& c = *call.in[2];
  const int64_t B = c.size(0), H = c.size(1);
  dispatch_floating(c.dtype(), "lstm_cell_backward", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const CellBackward<T> a{call.in[0]->data_ptr<T>(), call.in[1]->data_ptr<T>(), c.data_ptr<T>(),
                            call.in[3]->data_ptr<T>(), call.out[0]->data_ptr<T>(), call.out[1]->data_ptr<T>(), H};
    parallel_for_rows(B, 5 * H, [&](int64_t begin, int64_t end) { cell_backward(a, begin, end); });
  });
}

}  // namespace

void register_rnn(Backend& b) {
  b.set(OpId::lstm_cell, lstm_cell_kernel, kFloatTypes);
  b.set(OpId::lstm_cell_backward, lstm_cell_backward_kernel, kFloatTypes);
}

}  // namespace dl::cpu
