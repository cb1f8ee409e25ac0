/* C ABI: autograd (requires_grad, backward, grad accumulation, retain_graph,
 * detach, grad mode, version checks) with closed-form gradients. */
#include <math.h>

#include "test_util.h"

static dl_tensor* leaf(const float* values, int64_t n) {
  dl_tensor* t = vec(values, n);
  assert_int_equal(dl_tensor_set_requires_grad(t, 1), DL_OK);
  return t;
}

/* loss = sum(x * x), a new handle. */
static dl_tensor* sum_of_squares(const dl_tensor* x) {
  dl_tensor *sq = NULL, *s = NULL;
  assert_int_equal(dl_mul(x, x, &sq), DL_OK);
  assert_int_equal(dl_sum(sq, NULL, 0, 0, &s), DL_OK);
  dl_tensor_free(sq);
  return s;
}

static void expect_grad(const dl_tensor* t, const double* want, int64_t n) {
  dl_tensor* g = NULL;
  assert_int_equal(dl_tensor_grad(t, &g), DL_OK);
  assert_non_null(g);
  expect_values(g, want, n, 1e-6);
  dl_tensor_free(g);
}

static void requires_grad_and_leaves(void** state) {
  (void)state;
  const float v[] = {1, 2};
  dl_tensor* x = vec(v, 2);
  int flag = -1;
  assert_int_equal(dl_tensor_requires_grad(x, &flag), DL_OK);
  assert_int_equal(flag, 0);
  assert_int_equal(dl_tensor_set_requires_grad(x, 1), DL_OK);
  assert_int_equal(dl_tensor_requires_grad(x, &flag), DL_OK);
  assert_int_equal(flag, 1);
  dl_tensor* y = NULL;
  assert_int_equal(dl_mul_scalar(x, 2, &y), DL_OK);
  assert_int_equal(dl_tensor_requires_grad(y, &flag), DL_OK);
  assert_int_equal(flag, 1);
  assert_int_equal(dl_tensor_is_leaf(y, &flag), DL_OK);
  assert_int_equal(flag, 0);
  assert_int_equal(dl_tensor_is_leaf(x, &flag), DL_OK);
  assert_int_equal(flag, 1);
  EXPECT_ERROR(dl_tensor_set_requires_grad(y, 0), DL_ERR_STATE, "dl_tensor_set_requires_grad", "leaf");
  int64_t n = 2;
  dl_tensor* ints = NULL;
  assert_int_equal(dl_tensor_zeros(&n, 1, DL_INT64, &ints), DL_OK);
  EXPECT_ERROR(dl_tensor_set_requires_grad(ints, 1), DL_ERR_DTYPE, "dl_tensor_set_requires_grad", "int64");
  dl_tensor_free(x), dl_tensor_free(y), dl_tensor_free(ints);
}

static void backward_of_a_scalar_accumulates(void** state) {
  (void)state;
  const float v[] = {1, -2, 3};
  dl_tensor* x = leaf(v, 3);
  dl_tensor* g = NULL;
  assert_int_equal(dl_tensor_grad(x, &g), DL_OK);
  assert_null(g);
  dl_tensor* loss = sum_of_squares(x);
  assert_int_equal(dl_tensor_backward(loss, NULL), DL_OK);
  const double twice[] = {2, -4, 6}, four[] = {4, -8, 12};
  expect_grad(x, twice, 3);
  dl_tensor* loss2 = sum_of_squares(x);
  assert_int_equal(dl_tensor_backward(loss2, NULL), DL_OK);
  expect_grad(x, four, 3);
  assert_int_equal(dl_tensor_zero_grad(x), DL_OK);
  assert_int_equal(dl_tensor_grad(x, &g), DL_OK);
  assert_null(g);
  dl_tensor_free(x), dl_tensor_free(loss), dl_tensor_free(loss2);
}

static void backward_with_a_gradient(void** state) {
  (void)state;
  const float v[] = {1, 2, 3}, w[] = {1, 10, 100};
  dl_tensor* x = leaf(v, 3);
  dl_tensor *y = NULL, *gy = vec(w, 3);
  assert_int_equal(dl_mul_scalar(x, 3, &y), DL_OK);
  EXPECT_ERROR(dl_tensor_backward(y, NULL), DL_ERR_SHAPE, "dl_tensor_backward", "one-element");
  const float w2[] = {1, 2};
  dl_tensor* wrong = vec(w2, 2);
  EXPECT_ERROR(dl_tensor_backward(y, wrong), DL_ERR_SHAPE, "dl_tensor_backward", "[2]");
  assert_int_equal(dl_tensor_backward(y, gy), DL_OK);
  const double want[] = {3, 30, 300};
  expect_grad(x, want, 3);
  dl_tensor_free(x), dl_tensor_free(y), dl_tensor_free(gy), dl_tensor_free(wrong);
}

static void second_backward_needs_retain_graph(void** state) {
  (void)state;
  const float v[] = {2};
  dl_tensor* x = leaf(v, 1);
  dl_tensor* loss = sum_of_squares(x);
  assert_int_equal(dl_tensor_backward_ex(loss, NULL, 1), DL_OK);
  assert_int_equal(dl_tensor_backward(loss, NULL), DL_OK);
  const double twice[] = {8};
  expect_grad(x, twice, 1);
  EXPECT_ERROR(dl_tensor_backward(loss, NULL), DL_ERR_STATE, "dl_tensor_backward", "retain_graph");
  expect_grad(x, twice, 1); /* the failed call accumulated nothing */
  dl_tensor_free(x), dl_tensor_free(loss);
}

static void in_place_change_of_a_saved_tensor_is_reported(void** state) {
  (void)state;
  const float v[] = {1, 2}, w[] = {5, 6};
  dl_tensor* x = leaf(v, 2);
  dl_tensor* c = vec(w, 2);
  dl_tensor *y = NULL, *s = NULL;
  assert_int_equal(dl_mul(x, c, &y), DL_OK); /* saves c for x's gradient */
  assert_int_equal(dl_sum(y, NULL, 0, 0, &s), DL_OK);
  assert_int_equal(dl_tensor_copy_from(c, v, sizeof v), DL_OK);
  EXPECT_ERROR(dl_tensor_backward(s, NULL), DL_ERR_STATE, "dl_tensor_backward", "modified");
  dl_tensor* g = NULL;
  assert_int_equal(dl_tensor_grad(x, &g), DL_OK);
  assert_null(g);
  dl_tensor_free(x), dl_tensor_free(c), dl_tensor_free(y), dl_tensor_free(s);
}

static void backward_without_graph_is_a_state_error(void** state) {
  (void)state;
  const float v[] = {1};
  dl_tensor* x = vec(v, 1);
  EXPECT_ERROR(dl_tensor_backward(x, NULL), DL_ERR_STATE, "dl_tensor_backward", "does not require grad");
  dl_tensor_free(x);
}

static void detach_shares_data_without_history(void** state) {
  (void)state;
  const float v[] = {1, 2}, nv[] = {7, 8};
  dl_tensor* x = leaf(v, 2);
  dl_tensor *y = NULL, *d = NULL;
  assert_int_equal(dl_mul_scalar(x, 1, &y), DL_OK);
  assert_int_equal(dl_tensor_detach(y, &d), DL_OK);
  int flag = -1;
  assert_int_equal(dl_tensor_requires_grad(d, &flag), DL_OK);
  assert_int_equal(flag, 0);
  assert_int_equal(dl_tensor_copy_from(d, nv, sizeof nv), DL_OK);
  const double want[] = {7, 8};
  expect_values(y, want, 2, 0);
  dl_tensor_free(x), dl_tensor_free(y), dl_tensor_free(d);
}

static void grad_mode_is_per_call_and_restorable(void** state) {
  (void)state;
  const float v[] = {1};
  dl_tensor* x = leaf(v, 1);
  int previous = -1, enabled = -1, flag = -1;
  assert_int_equal(dl_set_grad_enabled(0, &previous), DL_OK);
  assert_int_equal(previous, 1);
  assert_int_equal(dl_is_grad_enabled(&enabled), DL_OK);
  assert_int_equal(enabled, 0);
  dl_tensor* y = NULL;
  assert_int_equal(dl_mul_scalar(x, 2, &y), DL_OK);
  assert_int_equal(dl_tensor_requires_grad(y, &flag), DL_OK);
  assert_int_equal(flag, 0);
  assert_int_equal(dl_set_grad_enabled(previous, NULL), DL_OK);
  assert_int_equal(dl_is_grad_enabled(&enabled), DL_OK);
  assert_int_equal(enabled, 1);
  EXPECT_ERROR(dl_is_grad_enabled(NULL), DL_ERR_INVALID_ARGUMENT, "dl_is_grad_enabled", "'out'");
  dl_tensor_free(x), dl_tensor_free(y);
}

static void bad_handles(void** state) {
  (void)state;
  dl_tensor* freed = freed_handle();
  dl_tensor* out = FOREIGN;
  int flag = 0;
  EXPECT_ERROR(dl_tensor_set_requires_grad(NULL, 1), DL_ERR_INVALID_ARGUMENT, "dl_tensor_set_requires_grad", "'t'");
  EXPECT_ERROR(dl_tensor_set_requires_grad(freed, 1), DL_ERR_INVALID_ARGUMENT, "dl_tensor_set_requires_grad", "freed");
  EXPECT_ERROR(dl_tensor_requires_grad(FOREIGN, &flag), DL_ERR_INVALID_ARGUMENT, "dl_tensor_requires_grad",
               "not a dl_tensor");
  EXPECT_ERROR(dl_tensor_requires_grad(freed, NULL), DL_ERR_INVALID_ARGUMENT, "dl_tensor_requires_grad", "'out'");
  EXPECT_ERROR(dl_tensor_is_leaf(NULL, &flag), DL_ERR_INVALID_ARGUMENT, "dl_tensor_is_leaf", "'t'");
  EXPECT_ERROR(dl_tensor_grad(freed, &out), DL_ERR_INVALID_ARGUMENT, "dl_tensor_grad", "freed");
  assert_null(out);
  EXPECT_ERROR(dl_tensor_grad(freed, NULL), DL_ERR_INVALID_ARGUMENT, "dl_tensor_grad", "'out'");
  EXPECT_ERROR(dl_tensor_zero_grad(FOREIGN), DL_ERR_INVALID_ARGUMENT, "dl_tensor_zero_grad", "not a dl_tensor");
  EXPECT_ERROR(dl_tensor_backward(NULL, NULL), DL_ERR_INVALID_ARGUMENT, "dl_tensor_backward", "'t'");
  EXPECT_ERROR(dl_tensor_backward_ex(freed, NULL, 1), DL_ERR_INVALID_ARGUMENT, "dl_tensor_backward_ex", "freed");
  const float v[] = {1};
  dl_tensor* x = leaf(v, 1);
  dl_tensor* loss = sum_of_squares(x);
  EXPECT_ERROR(dl_tensor_backward(loss, FOREIGN), DL_ERR_INVALID_ARGUMENT, "dl_tensor_backward", "'grad'");
  out = FOREIGN;
  EXPECT_ERROR(dl_tensor_detach(NULL, &out), DL_ERR_INVALID_ARGUMENT, "dl_tensor_detach", "'t'");
  assert_null(out);
  dl_tensor_free(x), dl_tensor_free(loss);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(requires_grad_and_leaves),
      cmocka_unit_test(backward_of_a_scalar_accumulates),
      cmocka_unit_test(backward_with_a_gradient),
      cmocka_unit_test(second_backward_needs_retain_graph),
      cmocka_unit_test(in_place_change_of_a_saved_tensor_is_reported),
      cmocka_unit_test(backward_without_graph_is_a_state_error),
      cmocka_unit_test(detach_shares_data_without_history),
      cmocka_unit_test(grad_mode_is_per_call_and_restorable),
      cmocka_unit_test(bad_handles),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
