/* C ABI: modules (layers, Sequential, custom modules with a C forward),
 * parameters by index and dotted name, checkpoints, activations and losses,
 * checked against closed forms. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "test_util.h"

#define FOREIGN_MODULE ((dl_module*)(void*)foreign_words)

static dl_module* linear(int64_t in, int64_t out, int bias) {
  dl_module* m = NULL;
  assert_int_equal(dl_linear_new(in, out, bias, &m), DL_OK);
  return m;
}

static dl_tensor* param(const dl_module* m, const char* name) {
  dl_tensor* t = NULL;
  assert_int_equal(dl_module_named_parameter(m, name, &t), DL_OK);
  return t;
}

static void set_values(dl_tensor* t, const float* values, size_t n) {
  assert_int_equal(dl_tensor_copy_from(t, values, n * sizeof(float)), DL_OK);
}

static void linear_layer(void** state) {
  (void)state;
  dl_module* fc = linear(3, 2, 1);
  size_t n = 0;
  assert_int_equal(dl_module_num_parameters(fc, &n), DL_OK);
  assert_int_equal(n, 2);
  char name[32];
  assert_int_equal(dl_module_parameter_name(fc, 0, name, sizeof name), DL_OK);
  assert_string_equal(name, "weight");
  assert_int_equal(dl_module_parameter_name(fc, 1, name, sizeof name), DL_OK);
  assert_string_equal(name, "bias");
  EXPECT_ERROR(dl_module_parameter_name(fc, 0, name, 3), DL_ERR_INVALID_ARGUMENT, "dl_module_parameter_name", "needs 7");
  dl_tensor *w = NULL, *b = NULL;
  assert_int_equal(dl_module_parameter(fc, 0, &w), DL_OK);
  assert_int_equal(dl_module_parameter(fc, 1, &b), DL_OK);
  const int64_t wshape[] = {2, 3}, bshape[] = {2};
  expect_shape(w, wshape, 2);
  expect_shape(b, bshape, 1);
  /* Kaiming-uniform(a = sqrt(5)) and the bias both lie within 1/sqrt(in_features). */
  double wv[6], bv[2];
  values_of(w, wv, 6);
  values_of(b, bv, 2);
  for (int i = 0; i < 6; ++i) assert_true(fabs(wv[i]) <= 1 / sqrt(3.0));
  for (int i = 0; i < 2; ++i) assert_true(fabs(bv[i]) <= 1 / sqrt(3.0));
  int flag = 0;
  assert_int_equal(dl_tensor_requires_grad(w, &flag), DL_OK);
  assert_int_equal(flag, 1);
  const float wvals[] = {1, 2, 3, -1, 0, 1}, bvals[] = {0.5f, -0.5f}, xv[] = {1, 1, 1, 2, 0, -1};
  set_values(w, wvals, 6);
  set_values(b, bvals, 2);
  const int64_t xshape[] = {2, 3};
  dl_tensor *x = tf(xv, xshape, 2), *y = NULL;
  assert_int_equal(dl_module_forward(fc, x, &y), DL_OK);
  const double want[] = {6.5, -0.5, -0.5, -3.5};
  expect_values(y, want, 4, 1e-6);
  const char* type = NULL;
  assert_int_equal(dl_module_type_name(fc, &type), DL_OK);
  assert_string_equal(type, "Linear");
  dl_module* nobias = linear(3, 2, 0);
  assert_int_equal(dl_module_num_parameters(nobias, &n), DL_OK);
  assert_int_equal(n, 1);
  dl_module* bad = FOREIGN_MODULE;
  EXPECT_ERROR(dl_linear_new(0, 2, 1, &bad), DL_ERR_INVALID_ARGUMENT, "dl_linear_new", "features");
  assert_null(bad);
  dl_tensor_free(w), dl_tensor_free(b), dl_tensor_free(x), dl_tensor_free(y);
  dl_module_free(fc), dl_module_free(nobias);
}

static void initialization_is_seeded(void** state) {
  (void)state;
  double a[12], b[12];
  for (int round = 0; round < 2; ++round) {
    assert_int_equal(dl_manual_seed(42), DL_OK);
    dl_module* fc = linear(4, 3, 0);
    dl_tensor* w = param(fc, "weight");
    values_of(w, round ? b : a, 12);
    dl_tensor_free(w);
    dl_module_free(fc);
  }
  assert_memory_equal(a, b, sizeof a);
}

static dl_module* mlp(void) {
  dl_module *seq = NULL, *relu = NULL;
  assert_int_equal(dl_sequential_new(&seq), DL_OK);
  dl_module *fc1 = linear(4, 3, 1), *fc2 = linear(3, 2, 1);
  assert_int_equal(dl_relu_new(&relu), DL_OK);
  assert_int_equal(dl_module_append(seq, fc1), DL_OK);
  assert_int_equal(dl_module_append(seq, relu), DL_OK);
  assert_int_equal(dl_module_append(seq, fc2), DL_OK);
  dl_module_free(fc1), dl_module_free(relu), dl_module_free(fc2); /* seq holds them */
  return seq;
}

static void sequential_names_and_forward(void** state) {
  (void)state;
  dl_module* seq = mlp();
  size_t n = 0;
  assert_int_equal(dl_module_num_parameters(seq, &n), DL_OK);
  assert_int_equal(n, 4);
  const char* names[] = {"0.weight", "0.bias", "2.weight", "2.bias"};
  for (size_t i = 0; i < 4; ++i) {
    char name[32];
    assert_int_equal(dl_module_parameter_name(seq, i, name, sizeof name), DL_OK);
    assert_string_equal(name, names[i]);
  }
  dl_tensor* out = FOREIGN;
  EXPECT_ERROR(dl_module_named_parameter(seq, "1.weight", &out), DL_ERR_INVALID_ARGUMENT,
               "dl_module_named_parameter", "1.weight");
  assert_null(out);
  int64_t xshape[] = {5, 4}, bad_shape[] = {5, 3};
  dl_tensor *x = NULL, *y = NULL, *bad = NULL;
  assert_int_equal(dl_tensor_randn(xshape, 2, DL_FLOAT32, &x), DL_OK);
  assert_int_equal(dl_module_forward(seq, x, &y), DL_OK);
  const int64_t yshape[] = {5, 2};
  expect_shape(y, yshape, 2);
  assert_int_equal(dl_tensor_randn(bad_shape, 2, DL_FLOAT32, &bad), DL_OK);
  dl_tensor_free(y);
  EXPECT_ERROR(dl_module_forward(seq, bad, &y), DL_ERR_SHAPE, "dl_module_forward", "[5, 3]");
  assert_null(y);
  /* A Linear is not a container; a module cannot contain itself. */
  dl_module* fc = linear(2, 2, 1);
  EXPECT_ERROR(dl_module_append(fc, seq), DL_ERR_INVALID_ARGUMENT, "dl_module_append", "not a Sequential");
  EXPECT_ERROR(dl_module_append(seq, seq), DL_ERR_INVALID_ARGUMENT, "dl_module_append", "cycle");
  EXPECT_ERROR(dl_module_register(seq, "a.b", fc), DL_ERR_INVALID_ARGUMENT, "dl_module_register", "a.b");
  EXPECT_ERROR(dl_module_register(seq, "0", fc), DL_ERR_INVALID_ARGUMENT, "dl_module_register", "already");
  assert_int_equal(dl_module_num_parameters(seq, &n), DL_OK);
  assert_int_equal(n, 4);
  dl_tensor_free(x), dl_tensor_free(bad);
  dl_module_free(seq), dl_module_free(fc);
}

static void train_and_eval(void** state) {
  (void)state;
  dl_module* seq = mlp();
  int training = -1;
  assert_int_equal(dl_module_is_training(seq, &training), DL_OK);
  assert_int_equal(training, 1);
  assert_int_equal(dl_module_train(seq, 0), DL_OK);
  assert_int_equal(dl_module_is_training(seq, &training), DL_OK);
  assert_int_equal(training, 0);
  assert_int_equal(dl_module_to(seq, (dl_device){DL_CPU, 0}), DL_OK);
  EXPECT_ERROR(dl_module_to(seq, (dl_device){(dl_device_type)7, 0}), DL_ERR_DEVICE, "dl_module_to", "device");
  dl_module_free(seq);
}

static double relu_d(double x) { return x > 0 ? x : 0; }
static double sigmoid_d(double x) { return 1 / (1 + exp(-x)); }
static double leaky_d(double x) { return x > 0 ? x : 0.2 * x; }
static double elu_d(double x) { return x > 0 ? x : 0.5 * (exp(x) - 1); }
static double gelu_d(double x) { return 0.5 * x * (1 + erf(x / sqrt(2.0))); }
static double gelu_tanh_d(double x) { return 0.5 * x * (1 + tanh(sqrt(2 / M_PI) * (x + 0.044715 * x * x * x))); }

static void expect_activation(dl_module* m, double (*fn)(double)) {
  const float xv[] = {-2, -0.5f, 0, 0.5f, 3};
  dl_tensor *x = vec(xv, 5), *y = NULL;
  assert_int_equal(dl_module_forward(m, x, &y), DL_OK);
  double want[5];
  for (int i = 0; i < 5; ++i) want[i] = fn(xv[i]);
  expect_values(y, want, 5, 1e-6);
  dl_tensor_free(x), dl_tensor_free(y);
  dl_module_free(m);
}

static void activation_modules(void** state) {
  (void)state;
  dl_module* m = NULL;
  assert_int_equal(dl_relu_new(&m), DL_OK);
  expect_activation(m, relu_d);
  assert_int_equal(dl_sigmoid_new(&m), DL_OK);
  expect_activation(m, sigmoid_d);
  assert_int_equal(dl_tanh_new(&m), DL_OK);
  expect_activation(m, tanh);
  assert_int_equal(dl_leaky_relu_new(0.2, &m), DL_OK);
  expect_activation(m, leaky_d);
  assert_int_equal(dl_elu_new(0.5, &m), DL_OK);
  expect_activation(m, elu_d);
  assert_int_equal(dl_gelu_new(0, &m), DL_OK);
  expect_activation(m, gelu_d);
  assert_int_equal(dl_gelu_new(1, &m), DL_OK);
  expect_activation(m, gelu_tanh_d);

  const float xv[] = {1, 2, 3, 1, 1, 1};
  const int64_t shape[] = {2, 3};
  dl_tensor *x = tf(xv, shape, 2), *y = NULL;
  double s = exp(1) + exp(2) + exp(3);
  const double softmax_want[] = {exp(1) / s, exp(2) / s, exp(3) / s, 1 / 3.0, 1 / 3.0, 1 / 3.0};
  assert_int_equal(dl_softmax_new(1, &m), DL_OK);
  assert_int_equal(dl_module_forward(m, x, &y), DL_OK);
  expect_values(y, softmax_want, 6, 1e-6);
  dl_tensor_free(y), dl_module_free(m);
  double log_want[6];
  for (int i = 0; i < 6; ++i) log_want[i] = log(softmax_want[i]);
  assert_int_equal(dl_log_softmax_new(-1, &m), DL_OK);
  assert_int_equal(dl_module_forward(m, x, &y), DL_OK);
  expect_values(y, log_want, 6, 1e-6);
  dl_tensor_free(y), dl_module_free(m);
  assert_int_equal(dl_identity_new(&m), DL_OK);
  assert_int_equal(dl_module_forward(m, x, &y), DL_OK);
  const double same[] = {1, 2, 3, 1, 1, 1};
  expect_values(y, same, 6, 0);
  dl_tensor_free(y), dl_module_free(m), dl_tensor_free(x);

  int64_t img[] = {2, 3, 4, 5};
  assert_int_equal(dl_tensor_zeros(img, 4, DL_FLOAT32, &x), DL_OK);
  assert_int_equal(dl_flatten_new(1, -1, &m), DL_OK);
  assert_int_equal(dl_module_forward(m, x, &y), DL_OK);
  const int64_t flat[] = {2, 60};
  expect_shape(y, flat, 2);
  dl_tensor_free(y), dl_module_free(m), dl_tensor_free(x);
}

static void functional_activations(void** state) {
  (void)state;
  const float xv[] = {-1, 2};
  dl_tensor *x = vec(xv, 2), *y = NULL;
  assert_int_equal(dl_leaky_relu(x, 0.1, &y), DL_OK);
  const double lw[] = {-0.1, 2};
  expect_values(y, lw, 2, 1e-7);
  dl_tensor_free(y);
  assert_int_equal(dl_elu(x, 1.0, &y), DL_OK);
  const double ew[] = {exp(-1) - 1, 2};
  expect_values(y, ew, 2, 1e-6);
  dl_tensor_free(y);
  assert_int_equal(dl_gelu(x, 0, &y), DL_OK);
  const double gw[] = {gelu_d(-1), gelu_d(2)};
  expect_values(y, gw, 2, 1e-6);
  dl_tensor_free(y);
  EXPECT_ERROR(dl_gelu(NULL, 0, &y), DL_ERR_INVALID_ARGUMENT, "dl_gelu", "'x'");
  EXPECT_ERROR(dl_elu(FOREIGN, 1, &y), DL_ERR_INVALID_ARGUMENT, "dl_elu", "not a dl_tensor");
  EXPECT_ERROR(dl_leaky_relu(x, 0.1, NULL), DL_ERR_INVALID_ARGUMENT, "dl_leaky_relu", "'out'");
  dl_tensor_free(x);
}

/* A custom model as the seeds write it: fc1 -> relu -> fc2, scaled by a raw parameter. */
static int g_freed_user_data;

static dl_status net_forward(dl_module* self, const dl_tensor* x, dl_tensor** out, void* user_data) {
  (void)user_data;
  dl_module *fc1 = NULL, *fc2 = NULL;
  dl_tensor *h = NULL, *r = NULL, *y = NULL, *scale = NULL;
  dl_status st;
  if ((st = dl_module_child(self, "fc1", &fc1)) || (st = dl_module_child(self, "fc2", &fc2)) ||
      (st = dl_module_named_parameter(self, "scale", &scale)) || (st = dl_module_forward(fc1, x, &h)) ||
      (st = dl_relu(h, &r)) || (st = dl_module_forward(fc2, r, &y)) || (st = dl_mul(y, scale, out))) {
  }
  dl_module_free(fc1), dl_module_free(fc2);
  dl_tensor_free(h), dl_tensor_free(r), dl_tensor_free(y), dl_tensor_free(scale);
  return st;
}

static void free_user_data(void* p) { ++*(int*)p; }

static dl_module* net(void) {
  dl_module* m = NULL;
  assert_int_equal(dl_module_new("Net", net_forward, &g_freed_user_data, free_user_data, &m), DL_OK);
  dl_module *fc1 = linear(4, 3, 1), *fc2 = linear(3, 2, 1);
  assert_int_equal(dl_module_register(m, "fc1", fc1), DL_OK);
  assert_int_equal(dl_module_register(m, "fc2", fc2), DL_OK);
  const float two = 2;
  dl_tensor* scale = vec(&two, 1);
  assert_int_equal(dl_module_register_parameter(m, "scale", scale), DL_OK);
  int flag = 0;
  assert_int_equal(dl_tensor_requires_grad(scale, &flag), DL_OK);
  assert_int_equal(flag, 1);
  dl_module_free(fc1), dl_module_free(fc2), dl_tensor_free(scale);
  return m;
}

static void custom_module_forward_and_backward(void** state) {
  (void)state;
  g_freed_user_data = 0;
  dl_module* m = net();
  size_t n = 0;
  assert_int_equal(dl_module_num_parameters(m, &n), DL_OK);
  assert_int_equal(n, 5);
  const char* names[] = {"scale", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"};
  for (size_t i = 0; i < 5; ++i) {
    char name[32];
    assert_int_equal(dl_module_parameter_name(m, i, name, sizeof name), DL_OK);
    assert_string_equal(name, names[i]);
  }
  /* fc1 = identity-like weights, fc2 sums: y = 2 * (sum(relu(x[:3])) + 1) */
  const float w1[] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0}, b1[] = {0, 0, 0}, w2[] = {1, 1, 1, 0, 0, 0},
              b2[] = {1, 0};
  set_parameter(m, "fc1.weight", w1, 12), set_parameter(m, "fc1.bias", b1, 3);
  set_parameter(m, "fc2.weight", w2, 6), set_parameter(m, "fc2.bias", b2, 2);
  const float xv[] = {1, -2, 3, 9};
  const int64_t xshape[] = {1, 4};
  dl_tensor *x = tf(xv, xshape, 2), *y = NULL, *s = NULL;
  assert_int_equal(dl_module_forward(m, x, &y), DL_OK);
  const double want[] = {10, 0};
  expect_values(y, want, 2, 1e-6);
  assert_int_equal(dl_sum(y, NULL, 0, 0, &s), DL_OK);
  assert_int_equal(dl_tensor_backward(s, NULL), DL_OK);
  dl_tensor *scale = param(m, "scale"), *g = NULL;
  assert_int_equal(dl_tensor_grad(scale, &g), DL_OK);
  const double gscale[] = {5};
  expect_values(g, gscale, 1, 1e-6);
  const char* type = NULL;
  assert_int_equal(dl_module_type_name(m, &type), DL_OK);
  assert_string_equal(type, "Net");
  dl_module* child = (dl_module*)FOREIGN;
  EXPECT_ERROR(dl_module_child(m, "fc3", &child), DL_ERR_INVALID_ARGUMENT, "dl_module_child", "fc1, fc2");
  assert_null(child);
  dl_tensor_free(x), dl_tensor_free(y), dl_tensor_free(s), dl_tensor_free(scale), dl_tensor_free(g);
  assert_int_equal(g_freed_user_data, 0);
  dl_module_free(m);
  assert_int_equal(g_freed_user_data, 1);
}

static dl_status failing_forward(dl_module* self, const dl_tensor* x, dl_tensor** out, void* user_data) {
  (void)self, (void)user_data;
  dl_tensor* w = NULL;
  int64_t shape[] = {7, 7};
  dl_status st = dl_tensor_zeros(shape, 2, DL_FLOAT32, &w);
  if (st == DL_OK) st = dl_matmul(x, w, out);
  dl_tensor_free(w);
  return st;
}

static dl_status forgetful_forward(dl_module* self, const dl_tensor* x, dl_tensor** out, void* user_data) {
  (void)self, (void)x, (void)out, (void)user_data;
  return DL_OK;
}

static dl_status refusing_forward(dl_module* self, const dl_tensor* x, dl_tensor** out, void* user_data) {
  (void)self, (void)x, (void)out, (void)user_data;
  return dl_set_error(DL_ERR_UNSUPPORTED, "Refusing has no forward yet");
}

static void custom_module_errors(void** state) {
  (void)state;
  dl_module* m = (dl_module*)FOREIGN;
  EXPECT_ERROR(dl_module_new(NULL, failing_forward, NULL, NULL, &m), DL_ERR_INVALID_ARGUMENT, "dl_module_new",
               "'type_name'");
  assert_null(m);
  EXPECT_ERROR(dl_module_new("Net", NULL, NULL, NULL, &m), DL_ERR_INVALID_ARGUMENT, "dl_module_new", "'forward'");
  assert_int_equal(dl_module_new("Broken", failing_forward, NULL, NULL, &m), DL_OK);
  int64_t shape[] = {2, 3};
  dl_tensor *x = NULL, *y = NULL;
  assert_int_equal(dl_tensor_zeros(shape, 2, DL_FLOAT32, &x), DL_OK);
  EXPECT_ERROR(dl_module_forward(m, x, &y), DL_ERR_SHAPE, "module 'Broken' returned DL_ERR_SHAPE", "dl_matmul");
  assert_null(y);
  dl_module_free(m);
  assert_int_equal(dl_module_new("Forgetful", forgetful_forward, NULL, NULL, &m), DL_OK);
  EXPECT_ERROR(dl_module_forward(m, x, &y), DL_ERR_INVALID_ARGUMENT, "Forgetful", "without a live tensor");
  dl_module* refusing = NULL;
  assert_int_equal(dl_module_new("Refusing", refusing_forward, NULL, NULL, &refusing), DL_OK);
  EXPECT_ERROR(dl_module_forward(refusing, x, &y), DL_ERR_UNSUPPORTED,
               "dl_module_forward: forward of module 'Refusing' returned DL_ERR_UNSUPPORTED",
               ": Refusing has no forward yet");
  dl_module_free(refusing);
  dl_tensor* ints = NULL;
  assert_int_equal(dl_tensor_zeros(shape, 2, DL_INT32, &ints), DL_OK);
  EXPECT_ERROR(dl_module_register_parameter(m, "w", ints), DL_ERR_DTYPE, "dl_module_register_parameter", "int32");
  EXPECT_ERROR(dl_module_register_parameter(m, NULL, x), DL_ERR_INVALID_ARGUMENT, "dl_module_register_parameter",
               "'name'");
  dl_module_free(m);
  dl_tensor_free(x), dl_tensor_free(ints);
}

static void bad_module_handles(void** state) {
  (void)state;
  dl_module* freed = linear(1, 1, 1);
  dl_module_free(freed);
  dl_tensor* t = NULL;
  size_t n = 0;
  int flag = 0;
  const char* s = NULL;
  char buf[8];
  dl_module* m = linear(1, 1, 1);
  EXPECT_ERROR(dl_module_forward(freed, NULL, &t), DL_ERR_INVALID_ARGUMENT, "dl_module_forward", "freed");
  EXPECT_ERROR(dl_module_forward(m, NULL, &t), DL_ERR_INVALID_ARGUMENT, "dl_module_forward", "'x'");
  EXPECT_ERROR(dl_module_num_parameters(FOREIGN_MODULE, &n), DL_ERR_INVALID_ARGUMENT, "dl_module_num_parameters",
               "not a dl_module");
  EXPECT_ERROR(dl_module_num_parameters(m, NULL), DL_ERR_INVALID_ARGUMENT, "dl_module_num_parameters", "'out'");
  EXPECT_ERROR(dl_module_parameter(m, 2, &t), DL_ERR_INVALID_ARGUMENT, "dl_module_parameter", "out of range");
  EXPECT_ERROR(dl_module_parameter_name(m, 0, NULL, 8), DL_ERR_INVALID_ARGUMENT, "dl_module_parameter_name",
               "'buffer'");
  EXPECT_ERROR(dl_module_parameter_name(NULL, 0, buf, 8), DL_ERR_INVALID_ARGUMENT, "dl_module_parameter_name", "'m'");
  EXPECT_ERROR(dl_module_named_parameter(m, NULL, &t), DL_ERR_INVALID_ARGUMENT, "dl_module_named_parameter", "'name'");
  EXPECT_ERROR(dl_module_train(NULL, 1), DL_ERR_INVALID_ARGUMENT, "dl_module_train", "'m'");
  EXPECT_ERROR(dl_module_is_training(freed, &flag), DL_ERR_INVALID_ARGUMENT, "dl_module_is_training", "freed");
  EXPECT_ERROR(dl_module_type_name(m, NULL), DL_ERR_INVALID_ARGUMENT, "dl_module_type_name", "'out'");
  EXPECT_ERROR(dl_module_type_name(NULL, &s), DL_ERR_INVALID_ARGUMENT, "dl_module_type_name", "'m'");
  EXPECT_ERROR(dl_module_to(freed, (dl_device){DL_CPU, 0}), DL_ERR_INVALID_ARGUMENT, "dl_module_to", "freed");
  EXPECT_ERROR(dl_module_append(NULL, m), DL_ERR_INVALID_ARGUMENT, "dl_module_append", "'seq'");
  EXPECT_ERROR(dl_module_register(m, "x", NULL), DL_ERR_INVALID_ARGUMENT, "dl_module_register", "'child'");
  dl_module* child = m;
  EXPECT_ERROR(dl_module_child(NULL, "x", &child), DL_ERR_INVALID_ARGUMENT, "dl_module_child", "'m'");
  assert_null(child);
  EXPECT_ERROR(dl_sequential_new(NULL), DL_ERR_INVALID_ARGUMENT, "dl_sequential_new", "'out'");
  EXPECT_ERROR(dl_relu_new(NULL), DL_ERR_INVALID_ARGUMENT, "dl_relu_new", "'out'");
  EXPECT_ERROR(dl_module_save(NULL, "x"), DL_ERR_INVALID_ARGUMENT, "dl_module_save", "'m'");
  EXPECT_ERROR(dl_module_load(freed, "x"), DL_ERR_INVALID_ARGUMENT, "dl_module_load", "freed");
  dl_module_free(NULL);
  dl_module_free(freed); /* a second free is ignored */
  dl_module_free(m);
}

static void save_and_load(void** state) {
  (void)state;
  char dir[] = "/tmp/dl_nn_test_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[128], garbage[128], missing[128];
  snprintf(path, sizeof path, "%s/model.safetensors", dir);
  snprintf(garbage, sizeof garbage, "%s/garbage.safetensors", dir);
  snprintf(missing, sizeof missing, "%s/none.safetensors", dir);
  dl_module *a = mlp(), *b = mlp();
  assert_int_equal(dl_module_save(a, path), DL_OK);
  assert_int_equal(dl_module_load(b, path), DL_OK);
  for (size_t i = 0; i < 4; ++i) {
    dl_tensor *pa = NULL, *pb = NULL;
    assert_int_equal(dl_module_parameter(a, i, &pa), DL_OK);
    assert_int_equal(dl_module_parameter(b, i, &pb), DL_OK);
    double va[12], vb[12];
    int64_t n = 0;
    assert_int_equal(dl_tensor_numel(pa, &n), DL_OK);
    values_of(pa, va, n), values_of(pb, vb, n);
    assert_memory_equal(va, vb, (size_t)n * sizeof(double));
    dl_tensor_free(pa), dl_tensor_free(pb);
  }
  /* Errors leave the module as it was. */
  dl_module* c = mlp();
  dl_tensor* w = param(c, "0.weight");
  double before[12], after[12];
  values_of(w, before, 12);
  EXPECT_ERROR(dl_module_load(c, missing), DL_ERR_IO, "dl_module_load", missing);
  FILE* f = fopen(garbage, "wb");
  assert_non_null(f);
  fputs("not a safetensors file at all", f);
  fclose(f);
  EXPECT_ERROR(dl_module_load(c, garbage), DL_ERR_FORMAT, "dl_module_load", garbage);
  dl_module* other = linear(4, 3, 1);
  EXPECT_ERROR(dl_module_load(other, path), DL_ERR_FORMAT, "dl_module_load", "no tensor 'weight'");
  dl_module* wide = NULL;
  assert_int_equal(dl_sequential_new(&wide), DL_OK);
  dl_module *w1 = linear(5, 3, 1), *relu = NULL, *w2 = linear(3, 2, 1);
  assert_int_equal(dl_relu_new(&relu), DL_OK);
  assert_int_equal(dl_module_append(wide, w1), DL_OK);
  assert_int_equal(dl_module_append(wide, relu), DL_OK);
  assert_int_equal(dl_module_append(wide, w2), DL_OK);
  EXPECT_ERROR(dl_module_load(wide, path), DL_ERR_SHAPE, "dl_module_load", "[3, 4]");
  values_of(w, after, 12);
  assert_memory_equal(before, after, sizeof before);
  EXPECT_ERROR(dl_module_save(a, "/nonexistent-dir/model.safetensors"), DL_ERR_IO, "dl_module_save",
               "/nonexistent-dir/model.safetensors");
  EXPECT_ERROR(dl_module_save(a, NULL), DL_ERR_INVALID_ARGUMENT, "dl_module_save", "'path'");
  /* The atomic write leaves no temporary file behind. */
  char listing[256];
  snprintf(listing, sizeof listing, "ls %s | grep -c tmp", dir);
  FILE* ls = popen(listing, "r");
  int count = -1;
  assert_int_equal(fscanf(ls, "%d", &count), 1);
  pclose(ls);
  assert_int_equal(count, 0);
  unlink(path), unlink(garbage), rmdir(dir);
  dl_tensor_free(w);
  dl_module_free(a), dl_module_free(b), dl_module_free(c), dl_module_free(other);
  dl_module_free(wide), dl_module_free(w1), dl_module_free(relu), dl_module_free(w2);
}

/* ---- losses */

static void regression_losses(void** state) {
  (void)state;
  const float iv[] = {1, 2, 3, 4}, tv[] = {1.5f, 2, 1, 8};
  dl_tensor *in = vec(iv, 4), *t = vec(tv, 4), *l = NULL;
  assert_int_equal(dl_mse_loss(in, t, DL_REDUCTION_MEAN, &l), DL_OK);
  const double mse[] = {(0.25 + 0 + 4 + 16) / 4};
  expect_values(l, mse, 1, 1e-6);
  dl_tensor_free(l);
  assert_int_equal(dl_mse_loss(in, t, DL_REDUCTION_NONE, &l), DL_OK);
  const double none[] = {0.25, 0, 4, 16};
  expect_values(l, none, 4, 1e-6);
  dl_tensor_free(l);
  assert_int_equal(dl_l1_loss(in, t, DL_REDUCTION_SUM, &l), DL_OK);
  const double l1[] = {0.5 + 0 + 2 + 4};
  expect_values(l, l1, 1, 1e-6);
  dl_tensor_free(l);
  const float sv[] = {1, 2, 3};
  dl_tensor* short_t = vec(sv, 3);
  EXPECT_ERROR(dl_mse_loss(in, short_t, DL_REDUCTION_MEAN, &l), DL_ERR_SHAPE, "dl_mse_loss", "[3]");
  EXPECT_ERROR(dl_l1_loss(in, t, (dl_reduction)5, &l), DL_ERR_INVALID_ARGUMENT, "dl_l1_loss", "reduction");
  EXPECT_ERROR(dl_l1_loss(NULL, t, DL_REDUCTION_MEAN, &l), DL_ERR_INVALID_ARGUMENT, "dl_l1_loss", "'input'");
  EXPECT_ERROR(dl_mse_loss(in, FOREIGN, DL_REDUCTION_MEAN, &l), DL_ERR_INVALID_ARGUMENT, "dl_mse_loss", "'target'");
  dl_tensor_free(in), dl_tensor_free(t), dl_tensor_free(short_t);
}

/* -log softmax(row)[c], the cross-entropy of one sample. */
static double ce(const float* row, int classes, int c) {
  double s = 0;
  for (int i = 0; i < classes; ++i) s += exp(row[i]);
  return log(s) - row[c];
}

static void class_losses(void** state) {
  (void)state;
  const float lv[] = {1, 2, 0.5f, -1, 0, 3};
  const int64_t lshape[] = {2, 3}, n2 = 2;
  const int64_t targets[] = {1, 2};
  dl_tensor *logits = tf(lv, lshape, 2), *target = NULL, *l = NULL;
  assert_int_equal(dl_tensor_from_data(targets, DL_INT64, &n2, 1, &target), DL_OK);
  double l0 = ce(lv, 3, 1), l1 = ce(lv + 3, 3, 2);
  assert_int_equal(dl_cross_entropy(logits, target, DL_REDUCTION_MEAN, &l), DL_OK);
  const double mean[] = {(l0 + l1) / 2};
  expect_values(l, mean, 1, 1e-6);
  dl_tensor_free(l);

  /* weight, ignore_index and label smoothing through the options. */
  const float wv[] = {1, 3, 0.5f};
  dl_tensor* weight = vec(wv, 3);
  dl_class_loss_options o = dl_class_loss_defaults();
  assert_int_equal(o.ignore_index, -100);
  assert_int_equal(o.reduction, DL_REDUCTION_MEAN);
  o.weight = weight;
  assert_int_equal(dl_cross_entropy_ex(logits, target, &o, &l), DL_OK);
  const double weighted[] = {(3 * l0 + 0.5 * l1) / 3.5};
  expect_values(l, weighted, 1, 1e-6);
  dl_tensor_free(l);
  o = dl_class_loss_defaults();
  o.ignore_index = 2;
  o.reduction = DL_REDUCTION_SUM;
  assert_int_equal(dl_cross_entropy_ex(logits, target, &o, &l), DL_OK);
  const double ignored[] = {l0};
  expect_values(l, ignored, 1, 1e-6);
  dl_tensor_free(l);
  o = dl_class_loss_defaults();
  o.label_smoothing = 0.3;
  assert_int_equal(dl_cross_entropy_ex(logits, target, &o, &l), DL_OK);
  double smooth = 0;
  for (int s = 0; s < 2; ++s) {
    const float* row = lv + 3 * s;
    double uniform = 0;
    for (int c = 0; c < 3; ++c) uniform += ce(row, 3, c) / 3;
    smooth += (0.7 * ce(row, 3, (int)targets[s]) + 0.3 * uniform) / 2;
  }
  expect_values(l, &smooth, 1, 1e-6);
  dl_tensor_free(l);

  dl_tensor* logp = NULL;
  assert_int_equal(dl_log_softmax(logits, 1, &logp), DL_OK);
  assert_int_equal(dl_nll_loss(logp, target, DL_REDUCTION_NONE, &l), DL_OK);
  const double per_sample[] = {l0, l1};
  expect_values(l, per_sample, 2, 1e-6);
  dl_tensor_free(l);
  o = dl_class_loss_defaults();
  o.weight = weight;
  assert_int_equal(dl_nll_loss_ex(logp, target, &o, &l), DL_OK);
  expect_values(l, weighted, 1, 1e-6);
  dl_tensor_free(l);

  /* Wrong target dtype, a target out of range, NULL options. */
  const float fv[] = {1, 2};
  dl_tensor* float_target = vec(fv, 2);
  EXPECT_ERROR(dl_cross_entropy(logits, float_target, DL_REDUCTION_MEAN, &l), DL_ERR_DTYPE, "dl_cross_entropy",
               "int64");
  const int64_t bad_targets[] = {1, 3};
  dl_tensor* bad = NULL;
  assert_int_equal(dl_tensor_from_data(bad_targets, DL_INT64, &n2, 1, &bad), DL_OK);
  EXPECT_ERROR(dl_nll_loss(logp, bad, DL_REDUCTION_MEAN, &l), DL_ERR_INVALID_ARGUMENT, "dl_nll_loss", "3");
  EXPECT_ERROR(dl_cross_entropy_ex(logits, target, NULL, &l), DL_ERR_INVALID_ARGUMENT, "dl_cross_entropy_ex",
               "'options'");
  o = dl_class_loss_defaults();
  o.weight = FOREIGN;
  EXPECT_ERROR(dl_nll_loss_ex(logp, target, &o, &l), DL_ERR_INVALID_ARGUMENT, "dl_nll_loss_ex", "options.weight");
  assert_null(l);
  dl_tensor_free(logits), dl_tensor_free(target), dl_tensor_free(weight), dl_tensor_free(logp);
  dl_tensor_free(float_target), dl_tensor_free(bad);
}

static void binary_losses(void** state) {
  (void)state;
  const float pv[] = {0.9f, 0.2f, 0.6f}, tv[] = {1, 0, 1}, zv[] = {2, -1, 0.5f}, posv[] = {2};
  dl_tensor *p = vec(pv, 3), *t = vec(tv, 3), *z = vec(zv, 3), *pos = vec(posv, 1), *l = NULL;
  assert_int_equal(dl_bce_loss(p, t, NULL, DL_REDUCTION_MEAN, &l), DL_OK);
  const double bce[] = {-(log(0.9) + log(0.8) + log(0.6)) / 3};
  expect_values(l, bce, 1, 1e-6);
  dl_tensor_free(l);
  assert_int_equal(dl_bce_with_logits_loss(z, t, NULL, pos, DL_REDUCTION_SUM, &l), DL_OK);
  double want = 0;
  for (int i = 0; i < 3; ++i) {
    double s = 1 / (1 + exp(-zv[i]));
    want -= 2 * tv[i] * log(s) + (1 - tv[i]) * log(1 - s);
  }
  expect_values(l, &want, 1, 1e-5);
  dl_tensor_free(l);
  EXPECT_ERROR(dl_bce_loss(p, t, FOREIGN, DL_REDUCTION_MEAN, &l), DL_ERR_INVALID_ARGUMENT, "dl_bce_loss", "'weight'");
  EXPECT_ERROR(dl_bce_with_logits_loss(z, t, NULL, FOREIGN, DL_REDUCTION_MEAN, &l), DL_ERR_INVALID_ARGUMENT,
               "dl_bce_with_logits_loss", "'pos_weight'");
  dl_tensor_free(p), dl_tensor_free(t), dl_tensor_free(z), dl_tensor_free(pos);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(linear_layer),
      cmocka_unit_test(initialization_is_seeded),
      cmocka_unit_test(sequential_names_and_forward),
      cmocka_unit_test(train_and_eval),
      cmocka_unit_test(activation_modules),
      cmocka_unit_test(functional_activations),
      cmocka_unit_test(custom_module_forward_and_backward),
      cmocka_unit_test(custom_module_errors),
      cmocka_unit_test(bad_module_handles),
      cmocka_unit_test(save_and_load),
      cmocka_unit_test(regression_losses),
      cmocka_unit_test(class_losses),
      cmocka_unit_test(binary_losses),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
