// CPU 2-d convolution as GEMM over unfolded windows (im2col). Samples are
// taken in chunks: the windows of a chunk, per group, form one matrix
// cols [C/groups * kh * kw, chunk * Ho * Wo], so each product is large enough
// for OpenBLAS to run near peak and to use every core; a chunk's cols stay
// under kColsBudget bytes. A 1x1 convolution with stride 1 and no padding
// needs no unfolding: each sample's [C, H * W] block is its cols already.
// Every tensor is contiguous (the op layer sees to it). Where libdnnl was
// found, float32 goes to oneDNN (conv_onednn.cpp) and this code serves float64.
#include <algorithm>
#include <cstring>
#include <vector>

#include "backends/cpu/blas.h"
#include "backends/cpu/cpu_backend.h"
#include "backends/cpu/loops.h"
#ifdef DL_HAVE_ONEDNN
#include "backends/cpu/conv_onednn.h"
#endif

namespace dl::cpu {

namespace {

constexpr int64_t kColsBudget = 8 << 20;

struct ConvShape {
  int64_t N, C, H, W, O, Ho, Wo, kh, kw, groups;
  int64_t Cg() const { return C / groups; }
  int64_t Og() const { return O / groups; }
  int64_t K() const { return Cg() * kh * kw; }  // rows of a group's cols
  int64_t plane() const { return Ho * Wo; }
};

ConvShape conv_shape(const Tensor& x, const Tensor& w, const Window2d& win) {
  return ConvShape{x.size(0), x.size(1), x.size(2), x.size(3), w.size(0), win.out_size[0], win.out_size[1],
                   w.size(2),  w.size(3), win.groups};
}

bool is_pointwise(const ConvShape& s, const Window2d& win) {
  return s.kh == 1 && s.kw == 1 && win.stride[0] == 1 && win.stride[1] == 1 && win.pad_begin[0] == 0 &&
         win.pad_begin[1] == 0 && s.Ho == s.H && s.Wo == s.W;
}

int64_t chunk_of(const ConvShape& s, size_t itemsize) {
  int64_t per_sample = s.K() * s.plane() * static_cast<int64_t>(itemsize);
  return std::max<int64_t>(1, std::min<int64_t>(s.N, kColsBudget / std::max<int64_t>(per_sample, 1)));
}

// The outputs [lo, hi) of a row whose input column ow * stride + off lies
// inside [0, W); the others read padding.
void inside_columns(int64_t off, int64_t stride, int64_t Wo, int64_t W, int64_t& lo, int64_t& hi) {
  lo = 0, hi = Wo;
  while (lo < hi && lo * stride + off < 0) ++lo;
  while (hi > lo && (hi - 1) * stride + off >= W) --hi;
}

// cols[(c * kh + i) * kw + j][n * plane + oh * Wo + ow] = x[n0 + n][c0 + c][ih][iw] (0 outside).
template <typename T>
void im2col(const T* x, const ConvShape& s, const Window2d& win, int64_t n0, int64_t count, int64_t c0, T* cols) {
  const int64_t row_len = count * s.plane();
  parallel_for_rows(s.K(), row_len, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t c = r / (s.kh * s.kw), i = r / s.kw % s.kh, j = r % s.kw;
      const int64_t off = j * win.dilation[1] - win.pad_begin[1];  // iw = ow * stride + off
      int64_t lo, hi;
      inside_columns(off, win.stride[1], s.Wo, s.W, lo, hi);
      T* row = cols + r * row_len;
      for (int64_t n = 0; n < count; ++n) {
        const T* plane = x + ((n0 + n) * s.C + c0 + c) * s.H * s.W;
        for (int64_t oh = 0; oh < s.Ho; ++oh) {
          const int64_t ih = oh * win.stride[0] - win.pad_begin[0] + i * win.dilation[0];
          T* out = row + n * s.plane() + oh * s.Wo;
          if (ih < 0 || ih >= s.H) {
            std::fill(out, out + s.Wo, T(0));
            continue;
          }
          const T* in = plane + ih * s.W;
          std::fill(out, out + lo, T(0));
          if (win.stride[1] == 1) {
            if (hi > lo) std::memcpy(out + lo, in + lo + off, static_cast<size_t>(hi - lo) * sizeof(T));
          } else {
            for (int64_t ow = lo; ow < hi; ++ow) out[ow] = in[ow * win.stride[1] + off];
          }
          std::fill(out + hi, out + s.Wo, T(0));
        }
      }
    }
  });
}

// The adjoint of im2col: dx[n0 + n][c0 + c][ih][iw] += cols[...] for every window position.
template <typename T>
void col2im(const T* cols, const ConvShape& s, const Window2d& win, int64_t n0, int64_t count, int64_t c0, T* dx) {
  const int64_t row_len = count * s.plane();
  // Parallel over channels: rows of different channels never write the same element.
  parallel_for_rows(s.Cg(), s.kh * s.kw * row_len, [&](int64_t cb, int64_t ce) {
    for (int64_t c = cb; c < ce; ++c) {
      for (int64_t i = 0; i < s.kh; ++i) {
        for (int64_t j = 0; j < s.kw; ++j) {
          const T* row = cols + ((c * s.kh + i) * s.kw + j) * row_len;
          const int64_t off = j * win.dilation[1] - win.pad_begin[1];
          int64_t lo, hi;
          inside_columns(off, win.stride[1], s.Wo, s.W, lo, hi);
          for (int64_t n = 0; n < count; ++n) {
            T* plane = dx + ((n0 + n) * s.C + c0 + c) * s.H * s.W;
            for (int64_t oh = 0; oh < s.Ho; ++oh) {
              const int64_t ih = oh * win.stride[0] - win.pad_begin[0] + i * win.dilation[0];
              if (ih < 0 || ih >= s.H) continue;
              const T* in = row + n * s.plane() + oh * s.Wo;
              T* out = plane + ih * s.W;
              for (int64_t ow = lo; ow < hi; ++ow) out[ow * win.stride[1] + off] += in[ow];
            }
          }
        }
      }
    }
  });
}

// The cols of group g for samples [n0, n0 + count): unfolded into buffer, or
// for a pointwise convolution of one sample, x itself.
template <typename T>
const T* group_cols(const T* x, const ConvShape& s, const Window2d& win, int64_t n0, int64_t count, int64_t g,
                    bool pointwise, T* buffer) {
  if (pointwise && count == 1) return x + (n0 * s.C + g * s.Cg()) * s.H * s.W;
  im2col(x, s, win, n0, count, g * s.Cg(), buffer);
  return buffer;
}

template <typename T>
void conv2d_forward(const KernelCall& c) {
  const Tensor &x = *c.in[0], &w = *c.in[1];
  const Window2d& win = c.attrs.window;
  const ConvShape s = conv_shape(x, w, win);
  const bool pointwise = is_pointwise(s, win);
  const int64_t chunk = pointwise ? 1 : chunk_of(s, sizeof(T));
  std::vector<T> cols(pointwise ? 0 : static_cast<size_t>(s.K() * chunk * s.plane()));
  std::vector<T> prod(static_cast<size_t>(s.Og() * chunk * s.plane()));
  const T* xp = x.data_ptr<T>();
  const T* wp = w.data_ptr<T>();
  const T* bias = c.in[2] ? c.in[2]->data_ptr<T>() : nullptr;
  T* out = c.out[0]->data_ptr<T>();
  for (int64_t n0 = 0; n0 < s.N; n0 += chunk) {
    const int64_t count = std::min(chunk, s.N - n0), cols_n = count * s.plane();
    for (int64_t g = 0; g < s.groups; ++g) {
      const T* b = group_cols(xp, s, win, n0, count, g, pointwise, cols.data());
      // prod [Og, count * plane] = w_g [Og, K] * cols [K, count * plane]
      gemm(false, false, s.Og(), cols_n, s.K(), T(1), wp + g * s.Og() * s.K(), s.K(), b, cols_n, T(0), prod.data(),
           cols_n);
      for (int64_t n = 0; n < count; ++n)
        for (int64_t o = 0; o < s.Og(); ++o) {
          const int64_t oc = g * s.Og() + o;
          const T* src = prod.data() + o * cols_n + n * s.plane();
          T* dst = out + ((n0 + n) * s.O + oc) * s.plane();
          const T add = bias ? bias[oc] : T(0);
          for (int64_t k = 0; k < s.plane(); ++k) dst[k] = src[k] + add;
        }
    }
  }
}

// Gathers g [N, O, plane] for samples [n0, n0 + count) and group gi into grads [Og, count * plane].
template <typename T>
void gather_grads(const T* g, const ConvShape& s, int64_t n0, int64_t count, int64_t gi, T* grads) {
  const int64_t cols_n = count * s.plane();
  for (int64_t n = 0; n < count; ++n)
    for (int64_t o = 0; o < s.Og(); ++o)
      std::memcpy(grads + o * cols_n + n * s.plane(), g + ((n0 + n) * s.O + gi * s.Og() + o) * s.plane(),
                  static_cast<size_t>(s.plane()) * sizeof(T));
}

// dx = col2im(w_g^T * g_g) per chunk and group.
template <typename T>
void conv2d_input_grad(const KernelCall& c) {
  const Tensor &gout = *c.in[0], &w = *c.in[1];
  Tensor& dx = *c.out[0];
  const Window2d& win = c.attrs.window;
  const ConvShape s = conv_shape(dx, w, win);
  const bool pointwise = is_pointwise(s, win);
  const int64_t chunk = chunk_of(s, sizeof(T));
  std::vector<T> cols(static_cast<size_t>(s.K() * chunk * s.plane()));
  std::vector<T> grads(static_cast<size_t>(s.Og() * chunk * s.plane()));
  T* dxp = dx.data_ptr<T>();
  std::fill(dxp, dxp + dx.numel(), T(0));
  for (int64_t n0 = 0; n0 < s.N; n0 += chunk) {
    const int64_t count = std::min(chunk, s.N - n0), cols_n = count * s.plane();
    for (int64_t g = 0; g < s.groups; ++g) {
      gather_grads(gout.data_ptr<T>(), s, n0, count, g, grads.data());
      // cols [K, count * plane] = w_g^T [K, Og] * grads [Og, count * plane]
      gemm(true, false, s.K(), cols_n, s.Og(), T(1), w.data_ptr<T>() + g * s.Og() * s.K(), s.K(), grads.data(),
           cols_n, T(0), cols.data(), cols_n);
      if (pointwise) {
        for (int64_t n = 0; n < count; ++n)
          for (int64_t k = 0; k < s.K(); ++k)
            std::memcpy(dxp + ((n0 + n) * s.C + g * s.Cg() + k) * s.plane(), cols.data() + k * cols_n + n * s.plane(),
                        static_cast<size_t>(s.plane()) * sizeof(T));
      } else {
        col2im(cols.data(), s, win, n0, count, g * s.Cg(), dxp);
      }
    }
  }
}

// dw_g = sum over chunks of g_g [Og, count * plane] * cols^T [count * plane, K];
// db (when asked for) sums g per output channel.
template <typename T>
void conv2d_weight_grad(const KernelCall& c) {
  const Tensor &gout = *c.in[0], &x = *c.in[1];
  Tensor& dw = *c.out[0];
  const Window2d& win = c.attrs.window;
  const ConvShape s = conv_shape(x, dw, win);
  const bool pointwise = is_pointwise(s, win);
  const int64_t chunk = pointwise ? 1 : chunk_of(s, sizeof(T));
  std::vector<T> cols(pointwise ? 0 : static_cast<size_t>(s.K() * chunk * s.plane()));
  std::vector<T> grads(static_cast<size_t>(s.Og() * chunk * s.plane()));
  T* dwp = dw.data_ptr<T>();
  for (int64_t n0 = 0; n0 < s.N; n0 += chunk) {
    const int64_t count = std::min(chunk, s.N - n0), cols_n = count * s.plane();
    for (int64_t g = 0; g < s.groups; ++g) {
      gather_grads(gout.data_ptr<T>(), s, n0, count, g, grads.data());
      const T* b = group_cols(x.data_ptr<T>(), s, win, n0, count, g, pointwise, cols.data());
      gemm(false, true, s.Og(), s.K(), cols_n, T(1), grads.data(), cols_n, b, cols_n, n0 == 0 ? T(0) : T(1),
           dwp + g * s.Og() * s.K(), s.K());
    }
  }
  if (s.N == 0) std::fill(dwp, dwp + dw.numel(), T(0));
  if (c.out[1]) {  // db[o] = sum of g over samples and positions
    const T* g = gout.data_ptr<T>();
    T* db = c.out[1]->data_ptr<T>();
    parallel_for_rows(s.O, s.N * s.plane(), [&](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; ++o) {
        double total = 0;
        for (int64_t n = 0; n < s.N; ++n)
          for (int64_t k = 0; k < s.plane(); ++k) total += g[(n * s.O + o) * s.plane() + k];
        db[o] = static_cast<T>(total);
      }
    });
  }
}

// float32 goes to oneDNN where it was built.
void conv2d_kernel(const KernelCall& c) {
#ifdef DL_HAVE_ONEDNN
  if (c.out[0]->dtype() == DType::Float32) return onednn_conv2d(c);
#endif
  dispatch_floating(c.out[0]->dtype(), "conv2d", [&](auto tag) { conv2d_forward<typename decltype(tag)::type>(c); });
}

void conv2d_input_grad_kernel(const KernelCall& c) {
#ifdef DL_HAVE_ONEDNN
  if (c.out[0]->dtype() == DType::Float32) return onednn_conv2d_input_grad(c);
#endif
  dispatch_floating(c.out[0]->dtype(), "conv2d_input_grad",
                    [&](auto tag) { conv2d_input_grad<typename decltype(tag)::type>(c); });
}

void conv2d_weight_grad_kernel(const KernelCall& c) {
#ifdef DL_HAVE_ONEDNN
  if (c.out[0]->dtype() == DType::Float32) return onednn_conv2d_weight_grad(c);
#endif
  dispatch_floating(c.out[0]->dtype(), "conv2d_weight_grad",
                    [&](auto tag) { conv2d_weight_grad<typename decltype(tag)::type>(c); });
}

}  // namespace

void register_conv(Backend& b) {
  b.set(OpId::conv2d, conv2d_kernel, kFloatTypes);
  b.set(OpId::conv2d_input_grad, conv2d_input_grad_kernel, kFloatTypes);
  b.set(OpId::conv2d_weight_grad, conv2d_weight_grad_kernel, kFloatTypes);
}

}  // namespace dl::cpu
