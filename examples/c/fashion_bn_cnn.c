/* A Fashion-MNIST CNN with batch normalization (the benchmark table's
 * "2 Conv+pooling+BN" kind), built as an nn.Sequential:
 *   Conv2d(1, 32, 3, padding 1) -> BatchNorm2d(32) -> ReLU -> MaxPool2d(2) ->
 *   Conv2d(32, 64, 3, padding 1) -> BatchNorm2d(64) -> ReLU -> MaxPool2d(2) ->
 *   Flatten -> Linear(3136, 128) -> BatchNorm1d(128) -> ReLU -> Dropout(0.3) ->
 *   Linear(128, 10)
 *   CrossEntropyLoss, SGD(lr 0.05, momentum 0.9, weight decay 5e-4) with
 *   CosineAnnealingLR over 15 epochs, batch 64 shuffled, inputs ToTensor +
 *   Normalize(0.1307, 0.3081). Its PyTorch twin: bench/torch/fashion.py bn_cnn.
 * Flags and output: image_training.h. */
#include "image_training.h"

static void append(dl_module* seq, dl_module* child) {
  check(dl_module_append(seq, child));
  dl_module_free(child);
}

static dl_module* new_net(void) {
  dl_conv2d_options padded = dl_conv2d_defaults();
  padded.pad_h = padded.pad_w = 1;
  dl_module *net, *m;
  check(dl_sequential_new(&net));
  check(dl_conv2d_new(1, 32, 3, 3, &padded, &m)), append(net, m);
  check(dl_batch_norm2d_new(32, NULL, &m)), append(net, m);
  check(dl_relu_new(&m)), append(net, m);
  check(dl_max_pool2d_new(2, 2, NULL, &m)), append(net, m);
  check(dl_conv2d_new(32, 64, 3, 3, &padded, &m)), append(net, m);
  check(dl_batch_norm2d_new(64, NULL, &m)), append(net, m);
  check(dl_relu_new(&m)), append(net, m);
  check(dl_max_pool2d_new(2, 2, NULL, &m)), append(net, m);
  check(dl_flatten_new(1, -1, &m)), append(net, m);
  check(dl_linear_new(64 * 7 * 7, 128, 1, &m)), append(net, m);
  check(dl_batch_norm1d_new(128, NULL, &m)), append(net, m);
  check(dl_relu_new(&m)), append(net, m);
  check(dl_dropout_new(0.3, &m)), append(net, m);
  check(dl_linear_new(128, 10, 1, &m)), append(net, m);
  return net;
}

int main(int argc, char** argv) {
  const options recipe = {.epochs = 15, .workers = 1, .batch_size = 64, .lr = 0.05, .momentum = 0.9,
                          .weight_decay = 5e-4, .cosine = 1, .seed = 1, .data = DL_FASHION_MNIST_DIR};
  return train_image_classifier("fashion_bn_cnn", "Fashion-MNIST BatchNorm CNN", new_net, normalized_mnist, recipe,
                                argc, argv);
}
