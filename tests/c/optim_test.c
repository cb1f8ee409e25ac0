/* C ABI: optimizers (first steps in closed form), parameter groups, frozen
 * parameters, clipping, LR schedulers (sequences in closed form, LambdaLR
 * through a C callback) and their error paths. PyTorch trajectories over 50
 * steps are checked at the engine level (tests/cpp/optim). */
#include <math.h>

#include "test_util.h"

#define FOREIGN_OPT ((dl_optimizer*)(void*)foreign_words)

/* A leaf p with values v and the gradient of sum(c * p) = c, set by a backward. */
static dl_tensor* param_with_grad(const float* v, const float* c, int64_t n) {
  dl_tensor* p = vec(v, n);
  assert_int_equal(dl_tensor_set_requires_grad(p, 1), DL_OK);
  dl_tensor *k = vec(c, n), *prod = NULL, *s = NULL;
  assert_int_equal(dl_mul(p, k, &prod), DL_OK);
  assert_int_equal(dl_sum(prod, NULL, 0, 0, &s), DL_OK);
  assert_int_equal(dl_tensor_backward(s, NULL), DL_OK);
  dl_tensor_free(k), dl_tensor_free(prod), dl_tensor_free(s);
  return p;
}

static void regrad(dl_tensor* p, const float* c, int64_t n) {
  assert_int_equal(dl_tensor_zero_grad(p), DL_OK);
  dl_tensor *k = vec(c, n), *prod = NULL, *s = NULL;
  assert_int_equal(dl_mul(p, k, &prod), DL_OK);
  assert_int_equal(dl_sum(prod, NULL, 0, 0, &s), DL_OK);
  assert_int_equal(dl_tensor_backward(s, NULL), DL_OK);
  dl_tensor_free(k), dl_tensor_free(prod), dl_tensor_free(s);
}

static const float P[] = {1, -2}, G[] = {0.5f, 4};

static void defaults_are_pytorchs(void** state) {
  (void)state;
  dl_sgd_options s = dl_sgd_defaults();
  assert_float_equal(s.lr, 1e-3, 0);
  assert_float_equal(s.momentum, 0, 0);
  assert_int_equal(s.nesterov, 0);
  dl_adam_options a = dl_adam_defaults(), w = dl_adamw_defaults();
  assert_float_equal(a.beta1, 0.9, 0), assert_float_equal(a.beta2, 0.999, 0), assert_float_equal(a.eps, 1e-8, 0);
  assert_float_equal(a.weight_decay, 0, 0), assert_float_equal(w.weight_decay, 1e-2, 0);
  dl_rmsprop_options r = dl_rmsprop_defaults();
  assert_float_equal(r.lr, 1e-2, 0), assert_float_equal(r.alpha, 0.99, 0);
  dl_adagrad_options g = dl_adagrad_defaults();
  assert_float_equal(g.lr, 1e-2, 0), assert_float_equal(g.eps, 1e-10, 0);
  dl_plateau_options p = dl_plateau_defaults();
  assert_int_equal(p.patience, 10), assert_float_equal(p.factor, 0.1, 0), assert_float_equal(p.threshold, 1e-4, 0);
}

static void sgd_with_momentum(void** state) {
  (void)state;
  dl_tensor* p = param_with_grad(P, G, 2);
  dl_sgd_options o = dl_sgd_defaults();
  o.lr = 0.1, o.momentum = 0.9, o.weight_decay = 0.01;
  dl_optimizer* opt = NULL;
  assert_int_equal(dl_sgd_new_tensors(&p, 1, &o, &opt), DL_OK);
  assert_int_equal(dl_optimizer_step(opt), DL_OK);
  double b[2], want[2];
  for (int i = 0; i < 2; ++i) {
    b[i] = G[i] + 0.01 * P[i];
    want[i] = P[i] - 0.1 * b[i];
  }
  expect_values(p, want, 2, 1e-6);
  regrad(p, G, 2);
  assert_int_equal(dl_optimizer_step(opt), DL_OK);
  for (int i = 0; i < 2; ++i) {
    b[i] = 0.9 * b[i] + (G[i] + 0.01 * want[i]);
    want[i] -= 0.1 * b[i];
  }
  expect_values(p, want, 2, 1e-6);
  dl_optimizer_free(opt), dl_tensor_free(p);
}

static void adaptive_first_steps(void** state) {
  (void)state;
  /* After one step Adam, AdamW and Adagrad move each weight by lr * sign(g)
   * (up to eps); RMSprop by lr * g / sqrt((1 - alpha) g^2). */
  for (int kind = 0; kind < 4; ++kind) {
    dl_tensor* p = param_with_grad(P, G, 2);
    dl_optimizer* opt = NULL;
    double want[2];
    if (kind == 0 || kind == 1) {
      dl_adam_options o = kind ? dl_adamw_defaults() : dl_adam_defaults();
      o.lr = 0.1;
      assert_int_equal((kind ? dl_adamw_new_tensors : dl_adam_new_tensors)(&p, 1, &o, &opt), DL_OK);
      for (int i = 0; i < 2; ++i) want[i] = P[i] * (kind ? 1 - 0.1 * 0.01 : 1) - 0.1 * (G[i] > 0 ? 1 : -1);
    } else if (kind == 2) {
      dl_rmsprop_options o = dl_rmsprop_defaults();
      assert_int_equal(dl_rmsprop_new_tensors(&p, 1, &o, &opt), DL_OK);
      for (int i = 0; i < 2; ++i) want[i] = P[i] - 0.01 * G[i] / sqrt(0.01 * G[i] * G[i]);
    } else {
      dl_adagrad_options o = dl_adagrad_defaults();
      assert_int_equal(dl_adagrad_new_tensors(&p, 1, &o, &opt), DL_OK);
      for (int i = 0; i < 2; ++i) want[i] = P[i] - 0.01 * (G[i] > 0 ? 1 : -1);
    }
    assert_int_equal(dl_optimizer_step(opt), DL_OK);
    expect_values(p, want, 2, 1e-5);
    dl_optimizer_free(opt), dl_tensor_free(p);
  }
}

static void optimizer_from_a_module_skips_frozen_parameters(void** state) {
  (void)state;
  dl_module* fc = NULL;
  assert_int_equal(dl_linear_new(2, 1, 1, &fc), DL_OK);
  dl_tensor *w = NULL, *b = NULL;
  assert_int_equal(dl_module_named_parameter(fc, "weight", &w), DL_OK);
  assert_int_equal(dl_module_named_parameter(fc, "bias", &b), DL_OK);
  assert_int_equal(dl_tensor_set_requires_grad(b, 0), DL_OK); /* frozen */
  double w0[2], b0[1];
  values_of(w, w0, 2), values_of(b, b0, 1);
  dl_sgd_options o = dl_sgd_defaults();
  o.lr = 0.5;
  dl_optimizer* opt = NULL;
  assert_int_equal(dl_sgd_new(fc, &o, &opt), DL_OK);
  const float xv[] = {1, 3};
  const int64_t shape[] = {1, 2};
  dl_tensor *x = tf(xv, shape, 2), *y = NULL, *s = NULL;
  assert_int_equal(dl_module_forward(fc, x, &y), DL_OK);
  assert_int_equal(dl_sum(y, NULL, 0, 0, &s), DL_OK);
  assert_int_equal(dl_tensor_backward(s, NULL), DL_OK);
  assert_int_equal(dl_optimizer_step(opt), DL_OK);
  const double want_w[] = {w0[0] - 0.5, w0[1] - 1.5};
  expect_values(w, want_w, 2, 1e-6);
  expect_values(b, b0, 1, 0);
  /* zero_grad: in place keeps a zero gradient, the default drops it. */
  dl_tensor* g = NULL;
  assert_int_equal(dl_optimizer_zero_grad_ex(opt, 0), DL_OK);
  assert_int_equal(dl_tensor_grad(w, &g), DL_OK);
  const double zeros[] = {0, 0};
  expect_values(g, zeros, 2, 0);
  dl_tensor_free(g);
  assert_int_equal(dl_optimizer_zero_grad(opt), DL_OK);
  assert_int_equal(dl_tensor_grad(w, &g), DL_OK);
  assert_null(g);
  dl_tensor_free(w), dl_tensor_free(b), dl_tensor_free(x), dl_tensor_free(y), dl_tensor_free(s);
  dl_optimizer_free(opt);
  dl_module_free(fc);
}

static void learning_rates_and_groups(void** state) {
  (void)state;
  dl_tensor *p = param_with_grad(P, G, 2), *q = param_with_grad(P, G, 2);
  dl_sgd_options o = dl_sgd_defaults();
  dl_optimizer* opt = NULL;
  assert_int_equal(dl_sgd_new_tensors(&p, 1, &o, &opt), DL_OK);
  double lr = 0;
  assert_int_equal(dl_optimizer_get_lr(opt, &lr), DL_OK);
  assert_float_equal(lr, 1e-3, 0);
  size_t index = 99, n = 0;
  assert_int_equal(dl_optimizer_add_param_group(opt, &q, 1, 1.0, 0, &index), DL_OK);
  assert_int_equal(index, 1);
  assert_int_equal(dl_optimizer_num_groups(opt, &n), DL_OK);
  assert_int_equal(n, 2);
  EXPECT_ERROR(dl_optimizer_add_param_group(opt, &q, 1, 1.0, 0, NULL), DL_ERR_INVALID_ARGUMENT,
               "dl_optimizer_add_param_group", "more than one parameter group");
  assert_int_equal(dl_optimizer_step(opt), DL_OK);
  const double want_p[] = {P[0] - 1e-3 * G[0], P[1] - 1e-3 * G[1]}, want_q[] = {P[0] - G[0], P[1] - G[1]};
  expect_values(p, want_p, 2, 1e-6);
  expect_values(q, want_q, 2, 1e-6);
  assert_int_equal(dl_optimizer_set_group_lr(opt, 1, 0.25), DL_OK);
  assert_int_equal(dl_optimizer_get_group_lr(opt, 1, &lr), DL_OK);
  assert_float_equal(lr, 0.25, 0);
  assert_int_equal(dl_optimizer_set_lr(opt, 0.5), DL_OK);
  assert_int_equal(dl_optimizer_get_group_lr(opt, 1, &lr), DL_OK);
  assert_float_equal(lr, 0.5, 0);
  EXPECT_ERROR(dl_optimizer_set_lr(opt, -1), DL_ERR_INVALID_ARGUMENT, "dl_optimizer_set_lr", "learning rate");
  EXPECT_ERROR(dl_optimizer_get_group_lr(opt, 2, &lr), DL_ERR_INVALID_ARGUMENT, "dl_optimizer_get_group_lr",
               "out of range");
  EXPECT_ERROR(dl_optimizer_set_group_lr(opt, 0, NAN), DL_ERR_INVALID_ARGUMENT, "dl_optimizer_set_group_lr", "'lr'");
  dl_optimizer_free(opt), dl_tensor_free(p), dl_tensor_free(q);
}

static void construction_errors(void** state) {
  (void)state;
  dl_tensor* p = param_with_grad(P, G, 2);
  dl_tensor* twice[] = {p, p};
  dl_sgd_options o = dl_sgd_defaults();
  dl_optimizer* opt = FOREIGN_OPT;
  EXPECT_ERROR(dl_sgd_new_tensors(twice, 2, &o, &opt), DL_ERR_INVALID_ARGUMENT, "dl_sgd_new_tensors",
               "more than one");
  assert_null(opt);
  EXPECT_ERROR(dl_sgd_new_tensors(&p, 1, NULL, &opt), DL_ERR_INVALID_ARGUMENT, "dl_sgd_new_tensors", "options");
  EXPECT_ERROR(dl_sgd_new_tensors(&p, 0, &o, &opt), DL_ERR_INVALID_ARGUMENT, "dl_sgd_new_tensors", "'count'");
  EXPECT_ERROR(dl_sgd_new_tensors(NULL, 1, &o, &opt), DL_ERR_INVALID_ARGUMENT, "dl_sgd_new_tensors", "'params'");
  o.nesterov = 1;
  EXPECT_ERROR(dl_sgd_new_tensors(&p, 1, &o, &opt), DL_ERR_INVALID_ARGUMENT, "dl_sgd_new_tensors", "esterov");
  dl_adam_options a = dl_adam_defaults();
  a.beta1 = 1.5;
  EXPECT_ERROR(dl_adam_new_tensors(&p, 1, &a, &opt), DL_ERR_INVALID_ARGUMENT, "dl_adam_new_tensors", "beta");
  dl_tensor* y = NULL;
  assert_int_equal(dl_mul_scalar(p, 2, &y), DL_OK);
  dl_rmsprop_options r = dl_rmsprop_defaults();
  EXPECT_ERROR(dl_rmsprop_new_tensors(&y, 1, &r, &opt), DL_ERR_INVALID_ARGUMENT, "dl_rmsprop_new_tensors", "leaf");
  int64_t n = 2;
  dl_tensor* ints = NULL;
  assert_int_equal(dl_tensor_zeros(&n, 1, DL_INT64, &ints), DL_OK);
  dl_adagrad_options g = dl_adagrad_defaults();
  EXPECT_ERROR(dl_adagrad_new_tensors(&ints, 1, &g, &opt), DL_ERR_DTYPE, "dl_adagrad_new_tensors", "int64");
  dl_module* relu = NULL;
  assert_int_equal(dl_relu_new(&relu), DL_OK);
  EXPECT_ERROR(dl_adamw_new(relu, &a, &opt), DL_ERR_INVALID_ARGUMENT, "dl_adamw_new", "no parameters");
  EXPECT_ERROR(dl_sgd_new(NULL, &o, &opt), DL_ERR_INVALID_ARGUMENT, "dl_sgd_new", "'params_of'");
  EXPECT_ERROR(dl_adam_new((dl_module*)FOREIGN, &a, &opt), DL_ERR_INVALID_ARGUMENT, "dl_adam_new", "not a dl_module");
  EXPECT_ERROR(dl_rmsprop_new(relu, NULL, &opt), DL_ERR_INVALID_ARGUMENT, "dl_rmsprop_new", "");
  EXPECT_ERROR(dl_adagrad_new(relu, &g, NULL), DL_ERR_INVALID_ARGUMENT, "dl_adagrad_new", "'out'");
  /* Calls on bad optimizer handles. */
  dl_optimizer* freed = NULL;
  o = dl_sgd_defaults();
  assert_int_equal(dl_sgd_new_tensors(&p, 1, &o, &freed), DL_OK);
  dl_optimizer_free(freed);
  double lr;
  size_t count;
  EXPECT_ERROR(dl_optimizer_step(freed), DL_ERR_INVALID_ARGUMENT, "dl_optimizer_step", "freed");
  EXPECT_ERROR(dl_optimizer_zero_grad(NULL), DL_ERR_INVALID_ARGUMENT, "dl_optimizer_zero_grad", "'opt'");
  EXPECT_ERROR(dl_optimizer_zero_grad_ex(FOREIGN_OPT, 0), DL_ERR_INVALID_ARGUMENT, "dl_optimizer_zero_grad_ex",
               "not a dl_optimizer");
  EXPECT_ERROR(dl_optimizer_get_lr(freed, &lr), DL_ERR_INVALID_ARGUMENT, "dl_optimizer_get_lr", "freed");
  EXPECT_ERROR(dl_optimizer_num_groups(freed, &count), DL_ERR_INVALID_ARGUMENT, "dl_optimizer_num_groups", "freed");
  EXPECT_ERROR(dl_optimizer_add_param_group(freed, &p, 1, 0.1, 0, NULL), DL_ERR_INVALID_ARGUMENT,
               "dl_optimizer_add_param_group", "freed");
  dl_optimizer_free(NULL);
  dl_optimizer_free(freed);
  dl_tensor_free(p), dl_tensor_free(y), dl_tensor_free(ints);
  dl_module_free(relu);
}

static void clipping(void** state) {
  (void)state;
  const float v[] = {0, 0}, c[] = {3, 4};
  dl_tensor* p = param_with_grad(v, c, 2);
  double total = 0;
  assert_int_equal(dl_clip_grad_norm_tensors(&p, 1, 1.0, 2.0, &total), DL_OK);
  assert_float_equal(total, 5, 1e-6);
  dl_tensor* g = NULL;
  assert_int_equal(dl_tensor_grad(p, &g), DL_OK);
  const double scaled[] = {0.6, 0.8};
  expect_values(g, scaled, 2, 1e-5);
  dl_tensor_free(g);
  regrad(p, c, 2);
  assert_int_equal(dl_clip_grad_norm_tensors(&p, 1, 2.0, INFINITY, &total), DL_OK);
  assert_float_equal(total, 4, 1e-6);
  regrad(p, c, 2);
  assert_int_equal(dl_clip_grad_value_tensors(&p, 1, 3.5), DL_OK);
  assert_int_equal(dl_tensor_grad(p, &g), DL_OK);
  const double clamped[] = {3, 3.5};
  expect_values(g, clamped, 2, 0);
  dl_tensor_free(g);
  EXPECT_ERROR(dl_clip_grad_norm_tensors(&p, 1, 1.0, -1, &total), DL_ERR_INVALID_ARGUMENT,
               "dl_clip_grad_norm_tensors", "norm_type");
  EXPECT_ERROR(dl_clip_grad_value_tensors(&p, 1, -1), DL_ERR_INVALID_ARGUMENT, "dl_clip_grad_value_tensors",
               "clip_value");
  dl_module* fc = NULL;
  assert_int_equal(dl_linear_new(2, 2, 1, &fc), DL_OK);
  assert_int_equal(dl_clip_grad_norm(fc, 1.0, 2.0, &total), DL_OK); /* no gradients yet */
  assert_float_equal(total, 0, 0);
  assert_int_equal(dl_clip_grad_value(fc, 1.0), DL_OK);
  EXPECT_ERROR(dl_clip_grad_norm(NULL, 1.0, 2.0, NULL), DL_ERR_INVALID_ARGUMENT, "dl_clip_grad_norm", "'m'");
  EXPECT_ERROR(dl_clip_grad_value((dl_module*)FOREIGN, 1.0), DL_ERR_INVALID_ARGUMENT, "dl_clip_grad_value",
               "not a dl_module");
  dl_tensor_free(p);
  dl_module_free(fc);
}

/* ---- schedulers */

static dl_optimizer* sgd_with_lr(dl_tensor** p, double lr) {
  *p = param_with_grad(P, G, 2);
  dl_sgd_options o = dl_sgd_defaults();
  o.lr = lr;
  dl_optimizer* opt = NULL;
  assert_int_equal(dl_sgd_new_tensors(p, 1, &o, &opt), DL_OK);
  return opt;
}

/* Steps s n times, checking the optimizer's lr against want(epoch) before each step. */
static void expect_sequence(dl_scheduler* s, dl_optimizer* opt, double (*want)(int), int n) {
  for (int epoch = 0; epoch < n; ++epoch) {
    double lr = 0, last = 0;
    assert_int_equal(dl_optimizer_get_lr(opt, &lr), DL_OK);
    assert_int_equal(dl_scheduler_get_last_lr(s, &last), DL_OK);
    assert_float_equal(lr, want(epoch), 1e-12);
    assert_float_equal(last, lr, 0);
    assert_int_equal(dl_scheduler_step(s), DL_OK);
  }
}

static double step_want(int e) { return pow(0.5, e / 3); }
static double multistep_want(int e) { return pow(0.1, (e >= 2) + (e >= 5)); }
static double multistep_repeated_want(int e) { return pow(0.1, 2 * (e >= 2)); }
static double exponential_want(int e) { return pow(0.9, e); }
static double cosine_want(int e) { return 0.1 + (1 - 0.1) * (1 + cos(M_PI * e / 10)) / 2; }
static double lambda_want(int e) { return 1.0 / (e + 1); }

static int g_lambda_freed;
static dl_status inverse_epoch(int64_t epoch, double* factor, void* user_data) {
  (void)user_data;
  if (epoch == 7) return DL_ERR_STATE;
  *factor = 1.0 / (double)(epoch + 1);
  return DL_OK;
}
static void count_free(void* p) { ++*(int*)p; }

static void scheduler_sequences(void** state) {
  (void)state;
  dl_tensor* p = NULL;
  dl_scheduler* s = NULL;
  dl_optimizer* opt = sgd_with_lr(&p, 1.0);
  assert_int_equal(dl_step_lr_new(opt, 3, 0.5, &s), DL_OK);
  expect_sequence(s, opt, step_want, 10);
  dl_scheduler_free(s);
  assert_int_equal(dl_optimizer_set_lr(opt, 1.0), DL_OK);
  const int64_t milestones[] = {2, 5};
  assert_int_equal(dl_multistep_lr_new(opt, milestones, 2, 0.1, &s), DL_OK);
  expect_sequence(s, opt, multistep_want, 8);
  dl_scheduler_free(s);
  /* A milestone given twice applies gamma twice (PyTorch counts milestones). */
  assert_int_equal(dl_optimizer_set_lr(opt, 1.0), DL_OK);
  const int64_t repeated[] = {2, 2};
  assert_int_equal(dl_multistep_lr_new(opt, repeated, 2, 0.1, &s), DL_OK);
  expect_sequence(s, opt, multistep_repeated_want, 5);
  dl_scheduler_free(s);
  assert_int_equal(dl_optimizer_set_lr(opt, 1.0), DL_OK);
  assert_int_equal(dl_exponential_lr_new(opt, 0.9, &s), DL_OK);
  expect_sequence(s, opt, exponential_want, 10);
  dl_scheduler_free(s);
  assert_int_equal(dl_optimizer_set_lr(opt, 1.0), DL_OK);
  assert_int_equal(dl_cosine_annealing_lr_new(opt, 10, 0.1, &s), DL_OK);
  expect_sequence(s, opt, cosine_want, 11);
  dl_scheduler_free(s);
  dl_optimizer_free(opt), dl_tensor_free(p);
}

static void lambda_lr_through_a_callback(void** state) {
  (void)state;
  g_lambda_freed = 0;
  dl_tensor* p = NULL;
  dl_scheduler* s = NULL;
  dl_optimizer* opt = sgd_with_lr(&p, 1.0);
  assert_int_equal(dl_lambda_lr_new(opt, inverse_epoch, &g_lambda_freed, count_free, &s), DL_OK);
  expect_sequence(s, opt, lambda_want, 6); /* now at epoch 6: the step to epoch 7 fails */
  double before = 0, after = 0;
  assert_int_equal(dl_optimizer_get_lr(opt, &before), DL_OK);
  EXPECT_ERROR(dl_scheduler_step(s), DL_ERR_STATE, "dl_scheduler_step", "lr_lambda callback returned DL_ERR_STATE");
  assert_int_equal(dl_optimizer_get_lr(opt, &after), DL_OK);
  assert_float_equal(after, before, 0);
  /* The scheduler keeps the optimizer alive after its handle is freed. */
  dl_optimizer_free(opt);
  EXPECT_ERROR(dl_scheduler_step(s), DL_ERR_STATE, "dl_scheduler_step", "epoch 7");
  assert_int_equal(g_lambda_freed, 0);
  dl_scheduler_free(s);
  assert_int_equal(g_lambda_freed, 1);
  dl_tensor_free(p);
  opt = sgd_with_lr(&p, 1.0);
  dl_tensor_free(p);
  EXPECT_ERROR(dl_lambda_lr_new(opt, NULL, NULL, NULL, &s), DL_ERR_INVALID_ARGUMENT, "dl_lambda_lr_new", "'lambda'");
  assert_null(s);
  dl_optimizer_free(opt);
}

static void reduce_on_plateau(void** state) {
  (void)state;
  dl_tensor* p = NULL;
  dl_scheduler* s = NULL;
  dl_optimizer* opt = sgd_with_lr(&p, 1.0);
  dl_plateau_options o = dl_plateau_defaults();
  o.patience = 1, o.factor = 0.5, o.cooldown = 1;
  assert_int_equal(dl_reduce_lr_on_plateau_new(opt, &o, &s), DL_OK);
  /* best 1.0; two bad epochs exceed patience 1 -> 0.5; cooldown 1 epoch; two more bad -> 0.25. */
  const double metrics[] = {1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5};
  const double want[] = {1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25};
  for (int i = 0; i < 7; ++i) {
    double lr = 0;
    assert_int_equal(dl_scheduler_step_metric(s, metrics[i]), DL_OK);
    assert_int_equal(dl_optimizer_get_lr(opt, &lr), DL_OK);
    assert_float_equal(lr, want[i], 1e-12);
  }
  EXPECT_ERROR(dl_scheduler_step(s), DL_ERR_STATE, "dl_scheduler_step", "metric");
  dl_scheduler_free(s);
  o.factor = 1.5;
  EXPECT_ERROR(dl_reduce_lr_on_plateau_new(opt, &o, &s), DL_ERR_INVALID_ARGUMENT, "dl_reduce_lr_on_plateau_new",
               "factor");
  EXPECT_ERROR(dl_reduce_lr_on_plateau_new(opt, NULL, &s), DL_ERR_INVALID_ARGUMENT, "dl_reduce_lr_on_plateau_new",
               "options");
  dl_optimizer_free(opt), dl_tensor_free(p);
}

static void scheduler_errors(void** state) {
  (void)state;
  dl_tensor* p = NULL;
  dl_scheduler *s = (dl_scheduler*)FOREIGN, *freed = NULL;
  dl_optimizer* opt = sgd_with_lr(&p, 1.0);
  EXPECT_ERROR(dl_step_lr_new(opt, 0, 0.1, &s), DL_ERR_INVALID_ARGUMENT, "dl_step_lr_new", "step_size");
  assert_null(s);
  EXPECT_ERROR(dl_step_lr_new(NULL, 1, 0.1, &s), DL_ERR_INVALID_ARGUMENT, "dl_step_lr_new", "'opt'");
  const int64_t bad[] = {5, 2};
  EXPECT_ERROR(dl_multistep_lr_new(opt, bad, 2, 0.1, &s), DL_ERR_INVALID_ARGUMENT, "dl_multistep_lr_new",
               "must not decrease");
  EXPECT_ERROR(dl_multistep_lr_new(opt, NULL, 2, 0.1, &s), DL_ERR_INVALID_ARGUMENT, "dl_multistep_lr_new",
               "'milestones'");
  EXPECT_ERROR(dl_exponential_lr_new(FOREIGN_OPT, 0.9, &s), DL_ERR_INVALID_ARGUMENT, "dl_exponential_lr_new",
               "not a dl_optimizer");
  EXPECT_ERROR(dl_cosine_annealing_lr_new(opt, 0, 0, &s), DL_ERR_INVALID_ARGUMENT, "dl_cosine_annealing_lr_new",
               "T_max");
  EXPECT_ERROR(dl_cosine_annealing_lr_new(opt, 5, 0, NULL), DL_ERR_INVALID_ARGUMENT, "dl_cosine_annealing_lr_new",
               "'out'");
  assert_int_equal(dl_step_lr_new(opt, 2, 0.1, &freed), DL_OK);
  EXPECT_ERROR(dl_scheduler_step_metric(freed, 1.0), DL_ERR_STATE, "dl_scheduler_step_metric", "ReduceLROnPlateau");
  dl_scheduler_free(freed);
  double lr;
  EXPECT_ERROR(dl_scheduler_step(freed), DL_ERR_INVALID_ARGUMENT, "dl_scheduler_step", "freed");
  EXPECT_ERROR(dl_scheduler_step_metric(NULL, 1), DL_ERR_INVALID_ARGUMENT, "dl_scheduler_step_metric", "'s'");
  EXPECT_ERROR(dl_scheduler_get_last_lr(freed, &lr), DL_ERR_INVALID_ARGUMENT, "dl_scheduler_get_last_lr", "freed");
  dl_scheduler_free(NULL);
  dl_scheduler_free(freed);
  dl_optimizer_free(opt), dl_tensor_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(defaults_are_pytorchs),
      cmocka_unit_test(sgd_with_momentum),
      cmocka_unit_test(adaptive_first_steps),
      cmocka_unit_test(optimizer_from_a_module_skips_frozen_parameters),
      cmocka_unit_test(learning_rates_and_groups),
      cmocka_unit_test(construction_errors),
      cmocka_unit_test(clipping),
      cmocka_unit_test(scheduler_sequences),
      cmocka_unit_test(lambda_lr_through_a_callback),
      cmocka_unit_test(reduce_on_plateau),
      cmocka_unit_test(scheduler_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
