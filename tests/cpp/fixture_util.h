// Helpers for tests that read PyTorch-generated fixtures (tests/fixtures/*.json):
// JSON -> Tensor, element-wise comparison with a tolerance, and the status
// an engine call fails with.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/error.h"
#include "ops/ops.h"

namespace dl::testing {

inline nlohmann::json load_fixture(const std::string& file) {
  std::ifstream in(std::string(DL_FIXTURE_DIR) + "/" + file);
  EXPECT_TRUE(in.good()) << "missing fixture " << file;
  return nlohmann::json::parse(in);
}

inline Tensor tensor_from_json(const nlohmann::json& j) {
  Dims shape;
  for (auto& s : j["shape"]) shape.push_back(s.get<int64_t>());
  std::string dtype = j["dtype"];
  if (dtype == "int64" || dtype == "int32" || dtype == "bool") {
    std::vector<int64_t> v = j["data"].get<std::vector<int64_t>>();
    Tensor t = from_data(v.data(), DType::Int64, shape);
    return dtype == "int64" ? t : to_dtype(t, dtype == "bool" ? DType::Bool : DType::Int32);
  }
  std::vector<double> v = j["data"].get<std::vector<double>>();
  Tensor t = from_data(v.data(), DType::Float64, shape);
  return dtype == "float32" ? to_dtype(t, DType::Float32) : t;
}

inline DType dtype_from_json(const std::string& name) {
  if (name == "float32") return DType::Float32;
  if (name == "float64") return DType::Float64;
  if (name == "int64") return DType::Int64;
  if (name == "int32") return DType::Int32;
  if (name == "bool") return DType::Bool;
  ADD_FAILURE() << "unknown dtype " << name;
  return DType::Float32;
}

// The status of the dl::Error that fn throws; Status::Ok when it returns.
inline Status status_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.status();
  }
  return Status::Ok;
}

inline std::vector<double> values(const Tensor& t) {
  Tensor c = contiguous(to_dtype(t, DType::Float64));
  const double* p = c.data_ptr<double>();
  return std::vector<double>(p, p + c.numel());
}

// Same shape and |got - want| <= atol + rtol |want| everywhere.
inline void expect_close(const Tensor& got, const Tensor& want, double rtol, double atol, const std::string& what) {
  ASSERT_TRUE(got.defined()) << what << ": result is undefined";
  ASSERT_EQ(shape_str(got.sizes()), shape_str(want.sizes())) << what;
  std::vector<double> g = values(got), w = values(want);
  for (size_t i = 0; i < g.size(); ++i)
    ASSERT_NEAR(g[i], w[i], atol + rtol * std::abs(w[i])) << what << " at flat index " << i;
}

}  // namespace dl::testing
