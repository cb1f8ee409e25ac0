// The CIFAR-10 binary format: records of 1 label byte and 3072 pixel bytes
// (3 planes of 32x32, red, green, blue), 10000 per file.
#pragma once

#include <memory>
#include <string>

#include "data/dataset.h"

namespace dl {

constexpr int64_t kCifarRecordBytes = 1 + 3 * 32 * 32;

// Parses records from memory into (images [N, 3, 32, 32] uint8, labels [N]):
// Status::Format naming `name` for a size that is not a whole number of
// records or a label outside [0, 10).
std::pair<Tensor, Tensor> parse_cifar(const uint8_t* bytes, size_t size, const std::string& name);

// dir/data_batch_1.bin ... data_batch_5.bin (train) or dir/test_batch.bin.
// Status::IO names a missing directory or file.
std::shared_ptr<ImageDataset> load_cifar10(const std::string& dir, bool train);

}  // namespace dl
