/* Seed 003's LeNet on CIFAR-10, in C:
 *   Net: Conv2d(3, 6, 5) -> ReLU -> MaxPool2d(2, 2) -> Conv2d(6, 16, 5) ->
 *   ReLU -> MaxPool2d(2, 2) -> view(-1, 16 * 5 * 5) -> Linear(400, 120) ->
 *   ReLU -> Linear(120, 84) -> ReLU -> Linear(84, 10)
 *   CrossEntropyLoss, SGD(lr 0.001, momentum 0.9), 10 epochs, batch 4
 *   shuffled (the PyTorch CIFAR-10 tutorial's loader), inputs ToTensor +
 *   Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)).
 * CIFAR-10 is not packaged: --data names the directory holding the binary
 * version's data_batch_1.bin ... data_batch_5.bin and test_batch.bin.
 * Other flags and output: image_training.h. */
#include "image_training.h"

/* The seed's Net.forward; pool is one MaxPool2d module used twice. */
static dl_status lenet_forward(dl_module* self, const dl_tensor* x, dl_tensor** out, void* user_data) {
  (void)user_data;
  static const char* const names[] = {"conv1", "pool", "conv2", "fc1", "fc2", "fc3"};
  static const int64_t flat[2] = {-1, 16 * 5 * 5};
  dl_module* m[6] = {NULL};
  dl_tensor* t[12] = {NULL};
  dl_status st = DL_OK;
  for (int i = 0; i < 6 && !st; ++i) st = dl_module_child(self, names[i], &m[i]);
  if (!st) st = dl_module_forward(m[0], x, &t[0]);
  if (!st) st = dl_relu(t[0], &t[1]);
  if (!st) st = dl_module_forward(m[1], t[1], &t[2]);
  if (!st) st = dl_module_forward(m[2], t[2], &t[3]);
  if (!st) st = dl_relu(t[3], &t[4]);
  if (!st) st = dl_module_forward(m[1], t[4], &t[5]);
  if (!st) st = dl_view(t[5], flat, 2, &t[6]);
  if (!st) st = dl_module_forward(m[3], t[6], &t[7]);
  if (!st) st = dl_relu(t[7], &t[8]);
  if (!st) st = dl_module_forward(m[4], t[8], &t[9]);
  if (!st) st = dl_relu(t[9], &t[10]);
  if (!st) st = dl_module_forward(m[5], t[10], out);
  for (int i = 0; i < 6; ++i) dl_module_free(m[i]);
  for (int i = 0; i < 12; ++i) dl_tensor_free(t[i]);
  return st;
}

static dl_module* new_net(void) {
  dl_module *net, *m;
  check(dl_module_new("Net", lenet_forward, NULL, NULL, &net));
  check(dl_conv2d_new(3, 6, 5, 5, NULL, &m)), register_child(net, "conv1", m);
  check(dl_max_pool2d_new(2, 2, NULL, &m)), register_child(net, "pool", m);
  check(dl_conv2d_new(6, 16, 5, 5, NULL, &m)), register_child(net, "conv2", m);
  check(dl_linear_new(16 * 5 * 5, 120, 1, &m)), register_child(net, "fc1", m);
  check(dl_linear_new(120, 84, 1, &m)), register_child(net, "fc2", m);
  check(dl_linear_new(84, 10, 1, &m)), register_child(net, "fc3", m);
  return net;
}

int main(int argc, char** argv) {
  const options recipe = {.epochs = 10, .workers = 1, .batch_size = 4, .lr = 0.001, .momentum = 0.9, .seed = 1};
  return train_image_classifier("lenet_cifar", "CIFAR-10 LeNet", new_net, normalized_cifar10, recipe, argc, argv);
}
