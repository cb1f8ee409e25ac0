package dl

import (
	"runtime"

	"libdl/dl/internal/native"
)

// Nonlinearity is an RNN's, as dl_rnn_nonlinearity.
type Nonlinearity int

const (
	NonlinearityTanh Nonlinearity = iota
	NonlinearityReLU
)

// RNNOptions: nn.RNN's, nn.LSTM's and nn.GRU's, from DefaultRNNOptions
// (PyTorch's: one layer, bias, time-major, no dropout, one direction, tanh,
// no projection). Dropout zeroes each layer's output but the last's, in train
// mode. Nonlinearity is read by NewRNN only; ProjSize (0: none, else below
// hiddenSize) by NewLSTM only, and must be 0 elsewhere.
type RNNOptions struct {
	NumLayers        int64
	Bias, BatchFirst bool
	Dropout          float64
	Bidirectional    bool
	Nonlinearity     Nonlinearity
	ProjSize         int64
}

func DefaultRNNOptions() RNNOptions {
	o := native.Dl_rnn_defaults()
	defer native.DeleteRnnOptions(o)
	return RNNOptions{o.GetNumLayers(), o.GetBias() != 0, o.GetBatchFirst() != 0, o.GetDropout(),
		o.GetBidirectional() != 0, Nonlinearity(o.GetNonlinearity()), o.GetProjSize()}
}

func (o RNNOptions) native() native.RnnOptions {
	c := native.NewRnnOptions()
	c.SetNumLayers(o.NumLayers)
	c.SetBias(boolInt(o.Bias))
	c.SetBatchFirst(boolInt(o.BatchFirst))
	c.SetDropout(o.Dropout)
	c.SetBidirectional(boolInt(o.Bidirectional))
	c.SetNonlinearity(int(o.Nonlinearity))
	c.SetProjSize(o.ProjSize)
	return c
}

// RNNOutput is what a recurrent layer gives, PyTorch's
// output, (h_n, c_n) = lstm(x, (h0, c0)). With T steps, batch B, D = 2 when
// bidirectional (else 1) and H_out = ProjSize or hiddenSize:
type RNNOutput struct {
	// Output [T, B, D * H_out] ([B, T, D * H_out] with BatchFirst) is the last
	// layer's h at each step (bidirectional: the forward direction's, then the
	// reverse's).
	Output *Tensor
	// HN [D * NumLayers, B, H_out] is indexed by layer * D + direction
	// (BatchFirst does not change it).
	HN *Tensor
	// CN is an LSTM's [D * NumLayers, B, hiddenSize]; nil for RNN and GRU.
	CN *Tensor
}

// Close releases the three tensors.
func (r *RNNOutput) Close() {
	r.Output.Close()
	r.HN.Close()
	r.CN.Close()
}

// newRecurrent is a layer made by dl_rnn_new, dl_lstm_new or dl_gru_new.
func newRecurrent(make func(int64, int64, native.RnnOptions, *uintptr) error, inputSize, hiddenSize int64,
	o RNNOptions) (*Module, error) {
	c := o.native()
	defer native.DeleteRnnOptions(c)
	return newLayer(func(h *uintptr) error { return make(inputSize, hiddenSize, c, h) })
}

// recurrentLayer is what RNN and GRU share: a state h alone. x is
// [T, B, inputSize] ([B, T, inputSize] with BatchFirst) or [T, inputSize] for
// one unbatched sequence; Forward gives the output from zero states (what a
// Sequential calls).
type recurrentLayer struct{ *Module }

// ForwardStates is output, h_n = layer(x, h0); h0 [D * NumLayers, B, H_out], nil: zeros.
func (l *recurrentLayer) ForwardStates(x, h0 *Tensor) (*RNNOutput, error) {
	defer runtime.KeepAlive(l)
	defer runtime.KeepAlive(x)
	defer runtime.KeepAlive(h0)
	var out, hN uintptr
	if err := native.Dl_rnn_forward(l.handle(), x.handle(), h0.handle(), &out, &hN); err != nil {
		return nil, err
	}
	return &RNNOutput{Output: newTensor(out), HN: newTensor(hN)}, nil
}

// ForwardPadded runs a padded batch, as PyTorch's pack_padded_sequence(x,
// lengths, enforce_sorted=False), the layer, then pad_packed_sequence: entry
// b's first lengths[b] steps are real (any order); each entry gives what its
// sequence alone would, the output is zeros past its end and h_n is its state
// at its last real step.
func (l *recurrentLayer) ForwardPadded(x *Tensor, lengths []int64, h0 *Tensor) (*RNNOutput, error) {
	defer runtime.KeepAlive(l)
	defer runtime.KeepAlive(x)
	defer runtime.KeepAlive(h0)
	var out, hN uintptr
	if err := native.Dl_rnn_forward_padded(l.handle(), x.handle(), lengths, h0.handle(), &out, &hN); err != nil {
		return nil, err
	}
	return &RNNOutput{Output: newTensor(out), HN: newTensor(hN)}, nil
}

// RNN is nn.RNN: h' = tanh (or relu) of x W_ih^T + b_ih + h W_hh^T + b_hh.
type RNN struct{ recurrentLayer }

// GRU is nn.GRU, gates r, z, n.
type GRU struct{ recurrentLayer }

// NewRNN: parameters "weight_ih_l0" [hiddenSize, inputSize], "weight_hh_l0",
// "bias_ih_l0", "bias_hh_l0", then "..._l0_reverse" when bidirectional, then
// "..._l1", as PyTorch's.
func NewRNN(inputSize, hiddenSize int64, o RNNOptions) (*RNN, error) {
	m, err := newRecurrent(native.Dl_rnn_new, inputSize, hiddenSize, o)
	if err != nil {
		return nil, err
	}
	return &RNN{recurrentLayer{m}}, nil
}

// NewGRU: parameters as NewRNN's, 3 gates high.
func NewGRU(inputSize, hiddenSize int64, o RNNOptions) (*GRU, error) {
	m, err := newRecurrent(native.Dl_gru_new, inputSize, hiddenSize, o)
	if err != nil {
		return nil, err
	}
	return &GRU{recurrentLayer{m}}, nil
}

// LSTM is nn.LSTM, gates i, f, g, o, with ProjSize (h = (o * tanh(c)) W_hr^T,
// parameter "weight_hr_l0" after each direction's biases); shapes as RNN's.
// Forward gives the output from zero states.
type LSTM struct{ *Module }

func NewLSTM(inputSize, hiddenSize int64, o RNNOptions) (*LSTM, error) {
	m, err := newRecurrent(native.Dl_lstm_new, inputSize, hiddenSize, o)
	if err != nil {
		return nil, err
	}
	return &LSTM{m}, nil
}

// ForwardStates is output, (h_n, c_n) = lstm(x, (h0, c0)); h0 [D * NumLayers,
// B, H_out] and c0 [D * NumLayers, B, hiddenSize], each nil: zeros.
func (l *LSTM) ForwardStates(x, h0, c0 *Tensor) (*RNNOutput, error) {
	defer runtime.KeepAlive(l)
	defer runtime.KeepAlive(x)
	defer runtime.KeepAlive(h0)
	defer runtime.KeepAlive(c0)
	var out, hN, cN uintptr
	if err := native.Dl_lstm_forward(l.handle(), x.handle(), h0.handle(), c0.handle(), &out, &hN, &cN); err != nil {
		return nil, err
	}
	return &RNNOutput{newTensor(out), newTensor(hN), newTensor(cN)}, nil
}

// ForwardPadded runs a padded batch as RNN's ForwardPadded; c_n too is each
// entry's at its last real step.
func (l *LSTM) ForwardPadded(x *Tensor, lengths []int64, h0, c0 *Tensor) (*RNNOutput, error) {
	defer runtime.KeepAlive(l)
	defer runtime.KeepAlive(x)
	defer runtime.KeepAlive(h0)
	defer runtime.KeepAlive(c0)
	var out, hN, cN uintptr
	err := native.Dl_lstm_forward_padded(l.handle(), x.handle(), lengths, h0.handle(), c0.handle(), &out, &hN, &cN)
	if err != nil {
		return nil, err
	}
	return &RNNOutput{newTensor(out), newTensor(hN), newTensor(cN)}, nil
}

// recurrentCell is what RNNCell and GRUCell share: one step whose state is h
// alone; Forward is the step from h = 0.
type recurrentCell struct{ *Module }

// ForwardStates is h' = cell(x, h): x [B, inputSize] or [inputSize], h
// [B, hiddenSize] or [hiddenSize], nil: zeros.
func (c *recurrentCell) ForwardStates(x, h *Tensor) (*Tensor, error) {
	defer runtime.KeepAlive(c)
	defer runtime.KeepAlive(x)
	defer runtime.KeepAlive(h)
	var out uintptr
	return tensorOf(&out, native.Dl_rnn_cell_forward(c.handle(), x.handle(), h.handle(), &out))
}

// RNNCell is nn.RNNCell: parameters "weight_ih", "weight_hh", "bias_ih" and
// "bias_hh" (no biases without bias).
type RNNCell struct{ recurrentCell }

// GRUCell is nn.GRUCell.
type GRUCell struct{ recurrentCell }

func NewRNNCell(inputSize, hiddenSize int64, bias bool, nonlinearity Nonlinearity) (*RNNCell, error) {
	m, err := newLayer(func(h *uintptr) error {
		return native.Dl_rnn_cell_new(inputSize, hiddenSize, boolInt(bias), int(nonlinearity), h)
	})
	if err != nil {
		return nil, err
	}
	return &RNNCell{recurrentCell{m}}, nil
}

func NewGRUCell(inputSize, hiddenSize int64, bias bool) (*GRUCell, error) {
	m, err := newLayer(func(h *uintptr) error { return native.Dl_gru_cell_new(inputSize, hiddenSize, boolInt(bias), h) })
	if err != nil {
		return nil, err
	}
	return &GRUCell{recurrentCell{m}}, nil
}

// LSTMCell is nn.LSTMCell; Forward is h' from zero states.
type LSTMCell struct{ *Module }

func NewLSTMCell(inputSize, hiddenSize int64, bias bool) (*LSTMCell, error) {
	m, err := newLayer(func(h *uintptr) error { return native.Dl_lstm_cell_new(inputSize, hiddenSize, boolInt(bias), h) })
	if err != nil {
		return nil, err
	}
	return &LSTMCell{m}, nil
}

// ForwardStates is (h', c') = cell(x, (h, c)); h and c each nil: zeros.
func (l *LSTMCell) ForwardStates(x, h, c *Tensor) (h1, c1 *Tensor, err error) {
	defer runtime.KeepAlive(l)
	defer runtime.KeepAlive(x)
	defer runtime.KeepAlive(h)
	defer runtime.KeepAlive(c)
	var hOut, cOut uintptr
	if err := native.Dl_lstm_cell_forward(l.handle(), x.handle(), h.handle(), c.handle(), &hOut, &cOut); err != nil {
		return nil, nil, err
	}
	return newTensor(hOut), newTensor(cOut), nil
}

// EmbeddingOptions: nn.Embedding's and F.embedding's, from
// DefaultEmbeddingOptions (no padding row, no max norm, norm type 2). With
// HasPaddingIdx, row PaddingIdx (in [-num, num)) gets no gradient (and
// NewEmbedding starts it at zeros); MaxNorm > 0: each row looked up whose
// NormType-norm exceeds MaxNorm is first scaled in place by
// MaxNorm / (norm + 1e-7), as PyTorch.
type EmbeddingOptions struct {
	PaddingIdx        int64
	HasPaddingIdx     bool
	MaxNorm, NormType float64
}

func DefaultEmbeddingOptions() EmbeddingOptions {
	o := native.Dl_embedding_defaults()
	defer native.DeleteEmbeddingOptions(o)
	return EmbeddingOptions{o.GetPaddingIdx(), o.GetHasPaddingIdx() != 0, o.GetMaxNorm(), o.GetNormType()}
}

func (o EmbeddingOptions) native() native.EmbeddingOptions {
	c := native.NewEmbeddingOptions()
	c.SetPaddingIdx(o.PaddingIdx)
	c.SetHasPaddingIdx(boolInt(o.HasPaddingIdx))
	c.SetMaxNorm(o.MaxNorm)
	c.SetNormType(o.NormType)
	return c
}

// NewEmbedding is nn.Embedding: parameter "weight" [numEmbeddings,
// embeddingDim] from N(0, 1); Forward takes int64 or int32 indices of any
// shape and gives [*indices, embeddingDim].
func NewEmbedding(numEmbeddings, embeddingDim int64, o EmbeddingOptions) (*Module, error) {
	c := o.native()
	defer native.DeleteEmbeddingOptions(c)
	return newLayer(func(h *uintptr) error { return native.Dl_embedding_new(numEmbeddings, embeddingDim, c, h) })
}

// Embedding is F.embedding: the rows of weight [num, dim] at int64 or int32
// indices of any shape -> [*indices, dim]; with o.MaxNorm, the rows looked up
// are first renormalized in place (not recorded).
func Embedding(indices, weight *Tensor, o EmbeddingOptions) (*Tensor, error) {
	defer runtime.KeepAlive(indices)
	defer runtime.KeepAlive(weight)
	c := o.native()
	defer native.DeleteEmbeddingOptions(c)
	var out uintptr
	return tensorOf(&out, native.Dl_embedding(indices.handle(), weight.handle(), c, &out))
}
