/* C ABI: reductions, matrix products, softmax, views, joining and indexing:
 * values from closed forms and every function's error paths. */
#include <math.h>

#include "test_util.h"

/* x = [[[0, 1, 2], [3, 4, 5]], [[6, 7, 8], [9, 10, 11]]], shape [2, 2, 3] */
static dl_tensor* cube(void) {
  float v[12];
  for (int i = 0; i < 12; ++i) v[i] = (float)i;
  const int64_t s[3] = {2, 2, 3};
  return tf(v, s, 3);
}

typedef dl_status (*reduce_fn)(const dl_tensor*, const int64_t*, int, int, dl_tensor**);

static void reductions(void** state) {
  (void)state;
  dl_tensor *x = cube(), *out = NULL;
  const int64_t dims02[2] = {0, -1};
  const struct {
    reduce_fn fn;
    const char* name;
    double want[2];
  } cases[] = {{dl_sum, "dl_sum", {24, 42}},
               {dl_mean, "dl_mean", {4, 7}},
               {dl_amax, "dl_amax", {8, 11}},
               {dl_amin, "dl_amin", {0, 3}}};
  for (size_t i = 0; i < 4; ++i) {
    assert_int_equal(cases[i].fn(x, dims02, 2, 0, &out), DL_OK);
    const int64_t s2[1] = {2};
    expect_shape(out, s2, 1);
    expect_values(out, cases[i].want, 2, 1e-6);
    dl_tensor_free(out);
    assert_int_equal(cases[i].fn(x, dims02, 2, 1, &out), DL_OK);
    const int64_t kept[3] = {1, 2, 1};
    expect_shape(out, kept, 3);
    dl_tensor_free(out);
    const int64_t bad_dim = 3, twice[2] = {1, -2};
    EXPECT_ERROR(cases[i].fn(x, &bad_dim, 1, 0, &out), DL_ERR_INVALID_ARGUMENT, cases[i].name, "dim 3");
    EXPECT_ERROR(cases[i].fn(x, twice, 2, 0, &out), DL_ERR_INVALID_ARGUMENT, cases[i].name, "more than once");
    EXPECT_ERROR(cases[i].fn(x, NULL, 1, 0, &out), DL_ERR_INVALID_ARGUMENT, cases[i].name, "'dims'");
    EXPECT_ERROR(cases[i].fn(NULL, NULL, 0, 0, &out), DL_ERR_INVALID_ARGUMENT, cases[i].name, "'x'");
    EXPECT_ERROR(cases[i].fn(x, NULL, 0, 0, NULL), DL_ERR_INVALID_ARGUMENT, cases[i].name, "'out'");
  }
  assert_int_equal(dl_sum(x, NULL, 0, 0, &out), DL_OK); /* all dims */
  double total = 0;
  assert_int_equal(dl_tensor_item(out, &total), DL_OK);
  assert_true(total == 66);
  dl_tensor_free(out);

  /* var/std over the last dim: each row is {a, a+1, a+2}: var 1 (unbiased), 2/3 (biased). */
  const int64_t last = -1;
  assert_int_equal(dl_var(x, &last, 1, 1, 0, &out), DL_OK);
  const double ones[4] = {1, 1, 1, 1};
  expect_values(out, ones, 4, 1e-6);
  dl_tensor_free(out);
  assert_int_equal(dl_std(x, &last, 1, 0, 0, &out), DL_OK);
  const double sd[4] = {0.81649658, 0.81649658, 0.81649658, 0.81649658};
  expect_values(out, sd, 4, 1e-6);
  dl_tensor_free(out);
  EXPECT_ERROR(dl_var(x, &last, 1, -1, 0, &out), DL_ERR_INVALID_ARGUMENT, "dl_var", "correction");
  EXPECT_ERROR(dl_std(NULL, &last, 1, 1, 0, &out), DL_ERR_INVALID_ARGUMENT, "dl_std", "'x'");

  dl_tensor* ints = NULL;
  assert_int_equal(dl_tensor_to_dtype(x, DL_INT64, &ints), DL_OK);
  EXPECT_ERROR(dl_mean(ints, NULL, 0, 0, &out), DL_ERR_DTYPE, "dl_mean", "floating");
  assert_int_equal(dl_sum(ints, NULL, 0, 0, &out), DL_OK);
  dl_dtype dt;
  assert_int_equal(dl_tensor_dtype(out, &dt), DL_OK);
  assert_int_equal(dt, DL_INT64);
  dl_tensor_free(out), dl_tensor_free(ints), dl_tensor_free(x);
}

static void max_min_argmax(void** state) {
  (void)state;
  const float v[6] = {3, 9, 9, -1, 0, -7};
  const int64_t s[2] = {2, 3};
  dl_tensor *x = tf(v, s, 2), *values = NULL, *indices = NULL, *out = NULL;
  assert_int_equal(dl_max_dim(x, 1, 0, &values, &indices), DL_OK);
  const double mv[2] = {9, 0}, mi[2] = {1, 1};
  expect_values(values, mv, 2, 0);
  expect_values(indices, mi, 2, 0); /* the first of tied maxima */
  dl_tensor_free(values), dl_tensor_free(indices);
  assert_int_equal(dl_min_dim(x, 0, 1, &values, &indices), DL_OK);
  const int64_t kept[2] = {1, 3};
  expect_shape(values, kept, 2);
  const double nv[3] = {-1, 0, -7}, ni[3] = {1, 1, 1};
  expect_values(values, nv, 3, 0);
  expect_values(indices, ni, 3, 0);
  dl_tensor_free(values), dl_tensor_free(indices);
  EXPECT_ERROR(dl_max_dim(x, 2, 0, &values, &indices), DL_ERR_INVALID_ARGUMENT, "dl_max_dim", "dim 2");
  assert_null(values);
  assert_null(indices);
  EXPECT_ERROR(dl_max_dim(x, 0, 0, NULL, &indices), DL_ERR_INVALID_ARGUMENT, "dl_max_dim", "'values'");
  EXPECT_ERROR(dl_min_dim(x, 0, 0, &values, NULL), DL_ERR_INVALID_ARGUMENT, "dl_min_dim", "'indices'");
  EXPECT_ERROR(dl_min_dim(FOREIGN, 0, 0, &values, &indices), DL_ERR_INVALID_ARGUMENT, "dl_min_dim", "'x'");

  assert_int_equal(dl_argmax(x, -1, 0, &out), DL_OK);
  expect_values(out, mi, 2, 0);
  dl_tensor_free(out);
  assert_int_equal(dl_argmin(x, 1, 1, &out), DL_OK);
  const double ai[2] = {0, 2};
  expect_values(out, ai, 2, 0);
  dl_tensor_free(out);
  EXPECT_ERROR(dl_argmax(x, 5, 0, &out), DL_ERR_INVALID_ARGUMENT, "dl_argmax", "dim 5");
  EXPECT_ERROR(dl_argmin(NULL, 0, 0, &out), DL_ERR_INVALID_ARGUMENT, "dl_argmin", "'x'");
  dl_tensor_free(x);
}

static void matmul_and_linear(void** state) {
  (void)state;
  const float a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, bias[2] = {1, -1};
  const int64_t s[2] = {2, 2};
  dl_tensor *x = tf(a, s, 2), *y = tf(b, s, 2), *bv = vec(bias, 2), *out = NULL;
  assert_int_equal(dl_matmul(x, y, &out), DL_OK);
  const double mm[4] = {19, 22, 43, 50};
  expect_values(out, mm, 4, 0);
  dl_tensor_free(out);
  assert_int_equal(dl_matmul(bv, y, &out), DL_OK); /* vector x matrix */
  const double vm[2] = {-2, -2};
  expect_values(out, vm, 2, 0);
  dl_tensor_free(out);
  assert_int_equal(dl_linear(x, y, bv, &out), DL_OK); /* x y^T + bias */
  const double lin[4] = {18, 22, 40, 52};
  expect_values(out, lin, 4, 0);
  dl_tensor_free(out);
  assert_int_equal(dl_linear(x, y, NULL, &out), DL_OK);
  const double lin0[4] = {17, 23, 39, 53};
  expect_values(out, lin0, 4, 0);
  dl_tensor_free(out);

  const int64_t s1[2] = {64, 784}, s2[2] = {128, 10};
  dl_tensor *p = NULL, *q = NULL;
  assert_int_equal(dl_tensor_zeros(s1, 2, DL_FLOAT32, &p), DL_OK);
  assert_int_equal(dl_tensor_zeros(s2, 2, DL_FLOAT32, &q), DL_OK);
  assert_int_equal(dl_matmul(p, q, &out), DL_ERR_SHAPE);
  assert_string_equal(dl_last_error_message(), "dl_matmul: shapes [64, 784] and [128, 10] cannot be multiplied");
  EXPECT_ERROR(dl_linear(p, q, NULL, &out), DL_ERR_SHAPE, "dl_linear", "weight");
  EXPECT_ERROR(dl_linear(x, y, p, &out), DL_ERR_SHAPE, "dl_linear", "'bias'");
  EXPECT_ERROR(dl_linear(x, NULL, NULL, &out), DL_ERR_INVALID_ARGUMENT, "dl_linear", "'weight'");
  EXPECT_ERROR(dl_linear(x, y, FOREIGN, &out), DL_ERR_INVALID_ARGUMENT, "dl_linear", "'bias'");
  EXPECT_ERROR(dl_matmul(x, freed_handle(), &out), DL_ERR_INVALID_ARGUMENT, "dl_matmul", "'b' is a freed handle");
  dl_tensor* ints = NULL;
  assert_int_equal(dl_tensor_to_dtype(x, DL_INT64, &ints), DL_OK);
  EXPECT_ERROR(dl_matmul(ints, y, &out), DL_ERR_DTYPE, "dl_matmul", "dtypes");
  dl_tensor_free(ints), dl_tensor_free(p), dl_tensor_free(q);
  dl_tensor_free(x), dl_tensor_free(y), dl_tensor_free(bv);
}

static void softmax_family(void** state) {
  (void)state;
  const float v[4] = {1, 2, 1000, 1001};
  const int64_t s[2] = {2, 2};
  dl_tensor *x = tf(v, s, 2), *out = NULL;
  assert_int_equal(dl_softmax(x, 1, &out), DL_OK);
  const double sm[4] = {0.26894142, 0.73105858, 0.26894142, 0.73105858}; /* stable for large inputs */
  expect_values(out, sm, 4, 1e-6);
  dl_tensor_free(out);
  assert_int_equal(dl_log_softmax(x, -1, &out), DL_OK);
  const double lsm[4] = {-1.31326169, -0.31326169, -1.31326169, -0.31326169};
  expect_values(out, lsm, 4, 1e-5);
  dl_tensor_free(out);
  EXPECT_ERROR(dl_softmax(x, 2, &out), DL_ERR_INVALID_ARGUMENT, "dl_softmax", "dim 2");
  EXPECT_ERROR(dl_log_softmax(NULL, 0, &out), DL_ERR_INVALID_ARGUMENT, "dl_log_softmax", "'x'");
  dl_tensor* ints = NULL;
  assert_int_equal(dl_tensor_to_dtype(x, DL_INT32, &ints), DL_OK);
  EXPECT_ERROR(dl_softmax(ints, 0, &out), DL_ERR_DTYPE, "dl_softmax", "floating");
  dl_tensor_free(ints), dl_tensor_free(x);
}

static void views(void** state) {
  (void)state;
  dl_tensor *x = cube(), *out = NULL, *t = NULL;
  const int64_t flat[2] = {4, -1}, want_flat[2] = {4, 3};
  assert_int_equal(dl_reshape(x, flat, 2, &out), DL_OK);
  expect_shape(out, want_flat, 2);
  dl_tensor_free(out);
  assert_int_equal(dl_view(x, flat, 2, &out), DL_OK);
  dl_tensor_free(out);
  const int64_t bad[1] = {5};
  EXPECT_ERROR(dl_reshape(x, bad, 1, &out), DL_ERR_SHAPE, "dl_reshape", "[5]");
  assert_int_equal(dl_transpose(x, 0, 2, &t), DL_OK);
  const int64_t ts[3] = {3, 2, 2};
  expect_shape(t, ts, 3);
  const int64_t all[1] = {-1};
  EXPECT_ERROR(dl_view(t, all, 1, &out), DL_ERR_SHAPE, "dl_view", "reshape");
  assert_int_equal(dl_reshape(t, all, 1, &out), DL_OK); /* copies */
  double got[12];
  values_of(out, got, 12);
  assert_true(got[1] == 6 && got[2] == 3); /* transposed order */
  dl_tensor_free(out);
  EXPECT_ERROR(dl_transpose(x, 0, 3, &out), DL_ERR_INVALID_ARGUMENT, "dl_transpose", "'dim1'");

  const int64_t perm[3] = {2, 0, 1}, dup[3] = {0, 0, 1};
  assert_int_equal(dl_permute(x, perm, 3, &out), DL_OK);
  const int64_t ps[3] = {3, 2, 2};
  expect_shape(out, ps, 3);
  dl_tensor_free(out);
  EXPECT_ERROR(dl_permute(x, dup, 3, &out), DL_ERR_INVALID_ARGUMENT, "dl_permute", "repeats");
  EXPECT_ERROR(dl_permute(x, perm, 2, &out), DL_ERR_INVALID_ARGUMENT, "dl_permute", "'dims'");

  assert_int_equal(dl_flatten(x, 1, -1, &out), DL_OK);
  const int64_t fs[2] = {2, 6};
  expect_shape(out, fs, 2);
  dl_tensor_free(out);
  EXPECT_ERROR(dl_flatten(x, 2, 1, &out), DL_ERR_INVALID_ARGUMENT, "dl_flatten", "start_dim");

  assert_int_equal(dl_narrow(x, 2, 1, 2, &out), DL_OK);
  const double nv[8] = {1, 2, 4, 5, 7, 8, 10, 11};
  expect_values(out, nv, 8, 0);
  dl_tensor_free(out);
  EXPECT_ERROR(dl_narrow(x, 2, 2, 2, &out), DL_ERR_INVALID_ARGUMENT, "dl_narrow", "out of range");
  assert_int_equal(dl_select(x, 0, -1, &out), DL_OK);
  const int64_t ss[2] = {2, 3};
  expect_shape(out, ss, 2);
  dl_tensor_free(out);
  EXPECT_ERROR(dl_select(x, 0, 2, &out), DL_ERR_INVALID_ARGUMENT, "dl_select", "index 2");

  dl_tensor* u = NULL;
  assert_int_equal(dl_unsqueeze(x, 1, &u), DL_OK);
  const int64_t us[4] = {2, 1, 2, 3};
  expect_shape(u, us, 4);
  assert_int_equal(dl_squeeze(u, 1, &out), DL_OK);
  const int64_t sq[3] = {2, 2, 3};
  expect_shape(out, sq, 3);
  dl_tensor_free(out);
  assert_int_equal(dl_squeeze_all(u, &out), DL_OK);
  expect_shape(out, sq, 3);
  dl_tensor_free(out);
  EXPECT_ERROR(dl_unsqueeze(x, 5, &out), DL_ERR_INVALID_ARGUMENT, "dl_unsqueeze", "'dim'");
  EXPECT_ERROR(dl_squeeze(x, -4, &out), DL_ERR_INVALID_ARGUMENT, "dl_squeeze", "'dim'");
  EXPECT_ERROR(dl_squeeze_all(NULL, &out), DL_ERR_INVALID_ARGUMENT, "dl_squeeze_all", "'x'");

  const int64_t ex[4] = {2, 3, 2, 3}, bad_ex[3] = {2, 3, 3};
  assert_int_equal(dl_expand(u, ex, 4, &out), DL_OK); /* [2, 1, 2, 3] -> [2, 3, 2, 3] */
  expect_shape(out, ex, 4);
  int64_t strides[4];
  assert_int_equal(dl_tensor_strides(out, strides, 4), DL_OK);
  assert_int_equal(strides[1], 0);
  dl_tensor_free(out);
  EXPECT_ERROR(dl_expand(x, bad_ex, 3, &out), DL_ERR_SHAPE, "dl_expand", "cannot be expanded");

  int c = -1;
  assert_int_equal(dl_contiguous(t, &out), DL_OK);
  assert_int_equal(dl_tensor_is_contiguous(out, &c), DL_OK);
  assert_int_equal(c, 1);
  dl_tensor_free(out);
  assert_int_equal(dl_clone(x, &out), DL_OK);
  const float zero12[12] = {0};
  assert_int_equal(dl_tensor_copy_from(out, zero12, sizeof zero12), DL_OK);
  double first = -1;
  dl_tensor* elem = NULL;
  assert_int_equal(dl_select(x, 0, 1, &elem), DL_OK); /* the original is unchanged by writes to its clone */
  double e[6];
  values_of(elem, e, 6);
  first = e[0];
  assert_true(first == 6);
  dl_tensor_free(elem), dl_tensor_free(out);
  EXPECT_ERROR(dl_contiguous(NULL, &out), DL_ERR_INVALID_ARGUMENT, "dl_contiguous", "'x'");
  EXPECT_ERROR(dl_clone(FOREIGN, &out), DL_ERR_INVALID_ARGUMENT, "dl_clone", "'x'");
  dl_tensor_free(u), dl_tensor_free(t), dl_tensor_free(x);
}

static void join_and_index(void** state) {
  (void)state;
  const float a[4] = {1, 2, 3, 4}, b[2] = {5, 6};
  const int64_t s22[2] = {2, 2}, s21[2] = {2, 1};
  dl_tensor *x = tf(a, s22, 2), *y = tf(b, s21, 2), *out = NULL;
  const dl_tensor* pair[2] = {x, y};
  assert_int_equal(dl_cat(pair, 2, 1, &out), DL_OK);
  const double cv[6] = {1, 2, 5, 3, 4, 6};
  expect_values(out, cv, 6, 0);
  dl_tensor_free(out);
  EXPECT_ERROR(dl_cat(pair, 2, 0, &out), DL_ERR_SHAPE, "dl_cat", "tensor 1");
  EXPECT_ERROR(dl_cat(NULL, 2, 0, &out), DL_ERR_INVALID_ARGUMENT, "dl_cat", "'tensors'");
  EXPECT_ERROR(dl_cat(pair, 0, 0, &out), DL_ERR_INVALID_ARGUMENT, "dl_cat", "'count'");
  const dl_tensor* with_null[2] = {x, NULL};
  EXPECT_ERROR(dl_cat(with_null, 2, 0, &out), DL_ERR_INVALID_ARGUMENT, "dl_cat", "'tensors[1]'");

  const dl_tensor* same[2] = {x, x};
  assert_int_equal(dl_stack(same, 2, 0, &out), DL_OK);
  const int64_t st[3] = {2, 2, 2};
  expect_shape(out, st, 3);
  dl_tensor_free(out);
  EXPECT_ERROR(dl_stack(pair, 2, 0, &out), DL_ERR_SHAPE, "dl_stack", "same shape");
  EXPECT_ERROR(dl_stack(same, 2, 4, &out), DL_ERR_INVALID_ARGUMENT, "dl_stack", "'dim'");

  const int64_t idx[3] = {1, 0, 1}, three = 3;
  dl_tensor* index = NULL;
  assert_int_equal(dl_tensor_from_data(idx, DL_INT64, &three, 1, &index), DL_OK);
  assert_int_equal(dl_index_select(x, 1, index, &out), DL_OK);
  const double iv[6] = {2, 1, 2, 4, 3, 4};
  expect_values(out, iv, 6, 0);
  dl_tensor_free(out);
  EXPECT_ERROR(dl_index_select(x, 1, x, &out), DL_ERR_DTYPE, "dl_index_select", "'index'");
  EXPECT_ERROR(dl_index_select(x, 1, NULL, &out), DL_ERR_INVALID_ARGUMENT, "dl_index_select", "'index'");
  const int64_t far[1] = {7}, one = 1;
  dl_tensor* bad = NULL;
  assert_int_equal(dl_tensor_from_data(far, DL_INT64, &one, 1, &bad), DL_OK);
  EXPECT_ERROR(dl_index_select(x, 0, bad, &out), DL_ERR_INVALID_ARGUMENT, "dl_index_select", "index 7");

  const int64_t g[4] = {1, 1, 0, 1};
  dl_tensor* gi = NULL;
  assert_int_equal(dl_tensor_from_data(g, DL_INT64, s22, 2, &gi), DL_OK);
  assert_int_equal(dl_gather(x, 1, gi, &out), DL_OK);
  const double gv[4] = {2, 2, 3, 4};
  expect_values(out, gv, 4, 0);
  dl_tensor_free(out);
  EXPECT_ERROR(dl_gather(x, 1, index, &out), DL_ERR_SHAPE, "dl_gather", "'index'");
  EXPECT_ERROR(dl_gather(x, 1, x, &out), DL_ERR_DTYPE, "dl_gather", "int64");
  dl_tensor* bad2 = NULL;
  const int64_t g_bad[4] = {0, 5, 0, 0};
  assert_int_equal(dl_tensor_from_data(g_bad, DL_INT64, s22, 2, &bad2), DL_OK);
  EXPECT_ERROR(dl_gather(x, 1, bad2, &out), DL_ERR_INVALID_ARGUMENT, "dl_gather", "index 5");
  EXPECT_ERROR(dl_gather(NULL, 1, gi, &out), DL_ERR_INVALID_ARGUMENT, "dl_gather", "'x'");
  dl_tensor_free(bad2), dl_tensor_free(gi), dl_tensor_free(bad), dl_tensor_free(index);
  dl_tensor_free(x), dl_tensor_free(y);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(reductions),      cmocka_unit_test(max_min_argmax), cmocka_unit_test(matmul_and_linear),
      cmocka_unit_test(softmax_family),  cmocka_unit_test(views),          cmocka_unit_test(join_and_index),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
