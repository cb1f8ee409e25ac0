#include "data/idx.h"

#include <sys/stat.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

#include "base/error.h"
#include "ops/creation.h"

namespace dl {

IdxArray parse_idx(const uint8_t* bytes, size_t size, const std::string& name) {
  DL_CHECK(size >= 4, Status::Format, "IDX file ", name, ": too short for a header (", size, " bytes)");
  DL_CHECK(bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0x08, Status::Format, "IDX file ", name,
           ": wrong magic number (expected 0x000008NN for unsigned bytes)");
  const size_t ndim = bytes[3];
  DL_CHECK(ndim >= 1 && ndim <= 4, Status::Format, "IDX file ", name, ": unsupported number of dims ", ndim);
  const size_t header = 4 + 4 * ndim;
  DL_CHECK(size >= header, Status::Format, "IDX file ", name, ": truncated header");
  IdxArray out;
  uint64_t total = 1;
  for (size_t d = 0; d < ndim; ++d) {
    const uint8_t* p = bytes + 4 + 4 * d;
    uint64_t n = (uint64_t{p[0]} << 24) | (uint64_t{p[1]} << 16) | (uint64_t{p[2]} << 8) | p[3];
    out.dims.push_back(static_cast<int64_t>(n));
    total *= n;
    DL_CHECK(total <= (uint64_t{1} << 40), Status::Format, "IDX file ", name, ": implausible size in header");
  }
  DL_CHECK(size - header == total, Status::Format, "IDX file ", name, ": the header promises ", total,
           " bytes of data, the file has ", size - header, size - header < total ? " (truncated)" : "");
  out.data.assign(bytes + header, bytes + size);
  return out;
}

std::vector<uint8_t> read_file_maybe_gzip(const std::string& path) {
  // gzread reads gzip streams and passes plain files through unchanged.
  gzFile f = gzopen(path.c_str(), "rb");
  DL_CHECK(f != nullptr, Status::IO, "cannot open ", path, ": ", std::strerror(errno));
  std::vector<uint8_t> out;
  uint8_t chunk[1 << 16];
  for (;;) {
    int n = gzread(f, chunk, sizeof(chunk));
    if (n < 0) {
      int code = 0;
      std::string msg = gzerror(f, &code);
      gzclose(f);
      if (code == Z_ERRNO) fail(Status::IO, "cannot read ", path, ": ", std::strerror(errno));
      fail(Status::Format, "corrupt gzip data in ", path, ": ", msg);
    }
    if (n == 0) break;
    out.insert(out.end(), chunk, chunk + n);
  }
  // A gzip stream cut short reads as end of file; gzclose reports it.
  int code = gzclose(f);
  DL_CHECK(code == Z_OK, Status::Format, "corrupt or truncated gzip data in ", path);
  return out;
}

namespace {

std::string find_file(const std::string& dir, const std::string& base) {
  struct stat st;
  for (const std::string& candidate : {dir + "/" + base, dir + "/" + base + ".gz"})
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return candidate;
  fail(Status::IO, "missing file ", dir, "/", base, " (also tried ", base, ".gz)");
}

IdxArray load_idx(const std::string& path) {
  std::vector<uint8_t> bytes = read_file_maybe_gzip(path);
  return parse_idx(bytes.data(), bytes.size(), path);
}

}  // namespace

std::shared_ptr<ImageDataset> load_mnist(const std::string& dir, bool train, int64_t num_classes) {
  struct stat st;
  DL_CHECK(stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode), Status::IO, "data directory ", dir,
           " does not exist");
  std::string prefix = train ? "train" : "t10k";
  std::string image_path = find_file(dir, prefix + "-images-idx3-ubyte");
  std::string label_path = find_file(dir, prefix + "-labels-idx1-ubyte");
  IdxArray images = load_idx(image_path);
  IdxArray labels = load_idx(label_path);
  DL_CHECK(images.dims.size() == 3, Status::Format, "IDX file ", image_path, ": expected 3 dims (N, H, W), got ",
           images.dims.size());
  DL_CHECK(labels.dims.size() == 1, Status::Format, "IDX file ", label_path, ": expected 1 dim (N), got ",
           labels.dims.size());
  DL_CHECK(images.dims[0] == labels.dims[0], Status::Format, "inconsistent counts: ", image_path, " has ",
           images.dims[0], " images, ", label_path, " has ", labels.dims[0], " labels");
  std::vector<int64_t> label_values(labels.data.size());
  for (size_t i = 0; i < labels.data.size(); ++i) {
    DL_CHECK(labels.data[i] < num_classes, Status::Format, "IDX file ", label_path, ": label ",
             int{labels.data[i]}, " of example ", i, " is outside [0, ", num_classes, ")");
    label_values[i] = labels.data[i];
  }
  Tensor x = from_data(images.data.data(), DType::UInt8, {images.dims[0], 1, images.dims[1], images.dims[2]});
  Tensor y = from_data(label_values.data(), DType::Int64, {labels.dims[0]});
  return std::make_shared<ImageDataset>(x, y);
}

}  // namespace dl
