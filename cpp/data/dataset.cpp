#include "data/dataset.h"

#include <cstring>

#include "autograd/grad_mode.h"
#include "base/error.h"
#include "ops/creation.h"
#include "ops/elementwise.h"
#include "ops/index.h"
#include "ops/view.h"

namespace dl {

void Dataset::check_indices(const std::vector<int64_t>& indices, const char* what) const {
  int64_t n = size();
  for (int64_t i : indices)
    DL_CHECK(i >= 0 && i < n, Status::InvalidArgument, what, ": index ", i, " is out of range for a dataset of ", n,
             " examples");
}

ImageDataset::ImageDataset(Tensor images_u8, Tensor labels) : images_(std::move(images_u8)), labels_(std::move(labels)) {
  DL_CHECK(images_.dtype() == DType::UInt8 && images_.dim() == 4, Status::InvalidArgument,
           "ImageDataset: images must be uint8 [N, C, H, W]");
  DL_CHECK(labels_.dtype() == DType::Int64 && labels_.dim() == 1 && labels_.size(0) == images_.size(0),
           Status::InvalidArgument, "ImageDataset: labels must be int64 [N] with N = ", images_.size(0));
  images_ = contiguous(images_);
  labels_ = contiguous(labels_);
}

namespace {
constexpr int64_t kPrefetchAhead = 4;  // images; of 2, 4, 8 and 16, 4 gathered Fashion-MNIST batches fastest
constexpr int64_t kCacheLine = 64;     // bytes
}  // namespace

Batch ImageDataset::batch(const std::vector<int64_t>& indices) const {
  check_indices(indices, "ImageDataset");
  NoGradGuard no_grad;
  const int64_t b = static_cast<int64_t>(indices.size());
  const int64_t item = images_.numel() / (images_.size(0) > 0 ? images_.size(0) : 1);
  Dims shape = images_.sizes();
  shape[0] = b;
  Tensor x = Tensor::empty(shape, DType::Float32);
  Tensor y = Tensor::empty({b}, DType::Int64);
  const uint8_t* images = images_.data_ptr<uint8_t>();
  const int64_t* labels = labels_.data_ptr<int64_t>();
  float* xs = x.data_ptr<float>();
  int64_t* ys = y.data_ptr<int64_t>();
  const float scale = 1.0f / 255.0f;  // within an ulp of ToTensor's x / 255, and cheaper
  for (int64_t j = 0; j < b; ++j) {
    // A shuffled batch reads images scattered over an array far larger than the caches: asking for the one
    // kPrefetchAhead places on now overlaps its DRAM latency with converting this one.
    if (j + kPrefetchAhead < b) {
      const int64_t ahead = indices[static_cast<size_t>(j + kPrefetchAhead)];
      for (int64_t k = 0; k < item; k += kCacheLine) __builtin_prefetch(images + ahead * item + k);
      __builtin_prefetch(labels + ahead);
    }
    const int64_t i = indices[static_cast<size_t>(j)];
    const uint8_t* __restrict src = images + i * item;
    float* __restrict dst = xs + j * item;
    for (int64_t k = 0; k < item; ++k) dst[k] = static_cast<float>(src[k]) * scale;
    ys[j] = labels[i];
  }
  return Batch{x, y};
}

TensorDataset::TensorDataset(Tensor x, Tensor y) : x_(std::move(x)), y_(std::move(y)) {
  DL_CHECK(x_.defined() && y_.defined() && x_.dim() >= 1 && y_.dim() >= 1, Status::InvalidArgument,
           "TensorDataset: x and y must have at least one dim");
  DL_CHECK(x_.size(0) == y_.size(0), Status::Shape, "TensorDataset: x has ", x_.size(0), " rows and y has ",
           y_.size(0));
}

Batch TensorDataset::batch(const std::vector<int64_t>& indices) const {
  check_indices(indices, "TensorDataset");
  NoGradGuard no_grad;
  Tensor idx = from_data(indices.data(), DType::Int64, {static_cast<int64_t>(indices.size())});
  return Batch{index_select(x_, 0, idx), index_select(y_, 0, idx)};
}

CallbackDataset::CallbackDataset(int64_t size, GetItem get_item) : size_(size), get_item_(std::move(get_item)) {
  DL_CHECK(size >= 0, Status::InvalidArgument, "CallbackDataset: size must be >= 0, got ", size);
  DL_CHECK(static_cast<bool>(get_item_), Status::InvalidArgument, "CallbackDataset: get_item is empty");
}

Batch CallbackDataset::batch(const std::vector<int64_t>& indices) const {
  check_indices(indices, "CallbackDataset");
  NoGradGuard no_grad;
  std::vector<Tensor> xs, ys;
  for (int64_t i : indices) {
    auto [x, y] = get_item_(i);
    DL_CHECK(x.defined() && y.defined(), Status::InvalidArgument, "CallbackDataset: item ", i,
             " returned an undefined tensor");
    DL_CHECK(xs.empty() || (x.sizes() == xs[0].sizes() && y.sizes() == ys[0].sizes()), Status::Shape,
             "CallbackDataset: item ", i, " has shapes ", shape_str(x.sizes()), " and ", shape_str(y.sizes()),
             ", the first item of the batch ", shape_str(xs[0].sizes()), " and ", shape_str(ys[0].sizes()));
    xs.push_back(x);
    ys.push_back(y);
  }
  DL_CHECK(!xs.empty(), Status::InvalidArgument, "CallbackDataset: empty batch");
  return Batch{stack(xs, 0), stack(ys, 0)};
}

Tensor ToTensor::apply(Tensor x) const {
  Tensor f = is_floating(x.dtype()) ? x : div(to_dtype(x, DType::Float32), 255.0);
  if (x.dtype() != DType::UInt8 && !is_floating(x.dtype()))
    fail(Status::DType, "ToTensor: expected uint8 or floating images, got ", dtype_name(x.dtype()));
  if (!channels_last_) return f;
  DL_CHECK(f.dim() == 4, Status::Shape, "ToTensor: channels-last input must be [B, H, W, C], got ",
           shape_str(f.sizes()));
  return contiguous(permute(f, {0, 3, 1, 2}));
}

Normalize::Normalize(std::vector<double> mean, std::vector<double> std) : mean_(std::move(mean)), std_(std::move(std)) {
  DL_CHECK(!mean_.empty() && mean_.size() == std_.size(), Status::InvalidArgument,
           "Normalize: mean and std must have the same, nonzero number of channels");
  for (double s : std_) DL_CHECK(s != 0.0, Status::InvalidArgument, "Normalize: std must be nonzero");
}

namespace {
template <typename T>
void normalize_in_place(T* x, int64_t outer, int64_t channels, int64_t plane, const std::vector<double>& mean,
                        const std::vector<double>& std) {
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t c = 0; c < channels; ++c) {
      const T m = static_cast<T>(mean[static_cast<size_t>(c)]), s = static_cast<T>(std[static_cast<size_t>(c)]);
      T* __restrict p = x + (o * channels + c) * plane;
      for (int64_t k = 0; k < plane; ++k) p[k] = (p[k] - m) / s;
    }
  }
}
}  // namespace

Tensor Normalize::apply(Tensor x) const {
  DL_CHECK(is_floating(x.dtype()), Status::DType, "Normalize: expected floating inputs (apply ToTensor first), got ",
           dtype_name(x.dtype()));
  const int64_t channels = static_cast<int64_t>(mean_.size());
  DL_CHECK(channels == 1 || (x.dim() >= 2 && x.size(1) == channels), Status::Shape, "Normalize: ", channels,
           " channels given, but the inputs have shape ", shape_str(x.sizes()));
  DL_CHECK(x.device().type == DeviceType::CPU, Status::Device,
           "Normalize: inputs must be on the CPU (transforms run in the data loader), got ", device_name(x.device()));
  if (!x.is_sole_owner()) x = clone(x);
  const int64_t outer = channels == 1 ? 1 : x.size(0);
  const int64_t plane = x.numel() / (outer * channels > 0 ? outer * channels : 1);
  dispatch_floating(x.dtype(), "Normalize", [&](auto tag) {
    using T = typename decltype(tag)::type;
    normalize_in_place(x.data_ptr<T>(), outer, channels, plane, mean_, std_);
  });
  return x;
}

TransformDataset::TransformDataset(std::shared_ptr<const Dataset> base,
                                   std::vector<std::shared_ptr<const Transform>> transforms)
    : base_(std::move(base)), transforms_(std::move(transforms)) {
  DL_CHECK(base_ != nullptr, Status::InvalidArgument, "TransformDataset: base dataset is null");
}

Batch TransformDataset::batch(const std::vector<int64_t>& indices) const {
  Batch b = base_->batch(indices);
  NoGradGuard no_grad;
  for (const auto& t : transforms_) b.x = t->apply(std::move(b.x));
  return b;
}

}  // namespace dl
