/* C ABI: versions, status names, errors, seeding, threads, scopes. */
#include <math.h>

#include "test_util.h"

static void version_functions(void** state) {
  (void)state;
  assert_string_equal(dl_version(), "0.1.0");
  assert_int_equal(dl_abi_version(), DL_VERSION_MAJOR);
  assert_int_equal(DL_VERSION_MINOR, 1);
}

static void status_names(void** state) {
  (void)state;
  assert_string_equal(dl_status_name(DL_OK), "DL_OK");
  assert_string_equal(dl_status_name(DL_ERR_SHAPE), "DL_ERR_SHAPE");
  assert_string_equal(dl_status_name(DL_ERR_INTERNAL), "DL_ERR_INTERNAL");
  assert_string_equal(dl_status_name((dl_status)99), "DL_UNKNOWN_STATUS");
}

static void message_is_cleared_by_success(void** state) {
  (void)state;
  EXPECT_ERROR(dl_tensor_zeros(NULL, 1, DL_FLOAT32, NULL), DL_ERR_INVALID_ARGUMENT, "dl_tensor_zeros", "NULL");
  dl_tensor* t = NULL;
  int64_t n = 2;
  assert_int_equal(dl_tensor_zeros(&n, 1, DL_FLOAT32, &t), DL_OK);
  assert_string_equal(dl_last_error_message(), "");
  dl_tensor_free(t);
}

static void set_error_sets_the_message(void** state) {
  (void)state;
  assert_int_equal(dl_set_error(DL_ERR_STATE, "my callback failed"), DL_ERR_STATE);
  assert_string_equal(dl_last_error_message(), "my callback failed");
  assert_int_equal(dl_set_error(DL_ERR_IO, NULL), DL_ERR_IO);
  assert_string_equal(dl_last_error_message(), "");
}

static void seeding_is_reproducible(void** state) {
  (void)state;
  int64_t n = 5;
  dl_tensor *a = NULL, *b = NULL, *c = NULL;
  double va[5], vb[5], vc[5];
  assert_int_equal(dl_manual_seed(7), DL_OK);
  assert_int_equal(dl_tensor_randn(&n, 1, DL_FLOAT32, &a), DL_OK);
  assert_int_equal(dl_manual_seed(7), DL_OK);
  assert_int_equal(dl_tensor_randn(&n, 1, DL_FLOAT32, &b), DL_OK);
  assert_int_equal(dl_manual_seed(8), DL_OK);
  assert_int_equal(dl_tensor_randn(&n, 1, DL_FLOAT32, &c), DL_OK);
  values_of(a, va, 5), values_of(b, vb, 5), values_of(c, vc, 5);
  assert_memory_equal(va, vb, sizeof va);
  assert_memory_not_equal(va, vc, sizeof va);
  dl_tensor_free(a), dl_tensor_free(b), dl_tensor_free(c);
}

static void threads(void** state) {
  (void)state;
  int n = 0;
  assert_int_equal(dl_set_num_threads(1), DL_OK);
  assert_int_equal(dl_get_num_threads(&n), DL_OK);
  assert_int_equal(n, 1);
  EXPECT_ERROR(dl_set_num_threads(0), DL_ERR_INVALID_ARGUMENT, "dl_set_num_threads", "'n'");
  EXPECT_ERROR(dl_get_num_threads(NULL), DL_ERR_INVALID_ARGUMENT, "dl_get_num_threads", "'out'");
  assert_int_equal(dl_set_num_threads(2), DL_OK);
  assert_true(strlen(dl_blas_info()) > 0);
  assert_int_equal(dl_empty_cache(), DL_OK);
}

static void scope_releases_handles_made_inside(void** state) {
  (void)state;
  float v[2] = {1, 2};
  dl_tensor* outside = vec(v, 2);
  dl_tensor *inside = NULL, *kept = NULL;
  assert_int_equal(dl_scope_begin(), DL_OK);
  assert_int_equal(dl_add(outside, outside, &inside), DL_OK);
  assert_int_equal(dl_mul(outside, outside, &kept), DL_OK);
  assert_int_equal(dl_scope_keep(kept), DL_OK);
  assert_int_equal(dl_scope_end(), DL_OK);
  int64_t numel = 0;
  EXPECT_ERROR(dl_tensor_numel(inside, &numel), DL_ERR_INVALID_ARGUMENT, "released by scope", "'t'");
  const double want[2] = {1, 4};
  expect_values(kept, want, 2, 0);
  const double unchanged[2] = {1, 2};
  expect_values(outside, unchanged, 2, 0);
  dl_tensor_free(inside); /* still correct after the scope released it */
  dl_tensor_free(inside); /* and a second free is a no-op */
  dl_tensor_free(kept);
  dl_tensor_free(outside);
}

static void nested_scopes_and_errors(void** state) {
  (void)state;
  float v = 3;
  dl_tensor *t = NULL, *u = NULL;
  EXPECT_ERROR(dl_scope_end(), DL_ERR_STATE, "dl_scope_end", "no scope");
  assert_int_equal(dl_scope_begin(), DL_OK);
  assert_int_equal(dl_scope_begin(), DL_OK);
  t = vec(&v, 1);
  assert_int_equal(dl_scope_keep(t), DL_OK); /* moves to the outer scope */
  assert_int_equal(dl_scope_end(), DL_OK);
  assert_int_equal(dl_tensor_ref(t, &u), DL_OK); /* t survived the inner scope */
  assert_int_equal(dl_scope_end(), DL_OK);        /* the outer scope releases t and u */
  int64_t n = 0;
  assert_int_equal(dl_tensor_numel(t, &n), DL_ERR_INVALID_ARGUMENT);
  assert_int_equal(dl_tensor_numel(u, &n), DL_ERR_INVALID_ARGUMENT);
  EXPECT_ERROR(dl_scope_keep(t), DL_ERR_INVALID_ARGUMENT, "dl_scope_keep", "released by scope");
  dl_tensor_free(t), dl_tensor_free(u);
  t = vec(&v, 1);
  EXPECT_ERROR(dl_scope_keep(t), DL_ERR_STATE, "dl_scope_keep", "no scope");
  EXPECT_ERROR(dl_scope_keep(NULL), DL_ERR_INVALID_ARGUMENT, "dl_scope_keep", "'t'");
  dl_tensor_free(t);
}

static void thousands_of_scoped_steps_reuse_handles(void** state) {
  (void)state;
  float v[4] = {1, 2, 3, 4};
  dl_tensor* x = vec(v, 4);
  for (int i = 0; i < 5000; ++i) {
    dl_tensor *a = NULL, *b = NULL;
    assert_int_equal(dl_scope_begin(), DL_OK);
    assert_int_equal(dl_add(x, x, &a), DL_OK);
    assert_int_equal(dl_relu(a, &b), DL_OK);
    assert_int_equal(dl_scope_end(), DL_OK);
    dl_tensor_free(a), dl_tensor_free(b);
  }
  dl_tensor_free(x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(version_functions),
      cmocka_unit_test(status_names),
      cmocka_unit_test(message_is_cleared_by_success),
      cmocka_unit_test(set_error_sets_the_message),
      cmocka_unit_test(seeding_is_reproducible),
      cmocka_unit_test(threads),
      cmocka_unit_test(scope_releases_handles_made_inside),
      cmocka_unit_test(nested_scopes_and_errors),
      cmocka_unit_test(thousands_of_scoped_steps_reuse_handles),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
