// Tensor creation, inspection, copies and conversion.
#include <cstring>

#include "handles.h"
#include "ops/creation.h"
#include "ops/view.h"

using namespace dl;
using namespace dl::capi;

namespace {

void check_nbytes(const Tensor& t, size_t nbytes) {
  DL_CHECK(nbytes == t.nbytes(), Status::InvalidArgument, "argument 'nbytes' is ", nbytes, ", the tensor of shape ",
           shape_str(t.sizes()), " and dtype ", dtype_name(t.dtype()), " has ", t.nbytes(), " bytes");
}

}  // namespace

extern "C" {

DL_API dl_status dl_tensor_from_data(const void* data, dl_dtype dtype, const int64_t* shape, int ndim,
                                     dl_tensor** out) {
  return tensor_result("dl_tensor_from_data", out, [&] {
    Dims s = dims_of(shape, ndim, "shape");
    DType dt = dtype_of(dtype, "dtype");
    DL_CHECK(data != nullptr || shape_numel(s) == 0, Status::InvalidArgument, "argument 'data' is NULL");
    DL_CHECK(dt != DType::Float16 && dt != DType::BFloat16, Status::Unsupported, "argument 'dtype': ",
             dtype_name(dt), " tensors are not supported on the CPU");
    return from_data(data, dt, s);
  });
}

DL_API dl_status dl_tensor_zeros(const int64_t* shape, int ndim, dl_dtype dtype, dl_tensor** out) {
  return tensor_result("dl_tensor_zeros", out, [&] { return zeros(dims_of(shape, ndim, "shape"), dtype_of(dtype, "dtype")); });
}

DL_API dl_status dl_tensor_ones(const int64_t* shape, int ndim, dl_dtype dtype, dl_tensor** out) {
  return tensor_result("dl_tensor_ones", out, [&] { return ones(dims_of(shape, ndim, "shape"), dtype_of(dtype, "dtype")); });
}

DL_API dl_status dl_tensor_full(const int64_t* shape, int ndim, double value, dl_dtype dtype, dl_tensor** out) {
  return tensor_result("dl_tensor_full", out,
                       [&] { return full(dims_of(shape, ndim, "shape"), value, dtype_of(dtype, "dtype")); });
}

DL_API dl_status dl_tensor_randn(const int64_t* shape, int ndim, dl_dtype dtype, dl_tensor** out) {
  return tensor_result("dl_tensor_randn", out, [&] { return randn(dims_of(shape, ndim, "shape"), dtype_of(dtype, "dtype")); });
}

DL_API dl_status dl_tensor_rand(const int64_t* shape, int ndim, dl_dtype dtype, dl_tensor** out) {
  return tensor_result("dl_tensor_rand", out, [&] { return rand(dims_of(shape, ndim, "shape"), dtype_of(dtype, "dtype")); });
}

DL_API dl_status dl_tensor_randint(int64_t low, int64_t high, const int64_t* shape, int ndim, dl_dtype dtype,
                                   dl_tensor** out) {
  return tensor_result("dl_tensor_randint", out, [&] {
    DType dt = dtype_of(dtype, "dtype");
    DL_CHECK(dt != DType::Bool && (is_integral(dt) || is_floating(dt)), Status::DType, "argument 'dtype': ",
             dtype_name(dt), " cannot hold random integers");
    return randint(low, high, dims_of(shape, ndim, "shape"), dt);
  });
}

DL_API dl_status dl_tensor_arange(double start, double end, double step, dl_dtype dtype, dl_tensor** out) {
  return tensor_result("dl_tensor_arange", out, [&] { return arange(start, end, step, dtype_of(dtype, "dtype")); });
}

DL_API dl_status dl_tensor_eye(int64_t n, int64_t m, dl_dtype dtype, dl_tensor** out) {
  return tensor_result("dl_tensor_eye", out, [&] { return eye(n, m, dtype_of(dtype, "dtype")); });
}

DL_API dl_status dl_tensor_ref(const dl_tensor* t, dl_tensor** out) {
  return tensor_result("dl_tensor_ref", out, [&] { return tensor_of(t, "t"); });
}

DL_API void dl_tensor_free(dl_tensor* t) {
  if (!t || (t->tag != kTensorTag && t->tag != kReleasedTag)) return;
  t->tensor = Tensor();
  t->tag = kFreedTag;
  t->scope_id = 0;
  pool<dl_tensor>().recycle(t);
}

DL_API dl_status dl_tensor_ndim(const dl_tensor* t, int* out) {
  return guarded("dl_tensor_ndim", [&] {
    DL_CHECK(out != nullptr, Status::InvalidArgument, "argument 'out' is NULL");
    *out = 0;
    *out = static_cast<int>(tensor_of(t, "t").dim());
  });
}

namespace {
dl_status copy_dims(const char* fn, const dl_tensor* t, int64_t* dst, int capacity, bool strides) {
  return guarded(fn, [&] {
    const Tensor& x = tensor_of(t, "t");
    const char* arg = strides ? "strides" : "shape";
    DL_CHECK(dst != nullptr, Status::InvalidArgument, "argument '", arg, "' is NULL");
    DL_CHECK(capacity >= x.dim(), Status::InvalidArgument, "argument 'capacity' is ", capacity, ", the tensor has ",
             x.dim(), " dims");
    const Dims& d = strides ? x.strides() : x.sizes();
    for (size_t i = 0; i < d.size(); ++i) dst[i] = d[i];
  });
}
}  // namespace

DL_API dl_status dl_tensor_shape(const dl_tensor* t, int64_t* shape, int capacity) {
  return copy_dims("dl_tensor_shape", t, shape, capacity, false);
}

DL_API dl_status dl_tensor_strides(const dl_tensor* t, int64_t* strides, int capacity) {
  return copy_dims("dl_tensor_strides", t, strides, capacity, true);
}

DL_API dl_status dl_tensor_numel(const dl_tensor* t, int64_t* out) {
  return guarded("dl_tensor_numel", [&] {
    DL_CHECK(out != nullptr, Status::InvalidArgument, "argument 'out' is NULL");
    *out = 0;
    *out = tensor_of(t, "t").numel();
  });
}

DL_API dl_status dl_tensor_dtype(const dl_tensor* t, dl_dtype* out) {
  return guarded("dl_tensor_dtype", [&] {
    DL_CHECK(out != nullptr, Status::InvalidArgument, "argument 'out' is NULL");
    *out = static_cast<dl_dtype>(tensor_of(t, "t").dtype());
  });
}

DL_API dl_status dl_tensor_device(const dl_tensor* t, dl_device* out) {
  return guarded("dl_tensor_device", [&] {
    DL_CHECK(out != nullptr, Status::InvalidArgument, "argument 'out' is NULL");
    Device d = tensor_of(t, "t").device();
    *out = dl_device{static_cast<dl_device_type>(d.type), d.index};
  });
}

DL_API dl_status dl_tensor_is_contiguous(const dl_tensor* t, int* out) {
  return guarded("dl_tensor_is_contiguous", [&] {
    DL_CHECK(out != nullptr, Status::InvalidArgument, "argument 'out' is NULL");
    *out = 0;
    *out = tensor_of(t, "t").is_contiguous() ? 1 : 0;
  });
}

DL_API dl_status dl_tensor_copy_to(const dl_tensor* t, void* buffer, size_t nbytes) {
  return guarded("dl_tensor_copy_to", [&] {
    const Tensor& x = tensor_of(t, "t");
    DL_CHECK(buffer != nullptr || nbytes == 0, Status::InvalidArgument, "argument 'buffer' is NULL");
    check_nbytes(x, nbytes);
    Tensor c = contiguous(x.device().is_cpu() ? x : to_device(x, Device{}));
    if (nbytes) std::memcpy(buffer, c.data(), nbytes);
  });
}

DL_API dl_status dl_tensor_item(const dl_tensor* t, double* out) {
  return guarded("dl_tensor_item", [&] {
    DL_CHECK(out != nullptr, Status::InvalidArgument, "argument 'out' is NULL");
    *out = 0;
    const Tensor& x = tensor_of(t, "t");
    DL_CHECK(x.numel() == 1, Status::Shape, "argument 't' has ", x.numel(),
             " elements; item needs exactly one (shape ", shape_str(x.sizes()), ")");
    Tensor d = contiguous(to_dtype(x, DType::Float64));
    *out = *d.data_ptr<double>();
  });
}

DL_API dl_status dl_tensor_copy_from(dl_tensor* t, const void* buffer, size_t nbytes) {
  return guarded("dl_tensor_copy_from", [&] {
    Tensor x = tensor_of(t, "t");
    DL_CHECK(buffer != nullptr || nbytes == 0, Status::InvalidArgument, "argument 'buffer' is NULL");
    check_nbytes(x, nbytes);
    Tensor src = from_data(buffer, x.dtype(), x.sizes(), x.device());
    copy_(x, src);
  });
}

DL_API dl_status dl_tensor_to(const dl_tensor* t, dl_device device, dl_tensor** out) {
  return tensor_result("dl_tensor_to", out, [&] {
    const Tensor& x = tensor_of(t, "t");
    return to_device(x, device_of(device, "device"));
  });
}

DL_API dl_status dl_tensor_to_dtype(const dl_tensor* t, dl_dtype dtype, dl_tensor** out) {
  return tensor_result("dl_tensor_to_dtype", out, [&] {
    DType dt = dtype_of(dtype, "dtype");
    DL_CHECK(dt != DType::Float16 && dt != DType::BFloat16, Status::Unsupported, "argument 'dtype': ",
             dtype_name(dt), " tensors are not supported on the CPU");
    return to_dtype(tensor_of(t, "t"), dt);
  });
}

}  // extern "C"
