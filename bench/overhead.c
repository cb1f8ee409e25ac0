/* overhead workload (PERFORMANCE.md): the cost per call of tiny work, where
 * dispatch, allocation and autograd bookkeeping are everything: a 4-element
 * add, a 4-element relu, Linear(4,4) forward on (1,4), and a whole
 * Linear(4,4) forward + MSE + backward + SGD step. Median of 5 batches, in
 * microseconds per call (handles freed inside the timed loop). */
#include "bench_util.h"

enum { kCalls = 100000, kBatches = 5 };

typedef struct {
  dl_tensor *a, *b, *x, *target;
  dl_module* fc;
  dl_optimizer* opt;
} fixture;

static void tiny_add(fixture* f) {
  dl_tensor* c;
  check(dl_add(f->a, f->b, &c));
  dl_tensor_free(c);
}

static void tiny_relu(fixture* f) {
  dl_tensor* c;
  check(dl_relu(f->a, &c));
  dl_tensor_free(c);
}

static void linear_forward(fixture* f) {
  dl_tensor* y;
  check(dl_module_forward(f->fc, f->x, &y));
  dl_tensor_free(y);
}

static void linear_train_step(fixture* f) {
  dl_tensor *y, *loss;
  check(dl_module_forward(f->fc, f->x, &y));
  check(dl_mse_loss(y, f->target, DL_REDUCTION_MEAN, &loss));
  check(dl_optimizer_zero_grad(f->opt));
  check(dl_tensor_backward(loss, NULL));
  check(dl_optimizer_step(f->opt));
  dl_tensor_free(y), dl_tensor_free(loss);
}

static double us_per_call(void (*body)(fixture*), fixture* f, int calls) {
  double batches[kBatches];
  for (int i = 0; i < calls / 10; ++i) body(f); /* warm-up */
  for (int b = 0; b < kBatches; ++b) {
    double t0 = now();
    for (int i = 0; i < calls; ++i) body(f);
    batches[b] = (now() - t0) / calls * 1e6;
  }
  return median(batches, kBatches);
}

int main(void) {
  fixture f;
  const int64_t four[] = {4}, row[] = {1, 4};
  check(dl_tensor_randn(four, 1, DL_FLOAT32, &f.a));
  check(dl_tensor_randn(four, 1, DL_FLOAT32, &f.b));
  check(dl_tensor_randn(row, 2, DL_FLOAT32, &f.x));
  check(dl_tensor_randn(row, 2, DL_FLOAT32, &f.target));
  check(dl_linear_new(4, 4, 1, &f.fc));
  dl_sgd_options o = dl_sgd_defaults();
  o.lr = 0.01;
  check(dl_sgd_new(f.fc, &o, &f.opt));
  printf("{\"info\": \"libdl %s, from C\"}\n", dl_version());
  report("tiny add", "us/call", 0, us_per_call(tiny_add, &f, kCalls));
  report("tiny relu", "us/call", 0, us_per_call(tiny_relu, &f, kCalls));
  report("Linear(4,4) forward", "us/call", 0, us_per_call(linear_forward, &f, kCalls));
  report("Linear(4,4) train step", "us/call", 0, us_per_call(linear_train_step, &f, kCalls / 10));
  dl_tensor_free(f.a), dl_tensor_free(f.b), dl_tensor_free(f.x), dl_tensor_free(f.target);
  dl_optimizer_free(f.opt);
  dl_module_free(f.fc);
  return 0;
}
