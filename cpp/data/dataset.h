// Datasets: indexable collections of (input, target) examples that hand out
// whole batches. Image datasets keep their pixels as uint8 and convert only
// the examples of a batch (ToTensor's uint8 -> float in [0, 1]), so a
// dataset costs one byte per pixel in memory.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "tensor/tensor.h"

namespace dl {

struct Batch {
  Tensor x;  // [B, ...]
  Tensor y;  // [B, ...] (class labels: int64 [B])
};

class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual int64_t size() const = 0;
  // The examples at indices (each in [0, size())), stacked along a new dim 0.
  virtual Batch batch(const std::vector<int64_t>& indices) const = 0;
  Batch get(int64_t index) const { return batch({index}); }

 protected:
  // Throws Status::InvalidArgument for an index out of range.
  void check_indices(const std::vector<int64_t>& indices, const char* what) const;
};

// Images as uint8 [N, C, H, W] and int64 labels [N]; batches come out as
// float32 [B, C, H, W] in [0, 1] and int64 [B] (MNIST, CIFAR-10).
class ImageDataset : public Dataset {
 public:
  ImageDataset(Tensor images_u8, Tensor labels);
  int64_t size() const override { return images_.size(0); }
  Batch batch(const std::vector<int64_t>& indices) const override;
  const Tensor& images() const { return images_; }
  const Tensor& labels() const { return labels_; }

 private:
  Tensor images_;
  Tensor labels_;
};

// Examples are rows of x and y (torch.utils.data.TensorDataset).
class TensorDataset : public Dataset {
 public:
  TensorDataset(Tensor x, Tensor y);
  int64_t size() const override { return x_.size(0); }
  Batch batch(const std::vector<int64_t>& indices) const override;

 private:
  Tensor x_, y_;
};

// A user's dataset: its size and a function that returns example i. The
// function may throw dl::Error to report a failure.
class CallbackDataset : public Dataset {
 public:
  using GetItem = std::function<std::pair<Tensor, Tensor>(int64_t index)>;
  CallbackDataset(int64_t size, GetItem get_item);
  int64_t size() const override { return size_; }
  Batch batch(const std::vector<int64_t>& indices) const override;

 private:
  int64_t size_;
  GetItem get_item_;
};

// Transforms of a batch's inputs, applied after the wrapped dataset's batch().
// A transform takes its input by value: given the only reference to a fresh
// batch (Tensor::is_sole_owner) it may work in place.
class Transform {
 public:
  virtual ~Transform() = default;
  virtual Tensor apply(Tensor x) const = 0;
};

// uint8 -> float32 / 255; with channels_last, [B, H, W, C] -> [B, C, H, W] too.
class ToTensor : public Transform {
 public:
  explicit ToTensor(bool channels_last = false) : channels_last_(channels_last) {}
  Tensor apply(Tensor x) const override;

 private:
  bool channels_last_;
};

// Per channel (dim 1): (x - mean[c]) / std[c] in x's dtype, as
// torchvision's Normalize; one value applies to every channel. Inputs are
// CPU tensors (transforms run in the loader), normalized in one pass, in
// place when x is the sole owner of its elements.
class Normalize : public Transform {
 public:
  Normalize(std::vector<double> mean, std::vector<double> std);
  Tensor apply(Tensor x) const override;

 private:
  std::vector<double> mean_, std_;
};

// A dataset whose batches pass through transforms, in order.
class TransformDataset : public Dataset {
 public:
  TransformDataset(std::shared_ptr<const Dataset> base, std::vector<std::shared_ptr<const Transform>> transforms);
  int64_t size() const override { return base_->size(); }
  Batch batch(const std::vector<int64_t>& indices) const override;

 private:
  std::shared_ptr<const Dataset> base_;
  std::vector<std::shared_ptr<const Transform>> transforms_;
};

}  // namespace dl
