// Storage: a refcounted block of device memory shared by a tensor and all of
// its views. It also holds the version counter that autograd uses to detect
// in-place changes of saved tensors (shared by every view of the storage).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "base/intrusive_ptr.h"
#include "tensor/device.h"

namespace dl {

struct Allocator;

class Storage : public RefCounted {
 public:
  // Allocates nbytes on device through its backend's allocator.
  Storage(size_t nbytes, Device device);
  ~Storage();

  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }
  uint64_t version() const { return version_.load(std::memory_order_relaxed); }
  void bump_version() { version_.fetch_add(1, std::memory_order_relaxed); }

 private:
  void* data_ = nullptr;
  size_t nbytes_ = 0;
  Device device_;
  const Allocator* allocator_ = nullptr;
  std::atomic<uint64_t> version_{0};
};

}  // namespace dl
