// CPU fused optimizer updates (sgd_update, adam_update): one pass over the
// parameter, its gradient and its state, in place, following the arithmetic
// of torch.optim's single-tensor SGD and Adam/AdamW step by step so results
// agree with PyTorch's to rounding. The op layer has checked that every
// tensor is contiguous with the parameter's shape, dtype and device.
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "backends/cpu/cpu_backend.h"
#include "backends/cpu/loops.h"

namespace dl::cpu {

namespace {

// Runs body(std::bool_constant<flag>) for the run-time flag, so the loops
// below are specialized: no branch in them, and the compiler vectorizes them.
template <typename Body>
void with_flag(bool flag, Body&& body) {
  if (flag) body(std::true_type{});
  else body(std::false_type{});
}

// p -= lr * d, where d = g + weight_decay * p and, with momentum,
// buf = first ? d : momentum * buf + (1 - dampening) * d;
// d = nesterov ? d + momentum * buf : buf.
void sgd_update_kernel(const KernelCall& c) {
  const OptimAttrs& a = c.attrs.optim;
  dispatch_floating(c.out[0]->dtype(), "sgd_update", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* __restrict p = c.out[0]->data_ptr<T>();
    T* __restrict buf = c.out[1] ? c.out[1]->data_ptr<T>() : nullptr;
    const T* __restrict g = c.in[0]->data_ptr<T>();
    const T lr = static_cast<T>(a.lr), wd = static_cast<T>(a.weight_decay);
    const T momentum = static_cast<T>(a.momentum), keep = static_cast<T>(1.0 - a.dampening);
    with_flag(wd != T(0), [&](auto decay) {
      with_flag(buf != nullptr, [&](auto has_momentum) {
        with_flag(a.first_step, [&](auto first) {
          with_flag(a.nesterov, [&](auto nesterov) {
            parallel_for(c.out[0]->numel(), [&](int64_t begin, int64_t end) {
              for (int64_t i = begin; i < end; ++i) {
                T d = decay ? g[i] + wd * p[i] : g[i];
                if constexpr (has_momentum) {
                  const T b = first ? d : momentum * buf[i] + keep * d;
                  buf[i] = b;
                  d = nesterov ? d + momentum * b : b;
                }
                p[i] -= lr * d;
              }
            });
          });
        });
      });
    });
  });
}

// Adam: g += weight_decay * p (AdamW instead: p *= 1 - lr * weight_decay);
// m = lerp(m, g, 1 - beta1); v = beta2 * v + (1 - beta2) * g * g;
// vmax = max(vmax, v) with amsgrad; p -= step_size * m / (sqrt(v or vmax) / bc2_sqrt + eps).
void adam_update_kernel(const KernelCall& c) {
  const OptimAttrs& a = c.attrs.optim;
  dispatch_floating(c.out[0]->dtype(), "adam_update", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* __restrict p = c.out[0]->data_ptr<T>();
    T* __restrict m = c.out[1]->data_ptr<T>();
    T* __restrict v = c.out[2]->data_ptr<T>();
    T* __restrict vmax = c.out[3] ? c.out[3]->data_ptr<T>() : nullptr;
    const T* __restrict g = c.in[0]->data_ptr<T>();
    const T wd = a.decoupled ? T(0) : static_cast<T>(a.weight_decay);
    const T decay = static_cast<T>(a.decoupled ? 1.0 - a.lr * a.weight_decay : 1.0);
    const T w1 = static_cast<T>(1.0 - a.beta1), beta2 = static_cast<T>(a.beta2), w2 = static_cast<T>(1.0 - a.beta2);
    const T step_size = static_cast<T>(a.step_size), bc2_sqrt = static_cast<T>(a.bias_correction2_sqrt);
    const T eps = static_cast<T>(a.eps);
    with_flag(wd != T(0), [&](auto coupled_decay) {
      with_flag(vmax != nullptr, [&](auto amsgrad) {
        parallel_for(c.out[0]->numel(), [&](int64_t begin, int64_t end) {
          for (int64_t i = begin; i < end; ++i) {
            const T gi = coupled_decay ? g[i] + wd * p[i] : g[i];
            const T pi = p[i] * decay;
            const T mi = m[i] + w1 * (gi - m[i]);
            const T vi = beta2 * v[i] + w2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            T second = vi;
            if constexpr (amsgrad) second = vmax[i] = std::max(vmax[i], vi);
            p[i] = pi - step_size * (mi / (std::sqrt(second) / bc2_sqrt + eps));
          }
        });
      });
    });
  });
}

}  // namespace

void register_optim(Backend& b) {
  b.set(OpId::sgd_update, sgd_update_kernel, kFloatTypes);
  b.set(OpId::adam_update, adam_update_kernel, kFloatTypes);
}

}  // namespace dl::cpu
