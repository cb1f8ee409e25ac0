/* convnet workload (PERFORMANCE.md): seed 001's ConvNet as nn.Sequential
 * (Conv2d(1,32,3,1)-ReLU-Conv2d(32,64,3,1)-ReLU-MaxPool2d(2)-Dropout2d(0.25)-
 * Flatten-Linear(9216,128)-ReLU-Dropout(0.5)-Linear(128,10)-LogSoftmax),
 * CrossEntropyLoss on its output, SGD lr 0.01 momentum 0.5, batch 64 of
 * 1x28x28 random images. Median milliseconds of a train step and of a
 * no-grad eval forward, over kSteps after warm-up. */
#include "bench_util.h"

enum { kWarmup = 3, kSteps = 15 };

/* Appends the module that `make` (a dl_*_new call writing to m) returns to net. */
#define APPEND(net, make)                  \
  do {                                     \
    dl_module* m = NULL;                   \
    check(make);                           \
    check(dl_module_append((net), m));     \
    dl_module_free(m);                     \
  } while (0)

static dl_module* convnet(void) {
  dl_module* net;
  check(dl_sequential_new(&net));
  APPEND(net, dl_conv2d_new(1, 32, 3, 3, NULL, &m));
  APPEND(net, dl_relu_new(&m));
  APPEND(net, dl_conv2d_new(32, 64, 3, 3, NULL, &m));
  APPEND(net, dl_relu_new(&m));
  APPEND(net, dl_max_pool2d_new(2, 2, NULL, &m));
  APPEND(net, dl_dropout2d_new(0.25, &m));
  APPEND(net, dl_flatten_new(1, -1, &m));
  APPEND(net, dl_linear_new(9216, 128, 1, &m));
  APPEND(net, dl_relu_new(&m));
  APPEND(net, dl_dropout_new(0.5, &m));
  APPEND(net, dl_linear_new(128, 10, 1, &m));
  APPEND(net, dl_log_softmax_new(1, &m));
  return net;
}

int main(void) {
  check(dl_manual_seed(0));
  dl_module* net = convnet();
  dl_sgd_options so = dl_sgd_defaults();
  so.lr = 0.01, so.momentum = 0.5;
  dl_optimizer* opt;
  check(dl_sgd_new(net, &so, &opt));
  const int64_t xshape[] = {64, 1, 28, 28}, yshape[] = {64};
  dl_tensor *x, *y;
  check(dl_tensor_randn(xshape, 4, DL_FLOAT32, &x));
  check(dl_tensor_randint(0, 10, yshape, 1, DL_INT64, &y));
  printf("{\"info\": \"libdl %s, %s\"}\n", dl_version(), dl_blas_info());
  double train[kSteps], eval[kSteps];
  for (int i = 0; i < kWarmup + kSteps; ++i) {
    double t0 = now();
    dl_tensor *out, *loss;
    check(dl_optimizer_zero_grad(opt));
    check(dl_module_forward(net, x, &out));
    check(dl_cross_entropy(out, y, DL_REDUCTION_MEAN, &loss));
    check(dl_tensor_backward(loss, NULL));
    check(dl_optimizer_step(opt));
    dl_tensor_free(out), dl_tensor_free(loss);
    if (i >= kWarmup) train[i - kWarmup] = (now() - t0) * 1e3;
  }
  check(dl_module_train(net, 0));
  int previous;
  check(dl_set_grad_enabled(0, &previous));
  for (int i = 0; i < kWarmup + kSteps; ++i) {
    double t0 = now();
    dl_tensor* out;
    check(dl_module_forward(net, x, &out));
    dl_tensor_free(out);
    if (i >= kWarmup) eval[i - kWarmup] = (now() - t0) * 1e3;
  }
  report("train step", "ms", 0, median(train, kSteps));
  report("no-grad forward", "ms", 0, median(eval, kSteps));
  dl_tensor_free(x), dl_tensor_free(y);
  dl_optimizer_free(opt);
  dl_module_free(net);
  return 0;
}
