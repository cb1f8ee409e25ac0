/* Seed 001's ConvNet on Fashion-MNIST (or MNIST), in C:
 *   ConvNet: Conv2d(1, 32, 3, 1) -> ReLU -> Conv2d(32, 64, 3, 1) -> ReLU ->
 *   max_pool2d(2) -> Dropout2d(0.25) -> flatten -> Linear(9216, 128) -> ReLU ->
 *   Dropout(0.5) -> Linear(128, 10) -> log_softmax
 *   CrossEntropyLoss on that output, SGD(lr 0.01, momentum 0.5), batch 64,
 *   shuffled, inputs ToTensor + Normalize(0.1307, 0.3081), 5 epochs.
 * Flags and output: image_training.h. */
#include "image_training.h"

/* The seed's class ConvNet(nn.Module): forward composes the registered children. */
static dl_status convnet_forward(dl_module* self, const dl_tensor* x, dl_tensor** out, void* user_data) {
  (void)user_data;
  static const char* const names[] = {"conv1", "conv2", "dropout1", "fc1", "dropout2", "fc2"};
  dl_module* m[6] = {NULL};
  dl_tensor* t[11] = {NULL};
  dl_status st = DL_OK;
  for (int i = 0; i < 6 && !st; ++i) st = dl_module_child(self, names[i], &m[i]);
  if (!st) st = dl_module_forward(m[0], x, &t[0]);
  if (!st) st = dl_relu(t[0], &t[1]);
  if (!st) st = dl_module_forward(m[1], t[1], &t[2]);
  if (!st) st = dl_relu(t[2], &t[3]);
  if (!st) st = dl_max_pool2d(t[3], 2, 2, 0, 0, 0, 0, 0, &t[4]);
  if (!st) st = dl_module_forward(m[2], t[4], &t[5]);
  if (!st) st = dl_flatten(t[5], 1, -1, &t[6]);
  if (!st) st = dl_module_forward(m[3], t[6], &t[7]);
  if (!st) st = dl_relu(t[7], &t[8]);
  if (!st) st = dl_module_forward(m[4], t[8], &t[9]);
  if (!st) st = dl_module_forward(m[5], t[9], &t[10]);
  if (!st) st = dl_log_softmax(t[10], 1, out);
  for (int i = 0; i < 6; ++i) dl_module_free(m[i]);
  for (int i = 0; i < 11; ++i) dl_tensor_free(t[i]);
  return st;
}

static dl_module* new_net(void) {
  dl_module *net, *m;
  check(dl_module_new("ConvNet", convnet_forward, NULL, NULL, &net));
  check(dl_conv2d_new(1, 32, 3, 3, NULL, &m)), register_child(net, "conv1", m);
  check(dl_conv2d_new(32, 64, 3, 3, NULL, &m)), register_child(net, "conv2", m);
  check(dl_dropout2d_new(0.25, &m)), register_child(net, "dropout1", m);
  check(dl_linear_new(9216, 128, 1, &m)), register_child(net, "fc1", m);
  check(dl_dropout_new(0.5, &m)), register_child(net, "dropout2", m);
  check(dl_linear_new(128, 10, 1, &m)), register_child(net, "fc2", m);
  return net;
}

int main(int argc, char** argv) {
  const options recipe = {.epochs = 5, .workers = 1, .batch_size = 64, .lr = 0.01, .momentum = 0.5, .seed = 1,
                          .data = DL_FASHION_MNIST_DIR};
  return train_image_classifier("convnet", "Fashion-MNIST ConvNet", new_net, normalized_mnist, recipe, argc, argv);
}
