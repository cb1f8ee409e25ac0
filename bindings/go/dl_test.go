package dl

import (
	"errors"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestTensorsInAndOut(t *testing.T) {
	a := must[*Tensor](t)(FromFloat32([]float32{1, 2, 3, 4}, 2, 2))
	b := must[*Tensor](t)(FromFloat32([]float32{5, 6, 7, 8}, 2, 2))
	c := must[*Tensor](t)(a.Matmul(b))
	got := must[[]float32](t)(c.Float32s())
	if want := []float32{19, 22, 43, 50}; !equal(got, want) {
		t.Fatalf("matmul = %v, want %v", got, want)
	}
	shape := must[[]int64](t)(c.Shape())
	if len(shape) != 2 || shape[0] != 2 || shape[1] != 2 {
		t.Fatalf("shape %v", shape)
	}
	if _, err := FromFloat32([]float32{1, 2, 3}, 2, 2); err == nil || !strings.Contains(err.Error(), "3 values do not fill") {
		t.Fatalf("short data: %v", err)
	}
}

func TestShapeMismatchIsAnErrorWithLibdlsMessage(t *testing.T) {
	a := must[*Tensor](t)(Zeros(Float32, 2, 3))
	_, err := a.Matmul(a)
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusShape || !strings.HasPrefix(e.Message, "dl_matmul: ") {
		t.Fatalf("err = %#v", err)
	}
}

// d/dx sum(x^3) = 3x^2.
func TestAutograd(t *testing.T) {
	x := must[*Tensor](t)(FromFloat64([]float64{-1, 0.5, 2}, 3))
	if err := x.SetRequiresGrad(true); err != nil {
		t.Fatal(err)
	}
	y := must[*Tensor](t)(must[*Tensor](t)(x.PowScalar(3)).Sum(false))
	if err := y.Backward(nil); err != nil {
		t.Fatal(err)
	}
	g := must[[]float64](t)(must[*Tensor](t)(x.Grad()).Float64s())
	for i, v := range []float64{-1, 0.5, 2} {
		if math.Abs(g[i]-3*v*v) > 1e-12 {
			t.Fatalf("grad %v", g)
		}
	}
}

// affine is y = 2x + 1, a Go forward.
type affine struct{ calls int }

func (a *affine) Forward(x *Tensor) (*Tensor, error) {
	a.calls++
	twice, err := x.MulScalar(2)
	if err != nil {
		return nil, err
	}
	defer twice.Close()
	return twice.AddScalar(1)
}

type failing struct{}

func (failing) Forward(x *Tensor) (*Tensor, error) { return nil, errors.New("no forward today") }

func TestGoForwardInsideSequentialAndItsErrors(t *testing.T) {
	impl := &affine{}
	m := must[*Module](t)(NewModule("Affine", impl))
	seq := must[*Module](t)(NewSequential(m, must[*Module](t)(NewReLU())))
	y := must[*Tensor](t)(seq.Forward(must[*Tensor](t)(FromFloat32([]float32{-3, 0, 2}, 3))))
	if got := must[[]float32](t)(y.Float32s()); !equal(got, []float32{0, 1, 5}) || impl.calls != 1 {
		t.Fatalf("forward = %v, calls %d", got, impl.calls)
	}
	bad := must[*Module](t)(NewSequential(must[*Module](t)(NewModule("Failing", failing{}))))
	if _, err := bad.Forward(must[*Tensor](t)(Ones(Float32, 1))); err == nil || err.Error() != "no forward today" {
		t.Fatalf("err = %v", err)
	}
}

// One step from w = 1 with grad 3: SGD and Adam's first-step formulas.
func TestOptimizersFirstStep(t *testing.T) {
	for name, c := range map[string]struct {
		make func(*Module) (*Optimizer, error)
		want float64
	}{
		"sgd":     {func(m *Module) (*Optimizer, error) { o := DefaultSGDOptions(); o.LR = 0.1; return NewSGD(m, o) }, 0.7},
		"adam":    {func(m *Module) (*Optimizer, error) { o := DefaultAdamOptions(); o.LR = 0.1; return NewAdam(m, o) }, 1 - 0.1*3/(3+1e-8)},
		"adamw":   {func(m *Module) (*Optimizer, error) { o := DefaultAdamWOptions(); o.LR = 0.1; return NewAdamW(m, o) }, (1 - 0.1*0.01) - 0.1*3/(3+1e-8)},
		"rmsprop": {func(m *Module) (*Optimizer, error) { o := DefaultRMSpropOptions(); o.LR = 0.1; return NewRMSprop(m, o) }, 1 - 0.1*3/(math.Sqrt(0.01*9)+1e-8)},
		"adagrad": {func(m *Module) (*Optimizer, error) { o := DefaultAdagradOptions(); o.LR = 0.1; return NewAdagrad(m, o) }, 1 - 0.1*3/(3+1e-10)},
	} {
		fc := must[*Module](t)(NewLinear(1, 1, false))
		opt := must[*Optimizer](t)(c.make(fc))
		w := must[*Tensor](t)(fc.Parameter("weight"))
		w.CopyFrom([]float32{1})
		y := must[*Tensor](t)(fc.Forward(must[*Tensor](t)(Full(3, Float32, 1, 1))))
		must[struct{}](t)(struct{}{}, y.Backward(nil))
		must[struct{}](t)(struct{}{}, opt.Step())
		if got := must[[]float32](t)(w.Float32s())[0]; math.Abs(float64(got)-c.want) > 1e-6 {
			t.Errorf("%s: w = %v, want %v", name, got, c.want)
		}
	}
}

func TestSchedulersAndLambdaLRWithAGoClosure(t *testing.T) {
	fc := must[*Module](t)(NewLinear(1, 1, true))
	o := DefaultSGDOptions()
	o.LR = 1
	opt := must[*Optimizer](t)(NewSGD(fc, o))
	s := must[*Scheduler](t)(NewStepLR(opt, 2, 0.5))
	for _, want := range []float64{1, 0.5, 0.5, 0.25} {
		s.Step()
		if lr := must[float64](t)(opt.LR()); lr != want {
			t.Fatalf("StepLR lr %v, want %v", lr, want)
		}
	}
	opt.SetLR(1)
	s = must[*Scheduler](t)(NewCosineAnnealingLR(opt, 10, 0))
	s.Step()
	if lr := must[float64](t)(opt.LR()); math.Abs(lr-(1+math.Cos(math.Pi/10))/2) > 1e-12 {
		t.Fatalf("cosine lr %v", lr)
	}
	opt.SetLR(1)
	var seen []int64
	s = must[*Scheduler](t)(NewLambdaLR(opt, func(epoch int64) (float64, error) {
		seen = append(seen, epoch)
		if epoch == 2 {
			return 0, errors.New("epoch 2")
		}
		return 1 / float64(epoch+1), nil
	}))
	s.Step()
	if lr := must[float64](t)(opt.LR()); lr != 0.5 || len(seen) != 2 {
		t.Fatalf("LambdaLR lr %v after %v", lr, seen)
	}
	if err := s.Step(); err == nil || err.Error() != "epoch 2" {
		t.Fatalf("LambdaLR error %v", err)
	}
	if lr := must[float64](t)(opt.LR()); lr != 0.5 {
		t.Fatalf("a failed step changed lr to %v", lr)
	}
	p := DefaultPlateauOptions()
	p.Patience, p.Factor = 0, 0.5
	s = must[*Scheduler](t)(NewReduceLROnPlateau(opt, p))
	s.StepMetric(1)
	s.StepMetric(2)
	if lr := must[float64](t)(opt.LR()); lr != 0.25 {
		t.Fatalf("plateau lr %v", lr)
	}
	for _, make := range []func() (*Scheduler, error){
		func() (*Scheduler, error) { return NewMultiStepLR(opt, []int64{1}, 0.1) },
		func() (*Scheduler, error) { return NewExponentialLR(opt, 0.5) },
	} {
		opt.SetLR(1)
		s = must[*Scheduler](t)(make())
		s.Step()
		if lr := must[float64](t)(opt.LR()); lr != 0.1 && lr != 0.5 {
			t.Fatalf("lr %v", lr)
		}
	}
}

func TestLoaderOverAGoDataset(t *testing.T) {
	ds := must[*Dataset](t)(NewDataset(6, func(i int64) (*Tensor, *Tensor, error) {
		if i == 5 {
			return nil, nil, errors.New("item 5")
		}
		x, _ := FromFloat32([]float32{float32(i)}, 1)
		y, _ := FromFloat32([]float32{float32(i * i)}, 1)
		return x, y, nil
	}))
	loader := must[*Loader](t)(NewLoader(ds, LoaderOptions{BatchSize: 5, NumWorkers: 2}))
	_, y, err := loader.Next()
	if err != nil {
		t.Fatal(err)
	}
	if got := must[[]float32](t)(y.Float32s()); !equal(got, []float32{0, 1, 4, 9, 16}) {
		t.Fatalf("y = %v", got)
	}
	if _, _, err := loader.Next(); err == nil || err.Error() != "item 5" {
		t.Fatalf("err = %v", err)
	}
	if _, err := MNIST("/nonexistent-dir", true); err == nil || !strings.Contains(err.Error(), "/nonexistent-dir") {
		t.Fatalf("mnist err = %v", err)
	}
}

// 5,000 training steps, each in a scope: resident memory at step 5,000 is where it was at 1,000.
func TestScopedStepsKeepMemoryFlat(t *testing.T) {
	ManualSeed(0)
	net := must[*Module](t)(NewSequential(must[*Module](t)(NewLinear(32, 64, true)), must[*Module](t)(NewReLU()),
		must[*Module](t)(NewLinear(64, 4, true))))
	o := DefaultSGDOptions()
	o.LR, o.Momentum = 0.01, 0.9
	opt := must[*Optimizer](t)(NewSGD(net, o))
	expectFlatMemory(t, 5000, 1000, func() {
		x := must[*Tensor](t)(Randn(Float32, 16, 32))
		y := must[*Tensor](t)(Randint(0, 4, 16))
		opt.ZeroGrad()
		loss := must[*Tensor](t)(CrossEntropy(must[*Tensor](t)(net.Forward(x)), y, ReductionMean))
		must[struct{}](t)(struct{}{}, loss.Backward(nil))
		must[struct{}](t)(struct{}{}, opt.Step())
	})
	if _, err := net.Forward(must[*Tensor](t)(Ones(Float32, 1, 32))); err != nil {
		t.Fatal(err)
	}
}

// expectFlatMemory runs step steps times, each in a Scope, and fails t unless
// resident memory after the last is within 4 MiB of where it was after step from.
func expectFlatMemory(t *testing.T, steps, from int, step func()) {
	t.Helper()
	var atFrom int64
	for i := 1; i <= steps; i++ {
		s := must[*Scope](t)(NewScope())
		step()
		s.Close()
		if i == from {
			atFrom = resident(t)
		}
	}
	if growth := resident(t) - atFrom; growth > 4<<20 {
		t.Fatalf("resident memory grew by %d bytes from step %d to %d", growth, from, steps)
	}
}

// resident is the process's resident memory after a collection has run the finalizers.
func resident(t *testing.T) int64 {
	runtime.GC()
	runtime.GC()
	statm, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Fatal(err)
	}
	pages, _ := strconv.ParseInt(strings.Fields(string(statm))[1], 10, 64)
	return pages * 4096
}

func equal(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
