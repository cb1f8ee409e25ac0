#include "data/cifar.h"

#include <sys/stat.h>

#include <vector>

#include "base/error.h"
#include "data/idx.h"
#include "ops/creation.h"
#include "ops/index.h"

namespace dl {

std::pair<Tensor, Tensor> parse_cifar(const uint8_t* bytes, size_t size, const std::string& name) {
  DL_CHECK(size > 0 && size % kCifarRecordBytes == 0, Status::Format, "CIFAR-10 file ", name, ": ", size,
           " bytes is not a whole number of ", kCifarRecordBytes, "-byte records");
  const int64_t n = static_cast<int64_t>(size) / kCifarRecordBytes;
  Tensor images = Tensor::empty({n, 3, 32, 32}, DType::UInt8);
  Tensor labels = Tensor::empty({n}, DType::Int64);
  uint8_t* px = images.data_ptr<uint8_t>();
  int64_t* lb = labels.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t* rec = bytes + i * kCifarRecordBytes;
    DL_CHECK(rec[0] < 10, Status::Format, "CIFAR-10 file ", name, ": label ", int{rec[0]}, " of record ", i,
             " is outside [0, 10)");
    lb[i] = rec[0];
    std::copy(rec + 1, rec + kCifarRecordBytes, px + i * (kCifarRecordBytes - 1));
  }
  return {images, labels};
}

std::shared_ptr<ImageDataset> load_cifar10(const std::string& dir, bool train) {
  struct stat st;
  DL_CHECK(stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode), Status::IO, "data directory ", dir,
           " does not exist");
  std::vector<std::string> files;
  if (train) {
    for (int i = 1; i <= 5; ++i) files.push_back(dir + "/data_batch_" + std::to_string(i) + ".bin");
  } else {
    files.push_back(dir + "/test_batch.bin");
  }
  std::vector<Tensor> images, labels;
  for (const std::string& path : files) {
    DL_CHECK(stat(path.c_str(), &st) == 0, Status::IO, "missing file ", path);
    std::vector<uint8_t> bytes = read_file_maybe_gzip(path);
    auto [x, y] = parse_cifar(bytes.data(), bytes.size(), path);
    images.push_back(x);
    labels.push_back(y);
  }
  return std::make_shared<ImageDataset>(cat(images, 0), cat(labels, 0));
}

}  // namespace dl
