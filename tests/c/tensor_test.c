/* C ABI: tensor creation, inspection, copies, conversion, ref/free; each
 * function's happy path and its error paths (NULL, foreign and freed
 * handles, bad shapes and dtypes) with the message naming function and argument. */
#include <math.h>

#include "test_util.h"

typedef dl_status (*shape_ctor)(const int64_t*, int, dl_dtype, dl_tensor**);

static void zeros_ones_randn_rand(void** state) {
  (void)state;
  const struct { shape_ctor fn; const char* name; } ctors[] = {{dl_tensor_zeros, "dl_tensor_zeros"},
                                                                {dl_tensor_ones, "dl_tensor_ones"},
                                                                {dl_tensor_randn, "dl_tensor_randn"},
                                                                {dl_tensor_rand, "dl_tensor_rand"}};
  const int64_t shape[2] = {2, 3}, bad[2] = {2, -1};
  for (size_t i = 0; i < 4; ++i) {
    dl_tensor* t = NULL;
    assert_int_equal(ctors[i].fn(shape, 2, DL_FLOAT64, &t), DL_OK);
    expect_shape(t, shape, 2);
    double v[6];
    values_of(t, v, 6);
    for (int k = 0; k < 6; ++k) {
      if (i == 0) assert_true(v[k] == 0.0);
      if (i == 1) assert_true(v[k] == 1.0);
      if (i == 3) assert_true(v[k] >= 0.0 && v[k] < 1.0);
    }
    dl_tensor_free(t);
    t = (dl_tensor*)1;
    EXPECT_ERROR(ctors[i].fn(NULL, 2, DL_FLOAT32, &t), DL_ERR_INVALID_ARGUMENT, ctors[i].name, "'shape'");
    assert_null(t);
    EXPECT_ERROR(ctors[i].fn(bad, 2, DL_FLOAT32, &t), DL_ERR_SHAPE, ctors[i].name, "-1");
    EXPECT_ERROR(ctors[i].fn(shape, 2, (dl_dtype)42, &t), DL_ERR_INVALID_ARGUMENT, ctors[i].name, "'dtype'");
    EXPECT_ERROR(ctors[i].fn(shape, 2, DL_FLOAT32, NULL), DL_ERR_INVALID_ARGUMENT, ctors[i].name, "'out'");
    EXPECT_ERROR(ctors[i].fn(shape, -1, DL_FLOAT32, &t), DL_ERR_INVALID_ARGUMENT, ctors[i].name, "dims");
  }
  dl_tensor* t = NULL;
  EXPECT_ERROR(dl_tensor_randn(shape, 2, DL_INT64, &t), DL_ERR_DTYPE, "dl_tensor_randn", "floating");
}

static void from_data_full_arange_eye_randint(void** state) {
  (void)state;
  const int64_t shape[2] = {2, 2};
  const int32_t ints[4] = {1, -2, 3, 4};
  dl_tensor* t = NULL;
  assert_int_equal(dl_tensor_from_data(ints, DL_INT32, shape, 2, &t), DL_OK);
  dl_dtype dt;
  assert_int_equal(dl_tensor_dtype(t, &dt), DL_OK);
  assert_int_equal(dt, DL_INT32);
  const double want[4] = {1, -2, 3, 4};
  expect_values(t, want, 4, 0);
  dl_tensor_free(t);
  EXPECT_ERROR(dl_tensor_from_data(NULL, DL_FLOAT32, shape, 2, &t), DL_ERR_INVALID_ARGUMENT,
               "dl_tensor_from_data", "'data'");
  EXPECT_ERROR(dl_tensor_from_data(ints, DL_FLOAT16, shape, 2, &t), DL_ERR_UNSUPPORTED, "dl_tensor_from_data",
               "float16");
  assert_int_equal(dl_tensor_from_data(ints, DL_INT32, NULL, 0, &t), DL_OK); /* 0-dim */
  int nd = -1;
  assert_int_equal(dl_tensor_ndim(t, &nd), DL_OK);
  assert_int_equal(nd, 0);
  dl_tensor_free(t);

  assert_int_equal(dl_tensor_full(shape, 2, 2.5, DL_FLOAT32, &t), DL_OK);
  const double halves[4] = {2.5, 2.5, 2.5, 2.5};
  expect_values(t, halves, 4, 0);
  dl_tensor_free(t);
  EXPECT_ERROR(dl_tensor_full(shape, 2, 1.0, DL_FLOAT32, NULL), DL_ERR_INVALID_ARGUMENT, "dl_tensor_full", "'out'");

  assert_int_equal(dl_tensor_arange(0, 1, 0.25, DL_FLOAT64, &t), DL_OK);
  const double ar[4] = {0, 0.25, 0.5, 0.75};
  expect_values(t, ar, 4, 0);
  dl_tensor_free(t);
  EXPECT_ERROR(dl_tensor_arange(0, 1, 0, DL_FLOAT32, &t), DL_ERR_INVALID_ARGUMENT, "dl_tensor_arange", "step");
  EXPECT_ERROR(dl_tensor_arange(0, 1, -1, DL_FLOAT32, &t), DL_ERR_INVALID_ARGUMENT, "dl_tensor_arange", "sign");

  assert_int_equal(dl_tensor_eye(2, -1, DL_FLOAT32, &t), DL_OK);
  const double id[4] = {1, 0, 0, 1};
  expect_values(t, id, 4, 0);
  dl_tensor_free(t);
  EXPECT_ERROR(dl_tensor_eye(-2, -1, DL_FLOAT32, &t), DL_ERR_INVALID_ARGUMENT, "dl_tensor_eye", "'n'");

  const int64_t n = 1000;
  assert_int_equal(dl_tensor_randint(-3, 4, &n, 1, DL_INT64, &t), DL_OK);
  int64_t v[1000];
  assert_int_equal(dl_tensor_copy_to(t, v, sizeof v), DL_OK);
  int seen_low = 0, seen_high = 0;
  for (int i = 0; i < 1000; ++i) {
    assert_true(v[i] >= -3 && v[i] < 4);
    seen_low |= v[i] == -3, seen_high |= v[i] == 3;
  }
  assert_true(seen_low && seen_high);
  dl_tensor_free(t);
  EXPECT_ERROR(dl_tensor_randint(4, 4, &n, 1, DL_INT64, &t), DL_ERR_INVALID_ARGUMENT, "dl_tensor_randint", "low");
  EXPECT_ERROR(dl_tensor_randint(0, 4, &n, 1, DL_BOOL, &t), DL_ERR_DTYPE, "dl_tensor_randint", "'dtype'");
}

static void inspection(void** state) {
  (void)state;
  const float v[6] = {0, 1, 2, 3, 4, 5};
  const int64_t shape[2] = {2, 3};
  dl_tensor* t = tf(v, shape, 2);
  dl_tensor* tt = NULL;
  assert_int_equal(dl_transpose(t, 0, 1, &tt), DL_OK);
  int64_t st[2], numel = 0, small[1];
  int contiguous = -1, nd = 0;
  assert_int_equal(dl_tensor_strides(tt, st, 2), DL_OK);
  assert_int_equal(st[0], 1);
  assert_int_equal(st[1], 3);
  assert_int_equal(dl_tensor_is_contiguous(tt, &contiguous), DL_OK);
  assert_int_equal(contiguous, 0);
  assert_int_equal(dl_tensor_numel(tt, &numel), DL_OK);
  assert_int_equal(numel, 6);
  dl_device dev = {DL_CUDA, 5};
  assert_int_equal(dl_tensor_device(t, &dev), DL_OK);
  assert_int_equal(dev.type, DL_CPU);
  assert_int_equal(dev.index, 0);
  EXPECT_ERROR(dl_tensor_shape(t, small, 1), DL_ERR_INVALID_ARGUMENT, "dl_tensor_shape", "'capacity'");
  EXPECT_ERROR(dl_tensor_shape(t, NULL, 2), DL_ERR_INVALID_ARGUMENT, "dl_tensor_shape", "'shape'");
  EXPECT_ERROR(dl_tensor_strides(t, small, 1), DL_ERR_INVALID_ARGUMENT, "dl_tensor_strides", "'capacity'");
  EXPECT_ERROR(dl_tensor_ndim(t, NULL), DL_ERR_INVALID_ARGUMENT, "dl_tensor_ndim", "'out'");
  EXPECT_ERROR(dl_tensor_numel(NULL, &numel), DL_ERR_INVALID_ARGUMENT, "dl_tensor_numel", "'t' is NULL");
  EXPECT_ERROR(dl_tensor_dtype(FOREIGN, NULL), DL_ERR_INVALID_ARGUMENT, "dl_tensor_dtype", "'out'");
  dl_dtype dt;
  EXPECT_ERROR(dl_tensor_dtype(FOREIGN, &dt), DL_ERR_INVALID_ARGUMENT, "dl_tensor_dtype", "not a dl_tensor handle");
  EXPECT_ERROR(dl_tensor_device(freed_handle(), &dev), DL_ERR_INVALID_ARGUMENT, "dl_tensor_device", "freed handle");
  EXPECT_ERROR(dl_tensor_ndim(freed_handle(), &nd), DL_ERR_INVALID_ARGUMENT, "dl_tensor_ndim", "freed handle");
  EXPECT_ERROR(dl_tensor_is_contiguous(NULL, &contiguous), DL_ERR_INVALID_ARGUMENT, "dl_tensor_is_contiguous", "'t'");
  dl_tensor_free(tt);
  dl_tensor_free(t);
}

static void copies_item_and_conversion(void** state) {
  (void)state;
  const float v[6] = {0.5f, 1.5f, -2.7f, 3, 4, 5};
  const int64_t shape[2] = {2, 3};
  dl_tensor* t = tf(v, shape, 2);
  dl_tensor* tt = NULL;
  assert_int_equal(dl_transpose(t, 0, 1, &tt), DL_OK);
  float out[6];
  assert_int_equal(dl_tensor_copy_to(tt, out, sizeof out), DL_OK); /* row-major of the transposed view */
  const float want[6] = {0.5f, 3, 1.5f, 4, -2.7f, 5};
  assert_memory_equal(out, want, sizeof out);
  EXPECT_ERROR(dl_tensor_copy_to(t, out, 5 * sizeof(float)), DL_ERR_INVALID_ARGUMENT, "dl_tensor_copy_to", "'nbytes'");
  EXPECT_ERROR(dl_tensor_copy_to(t, NULL, sizeof out), DL_ERR_INVALID_ARGUMENT, "dl_tensor_copy_to", "'buffer'");

  const float fresh[6] = {9, 8, 7, 6, 5, 4};
  assert_int_equal(dl_tensor_copy_from(t, fresh, sizeof fresh), DL_OK);
  assert_int_equal(dl_tensor_copy_to(tt, out, sizeof out), DL_OK); /* the view sees the new data */
  const float fresh_t[6] = {9, 6, 8, 5, 7, 4};
  assert_memory_equal(out, fresh_t, sizeof out);
  EXPECT_ERROR(dl_tensor_copy_from(t, fresh, 4), DL_ERR_INVALID_ARGUMENT, "dl_tensor_copy_from", "'nbytes'");
  EXPECT_ERROR(dl_tensor_copy_from(freed_handle(), fresh, 4), DL_ERR_INVALID_ARGUMENT, "dl_tensor_copy_from", "freed");

  double item = 0;
  dl_tensor* one = NULL;
  const int64_t s1 = 1;
  assert_int_equal(dl_tensor_full(&s1, 1, 42, DL_INT64, &one), DL_OK);
  assert_int_equal(dl_tensor_item(one, &item), DL_OK);
  assert_true(item == 42.0);
  EXPECT_ERROR(dl_tensor_item(t, &item), DL_ERR_SHAPE, "dl_tensor_item", "6 elements");
  EXPECT_ERROR(dl_tensor_item(one, NULL), DL_ERR_INVALID_ARGUMENT, "dl_tensor_item", "'out'");

  dl_tensor *as_int = NULL, *as_bool = NULL;
  dl_tensor* orig = tf(v, shape, 2);
  assert_int_equal(dl_tensor_to_dtype(orig, DL_INT32, &as_int), DL_OK);
  const double trunc[6] = {0, 1, -2, 3, 4, 5};
  expect_values(as_int, trunc, 6, 0);
  assert_int_equal(dl_tensor_to_dtype(orig, DL_BOOL, &as_bool), DL_OK);
  const double truth[6] = {1, 1, 1, 1, 1, 1};
  expect_values(as_bool, truth, 6, 0);
  dl_tensor* failed = as_int;
  EXPECT_ERROR(dl_tensor_to_dtype(orig, (dl_dtype)-1, &failed), DL_ERR_INVALID_ARGUMENT, "dl_tensor_to_dtype", "'dtype'");
  assert_null(failed);

  dl_tensor* moved = NULL;
  dl_device cpu = {DL_CPU, 0}, cuda = {DL_CUDA, 0}, bad = {(dl_device_type)7, 0};
  assert_int_equal(dl_tensor_to(orig, cpu, &moved), DL_OK);
  dl_tensor_free(moved);
  EXPECT_ERROR(dl_tensor_to(orig, cuda, &moved), DL_ERR_UNSUPPORTED, "dl_tensor_to", "CUDA");
  EXPECT_ERROR(dl_tensor_to(orig, bad, &moved), DL_ERR_DEVICE, "dl_tensor_to", "'device'");
  EXPECT_ERROR(dl_tensor_to(FOREIGN, cpu, &moved), DL_ERR_INVALID_ARGUMENT, "dl_tensor_to", "not a dl_tensor");

  dl_tensor_free(as_int), dl_tensor_free(as_bool), dl_tensor_free(one), dl_tensor_free(orig);
  dl_tensor_free(tt), dl_tensor_free(t);
}

static void ref_and_free(void** state) {
  (void)state;
  const float v[2] = {1, 2};
  dl_tensor* a = vec(v, 2);
  dl_tensor* b = NULL;
  assert_int_equal(dl_tensor_ref(a, &b), DL_OK);
  assert_ptr_not_equal(a, b);
  dl_tensor_free(a);
  const double want[2] = {1, 2};
  expect_values(b, want, 2, 0); /* the other handle is unaffected */
  dl_tensor* c = b;
  EXPECT_ERROR(dl_tensor_ref(a, &c), DL_ERR_INVALID_ARGUMENT, "dl_tensor_ref", "freed handle");
  assert_null(c); /* the out-parameter is cleared on failure */
  EXPECT_ERROR(dl_tensor_ref(NULL, &c), DL_ERR_INVALID_ARGUMENT, "dl_tensor_ref", "'t'");
  dl_tensor_free(b);
  dl_tensor_free(NULL);
  dl_tensor_free(FOREIGN); /* ignored */
  dl_tensor_free(a);       /* double free: no-op */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(zeros_ones_randn_rand),
      cmocka_unit_test(from_data_full_arange_eye_randint),
      cmocka_unit_test(inspection),
      cmocka_unit_test(copies_item_and_conversion),
      cmocka_unit_test(ref_and_free),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
