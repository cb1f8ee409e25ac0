// Checkpoints in the safetensors format (huggingface/safetensors): an
// 8-byte little-endian header length N, N bytes of JSON
// {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
//  "__metadata__": {"k": "v"}} padded with spaces, then the raw little-endian
// data, offsets relative to the byte after the header. Names are PyTorch's
// state_dict keys ("fc1.weight"), so files move between libdl and PyTorch.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "nn/module.h"
#include "tensor/tensor.h"

namespace dl {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

// The file's bytes for these tensors (CPU or not; copied to the host, made contiguous).
std::vector<uint8_t> encode_safetensors(const NamedTensors& tensors);
// Parses a whole file held in memory; `name` (the path) goes into errors:
// Status::Format for a short file, a header that is not the JSON above, an
// unknown dtype, or offsets that do not match the shape or lie outside the data.
NamedTensors parse_safetensors(const uint8_t* bytes, size_t size, const std::string& name);

// Writes atomically: the bytes go to a temporary file beside `path`, are
// flushed to disk, then renamed over `path`, so a failure or crash leaves the
// old file (or none) intact. Status::IO names the path when it cannot be written.
void write_file_atomic(const std::string& path, const std::vector<uint8_t>& bytes);
NamedTensors load_safetensors(const std::string& path);  // Status::IO, Status::Format

// A module's state: its parameters then its buffers, dotted names, as state_dict().
NamedTensors state_dict(const Module& m);
void save_module(const Module& m, const std::string& path);
// Loads every entry of the module's state from the file (strict: the file
// must hold exactly the module's names with the same shapes; dtypes convert).
// All checks happen before any tensor changes, so a failed load changes nothing.
// Copies into the existing tensors (not recorded by autograd).
void load_module(Module& m, const std::string& path);

}  // namespace dl
