// CPU 2-d pooling over each [H, W] plane of a contiguous [N, C, H, W] input:
// max (with the index of each max in its plane, NaN wins as in PyTorch),
// average (count_include_pad, divisor_override) and adaptive average, and
// the backward of the two averages.
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "backends/cpu/cpu_backend.h"
#include "backends/cpu/loops.h"

namespace dl::cpu {

namespace {

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
// there; NaN is the maximum (the first one found), as in PyTorch.
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
      if (std::isnan(v)) return {v, ih * p.W + iw};
      if (at < 0 || v > best) best = v, at = ih * p.W + iw;
    }
  }
  return {best, at};
}

template <typename T>
void max_pool(const KernelCall& c) {
  const Window2d& win = c.attrs.window;
  const Planes p = planes_of(*c.in[0], *c.out[0]);
  const T* x = c.in[0]->data_ptr<T>();
  T* y = c.out[0]->data_ptr<T>();
  int64_t* idx = c.out[1]->data_ptr<int64_t>();
  parallel_for_rows(p.count, p.H * p.W, [&](int64_t begin, int64_t end) {
    for (int64_t q = begin; q < end; ++q)
      for (int64_t oh = 0; oh < p.Ho; ++oh)
        for (int64_t ow = 0; ow < p.Wo; ++ow) {
          const auto [value, at] = window_max(x + q * p.H * p.W, win, p, oh, ow);
          y[(q * p.Ho + oh) * p.Wo + ow] = value;
          idx[(q * p.Ho + oh) * p.Wo + ow] = at;
        }
  });
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
  });
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
  });
}

void max_pool2d_kernel(const KernelCall& c) {
  dispatch_floating(c.out[0]->dtype(), "max_pool2d", [&](auto tag) { max_pool<typename decltype(tag)::type>(c); });
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
  b.set(OpId::avg_pool2d, avg_pool2d_kernel, kFloatTypes);
  b.set(OpId::adaptive_avg_pool2d, avg_pool2d_kernel, kFloatTypes);
  b.set(OpId::avg_pool2d_grad, avg_pool2d_grad_kernel, kFloatTypes);
}

}  // namespace dl::cpu
