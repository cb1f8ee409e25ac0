/* linreg workload (PERFORMANCE.md): seed 002's 1000 iterations of
 * Linear(1,1) + MSELoss + SGD(lr 0.01) with zero_grad on x = randn(100, 1),
 * y = 3x + 1 + 0.1 noise. Prints the median total time of 7 runs in ms. */
#include "bench_util.h"

static double run_once(const dl_tensor* x, const dl_tensor* y) {
  dl_module* model;
  dl_optimizer* opt;
  check(dl_linear_new(1, 1, 1, &model));
  dl_sgd_options o = dl_sgd_defaults();
  o.lr = 0.01;
  check(dl_sgd_new(model, &o, &opt));
  double t0 = now();
  for (int i = 0; i < 1000; ++i) {
    dl_tensor *pred, *loss;
    check(dl_module_forward(model, x, &pred));
    check(dl_mse_loss(pred, y, DL_REDUCTION_MEAN, &loss));
    check(dl_optimizer_zero_grad(opt));
    check(dl_tensor_backward(loss, NULL));
    check(dl_optimizer_step(opt));
    dl_tensor_free(pred), dl_tensor_free(loss);
  }
  double elapsed = now() - t0;
  dl_optimizer_free(opt);
  dl_module_free(model);
  return elapsed;
}

int main(void) {
  const int64_t shape[] = {100, 1};
  dl_tensor *x, *noise, *x3, *scaled, *y;
  check(dl_tensor_randn(shape, 2, DL_FLOAT32, &x));
  check(dl_tensor_randn(shape, 2, DL_FLOAT32, &noise));
  check(dl_mul_scalar(x, 3, &x3));
  check(dl_mul_scalar(noise, 0.1, &scaled));
  check(dl_add(x3, scaled, &y));
  int threads;
  check(dl_get_num_threads(&threads));
  printf("{\"info\": \"libdl %s, %d thread(s)\"}\n", dl_version(), threads);
  double times[7];
  run_once(x, y); /* warm-up */
  for (int r = 0; r < 7; ++r) times[r] = run_once(x, y);
  report("1000 iterations", "ms", 0, 1e3 * median(times, 7));
  dl_tensor_free(x), dl_tensor_free(noise), dl_tensor_free(x3), dl_tensor_free(scaled), dl_tensor_free(y);
  return 0;
}
