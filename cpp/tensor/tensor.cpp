#include "tensor/tensor.h"

#include "autograd/meta.h"
#include "base/error.h"

namespace dl {

TensorImpl::TensorImpl() = default;
TensorImpl::~TensorImpl() = default;

Tensor Tensor::empty(const Dims& sizes, DType dtype, Device device) {
  for (int64_t s : sizes)
    DL_CHECK(s >= 0, Status::Shape, "negative size ", s, " in shape ", shape_str(sizes));
  auto impl = IntrusivePtr<TensorImpl>::make();
  int64_t n = shape_numel(sizes);
  impl->storage = IntrusivePtr<Storage>::make(static_cast<size_t>(n) * dtype_size(dtype), device);
  impl->sizes = sizes;
  impl->strides = contiguous_strides(sizes);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor Tensor::as_strided(const Dims& sizes, const Dims& strides, int64_t offset) const {
  auto impl = IntrusivePtr<TensorImpl>::make();
  impl->storage = impl_->storage;
  impl->sizes = sizes;
  impl->strides = strides;
  impl->offset = offset;
  impl->dtype = impl_->dtype;
  return Tensor(std::move(impl));
}

int64_t Tensor::size(int64_t d) const { return impl_->sizes[wrap_dim(d, dim(), "Tensor::size")]; }
int64_t Tensor::stride(int64_t d) const { return impl_->strides[wrap_dim(d, dim(), "Tensor::stride")]; }

bool Tensor::is_contiguous() const {
  int64_t expected = 1;
  for (size_t i = impl_->sizes.size(); i-- > 0;) {
    int64_t s = impl_->sizes[i];
    if (s == 1) continue;
    if (impl_->strides[i] != expected) return false;
    expected *= s;
  }
  return true;
}

bool Tensor::is_sole_owner() const {
  return impl_->use_count() == 1 && impl_->storage->use_count() == 1 && impl_->offset == 0 &&
         nbytes() == impl_->storage->nbytes() && is_contiguous();
}

}  // namespace dl
