#include "backends/cpu/cpu_backend.h"

#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#include "backends/cpu/blas.h"
#include "base/error.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace dl::cpu {

namespace {

// NOTE [CPU caching allocator]: on this kind of virtual machine a page fault
// costs microseconds, and a fresh multi-megabyte block faults on every page
// at first touch: allocating a 1024x1024 result for each matmul halved its
// speed. Blocks of kCachedBlock bytes or more are therefore kept when freed
// and handed out again for the same size class (4 classes per power of two,
// so at most 25% is wasted); smaller blocks come from malloc, which caches
// them itself. empty_cache() gives the kept blocks back.
constexpr size_t kCachedBlock = 64 * 1024;

size_t size_class(size_t nbytes) {
  size_t pow2 = size_t{1} << (63 - __builtin_clzll(nbytes));
  size_t quarter = pow2 / 4;
  return (nbytes + quarter - 1) / quarter * quarter;
}

struct BlockCache {
  std::mutex mutex;
  std::unordered_map<size_t, std::vector<void*>> free_blocks;  // by size class
};

BlockCache& cache() {
  static BlockCache* c = new BlockCache();  // never destroyed: frees may run during exit
  return *c;
}

void* cpu_allocate(size_t nbytes) {
  if (nbytes == 0) return nullptr;
  if (nbytes < kCachedBlock) {
    void* p = std::malloc(nbytes);
    if (!p) fail(Status::OutOfMemory, "out of memory allocating ", nbytes, " bytes on the CPU");
    return p;
  }
  size_t cls = size_class(nbytes);
  {
    BlockCache& c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    auto it = c.free_blocks.find(cls);
    if (it != c.free_blocks.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      return p;
    }
  }
  void* p = std::aligned_alloc(64, cls);
  if (!p) {
    empty_cache();
    p = std::aligned_alloc(64, cls);
  }
  if (!p) fail(Status::OutOfMemory, "out of memory allocating ", nbytes, " bytes on the CPU");
  return p;
}

void cpu_deallocate(void* p, size_t nbytes) {
  if (!p) return;
  if (nbytes < kCachedBlock) {
    std::free(p);
    return;
  }
  BlockCache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  c.free_blocks[size_class(nbytes)].push_back(p);
}

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
  register_optim(b);
  register_conv(b);
  register_pool(b);
  register_rnn(b);
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

void empty_cache() {
  BlockCache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  for (auto& entry : c.free_blocks)
    for (void* p : entry.second) std::free(p);
  c.free_blocks.clear();
}

int num_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

}  // namespace dl::cpu
