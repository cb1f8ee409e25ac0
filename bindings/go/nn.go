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

func moduleOf(h uintptr, err error) (*Module, error) {
	if err != nil {
		return nil, err
	}
	m := &Module{h: h}
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
	return moduleOf(out, nil)
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

func (m *Module) handle() uintptr {
	if m == nil {
		return 0
	}
	return m.h
}

// Forward is y = m(x), recorded by autograd.
func (m *Module) Forward(x *Tensor) (*Tensor, error) {
	var out uintptr
	err := withCallbacks(func() error { return native.Dl_module_forward(m.handle(), x.handle(), &out) })
	return tensorOf(out, err)
}

// Register adds child under name (as self.fc1 = ... in __init__) and returns it.
func (m *Module) Register(name string, child *Module) (*Module, error) {
	return child, native.Dl_module_register(m.handle(), name, child.handle())
}

// Append adds child to a Sequential.
func (m *Module) Append(child *Module) error { return native.Dl_module_append(m.handle(), child.handle()) }

func (m *Module) Train() error { return native.Dl_module_train(m.handle(), 1) }
func (m *Module) Eval() error  { return native.Dl_module_train(m.handle(), 0) }

// Parameters are the parameter tensors, recursive, in registration order.
func (m *Module) Parameters() ([]*Tensor, error) {
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
	var name string
	return name, native.Dl_binding_parameter_name(m.handle(), i, &name)
}

// Parameter is the parameter named name ("fc1.weight").
func (m *Module) Parameter(name string) (*Tensor, error) {
	var out uintptr
	return tensorOf(out, native.Dl_module_named_parameter(m.handle(), name, &out))
}

// Save writes parameters and buffers as safetensors, atomically; Load reads them back.
func (m *Module) Save(path string) error { return native.Dl_module_save(m.handle(), path) }
func (m *Module) Load(path string) error { return native.Dl_module_load(m.handle(), path) }

// ---- layers (torch.nn)

func NewLinear(in, out int64, bias bool) (*Module, error) {
	var h uintptr
	return moduleOf(h, native.Dl_linear_new(in, out, boolInt(bias), &h))
}

// NewSequential applies children in order.
func NewSequential(children ...*Module) (*Module, error) {
	var h uintptr
	seq, err := moduleOf(h, native.Dl_sequential_new(&h))
	for _, c := range children {
		if err == nil {
			err = seq.Append(c)
		}
	}
	return seq, err
}

func NewReLU() (*Module, error) {
	var h uintptr
	return moduleOf(h, native.Dl_relu_new(&h))
}

func NewTanh() (*Module, error) {
	var h uintptr
	return moduleOf(h, native.Dl_tanh_new(&h))
}

func NewDropout(p float64) (*Module, error) {
	var h uintptr
	return moduleOf(h, native.Dl_dropout_new(p, &h))
}

// ---- functional forms (torch.nn.functional)

// CrossEntropy of logits [N, C] against int64 classes [N], averaged.
func CrossEntropy(logits, target *Tensor) (*Tensor, error) {
	var out uintptr
	return tensorOf(out, native.Dl_cross_entropy(logits.handle(), target.handle(), native.Dl_reduction(native.DL_REDUCTION_MEAN), &out))
}

// MSELoss of input against target, averaged.
func MSELoss(input, target *Tensor) (*Tensor, error) {
	var out uintptr
	return tensorOf(out, native.Dl_mse_loss(input.handle(), target.handle(), native.Dl_reduction(native.DL_REDUCTION_MEAN), &out))
}
