#include "ops/creation.h"

#include <cmath>
#include <cstring>

#include "autograd/derivatives.h"
#include "base/error.h"
#include "ops/op_table.h"
#include "ops/op_utils.h"
#include "ops/view.h"
#include "tensor/generator.h"

namespace dl {

namespace {

// Random values are generated on the host and then moved to the device, so a
// seed gives the same numbers on every device.
Tensor on_device(Tensor host, Device device) { return device.is_cpu() ? host : to_device(host, device); }

}  // namespace

Tensor from_data(const void* data, DType dtype, const Dims& shape, Device device) {
  Tensor host = Tensor::empty(shape, dtype, Device{});
  if (host.nbytes()) {
    DL_CHECK(data != nullptr, Status::InvalidArgument, "from_data: argument 'data' is NULL");
    std::memcpy(host.data(), data, host.nbytes());
  }
  return on_device(host, device);
}

void fill_(Tensor& x, double value) {
  detail::check_defined(x, "fill_", "x");
  KernelCall call(OpId::fill);
  call.out[0] = &x;
  call.attrs.value = value;
  dispatch(call);
  x.storage()->bump_version();
}

Tensor full(const Dims& shape, double value, DType dtype, Device device) {
  Tensor t = Tensor::empty(shape, dtype, device);
  fill_(t, value);
  return t;
}

Tensor zeros(const Dims& shape, DType dtype, Device device) { return full(shape, 0.0, dtype, device); }
Tensor ones(const Dims& shape, DType dtype, Device device) { return full(shape, 1.0, dtype, device); }

Tensor arange(double start, double end, double step, DType dtype, Device device) {
  DL_CHECK(step != 0.0 && std::isfinite(step), Status::InvalidArgument, "arange: argument 'step' must be finite and nonzero");
  DL_CHECK(std::isfinite(start) && std::isfinite(end), Status::InvalidArgument,
           "arange: arguments 'start' and 'end' must be finite");
  DL_CHECK((step > 0 && end >= start) || (step < 0 && end <= start), Status::InvalidArgument,
           "arange: upper bound and lower bound are inconsistent with the step sign (start ", start, ", end ", end,
           ", step ", step, ")");
  int64_t n = static_cast<int64_t>(std::ceil((end - start) / step));
  Tensor host = Tensor::empty({n}, dtype, Device{});
  dispatch_numeric(dtype, "arange", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = host.data_ptr<T>();
    for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(start + static_cast<double>(i) * step);
  });
  return on_device(host, device);
}

Tensor rand(const Dims& shape, DType dtype, Device device) {
  Tensor host = Tensor::empty(shape, dtype, Device{});
  int64_t n = host.numel();
  dispatch_floating(dtype, "rand", [&](auto tag) {
    using T = typename decltype(tag)::type;
    uint64_t counters = std::is_same_v<T, float> ? counters_for_float(n) : counters_for_double(n);
    fill_uniform(reserve_counters(counters), host.data_ptr<T>(), n);
  });
  return on_device(host, device);
}

Tensor randn(const Dims& shape, DType dtype, Device device) {
  Tensor host = Tensor::empty(shape, dtype, Device{});
  int64_t n = host.numel();
  dispatch_floating(dtype, "randn", [&](auto tag) {
    using T = typename decltype(tag)::type;
    uint64_t counters = std::is_same_v<T, float> ? counters_for_float(n) : counters_for_double(n);
    fill_normal(reserve_counters(counters), host.data_ptr<T>(), n);
  });
  return on_device(host, device);
}

Tensor randint(int64_t low, int64_t high, const Dims& shape, DType dtype, Device device) {
  DL_CHECK(low < high, Status::InvalidArgument, "randint: expected low < high, got low ", low, " and high ", high);
  Tensor values = Tensor::empty(shape, DType::Int64, Device{});
  int64_t n = values.numel();
  fill_randint(reserve_counters(counters_for_double(n)), low, high, values.data_ptr<int64_t>(), n);
  return on_device(detail::cast(values, dtype), device);
}

Tensor eye(int64_t n, int64_t m, DType dtype, Device device) {
  if (m < 0) m = n;
  DL_CHECK(n >= 0, Status::InvalidArgument, "eye: argument 'n' must be non-negative, got ", n);
  Tensor t = zeros({n, m}, dtype, device);
  Tensor diagonal = t.as_strided({n < m ? n : m}, {m + 1}, 0);
  fill_(diagonal, 1.0);
  return t;
}

Tensor to_device(const Tensor& x, Device device) {
  detail::check_defined(x, "to_device", "x");
  if (x.device() == device) return x;
  // Only the CPU backend exists in this build; backend_for reports the rest.
  Tensor out = Tensor::empty(x.sizes(), x.dtype(), device);
  copy_(out, x);
  return out;
}

DL_NO_BACKWARD(fill)

}  // namespace dl
