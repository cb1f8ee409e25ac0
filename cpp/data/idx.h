// The IDX format of MNIST, Fashion-MNIST and EMNIST: a big-endian header
// (magic 0x0000 08 NN: unsigned bytes, NN dims; then NN uint32 sizes) and
// the data. Files may be gzip-compressed or raw.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace dl {

struct IdxArray {
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;  // product(dims) bytes
};

// Parses a whole IDX file held in memory. `name` (the file's path) goes into
// errors: Status::Format for a wrong magic number, a bad header or a data
// length that does not match the header.
IdxArray parse_idx(const uint8_t* bytes, size_t size, const std::string& name);

// Reads a file, decompressing gzip when it is gzip: Status::IO when it cannot
// be opened or read, Status::Format for a corrupt gzip stream.
std::vector<uint8_t> read_file_maybe_gzip(const std::string& path);

// MNIST-style data set from dir: {train, t10k}-images-idx3-ubyte and
// -labels-idx1-ubyte, raw or with .gz. Images [N, 1, H, W] uint8, labels
// checked to be < num_classes. Status::IO names a missing directory or file;
// Status::Format names a file with bad content or inconsistent counts.
std::shared_ptr<ImageDataset> load_mnist(const std::string& dir, bool train, int64_t num_classes = 10);

}  // namespace dl
