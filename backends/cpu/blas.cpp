// GEMM through OpenBLAS loaded at run time. NOTE [OpenBLAS core type]:
// OpenBLAS 0.3.21 (Debian 12) does not know recent CPUs and falls back to
// its generic Prescott kernels, about 4x slower; it reads OPENBLAS_CORETYPE
// once, when it loads. So libdl does not link it: on first use it picks the
// core type from cpuid (unless the user set one), sets the variable for the
// dlopen only, and restores the environment afterwards.
//
// NOTE [OpenBLAS thread timeout]: OpenBLAS's helper threads spin (sched_yield)
// for 2^28 cycles, about 0.1 s, after starting and after each threaded call
// before they sleep; on a 2-core machine that is a core taken from the
// training loop and the data loader. Unless the user set
// OPENBLAS_THREAD_TIMEOUT, libdl sets 2^20 cycles (well under a millisecond)
// for the dlopen: enough to catch back-to-back threaded products, and the
// wake-up of a sleeping helper costs little beside a product large enough to
// be threaded (NOTE [GEMM threads]).
//
// Products of at most kSmallMacs multiply-adds (Linear(4,4) on one row, the
// 100x1x1 of a linear regression) skip OpenBLAS: its call costs more than
// the work, and a program that only does such products never loads it.
//
// NOTE [one thread pool]: our kernels and oneDNN's run on OpenMP's threads,
// which spin a while after each parallel region; OpenBLAS has threads of
// its own, and on a machine with as many threads as cores the two pools take
// cores from each other (libgomp's spinning showed as 15 % of a convnet
// step). So where oneDNN is built, float32 products that would run on more
// than one thread (NOTE [GEMM threads]) go to oneDNN's GEMM, which runs on
// the OpenMP pool (the convnet step got faster). On one thread OpenBLAS's
// kernels are the faster ones (about 10 % at 1024^3 here) and nothing
// competes, so those products stay there; float64 stays on OpenBLAS.
#include "backends/cpu/blas.h"

#include <dlfcn.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

#include "backends/cpu/cpu_backend.h"
#include "backends/cpu/cpu_features.h"
#ifdef DL_HAVE_ONEDNN
#include <dnnl.h>
#endif
#include "backends/cpu/gemm_kernel.h"

namespace dl::cpu {

namespace {

// CBLAS enum values (cblas.h).
constexpr int kRowMajor = 101, kNoTrans = 111, kTrans = 112;

using SgemmFn = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*,
                         int);
using DgemmFn = void (*)(int, int, int, int, int, int, double, const double*, int, const double*, int, double,
                         double*, int);
using SetThreadsFn = void (*)(int);
using CorenameFn = char* (*)();

struct OpenBlas {
  SgemmFn sgemm = nullptr;
  DgemmFn dgemm = nullptr;
  SetThreadsFn set_num_threads = nullptr;
  std::string description;
};

OpenBlas load_openblas() {
  OpenBlas blas;
  const char* user_choice = std::getenv("OPENBLAS_CORETYPE");
  const char* chosen = user_choice ? nullptr : openblas_core_for(detect_cpu_features());
  if (chosen) setenv("OPENBLAS_CORETYPE", chosen, 1);
  const bool set_timeout = std::getenv("OPENBLAS_THREAD_TIMEOUT") == nullptr;
  if (set_timeout) setenv("OPENBLAS_THREAD_TIMEOUT", "20", 1);  // NOTE [OpenBLAS thread timeout]
  void* handle = nullptr;
  for (const char* name : {"libopenblas.so.0", "libopenblas.so"}) {
    handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (handle) break;
  }
  if (chosen) unsetenv("OPENBLAS_CORETYPE");
  if (set_timeout) unsetenv("OPENBLAS_THREAD_TIMEOUT");
  if (!handle) {
    blas.description = "built-in kernel (OpenBLAS not found)";
    return blas;
  }
  blas.sgemm = reinterpret_cast<SgemmFn>(dlsym(handle, "cblas_sgemm"));
  blas.dgemm = reinterpret_cast<DgemmFn>(dlsym(handle, "cblas_dgemm"));
  blas.set_num_threads = reinterpret_cast<SetThreadsFn>(dlsym(handle, "openblas_set_num_threads"));
  auto corename = reinterpret_cast<CorenameFn>(dlsym(handle, "openblas_get_corename"));
  if (!blas.sgemm || !blas.dgemm) {
    blas = OpenBlas();
    blas.description = "built-in kernel (OpenBLAS lacks cblas_sgemm)";
    return blas;
  }
  blas.description = std::string("OpenBLAS core ") + (corename ? corename() : "unknown") +
                     (chosen ? " (chosen from cpuid)" : user_choice ? " (OPENBLAS_CORETYPE set by the user)"
                                                                      : " (detected by OpenBLAS)");
#ifdef DL_HAVE_ONEDNN
  blas.description += "; threaded float32 on oneDNN";
#endif
  return blas;
}

const OpenBlas& openblas() {
  static const OpenBlas blas = load_openblas();
  return blas;
}

// NOTE [GEMM threads]: OpenBLAS's helper threads spin after each call, so
// threading a small product (the MLP's 64x784x128) costs more than it saves
// when other work follows it, and takes the core from the data loader. By
// default, products below kDefaultThreadedMacs run on one thread and larger
// ones on all cores. Once the user sets a thread count (dl_set_num_threads),
// products from kRequestedThreadedMacs up use exactly that many threads:
// asking for threads means wanting them on the matrix products.
constexpr double kDefaultThreadedMacs = 1 << 26;
constexpr double kRequestedThreadedMacs = 1 << 20;
std::atomic<int> g_requested_threads{0};  // 0: not set by the user
std::atomic<int> g_active_threads{-1};    // what OpenBLAS was last told
std::mutex g_threads_mutex;

// How many threads a product of this size runs on.
int threads_for(int64_t M, int64_t N, int64_t K) {
  int requested = g_requested_threads.load(std::memory_order_relaxed);
  double macs = static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K);
  double threshold = requested ? kRequestedThreadedMacs : kDefaultThreadedMacs;
  int want = macs < threshold ? 1 : requested ? requested : static_cast<int>(std::thread::hardware_concurrency());
  return want < 1 ? 1 : want;
}

void use_threads_for(const OpenBlas& blas, int64_t M, int64_t N, int64_t K) {
  if (!blas.set_num_threads) return;
  const int want = threads_for(M, N, K);
  if (want == g_active_threads.load(std::memory_order_relaxed)) return;
  std::lock_guard<std::mutex> lock(g_threads_mutex);
  blas.set_num_threads(want);
  g_active_threads.store(want, std::memory_order_relaxed);
}

constexpr double kSmallMacs = 4096;  // NOTE [OpenBLAS thread timeout]

bool small(int64_t M, int64_t N, int64_t K) {
  return static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K) <= kSmallMacs;
}

// CBLAS takes int sizes; larger problems than that go to the built-in kernel.
bool fits_int(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f) {
  const int64_t limit = 0x7fffffff;
  return a <= limit && b <= limit && c <= limit && d <= limit && e <= limit && f <= limit;
}

}  // namespace

void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
          const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  if (small(M, N, K)) return builtin_gemm<float>(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
#ifdef DL_HAVE_ONEDNN
  // NOTE [one thread pool]; sizes are valid here, so oneDNN does not refuse them.
  if (threads_for(M, N, K) > 1 && num_threads() > 1 &&
      dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', M, N, K, alpha, A, lda, B, ldb, beta, C, ldc) == dnnl_success)
    return;
#endif
  const OpenBlas& blas = openblas();
  if (blas.sgemm && fits_int(M, N, K, lda, ldb, ldc)) {
    use_threads_for(blas, M, N, K);
    blas.sgemm(kRowMajor, trans_a ? kTrans : kNoTrans, trans_b ? kTrans : kNoTrans, static_cast<int>(M),
               static_cast<int>(N), static_cast<int>(K), alpha, A, static_cast<int>(lda), B, static_cast<int>(ldb),
               beta, C, static_cast<int>(ldc));
    return;
  }
  builtin_gemm<float>(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, double alpha, const double* A, int64_t lda,
          const double* B, int64_t ldb, double beta, double* C, int64_t ldc) {
  if (small(M, N, K)) return builtin_gemm<double>(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  const OpenBlas& blas = openblas();
  if (blas.dgemm && fits_int(M, N, K, lda, ldb, ldc)) {
    use_threads_for(blas, M, N, K);
    blas.dgemm(kRowMajor, trans_a ? kTrans : kNoTrans, trans_b ? kTrans : kNoTrans, static_cast<int>(M),
               static_cast<int>(N), static_cast<int>(K), alpha, A, static_cast<int>(lda), B, static_cast<int>(ldb),
               beta, C, static_cast<int>(ldc));
    return;
  }
  builtin_gemm<double>(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void blas_set_num_threads(int n) { g_requested_threads.store(n, std::memory_order_relaxed); }

const char* blas_description() { return openblas().description.c_str(); }

}  // namespace dl::cpu
