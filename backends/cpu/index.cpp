// CPU indexing kernels on contiguous inputs: index_select, gather and
// their accumulating inverses index_add and scatter_add.
// Indices are validated before anything is written.
#include <cstring>

#include "backends/cpu/cpu_backend.h"
#include "base/error.h"

namespace dl::cpu {

namespace {

void check_indices(const int64_t* idx, int64_t count, int64_t size, const char* what, int64_t dim) {
  for (int64_t i = 0; i < count; ++i)
    DL_CHECK(idx[i] >= -size && idx[i] < size, Status::InvalidArgument, what, ": index ", idx[i],
             " is out of bounds for dim ", dim, " with size ", size);
}

// x [outer, n, inner], index [k] -> out [outer, k, inner]
void index_select_kernel(const KernelCall& c) {
  const Tensor& x = *c.in[0];
  const Tensor& index = *c.in[1];
  Tensor& out = *c.out[0];
  const size_t d = static_cast<size_t>(c.attrs.dim);
  const int64_t n = x.sizes()[d], k = index.numel();
  int64_t outer = 1, inner = 1;
  for (size_t i = 0; i < d; ++i) outer *= x.sizes()[i];
  for (size_t i = d + 1; i < x.sizes().size(); ++i) inner *= x.sizes()[i];
  const int64_t* idx = index.data_ptr<int64_t>();
  check_indices(idx, k, n, "index_select", c.attrs.dim);
  const size_t block = static_cast<size_t>(inner) * x.itemsize();
  const char* src = static_cast<const char*>(x.data());
  char* dst = static_cast<char*>(out.data());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < k; ++j) {
      int64_t i = idx[j] < 0 ? idx[j] + n : idx[j];
      std::memcpy(dst + (o * k + j) * block, src + (o * n + i) * block, block);
    }
}

// out[p] = x[p with p[dim] replaced by index[p]], over all positions p of index.
void gather_kernel(const KernelCall& c) {
  const Tensor& x = *c.in[0];
  const Tensor& index = *c.in[1];
  Tensor& out = *c.out[0];
  const size_t d = static_cast<size_t>(c.attrs.dim);
  const size_t nd = index.sizes().size();
  const int64_t n = x.dim() == 0 ? 1 : x.sizes()[d];
  const int64_t* idx = index.data_ptr<int64_t>();
  const int64_t count = index.numel();
  for (int64_t i = 0; i < count; ++i)
    DL_CHECK(idx[i] >= 0 && idx[i] < n, Status::InvalidArgument, "gather: index ", idx[i],
             " is out of bounds for dim ", c.attrs.dim, " with size ", n);
  const int64_t size = static_cast<int64_t>(x.itemsize());
  const char* src = static_cast<const char*>(x.data());
  char* dst = static_cast<char*>(out.data());
  Dims pos(nd, 0);
  for (int64_t i = 0; i < count; ++i) {
    int64_t off = 0;
    for (size_t k = 0; k < nd; ++k) off += (k == d ? idx[i] : pos[k]) * x.strides()[k];
    std::memcpy(dst + i * size, src + off * size, static_cast<size_t>(size));
    for (size_t k = nd; k-- > 0;) {
      if (++pos[k] < index.sizes()[k]) break;
      pos[k] = 0;
    }
  }
}

// out [outer, n, inner] += src [outer, k, inner] at rows index [k].
void index_add_kernel(const KernelCall& c) {
  const Tensor& src = *c.in[0];
  const Tensor& index = *c.in[1];
  Tensor& out = *c.out[0];
  const size_t d = static_cast<size_t>(c.attrs.dim);
  const int64_t n = out.sizes()[d], k = index.numel();
  DL_CHECK(src.sizes()[d] == k, Status::Shape, "index_add: argument 'src' has ", src.sizes()[d],
           " entries along dim ", c.attrs.dim, ", index has ", k);
  int64_t outer = 1, inner = 1;
  for (size_t i = 0; i < d; ++i) outer *= out.sizes()[i];
  for (size_t i = d + 1; i < out.sizes().size(); ++i) inner *= out.sizes()[i];
  const int64_t* idx = index.data_ptr<int64_t>();
  check_indices(idx, k, n, "index_add", c.attrs.dim);
  dispatch_numeric(out.dtype(), "index_add", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* s = src.data_ptr<T>();
    T* o = out.data_ptr<T>();
    for (int64_t a = 0; a < outer; ++a)
      for (int64_t j = 0; j < k; ++j) {
        int64_t row = idx[j] < 0 ? idx[j] + n : idx[j];
        T* dst = o + (a * n + row) * inner;
        const T* from = s + (a * k + j) * inner;
        for (int64_t i = 0; i < inner; ++i) dst[i] = static_cast<T>(dst[i] + from[i]);
      }
  });
}

// out[p with p[dim] = index[p]] += src[p] over all positions p of index (= src's shape).
void scatter_add_kernel(const KernelCall& c) {
  const Tensor& src = *c.in[0];
  const Tensor& index = *c.in[1];
  Tensor& out = *c.out[0];
  const size_t d = static_cast<size_t>(c.attrs.dim);
  const size_t nd = index.sizes().size();
  const int64_t n = out.dim() == 0 ? 1 : out.sizes()[d];
  const int64_t* idx = index.data_ptr<int64_t>();
  const int64_t count = index.numel();
  for (size_t k = 0; k < nd; ++k)
    DL_CHECK(k == d || index.sizes()[k] <= out.sizes()[k], Status::Shape, "scatter_add: argument 'index' of shape ",
             shape_str(index.sizes()), " is larger than self of shape ", shape_str(out.sizes()), " in dim ", k);
  for (int64_t i = 0; i < count; ++i)
    DL_CHECK(idx[i] >= 0 && idx[i] < n, Status::InvalidArgument, "scatter_add: index ", idx[i],
             " is out of bounds for dim ", c.attrs.dim, " with size ", n);
  dispatch_numeric(out.dtype(), "scatter_add", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* s = src.data_ptr<T>();
    T* o = out.data_ptr<T>();
    Dims pos(nd, 0);
    for (int64_t i = 0; i < count; ++i) {
      int64_t off = 0;
      for (size_t k = 0; k < nd; ++k) off += (k == d ? idx[i] : pos[k]) * out.strides()[k];
      o[off] = static_cast<T>(o[off] + s[i]);
      for (size_t k = nd; k-- > 0;) {
        if (++pos[k] < index.sizes()[k]) break;
        pos[k] = 0;
      }
    }
  });
}

}  // namespace

void register_index(Backend& b) {
  b.set(OpId::index_select, index_select_kernel, kAllTypes);
  b.set(OpId::gather, gather_kernel, kAllTypes);
  b.set(OpId::index_add, index_add_kernel, kNumericTypes);
  b.set(OpId::scatter_add, scatter_add_kernel, kNumericTypes);
}

}  // namespace dl::cpu
