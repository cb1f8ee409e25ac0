/* Helpers shared by the benchmark programs: a monotonic clock, a check that
 * exits with libdl's message, a median, the JSON line the runner reads, and
 * the timing of a classifier's train step and forward. */
#ifndef DL_BENCH_UTIL_H
#define DL_BENCH_UTIL_H

#include <dl/dl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline void check(dl_status s) {
  if (s != DL_OK) {
    fprintf(stderr, "benchmark: %s\n", dl_last_error_message());
    exit(1);
  }
}

static inline int compare_doubles(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

/* The median of n values (sorts them). */
static inline double median(double* values, int n) {
  qsort(values, (size_t)n, sizeof values[0], compare_doubles);
  return values[n / 2];
}

/* One result line: {"case": ..., "metric": ..., "higher_is_better": ..., "value": ...}. */
static inline void report(const char* case_name, const char* metric, int higher_is_better, double value) {
  printf("{\"case\": \"%s\", \"metric\": \"%s\", \"higher_is_better\": %s, \"value\": %.6g}\n", case_name, metric,
         higher_is_better ? "true" : "false", value);
  fflush(stdout);
}

/* Times a classifier on one batch: the median milliseconds over 15 steps,
 * after 3 of warm-up, of a train step (zero_grad, forward, cross-entropy,
 * backward, optimizer step) and then of an eval-mode no-grad forward,
 * reported as "train step" and "no-grad forward". */
static inline void time_classifier(dl_module* net, dl_optimizer* opt, const dl_tensor* x, const dl_tensor* y) {
  enum { kWarmup = 3, kSteps = 15 };
  double train[kSteps], eval[kSteps];
  for (int i = 0; i < kWarmup + kSteps; ++i) {
    double t0 = now();
    dl_tensor *out, *loss;
    check(dl_optimizer_zero_grad(opt));
    check(dl_module_forward(net, x, &out));
    check(dl_cross_entropy(out, y, DL_REDUCTION_MEAN, &loss));
    check(dl_tensor_backward(loss, NULL));
    check(dl_optimizer_step(opt));
    dl_tensor_free(out), dl_tensor_free(loss);
    if (i >= kWarmup) train[i - kWarmup] = (now() - t0) * 1e3;
  }
  check(dl_module_train(net, 0));
  int previous;
  check(dl_set_grad_enabled(0, &previous));
  for (int i = 0; i < kWarmup + kSteps; ++i) {
    double t0 = now();
    dl_tensor* out;
    check(dl_module_forward(net, x, &out));
    dl_tensor_free(out);
    if (i >= kWarmup) eval[i - kWarmup] = (now() - t0) * 1e3;
  }
  check(dl_set_grad_enabled(previous, NULL));
  report("train step", "ms", 0, median(train, kSteps));
  report("no-grad forward", "ms", 0, median(eval, kSteps));
}

#endif
