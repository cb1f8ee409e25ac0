// CPU reductions: sum, amax, amin over a set of dims, and max/min with
// indices along one dim. Results do not depend on the thread count: every
// reduction runs in one fixed order.
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "backends/cpu/cpu_backend.h"
#include "backends/cpu/loops.h"

namespace dl::cpu {

namespace {

template <typename T>
bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>) return std::isnan(v);
  return false;
}

// Floats accumulate in double; integers (already widened to int64) in int64.
template <typename T>
using SumAcc = std::conditional_t<std::is_floating_point_v<T>, double, T>;

// Strides (in elements) of a contiguous keepdim-shaped accumulator indexed by
// x's position: 0 along the reduced dims.
Dims accumulator_strides(const Tensor& x, const Dims& dims) {
  Dims shape = x.sizes();
  for (int64_t d : dims) shape[static_cast<size_t>(d)] = 1;
  Dims strides = contiguous_strides(shape);
  for (int64_t d : dims) strides[static_cast<size_t>(d)] = 0;
  return strides;
}

// acc[j] = combine(acc[j], x[i]) over every element i of x, j its reduced position.
template <typename T, typename Acc, typename Combine>
void accumulate(const Tensor& x, const Dims& dims, std::vector<Acc>& acc, Combine combine) {
  Dims acc_strides = accumulator_strides(x, dims);
  StridedLoop<2> loop(x.sizes(), {Operand{reinterpret_cast<char*>(acc.data()), acc_strides.data(),
                                          static_cast<int64_t>(sizeof(Acc))},
                                  operand(x)});
  loop.run(0, loop.numel(), [&](const std::array<char*, 2>& p, const std::array<int64_t, 2>& s, int64_t n) {
    Acc* a = reinterpret_cast<Acc*>(p[0]);
    const T* v = reinterpret_cast<const T*>(p[1]);
    if (s[0] == 0) {
      Acc r = *a;
      for (int64_t i = 0; i < n; ++i) r = combine(r, v[i * s[1]]);
      *a = r;
    } else {
      for (int64_t i = 0; i < n; ++i) a[i * s[0]] = combine(a[i * s[0]], v[i * s[1]]);
    }
  });
}

void sum_kernel(const KernelCall& c) {
  const Tensor& x = *c.in[0];
  Tensor& out = *c.out[0];
  dispatch_numeric(x.dtype(), "sum", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using Acc = SumAcc<T>;
    std::vector<Acc> acc(static_cast<size_t>(out.numel()), Acc(0));
    accumulate<T, Acc>(x, c.attrs.dims, acc, [](Acc r, T v) { return r + static_cast<Acc>(v); });
    T* o = out.data_ptr<T>();
    for (size_t i = 0; i < acc.size(); ++i) o[i] = static_cast<T>(acc[i]);
  });
}

// amax/amin: NaN wins, as in PyTorch.
void extremum_kernel(const KernelCall& c) {
  const Tensor& x = *c.in[0];
  Tensor& out = *c.out[0];
  bool is_max = c.op == OpId::amax;
  dispatch_all(x.dtype(), op_name(c.op), [&](auto tag) {
    using T = typename decltype(tag)::type;
    using Acc = std::conditional_t<std::is_same_v<T, bool>, uint8_t, T>;  // std::vector<bool> has no data()
    T init = is_max ? (std::is_floating_point_v<T> ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest())
                    : (std::is_floating_point_v<T> ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max());
    std::vector<Acc> acc(static_cast<size_t>(out.numel()), static_cast<Acc>(init));
    if (is_max)
      accumulate<T, Acc>(x, c.attrs.dims, acc, [](Acc r, T v) { return is_nan(r) || (!is_nan(v) && r >= v) ? r : static_cast<Acc>(v); });
    else
      accumulate<T, Acc>(x, c.attrs.dims, acc, [](Acc r, T v) { return is_nan(r) || (!is_nan(v) && r <= v) ? r : static_cast<Acc>(v); });
    T* o = out.data_ptr<T>();
    for (size_t i = 0; i < acc.size(); ++i) o[i] = static_cast<T>(acc[i]);
  });
}

// Along attrs.dim: values and the index of the first extremum (NaN counts as
// the extremum, as in PyTorch).
void indexed_extremum_kernel(const KernelCall& c) {
  const Tensor& x = *c.in[0];
  Tensor& values = *c.out[0];
  Tensor& indices = *c.out[1];
  const size_t d = static_cast<size_t>(c.attrs.dim);
  const int64_t n = x.sizes()[d], step = x.strides()[d];
  bool is_max = c.op == OpId::max_dim;
  dispatch_all(x.dtype(), op_name(c.op), [&](auto tag) {
    using T = typename decltype(tag)::type;
    // Walk the output positions; x's strides there address the first element of each slice.
    StridedLoop<3> loop(values.sizes(), {operand(values), operand(indices), operand(x)});
    loop.run(0, loop.numel(), [&](const std::array<char*, 3>& p, const std::array<int64_t, 3>& s, int64_t count) {
      for (int64_t j = 0; j < count; ++j) {
        const T* slice = reinterpret_cast<const T*>(p[2]) + j * s[2];
        T best = slice[0];
        int64_t best_i = 0;
        for (int64_t i = 1; i < n && !is_nan(best); ++i) {
          T v = slice[i * step];
          if (is_nan(v) || (is_max ? v > best : v < best)) {
            best = v;
            best_i = i;
          }
        }
        reinterpret_cast<T*>(p[0])[j * s[0]] = best;
        reinterpret_cast<int64_t*>(p[1])[j * s[1]] = best_i;
      }
    });
  });
}

}  // namespace

void register_reduce(Backend& b) {
  b.set(OpId::sum, sum_kernel, kFloatTypes | dtype_bit(DType::Int64));
  b.set(OpId::amax, extremum_kernel, kAllTypes);
  b.set(OpId::amin, extremum_kernel, kAllTypes);
  b.set(OpId::max_dim, indexed_extremum_kernel, kAllTypes);
  b.set(OpId::min_dim, indexed_extremum_kernel, kAllTypes);
}

}  // namespace dl::cpu
