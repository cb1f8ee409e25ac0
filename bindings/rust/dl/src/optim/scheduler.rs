//! LR schedulers, as torch.optim.lr_scheduler. Making one applies epoch 0
//! to the optimizer's learning rates; `step()` advances one epoch (call it
//! after the epoch's optimizer steps). A scheduler keeps its optimizer's
//! libdl object alive. Each kind dereferences to [`Scheduler`], except
//! [`ReduceLROnPlateau`], which steps with a metric.
use std::ffi::c_void;
use std::ptr::{self, NonNull};
use std::sync::Mutex;

use dl_sys as ffi;

use crate::callback;
use crate::error::{check, Result};
use crate::ops::ndim_of_count;
use crate::optim::Optimizer;

/// A handle to a libdl scheduler.
#[derive(Debug)]
pub struct Scheduler {
    raw: NonNull<ffi::dl_scheduler>,
}

// SAFETY: libdl lets distinct handles be used from different threads; a
// LambdaLR's closure is Send and behind a Mutex.
unsafe impl Send for Scheduler {}

impl Scheduler {
    fn new(f: impl FnOnce(*mut *mut ffi::dl_scheduler) -> ffi::dl_status) -> Result<Scheduler> {
        let mut out = ptr::null_mut();
        check(f(&mut out))?;
        Ok(Scheduler { raw: NonNull::new(out).expect("libdl returned DL_OK without a scheduler") })
    }

    /// Advances one epoch.
    pub fn step(&mut self) -> Result<()> {
        // SAFETY: the handle is live.
        check(unsafe { ffi::dl_scheduler_step(self.raw.as_ptr()) })
    }

    /// The learning rate the last step set, of the first group (`get_last_lr()[0]`).
    pub fn last_lr(&self) -> Result<f64> {
        let mut lr = 0.0;
        // SAFETY: the handle is live, lr a valid out-parameter.
        check(unsafe { ffi::dl_scheduler_get_last_lr(self.raw.as_ptr(), &mut lr) })?;
        Ok(lr)
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        // SAFETY: we own this handle.
        unsafe { ffi::dl_scheduler_free(self.raw.as_ptr()) };
    }
}

/// Declares scheduler kinds: newtypes over Scheduler.
macro_rules! scheduler_kind {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name(Scheduler);
        impl std::ops::Deref for $name {
            type Target = Scheduler;
            fn deref(&self) -> &Scheduler {
                &self.0
            }
        }
        impl std::ops::DerefMut for $name {
            fn deref_mut(&mut self) -> &mut Scheduler {
                &mut self.0
            }
        }
        impl From<$name> for Scheduler {
            fn from(s: $name) -> Scheduler {
                s.0
            }
        }
    )*};
}

scheduler_kind! {
    /// lr = base_lr * gamma^(epoch / step_size).
    StepLR;
    /// lr = base_lr * gamma^(number of milestones <= epoch).
    MultiStepLR;
    /// lr = base_lr * gamma^epoch.
    ExponentialLR;
    /// Cosine from base_lr down to eta_min over t_max epochs.
    CosineAnnealingLR;
    /// lr = base_lr * lambda(epoch), lambda a Rust closure.
    LambdaLR;
}

impl StepLR {
    pub fn new(opt: &Optimizer, step_size: i64, gamma: f64) -> Result<StepLR> {
        // SAFETY: the optimizer handle is live.
        Scheduler::new(|out| unsafe { ffi::dl_step_lr_new(opt.raw(), step_size, gamma, out) }).map(StepLR)
    }
}

impl MultiStepLR {
    /// milestones: increasing epochs.
    pub fn new(opt: &Optimizer, milestones: &[i64], gamma: f64) -> Result<MultiStepLR> {
        let n = ndim_of_count(milestones.len())?;
        // SAFETY: the optimizer handle is live; milestones has n values.
        Scheduler::new(|out| unsafe { ffi::dl_multistep_lr_new(opt.raw(), milestones.as_ptr(), n, gamma, out) })
            .map(MultiStepLR)
    }
}

impl ExponentialLR {
    pub fn new(opt: &Optimizer, gamma: f64) -> Result<ExponentialLR> {
        // SAFETY: the optimizer handle is live.
        Scheduler::new(|out| unsafe { ffi::dl_exponential_lr_new(opt.raw(), gamma, out) }).map(ExponentialLR)
    }
}

impl CosineAnnealingLR {
    pub fn new(opt: &Optimizer, t_max: i64, eta_min: f64) -> Result<CosineAnnealingLR> {
        // SAFETY: the optimizer handle is live.
        Scheduler::new(|out| unsafe { ffi::dl_cosine_annealing_lr_new(opt.raw(), t_max, eta_min, out) })
            .map(CosineAnnealingLR)
    }
}

/// LambdaLR's factor, called by libdl: the closure's value for epoch.
extern "C" fn lambda_trampoline<F: FnMut(i64) -> f64 + Send + 'static>(
    epoch: i64,
    factor: *mut f64,
    data: *mut c_void,
) -> ffi::dl_status {
    callback::run("the LambdaLR closure", || {
        // SAFETY: data is the Box<Mutex<F>> given to dl_lambda_lr_new, alive with the scheduler.
        let f = unsafe { &*(data as *const Mutex<F>) };
        let value = (f.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))(epoch);
        // SAFETY: factor is libdl's out-parameter.
        unsafe { *factor = value };
        Ok(())
    })
}

impl LambdaLR {
    /// lr = base_lr * lr_lambda(epoch). A panic in the closure makes that
    /// step (or this constructor, which calls it for epoch 0) fail with
    /// [`crate::Status::Internal`] and change nothing; a non-finite factor
    /// fails with [`crate::Status::InvalidArgument`].
    ///
    /// ```
    /// # fn main() -> dl::Result<()> {
    /// use dl::nn::Linear;
    /// use dl::optim::{LambdaLR, Sgd, SgdOptions};
    /// let model = Linear::new(2, 1)?;
    /// let opt = Sgd::new(&model, SgdOptions { lr: 0.5, ..Default::default() })?;
    /// let mut sched = LambdaLR::new(&opt, |epoch| 1.0 / (epoch + 1) as f64)?;
    /// sched.step()?;
    /// assert_eq!(opt.lr()?, 0.25);
    /// # Ok(()) }
    /// ```
    pub fn new<F: FnMut(i64) -> f64 + Send + 'static>(opt: &Optimizer, lr_lambda: F) -> Result<LambdaLR> {
        let data = Box::into_raw(Box::new(Mutex::new(lr_lambda)));
        // SAFETY: the optimizer handle is live; the trampoline and free
        // function match F; libdl frees data once the scheduler is destroyed,
        // and only if this succeeds.
        let made = Scheduler::new(|out| unsafe {
            ffi::dl_lambda_lr_new(
                opt.raw(),
                Some(lambda_trampoline::<F>),
                data.cast(),
                Some(callback::free_box::<Mutex<F>>),
                out,
            )
        });
        match made {
            Ok(s) => Ok(LambdaLR(s)),
            Err(e) => {
                // SAFETY: dl_lambda_lr_new failed, so data is still ours.
                drop(unsafe { Box::from_raw(data) });
                Err(e)
            }
        }
    }
}

/// ReduceLROnPlateau's options; `Default` is PyTorch's (mode "min", factor
/// 0.1, patience 10, threshold 1e-4 "rel", cooldown 0, min_lr 0, eps 1e-8).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlateauOptions {
    /// false: "min" (a lower metric is better); true: "max".
    pub mode_max: bool,
    /// new lr = lr * factor, in [0, 1).
    pub factor: f64,
    /// Epochs without improvement before reducing.
    pub patience: i64,
    pub threshold: f64,
    /// false: "rel"; true: "abs".
    pub threshold_abs: bool,
    pub cooldown: i64,
    pub min_lr: f64,
    /// Changes smaller than eps are not made.
    pub eps: f64,
}

impl Default for PlateauOptions {
    fn default() -> Self {
        // SAFETY: no arguments.
        let c = unsafe { ffi::dl_plateau_defaults() };
        PlateauOptions {
            mode_max: c.mode_max != 0,
            factor: c.factor,
            patience: c.patience,
            threshold: c.threshold,
            threshold_abs: c.threshold_abs != 0,
            cooldown: c.cooldown,
            min_lr: c.min_lr,
            eps: c.eps,
        }
    }
}

/// Reduces the learning rate when a metric stops improving.
#[derive(Debug)]
pub struct ReduceLROnPlateau(Scheduler);

impl ReduceLROnPlateau {
    pub fn new(opt: &Optimizer, o: PlateauOptions) -> Result<ReduceLROnPlateau> {
        let c = ffi::dl_plateau_options {
            mode_max: o.mode_max as i32,
            factor: o.factor,
            patience: o.patience,
            threshold: o.threshold,
            threshold_abs: o.threshold_abs as i32,
            cooldown: o.cooldown,
            min_lr: o.min_lr,
            eps: o.eps,
        };
        // SAFETY: the optimizer handle is live, c lives for the call.
        Scheduler::new(|out| unsafe { ffi::dl_reduce_lr_on_plateau_new(opt.raw(), &c, out) }).map(ReduceLROnPlateau)
    }

    /// Advances one epoch given the metric (validation loss, ...).
    pub fn step(&mut self, metric: f64) -> Result<()> {
        // SAFETY: the handle is live.
        check(unsafe { ffi::dl_scheduler_step_metric(self.0.raw.as_ptr(), metric) })
    }

    /// The learning rate the last step set, of the first group.
    pub fn last_lr(&self) -> Result<f64> {
        self.0.last_lr()
    }
}
