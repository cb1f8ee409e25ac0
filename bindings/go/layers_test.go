package dl

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// near fails t unless got is within tol of want, element by element.
func near(t *testing.T, what string, got []float64, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %v, want %v", what, got, want)
	}
	for i := range want {
		if !(math.Abs(got[i]-want[i]) <= tol) {
			t.Fatalf("%s: %v, want %v", what, got, want)
		}
	}
}

// float64s(t)(x, err) is x's elements as float64 (x is closed), failing t on err.
func float64s(t *testing.T) func(*Tensor, error) []float64 {
	return func(x *Tensor, err error) []float64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		return must[[]float64](t)(x.Float64s())
	}
}

func TestOpsAgainstClosedForms(t *testing.T) {
	x := must[*Tensor](t)(FromFloat64([]float64{1, -2, 3, -4, 5, -6}, 2, 3))
	near(t, "abs", float64s(t)(x.Abs()), []float64{1, 2, 3, 4, 5, 6}, 0)
	near(t, "clamp", float64s(t)(x.Clamp(-2, 3)), []float64{1, -2, 3, -2, 3, -2}, 0)
	near(t, "amax", float64s(t)(x.Amax(false, 1)), []float64{3, 5}, 0)
	near(t, "div", float64s(t)(x.DivScalar(2)), []float64{0.5, -1, 1.5, -2, 2.5, -3}, 0)
	near(t, "permute", float64s(t)(must[*Tensor](t)(x.Permute(1, 0)).Contiguous()), []float64{1, -4, -2, 5, 3, -6}, 0)
	near(t, "narrow", float64s(t)(x.Narrow(1, 1, 2)), []float64{-2, 3, 5, -6}, 0)
	near(t, "select", float64s(t)(x.Select(0, 1)), []float64{-4, 5, -6}, 0)
	values, indices, err := x.Max(1, false)
	near(t, "max values", float64s(t)(values, err), []float64{3, 5}, 0)
	near(t, "max indices", float64s(t)(indices, nil), []float64{2, 1}, 0)
	positive := must[*Tensor](t)(x.Gt(must[*Tensor](t)(Zeros(Float64, 1))))
	near(t, "where", float64s(t)(x.Where(positive, must[*Tensor](t)(Zeros(Float64, 1)))), []float64{1, 0, 3, 0, 5, 0}, 0)
	both := must[*Tensor](t)(Cat(0, x, x))
	if shape := must[[]int64](t)(both.Shape()); len(shape) != 2 || shape[0] != 4 {
		t.Fatalf("cat shape %v", shape)
	}
	stacked := must[*Tensor](t)(Stack(0, x, x))
	if shape := must[[]int64](t)(stacked.Shape()); len(shape) != 3 || shape[0] != 2 {
		t.Fatalf("stack shape %v", shape)
	}
	ls := float64s(t)(must[*Tensor](t)(FromFloat64([]float64{0, math.Log(3)}, 2)).LogSoftmax(0))
	near(t, "log_softmax", ls, []float64{math.Log(0.25), math.Log(0.75)}, 1e-15)
	eye := float64s(t)(Eye(2, Float64))
	near(t, "eye", eye, []float64{1, 0, 0, 1}, 0)
	b := must[*Tensor](t)(FromUint8([]byte{0, 255}, 2))
	near(t, "uint8", float64s(t)(b.To(Float64)), []float64{0, 255}, 0)
}

func TestLossesAgainstClosedForms(t *testing.T) {
	input := must[*Tensor](t)(FromFloat64([]float64{1, 2, 3}, 3))
	target := must[*Tensor](t)(FromFloat64([]float64{2, 2, 5}, 3))
	near(t, "mse", float64s(t)(MSELoss(input, target, ReductionMean)), []float64{5.0 / 3}, 1e-15)
	near(t, "mse sum", float64s(t)(MSELoss(input, target, ReductionSum)), []float64{5}, 1e-15)
	near(t, "mse none", float64s(t)(MSELoss(input, target, ReductionNone)), []float64{1, 0, 4}, 1e-15)
	near(t, "l1", float64s(t)(L1Loss(input, target, ReductionMean)), []float64{1}, 1e-15)
	logits := must[*Tensor](t)(FromFloat64([]float64{0, math.Log(3), 0, 0}, 2, 2))
	classes := must[*Tensor](t)(FromInt64([]int64{1, 0}, 2))
	want := (math.Log(4.0/3) + math.Log(2)) / 2
	near(t, "cross entropy", float64s(t)(CrossEntropy(logits, classes, ReductionMean)), []float64{want}, 1e-12)
	logProbs := must[*Tensor](t)(logits.LogSoftmax(1))
	near(t, "nll", float64s(t)(NLLLoss(logProbs, classes, ReductionSum)), []float64{2 * want}, 1e-12)
	p := must[*Tensor](t)(FromFloat64([]float64{0.25}, 1))
	one := must[*Tensor](t)(FromFloat64([]float64{1}, 1))
	near(t, "bce", float64s(t)(BCELoss(p, one, nil, ReductionMean)), []float64{-math.Log(0.25)}, 1e-12)
	zero := must[*Tensor](t)(FromFloat64([]float64{0}, 1))
	near(t, "bce with logits", float64s(t)(BCEWithLogitsLoss(zero, one, nil, nil, ReductionMean)), []float64{math.Log(2)}, 1e-12)
	_, err := CrossEntropy(logits, must[*Tensor](t)(FromInt64([]int64{2, 0}, 2)), ReductionMean)
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusInvalidArgument {
		t.Fatalf("a class out of range: %v", err)
	}
}

// A 4 x 4 image 0..15: a ones kernel sums windows, pools take their max or mean.
func TestImageLayersAgainstClosedForms(t *testing.T) {
	image := must[*Tensor](t)(must[*Tensor](t)(Arange(0, 16, 1, Float32)).Reshape(1, 1, 4, 4))
	conv := must[*Module](t)(NewConv2d(1, 1, 2, 2, DefaultConv2dOptions()))
	w := must[*Tensor](t)(conv.Parameter("weight"))
	must[struct{}](t)(struct{}{}, w.CopyFrom([]float32{1, 1, 1, 1}))
	bias := must[*Tensor](t)(conv.Parameter("bias"))
	must[struct{}](t)(struct{}{}, bias.CopyFrom([]float32{0.5}))
	sums := []float64{10.5, 14.5, 18.5, 26.5, 30.5, 34.5, 42.5, 46.5, 50.5}
	near(t, "conv", float64s(t)(conv.Forward(image)), sums, 1e-5)
	near(t, "F.conv2d", float64s(t)(Conv2d(image, w, bias, DefaultConv2dOptions())), sums, 1e-5)
	same := DefaultConv2dOptions()
	same.Padding = PaddingSame
	padded := must[*Tensor](t)(Conv2d(image, w, nil, same))
	if shape := must[[]int64](t)(padded.Shape()); shape[2] != 4 || shape[3] != 4 {
		t.Fatalf("same padding: shape %v", shape)
	}
	strided := DefaultConv2dOptions()
	strided.StrideH, strided.StrideW, strided.PadH, strided.PadW = 2, 2, 1, 1
	conv2 := must[*Module](t)(NewConv2d(1, 4, 3, 3, strided))
	if shape := must[[]int64](t)(must[*Tensor](t)(conv2.Forward(image)).Shape()); shape[1] != 4 || shape[2] != 2 || shape[3] != 2 {
		t.Fatalf("stride 2, padding 1: shape %v", shape)
	}

	pool := DefaultPool2dOptions()
	maxPool := must[*Module](t)(NewMaxPool2d(2, 2, pool))
	near(t, "max pool", float64s(t)(maxPool.Forward(image)), []float64{5, 7, 13, 15}, 0)
	values, indices, err := MaxPool2d(image, 2, 2, pool)
	near(t, "F.max_pool2d", float64s(t)(values, err), []float64{5, 7, 13, 15}, 0)
	near(t, "F.max_pool2d indices", float64s(t)(indices, nil), []float64{5, 7, 13, 15}, 0)
	avgPool := must[*Module](t)(NewAvgPool2d(2, 2, pool))
	near(t, "avg pool", float64s(t)(avgPool.Forward(image)), []float64{2.5, 4.5, 10.5, 12.5}, 0)
	near(t, "F.avg_pool2d", float64s(t)(AvgPool2d(image, 2, 2, pool)), []float64{2.5, 4.5, 10.5, 12.5}, 0)
	overlapping := DefaultPool2dOptions()
	overlapping.StrideH, overlapping.StrideW = 1, 1
	near(t, "max pool 3, stride 1", float64s(t)(must[*Module](t)(NewMaxPool2d(3, 3, overlapping)).Forward(image)),
		[]float64{10, 11, 14, 15}, 0)
	near(t, "adaptive", float64s(t)(must[*Module](t)(NewAdaptiveAvgPool2d(1, 1)).Forward(image)), []float64{7.5}, 0)
	flat := must[*Tensor](t)(must[*Module](t)(NewFlatten(1, -1)).Forward(image))
	if shape := must[[]int64](t)(flat.Shape()); len(shape) != 2 || shape[1] != 16 {
		t.Fatalf("flatten: shape %v", shape)
	}
	if _, _, err := MaxPool2d(image, 5, 5, pool); err == nil || err.(*Error).Status != StatusShape {
		t.Fatalf("a window larger than the image: %v", err)
	}
}

// Dropout zeroes about p of the elements in training and scales the rest by
// 1 / (1 - p); eval is the identity; Dropout2d zeroes whole channels.
func TestDropout(t *testing.T) {
	ManualSeed(1)
	drop := must[*Module](t)(NewDropout(0.25))
	y := float64s(t)(drop.Forward(must[*Tensor](t)(Ones(Float32, 4000))))
	zeros := 0
	for _, v := range y {
		if v == 0 {
			zeros++
		} else if math.Abs(v-4.0/3) > 1e-6 {
			t.Fatalf("a survivor is %v, not 4/3", v)
		}
	}
	if math.Abs(float64(zeros)-1000) > 6*math.Sqrt(4000*0.25*0.75) {
		t.Fatalf("%d of 4000 zeroed", zeros)
	}
	must[struct{}](t)(struct{}{}, drop.Eval())
	if training := must[bool](t)(drop.IsTraining()); training {
		t.Fatal("eval mode reports training")
	}
	near(t, "eval", float64s(t)(drop.Forward(must[*Tensor](t)(Ones(Float32, 3)))), []float64{1, 1, 1}, 0)
	near(t, "F.dropout eval", float64s(t)(Dropout(must[*Tensor](t)(Ones(Float32, 3)), 0.5, false)), []float64{1, 1, 1}, 0)
	planes := float64s(t)(Dropout2d(must[*Tensor](t)(Ones(Float32, 8, 16, 2, 2)), 0.5, true))
	for c := 0; c < 8*16; c++ {
		for i := 1; i < 4; i++ {
			if planes[4*c+i] != planes[4*c] {
				t.Fatalf("channel %d is not zeroed or kept whole: %v", c, planes[4*c:4*c+4])
			}
		}
	}
}

// BatchNorm2d in training normalizes with the batch's biased variance and
// moves the running statistics by momentum 0.1 (with the unbiased variance); eval uses those.
func TestBatchNorm(t *testing.T) {
	bn := must[*Module](t)(NewBatchNorm2d(1, DefaultBatchNormOptions()))
	x := must[*Tensor](t)(FromFloat32([]float32{1, 3, 5, 7}, 2, 1, 1, 2))
	const mean, variance, unbiased, eps = 4.0, 5.0, 20.0 / 3, 1e-5
	var train, eval []float64
	for i := 0; i < 4; i++ {
		v := float64(1 + 2*i)
		train = append(train, (v-mean)/math.Sqrt(variance+eps))
		eval = append(eval, (v-0.1*mean)/math.Sqrt(0.9+0.1*unbiased+eps))
	}
	near(t, "train", float64s(t)(bn.Forward(x)), train, 1e-5)
	bn.Eval()
	near(t, "eval", float64s(t)(bn.Forward(x)), eval, 1e-5)
	noAffine := DefaultBatchNormOptions()
	noAffine.Affine = false
	bn1 := must[*Module](t)(NewBatchNorm1d(3, noAffine))
	if n := len(must[[]*Tensor](t)(bn1.Parameters())); n != 0 {
		t.Fatalf("BatchNorm1d without affine has %d parameters", n)
	}
}

func TestCheckpointsSaveAndLoad(t *testing.T) {
	model := func() *Module {
		return must[*Module](t)(NewSequential(must[*Module](t)(NewConv2d(1, 2, 3, 3, DefaultConv2dOptions())),
			must[*Module](t)(NewBatchNorm2d(2, DefaultBatchNormOptions())), must[*Module](t)(NewFlatten(1, -1)),
			must[*Module](t)(NewLinear(8, 2, true))))
	}
	a, b := model(), model()
	x := must[*Tensor](t)(Randn(Float32, 3, 1, 4, 4))
	must[*Tensor](t)(a.Forward(x)) // moves a's running statistics
	a.Eval()
	b.Eval()
	file := filepath.Join(t.TempDir(), "model.safetensors")
	must[struct{}](t)(struct{}{}, a.Save(file))
	must[struct{}](t)(struct{}{}, b.Load(file))
	near(t, "outputs after load", float64s(t)(b.Forward(x)), float64s(t)(a.Forward(x)), 0)
	other := must[*Module](t)(NewLinear(2, 2, true))
	if err := other.Load(file); err == nil {
		t.Fatal("loading another model's checkpoint succeeded")
	}
	err := a.Load(filepath.Join(t.TempDir(), "missing.safetensors"))
	if e, ok := err.(*Error); !ok || e.Status != StatusIO {
		t.Fatalf("a missing file: %v", err)
	}
	if _, err := os.Stat(file); err != nil {
		t.Fatal(err)
	}
}

func TestModuleAndLibraryFacts(t *testing.T) {
	fc := must[*Module](t)(NewLinear(2, 3, true))
	if name := must[string](t)(fc.TypeName()); name != "Linear" {
		t.Fatalf("type name %q", name)
	}
	scale := must[*Tensor](t)(Ones(Float32, 3))
	holder := must[*Module](t)(NewModule("Holder", &affine{}))
	must[struct{}](t)(struct{}{}, holder.RegisterParameter("scale", scale))
	if name := must[string](t)(holder.ParameterName(0)); name != "scale" {
		t.Fatalf("parameter name %q", name)
	}
	if leaf := must[bool](t)(scale.IsLeaf()); !leaf {
		t.Fatal("a registered parameter is a leaf")
	}
	if v := Version(); v == "" {
		t.Fatal("no version")
	}
	if n := must[int](t)(NumThreads()); n < 1 {
		t.Fatalf("%d threads", n)
	}
	restore := must[func()](t)(NoGrad())
	if on := must[bool](t)(IsGradEnabled()); on {
		t.Fatal("grad is on inside NoGrad")
	}
	restore()
	if _, err := CIFAR10("/nonexistent-dir", true); err == nil || err.(*Error).Status != StatusIO {
		t.Fatalf("cifar10 from nowhere: %v", err)
	}
	ds := must[*Dataset](t)(TensorDataset(must[*Tensor](t)(Arange(0, 4, 1, Float32)), must[*Tensor](t)(Arange(0, 4, 1, Int64))))
	x, y, err := ds.Get(2)
	near(t, "Get x", float64s(t)(x, err), []float64{2}, 0)
	near(t, "Get y", float64s(t)(y, nil), []float64{2}, 0)
	if _, _, err := ds.Get(4); err == nil {
		t.Fatal("Get past the end succeeded")
	}
	w := must[*Tensor](t)(fc.Parameter("weight"))
	out := must[*Tensor](t)(fc.Forward(must[*Tensor](t)(Full(100, Float32, 1, 2))))
	must[struct{}](t)(struct{}{}, must[*Tensor](t)(out.Sum(false)).Backward(nil))
	must[struct{}](t)(struct{}{}, ClipGradValue(fc, 0.5))
	near(t, "clipped grad", float64s(t)(w.Grad()), []float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, 0)
}
