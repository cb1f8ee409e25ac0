// The fused step of an LSTM (nn/rnn.h builds the layers from it): the gate
// nonlinearities and the cell update of one time step in one pass, forward
// and backward, as PyTorch's fused LSTM cell.
#pragma once

#include <utility>

#include "tensor/tensor.h"

namespace dl {

// input_gates (x W_ih^T + b_ih) and hidden_gates (h W_hh^T + b_hh): [B, 4H],
// the gates i, f, g, o in blocks of H (PyTorch's order); c: [B, H].
// -> (h', c'): c' = sigmoid(f) c + sigmoid(i) tanh(g), h' = sigmoid(o) tanh(c'),
// each gate being the sum of its input and hidden parts.
std::pair<Tensor, Tensor> lstm_cell(const Tensor& input_gates, const Tensor& hidden_gates, const Tensor& c);

}  // namespace dl
