// CPU elementwise kernels: unary math, binary arithmetic and comparisons,
// where, clamp, relu's backward, fill and the dtype-converting strided copy.
#include <cmath>
#include <cstring>
#include <type_traits>

#include "backends/cpu/cpu_backend.h"
#include "backends/cpu/loops.h"

namespace dl::cpu {

namespace {

template <typename T>
bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>) return std::isnan(v);
  return false;
}

// out[i] = f(x[i]) for out, x of one dtype T.
template <typename T, typename F>
void map_unary(const Tensor& x, Tensor& out, F f) {
  if (x.is_contiguous() && out.is_contiguous()) {
    const T* a = x.data_ptr<T>();
    T* o = out.data_ptr<T>();
    parallel_for(out.numel(), [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) o[i] = f(a[i]);
    });
    return;
  }
  StridedLoop<2> loop(out.sizes(), {operand(out), operand(x)});
  loop.parallel_run([&](const std::array<char*, 2>& p, const std::array<int64_t, 2>& s, int64_t n) {
    T* o = reinterpret_cast<T*>(p[0]);
    const T* a = reinterpret_cast<const T*>(p[1]);
    if (s[0] == 1 && s[1] == 1) {
      for (int64_t i = 0; i < n; ++i) o[i] = f(a[i]);
    } else {
      for (int64_t i = 0; i < n; ++i) o[i * s[0]] = f(a[i * s[1]]);
    }
  });
}

// out[i] = f(a[i], b[i]); a and b of dtype T, out of dtype R.
template <typename T, typename R, typename F>
void map_binary(const Tensor& a, const Tensor& b, Tensor& out, F f) {
  if (a.is_contiguous() && b.is_contiguous() && out.is_contiguous()) {
    const T* x = a.data_ptr<T>();
    const T* y = b.data_ptr<T>();
    R* o = out.data_ptr<R>();
    parallel_for(out.numel(), [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) o[i] = f(x[i], y[i]);
    });
    return;
  }
  StridedLoop<3> loop(out.sizes(), {operand(out), operand(a), operand(b)});
  loop.parallel_run([&](const std::array<char*, 3>& p, const std::array<int64_t, 3>& s, int64_t n) {
    R* o = reinterpret_cast<R*>(p[0]);
    const T* x = reinterpret_cast<const T*>(p[1]);
    const T* y = reinterpret_cast<const T*>(p[2]);
    if (s[0] == 1 && s[1] == 1 && s[2] == 1) {
      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], y[i]);
    } else if (s[0] == 1 && s[1] == 1 && s[2] == 0) {
      const T yv = *y;
      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], yv);
    } else if (s[0] == 1 && s[1] == 0 && s[2] == 1) {
      const T xv = *x;
      for (int64_t i = 0; i < n; ++i) o[i] = f(xv, y[i]);
    } else {
      for (int64_t i = 0; i < n; ++i) o[i * s[0]] = f(x[i * s[1]], y[i * s[2]]);
    }
  });
}

template <typename T>
T int_pow(T base, T exponent) {
  if (exponent < 0) return base == 1 ? T(1) : base == T(-1) ? (exponent % 2 ? T(-1) : T(1)) : T(0);
  T result = 1;
  while (exponent) {
    if (exponent & 1) result = static_cast<T>(result * base);
    base = static_cast<T>(base * base);
    exponent = static_cast<T>(exponent >> 1);
  }
  return result;
}

template <typename T>
T sigmoid_of(T v) {
  // Split on the sign so exp never overflows.
  if (v >= T(0)) return T(1) / (T(1) + std::exp(-v));
  T e = std::exp(v);
  return e / (T(1) + e);
}

void unary_kernel(const KernelCall& c) {
  const Tensor& x = *c.in[0];
  Tensor& out = *c.out[0];
  dispatch_numeric(x.dtype(), op_name(c.op), [&](auto tag) {
    using T = typename decltype(tag)::type;
    switch (c.op) {
      case OpId::neg: return map_unary<T>(x, out, [](T v) { return static_cast<T>(-v); });
      case OpId::abs:
        return map_unary<T>(x, out, [](T v) {
          if constexpr (std::is_unsigned_v<T>) return v;
          else return static_cast<T>(v < T(0) ? -v : v);
        });
      case OpId::relu: return map_unary<T>(x, out, [](T v) { return v > T(0) || is_nan(v) ? v : T(0); });
      default: break;
    }
    if constexpr (std::is_floating_point_v<T>) {
      switch (c.op) {
        case OpId::exp: return map_unary<T>(x, out, [](T v) { return std::exp(v); });
        case OpId::log: return map_unary<T>(x, out, [](T v) { return std::log(v); });
        case OpId::sqrt: return map_unary<T>(x, out, [](T v) { return std::sqrt(v); });
        case OpId::sigmoid: return map_unary<T>(x, out, [](T v) { return sigmoid_of(v); });
        case OpId::tanh: return map_unary<T>(x, out, [](T v) { return std::tanh(v); });
        case OpId::erf: return map_unary<T>(x, out, [](T v) { return std::erf(v); });
        default: break;
      }
    }
  });
}

// out = g where y > 0, else 0 (y is relu's output; NaN gives 0, as PyTorch's threshold_backward).
void relu_backward_kernel(const KernelCall& c) {
  dispatch_numeric(c.out[0]->dtype(), "relu_backward", [&](auto tag) {
    using T = typename decltype(tag)::type;
    map_binary<T, T>(*c.in[0], *c.in[1], *c.out[0], [](T g, T y) { return y > T(0) ? g : T(0); });
  });
}

void clamp_kernel(const KernelCall& c) {
  const Tensor& x = *c.in[0];
  Tensor& out = *c.out[0];
  bool has_lo = !std::isnan(c.attrs.lo), has_hi = !std::isnan(c.attrs.hi);
  dispatch_numeric(x.dtype(), "clamp", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T lo = has_lo ? static_cast<T>(c.attrs.lo) : T(0), hi = has_hi ? static_cast<T>(c.attrs.hi) : T(0);
    map_unary<T>(x, out, [=](T v) {
      if (is_nan(v)) return v;
      if (has_lo && v < lo) v = lo;
      if (has_hi && v > hi) v = hi;
      return v;
    });
  });
}

void arithmetic_kernel(const KernelCall& c) {
  const Tensor& a = *c.in[0];
  const Tensor& b = *c.in[1];
  Tensor& out = *c.out[0];
  dispatch_all(a.dtype(), op_name(c.op), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, bool>) {
      // bool add is logical or, mul logical and; max/min likewise (PyTorch).
      switch (c.op) {
        case OpId::add: case OpId::maximum: return map_binary<T, T>(a, b, out, [](T x, T y) { return x || y; });
        case OpId::mul: case OpId::minimum: return map_binary<T, T>(a, b, out, [](T x, T y) { return x && y; });
        default: return;
      }
    } else {
      switch (c.op) {
        case OpId::add: return map_binary<T, T>(a, b, out, [](T x, T y) { return static_cast<T>(x + y); });
        case OpId::sub: return map_binary<T, T>(a, b, out, [](T x, T y) { return static_cast<T>(x - y); });
        case OpId::mul: return map_binary<T, T>(a, b, out, [](T x, T y) { return static_cast<T>(x * y); });
        case OpId::div: return map_binary<T, T>(a, b, out, [](T x, T y) { return static_cast<T>(x / y); });
        case OpId::maximum:
          return map_binary<T, T>(a, b, out, [](T x, T y) { return is_nan(x) || x > y ? x : y; });
        case OpId::minimum:
          return map_binary<T, T>(a, b, out, [](T x, T y) { return is_nan(x) || x < y ? x : y; });
        case OpId::pow:
          if constexpr (std::is_floating_point_v<T>)
            return map_binary<T, T>(a, b, out, [](T x, T y) { return std::pow(x, y); });
          else
            return map_binary<T, T>(a, b, out, [](T x, T y) { return int_pow<T>(x, y); });
        default: return;
      }
    }
  });
}

void compare_kernel(const KernelCall& c) {
  const Tensor& a = *c.in[0];
  const Tensor& b = *c.in[1];
  Tensor& out = *c.out[0];
  dispatch_all(a.dtype(), op_name(c.op), [&](auto tag) {
    using T = typename decltype(tag)::type;
    switch (c.op) {
      case OpId::eq: return map_binary<T, bool>(a, b, out, [](T x, T y) { return x == y; });
      case OpId::ne: return map_binary<T, bool>(a, b, out, [](T x, T y) { return x != y; });
      case OpId::lt: return map_binary<T, bool>(a, b, out, [](T x, T y) { return x < y; });
      case OpId::le: return map_binary<T, bool>(a, b, out, [](T x, T y) { return x <= y; });
      case OpId::gt: return map_binary<T, bool>(a, b, out, [](T x, T y) { return x > y; });
      case OpId::ge: return map_binary<T, bool>(a, b, out, [](T x, T y) { return x >= y; });
      default: return;
    }
  });
}

void where_kernel(const KernelCall& c) {
  const Tensor& cond = *c.in[0];
  const Tensor& a = *c.in[1];
  const Tensor& b = *c.in[2];
  Tensor& out = *c.out[0];
  dispatch_all(a.dtype(), "where", [&](auto tag) {
    using T = typename decltype(tag)::type;
    StridedLoop<4> loop(out.sizes(), {operand(out), operand(cond), operand(a), operand(b)});
    loop.parallel_run([&](const std::array<char*, 4>& p, const std::array<int64_t, 4>& s, int64_t n) {
      T* o = reinterpret_cast<T*>(p[0]);
      const bool* m = reinterpret_cast<const bool*>(p[1]);
      const T* x = reinterpret_cast<const T*>(p[2]);
      const T* y = reinterpret_cast<const T*>(p[3]);
      for (int64_t i = 0; i < n; ++i) o[i * s[0]] = m[i * s[1]] ? x[i * s[2]] : y[i * s[3]];
    });
  });
}

void fill_kernel(const KernelCall& c) {
  Tensor& out = *c.out[0];
  dispatch_all(out.dtype(), "fill", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T v = static_cast<T>(c.attrs.value);
    StridedLoop<1> loop(out.sizes(), {operand(out)});
    loop.parallel_run([&](const std::array<char*, 1>& p, const std::array<int64_t, 1>& s, int64_t n) {
      T* o = reinterpret_cast<T*>(p[0]);
      if (s[0] == 1) {
        for (int64_t i = 0; i < n; ++i) o[i] = v;
      } else {
        for (int64_t i = 0; i < n; ++i) o[i * s[0]] = v;
      }
    });
  });
}

template <typename To, typename From>
To convert(From v) {
  if constexpr (std::is_same_v<To, bool>) return v != From(0);
  else return static_cast<To>(v);
}

void copy_kernel(const KernelCall& c) {
  const Tensor& src = *c.in[0];
  Tensor& dst = *c.out[0];
  StridedLoop<2> loop(dst.sizes(), {operand(dst), operand(src)});
  if (src.dtype() == dst.dtype()) {
    const int64_t size = static_cast<int64_t>(src.itemsize());
    loop.parallel_run([&](const std::array<char*, 2>& p, const std::array<int64_t, 2>& s, int64_t n) {
      if (s[0] == 1 && s[1] == 1) {
        std::memcpy(p[0], p[1], static_cast<size_t>(n * size));
      } else {
        for (int64_t i = 0; i < n; ++i) std::memcpy(p[0] + i * s[0] * size, p[1] + i * s[1] * size, size);
      }
    });
    return;
  }
  dispatch_all(dst.dtype(), "copy", [&](auto to_tag) {
    using To = typename decltype(to_tag)::type;
    dispatch_all(src.dtype(), "copy", [&](auto from_tag) {
      using From = typename decltype(from_tag)::type;
      loop.parallel_run([&](const std::array<char*, 2>& p, const std::array<int64_t, 2>& s, int64_t n) {
        To* o = reinterpret_cast<To*>(p[0]);
        const From* x = reinterpret_cast<const From*>(p[1]);
        for (int64_t i = 0; i < n; ++i) o[i * s[0]] = convert<To>(x[i * s[1]]);
      });
    });
  });
}

}  // namespace

void register_elementwise(Backend& b) {
  for (OpId op : {OpId::neg, OpId::abs, OpId::relu}) b.set(op, unary_kernel, kNumericTypes);
  for (OpId op : {OpId::exp, OpId::log, OpId::sqrt, OpId::sigmoid, OpId::tanh, OpId::erf}) b.set(op, unary_kernel, kFloatTypes);
  b.set(OpId::clamp, clamp_kernel, kNumericTypes);
  b.set(OpId::relu_backward, relu_backward_kernel, kNumericTypes);
  for (OpId op : {OpId::add, OpId::mul, OpId::maximum, OpId::minimum}) b.set(op, arithmetic_kernel, kAllTypes);
  for (OpId op : {OpId::sub, OpId::pow}) b.set(op, arithmetic_kernel, kNumericTypes);
  b.set(OpId::div, arithmetic_kernel, kFloatTypes);
  for (OpId op : {OpId::eq, OpId::ne, OpId::lt, OpId::le, OpId::gt, OpId::ge}) b.set(op, compare_kernel, kAllTypes);
  b.set(OpId::where, where_kernel, kAllTypes);
  b.set(OpId::fill, fill_kernel, kAllTypes);
  b.set(OpId::copy, copy_kernel, kAllTypes);
}

}  // namespace dl::cpu
