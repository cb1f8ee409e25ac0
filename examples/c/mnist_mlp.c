/* Seed 000's MLP on Fashion-MNIST (or MNIST), in C:
 *   Net: view(-1, 784) -> Linear(784, 128) -> ReLU -> Linear(128, 10)
 *   CrossEntropyLoss, SGD(lr 0.01, momentum 0.9), batch 64, shuffled,
 *   inputs ToTensor + Normalize(0.1307, 0.3081), 10 epochs.
 * Flags and output: image_training.h. */
#include "image_training.h"

/* The seeds' class Net(nn.Module): forward composes the registered children. */
static dl_status net_forward(dl_module* self, const dl_tensor* x, dl_tensor** out, void* user_data) {
  (void)user_data;
  const int64_t flat[] = {-1, 28 * 28};
  dl_module *fc1 = NULL, *fc2 = NULL;
  dl_tensor *v = NULL, *h = NULL, *r = NULL;
  dl_status st;
  if (!(st = dl_module_child(self, "fc1", &fc1)) && !(st = dl_module_child(self, "fc2", &fc2)) &&
      !(st = dl_reshape(x, flat, 2, &v)) && !(st = dl_module_forward(fc1, v, &h)) && !(st = dl_relu(h, &r)))
    st = dl_module_forward(fc2, r, out);
  dl_module_free(fc1), dl_module_free(fc2);
  dl_tensor_free(v), dl_tensor_free(h), dl_tensor_free(r);
  return st;
}

static dl_module* new_net(void) {
  dl_module *net, *fc1, *fc2;
  check(dl_module_new("Net", net_forward, NULL, NULL, &net));
  check(dl_linear_new(28 * 28, 128, 1, &fc1));
  check(dl_linear_new(128, 10, 1, &fc2));
  check(dl_module_register(net, "fc1", fc1));
  check(dl_module_register(net, "fc2", fc2));
  dl_module_free(fc1), dl_module_free(fc2);
  return net;
}

int main(int argc, char** argv) {
  const options recipe = {.epochs = 10, .workers = 1, .batch_size = 64, .lr = 0.01, .momentum = 0.9, .seed = 1,
                          .data = DL_FASHION_MNIST_DIR};
  return train_image_classifier("mnist_mlp", "Fashion-MNIST MLP", new_net, normalized_mnist, recipe, argc, argv);
}
