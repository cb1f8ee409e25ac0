// CPU softmax and log_softmax along one dim of a contiguous input:
// x viewed as [outer, n, inner]; the max is subtracted before exp.
#include <cmath>
#include <vector>

#include "backends/cpu/cpu_backend.h"
#include "backends/cpu/loops.h"

namespace dl::cpu {

namespace {

void softmax_kernel(const KernelCall& c) {
  const Tensor& x = *c.in[0];
  Tensor& out = *c.out[0];
  const bool log_space = c.op == OpId::log_softmax;
  int64_t outer = 1, inner = 1, n = 1;
  if (x.dim() > 0) {
    size_t d = static_cast<size_t>(c.attrs.dim);
    n = x.sizes()[d];
    for (size_t i = 0; i < d; ++i) outer *= x.sizes()[i];
    for (size_t i = d + 1; i < x.sizes().size(); ++i) inner *= x.sizes()[i];
  }
  dispatch_floating(x.dtype(), op_name(c.op), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* in = x.data_ptr<T>();
    T* o = out.data_ptr<T>();
    // Rows are independent, so splitting them across threads changes nothing.
    parallel_for(outer * inner, [&](int64_t first, int64_t last) {
    for (int64_t row = first; row < last; ++row) {
      int64_t base = (row / inner) * n * inner + row % inner;
      const T* xr = in + base;
      T* yr = o + base;
      T m = xr[0];
      for (int64_t i = 1; i < n; ++i) m = xr[i * inner] > m ? xr[i * inner] : m;
      if (std::isinf(m) && m < 0) m = 0;  // a row of -inf: avoid inf - inf
      double total = 0;
      for (int64_t i = 0; i < n; ++i) total += std::exp(static_cast<double>(xr[i * inner] - m));
      if (log_space) {
        T lse = static_cast<T>(std::log(total));
        for (int64_t i = 0; i < n; ++i) yr[i * inner] = xr[i * inner] - m - lse;
      } else {
        T inv = static_cast<T>(1.0 / total);
        for (int64_t i = 0; i < n; ++i) yr[i * inner] = std::exp(xr[i * inner] - m) * inv;
      }
    }
    });
  });
}

}  // namespace

void register_softmax(Backend& b) {
  b.set(OpId::softmax, softmax_kernel, kFloatTypes);
  b.set(OpId::log_softmax, softmax_kernel, kFloatTypes);
}

}  // namespace dl::cpu
