//! Modules, as torch.nn: the [`Module`] trait, every built-in layer, and your
//! own models ([`CustomModule`], [`Custom`]). A module value is a handle to a
//! libdl module; containers share their children (the handle you keep and
//! the container's child are the same module). Parameters are named as
//! PyTorch names them ("0.weight", "fc1.bias").
use std::ffi::{CStr, CString};
use std::path::Path;
use std::ptr::{self, NonNull};

use dl_sys as ffi;

use crate::error::{check, Error, Result, Status};
use crate::tensor::{new_tensor, Device, Tensor};

mod conv;
mod custom;
pub mod functional;
mod rnn;

pub use conv::{
    AdaptiveAvgPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, BatchNormOptions, Conv2d, Conv2dOptions, Dropout,
    Dropout2d, MaxPool2d, Padding, Pool2dOptions,
};
pub use custom::{Custom, CustomModule};
pub use functional::{ClassLossOptions, Reduction};
pub use rnn::{
    Embedding, EmbeddingOptions, Gru, GruCell, Lstm, LstmCell, Nonlinearity, Rnn, RnnCell, RnnOptions, RnnOutput,
};

/// A C string for a name argument.
pub(crate) fn c_string(s: &str, what: &str) -> Result<CString> {
    CString::new(s).map_err(|_| Error::new(Status::InvalidArgument, format!("{} {:?} contains a NUL byte", what, s)))
}

/// A handle to a libdl module of any kind: what every module type holds.
/// Dropping it releases the handle; the module lives on while a container
/// or another handle holds it.
pub struct AnyModule {
    raw: NonNull<ffi::dl_module>,
}

// SAFETY: libdl lets distinct handles be used from different threads; a
// custom module's Rust state is behind a Mutex (custom.rs).
unsafe impl Send for AnyModule {}

/// Calls a libdl constructor that writes one new module handle into its last argument.
pub(crate) fn new_module(f: impl FnOnce(*mut *mut ffi::dl_module) -> ffi::dl_status) -> Result<AnyModule> {
    let mut out = ptr::null_mut();
    check(f(&mut out))?;
    Ok(AnyModule { raw: NonNull::new(out).expect("libdl returned DL_OK without a module") })
}

impl AnyModule {
    pub(crate) fn raw(&self) -> *mut ffi::dl_module {
        self.raw.as_ptr()
    }
}

impl Drop for AnyModule {
    fn drop(&mut self) {
        // SAFETY: we own this handle.
        unsafe { ffi::dl_module_free(self.raw()) };
    }
}

/// What every module does: `forward`, and the parameters, modes and
/// checkpoints of the libdl module behind it. Built-in layers, [`Custom`]
/// models and [`AnyModule`] implement it; only [`Module::handle`] is
/// required, the rest are libdl's.
pub trait Module {
    /// The libdl module behind this value.
    fn handle(&self) -> &AnyModule;

    /// y = module(x), recorded by autograd.
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let (m, x) = (self.handle().raw(), x.raw()?);
        // SAFETY: m and x are live.
        new_tensor(|out| unsafe { ffi::dl_module_forward(m, x, out) })
    }

    /// Number of parameter tensors, recursive (each shared tensor once).
    fn num_parameters(&self) -> Result<usize> {
        let mut n = 0;
        // SAFETY: the handle is live, n a valid out-parameter.
        check(unsafe { ffi::dl_module_num_parameters(self.handle().raw(), &mut n) })?;
        Ok(n)
    }

    /// The parameters in registration order (model.parameters()): handles to
    /// the module's own tensors.
    fn parameters(&self) -> Result<Vec<Tensor>> {
        let m = self.handle().raw();
        (0..self.num_parameters()?)
            // SAFETY: m is live, i in range.
            .map(|i| new_tensor(|out| unsafe { ffi::dl_module_parameter(m, i, out) }))
            .collect()
    }

    /// (dotted name, parameter) pairs in registration order (model.named_parameters()).
    fn named_parameters(&self) -> Result<Vec<(String, Tensor)>> {
        let m = self.handle().raw();
        let mut all = Vec::new();
        for i in 0..self.num_parameters()? {
            let mut buffer = vec![0u8; 256];
            // SAFETY: buffer is writable for its length; on a short buffer libdl fails and writes nothing.
            let mut st = unsafe { ffi::dl_module_parameter_name(m, i, buffer.as_mut_ptr().cast(), buffer.len()) };
            if st != ffi::dl_status::DL_OK {
                buffer = vec![0u8; 1 << 16];
                // SAFETY: as above, with a buffer longer than any name libdl makes.
                st = unsafe { ffi::dl_module_parameter_name(m, i, buffer.as_mut_ptr().cast(), buffer.len()) };
            }
            check(st)?;
            let len = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
            let name = String::from_utf8_lossy(&buffer[..len]).into_owned();
            // SAFETY: m is live, i in range.
            all.push((name, new_tensor(|out| unsafe { ffi::dl_module_parameter(m, i, out) })?));
        }
        Ok(all)
    }

    /// The parameter with this dotted name ("fc1.weight").
    fn parameter(&self, name: &str) -> Result<Tensor> {
        let name = c_string(name, "parameter name")?;
        let m = self.handle().raw();
        // SAFETY: m is live, name a C string.
        new_tensor(|out| unsafe { ffi::dl_module_named_parameter(m, name.as_ptr(), out) })
    }

    /// The child registered under name directly in this module.
    fn child(&self, name: &str) -> Result<AnyModule> {
        let name = c_string(name, "child name")?;
        let m = self.handle().raw();
        // SAFETY: m is live, name a C string.
        new_module(|out| unsafe { ffi::dl_module_child(m, name.as_ptr(), out) })
    }

    /// Train mode (true) or eval mode (false), recursive.
    fn set_training(&self, training: bool) -> Result<()> {
        // SAFETY: the handle is live.
        check(unsafe { ffi::dl_module_train(self.handle().raw(), training as i32) })
    }

    /// model.train().
    fn train(&self) -> Result<()> {
        self.set_training(true)
    }

    /// model.eval().
    fn eval(&self) -> Result<()> {
        self.set_training(false)
    }

    fn is_training(&self) -> Result<bool> {
        let mut t = 0;
        // SAFETY: the handle is live, t a valid out-parameter.
        check(unsafe { ffi::dl_module_is_training(self.handle().raw(), &mut t) })?;
        Ok(t != 0)
    }

    /// Moves parameters and buffers to device, recursive.
    fn to_device(&self, device: Device) -> Result<()> {
        // SAFETY: the handle is live.
        check(unsafe { ffi::dl_module_to(self.handle().raw(), device.to_raw()) })
    }

    /// "Linear", "Sequential", or a custom module's name.
    fn type_name(&self) -> Result<String> {
        let mut name = ptr::null();
        // SAFETY: the handle is live, name a valid out-parameter.
        check(unsafe { ffi::dl_module_type_name(self.handle().raw(), &mut name) })?;
        // SAFETY: on DL_OK name is a C string that lives with the module.
        Ok(unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned())
    }

    /// Saves parameters and buffers as safetensors with PyTorch's names (atomic).
    fn save(&self, path: &Path) -> Result<()> {
        let path = c_string(&path.to_string_lossy(), "path")?;
        // SAFETY: the handle is live, path a C string.
        check(unsafe { ffi::dl_module_save(self.handle().raw(), path.as_ptr()) })
    }

    /// Loads parameters and buffers from a safetensors file (strict; on error nothing changes).
    fn load(&self, path: &Path) -> Result<()> {
        let path = c_string(&path.to_string_lossy(), "path")?;
        // SAFETY: the handle is live, path a C string.
        check(unsafe { ffi::dl_module_load(self.handle().raw(), path.as_ptr()) })
    }
}

impl Module for AnyModule {
    fn handle(&self) -> &AnyModule {
        self
    }
}

impl std::fmt::Debug for AnyModule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.type_name() {
            Ok(name) => write!(f, "{} {{ parameters: {} }}", name, self.num_parameters().unwrap_or(0)),
            Err(e) => write!(f, "AnyModule {{ {} }}", e.message()),
        }
    }
}

/// Declares module types that are a handle to one kind of libdl module.
macro_rules! module_type {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name(pub(crate) AnyModule);
        impl Module for $name {
            fn handle(&self) -> &AnyModule {
                &self.0
            }
        }
    )*};
}
pub(crate) use module_type;

/// Declares module types whose constructor is one libdl call with plain
/// arguments: `Name(args) => dl_name_new;` makes `Name::new(args)`.
macro_rules! simple_module {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) => $c:ident;)*) => {$(
        module_type! {
            $(#[$doc])*
            $name;
        }
        impl $name {
            pub fn new($($arg: $ty),*) -> Result<$name> {
                // SAFETY: scalar arguments and the out-parameter only.
                new_module(|out| unsafe { ffi::$c($($arg,)* out) }).map($name)
            }
        }
    )*};
}
pub(crate) use simple_module;

module_type! {
    /// nn.Linear: `[*, in]` -> `[*, out]`, y = x W^T + b, initialized as PyTorch does.
    Linear;
    /// nn.GELU (exact or tanh approximation).
    GELU;
}

simple_module! {
    /// nn.Sequential: empty; children appended are applied in order, named "0", "1", ...
    Sequential() => dl_sequential_new;
    /// nn.ReLU.
    ReLU() => dl_relu_new;
    /// nn.LeakyReLU(negative_slope).
    LeakyReLU(negative_slope: f64) => dl_leaky_relu_new;
    /// nn.ELU(alpha).
    ELU(alpha: f64) => dl_elu_new;
    /// nn.Sigmoid.
    Sigmoid() => dl_sigmoid_new;
    /// nn.Tanh.
    Tanh() => dl_tanh_new;
    /// nn.Softmax(dim).
    Softmax(dim: i64) => dl_softmax_new;
    /// nn.LogSoftmax(dim).
    LogSoftmax(dim: i64) => dl_log_softmax_new;
    /// nn.Flatten(start_dim, end_dim); PyTorch's nn.Flatten() is (1, -1).
    Flatten(start_dim: i64, end_dim: i64) => dl_flatten_new;
    /// nn.Identity.
    Identity() => dl_identity_new;
}

impl Linear {
    /// Linear(in_features, out_features) with a bias.
    pub fn new(in_features: i64, out_features: i64) -> Result<Linear> {
        Linear::with_bias(in_features, out_features, true)
    }

    /// Linear with or without a bias.
    pub fn with_bias(in_features: i64, out_features: i64, bias: bool) -> Result<Linear> {
        // SAFETY: scalar arguments only.
        new_module(|out| unsafe { ffi::dl_linear_new(in_features, out_features, bias as i32, out) }).map(Linear)
    }

    /// The weight `[out, in]`.
    pub fn weight(&self) -> Result<Tensor> {
        self.parameter("weight")
    }

    /// The bias `[out]` (Err when made without one).
    pub fn bias(&self) -> Result<Tensor> {
        self.parameter("bias")
    }
}

impl Sequential {
    /// Appends child (shared: your handle stays valid) under the next index.
    pub fn push(&self, child: &dyn Module) -> Result<()> {
        // SAFETY: both handles are live.
        check(unsafe { ffi::dl_module_append(self.0.raw(), child.handle().raw()) })
    }

    /// Appends child and gives the Sequential back, for building in one
    /// expression (as PyTorch's `Sequential.append`).
    ///
    /// ```
    /// # fn main() -> dl::Result<()> {
    /// use dl::nn::{Linear, Module, ReLU, Sequential};
    /// let model = Sequential::new()?.append(Linear::new(4, 8)?)?.append(ReLU::new()?)?.append(Linear::new(8, 2)?)?;
    /// assert_eq!(model.num_parameters()?, 4);
    /// assert_eq!(model.parameter("2.bias")?.shape()?, [2]);
    /// # Ok(()) }
    /// ```
    pub fn append(self, child: impl Module) -> Result<Sequential> {
        self.push(&child)?;
        Ok(self)
    }
}

impl GELU {
    /// `approximate_tanh`: PyTorch's approximate="tanh".
    pub fn new(approximate_tanh: bool) -> Result<GELU> {
        // SAFETY: scalar arguments only.
        new_module(|out| unsafe { ffi::dl_gelu_new(approximate_tanh as i32, out) }).map(GELU)
    }
}
