/* C ABI: every op's happy path with values from closed forms, and its error
 * paths: NULL/foreign/freed handles, NULL results, shape and dtype errors,
 * each with a message naming the function and the argument. */
#include <math.h>

#include "test_util.h"

typedef dl_status (*binary_fn)(const dl_tensor*, const dl_tensor*, dl_tensor**);
typedef dl_status (*scalar_fn)(const dl_tensor*, double, dl_tensor**);
typedef dl_status (*unary_fn)(const dl_tensor*, dl_tensor**);

static const float A[4] = {1, -2, 3, 4};  /* [2, 2] */
static const float B[2] = {2, 0.5f};      /* [2], broadcast over rows */
static const int64_t S22[2] = {2, 2};

/* Checks fn's error paths for its two tensor arguments. */
static void binary_errors(binary_fn fn, const char* name) {
  dl_tensor* a = tf(A, S22, 2);
  float three[3] = {1, 2, 3};
  dl_tensor* c = vec(three, 3);
  dl_tensor* out = (dl_tensor*)1;
  EXPECT_ERROR(fn(NULL, a, &out), DL_ERR_INVALID_ARGUMENT, name, "'a' is NULL");
  assert_null(out);
  EXPECT_ERROR(fn(a, NULL, &out), DL_ERR_INVALID_ARGUMENT, name, "'b' is NULL");
  EXPECT_ERROR(fn(a, FOREIGN, &out), DL_ERR_INVALID_ARGUMENT, name, "not a dl_tensor handle");
  EXPECT_ERROR(fn(freed_handle(), a, &out), DL_ERR_INVALID_ARGUMENT, name, "freed handle");
  EXPECT_ERROR(fn(a, a, NULL), DL_ERR_INVALID_ARGUMENT, name, "'out'");
  EXPECT_ERROR(fn(a, c, &out), DL_ERR_SHAPE, name, "[2, 2]");
  assert_null(out);
  dl_tensor_free(a), dl_tensor_free(c);
}

static void binary_ops(void** state) {
  (void)state;
  const struct {
    binary_fn fn;
    const char* name;
    double want[4];
    dl_dtype out_dtype;
  } cases[] = {
      {dl_add, "dl_add", {3, -1.5, 5, 4.5}, DL_FLOAT32},      {dl_sub, "dl_sub", {-1, -2.5, 1, 3.5}, DL_FLOAT32},
      {dl_mul, "dl_mul", {2, -1, 6, 2}, DL_FLOAT32},          {dl_div, "dl_div", {0.5, -4, 1.5, 8}, DL_FLOAT32},
      {dl_pow, "dl_pow", {1, NAN, 9, 2}, DL_FLOAT32},         {dl_maximum, "dl_maximum", {2, 0.5, 3, 4}, DL_FLOAT32},
      {dl_minimum, "dl_minimum", {1, -2, 2, 0.5}, DL_FLOAT32}, {dl_eq, "dl_eq", {0, 0, 0, 0}, DL_BOOL},
      {dl_ne, "dl_ne", {1, 1, 1, 1}, DL_BOOL},                 {dl_lt, "dl_lt", {1, 1, 0, 0}, DL_BOOL},
      {dl_le, "dl_le", {1, 1, 0, 0}, DL_BOOL},                 {dl_gt, "dl_gt", {0, 0, 1, 1}, DL_BOOL},
      {dl_ge, "dl_ge", {0, 0, 1, 1}, DL_BOOL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    dl_tensor *a = tf(A, S22, 2), *b = vec(B, 2), *out = NULL;
    assert_int_equal(cases[i].fn(a, b, &out), DL_OK);
    expect_shape(out, S22, 2);
    dl_dtype dt;
    assert_int_equal(dl_tensor_dtype(out, &dt), DL_OK);
    assert_int_equal(dt, cases[i].out_dtype);
    double got[4];
    values_of(out, got, 4);
    for (int k = 0; k < 4; ++k) {
      if (isnan(cases[i].want[k])) assert_true(isnan(got[k]));
      else assert_float_equal(got[k], cases[i].want[k], 1e-6);
    }
    dl_tensor_free(a), dl_tensor_free(b), dl_tensor_free(out);
    binary_errors(cases[i].fn, cases[i].name);
  }
}

static void type_promotion(void** state) {
  (void)state;
  const int64_t ints[2] = {1, 2};
  const int64_t two = 2;
  dl_tensor *i = NULL, *f = NULL, *out = NULL;
  assert_int_equal(dl_tensor_from_data(ints, DL_INT64, &two, 1, &i), DL_OK);
  f = vec(B, 2);
  dl_dtype dt;
  assert_int_equal(dl_add(i, f, &out), DL_OK); /* int64 + float32 -> float32 */
  assert_int_equal(dl_tensor_dtype(out, &dt), DL_OK);
  assert_int_equal(dt, DL_FLOAT32);
  dl_tensor_free(out);
  assert_int_equal(dl_div(i, i, &out), DL_OK); /* true division -> float32 */
  assert_int_equal(dl_tensor_dtype(out, &dt), DL_OK);
  assert_int_equal(dt, DL_FLOAT32);
  dl_tensor_free(out);
  assert_int_equal(dl_mul_scalar(i, 3, &out), DL_OK); /* integral scalar keeps int64 */
  assert_int_equal(dl_tensor_dtype(out, &dt), DL_OK);
  assert_int_equal(dt, DL_INT64);
  dl_tensor_free(out);
  assert_int_equal(dl_mul_scalar(i, 0.5, &out), DL_OK); /* fractional scalar -> float32 */
  assert_int_equal(dl_tensor_dtype(out, &dt), DL_OK);
  assert_int_equal(dt, DL_FLOAT32);
  dl_tensor_free(out), dl_tensor_free(i), dl_tensor_free(f);
}

static void scalar_ops(void** state) {
  (void)state;
  const struct {
    scalar_fn fn;
    const char* name;
    double want[4];
  } cases[] = {{dl_add_scalar, "dl_add_scalar", {3, 0, 5, 6}},    {dl_sub_scalar, "dl_sub_scalar", {-1, -4, 1, 2}},
               {dl_mul_scalar, "dl_mul_scalar", {2, -4, 6, 8}},   {dl_div_scalar, "dl_div_scalar", {0.5, -1, 1.5, 2}},
               {dl_pow_scalar, "dl_pow_scalar", {1, 4, 9, 16}}};
  for (size_t i = 0; i < 5; ++i) {
    dl_tensor *a = tf(A, S22, 2), *out = NULL;
    assert_int_equal(cases[i].fn(a, 2.0, &out), DL_OK);
    expect_values(out, cases[i].want, 4, 1e-6);
    dl_tensor_free(out);
    EXPECT_ERROR(cases[i].fn(NULL, 2.0, &out), DL_ERR_INVALID_ARGUMENT, cases[i].name, "'a'");
    EXPECT_ERROR(cases[i].fn(freed_handle(), 2.0, &out), DL_ERR_INVALID_ARGUMENT, cases[i].name, "freed");
    EXPECT_ERROR(cases[i].fn(a, 2.0, NULL), DL_ERR_INVALID_ARGUMENT, cases[i].name, "'out'");
    dl_tensor_free(a);
  }
}

static void unary_ops(void** state) {
  (void)state;
  const float x[3] = {-1, 0.5f, 2};
  const struct {
    unary_fn fn;
    const char* name;
    double want[3];
  } cases[] = {
      {dl_neg, "dl_neg", {1, -0.5, -2}},
      {dl_abs, "dl_abs", {1, 0.5, 2}},
      {dl_exp, "dl_exp", {0.36787944, 1.64872127, 7.3890561}},
      {dl_log, "dl_log", {NAN, -0.69314718, 0.69314718}},
      {dl_sqrt, "dl_sqrt", {NAN, 0.70710678, 1.41421356}},
      {dl_relu, "dl_relu", {0, 0.5, 2}},
      {dl_sigmoid, "dl_sigmoid", {0.26894142, 0.62245933, 0.88079708}},
      {dl_tanh, "dl_tanh", {-0.76159416, 0.46211716, 0.96402758}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    dl_tensor *t = vec(x, 3), *out = NULL;
    assert_int_equal(cases[i].fn(t, &out), DL_OK);
    double got[3];
    values_of(out, got, 3);
    for (int k = 0; k < 3; ++k) {
      if (isnan(cases[i].want[k])) assert_true(isnan(got[k]));
      else assert_float_equal(got[k], cases[i].want[k], 1e-6);
    }
    dl_tensor_free(out);
    EXPECT_ERROR(cases[i].fn(NULL, &out), DL_ERR_INVALID_ARGUMENT, cases[i].name, "'x' is NULL");
    EXPECT_ERROR(cases[i].fn(FOREIGN, &out), DL_ERR_INVALID_ARGUMENT, cases[i].name, "'x'");
    EXPECT_ERROR(cases[i].fn(freed_handle(), &out), DL_ERR_INVALID_ARGUMENT, cases[i].name, "freed");
    EXPECT_ERROR(cases[i].fn(t, NULL), DL_ERR_INVALID_ARGUMENT, cases[i].name, "'out'");
    dl_tensor_free(t);
  }
  const uint8_t flags[2] = {1, 0};
  const int64_t two = 2;
  dl_tensor *b = NULL, *out = NULL;
  assert_int_equal(dl_tensor_from_data(flags, DL_BOOL, &two, 1, &b), DL_OK);
  EXPECT_ERROR(dl_neg(b, &out), DL_ERR_DTYPE, "dl_neg", "bool");
  dl_tensor_free(b);
}

static void clamp_where_masked_fill(void** state) {
  (void)state;
  const float x[4] = {-3, -0.5f, 0.5f, 3};
  dl_tensor *t = vec(x, 4), *out = NULL, *mask = NULL;
  assert_int_equal(dl_clamp(t, -1, 1, &out), DL_OK);
  const double c1[4] = {-1, -0.5, 0.5, 1};
  expect_values(out, c1, 4, 0);
  dl_tensor_free(out);
  assert_int_equal(dl_clamp(t, NAN, 0, &out), DL_OK);
  const double c2[4] = {-3, -0.5, 0, 0};
  expect_values(out, c2, 4, 0);
  dl_tensor_free(out);
  EXPECT_ERROR(dl_clamp(t, NAN, NAN, &out), DL_ERR_INVALID_ARGUMENT, "dl_clamp", "min");
  EXPECT_ERROR(dl_clamp(NULL, 0, 1, &out), DL_ERR_INVALID_ARGUMENT, "dl_clamp", "'x'");

  /* mask = x > 0 (a bool tensor made by a comparison with a 0-dim tensor) */
  dl_tensor* zero = NULL;
  assert_int_equal(dl_tensor_zeros(NULL, 0, DL_FLOAT32, &zero), DL_OK);
  assert_int_equal(dl_gt(t, zero, &mask), DL_OK);
  dl_tensor* neg = NULL;
  assert_int_equal(dl_neg(t, &neg), DL_OK);
  assert_int_equal(dl_where(mask, t, neg, &out), DL_OK); /* |x| */
  const double absx[4] = {3, 0.5, 0.5, 3};
  expect_values(out, absx, 4, 0);
  dl_tensor_free(out);
  EXPECT_ERROR(dl_where(t, t, neg, &out), DL_ERR_DTYPE, "dl_where", "'condition'");
  EXPECT_ERROR(dl_where(mask, NULL, neg, &out), DL_ERR_INVALID_ARGUMENT, "dl_where", "'a'");
  EXPECT_ERROR(dl_where(NULL, t, neg, &out), DL_ERR_INVALID_ARGUMENT, "dl_where", "'cond'");
  assert_int_equal(dl_masked_fill(t, mask, 9, &out), DL_OK);
  const double filled[4] = {-3, -0.5, 9, 9};
  expect_values(out, filled, 4, 0);
  dl_tensor_free(out);
  EXPECT_ERROR(dl_masked_fill(t, t, 9, &out), DL_ERR_DTYPE, "dl_masked_fill", "'mask'");
  EXPECT_ERROR(dl_masked_fill(t, FOREIGN, 9, &out), DL_ERR_INVALID_ARGUMENT, "dl_masked_fill", "'mask'");
  EXPECT_ERROR(dl_masked_fill(t, mask, 9, NULL), DL_ERR_INVALID_ARGUMENT, "dl_masked_fill", "'out'");
  dl_tensor_free(neg), dl_tensor_free(zero), dl_tensor_free(mask), dl_tensor_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(binary_ops),
      cmocka_unit_test(type_promotion),
      cmocka_unit_test(scalar_ops),
      cmocka_unit_test(unary_ops),
      cmocka_unit_test(clamp_where_masked_fill),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
