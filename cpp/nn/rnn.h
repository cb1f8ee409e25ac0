// Recurrent layers as torch.nn: RNN (tanh or relu), LSTM (optionally with
// projections, proj_size) and GRU over whole sequences, and the one-step
// cells RNNCell, LSTMCell and GRUCell. Parameters carry PyTorch's names,
// shapes, gate order (LSTM i, f, g, o; GRU r, z, n) and registration order
// (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, weight_hr_l0, then
// the same with _reverse, then l1 ...), so checkpoints move between the two,
// and are initialized as PyTorch does: U(-1/sqrt(hidden), 1/sqrt(hidden)).
//
// NOTE [Recurrent layer shapes]: with T steps, batch B, D = 2 when
// bidirectional (else 1), L layers and H_out = proj_size or hidden_size:
//   input   [T, B, input_size] ([B, T, input_size] with batch_first, or
//           [T, input_size] for one unbatched sequence);
//   h0, h_n [D * L, B, H_out] ([D * L, H_out] unbatched), c0 and c_n
//           (LSTM) [D * L, B, hidden_size]; h0 and c0 may be left undefined
//           (zeros), each on its own;
//   output  [T, B, D * H_out] (batch_first: [B, T, D * H_out]), the last
//           layer's h at each step (bidirectional: the forward direction's,
//           then the reverse's).
// Layer k > 0 reads the outputs of layer k - 1 (dropout applied to them in
// training). h_n and c_n are indexed by layer * D + direction.
//
// NOTE [Variable-length batches]: forward takes the length of each batch
// entry (in [1, T]), as PyTorch's pack_padded_sequence(enforce_sorted=False)
// then pad_packed_sequence(total_length=T): each sequence is processed as if
// alone, the reverse direction starting at its own last step; the outputs
// past its end are zeros and h_n, c_n are its states at its last step. The
// batch is sorted by decreasing length so that the entries still running at
// a step are the first rows, and put back in order at the end.
//
// NOTE [Recurrent step]: the input projection of all steps of a layer is
// one GEMM (x W_ih^T + b_ih + b_hh for [T * B] rows); each step adds one GEMM
// for h W_hh^T and, for the LSTM, one fused cell op (ops/rnn.h); RNN and GRU
// compose their gates from elementwise ops. The GRU keeps b_hh in its step,
// as its n gate multiplies h W_hn^T + b_hn by r; the cells (one step) too.
#pragma once

#include <vector>

#include "nn/module.h"

namespace dl {

enum class RnnMode { Tanh, Relu, Lstm, Gru };  // nn.RNN(nonlinearity='tanh' / 'relu'), nn.LSTM, nn.GRU

struct RnnOptions {
  int64_t num_layers = 1;
  bool bias = true;
  bool batch_first = false;
  double dropout = 0;  // on the outputs of every layer but the last, in training
  bool bidirectional = false;
  int64_t proj_size = 0;  // LSTM only: h = (o tanh(c)) W_hr^T, in [0, hidden_size)
};

struct RnnOutput {
  Tensor output, h_n, c_n;  // c_n: LSTM only (NOTE [Recurrent layer shapes])
};

class Rnn : public Module {
 public:
  Rnn(RnnMode mode, int64_t input_size, int64_t hidden_size, const RnnOptions& o = {}, DType dtype = DType::Float32);
  // NOTE [Recurrent layer shapes]; lengths: empty, or one per batch entry
  // (NOTE [Variable-length batches]). c0 only for the LSTM.
  RnnOutput forward(const Tensor& x, const Tensor& h0, const Tensor& c0 = Tensor(),
                    const std::vector<int64_t>& lengths = {});
  Tensor forward(const Tensor& x) override;  // the output, from zero states
  RnnMode mode() const { return mode_; }

 private:
  Tensor initial_state(const Tensor& given, const char* arg, int64_t size, int64_t batch, bool batched) const;

  RnnMode mode_;
  int64_t input_size_, hidden_size_;
  RnnOptions o_;
};

// One step of a cell: x [B, input_size] or [input_size]; h (and c) [B, hidden_size] or [hidden_size], undefined for
// zeros.
struct RnnCellState {
  Tensor h, c;  // c: LSTMCell only
};

class RnnCell : public Module {
 public:
  // Parameters weight_ih [G * hidden, input], weight_hh [G * hidden, hidden],
  // bias_ih and bias_hh [G * hidden], G = 4 (LSTM), 3 (GRU), 1.
  RnnCell(RnnMode mode, int64_t input_size, int64_t hidden_size, bool bias = true, DType dtype = DType::Float32);
  RnnCellState forward(const Tensor& x, const RnnCellState& state);
  Tensor forward(const Tensor& x) override;  // h', from a zero state
  RnnMode mode() const { return mode_; }

 private:
  RnnMode mode_;
  int64_t input_size_, hidden_size_;
  bool bias_;
};

}  // namespace dl
