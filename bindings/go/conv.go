package dl

import (
	"runtime"

	"libdl/dl/internal/native"
)

// Padding is Conv2dOptions.Padding, as dl_padding_mode.
type Padding int

const (
	PaddingExplicit Padding = iota // PadH and PadW zeros on each side
	PaddingSame                    // the output as large as the input (stride 1)
	PaddingValid                   // no padding
)

// Window is what convolutions and pools share: stride, padding (each side)
// and dilation, per dimension.
type Window struct {
	StrideH, StrideW, PadH, PadW, DilationH, DilationW int64
}

// windowFields are libdl's window fields, in Conv2dOptions and Pool2dOptions alike.
type windowFields interface {
	GetStrideH() int64
	GetStrideW() int64
	GetPadH() int64
	GetPadW() int64
	GetDilationH() int64
	GetDilationW() int64
	SetStrideH(int64)
	SetStrideW(int64)
	SetPadH(int64)
	SetPadW(int64)
	SetDilationH(int64)
	SetDilationW(int64)
}

func windowOf(c windowFields) Window {
	return Window{c.GetStrideH(), c.GetStrideW(), c.GetPadH(), c.GetPadW(), c.GetDilationH(), c.GetDilationW()}
}

func (w Window) setIn(c windowFields) {
	c.SetStrideH(w.StrideH)
	c.SetStrideW(w.StrideW)
	c.SetPadH(w.PadH)
	c.SetPadW(w.PadW)
	c.SetDilationH(w.DilationH)
	c.SetDilationW(w.DilationW)
}

// Conv2dOptions: nn.Conv2d's, from DefaultConv2dOptions (stride 1, no
// padding, dilation 1, groups 1, bias).
type Conv2dOptions struct {
	Window
	Groups  int64
	Padding Padding
	Bias    bool
}

func DefaultConv2dOptions() Conv2dOptions {
	o := native.Dl_conv2d_defaults()
	defer native.DeleteConv2dOptions(o)
	return Conv2dOptions{windowOf(o), o.GetGroups(), Padding(o.GetPaddingMode()), o.GetBias() != 0}
}

// native is o as libdl's struct; the caller deletes it.
func (o Conv2dOptions) native() native.Conv2dOptions {
	c := native.NewConv2dOptions()
	o.setIn(c)
	c.SetGroups(o.Groups)
	c.SetPaddingMode(int(o.Padding))
	c.SetBias(boolInt(o.Bias))
	return c
}

// NewConv2d is nn.Conv2d(in, out, (kernelH, kernelW)): parameters "weight"
// [out, in / groups, kernelH, kernelW] and "bias" [out], initialized as PyTorch does.
func NewConv2d(in, out, kernelH, kernelW int64, o Conv2dOptions) (*Module, error) {
	c := o.native()
	defer native.DeleteConv2dOptions(c)
	return newLayer(func(h *uintptr) error { return native.Dl_conv2d_new(in, out, kernelH, kernelW, c, h) })
}

// Conv2d is F.conv2d: x [N, C, H, W], weight [O, C / groups, kh, kw], bias [O]
// (nil: none); o.Bias is not read.
func Conv2d(x, weight, bias *Tensor, o Conv2dOptions) (*Tensor, error) {
	defer runtime.KeepAlive(x)
	defer runtime.KeepAlive(weight)
	defer runtime.KeepAlive(bias)
	c := o.native()
	defer native.DeleteConv2dOptions(c)
	var out uintptr
	return tensorOf(&out, native.Dl_conv2d_with(x.handle(), weight.handle(), bias.handle(), c, &out))
}

// Pool2dOptions: nn.MaxPool2d's and nn.AvgPool2d's, from DefaultPool2dOptions
// (stride 0: the kernel size; padding 0, dilation 1, floor mode,
// CountIncludePad, no DivisorOverride). Dilation is read by max pooling,
// CountIncludePad and DivisorOverride by average pooling.
type Pool2dOptions struct {
	Window
	CeilMode, CountIncludePad bool
	DivisorOverride           int64
}

func DefaultPool2dOptions() Pool2dOptions {
	o := native.Dl_pool2d_defaults()
	defer native.DeletePool2dOptions(o)
	return Pool2dOptions{windowOf(o), o.GetCeilMode() != 0, o.GetCountIncludePad() != 0, o.GetDivisorOverride()}
}

func (o Pool2dOptions) native() native.Pool2dOptions {
	c := native.NewPool2dOptions()
	o.setIn(c)
	c.SetCeilMode(boolInt(o.CeilMode))
	c.SetCountIncludePad(boolInt(o.CountIncludePad))
	c.SetDivisorOverride(o.DivisorOverride)
	return c
}

// NewMaxPool2d and NewAvgPool2d: nn.MaxPool2d((kernelH, kernelW)), nn.AvgPool2d.
func NewMaxPool2d(kernelH, kernelW int64, o Pool2dOptions) (*Module, error) {
	c := o.native()
	defer native.DeletePool2dOptions(c)
	return newLayer(func(h *uintptr) error { return native.Dl_max_pool2d_new(kernelH, kernelW, c, h) })
}
func NewAvgPool2d(kernelH, kernelW int64, o Pool2dOptions) (*Module, error) {
	c := o.native()
	defer native.DeletePool2dOptions(c)
	return newLayer(func(h *uintptr) error { return native.Dl_avg_pool2d_new(kernelH, kernelW, c, h) })
}

// NewAdaptiveAvgPool2d: nn.AdaptiveAvgPool2d((outH, outW)).
func NewAdaptiveAvgPool2d(outH, outW int64) (*Module, error) {
	return newLayer(func(h *uintptr) error { return native.Dl_adaptive_avg_pool2d_new(outH, outW, h) })
}

// MaxPool2d is F.max_pool2d: the maxima and, as int64, each one's index in its flattened H*W plane.
func MaxPool2d(x *Tensor, kernelH, kernelW int64, o Pool2dOptions) (values, indices *Tensor, err error) {
	defer runtime.KeepAlive(x)
	c := o.native()
	defer native.DeletePool2dOptions(c)
	var v, i uintptr
	if err := native.Dl_max_pool2d_with_indices(x.handle(), kernelH, kernelW, c, &v, &i); err != nil {
		return nil, nil, err
	}
	return newTensor(v), newTensor(i), nil
}

// AvgPool2d is F.avg_pool2d.
func AvgPool2d(x *Tensor, kernelH, kernelW int64, o Pool2dOptions) (*Tensor, error) {
	defer runtime.KeepAlive(x)
	c := o.native()
	defer native.DeletePool2dOptions(c)
	var out uintptr
	return tensorOf(&out, native.Dl_avg_pool2d_with(x.handle(), kernelH, kernelW, c, &out))
}

// BatchNormOptions: nn.BatchNorm's, from DefaultBatchNormOptions (eps 1e-5,
// momentum 0.1, affine, tracking running statistics; CumulativeAverage is
// PyTorch's momentum=None).
type BatchNormOptions struct {
	Eps, Momentum                                float64
	Affine, TrackRunningStats, CumulativeAverage bool
}

func DefaultBatchNormOptions() BatchNormOptions {
	o := native.Dl_batch_norm_defaults()
	defer native.DeleteBatchNormOptions(o)
	return BatchNormOptions{o.GetEps(), o.GetMomentum(), o.GetAffine() != 0, o.GetTrackRunningStats() != 0,
		o.GetCumulativeAverage() != 0}
}

func (o BatchNormOptions) native() native.BatchNormOptions {
	c := native.NewBatchNormOptions()
	c.SetEps(o.Eps)
	c.SetMomentum(o.Momentum)
	c.SetAffine(boolInt(o.Affine))
	c.SetTrackRunningStats(boolInt(o.TrackRunningStats))
	c.SetCumulativeAverage(boolInt(o.CumulativeAverage))
	return c
}

// NewBatchNorm1d ([N, C] or [N, C, L]) and NewBatchNorm2d ([N, C, H, W]):
// parameters "weight" and "bias" when affine, running statistics as buffers
// (saved with the model) when tracking.
func NewBatchNorm1d(features int64, o BatchNormOptions) (*Module, error) {
	c := o.native()
	defer native.DeleteBatchNormOptions(c)
	return newLayer(func(h *uintptr) error { return native.Dl_batch_norm1d_new(features, c, h) })
}
func NewBatchNorm2d(features int64, o BatchNormOptions) (*Module, error) {
	c := o.native()
	defer native.DeleteBatchNormOptions(c)
	return newLayer(func(h *uintptr) error { return native.Dl_batch_norm2d_new(features, c, h) })
}

// Dropout2d zeroes whole channels with probability p when training, scaling the rest by 1 / (1 - p).
func Dropout2d(x *Tensor, p float64, training bool) (*Tensor, error) {
	defer runtime.KeepAlive(x)
	var out uintptr
	return tensorOf(&out, native.Dl_dropout2d(x.handle(), p, boolInt(training), &out))
}
