/* libdl recurrent layers and embeddings, as torch.nn: RNN (tanh or relu),
 * LSTM (optionally with projections) and GRU over whole sequences, the
 * one-step cells RNNCell, LSTMCell and GRUCell, and Embedding. Modules are
 * freed with dl_module_free, train/eval (dropout between layers) is
 * dl_module_train, and dl_module_forward(m, x) gives a layer's output (or a
 * cell's h') from zero states.
 *
 * Parameters carry PyTorch's names, shapes and order ("weight_ih_l0"
 * [G * hidden, input], "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
 * "weight_hr_l0" with proj_size, then "..._l0_reverse" when bidirectional,
 * then "..._l1"; cells: "weight_ih", "weight_hh", "bias_ih", "bias_hh"; gate
 * order LSTM i, f, g, o and GRU r, z, n, G = 4, 3 or 1), so dl_module_save
 * and dl_module_load exchange checkpoints with PyTorch's state_dict. They
 * start uniform in +-1/sqrt(hidden_size), as PyTorch.
 *
 * Shapes, with T steps, batch B, D = 2 when bidirectional (else 1), L
 * layers, H_out = proj_size or hidden_size:
 *   x      [T, B, input_size], [B, T, input_size] with batch_first, or
 *          [T, input_size] for one unbatched sequence;
 *   h0, h_n [D * L, B, H_out] ([D * L, H_out] unbatched; not affected by
 *          batch_first); c0, c_n [D * L, B, hidden_size] (LSTM);
 *   out    [T, B, D * H_out] ([B, T, D * H_out] with batch_first): the last
 *          layer's h at each step (bidirectional: the forward direction's,
 *          then the reverse's).
 * h_n and c_n are indexed by layer * D + direction.
 *
 * Errors common to the forward functions: DL_ERR_INVALID_ARGUMENT (bad or
 * foreign handles; m of the wrong kind: the message says which function
 * takes it; out NULL), DL_ERR_SHAPE (x, h0 or c0 of the wrong shape: the
 * message gives the shape expected), DL_ERR_DTYPE (x or a state of another
 * dtype than the parameters). On failure every out-parameter is NULL. */
#ifndef DL_RNN_H
#define DL_RNN_H

#include "dl/nn.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { DL_RNN_TANH = 0, DL_RNN_RELU = 1 } dl_rnn_nonlinearity;

/* Options of dl_rnn_new, dl_lstm_new and dl_gru_new. Field order is part of
 * the ABI. dropout: the probability of zeroing an element of each layer's
 * output but the last's, in train mode. nonlinearity (a
 * dl_rnn_nonlinearity) is read by dl_rnn_new only; proj_size (0: none,
 * else in [1, hidden_size)) by dl_lstm_new only, and must be 0 elsewhere. */
typedef struct {
  int64_t num_layers;
  int bias, batch_first;
  double dropout;
  int bidirectional;
  int nonlinearity;
  int64_t proj_size;
} dl_rnn_options;
/* PyTorch's defaults: 1 layer, bias, time-major (batch_first 0), no dropout,
 * one direction, tanh, no projection. */
DL_API dl_rnn_options dl_rnn_defaults(void);

/* ---- Layers over sequences. o NULL: defaults. Caller frees *out with
 * dl_module_free. Errors: DL_ERR_INVALID_ARGUMENT (input_size, hidden_size
 * or num_layers < 1, dropout outside [0, 1], a bad nonlinearity or
 * proj_size, out NULL). */

/* nn.RNN: h' = tanh (or relu) of x W_ih^T + b_ih + h W_hh^T + b_hh. */
DL_API dl_status dl_rnn_new(int64_t input_size, int64_t hidden_size, const dl_rnn_options* o, dl_module** out);
/* nn.LSTM, with nn.LSTM's proj_size: h = (o * tanh(c)) W_hr^T. */
DL_API dl_status dl_lstm_new(int64_t input_size, int64_t hidden_size, const dl_rnn_options* o, dl_module** out);
/* nn.GRU. */
DL_API dl_status dl_gru_new(int64_t input_size, int64_t hidden_size, const dl_rnn_options* o, dl_module** out);

/* out, h_n = m(x, h0) for an RNN or GRU module; h0 NULL: zeros. h_n may be
 * NULL when not wanted. New tensors, recorded by autograd; caller frees. */
DL_API dl_status dl_rnn_forward(dl_module* m, const dl_tensor* x, const dl_tensor* h0 /*nullable*/, dl_tensor** out,
                                dl_tensor** h_n /*nullable*/);
/* out, (h_n, c_n) = m(x, (h0, c0)) for an LSTM module; h0 and c0 NULL (each
 * on its own): zeros. h_n and c_n may be NULL when not wanted. */
DL_API dl_status dl_lstm_forward(dl_module* m, const dl_tensor* x, const dl_tensor* h0 /*nullable*/,
                                 const dl_tensor* c0 /*nullable*/, dl_tensor** out, dl_tensor** h_n /*nullable*/,
                                 dl_tensor** c_n /*nullable*/);

/* Padded batches of sequences of different lengths, as PyTorch's
 * pack_padded_sequence(x, lengths, enforce_sorted=False), the module, then
 * pad_packed_sequence(total_length=T): lengths[b] (in [1, T], any order,
 * num_lengths = B) is how many steps of batch entry b are real. Each entry
 * gives what its sequence alone would (the reverse direction starts at its
 * last real step); out is zeros past an entry's end, and h_n, c_n are its
 * states at its last real step. Errors also: DL_ERR_INVALID_ARGUMENT
 * (lengths NULL, a length out of range), DL_ERR_SHAPE (num_lengths != B, or
 * 0: PyTorch cannot pack an empty batch either). */
DL_API dl_status dl_rnn_forward_padded(dl_module* m, const dl_tensor* x, const int64_t* lengths, int64_t num_lengths,
                                       const dl_tensor* h0 /*nullable*/, dl_tensor** out, dl_tensor** h_n /*nullable*/);
DL_API dl_status dl_lstm_forward_padded(dl_module* m, const dl_tensor* x, const int64_t* lengths, int64_t num_lengths,
                                        const dl_tensor* h0 /*nullable*/, const dl_tensor* c0 /*nullable*/,
                                        dl_tensor** out, dl_tensor** h_n /*nullable*/, dl_tensor** c_n /*nullable*/);

/* ---- Cells: one step. x [B, input_size] or [input_size]; h, c
 * [B, hidden_size] or [hidden_size] (NULL: zeros). bias 0: no bias_ih and
 * bias_hh. Caller frees *out with dl_module_free. Errors as the layers'. */
DL_API dl_status dl_rnn_cell_new(int64_t input_size, int64_t hidden_size, int bias, int nonlinearity, dl_module** out);
DL_API dl_status dl_lstm_cell_new(int64_t input_size, int64_t hidden_size, int bias, dl_module** out);
DL_API dl_status dl_gru_cell_new(int64_t input_size, int64_t hidden_size, int bias, dl_module** out);
/* h_out = m(x, h) for an RNNCell or GRUCell module. New tensor; caller frees. */
DL_API dl_status dl_rnn_cell_forward(dl_module* m, const dl_tensor* x, const dl_tensor* h /*nullable*/,
                                     dl_tensor** h_out);
/* h_out, c_out = m(x, (h, c)) for an LSTMCell module. New tensors; caller frees. */
DL_API dl_status dl_lstm_cell_forward(dl_module* m, const dl_tensor* x, const dl_tensor* h /*nullable*/,
                                      const dl_tensor* c /*nullable*/, dl_tensor** h_out, dl_tensor** c_out);

/* ---- Embeddings. Field order is part of the ABI. has_padding_idx: the
 * row padding_idx (in [-num_embeddings, num_embeddings)) gets no gradient
 * (and dl_embedding_new starts it at zeros). max_norm > 0: each row looked
 * up whose norm_type-norm exceeds max_norm is first scaled in place by
 * max_norm / (norm + 1e-7), as PyTorch; 0: no renormalization. */
typedef struct {
  int64_t padding_idx;
  int has_padding_idx;
  double max_norm;
  double norm_type;
} dl_embedding_options;
/* No padding_idx, no max_norm, norm_type 2. */
DL_API dl_embedding_options dl_embedding_defaults(void);

/* nn.Embedding: parameter "weight" [num_embeddings, embedding_dim] from
 * N(0, 1); forward (dl_module_forward) takes DL_INT64 or DL_INT32 indices of
 * any shape and gives [*indices, embedding_dim]. o NULL: defaults. Caller
 * frees *out with dl_module_free. Errors: DL_ERR_INVALID_ARGUMENT (sizes
 * < 1, a bad option, out NULL). */
DL_API dl_status dl_embedding_new(int64_t num_embeddings, int64_t embedding_dim, const dl_embedding_options* o,
                                  dl_module** out);
/* F.embedding: the rows of weight [num_embeddings, dim] at indices (DL_INT64
 * or DL_INT32, any shape, each in [0, num_embeddings)) -> new tensor
 * [*indices, dim], recorded by autograd. With max_norm, weight's rows are
 * renormalized in place (not recorded). o NULL: defaults.
 * Errors: DL_ERR_INVALID_ARGUMENT (bad handles, an index out of range: the
 * message gives it, a bad option), DL_ERR_DTYPE (indices not integer,
 * weight not floating), DL_ERR_SHAPE (weight not 2-D). */
DL_API dl_status dl_embedding(const dl_tensor* indices, dl_tensor* weight, const dl_embedding_options* o,
                              dl_tensor** out);

#ifdef __cplusplus
}
#endif

#endif /* DL_RNN_H */
