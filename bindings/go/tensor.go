package dl

import (
	"fmt"
	"runtime"
	"sync"

	"libdl/dl/internal/native"
)

// Error is a failed libdl call: Status is its dl_status, Message names the
// function and the argument ("dl_matmul: shapes [2, 3] and [2, 3] ...").
type Error = native.Error

// DType is a tensor's element type, as dl_dtype.
type DType int

const (
	Float32 DType = iota
	Float64
	Int64
	Int32
	Uint8
	Bool
)

// Status codes of Error.Status, as dl_status.
const (
	StatusInvalidArgument = 1
	StatusShape           = 2
	StatusDType           = 3
	StatusDevice          = 4
	StatusOutOfMemory     = 5
	StatusIO              = 6
	StatusFormat          = 7
	StatusState           = 8
	StatusUnsupported     = 9
	StatusInternal        = 10
)

// releaseMu orders finalizers' frees with Scope.Close: a finalizer runs on
// its own thread and must not free a handle while dl_scope_end walks the
// scope's handles on another.
var releaseMu sync.Mutex

// Tensor is a libdl tensor (torch.Tensor). Data goes in and out as slices,
// contiguous and row-major.
type Tensor struct {
	h uintptr
}

func newTensor(h uintptr) *Tensor {
	t := &Tensor{h: h}
	runtime.SetFinalizer(t, func(t *Tensor) {
		releaseMu.Lock()
		native.Dl_tensor_free(t.h)
		releaseMu.Unlock()
	})
	return t
}

// tensorOf turns a result into a Tensor: the handle the call wrote to *h and
// its error. (A pointer: in tensorOf(out, f(&out)) Go does not say whether
// out is read before or after f runs.)
func tensorOf(h *uintptr, err error) (*Tensor, error) {
	if err != nil {
		return nil, err
	}
	return newTensor(*h), nil
}

// Close releases the tensor's handle (its memory, unless a graph or module still uses it).
func (t *Tensor) Close() {
	if t == nil || t.h == 0 {
		return
	}
	runtime.SetFinalizer(t, nil)
	native.Dl_tensor_free(t.h)
	t.h = 0
}

// handle is t's libdl handle, 0 for nil.
//
// NOTE [handles in flight]: a finalizer frees a handle once its value is
// unreachable, and a value's last use is often the handle() that read it, so
// a collection during the libdl call could free the handle under it. Every
// function that passes handles (of any kind) to libdl therefore defers
// runtime.KeepAlive of their values.
func (t *Tensor) handle() uintptr {
	if t == nil {
		return 0
	}
	return t.h
}

type unaryOp func(uintptr, *uintptr) error

func (t *Tensor) unary(op unaryOp) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	return tensorOf(&out, op(t.handle(), &out))
}

func (t *Tensor) binary(op func(uintptr, uintptr, *uintptr) error, o *Tensor) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	defer runtime.KeepAlive(o)
	var out uintptr
	return tensorOf(&out, op(t.handle(), o.handle(), &out))
}

func (t *Tensor) scalar(op func(uintptr, float64, *uintptr) error, s float64) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	return tensorOf(&out, op(t.handle(), s, &out))
}

// FromFloat32 copies data into a new float32 tensor of shape.
func FromFloat32(data []float32, shape ...int64) (*Tensor, error) {
	var out uintptr
	return tensorOf(&out, native.Dl_binding_from_float32(data, shape, &out))
}

// FromFloat64 copies data into a new float64 tensor of shape.
func FromFloat64(data []float64, shape ...int64) (*Tensor, error) {
	var out uintptr
	return tensorOf(&out, native.Dl_binding_from_float64(data, shape, &out))
}

// FromInt64 copies data into a new int64 tensor of shape (class labels).
func FromInt64(data []int64, shape ...int64) (*Tensor, error) {
	var out uintptr
	return tensorOf(&out, native.Dl_binding_from_int64(data, shape, &out))
}

// FromInt32 copies data into a new int32 tensor of shape.
func FromInt32(data []int32, shape ...int64) (*Tensor, error) {
	var out uintptr
	return tensorOf(&out, native.Dl_binding_from_int32(data, shape, &out))
}

// FromUint8 copies data into a new uint8 tensor of shape (image bytes).
func FromUint8(data []byte, shape ...int64) (*Tensor, error) {
	var out uintptr
	return tensorOf(&out, native.Dl_binding_from_uint8(data, shape, &out))
}

// Zeros, Ones, Full, Randn, Rand: new tensors of dtype.
func Zeros(dtype DType, shape ...int64) (*Tensor, error) {
	var out uintptr
	return tensorOf(&out, native.Dl_tensor_zeros(shape, native.Dl_dtype(dtype), &out))
}
func Ones(dtype DType, shape ...int64) (*Tensor, error) {
	var out uintptr
	return tensorOf(&out, native.Dl_tensor_ones(shape, native.Dl_dtype(dtype), &out))
}
func Full(value float64, dtype DType, shape ...int64) (*Tensor, error) {
	var out uintptr
	return tensorOf(&out, native.Dl_tensor_full(shape, value, native.Dl_dtype(dtype), &out))
}
func Randn(dtype DType, shape ...int64) (*Tensor, error) {
	var out uintptr
	return tensorOf(&out, native.Dl_tensor_randn(shape, native.Dl_dtype(dtype), &out))
}
func Rand(dtype DType, shape ...int64) (*Tensor, error) {
	var out uintptr
	return tensorOf(&out, native.Dl_tensor_rand(shape, native.Dl_dtype(dtype), &out))
}

// Randint: int64 integers uniform in [low, high).
func Randint(low, high int64, shape ...int64) (*Tensor, error) {
	var out uintptr
	return tensorOf(&out, native.Dl_tensor_randint(low, high, shape, native.Dl_dtype(Int64), &out))
}

// Arange: [start, end) by step.
func Arange(start, end, step float64, dtype DType) (*Tensor, error) {
	var out uintptr
	return tensorOf(&out, native.Dl_tensor_arange(start, end, step, native.Dl_dtype(dtype), &out))
}

// Eye is the n x n identity matrix of dtype.
func Eye(n int64, dtype DType) (*Tensor, error) {
	var out uintptr
	return tensorOf(&out, native.Dl_tensor_eye(n, -1, native.Dl_dtype(dtype), &out))
}

func (t *Tensor) Ndim() (int, error) {
	defer runtime.KeepAlive(t)
	var n int32
	err := native.Dl_tensor_ndim(t.handle(), &n)
	return int(n), err
}

func (t *Tensor) Shape() ([]int64, error) {
	defer runtime.KeepAlive(t)
	n, err := t.Ndim()
	if err != nil {
		return nil, err
	}
	shape := make([]int64, n)
	return shape, native.Dl_tensor_shape(t.handle(), shape)
}

func (t *Tensor) Numel() (int64, error) {
	defer runtime.KeepAlive(t)
	var n int64
	return n, native.Dl_tensor_numel(t.handle(), &n)
}

func (t *Tensor) DType() (DType, error) {
	defer runtime.KeepAlive(t)
	var d int32
	err := native.Dl_tensor_dtype(t.handle(), &d)
	return DType(d), err
}

// as is t itself (a new handle) when it has dtype, else a converted copy; the caller closes it.
func (t *Tensor) as(dtype DType) (*Tensor, int64, error) {
	d, err := t.DType()
	if err != nil {
		return nil, 0, err
	}
	var c *Tensor
	if d == dtype {
		c, err = t.unary(native.Dl_tensor_ref)
	} else {
		c, err = t.To(dtype)
	}
	if err != nil {
		return nil, 0, err
	}
	n, err := c.Numel()
	return c, n, err
}

// Float32s copies the elements out as float32 (converted when t has another dtype).
func (t *Tensor) Float32s() ([]float32, error) {
	c, n, err := t.as(Float32)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	data := make([]float32, n)
	return data, native.Dl_binding_copy_to_float32(c.h, data)
}

// Float64s copies the elements out as float64.
func (t *Tensor) Float64s() ([]float64, error) {
	c, n, err := t.as(Float64)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	data := make([]float64, n)
	return data, native.Dl_binding_copy_to_float64(c.h, data)
}

// Int64s copies the elements out as int64.
func (t *Tensor) Int64s() ([]int64, error) {
	c, n, err := t.as(Int64)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	data := make([]int64, n)
	return data, native.Dl_binding_copy_to_int64(c.h, data)
}

// CopyFrom overwrites t's float32 elements in place (not recorded by autograd).
func (t *Tensor) CopyFrom(data []float32) error {
	defer runtime.KeepAlive(t)
	return native.Dl_binding_copy_from_float32(t.handle(), data)
}

// Item is the value of a one-element tensor.
func (t *Tensor) Item() (float64, error) {
	defer runtime.KeepAlive(t)
	var v float64
	return v, native.Dl_tensor_item(t.handle(), &v)
}

func (t *Tensor) To(dtype DType) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	return tensorOf(&out, native.Dl_tensor_to_dtype(t.handle(), native.Dl_dtype(dtype), &out))
}

func (t *Tensor) String() string {
	shape, err := t.Shape()
	if err != nil {
		return fmt.Sprintf("Tensor(%v)", err)
	}
	return fmt.Sprintf("Tensor(shape=%v)", shape)
}

// ---- autograd

func (t *Tensor) SetRequiresGrad(on bool) error {
	defer runtime.KeepAlive(t)
	return native.Dl_tensor_set_requires_grad(t.handle(), boolInt(on))
}

func (t *Tensor) RequiresGrad() (bool, error) {
	defer runtime.KeepAlive(t)
	var on int32
	err := native.Dl_tensor_requires_grad(t.handle(), &on)
	return on != 0, err
}

func (t *Tensor) IsLeaf() (bool, error) {
	defer runtime.KeepAlive(t)
	var on int32
	err := native.Dl_tensor_is_leaf(t.handle(), &on)
	return on != 0, err
}

// Grad is the accumulated gradient, nil when there is none yet.
func (t *Tensor) Grad() (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	if err := native.Dl_tensor_grad(t.handle(), &out); err != nil || out == 0 {
		return nil, err
	}
	return newTensor(out), nil
}

// ZeroGrad drops t's gradient (PyTorch's set_to_none).
func (t *Tensor) ZeroGrad() error {
	defer runtime.KeepAlive(t)
	return native.Dl_tensor_zero_grad(t.handle())
}

// Backward from a one-element t (grad nil), or with grad of t's shape.
func (t *Tensor) Backward(grad *Tensor) error {
	defer runtime.KeepAlive(t)
	defer runtime.KeepAlive(grad)
	return native.Dl_tensor_backward(t.handle(), grad.handle())
}

// BackwardRetain is Backward keeping the graph for another backward (retain_graph=True).
func (t *Tensor) BackwardRetain(grad *Tensor) error {
	defer runtime.KeepAlive(t)
	defer runtime.KeepAlive(grad)
	return native.Dl_tensor_backward_ex(t.handle(), grad.handle(), 1)
}

func (t *Tensor) Detach() (*Tensor, error) { return t.unary(native.Dl_tensor_detach) }

// NoGrad turns recording off on this OS thread and returns the function that
// restores it; the goroutine stays on its thread until then:
//
//	restore, _ := dl.NoGrad()
//	defer restore()
func NoGrad() (func(), error) {
	runtime.LockOSThread()
	var previous int32
	if err := native.Dl_set_grad_enabled(0, &previous); err != nil {
		runtime.UnlockOSThread()
		return nil, err
	}
	return func() {
		native.Dl_set_grad_enabled(int(previous), nil)
		runtime.UnlockOSThread()
	}, nil
}

// ---- ops (broadcasting as PyTorch)

func (t *Tensor) Add(o *Tensor) (*Tensor, error)       { return t.binary(native.Dl_add, o) }
func (t *Tensor) Sub(o *Tensor) (*Tensor, error)       { return t.binary(native.Dl_sub, o) }
func (t *Tensor) Mul(o *Tensor) (*Tensor, error)       { return t.binary(native.Dl_mul, o) }
func (t *Tensor) Div(o *Tensor) (*Tensor, error)       { return t.binary(native.Dl_div, o) }
func (t *Tensor) Pow(o *Tensor) (*Tensor, error)       { return t.binary(native.Dl_pow, o) }
func (t *Tensor) Maximum(o *Tensor) (*Tensor, error)   { return t.binary(native.Dl_maximum, o) }
func (t *Tensor) Minimum(o *Tensor) (*Tensor, error)   { return t.binary(native.Dl_minimum, o) }
func (t *Tensor) Eq(o *Tensor) (*Tensor, error)        { return t.binary(native.Dl_eq, o) }
func (t *Tensor) Ne(o *Tensor) (*Tensor, error)        { return t.binary(native.Dl_ne, o) }
func (t *Tensor) Gt(o *Tensor) (*Tensor, error)        { return t.binary(native.Dl_gt, o) }
func (t *Tensor) Ge(o *Tensor) (*Tensor, error)        { return t.binary(native.Dl_ge, o) }
func (t *Tensor) Lt(o *Tensor) (*Tensor, error)        { return t.binary(native.Dl_lt, o) }
func (t *Tensor) Le(o *Tensor) (*Tensor, error)        { return t.binary(native.Dl_le, o) }
func (t *Tensor) Matmul(o *Tensor) (*Tensor, error)    { return t.binary(native.Dl_matmul, o) }
func (t *Tensor) AddScalar(s float64) (*Tensor, error) { return t.scalar(native.Dl_add_scalar, s) }
func (t *Tensor) SubScalar(s float64) (*Tensor, error) { return t.scalar(native.Dl_sub_scalar, s) }
func (t *Tensor) MulScalar(s float64) (*Tensor, error) { return t.scalar(native.Dl_mul_scalar, s) }
func (t *Tensor) DivScalar(s float64) (*Tensor, error) { return t.scalar(native.Dl_div_scalar, s) }
func (t *Tensor) PowScalar(s float64) (*Tensor, error) { return t.scalar(native.Dl_pow_scalar, s) }
func (t *Tensor) Neg() (*Tensor, error)                { return t.unary(native.Dl_neg) }
func (t *Tensor) Abs() (*Tensor, error)                { return t.unary(native.Dl_abs) }
func (t *Tensor) Exp() (*Tensor, error)                { return t.unary(native.Dl_exp) }
func (t *Tensor) Log() (*Tensor, error)                { return t.unary(native.Dl_log) }
func (t *Tensor) Sqrt() (*Tensor, error)               { return t.unary(native.Dl_sqrt) }
func (t *Tensor) Relu() (*Tensor, error)               { return t.unary(native.Dl_relu) }
func (t *Tensor) Sigmoid() (*Tensor, error)            { return t.unary(native.Dl_sigmoid) }
func (t *Tensor) Tanh() (*Tensor, error)               { return t.unary(native.Dl_tanh) }
func (t *Tensor) Contiguous() (*Tensor, error)         { return t.unary(native.Dl_contiguous) }
func (t *Tensor) Clone() (*Tensor, error)              { return t.unary(native.Dl_clone) }

// Clamp limits the elements to [min, max].
func (t *Tensor) Clamp(min, max float64) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	return tensorOf(&out, native.Dl_clamp(t.handle(), min, max, &out))
}

// Where is cond ? t : other, elementwise.
func (t *Tensor) Where(cond, other *Tensor) (*Tensor, error) {
	defer runtime.KeepAlive(cond)
	defer runtime.KeepAlive(t)
	defer runtime.KeepAlive(other)
	var out uintptr
	return tensorOf(&out, native.Dl_where(cond.handle(), t.handle(), other.handle(), &out))
}

// Sum and Mean over dims (none: all), keeping them as size 1 when keepdim.
func (t *Tensor) Sum(keepdim bool, dims ...int64) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	return tensorOf(&out, native.Dl_sum(t.handle(), dims, boolInt(keepdim), &out))
}
func (t *Tensor) Mean(keepdim bool, dims ...int64) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	return tensorOf(&out, native.Dl_mean(t.handle(), dims, boolInt(keepdim), &out))
}
func (t *Tensor) Amax(keepdim bool, dims ...int64) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	return tensorOf(&out, native.Dl_amax(t.handle(), dims, boolInt(keepdim), &out))
}
func (t *Tensor) Amin(keepdim bool, dims ...int64) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	return tensorOf(&out, native.Dl_amin(t.handle(), dims, boolInt(keepdim), &out))
}

// Max over dim: the values and their int64 indices (torch.max(x, dim)).
func (t *Tensor) Max(dim int64, keepdim bool) (values, indices *Tensor, err error) {
	defer runtime.KeepAlive(t)
	var v, i uintptr
	if err := native.Dl_max_dim(t.handle(), dim, boolInt(keepdim), &v, &i); err != nil {
		return nil, nil, err
	}
	return newTensor(v), newTensor(i), nil
}
func (t *Tensor) Argmax(dim int64, keepdim bool) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	return tensorOf(&out, native.Dl_argmax(t.handle(), dim, boolInt(keepdim), &out))
}
func (t *Tensor) Softmax(dim int64) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	return tensorOf(&out, native.Dl_softmax(t.handle(), dim, &out))
}
func (t *Tensor) LogSoftmax(dim int64) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	return tensorOf(&out, native.Dl_log_softmax(t.handle(), dim, &out))
}
func (t *Tensor) Reshape(shape ...int64) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	return tensorOf(&out, native.Dl_reshape(t.handle(), shape, &out))
}
func (t *Tensor) View(shape ...int64) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	return tensorOf(&out, native.Dl_view(t.handle(), shape, &out))
}
func (t *Tensor) Transpose(dim0, dim1 int64) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	return tensorOf(&out, native.Dl_transpose(t.handle(), dim0, dim1, &out))
}
func (t *Tensor) Permute(dims ...int64) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	return tensorOf(&out, native.Dl_permute(t.handle(), dims, &out))
}

// Flatten merges dims startDim..endDim (-1: the last) into one.
func (t *Tensor) Flatten(startDim, endDim int64) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	return tensorOf(&out, native.Dl_flatten(t.handle(), startDim, endDim, &out))
}
func (t *Tensor) Narrow(dim, start, length int64) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	return tensorOf(&out, native.Dl_narrow(t.handle(), dim, start, length, &out))
}
func (t *Tensor) Select(dim, index int64) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	return tensorOf(&out, native.Dl_select(t.handle(), dim, index, &out))
}
func (t *Tensor) Squeeze(dim int64) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	return tensorOf(&out, native.Dl_squeeze(t.handle(), dim, &out))
}
func (t *Tensor) Unsqueeze(dim int64) (*Tensor, error) {
	defer runtime.KeepAlive(t)
	var out uintptr
	return tensorOf(&out, native.Dl_unsqueeze(t.handle(), dim, &out))
}

// Cat joins ts along dim; Stack joins them along a new dim.
func Cat(dim int64, ts ...*Tensor) (*Tensor, error) {
	defer runtime.KeepAlive(ts)
	var out uintptr
	return tensorOf(&out, native.Dl_cat(handles(ts), dim, &out))
}
func Stack(dim int64, ts ...*Tensor) (*Tensor, error) {
	defer runtime.KeepAlive(ts)
	var out uintptr
	return tensorOf(&out, native.Dl_stack(handles(ts), dim, &out))
}

func handles(ts []*Tensor) []uintptr {
	hs := make([]uintptr, len(ts))
	for i, t := range ts {
		hs[i] = t.handle()
	}
	return hs
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
