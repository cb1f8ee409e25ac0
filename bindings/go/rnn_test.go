package dl

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"libdl/dl/internal/native"
)

// The recurrent layers, cells and embeddings against closed forms computed
// here with one hidden unit, PyTorch's shapes and parameter names, padded
// batches against each sequence alone, training, errors and memory.

// rnnX is x [T = 3, B = 2, 1]; its first two values are the first step [B = 2, 1].
var rnnX = []float32{0.5, -1.0, 1.5, 0.25, -0.75, 2.0}

func sigmoid(v float64) float64 { return 1 / (1 + math.Exp(-v)) }

// setParameter copies values into m's parameter name.
func setParameter(t *testing.T, m *Module, name string, values ...float32) {
	t.Helper()
	p := must[*Tensor](t)(m.Parameter(name))
	defer p.Close()
	if err := p.CopyFrom(values); err != nil {
		t.Fatal(err)
	}
}

// setWeights sets m's weight_ih, weight_hh, bias_ih and bias_hh, each name
// with suffix ("_l0" for a layer, "" for a cell).
func setWeights(t *testing.T, m *Module, suffix string, wIh, wHh, bIh, bHh []float32) {
	t.Helper()
	setParameter(t, m, "weight_ih"+suffix, wIh...)
	setParameter(t, m, "weight_hh"+suffix, wHh...)
	setParameter(t, m, "bias_ih"+suffix, bIh...)
	setParameter(t, m, "bias_hh"+suffix, bHh...)
}

// expectShape fails t unless x has shape want.
func expectShape(t *testing.T, what string, x *Tensor, want ...int64) {
	t.Helper()
	if shape := must[[]int64](t)(x.Shape()); !reflect.DeepEqual(shape, want) {
		t.Fatalf("%s: shape %v, want %v", what, shape, want)
	}
}

// expectError fails t unless err is libdl's status with a message containing each of parts.
func expectError(t *testing.T, err error, status int, parts ...string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Status != status {
		t.Fatalf("err = %v, want status %d", err, status)
	}
	for _, p := range parts {
		if !strings.Contains(e.Message, p) {
			t.Fatalf("%q does not contain %q", e.Message, p)
		}
	}
}

// names are m's parameter names, in order.
func names(t *testing.T, m *Module) []string {
	t.Helper()
	var ns []string
	for i := range must[[]*Tensor](t)(m.Parameters()) {
		ns = append(ns, must[string](t)(m.ParameterName(int64(i))))
	}
	return ns
}

// RNN(1, 1), w_ih 1.2, w_hh 0.5, b_ih 0.1, b_hh -0.3: h_t = tanh (or relu)
// of 1.2 x_t - 0.2 + 0.5 h_{t-1}.
func TestRNNAgainstItsRecurrence(t *testing.T) {
	for _, nonlinearity := range []Nonlinearity{NonlinearityTanh, NonlinearityReLU} {
		o := DefaultRNNOptions()
		o.Nonlinearity = nonlinearity
		rnn := must[*RNN](t)(NewRNN(1, 1, o))
		setWeights(t, rnn.Module, "_l0", []float32{1.2}, []float32{0.5}, []float32{0.1}, []float32{-0.3})
		x := must[*Tensor](t)(FromFloat32(rnnX, 3, 2, 1))
		r := must[*RNNOutput](t)(rnn.ForwardStates(x, must[*Tensor](t)(FromFloat32([]float32{0.4, -0.2}, 1, 2, 1))))
		want, h := make([]float64, 6), []float64{0.4, -0.2}
		for step := 0; step < 3; step++ {
			for b := 0; b < 2; b++ {
				pre := 1.2*float64(rnnX[step*2+b]) - 0.2 + 0.5*h[b]
				if nonlinearity == NonlinearityReLU {
					h[b] = math.Max(pre, 0)
				} else {
					h[b] = math.Tanh(pre)
				}
				want[step*2+b] = h[b]
			}
		}
		expectShape(t, "output", r.Output, 3, 2, 1)
		expectShape(t, "h_n", r.HN, 1, 2, 1)
		if r.CN != nil {
			t.Fatal("an RNN has a c_n")
		}
		near(t, "output", float64s(t)(r.Output, nil), want, 1e-5)
		near(t, "h_n", float64s(t)(r.HN, nil), h, 1e-5)
		// Forward(x) (as a Sequential calls it) starts from zeros, as ForwardStates(x, nil)
		fromZeros := must[*RNNOutput](t)(rnn.ForwardStates(x, nil))
		near(t, "Forward", float64s(t)(rnn.Forward(x)), float64s(t)(fromZeros.Output, nil), 0)
		rnn.Close()
	}
}

// LSTM(1, 1), gates i, f, g, o: w_ih {0.5, -0.3, 0.8, 0.2}, w_hh {0.1, 0.4,
// -0.6, 0.7}, b_ih + b_hh {0.1, 0.2, 0, -0.1}, from h0 = 0 and a given c0; its
// first step is LSTMCell's with the same weights.
func TestLSTMAgainstItsGatesAndItsFirstStepTheCell(t *testing.T) {
	wIh, wHh, bias := []float64{0.5, -0.3, 0.8, 0.2}, []float64{0.1, 0.4, -0.6, 0.7}, []float64{0.1, 0.2, 0, -0.1}
	wIhF, wHhF := []float32{0.5, -0.3, 0.8, 0.2}, []float32{0.1, 0.4, -0.6, 0.7}
	lstm := must[*LSTM](t)(NewLSTM(1, 1, DefaultRNNOptions()))
	defer lstm.Close()
	setWeights(t, lstm.Module, "_l0", wIhF, wHhF, []float32{0.05, 0.1, 0.5, 0}, []float32{0.05, 0.1, -0.5, -0.1})
	x := must[*Tensor](t)(FromFloat32(rnnX, 3, 2, 1))
	r := must[*RNNOutput](t)(lstm.ForwardStates(x, nil, must[*Tensor](t)(FromFloat32([]float32{1.0, -0.5}, 1, 2, 1))))
	defer r.Close()
	want, h, c := make([]float64, 6), []float64{0, 0}, []float64{1.0, -0.5}
	firstH, firstC := make([]float64, 2), make([]float64, 2)
	for step := 0; step < 3; step++ {
		for k := 0; k < 2; k++ {
			var g [4]float64
			for j := range g {
				g[j] = wIh[j]*float64(rnnX[step*2+k]) + wHh[j]*h[k] + bias[j]
			}
			c[k] = sigmoid(g[1])*c[k] + sigmoid(g[0])*math.Tanh(g[2])
			h[k] = sigmoid(g[3]) * math.Tanh(c[k])
			want[step*2+k] = h[k]
			if step == 0 {
				firstH[k], firstC[k] = h[k], c[k]
			}
		}
	}
	near(t, "output", float64s(t)(r.Output, nil), want, 1e-5)
	near(t, "h_n", float64s(t)(r.HN, nil), h, 1e-5)
	near(t, "c_n", float64s(t)(r.CN, nil), c, 1e-5)

	cell := must[*LSTMCell](t)(NewLSTMCell(1, 1, true))
	defer cell.Close()
	setWeights(t, cell.Module, "", wIhF, wHhF, []float32{0.1, 0.2, 0, -0.1}, make([]float32, 4))
	h1, c1, err := cell.ForwardStates(must[*Tensor](t)(FromFloat32(rnnX[:2], 2, 1)), nil,
		must[*Tensor](t)(FromFloat32([]float32{1.0, -0.5}, 2, 1)))
	near(t, "cell h'", float64s(t)(h1, err), firstH, 1e-5)
	near(t, "cell c'", float64s(t)(c1, nil), firstC, 1e-5)
}

// GRUCell(1, 1), gates r, z, n: h' = (1 - z) n + z h; a one-step GRU is the
// cell; RNNCell without biases.
func TestCellsAgainstClosedForms(t *testing.T) {
	wIh, wHh, bIh, bHh := []float32{0.5, -0.4, 0.9}, []float32{0.3, 0.2, -0.7}, []float32{0.1, 0, 0.2}, []float32{0, 0.3, -0.1}
	gru := must[*GRUCell](t)(NewGRUCell(1, 1, true))
	defer gru.Close()
	setWeights(t, gru.Module, "", wIh, wHh, bIh, bHh)
	layer := must[*GRU](t)(NewGRU(1, 1, DefaultRNNOptions()))
	defer layer.Close()
	setWeights(t, layer.Module, "_l0", wIh, wHh, bIh, bHh)
	x := must[*Tensor](t)(FromFloat32(rnnX[:2], 2, 1))
	h := must[*Tensor](t)(FromFloat32([]float32{0.6, -0.3}, 2, 1))
	hv, want := []float64{0.6, -0.3}, make([]float64, 2)
	for k := range want {
		xk := float64(rnnX[k])
		r, z := sigmoid(0.5*xk+0.1+0.3*hv[k]), sigmoid(-0.4*xk+0.2*hv[k]+0.3)
		n := math.Tanh(0.9*xk + 0.2 + r*(-0.7*hv[k]-0.1))
		want[k] = (1-z)*n + z*hv[k]
	}
	near(t, "GRUCell", float64s(t)(gru.ForwardStates(x, h)), want, 1e-5)
	one := must[*RNNOutput](t)(layer.ForwardStates(must[*Tensor](t)(x.Reshape(1, 2, 1)),
		must[*Tensor](t)(h.Reshape(1, 2, 1))))
	near(t, "one-step GRU output", float64s(t)(one.Output, nil), want, 1e-5)
	near(t, "one-step GRU h_n", float64s(t)(one.HN, nil), want, 1e-5)

	relu := must[*RNNCell](t)(NewRNNCell(1, 1, false, NonlinearityReLU))
	defer relu.Close()
	if ns := names(t, relu.Module); !reflect.DeepEqual(ns, []string{"weight_ih", "weight_hh"}) {
		t.Fatalf("RNNCell without bias: %v", ns)
	}
	setParameter(t, relu.Module, "weight_ih", 2)
	setParameter(t, relu.Module, "weight_hh", -1)
	near(t, "RNNCell", float64s(t)(relu.ForwardStates(x, h)), []float64{2*0.5 - 0.6, 0}, 1e-6)
	near(t, "RNNCell from h = 0", float64s(t)(relu.Forward(x)), []float64{1, 0}, 1e-6)
}

// Two layers, bidirectional, batch_first, proj_size 3: PyTorch's names, shapes and order.
func TestRecurrentShapesAndNamesArePyTorchs(t *testing.T) {
	o := DefaultRNNOptions()
	o.NumLayers, o.Bidirectional, o.BatchFirst, o.ProjSize = 2, true, true, 3
	lstm := must[*LSTM](t)(NewLSTM(5, 4, o))
	defer lstm.Close()
	var want []string
	for layer := 0; layer < 2; layer++ {
		for _, direction := range []string{"", "_reverse"} {
			for _, name := range []string{"weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"} {
				want = append(want, fmt.Sprintf("%s_l%d%s", name, layer, direction))
			}
		}
	}
	if ns := names(t, lstm.Module); !reflect.DeepEqual(ns, want) {
		t.Fatalf("names %v, want %v", ns, want)
	}
	expectShape(t, "weight_ih_l0 (4 gates x 4 hidden)", must[*Tensor](t)(lstm.Parameter("weight_ih_l0")), 16, 5)
	expectShape(t, "weight_hh_l0_reverse", must[*Tensor](t)(lstm.Parameter("weight_hh_l0_reverse")), 16, 3)
	expectShape(t, "weight_hr_l0", must[*Tensor](t)(lstm.Parameter("weight_hr_l0")), 3, 4)
	expectShape(t, "weight_ih_l1_reverse (2 directions x 3)", must[*Tensor](t)(lstm.Parameter("weight_ih_l1_reverse")), 16, 6)
	x := must[*Tensor](t)(Randn(Float32, 2, 7, 5))
	r := must[*RNNOutput](t)(lstm.ForwardStates(x, nil, nil))
	expectShape(t, "output", r.Output, 2, 7, 6)
	expectShape(t, "h_n", r.HN, 4, 2, 3)
	expectShape(t, "c_n", r.CN, 4, 2, 4)
	fromZeros := must[*RNNOutput](t)(lstm.ForwardStates(x, must[*Tensor](t)(Zeros(Float32, 4, 2, 3)),
		must[*Tensor](t)(Zeros(Float32, 4, 2, 4))))
	near(t, "zero initial states", float64s(t)(fromZeros.Output, nil), float64s(t)(r.Output, nil), 0)

	o = DefaultRNNOptions()
	o.Bidirectional = true
	gru := must[*GRU](t)(NewGRU(5, 4, o))
	defer gru.Close()
	r = must[*RNNOutput](t)(gru.ForwardStates(must[*Tensor](t)(Randn(Float32, 7, 2, 5)), nil))
	expectShape(t, "GRU output", r.Output, 7, 2, 8)
	expectShape(t, "GRU h_n", r.HN, 2, 2, 4)
	r = must[*RNNOutput](t)(gru.ForwardStates(must[*Tensor](t)(Randn(Float32, 7, 5)), nil))
	expectShape(t, "unbatched output", r.Output, 7, 8)
	expectShape(t, "unbatched h_n", r.HN, 2, 4)

	o = DefaultRNNOptions()
	o.NumLayers = 3
	rnn := must[*RNN](t)(NewRNN(5, 4, o))
	defer rnn.Close()
	r = must[*RNNOutput](t)(rnn.ForwardStates(must[*Tensor](t)(Randn(Float32, 7, 2, 5)), nil))
	expectShape(t, "3 layers' h_n", r.HN, 3, 2, 4)
	if name := names(t, rnn.Module)[9]; name != "weight_hh_l2" {
		t.Fatalf("parameter 9 is %q", name)
	}
}

// Entry 0 has 2 real steps of 3, entry 1 all 3: each gives what it gives
// alone, zeros past its end.
func TestPaddedBatchIsEachSequenceAlone(t *testing.T) {
	ManualSeed(4)
	o := DefaultRNNOptions()
	o.Bidirectional = true
	lstm := must[*LSTM](t)(NewLSTM(1, 2, o))
	defer lstm.Close()
	gru := must[*GRU](t)(NewGRU(1, 2, o))
	defer gru.Close()
	x := must[*Tensor](t)(FromFloat32(rnnX, 3, 2, 1))
	lengths := []int64{2, 3}
	batch := []*RNNOutput{must[*RNNOutput](t)(lstm.ForwardPadded(x, lengths, nil, nil)),
		must[*RNNOutput](t)(gru.ForwardPadded(x, lengths, nil))}
	for entry := int64(0); entry < 2; entry++ {
		alone := must[*Tensor](t)(must[*Tensor](t)(x.Narrow(0, 0, lengths[entry])).Narrow(1, entry, 1))
		single := []*RNNOutput{must[*RNNOutput](t)(lstm.ForwardStates(alone, nil, nil)),
			must[*RNNOutput](t)(gru.ForwardStates(alone, nil))}
		for k := range batch {
			real := must[*Tensor](t)(batch[k].Output.Narrow(0, 0, lengths[entry]))
			near(t, fmt.Sprintf("output of entry %d", entry), float64s(t)(real.Select(1, entry)),
				float64s(t)(single[k].Output.Select(1, 0)), 1e-6)
			near(t, fmt.Sprintf("h_n of entry %d", entry), float64s(t)(batch[k].HN.Select(1, entry)),
				float64s(t)(single[k].HN.Select(1, 0)), 1e-6)
		}
		near(t, fmt.Sprintf("c_n of entry %d", entry), float64s(t)(batch[0].CN.Select(1, entry)),
			float64s(t)(single[0].CN.Select(1, 0)), 1e-6)
	}
	for _, r := range batch {
		past := must[*Tensor](t)(r.Output.Select(0, 2))
		near(t, "past the end", float64s(t)(past.Select(0, 0)), []float64{0, 0, 0, 0}, 0)
	}
}

func TestEmbeddingLooksUpRowsAndPaddingGetsNoGradient(t *testing.T) {
	ManualSeed(2)
	o := DefaultEmbeddingOptions()
	o.HasPaddingIdx, o.PaddingIdx = true, 0
	emb := must[*Module](t)(NewEmbedding(6, 3, o))
	defer emb.Close()
	w := must[*Tensor](t)(emb.Parameter("weight"))
	rows := must[[]float64](t)(w.Float64s())
	near(t, "the padding row starts at zeros", rows[:3], []float64{0, 0, 0}, 0)
	idx := []int64{5, 0, 2, 5}
	out := must[*Tensor](t)(emb.Forward(must[*Tensor](t)(FromInt64(idx, 2, 2))))
	expectShape(t, "lookup", out, 2, 2, 3)
	var want []float64
	for _, i := range idx {
		want = append(want, rows[i*3:i*3+3]...)
	}
	near(t, "lookup", must[[]float64](t)(out.Float64s()), want, 0)
	must[struct{}](t)(struct{}{}, must[*Tensor](t)(out.Sum(false)).Backward(nil))
	// each row's gradient is how often it was looked up, but the padding row's
	near(t, "weight grad", float64s(t)(w.Grad()), []float64{0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 2, 2, 2}, 0)

	renorm := DefaultEmbeddingOptions()
	renorm.MaxNorm = 1
	table := must[*Tensor](t)(FromFloat32([]float32{3, 4, 0.3, 0.4, 6, 8}, 3, 2))
	scale := 1 / (5 + 1e-7) // max_norm / (norm + 1e-7) for row 0; row 1's norm is under 1
	near(t, "renormalized rows", float64s(t)(Embedding(must[*Tensor](t)(FromInt64([]int64{0, 1}, 2)), table, renorm)),
		[]float64{3 * scale, 4 * scale, 0.3, 0.4}, 1e-6)
	near(t, "in place, row 2 not looked up", must[[]float64](t)(table.Float64s()), []float64{3 * scale, 4 * scale, 0.3, 0.4, 6, 8}, 1e-6)
	near(t, "int32 indices", float64s(t)(Embedding(must[*Tensor](t)(FromInt32([]int32{1}, 1)), table,
		DefaultEmbeddingOptions())), []float64{0.3, 0.4}, 1e-7)
}

// An Embedding and an LSTM in a Sequential: the LSTM's output from zero states.
func TestEmbeddingAndLSTMInsideSequential(t *testing.T) {
	emb := must[*Module](t)(NewEmbedding(10, 4, DefaultEmbeddingOptions()))
	lstm := must[*LSTM](t)(NewLSTM(4, 3, DefaultRNNOptions()))
	seq := must[*Module](t)(NewSequential(emb, lstm.Module))
	defer seq.Close()
	idx := must[*Tensor](t)(Randint(0, 10, 5, 2))
	y := must[*Tensor](t)(seq.Forward(idx))
	expectShape(t, "Sequential", y, 5, 2, 3)
	r := must[*RNNOutput](t)(lstm.ForwardStates(must[*Tensor](t)(emb.Forward(idx)), nil, nil))
	near(t, "Sequential", float64s(t)(y, nil), float64s(t)(r.Output, nil), 0)
	if name := names(t, seq)[1]; name != "1.weight_ih_l0" {
		t.Fatalf("parameter 1 is %q", name)
	}
}

// sequenceClassifier is seed 003's LSTM classifier: an LSTM child whose last
// step a Linear classifies, in a module of our own.
type sequenceClassifier struct {
	lstm *LSTM
	fc   *Module
}

func (n *sequenceClassifier) Forward(x *Tensor) (*Tensor, error) {
	r, err := n.lstm.ForwardStates(x, nil, nil)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	last, err := r.Output.Select(1, -1)
	if err != nil {
		return nil, err
	}
	defer last.Close()
	return n.fc.Forward(last)
}

// Is a sequence's sum positive: 60 Adam steps on one batch of 16 take the
// loss below a third of the first.
func TestModuleWithAnLSTMChildTrains(t *testing.T) {
	ManualSeed(5)
	impl := &sequenceClassifier{}
	net := must[*Module](t)(NewModule("SequenceClassifier", impl))
	defer net.Close()
	o := DefaultRNNOptions()
	o.BatchFirst = true
	impl.lstm = must[*LSTM](t)(NewLSTM(1, 8, o))
	defer impl.lstm.Close()
	must[*Module](t)(net.Register("lstm", impl.lstm.Module))
	impl.fc = must[*Module](t)(NewLinear(8, 2, true))
	defer impl.fc.Close()
	must[*Module](t)(net.Register("fc", impl.fc))
	want := []string{"lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0", "fc.weight", "fc.bias"}
	if ns := names(t, net); !reflect.DeepEqual(ns, want) {
		t.Fatalf("names %v", ns)
	}
	ao := DefaultAdamOptions()
	ao.LR = 0.05
	opt := must[*Optimizer](t)(NewAdam(net, ao))
	defer opt.Close()
	xs := must[[]float32](t)(must[*Tensor](t)(Randn(Float32, 16, 6, 1)).Float32s())
	labels := make([]int64, 16)
	for b := range labels {
		var sum float32
		for _, v := range xs[b*6 : b*6+6] {
			sum += v
		}
		if sum > 0 {
			labels[b] = 1
		}
	}
	x := must[*Tensor](t)(FromFloat32(xs, 16, 6, 1))
	y := must[*Tensor](t)(FromInt64(labels, 16))
	var first, last float64
	for step := 0; step < 60; step++ {
		s := must[*Scope](t)(NewScope())
		opt.ZeroGrad()
		loss := must[*Tensor](t)(CrossEntropy(must[*Tensor](t)(net.Forward(x)), y, ReductionMean))
		must[struct{}](t)(struct{}{}, loss.Backward(nil))
		must[struct{}](t)(struct{}{}, opt.Step())
		last = must[float64](t)(loss.Item())
		if step == 0 {
			first = last
		}
		s.Close()
	}
	if !(last < first/3) {
		t.Fatalf("loss %v -> %v", first, last)
	}
}

func TestRecurrentErrorsCarryLibdlsMessage(t *testing.T) {
	lstm := must[*LSTM](t)(NewLSTM(1, 2, DefaultRNNOptions()))
	defer lstm.Close()
	gru := must[*GRU](t)(NewGRU(1, 2, DefaultRNNOptions()))
	defer gru.Close()
	x := must[*Tensor](t)(FromFloat32(rnnX, 3, 2, 1))
	_, err := lstm.ForwardStates(must[*Tensor](t)(Zeros(Float32, 3, 2, 2)), nil, nil)
	expectError(t, err, StatusShape, "dl_lstm_forward", "input_size")
	_, err = gru.ForwardStates(x, must[*Tensor](t)(Zeros(Float32, 1, 3, 2)))
	expectError(t, err, StatusShape, "'h0' must have shape [1, 2, 2]")
	_, err = gru.ForwardPadded(x, []int64{3}, nil)
	expectError(t, err, StatusShape, "1 lengths for a batch of 2")
	_, err = lstm.ForwardPadded(x, []int64{0, 3}, nil, nil)
	expectError(t, err, StatusInvalidArgument, "length 0")
	_, err = gru.ForwardPadded(x, nil, nil)
	expectError(t, err, StatusInvalidArgument, "'lengths'")
	_, err = Embedding(must[*Tensor](t)(FromInt64([]int64{4}, 1)), must[*Tensor](t)(Zeros(Float32, 4, 2)),
		DefaultEmbeddingOptions())
	expectError(t, err, StatusInvalidArgument, "index 4")
	_, err = NewRNNCell(1, 2, true, Nonlinearity(3))
	expectError(t, err, StatusInvalidArgument, "nonlinearity")
	o := DefaultRNNOptions()
	o.ProjSize = 4
	_, err = NewLSTM(3, 4, o)
	expectError(t, err, StatusInvalidArgument, "proj_size")
	// A nil out-argument reaches libdl as NULL: a nullable result is left
	// out, a required one is libdl's error.
	var out, hOut uintptr
	if err := native.Dl_rnn_forward(gru.handle(), x.handle(), 0, &out, nil); err != nil {
		t.Fatal(err)
	}
	expectShape(t, "output without h_n", newTensor(out), 3, 2, 2)
	cell := must[*LSTMCell](t)(NewLSTMCell(1, 2, true))
	defer cell.Close()
	x0 := must[*Tensor](t)(x.Select(0, 0))
	expectError(t, native.Dl_lstm_cell_forward(cell.handle(), x0.handle(), 0, 0, &hOut, nil), StatusInvalidArgument,
		"'c_out'")
	// a closed layer is libdl's error, not a crash
	gru.Close()
	_, err = gru.ForwardStates(x, nil)
	expectError(t, err, StatusInvalidArgument, "'m'")
}

// 1,500 scoped training steps of an LSTM fed its own initial states: resident
// memory at step 1,500 is where it was at 500, and the scope released what
// ForwardStates gave.
func TestScopedRecurrentStepsKeepMemoryFlat(t *testing.T) {
	ManualSeed(0)
	lstm := must[*LSTM](t)(NewLSTM(8, 32, DefaultRNNOptions()))
	defer lstm.Close()
	o := DefaultSGDOptions()
	o.LR = 0.01
	opt := must[*Optimizer](t)(NewSGD(lstm.Module, o))
	defer opt.Close()
	var kept *RNNOutput
	expectFlatMemory(t, 1500, 500, func() {
		kept = must[*RNNOutput](t)(lstm.ForwardStates(must[*Tensor](t)(Randn(Float32, 20, 16, 8)),
			must[*Tensor](t)(Randn(Float32, 1, 16, 32)), must[*Tensor](t)(Randn(Float32, 1, 16, 32))))
		opt.ZeroGrad()
		loss := must[*Tensor](t)(must[*Tensor](t)(kept.Output.Sum(false)).Add(must[*Tensor](t)(kept.CN.Sum(false))))
		must[struct{}](t)(struct{}{}, loss.Backward(nil))
		must[struct{}](t)(struct{}{}, opt.Step())
	})
	if _, err := kept.HN.Shape(); err == nil {
		t.Fatal("h_n outlived its scope")
	}
}
