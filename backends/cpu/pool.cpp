// CPU 2-d pooling over each [H, W] plane of a contiguous [N, C, H, W] input:
// max (with the index of each max in its plane, NaN wins as in PyTorch),
// average (count_include_pad, divisor_override) and adaptive average, and
// the backward of the two averages.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "backends/cpu/cpu_backend.h"
#include "backends/cpu/loops.h"

namespace dl::cpu {

namespace {

// Pooling compares or adds several times per input element, and its
// planes are split without sharing: a second thread pays for itself from
// 2^16 input elements (LeNet's second pool, 100x16x10x10, ran on one).
constexpr int64_t kPoolGrain = 1 << 16;

struct Planes {
  int64_t count, H, W, Ho, Wo;
};

Planes planes_of(const Tensor& x, const Tensor& y) {
  return Planes{x.size(0) * x.size(1), x.size(2), x.size(3), y.size(2), y.size(3)};
}

// The window of output (oh, ow) of an average pool, clipped to the input,
// and the divisor PyTorch uses for it.
struct AvgWindow {
  int64_t h0, h1, w0, w1;
  int64_t divisor;
};

AvgWindow avg_window(const Window2d& win, const Planes& p, int64_t oh, int64_t ow) {
  if (win.adaptive) {
    AvgWindow a{oh * p.H / p.Ho, ((oh + 1) * p.H + p.Ho - 1) / p.Ho, ow * p.W / p.Wo, ((ow + 1) * p.W + p.Wo - 1) / p.Wo, 0};
    a.divisor = (a.h1 - a.h0) * (a.w1 - a.w0);
    return a;
  }
  int64_t h0 = oh * win.stride[0] - win.pad_begin[0], w0 = ow * win.stride[1] - win.pad_begin[1];
  int64_t h1 = std::min(h0 + win.kernel[0], p.H + win.pad_begin[0]);
  int64_t w1 = std::min(w0 + win.kernel[1], p.W + win.pad_begin[1]);
  const int64_t padded = (h1 - h0) * (w1 - w0);
  h0 = std::max<int64_t>(h0, 0), w0 = std::max<int64_t>(w0, 0);
  h1 = std::min(h1, p.H), w1 = std::min(w1, p.W);
  int64_t divisor = win.divisor_override ? win.divisor_override
                    : win.count_include_pad ? padded
                                            : (h1 - h0) * (w1 - w0);
  return AvgWindow{h0, h1, w0, w1, divisor};
}

// The maximum of the window of output (oh, ow) in plane `in` and its index
// there; NaN is the maximum (the last one found, as in PyTorch's CPU kernel).
template <typename T>
std::pair<T, int64_t> window_max(const T* in, const Window2d& win, const Planes& p, int64_t oh, int64_t ow) {
  T best = -std::numeric_limits<T>::infinity();
  int64_t at = -1;
  for (int64_t i = 0; i < win.kernel[0]; ++i) {
    const int64_t ih = oh * win.stride[0] - win.pad_begin[0] + i * win.dilation[0];
    if (ih < 0 || ih >= p.H) continue;
    for (int64_t j = 0; j < win.kernel[1]; ++j) {
      const int64_t iw = ow * win.stride[1] - win.pad_begin[1] + j * win.dilation[1];
      if (iw < 0 || iw >= p.W) continue;
      const T v = in[ih * p.W + iw];
      if (at < 0 || v > best || std::isnan(v)) best = v, at = ih * p.W + iw;
    }
  }
  return {best, at};
}

// take ? a : b computed with masks: compilers turn the conditional into a
// branch, which data-dependent comparisons mispredict half the time.
template <typename T>
T select(bool take, T a, T b) {
  using Bits = std::conditional_t<sizeof(T) == 8, uint64_t, uint32_t>;
  static_assert(sizeof(T) == sizeof(Bits));
  Bits x, y;
  std::memcpy(&x, &a, sizeof x), std::memcpy(&y, &b, sizeof y);
  const Bits mask = Bits(0) - Bits(take);
  const Bits r = (x & mask) | (y & ~mask);
  T out;
  std::memcpy(&out, &r, sizeof out);
  return out;
}

// The common MaxPool2d(2) (2x2 windows, stride 2 along the row) for outputs
// [lo, hi) of a row whose windows lie inside the plane `in` of width W,
// output 0's window starting at element `first`. First the values and which
// of the four elements won (0-3, kept as T so that one vector type serves
// both and the loop vectorizes; `which` has room for hi), then the indices
// when asked for (arg non-null). Visiting order and NaN rule as window_max.
template <typename T>
void interior_row_max_2x2(const T* __restrict in, int64_t W, int64_t first, int64_t lo, int64_t hi,
                          T* __restrict out, int64_t* __restrict arg, T* __restrict which) {
  for (int64_t ow = lo; ow < hi; ++ow) {
    const int64_t k = first + 2 * ow;
    T best = in[k], w = 0;
    T v = in[k + 1];
    bool take = v > best || v != v;
    best = take ? v : best, w = take ? T(1) : w;
    v = in[k + W], take = v > best || v != v;
    best = take ? v : best, w = take ? T(2) : w;
    v = in[k + W + 1], take = v > best || v != v;
    best = take ? v : best, w = take ? T(3) : w;
    out[ow] = best, which[ow] = w;
  }
  if (!arg) return;
  for (int64_t ow = lo; ow < hi; ++ow) {
    const int32_t e = static_cast<int32_t>(which[ow]);
    arg[ow] = first + 2 * ow + (e & 1) + (e >> 1) * W;
  }
}

// window_max for outputs [lo, hi) of one output row whose windows lie inside
// the plane, their rows starting at input row ih0: one window element at a
// time across the whole row, without branches (comparisons of data predict
// badly) and without bounds to test. Same visiting order as window_max, so
// the same index wins ties; the last NaN wins as in PyTorch's kernel.
template <typename T>
void interior_row_max(const T* in, const Window2d& win, int64_t W, int64_t ih0, int64_t lo, int64_t hi, T* out,
                      int64_t* arg) {
  const int64_t sw = win.stride[1];
  for (int64_t i = 0; i < win.kernel[0]; ++i) {
    for (int64_t j = 0; j < win.kernel[1]; ++j) {
      const int64_t first = (ih0 + i * win.dilation[0]) * W + j * win.dilation[1] - win.pad_begin[1];
      if (i == 0 && j == 0) {
        for (int64_t ow = lo; ow < hi; ++ow) out[ow] = in[first + ow * sw], arg[ow] = first + ow * sw;
        continue;
      }
      for (int64_t ow = lo; ow < hi; ++ow) {
        const int64_t k = first + ow * sw;
        const T v = in[k];
        const bool take = (v > out[ow]) | (v != v);  // v wins, or v is NaN
        out[ow] = select(take, v, out[ow]);
        arg[ow] = select(take, k, arg[ow]);
      }
    }
  }
}

// The outputs [lo, hi) along one axis whose whole window lies inside [0, size).
struct OutputRange {
  int64_t lo, hi;
  bool contains(int64_t o) const { return o >= lo && o < hi; }
};
OutputRange interior_outputs(const Window2d& win, int d, int64_t size, int64_t out_size) {
  const int64_t reach = (win.kernel[d] - 1) * win.dilation[d];
  int64_t lo = 0, hi = out_size;
  while (lo < hi && lo * win.stride[d] - win.pad_begin[d] < 0) ++lo;
  while (hi > lo && (hi - 1) * win.stride[d] - win.pad_begin[d] + reach >= size) --hi;
  return {lo, hi};
}

template <typename T>
void max_pool(const KernelCall& c) {
  const Window2d& win = c.attrs.window;
  const Planes p = planes_of(*c.in[0], *c.out[0]);
  const T* x = c.in[0]->data_ptr<T>();
  T* y = c.out[0]->data_ptr<T>();
  int64_t* idx = c.out[1] ? c.out[1]->data_ptr<int64_t>() : nullptr;  // none: a row's scratch instead
  const OutputRange rows = interior_outputs(win, 0, p.H, p.Ho);
  const OutputRange cols = interior_outputs(win, 1, p.W, p.Wo);
  const bool pool_2x2 = win.kernel[0] == 2 && win.kernel[1] == 2 && win.stride[1] == 2 && win.dilation[0] == 1 &&
                        win.dilation[1] == 1;
  parallel_for_rows(p.count, p.H * p.W, [&](int64_t begin, int64_t end) {
    std::vector<int64_t> row_scratch(idx ? 0 : static_cast<size_t>(p.Wo));
    std::vector<T> which(pool_2x2 ? static_cast<size_t>(p.Wo) : 0);
    for (int64_t q = begin; q < end; ++q) {
      const T* in = x + q * p.H * p.W;
      for (int64_t oh = 0; oh < p.Ho; ++oh) {
        T* out = y + (q * p.Ho + oh) * p.Wo;
        int64_t* arg = idx ? idx + (q * p.Ho + oh) * p.Wo : row_scratch.data();
        const bool row_inside = rows.contains(oh);
        const int64_t ih0 = oh * win.stride[0] - win.pad_begin[0];
        if (row_inside && pool_2x2)
          interior_row_max_2x2(in, p.W, ih0 * p.W - win.pad_begin[1], cols.lo, cols.hi, out, idx ? arg : nullptr,
                               which.data());
        else if (row_inside)
          interior_row_max(in, win, p.W, ih0, cols.lo, cols.hi, out, arg);
        // The border outputs: all of a row outside the interior, else those left and right of it.
        const int64_t left = row_inside ? cols.lo : p.Wo, right = row_inside ? cols.hi : p.Wo;
        for (int64_t ow = 0; ow < left; ++ow) std::tie(out[ow], arg[ow]) = window_max(in, win, p, oh, ow);
        for (int64_t ow = right; ow < p.Wo; ++ow) std::tie(out[ow], arg[ow]) = window_max(in, win, p, oh, ow);
      }
    }
  }, kPoolGrain);
}

// max_pool2d's backward, plane by plane: zeros, then each output's gradient
// added where its maximum came from (overlapping windows may share one).
// The indices are the forward kernel's, so they lie inside their plane.
template <typename T>
void max_pool_grad(const KernelCall& c) {
  const Planes p = planes_of(*c.out[0], *c.in[0]);
  const T* g = c.in[0]->data_ptr<T>();
  const int64_t* idx = c.in[1]->data_ptr<int64_t>();
  T* dx = c.out[0]->data_ptr<T>();
  const int64_t outputs = p.Ho * p.Wo;
  parallel_for_rows(p.count, p.H * p.W, [&](int64_t begin, int64_t end) {
    for (int64_t q = begin; q < end; ++q) {
      T* plane = dx + q * p.H * p.W;
      std::fill(plane, plane + p.H * p.W, T(0));
      const T* gq = g + q * outputs;
      const int64_t* at = idx + q * outputs;
      for (int64_t o = 0; o < outputs; ++o) plane[at[o]] += gq[o];
    }
  }, kPoolGrain);
}

template <typename T>
void avg_pool(const KernelCall& c) {
  const Planes p = planes_of(*c.in[0], *c.out[0]);
  const Window2d& win = c.attrs.window;  // adaptive is set for adaptive_avg_pool2d
  const T* x = c.in[0]->data_ptr<T>();
  T* y = c.out[0]->data_ptr<T>();
  parallel_for_rows(p.count, p.H * p.W, [&](int64_t begin, int64_t end) {
    for (int64_t q = begin; q < end; ++q) {
      const T* in = x + q * p.H * p.W;
      for (int64_t oh = 0; oh < p.Ho; ++oh) {
        for (int64_t ow = 0; ow < p.Wo; ++ow) {
          const AvgWindow a = avg_window(win, p, oh, ow);
          T sum = 0;
          for (int64_t ih = a.h0; ih < a.h1; ++ih)
            for (int64_t iw = a.w0; iw < a.w1; ++iw) sum += in[ih * p.W + iw];
          y[(q * p.Ho + oh) * p.Wo + ow] = sum / static_cast<T>(a.divisor);
        }
      }
    }
  }, kPoolGrain);
}

template <typename T>
void avg_pool_grad(const KernelCall& c) {
  const Planes p = planes_of(*c.out[0], *c.in[0]);
  const Window2d& win = c.attrs.window;
  const T* g = c.in[0]->data_ptr<T>();
  T* dx = c.out[0]->data_ptr<T>();
  parallel_for_rows(p.count, p.H * p.W, [&](int64_t begin, int64_t end) {
    for (int64_t q = begin; q < end; ++q) {
      T* out = dx + q * p.H * p.W;
      std::fill(out, out + p.H * p.W, T(0));
      for (int64_t oh = 0; oh < p.Ho; ++oh) {
        for (int64_t ow = 0; ow < p.Wo; ++ow) {
          const AvgWindow a = avg_window(win, p, oh, ow);
          const T share = g[(q * p.Ho + oh) * p.Wo + ow] / static_cast<T>(a.divisor);
          for (int64_t ih = a.h0; ih < a.h1; ++ih)
            for (int64_t iw = a.w0; iw < a.w1; ++iw) out[ih * p.W + iw] += share;
        }
      }
    }
  }, kPoolGrain);
}

void max_pool2d_kernel(const KernelCall& c) {
  dispatch_floating(c.out[0]->dtype(), "max_pool2d", [&](auto tag) { max_pool<typename decltype(tag)::type>(c); });
}

void max_pool2d_grad_kernel(const KernelCall& c) {
  dispatch_floating(c.out[0]->dtype(), "max_pool2d_grad",
                    [&](auto tag) { max_pool_grad<typename decltype(tag)::type>(c); });
}

void avg_pool2d_kernel(const KernelCall& c) {
  dispatch_floating(c.out[0]->dtype(), op_name(c.op), [&](auto tag) { avg_pool<typename decltype(tag)::type>(c); });
}

void avg_pool2d_grad_kernel(const KernelCall& c) {
  dispatch_floating(c.out[0]->dtype(), "avg_pool2d_grad",
                    [&](auto tag) { avg_pool_grad<typename decltype(tag)::type>(c); });
}

}  // namespace

void register_pool(Backend& b) {
  b.set(OpId::max_pool2d, max_pool2d_kernel, kFloatTypes);
  b.set(OpId::max_pool2d_grad, max_pool2d_grad_kernel, kFloatTypes);
  b.set(OpId::avg_pool2d, avg_pool2d_kernel, kFloatTypes);
  b.set(OpId::adaptive_avg_pool2d, avg_pool2d_kernel, kFloatTypes);
  b.set(OpId::avg_pool2d_grad, avg_pool2d_grad_kernel, kFloatTypes);
}

}  // namespace dl::cpu
