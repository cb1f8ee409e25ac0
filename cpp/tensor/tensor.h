// Tensor: a refcounted view (sizes, strides, element offset, dtype) onto a
// Storage. Copying a Tensor copies the handle, not the data; views made by
// the view ops (ops/view.h) share the storage. Tensors are row-major strided.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/intrusive_ptr.h"
#include "tensor/device.h"
#include "tensor/dtype.h"
#include "tensor/shape.h"
#include "tensor/storage.h"

namespace dl {

struct AutogradMeta;  // autograd/meta.h: requires_grad, grad, grad_fn; null for plain tensors

struct TensorImpl : RefCounted {
  IntrusivePtr<Storage> storage;
  Dims sizes;
  Dims strides;        // in elements; 0 for broadcast (expanded) dims
  int64_t offset = 0;  // in elements from storage->data()
  DType dtype = DType::Float32;
  std::unique_ptr<AutogradMeta> autograd;
  TensorImpl();
  ~TensorImpl();
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(IntrusivePtr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // New uninitialized contiguous tensor.
  static Tensor empty(const Dims& sizes, DType dtype, Device device = Device{});
  // New tensor sharing this one's storage (no bounds check: callers compute valid views).
  Tensor as_strided(const Dims& sizes, const Dims& strides, int64_t offset) const;

  bool defined() const { return static_cast<bool>(impl_); }
  TensorImpl* impl() const { return impl_.get(); }
  const IntrusivePtr<TensorImpl>& impl_ptr() const { return impl_; }
  const IntrusivePtr<Storage>& storage() const { return impl_->storage; }

  const Dims& sizes() const { return impl_->sizes; }
  const Dims& strides() const { return impl_->strides; }
  int64_t dim() const { return static_cast<int64_t>(impl_->sizes.size()); }
  int64_t size(int64_t d) const;    // negative dims count from the end
  int64_t stride(int64_t d) const;
  int64_t numel() const { return shape_numel(impl_->sizes); }
  int64_t offset() const { return impl_->offset; }
  DType dtype() const { return impl_->dtype; }
  size_t itemsize() const { return dtype_size(impl_->dtype); }
  size_t nbytes() const { return static_cast<size_t>(numel()) * itemsize(); }
  Device device() const { return impl_->storage->device(); }
  bool is_contiguous() const;
  // No other tensor or view references this one's elements, which fill its
  // storage contiguously: an operation may reuse it in place unobserved.
  bool is_sole_owner() const;
  bool same_storage(const Tensor& o) const { return impl_->storage == o.impl_->storage; }

  // Address of element [0, 0, ...].
  void* data() const {
    return static_cast<char*>(impl_->storage->data()) + impl_->offset * static_cast<int64_t>(itemsize());
  }
  template <typename T>
  T* data_ptr() const {
    return static_cast<T*>(data());
  }

 private:
  IntrusivePtr<TensorImpl> impl_;
};

}  // namespace dl
