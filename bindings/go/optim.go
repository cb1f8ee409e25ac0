package dl

import (
	"runtime"

	"libdl/dl/internal/native"
)

// Optimizer updates a module's parameters (torch.optim).
type Optimizer struct{ h uintptr }

// optimizerOf is tensorOf for optimizers.
func optimizerOf(h *uintptr, err error) (*Optimizer, error) {
	if err != nil {
		return nil, err
	}
	o := &Optimizer{h: *h}
	runtime.SetFinalizer(o, func(o *Optimizer) { native.Dl_optimizer_free(o.h) })
	return o, nil
}

// SGDOptions, AdamOptions, ...: PyTorch's names; start from the Default... functions.
type SGDOptions struct {
	LR, Momentum, Dampening, WeightDecay float64
	Nesterov                             bool
}
type AdamOptions struct {
	LR, Beta1, Beta2, Eps, WeightDecay float64
	AMSGrad                            bool
}
type RMSpropOptions struct {
	LR, Alpha, Eps, WeightDecay, Momentum float64
	Centered                              bool
}
type AdagradOptions struct{ LR, LRDecay, WeightDecay, InitialAccumulatorValue, Eps float64 }

func DefaultSGDOptions() SGDOptions {
	o := native.Dl_sgd_defaults()
	defer native.DeleteSgdOptions(o)
	return SGDOptions{o.GetLr(), o.GetMomentum(), o.GetDampening(), o.GetWeightDecay(), o.GetNesterov() != 0}
}
func DefaultAdamOptions() AdamOptions  { return adamOptions(native.Dl_adam_defaults()) }
func DefaultAdamWOptions() AdamOptions { return adamOptions(native.Dl_adamw_defaults()) }
func adamOptions(o native.AdamOptions) AdamOptions {
	defer native.DeleteAdamOptions(o)
	return AdamOptions{o.GetLr(), o.GetBeta1(), o.GetBeta2(), o.GetEps(), o.GetWeightDecay(), o.GetAmsgrad() != 0}
}
func DefaultRMSpropOptions() RMSpropOptions {
	o := native.Dl_rmsprop_defaults()
	defer native.DeleteRmspropOptions(o)
	return RMSpropOptions{o.GetLr(), o.GetAlpha(), o.GetEps(), o.GetWeightDecay(), o.GetMomentum(), o.GetCentered() != 0}
}
func DefaultAdagradOptions() AdagradOptions {
	o := native.Dl_adagrad_defaults()
	defer native.DeleteAdagradOptions(o)
	return AdagradOptions{o.GetLr(), o.GetLrDecay(), o.GetWeightDecay(), o.GetInitialAccumulatorValue(), o.GetEps()}
}

func NewSGD(m *Module, o SGDOptions) (*Optimizer, error) {
	defer runtime.KeepAlive(m)
	c := native.NewSgdOptions()
	defer native.DeleteSgdOptions(c)
	c.SetLr(o.LR)
	c.SetMomentum(o.Momentum)
	c.SetDampening(o.Dampening)
	c.SetWeightDecay(o.WeightDecay)
	c.SetNesterov(boolInt(o.Nesterov))
	var h uintptr
	return optimizerOf(&h, native.Dl_sgd_new(m.handle(), c, &h))
}

func newAdam(make func(uintptr, native.AdamOptions, *uintptr) error, m *Module, o AdamOptions) (*Optimizer, error) {
	defer runtime.KeepAlive(m)
	c := native.NewAdamOptions()
	defer native.DeleteAdamOptions(c)
	c.SetLr(o.LR)
	c.SetBeta1(o.Beta1)
	c.SetBeta2(o.Beta2)
	c.SetEps(o.Eps)
	c.SetWeightDecay(o.WeightDecay)
	c.SetAmsgrad(boolInt(o.AMSGrad))
	var h uintptr
	return optimizerOf(&h, make(m.handle(), c, &h))
}
func NewAdam(m *Module, o AdamOptions) (*Optimizer, error) { return newAdam(native.Dl_adam_new, m, o) }
func NewAdamW(m *Module, o AdamOptions) (*Optimizer, error) {
	return newAdam(native.Dl_adamw_new, m, o)
}

func NewRMSprop(m *Module, o RMSpropOptions) (*Optimizer, error) {
	defer runtime.KeepAlive(m)
	c := native.NewRmspropOptions()
	defer native.DeleteRmspropOptions(c)
	c.SetLr(o.LR)
	c.SetAlpha(o.Alpha)
	c.SetEps(o.Eps)
	c.SetWeightDecay(o.WeightDecay)
	c.SetMomentum(o.Momentum)
	c.SetCentered(boolInt(o.Centered))
	var h uintptr
	return optimizerOf(&h, native.Dl_rmsprop_new(m.handle(), c, &h))
}

func NewAdagrad(m *Module, o AdagradOptions) (*Optimizer, error) {
	defer runtime.KeepAlive(m)
	c := native.NewAdagradOptions()
	defer native.DeleteAdagradOptions(c)
	c.SetLr(o.LR)
	c.SetLrDecay(o.LRDecay)
	c.SetWeightDecay(o.WeightDecay)
	c.SetInitialAccumulatorValue(o.InitialAccumulatorValue)
	c.SetEps(o.Eps)
	var h uintptr
	return optimizerOf(&h, native.Dl_adagrad_new(m.handle(), c, &h))
}

func (o *Optimizer) Close() {
	if o != nil && o.h != 0 {
		runtime.SetFinalizer(o, nil)
		native.Dl_optimizer_free(o.h)
		o.h = 0
	}
}
func (o *Optimizer) ZeroGrad() error {
	defer runtime.KeepAlive(o)
	return native.Dl_optimizer_zero_grad(o.h)
}
func (o *Optimizer) Step() error {
	defer runtime.KeepAlive(o)
	return native.Dl_optimizer_step(o.h)
}
func (o *Optimizer) LR() (float64, error) {
	defer runtime.KeepAlive(o)
	var lr float64
	return lr, native.Dl_optimizer_get_lr(o.h, &lr)
}
func (o *Optimizer) SetLR(lr float64) error {
	defer runtime.KeepAlive(o)
	return native.Dl_optimizer_set_lr(o.h, lr)
}

// Scheduler changes an optimizer's lr per epoch (torch.optim.lr_scheduler);
// creating one applies epoch 0, Step advances one epoch.
type Scheduler struct{ h uintptr }

// schedulerOf is tensorOf for schedulers.
func schedulerOf(h *uintptr, err error) (*Scheduler, error) {
	if err != nil {
		return nil, err
	}
	s := &Scheduler{h: *h}
	runtime.SetFinalizer(s, func(s *Scheduler) { native.Dl_scheduler_free(s.h) })
	return s, nil
}

func NewStepLR(o *Optimizer, stepSize int64, gamma float64) (*Scheduler, error) {
	defer runtime.KeepAlive(o)
	var h uintptr
	return schedulerOf(&h, native.Dl_step_lr_new(o.h, stepSize, gamma, &h))
}
func NewMultiStepLR(o *Optimizer, milestones []int64, gamma float64) (*Scheduler, error) {
	defer runtime.KeepAlive(o)
	var h uintptr
	return schedulerOf(&h, native.Dl_multistep_lr_new(o.h, milestones, gamma, &h))
}
func NewExponentialLR(o *Optimizer, gamma float64) (*Scheduler, error) {
	defer runtime.KeepAlive(o)
	var h uintptr
	return schedulerOf(&h, native.Dl_exponential_lr_new(o.h, gamma, &h))
}
func NewCosineAnnealingLR(o *Optimizer, tMax int64, etaMin float64) (*Scheduler, error) {
	defer runtime.KeepAlive(o)
	var h uintptr
	return schedulerOf(&h, native.Dl_cosine_annealing_lr_new(o.h, tMax, etaMin, &h))
}

// PlateauOptions: ReduceLROnPlateau's, from DefaultPlateauOptions.
type PlateauOptions struct {
	ModeMax, ThresholdAbs         bool
	Factor, Threshold, MinLR, Eps float64
	Patience, Cooldown            int64
}

func DefaultPlateauOptions() PlateauOptions {
	o := native.Dl_plateau_defaults()
	defer native.DeletePlateauOptions(o)
	return PlateauOptions{o.GetModeMax() != 0, o.GetThresholdAbs() != 0, o.GetFactor(), o.GetThreshold(), o.GetMinLr(),
		o.GetEps(), o.GetPatience(), o.GetCooldown()}
}

func NewReduceLROnPlateau(o *Optimizer, p PlateauOptions) (*Scheduler, error) {
	defer runtime.KeepAlive(o)
	c := native.NewPlateauOptions()
	defer native.DeletePlateauOptions(c)
	c.SetModeMax(boolInt(p.ModeMax))
	c.SetThresholdAbs(boolInt(p.ThresholdAbs))
	c.SetFactor(p.Factor)
	c.SetThreshold(p.Threshold)
	c.SetMinLr(p.MinLR)
	c.SetEps(p.Eps)
	c.SetPatience(p.Patience)
	c.SetCooldown(p.Cooldown)
	var h uintptr
	return schedulerOf(&h, native.Dl_reduce_lr_on_plateau_new(o.h, c, &h))
}

// lambda is the director libdl calls for LambdaLR's factor.
type lambda struct {
	f func(epoch int64) (float64, error)
}

func (l *lambda) Factor(epoch, outSlot int64) int {
	var factor float64
	err := guard(func() (err error) {
		factor, err = l.f(epoch)
		return err
	})
	if err != nil {
		return keep(err)
	}
	native.Dl_binding_put_double(outSlot, factor)
	return 0
}

func (l *lambda) Released() {}

// NewLambdaLR: lr = base_lr * f(epoch); an error from f fails that step (or this constructor, for epoch 0).
func NewLambdaLR(o *Optimizer, f func(epoch int64) (float64, error)) (*Scheduler, error) {
	defer runtime.KeepAlive(o)
	cb := native.NewDirectorLrLambdaCallback(&lambda{f})
	var h uintptr
	err := withCallbacks(func() error { return native.Dl_binding_lambda_lr_new(o.h, cb, &h) })
	if err != nil {
		native.DeleteDirectorLrLambdaCallback(cb)
		return nil, err
	}
	return schedulerOf(&h, nil)
}

func (s *Scheduler) Close() {
	if s != nil && s.h != 0 {
		runtime.SetFinalizer(s, nil)
		native.Dl_scheduler_free(s.h)
		s.h = 0
	}
}

// Step advances one epoch; StepMetric is ReduceLROnPlateau's step.
func (s *Scheduler) Step() error {
	defer runtime.KeepAlive(s)
	return withCallbacks(func() error { return native.Dl_scheduler_step(s.h) })
}
func (s *Scheduler) StepMetric(metric float64) error {
	defer runtime.KeepAlive(s)
	return native.Dl_scheduler_step_metric(s.h, metric)
}
func (s *Scheduler) LastLR() (float64, error) {
	defer runtime.KeepAlive(s)
	var lr float64
	return lr, native.Dl_scheduler_get_last_lr(s.h, &lr)
}

// ClipGradNorm scales m's gradients to a joint 2-norm of at most maxNorm; the norm before.
func ClipGradNorm(m *Module, maxNorm float64) (float64, error) {
	defer runtime.KeepAlive(m)
	var total float64
	return total, native.Dl_clip_grad_norm(m.handle(), maxNorm, 2, &total)
}

// ClipGradValue clamps m's gradients to [-clip, clip].
func ClipGradValue(m *Module, clip float64) error {
	defer runtime.KeepAlive(m)
	return native.Dl_clip_grad_value(m.handle(), clip)
}
