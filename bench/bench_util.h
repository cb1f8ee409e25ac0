/* Helpers shared by the benchmark programs: a monotonic clock, a check that
 * exits with libdl's message, a median, and the JSON line the runner reads. */
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

#endif
