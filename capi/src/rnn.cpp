// The C ABI of the recurrent layers and embeddings (dl/rnn.h): argument
// conversion only; the work is in nn/rnn.h and nn/embedding.h.
#include "dl/rnn.h"

#include <vector>

#include "handles.h"
#include "nn/embedding.h"
#include "nn/rnn.h"

using namespace dl;
using namespace dl::capi;

namespace {

RnnOptions rnn_options(const dl_rnn_options* p) {
  dl_rnn_options o = p ? *p : dl_rnn_defaults();
  RnnOptions r;
  r.num_layers = o.num_layers, r.bias = o.bias != 0, r.batch_first = o.batch_first != 0;
  r.dropout = o.dropout, r.bidirectional = o.bidirectional != 0, r.proj_size = o.proj_size;
  return r;
}

EmbeddingOptions embedding_options(const dl_embedding_options* p) {
  dl_embedding_options o = p ? *p : dl_embedding_defaults();
  DL_CHECK(o.max_norm >= 0, Status::InvalidArgument, "argument 'o': max_norm must be positive (or 0 for none), got ",
           o.max_norm);
  EmbeddingOptions r;
  if (o.has_padding_idx) r.padding_idx = o.padding_idx;
  if (o.max_norm > 0) r.max_norm = o.max_norm;
  r.norm_type = o.norm_type;
  return r;
}

RnnMode nonlinearity_of(int nonlinearity) {
  switch (nonlinearity) {
    case DL_RNN_TANH: return RnnMode::Tanh;
    case DL_RNN_RELU: return RnnMode::Relu;
    default: fail(Status::InvalidArgument, "argument 'nonlinearity': ", nonlinearity, " is not a dl_rnn_nonlinearity");
  }
}

Tensor optional_tensor(const dl_tensor* t, const char* arg) { return t ? tensor_of(t, arg) : Tensor(); }

// The module behind m when it is a T of the kind (LSTM or not) that the
// calling function takes; otherwise an error naming the function that takes it.
template <typename T>
T& recurrent_of(dl_module* m, bool lstm, const char* kinds, const char* lstm_fn, const char* other_fn) {
  auto& module = value_of(m, "m");
  auto* r = dynamic_cast<T*>(module.get());
  DL_CHECK(r != nullptr, Status::InvalidArgument, "argument 'm' is a module of type ", module->type_name(), ", not ",
           kinds);
  DL_CHECK((r->mode() == RnnMode::Lstm) == lstm, Status::InvalidArgument, "argument 'm' is a module of type ",
           module->type_name(), ": use ", lstm ? other_fn : lstm_fn);
  return *r;
}

// The four layer forwards; lengths are read by the padded ones.
dl_status layer_forward(const char* fn, dl_module* m, bool lstm, const dl_tensor* x, bool padded,
                        const int64_t* lengths, int64_t num_lengths, const dl_tensor* h0, const dl_tensor* c0,
                        dl_tensor** out, dl_tensor** h_n, dl_tensor** c_n) {
  return guarded(fn, [&] {
    reset_out(out, "out");
    if (h_n) *h_n = nullptr;
    if (c_n) *c_n = nullptr;
    Rnn& r = recurrent_of<Rnn>(m, lstm, "an RNN, LSTM or GRU", padded ? "dl_lstm_forward_padded" : "dl_lstm_forward",
                               padded ? "dl_rnn_forward_padded" : "dl_rnn_forward");
    std::vector<int64_t> steps;
    if (padded) {
      DL_CHECK(lengths != nullptr, Status::InvalidArgument, "argument 'lengths' is NULL");
      DL_CHECK(num_lengths >= 0, Status::InvalidArgument, "argument 'num_lengths' is negative: ", num_lengths);
      // The layer reads no lengths as an unpadded batch; PyTorch cannot pack an empty batch either.
      DL_CHECK(num_lengths > 0, Status::Shape, "argument 'num_lengths' is 0: a padded batch has a length per entry");
      steps.assign(lengths, lengths + num_lengths);
    }
    RnnOutput result = r.forward(tensor_of(x, "x"), optional_tensor(h0, "h0"), optional_tensor(c0, "c0"), steps);
    dl_tensor* o = new_tensor_handle(result.output);
    if (h_n) *h_n = new_tensor_handle(result.h_n);
    if (c_n) *c_n = new_tensor_handle(result.c_n);
    *out = o;
  });
}

}  // namespace

extern "C" {

DL_API dl_rnn_options dl_rnn_defaults(void) { return dl_rnn_options{1, 1, 0, 0.0, 0, DL_RNN_TANH, 0}; }

DL_API dl_status dl_rnn_new(int64_t input_size, int64_t hidden_size, const dl_rnn_options* o, dl_module** out) {
  return handle_result("dl_rnn_new", out, [&] {
    RnnMode mode = nonlinearity_of(o ? o->nonlinearity : DL_RNN_TANH);
    return std::make_shared<Rnn>(mode, input_size, hidden_size, rnn_options(o));
  });
}

DL_API dl_status dl_lstm_new(int64_t input_size, int64_t hidden_size, const dl_rnn_options* o, dl_module** out) {
  return handle_result("dl_lstm_new", out,
                       [&] { return std::make_shared<Rnn>(RnnMode::Lstm, input_size, hidden_size, rnn_options(o)); });
}

DL_API dl_status dl_gru_new(int64_t input_size, int64_t hidden_size, const dl_rnn_options* o, dl_module** out) {
  return handle_result("dl_gru_new", out,
                       [&] { return std::make_shared<Rnn>(RnnMode::Gru, input_size, hidden_size, rnn_options(o)); });
}

DL_API dl_status dl_rnn_forward(dl_module* m, const dl_tensor* x, const dl_tensor* h0, dl_tensor** out,
                                dl_tensor** h_n) {
  return layer_forward("dl_rnn_forward", m, false, x, false, nullptr, 0, h0, nullptr, out, h_n, nullptr);
}

DL_API dl_status dl_lstm_forward(dl_module* m, const dl_tensor* x, const dl_tensor* h0, const dl_tensor* c0,
                                 dl_tensor** out, dl_tensor** h_n, dl_tensor** c_n) {
  return layer_forward("dl_lstm_forward", m, true, x, false, nullptr, 0, h0, c0, out, h_n, c_n);
}

DL_API dl_status dl_rnn_forward_padded(dl_module* m, const dl_tensor* x, const int64_t* lengths, int64_t num_lengths,
                                       const dl_tensor* h0, dl_tensor** out, dl_tensor** h_n) {
  return layer_forward("dl_rnn_forward_padded", m, false, x, true, lengths, num_lengths, h0, nullptr, out, h_n,
                       nullptr);
}

DL_API dl_status dl_lstm_forward_padded(dl_module* m, const dl_tensor* x, const int64_t* lengths, int64_t num_lengths,
                                        const dl_tensor* h0, const dl_tensor* c0, dl_tensor** out, dl_tensor** h_n,
                                        dl_tensor** c_n) {
  return layer_forward("dl_lstm_forward_padded", m, true, x, true, lengths, num_lengths, h0, c0, out, h_n, c_n);
}

DL_API dl_status dl_rnn_cell_new(int64_t input_size, int64_t hidden_size, int bias, int nonlinearity, dl_module** out) {
  return handle_result("dl_rnn_cell_new", out, [&] {
    return std::make_shared<RnnCell>(nonlinearity_of(nonlinearity), input_size, hidden_size, bias != 0);
  });
}

DL_API dl_status dl_lstm_cell_new(int64_t input_size, int64_t hidden_size, int bias, dl_module** out) {
  return handle_result("dl_lstm_cell_new", out,
                       [&] { return std::make_shared<RnnCell>(RnnMode::Lstm, input_size, hidden_size, bias != 0); });
}

DL_API dl_status dl_gru_cell_new(int64_t input_size, int64_t hidden_size, int bias, dl_module** out) {
  return handle_result("dl_gru_cell_new", out,
                       [&] { return std::make_shared<RnnCell>(RnnMode::Gru, input_size, hidden_size, bias != 0); });
}

DL_API dl_status dl_rnn_cell_forward(dl_module* m, const dl_tensor* x, const dl_tensor* h, dl_tensor** h_out) {
  return guarded("dl_rnn_cell_forward", [&] {
    reset_out(h_out, "h_out");
    RnnCell& cell = recurrent_of<RnnCell>(m, false, "a cell", "dl_lstm_cell_forward", "dl_rnn_cell_forward");
    *h_out = new_tensor_handle(cell.forward(tensor_of(x, "x"), {optional_tensor(h, "h"), Tensor()}).h);
  });
}

DL_API dl_status dl_lstm_cell_forward(dl_module* m, const dl_tensor* x, const dl_tensor* h, const dl_tensor* c,
                                      dl_tensor** h_out, dl_tensor** c_out) {
  return guarded("dl_lstm_cell_forward", [&] {
    reset_out(h_out, "h_out");
    reset_out(c_out, "c_out");
    RnnCell& cell = recurrent_of<RnnCell>(m, true, "a cell", "dl_lstm_cell_forward", "dl_rnn_cell_forward");
    RnnCellState next = cell.forward(tensor_of(x, "x"), {optional_tensor(h, "h"), optional_tensor(c, "c")});
    dl_tensor* ho = new_tensor_handle(next.h);
    *c_out = new_tensor_handle(next.c);
    *h_out = ho;
  });
}

DL_API dl_embedding_options dl_embedding_defaults(void) { return dl_embedding_options{0, 0, 0.0, 2.0}; }

DL_API dl_status dl_embedding_new(int64_t num_embeddings, int64_t embedding_dim, const dl_embedding_options* o,
                                  dl_module** out) {
  return handle_result("dl_embedding_new", out, [&] {
    return std::make_shared<Embedding>(num_embeddings, embedding_dim, embedding_options(o));
  });
}

DL_API dl_status dl_embedding(const dl_tensor* indices, dl_tensor* weight, const dl_embedding_options* o,
                              dl_tensor** out) {
  return tensor_result("dl_embedding", out, [&] {
    return embedding(tensor_of(indices, "indices"), tensor_of(weight, "weight"), embedding_options(o));
  });
}

}  // extern "C"
