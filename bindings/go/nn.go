package dl

import (
	"runtime"

	"libdl/dl/internal/native"
)

// Module is a libdl module (torch.nn.Module): a layer, a container, or your
// own model. Close releases this handle; a module lives on while a parent
// holds it.
type Module struct {
	h uintptr
}

// Forwarder is your model's forward, for NewModule.
type Forwarder interface {
	Forward(x *Tensor) (*Tensor, error)
}

// moduleOf is tensorOf for modules.
func moduleOf(h *uintptr, err error) (*Module, error) {
	if err != nil {
		return nil, err
	}
	m := &Module{h: *h}
	runtime.SetFinalizer(m, func(m *Module) { native.Dl_module_free(m.h) })
	return m, nil
}

// forwarder is the director libdl calls for a custom module's forward.
type forwarder struct{ f Forwarder }

func (d *forwarder) Forward(self, x, outSlot int64) int {
	err := guard(func() error {
		var in uintptr
		if err := native.Dl_tensor_ref(uintptr(x), &in); err != nil {
			return err
		}
		input := newTensor(in)
		defer input.Close()
		y, err := d.f.Forward(input)
		if err != nil {
			return err
		}
		defer y.Close()
		var out uintptr
		if err := native.Dl_tensor_ref(y.h, &out); err != nil {
			return err
		}
		native.Dl_binding_put_handle(outSlot, int64(out)) // libdl takes this handle
		return nil
	})
	if err != nil {
		return keep(err)
	}
	return 0
}

func (d *forwarder) Released() {}

// NewModule is a custom module named typeName whose forward is f.Forward,
// the seeds' class Net(nn.Module):
//
//	type Net struct {
//		*dl.Module
//		fc1, fc2 *dl.Module
//	}
//	func (n *Net) Forward(x *dl.Tensor) (*dl.Tensor, error) { ... }
//
//	net := &Net{}
//	net.Module, _ = dl.NewModule("Net", net)
//	fc1, _ := dl.NewLinear(784, 128, true)
//	net.fc1, _ = net.Register("fc1", fc1)
//
// libdl holds f until the module is destroyed (Close it).
func NewModule(typeName string, f Forwarder) (*Module, error) {
	cb := native.NewDirectorForwardCallback(&forwarder{f})
	var out uintptr
	if err := native.Dl_binding_module_new(typeName, cb, &out); err != nil {
		native.DeleteDirectorForwardCallback(cb)
		return nil, err
	}
	return moduleOf(&out, nil)
}

// Close releases the module handle.
func (m *Module) Close() {
	if m == nil || m.h == 0 {
		return
	}
	runtime.SetFinalizer(m, nil)
	native.Dl_module_free(m.h)
	m.h = 0
}

// handle is m's libdl handle (NOTE [handles in flight] in tensor.go).
func (m *Module) handle() uintptr {
	if m == nil {
		return 0
	}
	return m.h
}

// Forward is y = m(x), recorded by autograd.
func (m *Module) Forward(x *Tensor) (*Tensor, error) {
	defer runtime.KeepAlive(m)
	defer runtime.KeepAlive(x)
	var out uintptr
	err := withCallbacks(func() error { return native.Dl_module_forward(m.handle(), x.handle(), &out) })
	return tensorOf(&out, err)
}

// Register adds child under name (as self.fc1 = ... in __init__) and returns it.
func (m *Module) Register(name string, child *Module) (*Module, error) {
	defer runtime.KeepAlive(m)
	defer runtime.KeepAlive(child)
	return child, native.Dl_module_register(m.handle(), name, child.handle())
}

// Append adds child to a Sequential.
func (m *Module) Append(child *Module) error {
	defer runtime.KeepAlive(m)
	defer runtime.KeepAlive(child)
	return native.Dl_module_append(m.handle(), child.handle())
}

// RegisterParameter adds t as a parameter named name (it becomes a leaf that requires grad).
func (m *Module) RegisterParameter(name string, t *Tensor) error {
	defer runtime.KeepAlive(m)
	defer runtime.KeepAlive(t)
	return native.Dl_module_register_parameter(m.handle(), name, t.handle())
}

func (m *Module) Train() error {
	defer runtime.KeepAlive(m)
	return native.Dl_module_train(m.handle(), 1)
}
func (m *Module) Eval() error {
	defer runtime.KeepAlive(m)
	return native.Dl_module_train(m.handle(), 0)
}

func (m *Module) IsTraining() (bool, error) {
	defer runtime.KeepAlive(m)
	var on int32
	err := native.Dl_module_is_training(m.handle(), &on)
	return on != 0, err
}

// TypeName is the module's type ("Linear", or a custom module's name).
func (m *Module) TypeName() (string, error) {
	defer runtime.KeepAlive(m)
	var name string
	return name, native.Dl_module_type_name(m.handle(), &name)
}

// Parameters are the parameter tensors, recursive, in registration order.
func (m *Module) Parameters() ([]*Tensor, error) {
	defer runtime.KeepAlive(m)
	var n int64
	if err := native.Dl_module_num_parameters(m.handle(), &n); err != nil {
		return nil, err
	}
	ps := make([]*Tensor, 0, n)
	for i := int64(0); i < n; i++ {
		var h uintptr
		if err := native.Dl_module_parameter(m.handle(), i, &h); err != nil {
			return nil, err
		}
		ps = append(ps, newTensor(h))
	}
	return ps, nil
}

// ParameterName is the dotted name of parameter i ("fc1.weight").
func (m *Module) ParameterName(i int64) (string, error) {
	defer runtime.KeepAlive(m)
	var name string
	return name, native.Dl_binding_parameter_name(m.handle(), i, &name)
}

// Parameter is the parameter named name ("fc1.weight").
func (m *Module) Parameter(name string) (*Tensor, error) {
	defer runtime.KeepAlive(m)
	var out uintptr
	return tensorOf(&out, native.Dl_module_named_parameter(m.handle(), name, &out))
}

// Save writes parameters and buffers as safetensors, atomically; Load reads them back.
func (m *Module) Save(path string) error {
	defer runtime.KeepAlive(m)
	return native.Dl_module_save(m.handle(), path)
}
func (m *Module) Load(path string) error {
	defer runtime.KeepAlive(m)
	return native.Dl_module_load(m.handle(), path)
}

// ---- layers (torch.nn)

func NewLinear(in, out int64, bias bool) (*Module, error) {
	var h uintptr
	return moduleOf(&h, native.Dl_linear_new(in, out, boolInt(bias), &h))
}

// NewSequential applies children in order.
func NewSequential(children ...*Module) (*Module, error) {
	var h uintptr
	seq, err := moduleOf(&h, native.Dl_sequential_new(&h))
	for _, c := range children {
		if err == nil {
			err = seq.Append(c)
		}
	}
	return seq, err
}

// newLayer is a module made by a native constructor.
func newLayer(make func(*uintptr) error) (*Module, error) {
	var h uintptr
	return moduleOf(&h, make(&h))
}

func NewReLU() (*Module, error)     { return newLayer(native.Dl_relu_new) }
func NewSigmoid() (*Module, error)  { return newLayer(native.Dl_sigmoid_new) }
func NewTanh() (*Module, error)     { return newLayer(native.Dl_tanh_new) }
func NewIdentity() (*Module, error) { return newLayer(native.Dl_identity_new) }

func NewLeakyReLU(negativeSlope float64) (*Module, error) {
	return newLayer(func(h *uintptr) error { return native.Dl_leaky_relu_new(negativeSlope, h) })
}
func NewELU(alpha float64) (*Module, error) {
	return newLayer(func(h *uintptr) error { return native.Dl_elu_new(alpha, h) })
}
func NewGELU(approximateTanh bool) (*Module, error) {
	return newLayer(func(h *uintptr) error { return native.Dl_gelu_new(boolInt(approximateTanh), h) })
}
func NewSoftmax(dim int64) (*Module, error) {
	return newLayer(func(h *uintptr) error { return native.Dl_softmax_new(dim, h) })
}
func NewLogSoftmax(dim int64) (*Module, error) {
	return newLayer(func(h *uintptr) error { return native.Dl_log_softmax_new(dim, h) })
}

// NewFlatten merges dims startDim..endDim (nn.Flatten(): 1, -1).
func NewFlatten(startDim, endDim int64) (*Module, error) {
	return newLayer(func(h *uintptr) error { return native.Dl_flatten_new(startDim, endDim, h) })
}

// NewDropout and NewDropout2d: active in train mode, the identity in eval.
func NewDropout(p float64) (*Module, error) {
	return newLayer(func(h *uintptr) error { return native.Dl_dropout_new(p, h) })
}
func NewDropout2d(p float64) (*Module, error) {
	return newLayer(func(h *uintptr) error { return native.Dl_dropout2d_new(p, h) })
}

// ---- functional forms (torch.nn.functional)

// Linear is x [*, K] by weight [M, K] plus bias [M] (nil: none) -> [*, M].
func Linear(x, weight, bias *Tensor) (*Tensor, error) {
	defer runtime.KeepAlive(x)
	defer runtime.KeepAlive(weight)
	defer runtime.KeepAlive(bias)
	var out uintptr
	return tensorOf(&out, native.Dl_linear(x.handle(), weight.handle(), bias.handle(), &out))
}

// Dropout zeroes elements with probability p when training, scaling the rest by 1 / (1 - p).
func Dropout(x *Tensor, p float64, training bool) (*Tensor, error) {
	defer runtime.KeepAlive(x)
	var out uintptr
	return tensorOf(&out, native.Dl_dropout(x.handle(), p, boolInt(training), &out))
}

// Reduction is how a loss reduces over elements, as dl_reduction.
type Reduction int

const (
	ReductionNone Reduction = iota
	ReductionMean
	ReductionSum
)

func loss(make func(*uintptr) error) (*Tensor, error) {
	var out uintptr
	return tensorOf(&out, make(&out))
}

// CrossEntropy of logits [N, C] against int64 classes [N].
func CrossEntropy(logits, target *Tensor, r Reduction) (*Tensor, error) {
	defer runtime.KeepAlive(logits)
	defer runtime.KeepAlive(target)
	return loss(func(out *uintptr) error {
		return native.Dl_cross_entropy(logits.handle(), target.handle(), native.Dl_reduction(r), out)
	})
}

// NLLLoss of log-probabilities [N, C] (from LogSoftmax) against int64 classes [N].
func NLLLoss(logProbs, target *Tensor, r Reduction) (*Tensor, error) {
	defer runtime.KeepAlive(logProbs)
	defer runtime.KeepAlive(target)
	return loss(func(out *uintptr) error {
		return native.Dl_nll_loss(logProbs.handle(), target.handle(), native.Dl_reduction(r), out)
	})
}

// MSELoss: (input - target)^2; L1Loss: |input - target|.
func MSELoss(input, target *Tensor, r Reduction) (*Tensor, error) {
	defer runtime.KeepAlive(input)
	defer runtime.KeepAlive(target)
	return loss(func(out *uintptr) error {
		return native.Dl_mse_loss(input.handle(), target.handle(), native.Dl_reduction(r), out)
	})
}
func L1Loss(input, target *Tensor, r Reduction) (*Tensor, error) {
	defer runtime.KeepAlive(input)
	defer runtime.KeepAlive(target)
	return loss(func(out *uintptr) error {
		return native.Dl_l1_loss(input.handle(), target.handle(), native.Dl_reduction(r), out)
	})
}

// BCELoss of probabilities in [0, 1]; weight (nil: none) broadcasts to them.
func BCELoss(input, target, weight *Tensor, r Reduction) (*Tensor, error) {
	defer runtime.KeepAlive(input)
	defer runtime.KeepAlive(target)
	defer runtime.KeepAlive(weight)
	return loss(func(out *uintptr) error {
		return native.Dl_bce_loss(input.handle(), target.handle(), weight.handle(), native.Dl_reduction(r), out)
	})
}

// BCEWithLogitsLoss of logits; weight and posWeight (per class) may be nil.
func BCEWithLogitsLoss(input, target, weight, posWeight *Tensor, r Reduction) (*Tensor, error) {
	defer runtime.KeepAlive(input)
	defer runtime.KeepAlive(target)
	defer runtime.KeepAlive(weight)
	defer runtime.KeepAlive(posWeight)
	return loss(func(out *uintptr) error {
		return native.Dl_bce_with_logits_loss(input.handle(), target.handle(), weight.handle(), posWeight.handle(),
			native.Dl_reduction(r), out)
	})
}
