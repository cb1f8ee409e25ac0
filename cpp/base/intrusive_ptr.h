// Intrusive reference counting for engine objects (storages, tensor impls).
// One atomic counter in the object; IntrusivePtr is the owning handle. We use
// it instead of std::shared_ptr so a tensor costs one allocation, not two.
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

namespace dl {

class RefCounted {
 public:
  RefCounted() = default;
  RefCounted(const RefCounted&) = delete;
  RefCounted& operator=(const RefCounted&) = delete;
  void retain() const noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  // Returns true when this was the last reference.
  bool release() const noexcept { return refs_.fetch_sub(1, std::memory_order_acq_rel) == 1; }
  int32_t use_count() const noexcept { return refs_.load(std::memory_order_relaxed); }

 protected:
  ~RefCounted() = default;

 private:
  mutable std::atomic<int32_t> refs_{1};
};

template <typename T>
class IntrusivePtr {
 public:
  IntrusivePtr() noexcept = default;
  // Adopts a freshly constructed object whose count is already 1.
  static IntrusivePtr adopt(T* p) noexcept {
    IntrusivePtr r;
    r.p_ = p;
    return r;
  }
  template <typename... Args>
  static IntrusivePtr make(Args&&... args) {
    return adopt(new T(std::forward<Args>(args)...));
  }
  IntrusivePtr(const IntrusivePtr& o) noexcept : p_(o.p_) {
    if (p_) p_->retain();
  }
  IntrusivePtr(IntrusivePtr&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
  IntrusivePtr& operator=(IntrusivePtr o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~IntrusivePtr() { reset(); }
  void reset() noexcept {
    if (p_ && p_->release()) delete p_;
    p_ = nullptr;
  }
  T* get() const noexcept { return p_; }
  T* operator->() const noexcept { return p_; }
  T& operator*() const noexcept { return *p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }
  bool operator==(const IntrusivePtr& o) const noexcept { return p_ == o.p_; }
  bool operator!=(const IntrusivePtr& o) const noexcept { return p_ != o.p_; }

 private:
  T* p_ = nullptr;
};

}  // namespace dl
