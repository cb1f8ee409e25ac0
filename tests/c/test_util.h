/* Helpers for the C ABI tests (CMocka). */
#ifndef DL_TEST_UTIL_H
#define DL_TEST_UTIL_H

#include <dl/dl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* A handle of no libdl type: its tag is none of libdl's, so every function
 * must reject it as "not a dl_tensor handle" (it is readable memory). */
static const uint32_t foreign_words[16] = {0x12345678u};
#define FOREIGN ((dl_tensor*)(void*)foreign_words)

/* A float32 tensor from values with the given shape. */
static inline dl_tensor* tf(const float* values, const int64_t* shape, int ndim) {
  dl_tensor* t = NULL;
  assert_int_equal(dl_tensor_from_data(values, DL_FLOAT32, shape, ndim, &t), DL_OK);
  assert_non_null(t);
  return t;
}

/* A 1-D float32 tensor. */
static inline dl_tensor* vec(const float* values, int64_t n) { return tf(values, &n, 1); }

/* A handle that has been freed (its slot stays libdl's: see NOTE [Handle pool]). */
static inline dl_tensor* freed_handle(void) {
  float v = 1;
  dl_tensor* t = vec(&v, 1);
  dl_tensor_free(t);
  return t;
}

/* Copies a tensor's values as float64 into out (numel must equal n). */
static inline void values_of(const dl_tensor* t, double* out, int64_t n) {
  dl_tensor* d = NULL;
  int64_t numel = -1;
  assert_int_equal(dl_tensor_numel(t, &numel), DL_OK);
  assert_int_equal(numel, n);
  assert_int_equal(dl_tensor_to_dtype(t, DL_FLOAT64, &d), DL_OK);
  assert_int_equal(dl_tensor_copy_to(d, out, (size_t)n * sizeof(double)), DL_OK);
  dl_tensor_free(d);
}

static inline void expect_values(const dl_tensor* t, const double* want, int64_t n, double tol) {
  double got[64];
  assert_true(n <= 64);
  values_of(t, got, n);
  for (int64_t i = 0; i < n; ++i) assert_float_equal(got[i], want[i], tol);
}

static inline void expect_shape(const dl_tensor* t, const int64_t* want, int ndim) {
  int got_ndim = -1;
  int64_t got[16];
  assert_int_equal(dl_tensor_ndim(t, &got_ndim), DL_OK);
  assert_int_equal(got_ndim, ndim);
  assert_int_equal(dl_tensor_shape(t, got, 16), DL_OK);
  for (int i = 0; i < ndim; ++i) assert_int_equal(got[i], want[i]);
}

/* Overwrites m's parameter called name with n float32 values. */
static inline void set_parameter(const dl_module* m, const char* name, const float* values, size_t n) {
  dl_tensor* p = NULL;
  assert_int_equal(dl_module_named_parameter(m, name, &p), DL_OK);
  assert_int_equal(dl_tensor_copy_from(p, values, n * sizeof(float)), DL_OK);
  dl_tensor_free(p);
}

/* Creates a new empty file named after path_template ("/tmp/name_XXXXXX",
 * whose X's become the name's end). */
static inline void make_temp_file(char* path_template) {
  int fd = mkstemp(path_template);
  assert_true(fd >= 0);
  close(fd);
}

/* The last call failed with status and its message contains each fragment. */
#define EXPECT_ERROR(call, status, fragment1, fragment2)                       \
  do {                                                                         \
    assert_int_equal((call), (status));                                        \
    assert_non_null(strstr(dl_last_error_message(), (fragment1)));             \
    assert_non_null(strstr(dl_last_error_message(), (fragment2)));             \
  } while (0)

#endif
