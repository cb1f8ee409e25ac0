#include "handles.h"

#include <cstring>
#include <string>

namespace dl::capi {

namespace {
thread_local std::string t_message;
}

// Engine messages start with the engine function's name ("matmul: shapes
// ..."); when the C function wraps exactly that function ("dl_matmul",
// "dl_tensor_randn" for "randn") the name is said once.
void set_error(const char* fn, const char* what) {
  t_message = fn;
  t_message += ": ";
  const char* colon = std::strstr(what, ": ");
  if (colon) {
    std::string engine_name(what, static_cast<size_t>(colon - what));
    std::string c_name(fn);
    bool same = engine_name.find(' ') == std::string::npos && c_name.size() > engine_name.size() &&
                c_name.compare(c_name.size() - engine_name.size(), engine_name.size(), engine_name) == 0 &&
                c_name[c_name.size() - engine_name.size() - 1] == '_';
    if (same) what = colon + 2;
  }
  t_message += what;
}

void set_error_message(const char* message) { t_message = message ? message : ""; }

void clear_error() {
  if (!t_message.empty()) t_message.clear();
}

const char* last_error() { return t_message.c_str(); }

void check_tag(const void* h, uint32_t want, const char* type, const char* arg) {
  DL_CHECK(h != nullptr, Status::InvalidArgument, "argument '", arg, "' is NULL");
  uint32_t tag = *static_cast<const uint32_t*>(h);
  if (tag == want) return;
  if (tag == kFreedTag) fail(Status::InvalidArgument, "argument '", arg, "' is a freed handle");
  if (tag == kReleasedTag && want == kTensorTag)
    fail(Status::InvalidArgument, "argument '", arg, "' was released by scope");
  fail(Status::InvalidArgument, "argument '", arg, "' is not a ", type, " handle");
}

const Tensor& tensor_of(const dl_tensor* h, const char* arg) {
  check_tag(h, kTensorTag, "dl_tensor", arg);
  return h->tensor;
}

Dims dims_of(const int64_t* values, int n, const char* arg) {
  DL_CHECK(n >= 0 && n <= 64, Status::InvalidArgument, "argument '", arg, "': ", n,
           " dims is out of range [0, 64]");
  DL_CHECK(n == 0 || values != nullptr, Status::InvalidArgument, "argument '", arg, "' is NULL");
  return n ? Dims(values, values + n) : Dims();
}

DType dtype_of(const dl_dtype& dtype, const char* arg) {
  int value = enum_value(dtype);
  DL_CHECK(dtype_valid(value), Status::InvalidArgument, "argument '", arg, "': ", value, " is not a dl_dtype");
  return static_cast<DType>(value);
}

Device device_of(const dl_device& d, const char* arg) {
  int type = enum_value(d.type);
  DL_CHECK((type == DL_CPU || type == DL_CUDA) && d.index >= 0, Status::Device, "argument '", arg, "' {type ", type,
           ", index ", d.index, "} is not a device");
  return Device{static_cast<DeviceType>(type), d.index};
}

}  // namespace dl::capi
