#include "backends/cpu/cpu_backend.h"

#include <cstdlib>
#include <new>

#include "backends/cpu/blas.h"
#include "base/error.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace dl::cpu {

namespace {
// 64-byte alignment so vector loads never split cache lines; small blocks
// come from plain malloc (16-byte aligned), which is several times cheaper
// and keeps tiny ops fast.
constexpr size_t kSmallBlock = 256;

void* cpu_allocate(size_t nbytes) {
  if (nbytes == 0) return nullptr;
  void* p = nbytes <= kSmallBlock ? std::malloc(nbytes) : std::aligned_alloc(64, (nbytes + 63) & ~size_t(63));
  if (!p) fail(Status::OutOfMemory, "out of memory allocating ", nbytes, " bytes on the CPU");
  return p;
}
void cpu_deallocate(void* p, size_t) { std::free(p); }

Backend make_backend() {
  Backend b;
  b.name = "cpu";
  b.device_type = DeviceType::CPU;
  b.allocator = Allocator{cpu_allocate, cpu_deallocate};
  register_elementwise(b);
  register_reduce(b);
  register_softmax(b);
  register_matmul(b);
  register_index(b);
  return b;
}
}  // namespace

const Backend& backend() {
  static const Backend b = make_backend();
  return b;
}

void set_num_threads(int n) {
#ifdef _OPENMP
  omp_set_num_threads(n);
#endif
  blas_set_num_threads(n);
}

int num_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

}  // namespace dl::cpu
