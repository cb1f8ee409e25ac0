/* Fashion-MNIST read as sequences, in C: each 28x28 image is 28 steps of 28
 * pixels (its rows), read by a two-layer LSTM whose last step is classified:
 *   class Net(nn.Module): LSTM(28, 128, num_layers=2, batch_first=True),
 *   Linear(128, 10); forward: x.view(-1, 28, 28) -> LSTM -> out[:, -1, :] ->
 *   Linear
 *   CrossEntropyLoss, Adam(lr 1e-3), batch 64 shuffled, inputs ToTensor +
 *   Normalize(0.1307, 0.3081), 5 epochs. Its PyTorch twin:
 *   bench/torch/fashion.py lstm.
 * Flags and output: image_training.h. */
#include "image_training.h"

static dl_status lstm_net_forward(dl_module* self, const dl_tensor* x, dl_tensor** out, void* user_data) {
  (void)user_data;
  const int64_t rows[] = {-1, 28, 28};
  dl_module *lstm = NULL, *fc = NULL;
  dl_tensor *seq = NULL, *states = NULL, *last = NULL;
  dl_status st = dl_module_child(self, "lstm", &lstm);
  if (!st) st = dl_module_child(self, "fc", &fc);
  if (!st) st = dl_reshape(x, rows, 3, &seq);
  if (!st) st = dl_lstm_forward(lstm, seq, NULL, NULL, &states, NULL, NULL);
  if (!st) st = dl_select(states, 1, -1, &last);
  if (!st) st = dl_module_forward(fc, last, out);
  dl_tensor_free(seq), dl_tensor_free(states), dl_tensor_free(last);
  dl_module_free(lstm), dl_module_free(fc);
  return st;
}

static dl_module* new_net(void) {
  dl_rnn_options o = dl_rnn_defaults();
  o.num_layers = 2, o.batch_first = 1;
  dl_module *net, *m;
  check(dl_module_new("Net", lstm_net_forward, NULL, NULL, &net));
  check(dl_lstm_new(28, 128, &o, &m)), register_child(net, "lstm", m);
  check(dl_linear_new(128, 10, 1, &m)), register_child(net, "fc", m);
  return net;
}

int main(int argc, char** argv) {
  const options recipe = {.epochs = 5, .workers = 1, .batch_size = 64, .optimizer = OPTIMIZER_ADAM, .lr = 1e-3,
                          .seed = 1, .data = DL_FASHION_MNIST_DIR};
  return train_image_classifier("lstm_fashion", "Fashion-MNIST LSTM", new_net, normalized_mnist, recipe, argc, argv);
}
