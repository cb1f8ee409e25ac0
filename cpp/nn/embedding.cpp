#include "nn/embedding.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "autograd/autograd.h"
#include "base/error.h"
#include "nn/init.h"
#include "ops/creation.h"
#include "ops/elementwise.h"
#include "ops/index.h"
#include "ops/reduce.h"
#include "ops/view.h"

namespace dl {

namespace {

// padding_idx in [0, num), or nullopt.
std::optional<int64_t> padding_row(const EmbeddingOptions& o, int64_t num, const char* what) {
  if (!o.padding_idx) return std::nullopt;
  const int64_t p = *o.padding_idx;
  DL_CHECK(p >= -num && p < num, Status::InvalidArgument, what, ": padding_idx ", p, " is not within ", num,
           " embeddings");
  return p < 0 ? p + num : p;
}

void check_options(const EmbeddingOptions& o, const char* what) {
  DL_CHECK(!o.max_norm || *o.max_norm > 0, Status::InvalidArgument, what, ": max_norm must be positive, got ",
           o.max_norm.value_or(0));
  DL_CHECK(o.norm_type > 0, Status::InvalidArgument, what, ": norm_type must be positive, got ", o.norm_type);
}

double scalar_value(const Tensor& t) { return to_device(to_dtype(t, DType::Float64), Device{}).data_ptr<double>()[0]; }

// PyTorch's embedding_renorm_: rows (each referenced once) with a norm above max_norm scaled down to it.
void renorm_rows(Tensor weight, const Tensor& flat, double max_norm, double p) {
  NoGradGuard no_grad;
  Tensor host = to_device(flat, Device{});
  std::vector<int64_t> unique(host.data_ptr<int64_t>(), host.data_ptr<int64_t>() + host.numel());
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  Tensor index = from_data(unique.data(), DType::Int64, {static_cast<int64_t>(unique.size())}, weight.device());
  Tensor rows = index_select(weight, 0, index);
  Tensor norms = std::isinf(p) ? amax(abs(rows), {1}, true)
                 : p == 2      ? sqrt(sum(mul(rows, rows), {1}, true))
                               : pow(sum(pow(abs(rows), p), {1}, true), 1.0 / p);
  Tensor scale = where(gt(norms, max_norm), div(full({}, max_norm, weight.dtype(), weight.device()), add(norms, 1e-7)),
                       full({}, 1.0, weight.dtype(), weight.device()));
  index_add_(weight, 0, index, mul(rows, sub(scale, 1.0)));
}

}  // namespace

Tensor embedding(const Tensor& indices, const Tensor& weight, const EmbeddingOptions& o) {
  const char* what = "embedding";
  DL_CHECK(indices.defined(), Status::InvalidArgument, what, ": argument 'indices' is an undefined tensor");
  DL_CHECK(weight.defined(), Status::InvalidArgument, what, ": argument 'weight' is an undefined tensor");
  DL_CHECK(indices.dtype() == DType::Int64 || indices.dtype() == DType::Int32, Status::DType, what,
           ": argument 'indices' must be an int64 or int32 tensor, got ", dtype_name(indices.dtype()));
  DL_CHECK(weight.dim() == 2, Status::Shape, what, ": argument 'weight' must be [num_embeddings, embedding_dim], got ",
           shape_str(weight.sizes()));
  DL_CHECK(is_floating(weight.dtype()), Status::DType, what, ": argument 'weight' must be floating point, got ",
           dtype_name(weight.dtype()));
  DL_CHECK(indices.device() == weight.device(), Status::Device, what, ": indices and weight are on different devices");
  check_options(o, what);
  const int64_t num = weight.size(0);
  const std::optional<int64_t> pad = padding_row(o, num, what);
  Tensor flat = contiguous(to_dtype(reshape(indices, {-1}), DType::Int64));
  if (flat.numel() > 0) {
    const double lo = scalar_value(amin(flat)), hi = scalar_value(amax(flat));
    DL_CHECK(lo >= 0 && hi < static_cast<double>(num), Status::InvalidArgument, what, ": index ",
             static_cast<int64_t>(lo < 0 ? lo : hi), " is out of range for ", num, " embeddings");
    if (o.max_norm) renorm_rows(weight, flat, *o.max_norm, o.norm_type);
  }
  Tensor rows = index_select(weight, 0, flat);  // [N, dim]
  // The padding row's lookups give its values but pass no gradient to it.
  if (pad) rows = where(unsqueeze(eq(flat, static_cast<double>(*pad)), 1), detach(rows), rows);
  Dims shape = indices.sizes();
  shape.push_back(weight.size(1));
  return view(rows, shape);
}

Embedding::Embedding(int64_t num_embeddings, int64_t embedding_dim, const EmbeddingOptions& o, DType dtype)
    : Module("Embedding"), o_(o) {
  DL_CHECK(num_embeddings > 0 && embedding_dim > 0, Status::InvalidArgument,
           "Embedding: num_embeddings and embedding_dim must be positive, got ", num_embeddings, " and ",
           embedding_dim);
  DL_CHECK(is_floating(dtype), Status::DType, "Embedding: dtype must be floating point, got ", dtype_name(dtype));
  check_options(o, "Embedding");
  const std::optional<int64_t> pad = padding_row(o, num_embeddings, "Embedding");
  o_.padding_idx = pad;
  Tensor w = Tensor::empty({num_embeddings, embedding_dim}, dtype);
  init::normal_(w, 0.0, 1.0);
  if (pad) {
    Tensor row = select(w, 0, *pad);
    fill_(row, 0.0);
  }
  register_parameter("weight", w);
}

Tensor Embedding::forward(const Tensor& indices) { return embedding(indices, params_[0].second, o_); }

}  // namespace dl
