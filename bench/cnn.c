/* convnet, lenet and cnn_pad workloads (PERFORMANCE.md), each as an
 * nn.Sequential trained with CrossEntropyLoss and SGD on one batch of random
 * images; the PyTorch twin is bench/torch/cnn.py. Median milliseconds of a
 * train step and of a no-grad eval forward (time_classifier, bench_util.h).
 *   convnet: seed 001's ConvNet (Conv2d(1,32,3)-ReLU-Conv2d(32,64,3)-ReLU-
 *     MaxPool2d(2)-Dropout2d(0.25)-Flatten-Linear(9216,128)-ReLU-Dropout(0.5)-
 *     Linear(128,10)-LogSoftmax), SGD lr 0.01 momentum 0.5, batch 64 of 1x28x28
 *   lenet: seed 003's LeNet (Conv2d(3,6,5)-ReLU-MaxPool2d(2)-Conv2d(6,16,5)-
 *     ReLU-MaxPool2d(2)-Flatten (the seed's view(-1, 400))-Linear(400,120)-
 *     ReLU-Linear(120,84)-ReLU-Linear(84,10)), SGD lr 0.001 momentum 0.9,
 *     batch 100 of 3x32x32
 *   cnn_pad: Conv2d(3,32,3,pad 1)-ReLU-MaxPool2d(2)-Conv2d(32,64,3,pad 1)-
 *     ReLU-MaxPool2d(2)-Flatten-Linear(4096,128)-ReLU-Linear(128,10), SGD lr
 *     0.01, batch 64 of 3x32x32
 * Usage: bench_cnn convnet|lenet|cnn_pad */
#include <string.h>

#include "bench_util.h"

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

static dl_module* lenet(void) {
  dl_module* net;
  check(dl_sequential_new(&net));
  APPEND(net, dl_conv2d_new(3, 6, 5, 5, NULL, &m));
  APPEND(net, dl_relu_new(&m));
  APPEND(net, dl_max_pool2d_new(2, 2, NULL, &m));
  APPEND(net, dl_conv2d_new(6, 16, 5, 5, NULL, &m));
  APPEND(net, dl_relu_new(&m));
  APPEND(net, dl_max_pool2d_new(2, 2, NULL, &m));
  APPEND(net, dl_flatten_new(1, -1, &m));
  APPEND(net, dl_linear_new(400, 120, 1, &m));
  APPEND(net, dl_relu_new(&m));
  APPEND(net, dl_linear_new(120, 84, 1, &m));
  APPEND(net, dl_relu_new(&m));
  APPEND(net, dl_linear_new(84, 10, 1, &m));
  return net;
}

static dl_module* cnn_pad(void) {
  dl_conv2d_options padded = dl_conv2d_defaults();
  padded.pad_h = padded.pad_w = 1;
  dl_module* net;
  check(dl_sequential_new(&net));
  APPEND(net, dl_conv2d_new(3, 32, 3, 3, &padded, &m));
  APPEND(net, dl_relu_new(&m));
  APPEND(net, dl_max_pool2d_new(2, 2, NULL, &m));
  APPEND(net, dl_conv2d_new(32, 64, 3, 3, &padded, &m));
  APPEND(net, dl_relu_new(&m));
  APPEND(net, dl_max_pool2d_new(2, 2, NULL, &m));
  APPEND(net, dl_flatten_new(1, -1, &m));
  APPEND(net, dl_linear_new(4096, 128, 1, &m));
  APPEND(net, dl_relu_new(&m));
  APPEND(net, dl_linear_new(128, 10, 1, &m));
  return net;
}

typedef struct {
  const char* name;
  dl_module* (*make)(void);
  double lr, momentum;
  int64_t input[4]; /* batch, channels, height, width */
} workload;

static const workload kWorkloads[] = {
    {"convnet", convnet, 0.01, 0.5, {64, 1, 28, 28}},
    {"lenet", lenet, 0.001, 0.9, {100, 3, 32, 32}},
    {"cnn_pad", cnn_pad, 0.01, 0.0, {64, 3, 32, 32}},
};

int main(int argc, char** argv) {
  const workload* w = NULL;
  for (size_t i = 0; argc == 2 && i < sizeof kWorkloads / sizeof kWorkloads[0]; ++i)
    if (!strcmp(argv[1], kWorkloads[i].name)) w = &kWorkloads[i];
  if (!w) {
    fprintf(stderr, "usage: bench_cnn convnet|lenet|cnn_pad\n");
    return 2;
  }
  check(dl_manual_seed(0));
  dl_module* net = w->make();
  dl_sgd_options so = dl_sgd_defaults();
  so.lr = w->lr, so.momentum = w->momentum;
  dl_optimizer* opt;
  check(dl_sgd_new(net, &so, &opt));
  const int64_t yshape[] = {w->input[0]};
  dl_tensor *x, *y;
  check(dl_tensor_randn(w->input, 4, DL_FLOAT32, &x));
  check(dl_tensor_randint(0, 10, yshape, 1, DL_INT64, &y));
  printf("{\"info\": \"libdl %s, %s, %s\"}\n", dl_version(), w->name, dl_blas_info());
  time_classifier(net, opt, x, y);
  dl_tensor_free(x), dl_tensor_free(y);
  dl_optimizer_free(opt);
  dl_module_free(net);
  return 0;
}
