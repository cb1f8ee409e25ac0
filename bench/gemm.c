/* gemm workload (PERFORMANCE.md): float32 matrix products through the C ABI.
 * Usage: bench_gemm THREADS. Prints one JSON line per case:
 * {"case": ..., "metric": "gflops", "value": ...}; the first line says what
 * computes the products. */
#include "bench_util.h"

/* Median seconds of one product over enough repetitions to fill ~1 s. */
static double time_product(int64_t m, int64_t k, int64_t n) {
  int64_t sa[2] = {m, k}, sb[2] = {k, n};
  dl_tensor *a = NULL, *b = NULL, *c = NULL;
  check(dl_tensor_randn(sa, 2, DL_FLOAT32, &a));
  check(dl_tensor_randn(sb, 2, DL_FLOAT32, &b));
  check(dl_matmul(a, b, &c)); /* warm-up */
  dl_tensor_free(c);
  double times[2000];
  int reps = 0;
  double start = now();
  while (reps < 2000 && (reps < 3 || now() - start < 1.0)) {
    double t0 = now();
    check(dl_matmul(a, b, &c));
    times[reps++] = now() - t0;
    dl_tensor_free(c);
  }
  dl_tensor_free(a);
  dl_tensor_free(b);
  return median(times, reps);
}

int main(int argc, char** argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  check(dl_set_num_threads(threads));
  printf("{\"info\": \"%s, %d thread(s)\"}\n", dl_blas_info(), threads);
  const struct { const char* name; int64_t m, k, n; } cases[] = {
      {"1024x1024x1024", 1024, 1024, 1024}, {"4096x4096x4096", 4096, 4096, 4096}, {"64x784x128", 64, 784, 128}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    double t = time_product(cases[i].m, cases[i].k, cases[i].n);
    char name[64];
    snprintf(name, sizeof name, "%s, %d thread(s)", cases[i].name, threads);
    report(name, "GFLOP/s", 1, 2.0 * (double)cases[i].m * (double)cases[i].k * (double)cases[i].n / t / 1e9);
  }
  return 0;
}
