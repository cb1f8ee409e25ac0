// The CPU backend: the reference implementation of every kernel. Each op
// family lives in its own file and registers its kernels here.
#pragma once

#include "backends/backend.h"

namespace dl::cpu {

const Backend& backend();
void set_num_threads(int n);  // OpenMP loops and GEMM
int num_threads();
// Frees the blocks the CPU allocator keeps for reuse (NOTE [CPU caching allocator]).
void empty_cache();

void register_elementwise(Backend& b);  // elementwise.cpp: unary, binary, where, relu_backward, fill, copy
void register_reduce(Backend& b);       // reduce.cpp: sum, amax, amin, max_dim, min_dim
void register_softmax(Backend& b);      // softmax.cpp
void register_matmul(Backend& b);       // matmul.cpp: matmul, linear
void register_index(Backend& b);        // index.cpp: index_select, gather
void register_optim(Backend& b);        // optim.cpp: sgd_update, adam_update
void register_conv(Backend& b);         // conv.cpp: conv2d and its two grads
void register_pool(Backend& b);         // pool.cpp: max_pool2d and its grad, avg_pool2d, adaptive_avg_pool2d, avg_pool2d_grad
void register_rnn(Backend& b);          // rnn.cpp: lstm_cell, lstm_cell_backward

}  // namespace dl::cpu
