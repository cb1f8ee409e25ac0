#include "nn/rnn.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "base/error.h"
#include "nn/dropout.h"
#include "nn/init.h"
#include "ops/creation.h"
#include "ops/elementwise.h"
#include "ops/index.h"
#include "ops/linalg.h"
#include "ops/rnn.h"
#include "ops/view.h"

namespace dl {

namespace {

const char* layer_name(RnnMode mode) {
  switch (mode) {
    case RnnMode::Lstm: return "LSTM";
    case RnnMode::Gru: return "GRU";
    default: return "RNN";
  }
}

const char* cell_name(RnnMode mode) {
  switch (mode) {
    case RnnMode::Lstm: return "LSTMCell";
    case RnnMode::Gru: return "GRUCell";
    default: return "RNNCell";
  }
}

int64_t gate_count(RnnMode mode) { return mode == RnnMode::Lstm ? 4 : mode == RnnMode::Gru ? 3 : 1; }

// The parameters one step reads; b_*, w_hr undefined when absent.
struct StepWeights {
  Tensor w_ih, w_hh, b_ih, b_hh, w_hr;
};

// The state after one step (NOTE [Recurrent step]). input_gates = x W_ih^T + b_ih [B, G * H];
// prev.h [B, H_out], prev.c [B, H] (LSTM).
RnnCellState step(RnnMode mode, const Tensor& input_gates, const RnnCellState& prev, const StepWeights& w) {
  Tensor hidden_gates = linear(prev.h, w.w_hh, w.b_hh);
  switch (mode) {
    case RnnMode::Tanh: return {tanh(add(input_gates, hidden_gates)), Tensor()};
    case RnnMode::Relu: return {relu(add(input_gates, hidden_gates)), Tensor()};
    case RnnMode::Lstm: {
      auto [h, c] = lstm_cell(input_gates, hidden_gates, prev.c);
      return {w.w_hr.defined() ? linear(h, w.w_hr, Tensor()) : h, c};
    }
    case RnnMode::Gru: {
      // r = sigmoid(x_r + h_r), z = sigmoid(x_z + h_z), n = tanh(x_n + r h_n), h' = (1 - z) n + z h.
      const int64_t H = prev.h.size(1);
      std::vector<Tensor> x = split(input_gates, {H, H, H}, 1), h = split(hidden_gates, {H, H, H}, 1);
      Tensor r = sigmoid(add(x[0], h[0]));
      Tensor z = sigmoid(add(x[1], h[1]));
      Tensor n = tanh(add(x[2], mul(r, h[2])));
      return {add(n, mul(z, sub(prev.h, n))), Tensor()};
    }
  }
  fail(Status::Internal, "unknown recurrent mode");
}

// Rows [start, start + count) of a state (the state itself when that is all of them).
RnnCellState rows(const RnnCellState& s, int64_t start, int64_t count) {
  if (start == 0 && count == s.h.size(0)) return s;
  return {narrow(s.h, 0, start, count), s.c.defined() ? narrow(s.c, 0, start, count) : Tensor()};
}

RnnCellState cat_rows(const RnnCellState& a, const RnnCellState& b) {
  return {cat({a.h, b.h}, 0), a.c.defined() ? cat({a.c, b.c}, 0) : Tensor()};
}

// h [rows, n] with zero rows below it up to batch.
Tensor pad_rows(const Tensor& h, int64_t batch) {
  if (h.size(0) == batch) return h;
  return cat({h, zeros({batch - h.size(0), h.size(1)}, h.dtype(), h.device())}, 0);
}

struct DirectionResult {
  Tensor output;  // [T, B, H_out]
  RnnCellState last;
};

// One direction of one layer over the whole sequence. input_gates [T, B, G * H];
// batch_sizes: empty, or the rows still running at each step (non-increasing, NOTE [Variable-length batches]).
DirectionResult run_direction(RnnMode mode, const Tensor& input_gates, const RnnCellState& initial,
                              const StepWeights& w, bool reverse, const std::vector<int64_t>& batch_sizes) {
  const int64_t T = input_gates.size(0), B = input_gates.size(1), H_out = initial.h.size(1);
  std::vector<Tensor> gates = unbind(input_gates, 0);
  std::vector<Tensor> outputs(static_cast<size_t>(T));
  RnnCellState s = initial;
  int64_t running = reverse ? 0 : B;  // the rows s holds (reverse: none before the first step)
  std::vector<RnnCellState> ended;    // forward: the last states of rows whose sequences ended, by descending row
  for (int64_t k = 0; k < T; ++k) {
    const size_t t = static_cast<size_t>(reverse ? T - 1 - k : k);
    const int64_t n = batch_sizes.empty() ? B : batch_sizes[t];
    if (n < running) {
      // Forward: rows leave as their sequences end.
      ended.push_back(rows(s, n, running - n));
      s = rows(s, 0, n);
    } else if (n > running) {
      // Reverse: rows join, from their initial state, at their sequence's last step.
      RnnCellState joining = rows(initial, running, n - running);
      s = running == 0 ? joining : cat_rows(s, joining);
    }
    running = n;
    if (n == 0 && B > 0) {
      outputs[t] = zeros({B, H_out}, input_gates.dtype(), input_gates.device());
      continue;
    }
    s = step(mode, n == B ? gates[t] : narrow(gates[t], 0, 0, n), s, w);
    outputs[t] = pad_rows(s.h, B);
  }
  if (running > 0 || ended.empty()) ended.push_back(s);
  RnnCellState last = ended.back();
  for (size_t i = ended.size() - 1; i-- > 0;) last = cat_rows(last, ended[i]);
  return {stack(outputs, 0), last};
}

void check_size(int64_t v, const char* what, const char* arg) {
  DL_CHECK(v > 0, Status::InvalidArgument, what, ": ", arg, " must be positive, got ", v);
}

// x has batched_dim dims (or one less, unbatched), ending in input_size, and the parameters' dtype.
void check_input(const Tensor& x, const char* what, int64_t batched_dim, const char* shapes, int64_t input_size,
                 DType dtype) {
  DL_CHECK(x.defined(), Status::InvalidArgument, what, ": argument 'x' is an undefined tensor");
  DL_CHECK(x.dim() == batched_dim || x.dim() == batched_dim - 1, Status::Shape, what, ": argument 'x' must be ", shapes,
           ", got shape ", shape_str(x.sizes()));
  DL_CHECK(x.size(-1) == input_size, Status::Shape, what, ": argument 'x' of shape ", shape_str(x.sizes()),
           " must have input_size ", input_size, " in its last dim");
  DL_CHECK(x.dtype() == dtype, Status::DType, what, ": argument 'x' has dtype ", dtype_name(x.dtype()),
           ", the parameters ", dtype_name(dtype));
}

// The parameters of one direction of one layer, in their registration order (rnn.h).
StepWeights direction_weights(const std::vector<std::pair<std::string, Tensor>>& params, const RnnOptions& o,
                              int64_t layer, int64_t direction) {
  const int64_t per_direction = 2 + (o.bias ? 2 : 0) + (o.proj_size > 0 ? 1 : 0);
  size_t k = static_cast<size_t>((layer * (o.bidirectional ? 2 : 1) + direction) * per_direction);
  StepWeights w;
  w.w_ih = params[k++].second;
  w.w_hh = params[k++].second;
  if (o.bias) {
    w.b_ih = params[k++].second;
    w.b_hh = params[k++].second;
  }
  if (o.proj_size > 0) w.w_hr = params[k].second;
  return w;
}

}  // namespace

Rnn::Rnn(RnnMode mode, int64_t input_size, int64_t hidden_size, const RnnOptions& o, DType dtype)
    : Module(layer_name(mode)), mode_(mode), input_size_(input_size), hidden_size_(hidden_size), o_(o) {
  const char* what = layer_name(mode);
  check_size(input_size, what, "input_size");
  check_size(hidden_size, what, "hidden_size");
  check_size(o.num_layers, what, "num_layers");
  DL_CHECK(o.dropout >= 0 && o.dropout <= 1, Status::InvalidArgument, what,
           ": dropout must be a probability in [0, 1], got ", o.dropout);
  DL_CHECK(o.proj_size >= 0, Status::InvalidArgument, what, ": proj_size must be >= 0, got ", o.proj_size);
  DL_CHECK(o.proj_size == 0 || mode == RnnMode::Lstm, Status::InvalidArgument, what,
           ": proj_size is supported only by LSTM");
  DL_CHECK(o.proj_size < hidden_size, Status::InvalidArgument, what, ": proj_size ", o.proj_size,
           " must be smaller than hidden_size ", hidden_size);
  DL_CHECK(is_floating(dtype), Status::DType, what, ": dtype must be floating point, got ", dtype_name(dtype));
  const int64_t gates = gate_count(mode) * hidden_size, directions = o.bidirectional ? 2 : 1;
  const int64_t h_out = o.proj_size > 0 ? o.proj_size : hidden_size;
  for (int64_t layer = 0; layer < o.num_layers; ++layer) {
    const int64_t in = layer == 0 ? input_size : h_out * directions;
    for (int64_t d = 0; d < directions; ++d) {
      const std::string suffix = "_l" + std::to_string(layer) + (d == 1 ? "_reverse" : "");
      register_parameter("weight_ih" + suffix, Tensor::empty({gates, in}, dtype));
      register_parameter("weight_hh" + suffix, Tensor::empty({gates, h_out}, dtype));
      if (o.bias) {
        register_parameter("bias_ih" + suffix, Tensor::empty({gates}, dtype));
        register_parameter("bias_hh" + suffix, Tensor::empty({gates}, dtype));
      }
      if (o.proj_size > 0) register_parameter("weight_hr" + suffix, Tensor::empty({o.proj_size, hidden_size}, dtype));
    }
  }
  const double bound = 1.0 / std::sqrt(static_cast<double>(hidden_size));
  for (auto& entry : params_) init::uniform_(entry.second, -bound, bound);
}

// [count, B, size] (a batch dim added for an unbatched input), zeros when not given.
Tensor Rnn::initial_state(const Tensor& given, const char* arg, int64_t size, int64_t batch, bool batched) const {
  const int64_t count = o_.num_layers * (o_.bidirectional ? 2 : 1);
  const DType dtype = params_[0].second.dtype();
  const Device device = params_[0].second.device();
  if (!given.defined()) return zeros({count, batch, size}, dtype, device);
  const Dims want = batched ? Dims{count, batch, size} : Dims{count, size};
  DL_CHECK(given.sizes() == want, Status::Shape, type_name(), ": argument '", arg, "' must have shape ",
           shape_str(want), ", got ", shape_str(given.sizes()));
  DL_CHECK(given.dtype() == dtype, Status::DType, type_name(), ": argument '", arg, "' has dtype ",
           dtype_name(given.dtype()), ", the parameters ", dtype_name(dtype));
  return batched ? given : unsqueeze(given, 1);
}

RnnOutput Rnn::forward(const Tensor& x, const Tensor& h0, const Tensor& c0, const std::vector<int64_t>& lengths) {
  const char* what = layer_name(mode_);
  const Tensor& first = params_[0].second;
  check_input(x, what, 3, "[T, B, input_size] ([B, T, input_size] with batch_first) or [T, input_size]", input_size_,
              first.dtype());
  DL_CHECK(mode_ == RnnMode::Lstm || !c0.defined(), Status::InvalidArgument, what, ": argument 'c0' is for LSTM only");
  const bool batched = x.dim() == 3;
  Tensor seq = !batched ? unsqueeze(x, 1) : o_.batch_first ? transpose(x, 0, 1) : x;  // [T, B, I]
  const int64_t T = seq.size(0), B = seq.size(1);
  DL_CHECK(T > 0, Status::Shape, what, ": argument 'x' of shape ", shape_str(x.sizes()), " has no time steps");
  const int64_t h_out = o_.proj_size > 0 ? o_.proj_size : hidden_size_;
  Tensor h = initial_state(h0, "h0", h_out, B, batched);
  Tensor c = mode_ == RnnMode::Lstm ? initial_state(c0, "c0", hidden_size_, B, batched) : Tensor();

  // Variable lengths: sort by decreasing length (stable) and count the rows running at each step.
  std::vector<int64_t> batch_sizes;
  Tensor order, inverse;
  if (!lengths.empty()) {
    DL_CHECK(static_cast<int64_t>(lengths.size()) == B, Status::Shape, what, ": ", lengths.size(),
             " lengths for a batch of ", B);
    for (size_t b = 0; b < lengths.size(); ++b)
      DL_CHECK(lengths[b] >= 1 && lengths[b] <= T, Status::InvalidArgument, what, ": length ", lengths[b],
               " of batch entry ", b, " is not in [1, ", T, "]");
    std::vector<int64_t> by_length(lengths.size()), position(lengths.size());
    std::iota(by_length.begin(), by_length.end(), 0);
    std::stable_sort(by_length.begin(), by_length.end(), [&](int64_t a, int64_t b) {
      return lengths[static_cast<size_t>(a)] > lengths[static_cast<size_t>(b)];
    });
    for (size_t i = 0; i < by_length.size(); ++i) position[static_cast<size_t>(by_length[i])] = static_cast<int64_t>(i);
    batch_sizes.assign(static_cast<size_t>(T), 0);
    for (int64_t len : lengths)
      for (int64_t t = 0; t < len; ++t) ++batch_sizes[static_cast<size_t>(t)];
    if (!std::is_sorted(by_length.begin(), by_length.end())) {
      order = from_data(by_length.data(), DType::Int64, {B}, first.device());
      inverse = from_data(position.data(), DType::Int64, {B}, first.device());
      seq = index_select(seq, 1, order);
      h = index_select(h, 1, order);
      if (c.defined()) c = index_select(c, 1, order);
    }
  }

  const int64_t directions = o_.bidirectional ? 2 : 1;
  std::vector<Tensor> h_n, c_n;
  Tensor layer_input = seq;
  for (int64_t layer = 0; layer < o_.num_layers; ++layer) {
    std::vector<Tensor> outputs;
    for (int64_t d = 0; d < directions; ++d) {
      StepWeights w = direction_weights(params_, o_, layer, d);
      // NOTE [Recurrent step]: but for the GRU's, b_hh joins b_ih in the projection of all steps.
      Tensor input_bias = w.b_ih;
      if (mode_ != RnnMode::Gru && w.b_hh.defined()) input_bias = add(w.b_ih, w.b_hh), w.b_hh = Tensor();
      const int64_t index = layer * directions + d;
      RnnCellState initial{select(h, 0, index), c.defined() ? select(c, 0, index) : Tensor()};
      DirectionResult r =
          run_direction(mode_, linear(layer_input, w.w_ih, input_bias), initial, w, d == 1, batch_sizes);
      outputs.push_back(r.output);
      h_n.push_back(r.last.h);
      if (r.last.c.defined()) c_n.push_back(r.last.c);
    }
    layer_input = directions == 1 ? outputs[0] : cat(outputs, 2);
    if (o_.dropout > 0 && is_training() && layer + 1 < o_.num_layers) layer_input = dropout(layer_input, o_.dropout);
  }
  RnnOutput result{layer_input, stack(h_n, 0), c_n.empty() ? Tensor() : stack(c_n, 0)};
  if (inverse.defined()) {
    result.output = index_select(result.output, 1, inverse);
    result.h_n = index_select(result.h_n, 1, inverse);
    if (result.c_n.defined()) result.c_n = index_select(result.c_n, 1, inverse);
  }
  if (!batched) {
    result.output = squeeze(result.output, 1);
    result.h_n = squeeze(result.h_n, 1);
    if (result.c_n.defined()) result.c_n = squeeze(result.c_n, 1);
  } else if (o_.batch_first) {
    result.output = transpose(result.output, 0, 1);
  }
  return result;
}

Tensor Rnn::forward(const Tensor& x) { return forward(x, Tensor()).output; }

RnnCell::RnnCell(RnnMode mode, int64_t input_size, int64_t hidden_size, bool bias, DType dtype)
    : Module(cell_name(mode)), mode_(mode), input_size_(input_size), hidden_size_(hidden_size), bias_(bias) {
  const char* what = cell_name(mode);
  check_size(input_size, what, "input_size");
  check_size(hidden_size, what, "hidden_size");
  DL_CHECK(is_floating(dtype), Status::DType, what, ": dtype must be floating point, got ", dtype_name(dtype));
  const int64_t gates = gate_count(mode) * hidden_size;
  register_parameter("weight_ih", Tensor::empty({gates, input_size}, dtype));
  register_parameter("weight_hh", Tensor::empty({gates, hidden_size}, dtype));
  if (bias) {
    register_parameter("bias_ih", Tensor::empty({gates}, dtype));
    register_parameter("bias_hh", Tensor::empty({gates}, dtype));
  }
  const double bound = 1.0 / std::sqrt(static_cast<double>(hidden_size));
  for (auto& entry : params_) init::uniform_(entry.second, -bound, bound);
}

RnnCellState RnnCell::forward(const Tensor& x, const RnnCellState& state) {
  const char* what = cell_name(mode_);
  const Tensor& w_ih = params_[0].second;
  check_input(x, what, 2, "[B, input_size] or [input_size]", input_size_, w_ih.dtype());
  DL_CHECK(mode_ == RnnMode::Lstm || !state.c.defined(), Status::InvalidArgument, what,
           ": argument 'c' is for LSTMCell only");
  const bool batched = x.dim() == 2;
  Tensor input = batched ? x : unsqueeze(x, 0);
  const int64_t B = input.size(0);
  auto initial = [&](const Tensor& given, const char* arg) {
    if (!given.defined()) return zeros({B, hidden_size_}, w_ih.dtype(), w_ih.device());
    const Dims want = batched ? Dims{B, hidden_size_} : Dims{hidden_size_};
    DL_CHECK(given.sizes() == want, Status::Shape, what, ": argument '", arg, "' must have shape ", shape_str(want),
             ", got ", shape_str(given.sizes()));
    DL_CHECK(given.dtype() == w_ih.dtype(), Status::DType, what, ": argument '", arg, "' has dtype ",
             dtype_name(given.dtype()), ", the parameters ", dtype_name(w_ih.dtype()));
    return batched ? given : unsqueeze(given, 0);
  };
  RnnCellState prev{initial(state.h, "h"), mode_ == RnnMode::Lstm ? initial(state.c, "c") : Tensor()};
  StepWeights w;
  w.w_ih = w_ih;
  w.w_hh = params_[1].second;
  if (bias_) w.b_ih = params_[2].second, w.b_hh = params_[3].second;
  RnnCellState next = step(mode_, linear(input, w.w_ih, w.b_ih), prev, w);
  if (batched) return next;
  return {squeeze(next.h, 0), next.c.defined() ? squeeze(next.c, 0) : Tensor()};
}

Tensor RnnCell::forward(const Tensor& x) { return forward(x, RnnCellState{}).h; }

}  // namespace dl
