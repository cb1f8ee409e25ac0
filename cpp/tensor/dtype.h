// Element types, their sizes and names, type promotion, and DL_DISPATCH for
// instantiating a kernel body once per C++ element type.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/error.h"

namespace dl {

// Values equal the C ABI's dl_dtype.
enum class DType : int {
  Float32 = 0,
  Float64 = 1,
  Int64 = 2,
  Int32 = 3,
  UInt8 = 4,
  Bool = 5,
  Float16 = 6,
  BFloat16 = 7,
};
constexpr int kNumDTypes = 8;

size_t dtype_size(DType t);
const char* dtype_name(DType t);  // "float32", ...
bool dtype_valid(int value);
inline bool is_floating(DType t) {
  return t == DType::Float32 || t == DType::Float64 || t == DType::Float16 || t == DType::BFloat16;
}
inline bool is_integral(DType t) { return t == DType::Int64 || t == DType::Int32 || t == DType::UInt8; }

// PyTorch's promotion among tensors of equal standing:
// bool < uint8 < int32 < int64 < float32 < float64.
DType promote_types(DType a, DType b);

// Category used when a 0-dim tensor meets a dimensioned one: 0 bool, 1 integer, 2 float.
inline int dtype_category(DType t) { return t == DType::Bool ? 0 : is_integral(t) ? 1 : 2; }

template <typename T>
struct TypeTag {
  using type = T;
};

}  // namespace dl

// DL_DISPATCH_TYPES(dtype, "name", body) runs body (a generic lambda taking a
// TypeTag) with the C++ type of dtype. Half types are not computed on the CPU.
#define DL_DISPATCH_CASE(DT, CT) \
  case ::dl::DType::DT:          \
    return body(::dl::TypeTag<CT>{});

namespace dl {
template <typename Body>
decltype(auto) dispatch_all(DType t, const char* what, Body&& body) {
  switch (t) {
    DL_DISPATCH_CASE(Float32, float)
    DL_DISPATCH_CASE(Float64, double)
    DL_DISPATCH_CASE(Int64, int64_t)
    DL_DISPATCH_CASE(Int32, int32_t)
    DL_DISPATCH_CASE(UInt8, uint8_t)
    DL_DISPATCH_CASE(Bool, bool)
    default:
      fail(Status::Unsupported, what, ": dtype ", dtype_name(t), " is not supported on the CPU");
  }
}
template <typename Body>
decltype(auto) dispatch_floating(DType t, const char* what, Body&& body) {
  switch (t) {
    DL_DISPATCH_CASE(Float32, float)
    DL_DISPATCH_CASE(Float64, double)
    default:
      fail(Status::DType, what, ": expected a floating-point tensor (float32 or float64), got ",
           dtype_name(t));
  }
}
template <typename Body>
decltype(auto) dispatch_numeric(DType t, const char* what, Body&& body) {
  switch (t) {
    DL_DISPATCH_CASE(Float32, float)
    DL_DISPATCH_CASE(Float64, double)
    DL_DISPATCH_CASE(Int64, int64_t)
    DL_DISPATCH_CASE(Int32, int32_t)
    DL_DISPATCH_CASE(UInt8, uint8_t)
    default:
      fail(Status::DType, what, ": dtype ", dtype_name(t), " is not supported");
  }
}
}  // namespace dl
