// Strided iteration for CPU kernels. A StridedLoop walks N operands of the
// same logical shape (strides in elements, 0 for broadcast dims) in row-major
// order, after merging dims that are contiguous in every operand, and calls
// inner(ptrs, strides, n) once per run of n elements along the last merged
// dim. Kernels write the fast path (all strides 1, or a stride-0 operand) in
// that inner function.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "tensor/shape.h"
#include "tensor/tensor.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace dl::cpu {

// Elementwise loops of at least this many elements are split across threads.
// Below ~1 MB of floats a loop is memory-bound and over in microseconds:
// waking a second thread costs more than it saves, and its spin-wait
// afterwards takes the core from the data loader's prefetch thread.
constexpr int64_t kParallelGrain = 1 << 18;

// Calls body(begin, end) over [0, n), split evenly across OpenMP threads when
// n is at least `grain` (kernels doing more per element than a copy pass a
// smaller one). Small n never enters an OpenMP region: even a one-thread
// region costs more than a microsecond.
template <typename Body>
void parallel_for(int64_t n, Body&& body, int64_t grain = kParallelGrain) {
#ifdef _OPENMP
  if (n >= grain && omp_get_max_threads() > 1 && !omp_in_parallel()) {
#pragma omp parallel
    {
      int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
      body(n * t / nt, n * (t + 1) / nt);
    }
    return;
  }
#endif
  body(0, n);
}

// Calls body(row_begin, row_end) over [0, rows) rows of row_len elements
// each, split across threads by parallel_for's rule on the element count.
template <typename Body>
void parallel_for_rows(int64_t rows, int64_t row_len, Body&& body, int64_t grain = kParallelGrain) {
  const int64_t len = row_len > 0 ? row_len : 1;
  parallel_for(
      rows * len, [&](int64_t begin, int64_t end) { body((begin + len - 1) / len, (end + len - 1) / len); }, grain);
}

struct Operand {
  char* data;           // address of element [0, 0, ...]
  const int64_t* strides;  // in elements, one per dim of the loop's shape
  int64_t itemsize;
};

inline Operand operand(const Tensor& t) {
  return Operand{static_cast<char*>(t.data()), t.strides().data(), static_cast<int64_t>(t.itemsize())};
}

template <size_t N>
class StridedLoop {
 public:
  StridedLoop(const Dims& shape, const std::array<Operand, N>& ops) {
    numel_ = shape_numel(shape);
    for (size_t k = 0; k < N; ++k) {
      base_[k] = ops[k].data;
      itemsize_[k] = ops[k].itemsize;
    }
    // Walk dims from the innermost out, dropping size-1 dims and merging a dim
    // into the one inside it when every operand is contiguous across the two.
    int64_t nd = static_cast<int64_t>(shape.size());
    for (int64_t d = nd - 1; d >= 0; --d) {
      int64_t size = shape[static_cast<size_t>(d)];
      if (size == 1) continue;
      bool merge = !sizes_.empty();
      for (size_t k = 0; merge && k < N; ++k)
        merge = ops[k].strides[d] == strides_[k].back() * sizes_.back();
      if (merge) {
        sizes_.back() *= size;
        continue;
      }
      sizes_.push_back(size);
      for (size_t k = 0; k < N; ++k) strides_[k].push_back(ops[k].strides[d]);
    }
    if (sizes_.empty()) {  // a single element
      sizes_.push_back(1);
      for (size_t k = 0; k < N; ++k) strides_[k].push_back(1);
    }
    // sizes_/strides_ are innermost-first from here on.
  }

  int64_t numel() const { return numel_; }

  // Calls inner over the linear positions [begin, end).
  template <typename Inner>
  void run(int64_t begin, int64_t end, Inner&& inner) const {
    if (begin >= end) return;
    size_t nd = sizes_.size();
    int64_t counter[16];
    Dims counter_heap;
    int64_t* c = counter;
    if (nd > 16) {
      counter_heap.resize(nd);
      c = counter_heap.data();
    }
    int64_t rest = begin;
    for (size_t d = 0; d < nd; ++d) {
      c[d] = rest % sizes_[d];
      rest /= sizes_[d];
    }
    std::array<int64_t, N> inner_strides;
    for (size_t k = 0; k < N; ++k) inner_strides[k] = strides_[k][0];
    int64_t pos = begin;
    while (pos < end) {
      int64_t n = sizes_[0] - c[0];
      if (n > end - pos) n = end - pos;
      std::array<char*, N> ptrs;
      for (size_t k = 0; k < N; ++k) {
        int64_t off = 0;
        for (size_t d = 0; d < nd; ++d) off += c[d] * strides_[k][d];
        ptrs[k] = base_[k] + off * itemsize_[k];
      }
      inner(ptrs, inner_strides, n);
      pos += n;
      c[0] += n;
      for (size_t d = 0; d + 1 < nd && c[d] == sizes_[d]; ++d) {
        c[d] = 0;
        ++c[d + 1];
      }
    }
  }

  // run() over all positions, split across OpenMP threads when large. Only
  // for kernels whose results do not depend on the split (elementwise).
  template <typename Inner>
  void parallel_run(Inner&& inner) const {
    parallel_for(numel_, [&](int64_t begin, int64_t end) { run(begin, end, inner); });
  }

 private:
  int64_t numel_ = 0;
  Dims sizes_;
  std::array<Dims, N> strides_;
  std::array<char*, N> base_{};
  std::array<int64_t, N> itemsize_{};
};

}  // namespace dl::cpu
