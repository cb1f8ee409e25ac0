/* lstm and bilstm workloads (PERFORMANCE.md): an LSTM reading a batch of 64
 * sequences of 28 steps of 28 features (batch_first), its last step into a
 * Linear to 10 classes, CrossEntropyLoss, Adam lr 1e-3, on one batch of
 * random inputs; the PyTorch twin is bench/torch/rnn.py. Median
 * milliseconds of a train step and of a no-grad eval forward
 * (time_classifier, bench_util.h).
 *   lstm:   LSTM(28, 128, num_layers 2) -> Linear(128, 10)
 *   bilstm: LSTM(28, 128, bidirectional) -> Linear(256, 10)
 * Usage: bench_rnn lstm|bilstm */
#include <string.h>

#include "bench_util.h"

enum { kBatch = 64, kTime = 28, kFeatures = 28, kHidden = 128 };

/* The model's forward: out[:, -1, :] of the LSTM into the Linear. */
static dl_status net_forward(dl_module* self, const dl_tensor* x, dl_tensor** out, void* user_data) {
  (void)user_data;
  dl_module *lstm = NULL, *fc = NULL;
  dl_tensor *seq = NULL, *last = NULL;
  dl_status st = dl_module_child(self, "lstm", &lstm);
  if (!st) st = dl_module_child(self, "fc", &fc);
  if (!st) st = dl_lstm_forward(lstm, x, NULL, NULL, &seq, NULL, NULL);
  if (!st) st = dl_select(seq, 1, -1, &last);
  if (!st) st = dl_module_forward(fc, last, out);
  dl_tensor_free(seq), dl_tensor_free(last);
  dl_module_free(lstm), dl_module_free(fc);
  return st;
}

static dl_module* make_net(int bidirectional) {
  dl_rnn_options o = dl_rnn_defaults();
  o.batch_first = 1;
  o.num_layers = bidirectional ? 1 : 2;
  o.bidirectional = bidirectional;
  dl_module *net, *lstm, *fc;
  check(dl_module_new("Net", net_forward, NULL, NULL, &net));
  check(dl_lstm_new(kFeatures, kHidden, &o, &lstm));
  check(dl_linear_new(bidirectional ? 2 * kHidden : kHidden, 10, 1, &fc));
  check(dl_module_register(net, "lstm", lstm));
  check(dl_module_register(net, "fc", fc));
  dl_module_free(lstm), dl_module_free(fc);
  return net;
}

int main(int argc, char** argv) {
  if (argc != 2 || (strcmp(argv[1], "lstm") && strcmp(argv[1], "bilstm"))) {
    fprintf(stderr, "usage: bench_rnn lstm|bilstm\n");
    return 2;
  }
  check(dl_manual_seed(0));
  dl_module* net = make_net(!strcmp(argv[1], "bilstm"));
  dl_adam_options ao = dl_adam_defaults();
  ao.lr = 1e-3;
  dl_optimizer* opt;
  check(dl_adam_new(net, &ao, &opt));
  const int64_t xshape[] = {kBatch, kTime, kFeatures}, yshape[] = {kBatch};
  dl_tensor *x, *y;
  check(dl_tensor_randn(xshape, 3, DL_FLOAT32, &x));
  check(dl_tensor_randint(0, 10, yshape, 1, DL_INT64, &y));
  printf("{\"info\": \"libdl %s, %s, %s\"}\n", dl_version(), argv[1], dl_blas_info());
  time_classifier(net, opt, x, y);
  dl_tensor_free(x), dl_tensor_free(y);
  dl_optimizer_free(opt);
  dl_module_free(net);
  return 0;
}
