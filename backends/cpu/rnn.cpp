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

// One row of the forward. Every gate block comes as a restrict parameter
// of its own: from one row pointer and offsets of H the compiler cannot
// tell the blocks apart, and keeps the loop scalar.
template <typename T>
DL_VEC_INLINE void cell_forward_row(int64_t H, const T* __restrict xi, const T* __restrict xf, const T* __restrict xg,
                                    const T* __restrict xo, const T* __restrict hi, const T* __restrict hf,
                                    const T* __restrict hg, const T* __restrict ho, const T* __restrict c,
                                    T* __restrict h_out, T* __restrict c_out, T* __restrict wi, T* __restrict wf,
                                    T* __restrict wg, T* __restrict wo, T* __restrict w_tanh_c) {
  for (int64_t j = 0; j < H; ++j) {
    const T i = vec::sigmoid(xi[j] + hi[j]);
    const T f = vec::sigmoid(xf[j] + hf[j]);
    const T g = vec::tanh(xg[j] + hg[j]);
    const T o = vec::sigmoid(xo[j] + ho[j]);
    const T c_new = f * c[j] + i * g;
    const T tanh_c = vec::tanh(c_new);
    c_out[j] = c_new;
    h_out[j] = o * tanh_c;
    wi[j] = i;
    wf[j] = f;
    wg[j] = g;
    wo[j] = o;
    w_tanh_c[j] = tanh_c;
  }
}

template <typename T>
DL_VEC_INLINE void cell_forward_rows(const CellForward<T>& a, int64_t begin, int64_t end) {
  const int64_t H = a.H;
  for (int64_t b = begin; b < end; ++b) {
    const T* x = a.input_gates + b * 4 * H;
    const T* h = a.hidden_gates + b * 4 * H;
    T* w = a.workspace + b * 5 * H;
    cell_forward_row(H, x, x + H, x + 2 * H, x + 3 * H, h, h + H, h + 2 * H, h + 3 * H, a.c + b * H, a.h_out + b * H,
                     a.c_out + b * H, w, w + H, w + 2 * H, w + 3 * H, w + 4 * H);
  }
}

// One row of the backward, through h' = o tanh(c') and c' = f c + i g, then
// each gate's activation (sigmoid' = y (1 - y), tanh' = 1 - y^2).
template <typename T>
DL_VEC_INLINE void cell_backward_row(int64_t H, const T* __restrict dh, const T* __restrict dc, const T* __restrict c,
                                     const T* __restrict wi, const T* __restrict wf, const T* __restrict wg,
                                     const T* __restrict wo, const T* __restrict w_tanh_c, T* __restrict di,
                                     T* __restrict df, T* __restrict dg, T* __restrict d_o, T* __restrict d_c) {
  for (int64_t j = 0; j < H; ++j) {
    const T i = wi[j], f = wf[j], g = wg[j], o = wo[j], tanh_c = w_tanh_c[j];
    const T d_cell = dc[j] + dh[j] * o * (T(1) - tanh_c * tanh_c);
    di[j] = d_cell * g * i * (T(1) - i);
    df[j] = d_cell * c[j] * f * (T(1) - f);
    dg[j] = d_cell * i * (T(1) - g * g);
    d_o[j] = dh[j] * tanh_c * o * (T(1) - o);
    d_c[j] = d_cell * f;
  }
}

template <typename T>
DL_VEC_INLINE void cell_backward_rows(const CellBackward<T>& a, int64_t begin, int64_t end) {
  const int64_t H = a.H;
  for (int64_t b = begin; b < end; ++b) {
    const T* w = a.workspace + b * 5 * H;
    T* d = a.d_gates + b * 4 * H;
    cell_backward_row(H, a.dh + b * H, a.dc + b * H, a.c + b * H, w, w + H, w + 2 * H, w + 3 * H, w + 4 * H, d, d + H,
                      d + 2 * H, d + 3 * H, a.d_c + b * H);
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

// Runs rows [begin, end) on the variant this CPU takes (NOTE [CPU vector variants]).
template <typename Args>
using RowsFn = void (*)(const Args&, int64_t, int64_t);
template <typename Args>
void run_variant(RowsFn<Args> avx512, RowsFn<Args> avx2, RowsFn<Args> baseline, const Args& a, int64_t begin,
                 int64_t end) {
  switch (vector_isa()) {
    case VectorIsa::Avx512: return avx512(a, begin, end);
    case VectorIsa::Avx2: return avx2(a, begin, end);
    case VectorIsa::Baseline: return baseline(a, begin, end);
  }
}

void cell_forward(const CellForward<float>& a, int64_t begin, int64_t end) {
#if defined(__x86_64__)
  run_variant(cell_forward_avx512, cell_forward_avx2, cell_forward_rows<float>, a, begin, end);
#else
  cell_forward_rows(a, begin, end);
#endif
}
void cell_forward(const CellForward<double>& a, int64_t begin, int64_t end) { cell_forward_rows(a, begin, end); }

void cell_backward(const CellBackward<float>& a, int64_t begin, int64_t end) {
#if defined(__x86_64__)
  run_variant(cell_backward_avx512, cell_backward_avx2, cell_backward_rows<float>, a, begin, end);
#else
  cell_backward_rows(a, begin, end);
#endif
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
