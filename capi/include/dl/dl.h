/* libdl: a deep-learning engine with PyTorch's semantics behind a C ABI.
 * Include this header; it includes the parts below. Link with pkg-config
 * (`pkg-config --cflags --libs dl`) or CMake (find_package(dl), dl::dl). */
#ifndef DL_DL_H
#define DL_DL_H

#include "dl/core.h"
#include "dl/tensor.h"
#include "dl/ops.h"
#include "dl/autograd.h"
#include "dl/nn.h"
#include "dl/conv.h"
#include "dl/rnn.h"
#include "dl/optim.h"
#include "dl/data.h"

#endif /* DL_DL_H */
