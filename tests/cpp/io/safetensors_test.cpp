// Checkpoints: a PyTorch-written safetensors file loads into the same model
// and gives PyTorch's output; save/load round trips; corrupt files are
// Format errors naming the file; failed loads change nothing.
#include "io/safetensors.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>

#include "../fixture_util.h"
#include "nn/activation.h"
#include "nn/linear.h"

namespace dl {
namespace {

using testing::status_of;
using testing::values;

std::shared_ptr<Sequential> mlp(int64_t in = 4) {
  auto seq = std::make_shared<Sequential>();
  seq->append(std::make_shared<Linear>(in, 3));
  seq->append(make_relu());
  seq->append(std::make_shared<Linear>(3, 2));
  return seq;
}

std::string temp_path(const char* name) { return ::testing::TempDir() + name; }

TEST(Safetensors, PyTorchCheckpointGivesPyTorchsOutput) {
  auto model = mlp();
  load_module(*model, std::string(DL_FIXTURE_DIR) + "/torch_mlp.safetensors");
  auto io = testing::load_fixture("torch_mlp_io.json");
  std::vector<float> x = io["x"]["data"].get<std::vector<float>>();
  std::vector<double> want = io["y"]["data"].get<std::vector<double>>();
  Tensor y = model->forward(from_data(x.data(), DType::Float32, {2, 4}));
  std::vector<double> got = values(y);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-6) << i;
}

TEST(Safetensors, SaveThenLoadRoundTrips) {
  auto a = mlp(), b = mlp();
  std::string path = temp_path("roundtrip.safetensors");
  save_module(*a, path);
  load_module(*b, path);
  auto pa = a->named_parameters(), pb = b->named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_EQ(values(pa[i].second), values(pb[i].second)) << pa[i].first;
  std::remove(path.c_str());
}

TEST(Safetensors, EncodingFollowsTheFormat) {
  float v[] = {1, 2, 3};
  int64_t w[] = {7};
  NamedTensors t{{"a", from_data(v, DType::Float32, {3})}, {"b", from_data(w, DType::Int64, {1})}};
  std::vector<uint8_t> bytes = encode_safetensors(t);
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);  // little-endian host
  EXPECT_EQ(n % 8, 0u);
  auto header = nlohmann::json::parse(bytes.begin() + 8, bytes.begin() + 8 + static_cast<int64_t>(n));
  EXPECT_EQ(header["a"]["dtype"], "F32");
  EXPECT_EQ(header["a"]["data_offsets"], nlohmann::json({0, 12}));
  EXPECT_EQ(header["b"]["dtype"], "I64");
  EXPECT_EQ(header["b"]["data_offsets"], nlohmann::json({12, 20}));
  EXPECT_EQ(bytes.size(), 8 + n + 20);
  NamedTensors back = parse_safetensors(bytes.data(), bytes.size(), "mem");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].first, "a");
  EXPECT_EQ(values(back[0].second), std::vector<double>({1, 2, 3}));
  EXPECT_EQ(back[1].second.dtype(), DType::Int64);
}

// A file of the given header text followed by data_bytes zero bytes.
std::vector<uint8_t> file_with_header(const std::string& header, size_t data_bytes, uint64_t claimed = 0) {
  std::vector<uint8_t> bytes(8 + header.size() + data_bytes, 0);
  uint64_t n = claimed ? claimed : header.size();
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(n >> (8 * i));
  std::memcpy(bytes.data() + 8, header.data(), header.size());
  return bytes;
}

TEST(Safetensors, CorruptFilesAreFormatErrorsNamingTheFile) {
  struct Case {
    const char* what;
    std::vector<uint8_t> bytes;
  };
  std::string deep(100000, '[');
  Case cases[] = {
      {"too short", {1, 2, 3}},
      {"header longer than the file", file_with_header("{}", 0, 1000)},
      {"not JSON", file_with_header("{not json", 0)},
      {"not an object", file_with_header("[1, 2]", 0)},
      {"deep nesting", file_with_header(deep, 0)},
      {"missing fields", file_with_header(R"({"a": {"dtype": "F32"}})", 4)},
      {"unknown dtype", file_with_header(R"({"a": {"dtype": "Q7", "shape": [1], "data_offsets": [0, 4]}})", 4)},
      {"negative size", file_with_header(R"({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})", 4)},
      {"size mismatch", file_with_header(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}})", 8)},
      {"beyond the data", file_with_header(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})", 8)},
      {"overlap", file_with_header(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                                       "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})", 8)},
      {"huge shape",
       file_with_header(R"({"a": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 0]}})", 0)},
  };
  for (const Case& c : cases) {
    try {
      parse_safetensors(c.bytes.data(), c.bytes.size(), "bad.safetensors");
      ADD_FAILURE() << c.what << ": no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.status(), Status::Format) << c.what << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find("bad.safetensors"), std::string::npos) << c.what;
    }
  }
}

TEST(Safetensors, FailedLoadsChangeNothing) {
  auto model = mlp();
  auto before = values(model->parameter("0.weight"));
  EXPECT_EQ(status_of([&] { load_module(*model, temp_path("missing.safetensors")); }), Status::IO);
  auto wide = mlp(5);
  std::string path = temp_path("wide.safetensors");
  save_module(*wide, path);
  EXPECT_EQ(status_of([&] { load_module(*model, path); }), Status::Shape);
  auto linear = std::make_shared<Linear>(4, 3);
  save_module(*linear, path);
  EXPECT_EQ(status_of([&] { load_module(*model, path); }), Status::Format);
  EXPECT_EQ(values(model->parameter("0.weight")), before);
  std::remove(path.c_str());
}

TEST(Safetensors, AtomicWriteKeepsTheOldFileWhenWritingFails) {
  std::string path = temp_path("atomic.safetensors");
  write_file_atomic(path, {1, 2, 3});
  EXPECT_EQ(status_of([&] { write_file_atomic(path + "/not-a-dir/x", {4}); }), Status::IO);
  std::ifstream in(path, std::ios::binary);
  std::vector<char> got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(got, std::vector<char>({1, 2, 3}));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace dl
