/* Seed 002's linear regression in C: x = randn(100, 1), y = 3x + 1 + 0.1
 * noise; Linear(1, 1) trained with MSELoss and SGD(lr 0.01) for 1000
 * iterations; prints the learned weight and bias (close to 3 and 1).
 * Usage: linear_regression [iterations] */
#include <dl/dl.h>
#include <stdio.h>
#include <stdlib.h>

/* Stops the program with libdl's message when a call fails. */
static void check(dl_status s) {
  if (s != DL_OK) {
    fprintf(stderr, "error: %s\n", dl_last_error_message());
    exit(1);
  }
}

int main(int argc, char** argv) {
  int iterations = argc > 1 ? atoi(argv[1]) : 1000;
  const int64_t shape[] = {100, 1};
  dl_tensor *x, *noise, *y, *w, *b;
  dl_module* model;
  dl_optimizer* opt;
  check(dl_manual_seed(0));

  /* x = randn(100, 1); y = 3 * x + 1 + randn(100, 1) * 0.1 */
  check(dl_tensor_randn(shape, 2, DL_FLOAT32, &x));
  check(dl_tensor_randn(shape, 2, DL_FLOAT32, &noise));
  {
    dl_tensor *x3, *x3p1, *noise_scaled;
    check(dl_mul_scalar(x, 3, &x3));
    check(dl_add_scalar(x3, 1, &x3p1));
    check(dl_mul_scalar(noise, 0.1, &noise_scaled));
    check(dl_add(x3p1, noise_scaled, &y));
    dl_tensor_free(x3), dl_tensor_free(x3p1), dl_tensor_free(noise_scaled);
  }

  check(dl_linear_new(1, 1, 1, &model));
  dl_sgd_options o = dl_sgd_defaults();
  o.lr = 0.01;
  check(dl_sgd_new(model, &o, &opt));

  for (int epoch = 0; epoch < iterations; ++epoch) {
    dl_tensor *y_pred, *loss;
    check(dl_scope_begin()); /* frees this iteration's tensors at scope end */
    check(dl_module_forward(model, x, &y_pred));
    check(dl_mse_loss(y_pred, y, DL_REDUCTION_MEAN, &loss));
    check(dl_optimizer_zero_grad(opt));
    check(dl_tensor_backward(loss, NULL));
    check(dl_optimizer_step(opt));
    if ((epoch + 1) % 100 == 0) {
      double value;
      check(dl_tensor_item(loss, &value));
      printf("epoch %4d  loss %.6f\n", epoch + 1, value);
    }
    check(dl_scope_end());
    dl_tensor_free(y_pred), dl_tensor_free(loss);
  }

  double weight, bias;
  check(dl_module_named_parameter(model, "weight", &w));
  check(dl_module_named_parameter(model, "bias", &b));
  check(dl_tensor_item(w, &weight));
  check(dl_tensor_item(b, &bias));
  printf("weight %.4f  bias %.4f\n", weight, bias);

  dl_tensor_free(w), dl_tensor_free(b), dl_tensor_free(x), dl_tensor_free(noise), dl_tensor_free(y);
  dl_optimizer_free(opt);
  dl_module_free(model);
  return 0;
}
