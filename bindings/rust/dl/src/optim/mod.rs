//! Optimizers, gradient clipping and LR schedulers, as torch.optim. Each
//! optimizer kind ([`Sgd`], [`Adam`], [`AdamW`], [`RmsProp`], [`Adagrad`])
//! dereferences to [`Optimizer`], whose methods they share; options
//! structs have PyTorch's defaults (`..Default::default()`).
use std::ptr::{self, NonNull};

use dl_sys as ffi;

use crate::error::{check, Result};
use crate::nn::Module;
use crate::ops::ndim_of_count;
use crate::tensor::Tensor;

mod scheduler;

pub use scheduler::{
    CosineAnnealingLR, ExponentialLR, LambdaLR, MultiStepLR, PlateauOptions, ReduceLROnPlateau, Scheduler, StepLR,
};

/// A handle to a libdl optimizer: what every optimizer kind dereferences to.
#[derive(Debug)]
pub struct Optimizer {
    raw: NonNull<ffi::dl_optimizer>,
}

// SAFETY: libdl lets distinct handles be used from different threads.
unsafe impl Send for Optimizer {}

impl Optimizer {
    pub(crate) fn raw(&self) -> *mut ffi::dl_optimizer {
        self.raw.as_ptr()
    }

    fn new(f: impl FnOnce(*mut *mut ffi::dl_optimizer) -> ffi::dl_status) -> Result<Optimizer> {
        let mut out = ptr::null_mut();
        check(f(&mut out))?;
        Ok(Optimizer { raw: NonNull::new(out).expect("libdl returned DL_OK without an optimizer") })
    }

    /// Drops every parameter's gradient (PyTorch's set_to_none=True).
    pub fn zero_grad(&mut self) -> Result<()> {
        // SAFETY: the handle is live.
        check(unsafe { ffi::dl_optimizer_zero_grad(self.raw()) })
    }

    /// Zeroes the gradients in place instead of dropping them.
    pub fn zero_grad_in_place(&mut self) -> Result<()> {
        // SAFETY: the handle is live.
        check(unsafe { ffi::dl_optimizer_zero_grad_ex(self.raw(), 0) })
    }

    /// One update of every parameter that has a gradient (all or nothing).
    pub fn step(&mut self) -> Result<()> {
        // SAFETY: the handle is live.
        check(unsafe { ffi::dl_optimizer_step(self.raw()) })
    }

    /// The first group's learning rate.
    pub fn lr(&self) -> Result<f64> {
        let mut lr = 0.0;
        // SAFETY: the handle is live, lr a valid out-parameter.
        check(unsafe { ffi::dl_optimizer_get_lr(self.raw(), &mut lr) })?;
        Ok(lr)
    }

    /// Sets every group's learning rate.
    pub fn set_lr(&mut self, lr: f64) -> Result<()> {
        // SAFETY: the handle is live.
        check(unsafe { ffi::dl_optimizer_set_lr(self.raw(), lr) })
    }

    /// Adds a parameter group with its own lr and weight decay; returns its index.
    pub fn add_param_group(&mut self, params: &[&Tensor], lr: f64, weight_decay: f64) -> Result<usize> {
        let (handles, n) = handles_of(params)?;
        let mut index = 0;
        // SAFETY: handles holds n live handles; index a valid out-parameter.
        check(unsafe {
            ffi::dl_optimizer_add_param_group(self.raw(), handles.as_ptr(), n, lr, weight_decay, &mut index)
        })?;
        Ok(index)
    }

    /// Number of parameter groups.
    pub fn num_groups(&self) -> Result<usize> {
        let mut n = 0;
        // SAFETY: the handle is live, n a valid out-parameter.
        check(unsafe { ffi::dl_optimizer_num_groups(self.raw(), &mut n) })?;
        Ok(n)
    }

    /// One group's learning rate.
    pub fn group_lr(&self, group: usize) -> Result<f64> {
        let mut lr = 0.0;
        // SAFETY: the handle is live, lr a valid out-parameter.
        check(unsafe { ffi::dl_optimizer_get_group_lr(self.raw(), group, &mut lr) })?;
        Ok(lr)
    }

    pub fn set_group_lr(&mut self, group: usize, lr: f64) -> Result<()> {
        // SAFETY: the handle is live.
        check(unsafe { ffi::dl_optimizer_set_group_lr(self.raw(), group, lr) })
    }
}

impl Drop for Optimizer {
    fn drop(&mut self) {
        // SAFETY: we own this handle.
        unsafe { ffi::dl_optimizer_free(self.raw()) };
    }
}

/// The handles of a list of tensors and their count, for the _tensors functions.
fn handles_of(params: &[&Tensor]) -> Result<(Vec<*mut ffi::dl_tensor>, i32)> {
    let handles = params.iter().map(|t| t.raw()).collect::<Result<Vec<_>>>()?;
    let n = ndim_of_count(handles.len())?;
    Ok((handles, n))
}

/// Declares an optimizer kind: a newtype over Optimizer with constructors
/// from a module's parameters or from tensors, and its options struct.
macro_rules! optimizer_kind {
    (
        $(#[$doc:meta])* $name:ident, $options:ident: $raw:ident from $defaults:ident,
        $new:ident, $new_tensors:ident, { $($(#[$fdoc:meta])* $field:ident: $ty:ty => $cfield:ident,)* }
    ) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name(Optimizer);

        #[doc = concat!("Options of [`", stringify!($name), "`]; `Default` is PyTorch's.")]
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct $options {
            $($(#[$fdoc])* pub $field: $ty,)*
        }

        impl Default for $options {
            fn default() -> Self {
                // SAFETY: no arguments.
                let c = unsafe { ffi::$defaults() };
                $options { $($field: CField::from_c(c.$cfield),)* }
            }
        }

        impl $options {
            fn to_raw(self) -> ffi::$raw {
                // SAFETY: no arguments; every field is then set from self.
                let mut c = unsafe { ffi::$defaults() };
                $(c.$cfield = self.$field.to_c();)*
                c
            }
        }

        impl $name {
            /// Over the parameters of `params_of` (model.parameters()).
            pub fn new(params_of: &dyn Module, o: $options) -> Result<$name> {
                let (m, o) = (params_of.handle().raw(), o.to_raw());
                // SAFETY: m is live, o lives for the call.
                Optimizer::new(|out| unsafe { ffi::$new(m, &o, out) }).map($name)
            }

            /// Over these tensors (floating leaves, none twice).
            pub fn from_tensors(params: &[&Tensor], o: $options) -> Result<$name> {
                let ((handles, n), o) = (handles_of(params)?, o.to_raw());
                // SAFETY: handles holds n live handles, o lives for the call.
                Optimizer::new(|out| unsafe { ffi::$new_tensors(handles.as_ptr(), n, &o, out) }).map($name)
            }
        }

        impl std::ops::Deref for $name {
            type Target = Optimizer;
            fn deref(&self) -> &Optimizer {
                &self.0
            }
        }

        impl std::ops::DerefMut for $name {
            fn deref_mut(&mut self) -> &mut Optimizer {
                &mut self.0
            }
        }

        /// Any kind as the common type, to keep one of several kinds in one place.
        impl From<$name> for Optimizer {
            fn from(o: $name) -> Optimizer {
                o.0
            }
        }
    };
}

/// C option fields to Rust (ints are booleans) and back.
trait CField<C> {
    fn from_c(c: C) -> Self;
    fn to_c(self) -> C;
}
impl CField<f64> for f64 {
    fn from_c(c: f64) -> f64 {
        c
    }
    fn to_c(self) -> f64 {
        self
    }
}
impl CField<i32> for bool {
    fn from_c(c: i32) -> bool {
        c != 0
    }
    fn to_c(self) -> i32 {
        self as i32
    }
}

optimizer_kind! {
    /// torch.optim.SGD (momentum, dampening, Nesterov, weight decay).
    ///
    /// ```
    /// # fn main() -> dl::Result<()> {
    /// use dl::nn::{Linear, Module};
    /// use dl::optim::{Sgd, SgdOptions};
    /// let model = Linear::new(3, 1)?;
    /// let mut opt = Sgd::new(&model, SgdOptions { lr: 0.1, momentum: 0.9, ..Default::default() })?;
    /// let loss = model.forward(&dl::Tensor::ones(&[4, 3], dl::DType::Float32)?)?.sum_all()?;
    /// opt.zero_grad()?;
    /// loss.backward()?;
    /// opt.step()?;
    /// assert_eq!(opt.lr()?, 0.1);
    /// # Ok(()) }
    /// ```
    Sgd, SgdOptions: dl_sgd_options from dl_sgd_defaults, dl_sgd_new, dl_sgd_new_tensors, {
        lr: f64 => lr,
        momentum: f64 => momentum,
        dampening: f64 => dampening,
        weight_decay: f64 => weight_decay,
        nesterov: bool => nesterov,
    }
}

optimizer_kind! {
    /// torch.optim.Adam.
    Adam, AdamOptions: dl_adam_options from dl_adam_defaults, dl_adam_new, dl_adam_new_tensors, {
        lr: f64 => lr,
        beta1: f64 => beta1,
        beta2: f64 => beta2,
        eps: f64 => eps,
        /// L2 penalty added to the gradient.
        weight_decay: f64 => weight_decay,
        amsgrad: bool => amsgrad,
    }
}

optimizer_kind! {
    /// torch.optim.AdamW: Adam with decoupled weight decay (default 1e-2).
    AdamW, AdamWOptions: dl_adam_options from dl_adamw_defaults, dl_adamw_new, dl_adamw_new_tensors, {
        lr: f64 => lr,
        beta1: f64 => beta1,
        beta2: f64 => beta2,
        eps: f64 => eps,
        /// Decoupled: parameters shrink by lr * weight_decay each step.
        weight_decay: f64 => weight_decay,
        amsgrad: bool => amsgrad,
    }
}

optimizer_kind! {
    /// torch.optim.RMSprop.
    RmsProp, RmsPropOptions: dl_rmsprop_options from dl_rmsprop_defaults, dl_rmsprop_new, dl_rmsprop_new_tensors, {
        lr: f64 => lr,
        alpha: f64 => alpha,
        eps: f64 => eps,
        weight_decay: f64 => weight_decay,
        momentum: f64 => momentum,
        centered: bool => centered,
    }
}

optimizer_kind! {
    /// torch.optim.Adagrad.
    Adagrad, AdagradOptions: dl_adagrad_options from dl_adagrad_defaults, dl_adagrad_new, dl_adagrad_new_tensors, {
        lr: f64 => lr,
        lr_decay: f64 => lr_decay,
        weight_decay: f64 => weight_decay,
        initial_accumulator_value: f64 => initial_accumulator_value,
        eps: f64 => eps,
    }
}

/// torch.nn.utils.clip_grad_norm_ over a module's parameters: scales the
/// gradients so their joint `norm_type`-norm (f64::INFINITY allowed) is at
/// most `max_norm`; returns the norm before clipping.
pub fn clip_grad_norm(params_of: &dyn Module, max_norm: f64, norm_type: f64) -> Result<f64> {
    let mut total = 0.0;
    // SAFETY: the handle is live, total a valid out-parameter.
    check(unsafe { ffi::dl_clip_grad_norm(params_of.handle().raw(), max_norm, norm_type, &mut total) })?;
    Ok(total)
}

/// [`clip_grad_norm`] over tensors.
pub fn clip_grad_norm_tensors(params: &[&Tensor], max_norm: f64, norm_type: f64) -> Result<f64> {
    let (handles, n) = handles_of(params)?;
    let mut total = 0.0;
    // SAFETY: handles holds n live handles, total a valid out-parameter.
    check(unsafe { ffi::dl_clip_grad_norm_tensors(handles.as_ptr(), n, max_norm, norm_type, &mut total) })?;
    Ok(total)
}

/// torch.nn.utils.clip_grad_value_: clamps every gradient element into `[-clip_value, clip_value]`.
pub fn clip_grad_value(params_of: &dyn Module, clip_value: f64) -> Result<()> {
    // SAFETY: the handle is live.
    check(unsafe { ffi::dl_clip_grad_value(params_of.handle().raw(), clip_value) })
}

/// [`clip_grad_value`] over tensors.
pub fn clip_grad_value_tensors(params: &[&Tensor], clip_value: f64) -> Result<()> {
    let (handles, n) = handles_of(params)?;
    // SAFETY: handles holds n live handles.
    check(unsafe { ffi::dl_clip_grad_value_tensors(handles.as_ptr(), n, clip_value) })
}
