/* C ABI: image layers (dl/conv.h), functional forms and modules, checked
 * against closed forms on small inputs, and the error path of every
 * function. */
#include <math.h>

#include "test_util.h"

/* A [1, 1, 4, 4] image holding 1, 2, ..., 16. */
static dl_tensor* ramp_image(void) {
  float v[16];
  for (int i = 0; i < 16; ++i) v[i] = (float)(i + 1);
  const int64_t shape[] = {1, 1, 4, 4};
  return tf(v, shape, 4);
}

static void conv2d_functional(void** state) {
  (void)state;
  dl_tensor* x = ramp_image();
  const float wv[] = {1, 0, 0, -1}; /* x[i][j] - x[i+1][j+1] = -5 everywhere */
  const int64_t wshape[] = {1, 1, 2, 2};
  dl_tensor *w = tf(wv, wshape, 4), *b = vec((const float[]){0.5f}, 1), *y = NULL;
  assert_int_equal(dl_conv2d(x, w, b, 1, 1, 0, 0, 1, 1, 1, &y), DL_OK);
  const int64_t yshape[] = {1, 1, 3, 3};
  expect_shape(y, yshape, 4);
  double want[9];
  for (int i = 0; i < 9; ++i) want[i] = -4.5;
  expect_values(y, want, 9, 1e-6);
  dl_tensor_free(y);
  /* "same" with an even kernel pads one more after: the last row and column see zeros. */
  dl_conv2d_options o = dl_conv2d_defaults();
  o.padding_mode = DL_PADDING_SAME;
  assert_int_equal(dl_conv2d_with(x, w, NULL, &o, &y), DL_OK);
  const int64_t same_shape[] = {1, 1, 4, 4};
  expect_shape(y, same_shape, 4);
  double same[16];
  values_of(y, same, 16);
  assert_true(fabs(same[0] + 5) < 1e-6 && fabs(same[3] - 4) < 1e-6 && fabs(same[15] - 16) < 1e-6);
  dl_tensor_free(y);
  o.padding_mode = 7;
  EXPECT_ERROR(dl_conv2d_with(x, w, NULL, &o, &y), DL_ERR_INVALID_ARGUMENT, "dl_conv2d_with", "padding_mode");
  EXPECT_ERROR(dl_conv2d(x, w, b, 1, 1, 0, 0, 1, 1, 2, &y), DL_ERR_SHAPE, "dl_conv2d", "groups");
  EXPECT_ERROR(dl_conv2d(NULL, w, b, 1, 1, 0, 0, 1, 1, 1, &y), DL_ERR_INVALID_ARGUMENT, "dl_conv2d", "'x'");
  EXPECT_ERROR(dl_conv2d(x, FOREIGN, b, 1, 1, 0, 0, 1, 1, 1, &y), DL_ERR_INVALID_ARGUMENT, "dl_conv2d", "'weight'");
  EXPECT_ERROR(dl_conv2d(x, w, b, 1, 1, 0, 0, 1, 1, 1, NULL), DL_ERR_INVALID_ARGUMENT, "dl_conv2d", "'out'");
  EXPECT_ERROR(dl_conv2d_with(x, w, b, NULL, NULL), DL_ERR_INVALID_ARGUMENT, "dl_conv2d_with", "'out'");
  const int64_t big_shape[] = {1, 1, 5, 5};
  float big[25] = {0};
  dl_tensor* big_w = tf(big, big_shape, 4);
  EXPECT_ERROR(dl_conv2d(x, big_w, NULL, 1, 1, 0, 0, 1, 1, 1, &y), DL_ERR_SHAPE, "dl_conv2d", "too small for kernel 5x5");
  dl_tensor_free(big_w), dl_tensor_free(x), dl_tensor_free(w), dl_tensor_free(b);
}

static void pooling_functional(void** state) {
  (void)state;
  dl_tensor *x = ramp_image(), *y = NULL, *idx = NULL;
  assert_int_equal(dl_max_pool2d(x, 2, 2, 0, 0, 0, 0, 0, &y), DL_OK);
  expect_values(y, (const double[]){6, 8, 14, 16}, 4, 0);
  dl_tensor_free(y);
  assert_int_equal(dl_max_pool2d_with_indices(x, 2, 2, NULL, &y, &idx), DL_OK);
  expect_values(idx, (const double[]){5, 7, 13, 15}, 4, 0);
  dl_tensor_free(y), dl_tensor_free(idx);
  assert_int_equal(dl_avg_pool2d(x, 2, 2, 0, 0, 0, 0, 0, 1, &y), DL_OK);
  expect_values(y, (const double[]){3.5, 5.5, 11.5, 13.5}, 4, 1e-6);
  dl_tensor_free(y);
  /* Padding 1, stride 2, 3x3: the corner window holds 1, 2, 5, 6 of 9 places. */
  dl_pool2d_options o = dl_pool2d_defaults();
  o.stride_h = o.stride_w = 2, o.pad_h = o.pad_w = 1;
  assert_int_equal(dl_avg_pool2d_with(x, 3, 3, &o, &y), DL_OK);
  double v[4];
  values_of(y, v, 4);
  assert_true(fabs(v[0] - 14.0 / 9) < 1e-6);
  dl_tensor_free(y);
  o.count_include_pad = 0;
  assert_int_equal(dl_avg_pool2d_with(x, 3, 3, &o, &y), DL_OK);
  values_of(y, v, 4);
  assert_true(fabs(v[0] - 14.0 / 4) < 1e-6);
  dl_tensor_free(y);
  o.divisor_override = 2;
  assert_int_equal(dl_avg_pool2d_with(x, 3, 3, &o, &y), DL_OK);
  values_of(y, v, 4);
  assert_true(fabs(v[0] - 7) < 1e-6);
  dl_tensor_free(y);
  assert_int_equal(dl_adaptive_avg_pool2d(x, 1, 1, &y), DL_OK);
  expect_values(y, (const double[]){8.5}, 1, 1e-6);
  dl_tensor_free(y);
  EXPECT_ERROR(dl_max_pool2d(x, 5, 5, 0, 0, 0, 0, 0, &y), DL_ERR_SHAPE, "dl_max_pool2d", "too small");
  EXPECT_ERROR(dl_max_pool2d(x, 2, 2, 0, 0, 2, 2, 0, &y), DL_ERR_INVALID_ARGUMENT, "dl_max_pool2d", "padding");
  EXPECT_ERROR(dl_max_pool2d_with_indices(x, 2, 2, NULL, &y, NULL), DL_ERR_INVALID_ARGUMENT,
               "dl_max_pool2d_with_indices", "'indices'");
  EXPECT_ERROR(dl_avg_pool2d(x, 0, 2, 0, 0, 0, 0, 0, 1, &y), DL_ERR_INVALID_ARGUMENT, "dl_avg_pool2d", "kernel");
  EXPECT_ERROR(dl_avg_pool2d_with(FOREIGN, 2, 2, NULL, &y), DL_ERR_INVALID_ARGUMENT, "dl_avg_pool2d_with", "'x'");
  EXPECT_ERROR(dl_adaptive_avg_pool2d(x, 0, 1, &y), DL_ERR_INVALID_ARGUMENT, "dl_adaptive_avg_pool2d", "output_size");
  dl_tensor* flat = vec((const float[]){1, 2, 3}, 3);
  EXPECT_ERROR(dl_max_pool2d(flat, 1, 1, 0, 0, 0, 0, 0, &y), DL_ERR_SHAPE, "dl_max_pool2d", "[N, C, H, W]");
  dl_tensor_free(flat), dl_tensor_free(x);
}

static void dropout_and_batch_norm_functional(void** state) {
  (void)state;
  assert_int_equal(dl_manual_seed(5), DL_OK);
  float ones[400];
  for (int i = 0; i < 400; ++i) ones[i] = 1;
  const int64_t shape[] = {4, 100};
  dl_tensor *x = tf(ones, shape, 2), *y = NULL;
  assert_int_equal(dl_dropout(x, 0.5, 1, &y), DL_OK);
  double v[400];
  values_of(y, v, 400);
  int dropped = 0;
  for (int i = 0; i < 400; ++i) {
    assert_true(v[i] == 0 || fabs(v[i] - 2) < 1e-6);
    dropped += v[i] == 0;
  }
  assert_true(dropped > 140 && dropped < 260); /* 400 draws of p = 0.5: 6 standard deviations */
  dl_tensor_free(y);
  assert_int_equal(dl_dropout(x, 0.5, 0, &y), DL_OK);
  values_of(y, v, 400);
  assert_true(v[0] == 1 && v[399] == 1);
  dl_tensor_free(y);
  EXPECT_ERROR(dl_dropout(x, -0.1, 1, &y), DL_ERR_INVALID_ARGUMENT, "dl_dropout", "probability");
  EXPECT_ERROR(dl_dropout2d(x, 0.5, 1, &y), DL_ERR_SHAPE, "dl_dropout2d", "[N, C, H, W]");
  dl_tensor_free(x);
  /* Batch norm of channels {1, 3} and {2, 6}: means 2 and 4, biased variances 1 and 4. */
  const int64_t bshape[] = {2, 2};
  x = tf((const float[]){1, 2, 3, 6}, bshape, 2);
  dl_tensor *rm = vec((const float[]){0, 0}, 2), *rv = vec((const float[]){1, 1}, 2);
  assert_int_equal(dl_batch_norm(x, rm, rv, NULL, NULL, 1, 0.1, 0, &y), DL_OK);
  expect_values(y, (const double[]){-1, -1, 1, 1}, 4, 1e-6);
  expect_values(rm, (const double[]){0.2, 0.4}, 2, 1e-6);
  expect_values(rv, (const double[]){0.9 + 0.1 * 2, 0.9 + 0.1 * 8}, 2, 1e-6); /* unbiased: 2 and 8 */
  dl_tensor_free(y);
  EXPECT_ERROR(dl_batch_norm(x, rm, NULL, NULL, NULL, 1, 0.1, 1e-5, &y), DL_ERR_INVALID_ARGUMENT, "dl_batch_norm",
               "both");
  dl_tensor* wrong = vec((const float[]){1, 1, 1}, 3);
  EXPECT_ERROR(dl_batch_norm(x, NULL, NULL, wrong, NULL, 1, 0.1, 1e-5, &y), DL_ERR_SHAPE, "dl_batch_norm", "'weight'");
  EXPECT_ERROR(dl_batch_norm(x, NULL, NULL, NULL, NULL, 1, 0.1, 1e-5, NULL), DL_ERR_INVALID_ARGUMENT,
               "dl_batch_norm", "'out'");
  dl_tensor_free(wrong), dl_tensor_free(x), dl_tensor_free(rm), dl_tensor_free(rv);
}

static void image_modules(void** state) {
  (void)state;
  assert_int_equal(dl_manual_seed(1), DL_OK);
  dl_module *net = NULL, *m = NULL;
  assert_int_equal(dl_sequential_new(&net), DL_OK);
  dl_conv2d_options co = dl_conv2d_defaults();
  co.pad_h = co.pad_w = 1;
  assert_int_equal(dl_conv2d_new(1, 4, 3, 3, &co, &m), DL_OK);
  assert_int_equal(dl_module_append(net, m), DL_OK);
  dl_module_free(m);
  assert_int_equal(dl_batch_norm2d_new(4, NULL, &m), DL_OK);
  assert_int_equal(dl_module_append(net, m), DL_OK);
  dl_module_free(m);
  assert_int_equal(dl_max_pool2d_new(2, 2, NULL, &m), DL_OK);
  assert_int_equal(dl_module_append(net, m), DL_OK);
  dl_module_free(m);
  assert_int_equal(dl_dropout2d_new(0.25, &m), DL_OK);
  assert_int_equal(dl_module_append(net, m), DL_OK);
  dl_module_free(m);
  assert_int_equal(dl_avg_pool2d_new(2, 2, NULL, &m), DL_OK);
  assert_int_equal(dl_module_append(net, m), DL_OK);
  dl_module_free(m);
  assert_int_equal(dl_adaptive_avg_pool2d_new(1, 1, &m), DL_OK);
  assert_int_equal(dl_module_append(net, m), DL_OK);
  dl_module_free(m);
  assert_int_equal(dl_flatten_new(1, -1, &m), DL_OK);
  assert_int_equal(dl_module_append(net, m), DL_OK);
  dl_module_free(m);
  assert_int_equal(dl_dropout_new(0.5, &m), DL_OK);
  assert_int_equal(dl_module_append(net, m), DL_OK);
  dl_module_free(m);
  dl_batch_norm_options bo = dl_batch_norm_defaults();
  bo.cumulative_average = 1;
  assert_int_equal(dl_batch_norm1d_new(4, &bo, &m), DL_OK);
  assert_int_equal(dl_module_append(net, m), DL_OK);
  dl_module_free(m);
  size_t n = 0;
  assert_int_equal(dl_module_num_parameters(net, &n), DL_OK);
  assert_int_equal(n, 6); /* conv weight and bias, two batch norms' weight and bias */
  dl_tensor* w = NULL;
  assert_int_equal(dl_module_named_parameter(net, "0.weight", &w), DL_OK);
  const int64_t wshape[] = {4, 1, 3, 3};
  expect_shape(w, wshape, 4);
  dl_tensor_free(w);
  float img[2 * 8 * 8];
  for (int i = 0; i < 128; ++i) img[i] = (float)((i * 37) % 11) / 11.0f;
  const int64_t xshape[] = {2, 1, 8, 8};
  dl_tensor *x = tf(img, xshape, 4), *y = NULL;
  assert_int_equal(dl_module_forward(net, x, &y), DL_OK);
  const int64_t yshape[] = {2, 4};
  expect_shape(y, yshape, 2);
  dl_tensor_free(y);
  assert_int_equal(dl_module_train(net, 0), DL_OK);
  assert_int_equal(dl_module_forward(net, x, &y), DL_OK);
  dl_tensor_free(y);
  dl_tensor_free(x);
  const int64_t tiny_shape[] = {1, 1, 2, 2};
  x = tf(img, tiny_shape, 4); /* 2x2 -> max pool 1x1 -> average pool 2x2 of it: empty */
  EXPECT_ERROR(dl_module_forward(net, x, &y), DL_ERR_SHAPE, "dl_module_forward", "too small for kernel 2x2");
  dl_tensor_free(x);
  dl_module_free(net);
  EXPECT_ERROR(dl_conv2d_new(0, 4, 3, 3, NULL, &m), DL_ERR_INVALID_ARGUMENT, "dl_conv2d_new", "in_channels");
  co = dl_conv2d_defaults();
  co.groups = 3;
  EXPECT_ERROR(dl_conv2d_new(4, 6, 3, 3, &co, &m), DL_ERR_INVALID_ARGUMENT, "dl_conv2d_new", "groups");
  EXPECT_ERROR(dl_conv2d_new(1, 1, 3, 3, NULL, NULL), DL_ERR_INVALID_ARGUMENT, "dl_conv2d_new", "'out'");
  EXPECT_ERROR(dl_max_pool2d_new(2, 2, NULL, NULL), DL_ERR_INVALID_ARGUMENT, "dl_max_pool2d_new", "'out'");
  EXPECT_ERROR(dl_avg_pool2d_new(2, 2, NULL, NULL), DL_ERR_INVALID_ARGUMENT, "dl_avg_pool2d_new", "'out'");
  EXPECT_ERROR(dl_adaptive_avg_pool2d_new(1, 1, NULL), DL_ERR_INVALID_ARGUMENT, "dl_adaptive_avg_pool2d_new", "'out'");
  EXPECT_ERROR(dl_dropout_new(2.0, &m), DL_ERR_INVALID_ARGUMENT, "dl_dropout_new", "probability");
  EXPECT_ERROR(dl_dropout2d_new(-1.0, &m), DL_ERR_INVALID_ARGUMENT, "dl_dropout2d_new", "probability");
  EXPECT_ERROR(dl_batch_norm1d_new(0, NULL, &m), DL_ERR_INVALID_ARGUMENT, "dl_batch_norm1d_new", "num_features");
  bo = dl_batch_norm_defaults();
  bo.eps = 0;
  EXPECT_ERROR(dl_batch_norm2d_new(3, &bo, &m), DL_ERR_INVALID_ARGUMENT, "dl_batch_norm2d_new", "eps");
}

static void batch_norm_buffers_are_saved(void** state) {
  (void)state;
  dl_module* bn = NULL;
  assert_int_equal(dl_batch_norm1d_new(2, NULL, &bn), DL_OK);
  const int64_t shape[] = {2, 2};
  dl_tensor *x = tf((const float[]){1, 2, 3, 6}, shape, 2), *y = NULL;
  assert_int_equal(dl_module_forward(bn, x, &y), DL_OK);
  dl_tensor_free(y);
  char path[] = "/tmp/dl_bn_XXXXXX";
  make_temp_file(path);
  assert_int_equal(dl_module_save(bn, path), DL_OK);
  dl_module* fresh = NULL;
  assert_int_equal(dl_batch_norm1d_new(2, NULL, &fresh), DL_OK);
  assert_int_equal(dl_module_load(fresh, path), DL_OK);
  assert_int_equal(dl_module_train(fresh, 0), DL_OK);
  assert_int_equal(dl_module_train(bn, 0), DL_OK);
  dl_tensor *a = NULL, *b = NULL;
  assert_int_equal(dl_module_forward(bn, x, &a), DL_OK);
  assert_int_equal(dl_module_forward(fresh, x, &b), DL_OK);
  double av[4], bv[4];
  values_of(a, av, 4);
  values_of(b, bv, 4);
  for (int i = 0; i < 4; ++i) assert_true(fabs(av[i] - bv[i]) < 1e-7);
  assert_true(fabs(av[0] - (1 - 0.2) / sqrt(0.9 + 0.2 + 1e-5)) < 1e-5); /* running stats, not batch stats */
  unlink(path);
  dl_tensor_free(a), dl_tensor_free(b), dl_tensor_free(x);
  dl_module_free(bn), dl_module_free(fresh);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(conv2d_functional),
      cmocka_unit_test(pooling_functional),
      cmocka_unit_test(dropout_and_batch_norm_functional),
      cmocka_unit_test(image_modules),
      cmocka_unit_test(batch_norm_buffers_are_saved),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
