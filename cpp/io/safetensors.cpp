#include "io/safetensors.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "autograd/grad_mode.h"
#include "base/error.h"
#include "ops/creation.h"
#include "ops/view.h"

namespace dl {

namespace {

struct DTypeName {
  DType dtype;
  const char* name;
};
constexpr DTypeName kDTypeNames[] = {
    {DType::Float32, "F32"}, {DType::Float64, "F64"}, {DType::Int64, "I64"},     {DType::Int32, "I32"},
    {DType::UInt8, "U8"},    {DType::Bool, "BOOL"},   {DType::Float16, "F16"}, {DType::BFloat16, "BF16"},
};

const char* safetensors_dtype(DType dt) {
  for (const auto& entry : kDTypeNames)
    if (entry.dtype == dt) return entry.name;
  fail(Status::DType, "safetensors: dtype ", dtype_name(dt), " has no safetensors name");
}

bool dtype_from_name(const std::string& s, DType& out) {
  for (const auto& entry : kDTypeNames)
    if (s == entry.name) {
      out = entry.dtype;
      return true;
    }
  return false;
}

constexpr uint64_t kMaxHeader = 100u << 20;        // the format's own limit
constexpr uint64_t kMaxBytes = uint64_t{1} << 40;  // no real tensor is larger

// The deepest nesting of [] and {} outside strings: bounds the JSON parser's
// recursion before it runs (a header of a million '[' must not overflow the stack).
int nesting_depth(const uint8_t* p, size_t n) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < n; ++i) {
    char c = static_cast<char>(p[i]);
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

uint64_t read_le64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// A non-negative integer from JSON, or a Format error naming what it is.
uint64_t json_size(const nlohmann::json& j, const std::string& file, const std::string& what) {
  if (!j.is_number_unsigned()) fail(Status::Format, "'", file, "': ", what, " is not a non-negative integer");
  return j.get<uint64_t>();
}

}  // namespace

std::vector<uint8_t> encode_safetensors(const NamedTensors& tensors) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  header["__metadata__"] = {{"format", "pt"}};
  std::vector<Tensor> host;
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    DL_CHECK(t.defined(), Status::InvalidArgument, "safetensors: tensor '", name, "' is undefined");
    DL_CHECK(!header.contains(name), Status::InvalidArgument, "safetensors: the name '", name, "' appears twice");
    Tensor c = contiguous(to_device(t, Device{}));
    uint64_t end = offset + c.nbytes();
    header[name] = {{"dtype", safetensors_dtype(c.dtype())},
                    {"shape", std::vector<int64_t>(c.sizes().begin(), c.sizes().end())},
                    {"data_offsets", {offset, end}}};
    offset = end;
    host.push_back(c);
  }
  std::string json = header.dump();
  json.append((8 - json.size() % 8) % 8, ' ');  // data starts 8-byte aligned
  std::vector<uint8_t> bytes(8 + json.size() + offset);
  uint64_t n = json.size();
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(n >> (8 * i));
  std::memcpy(bytes.data() + 8, json.data(), json.size());
  uint8_t* data = bytes.data() + 8 + json.size();
  for (const Tensor& c : host) {
    if (c.nbytes()) std::memcpy(data, c.data(), c.nbytes());
    data += c.nbytes();
  }
  return bytes;
}

NamedTensors parse_safetensors(const uint8_t* bytes, size_t size, const std::string& name) {
  if (size < 8) fail(Status::Format, "'", name, "': ", size, " bytes is too short for a safetensors file");
  uint64_t header_len = read_le64(bytes);
  if (header_len > size - 8)
    fail(Status::Format, "'", name, "': header length ", header_len, " exceeds the file's ", size - 8, " bytes");
  if (header_len > kMaxHeader)
    fail(Status::Format, "'", name, "': header length ", header_len, " exceeds the format's limit of ", kMaxHeader);
  if (nesting_depth(bytes + 8, header_len) > 4)
    fail(Status::Format, "'", name, "': the header is not a JSON object of tensor entries");
  nlohmann::json header = nlohmann::json::parse(bytes + 8, bytes + 8 + header_len, nullptr, false);
  if (header.is_discarded() || !header.is_object())
    fail(Status::Format, "'", name, "': the header is not a JSON object");
  const uint8_t* data = bytes + 8 + header_len;
  uint64_t data_size = size - 8 - header_len;

  NamedTensors out;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;  // [begin, end) of each non-empty tensor
  for (const auto& [key, entry] : header.items()) {
    if (key == "__metadata__") continue;
    std::string what = "tensor '" + key + "'";
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") || !entry.contains("data_offsets"))
      fail(Status::Format, "'", name, "': ", what, " lacks dtype, shape or data_offsets");
    DType dt;
    if (!entry["dtype"].is_string() || !dtype_from_name(entry["dtype"].get<std::string>(), dt))
      fail(Status::Format, "'", name, "': ", what, " has an unsupported dtype ", entry["dtype"].dump());
    if (dt == DType::Float16 || dt == DType::BFloat16)
      fail(Status::Unsupported, "'", name, "': ", what, " is ", dtype_name(dt), ", not supported on the CPU");
    const auto& shape = entry["shape"];
    const auto& offsets = entry["data_offsets"];
    if (!shape.is_array() || shape.size() > 64 || !offsets.is_array() || offsets.size() != 2)
      fail(Status::Format, "'", name, "': ", what, " has a malformed shape or data_offsets");
    Dims dims;
    uint64_t numel = 1;
    for (const auto& d : shape) {
      uint64_t v = json_size(d, name, what + "'s shape");
      if (v > kMaxBytes || (v && numel > kMaxBytes / v))
        fail(Status::Format, "'", name, "': ", what, " has an impossibly large shape");
      numel *= v;
      dims.push_back(static_cast<int64_t>(v));
    }
    uint64_t begin = json_size(offsets[0], name, what + "'s data_offsets"),
             end = json_size(offsets[1], name, what + "'s data_offsets");
    if (begin > end || end > data_size || end - begin != numel * dtype_size(dt))
      fail(Status::Format, "'", name, "': ", what, " has data_offsets [", begin, ", ", end, "] that do not match ",
           numel, " elements of ", dtype_name(dt), " within ", data_size, " data bytes");
    if (end > begin) ranges.emplace_back(begin, end);
    out.emplace_back(key, from_data(data + begin, dt, dims));
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i)
    if (ranges[i].first < ranges[i - 1].second) fail(Status::Format, "'", name, "': two tensors' data overlap");
  return out;
}

void write_file_atomic(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(Status::IO, "cannot write '", path, "': ", std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  int saved_errno = errno;
  bool ok = done == bytes.size() && ::fsync(fd) == 0;
  if (!ok) saved_errno = errno;
  ok = (::close(fd) == 0) && ok;
  if (ok && ::rename(tmp.c_str(), path.c_str()) == 0) return;
  if (ok) saved_errno = errno;
  ::unlink(tmp.c_str());
  fail(Status::IO, "cannot write '", path, "': ", std::strerror(saved_errno));
}

NamedTensors load_safetensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(Status::IO, "cannot open '", path, "': ", std::strerror(errno));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail(Status::IO, "cannot read '", path, "'");
  return parse_safetensors(bytes.data(), bytes.size(), path);
}

NamedTensors state_dict(const Module& m) {
  NamedTensors out = m.named_parameters();
  for (auto& entry : m.named_buffers()) out.push_back(std::move(entry));
  return out;
}

void save_module(const Module& m, const std::string& path) { write_file_atomic(path, encode_safetensors(state_dict(m))); }

void load_module(Module& m, const std::string& path) {
  NamedTensors file = load_safetensors(path);
  std::map<std::string, Tensor> by_name(file.begin(), file.end());
  NamedTensors state = state_dict(m);
  std::set<std::string> expected;
  for (const auto& [key, t] : state) {
    expected.insert(key);
    auto it = by_name.find(key);
    if (it == by_name.end()) fail(Status::Format, "'", path, "' has no tensor '", key, "'");
    DL_CHECK(it->second.sizes() == t.sizes(), Status::Shape, "'", path, "': tensor '", key, "' has shape ",
             shape_str(it->second.sizes()), ", the module's has ", shape_str(t.sizes()));
  }
  for (const auto& [key, t] : file)
    if (!expected.count(key)) fail(Status::Format, "'", path, "' has tensor '", key, "' that the module does not");
  NoGradGuard no_grad;
  for (auto& [key, t] : state) copy_(t, to_device(by_name[key], t.device()));
}

}  // namespace dl
