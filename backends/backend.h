// The backend interface: what the engine needs from a device. A backend is a
// table of kernels indexed by OpId (null: not implemented), the dtypes each
// kernel accepts, and an allocator. backends/registry.cpp knows which
// backends were built; nothing else in the engine names a backend.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ops/op_table.h"
#include "tensor/device.h"
#include "tensor/dtype.h"

namespace dl {

using Kernel = void (*)(const KernelCall& call);

struct Allocator {
  void* (*allocate)(size_t nbytes);  // throws Error(OutOfMemory)
  void (*deallocate)(void* p, size_t nbytes);
};

struct Backend {
  const char* name = "";  // "cpu", "cuda"
  DeviceType device_type = DeviceType::CPU;
  Allocator allocator{};
  Kernel kernels[kOpCount] = {};
  uint32_t dtypes[kOpCount] = {};  // bit (1 << dtype) set when kernels[op] accepts it

  bool supports(OpId op, DType t) const {
    return kernels[static_cast<int>(op)] && (dtypes[static_cast<int>(op)] >> static_cast<int>(t) & 1u);
  }
  void set(OpId op, Kernel k, uint32_t dtype_mask) {
    kernels[static_cast<int>(op)] = k;
    dtypes[static_cast<int>(op)] = dtype_mask;
  }
};

constexpr uint32_t dtype_bit(DType t) { return 1u << static_cast<int>(t); }
constexpr uint32_t kFloatTypes = dtype_bit(DType::Float32) | dtype_bit(DType::Float64);
constexpr uint32_t kNumericTypes =
    kFloatTypes | dtype_bit(DType::Int64) | dtype_bit(DType::Int32) | dtype_bit(DType::UInt8);
constexpr uint32_t kAllTypes = kNumericTypes | dtype_bit(DType::Bool);

// Threads used by CPU kernels and GEMM (dl_set_num_threads); n >= 1.
void set_num_threads(int n);
int num_threads();

// The backend serving device d. Throws Status::Device when d's backend was not
// built in or the device index does not exist.
const Backend& backend_for(Device d);

}  // namespace dl
