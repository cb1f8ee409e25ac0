//! Your own model, the seeds' `class Net(nn.Module)` way: a struct holding
//! its layers implements [`CustomModule`] (forward, and the children and
//! parameters it declares, in order: no derive needed); [`Custom::new`]
//! makes it a libdl module (dl_module_new) whose forward libdl calls back.
use std::ffi::c_void;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use dl_sys as ffi;

use crate::callback;
use crate::error::{check, Error, Result, Status};
use crate::nn::{c_string, new_module, AnyModule, Module};
use crate::scope;
use crate::tensor::Tensor;

/// The behaviour of your own module.
///
/// ```
/// # fn main() -> dl::Result<()> {
/// use dl::nn::{Custom, CustomModule, Linear, Module};
/// use dl::Tensor;
///
/// struct Net {
///     fc1: Linear,
///     fc2: Linear,
/// }
///
/// impl CustomModule for Net {
///     fn forward(&self, x: &Tensor) -> dl::Result<Tensor> {
///         let x = x.reshape(&[-1, 4])?;
///         self.fc2.forward(&self.fc1.forward(&x)?.relu()?)
///     }
///     fn children(&self) -> Vec<(&str, &dyn Module)> {
///         vec![("fc1", &self.fc1), ("fc2", &self.fc2)]
///     }
/// }
///
/// let net = Custom::new(Net { fc1: Linear::new(4, 8)?, fc2: Linear::new(8, 3)? })?;
/// let y = net.forward(&Tensor::ones(&[2, 2, 2], dl::DType::Float32)?)?;
/// assert_eq!(y.shape()?, [2, 3]);
/// assert_eq!(net.type_name()?, "Net");
/// assert_eq!(net.parameter("fc2.weight")?.shape()?, [3, 8]);
/// # Ok(()) }
/// ```
pub trait CustomModule: Send + 'static {
    /// y = self(x). An `Err` (or a panic, which becomes
    /// [`crate::Status::Internal`]) reaches the caller of `forward` with its message.
    fn forward(&self, x: &Tensor) -> Result<Tensor>;

    /// The child modules, in registration order, under their names (no '.'):
    /// their parameters become "name.weight" and so on. None by default.
    fn children(&self) -> Vec<(&str, &dyn Module)> {
        Vec::new()
    }

    /// Tensors registered as parameters of this module itself (they become
    /// leaves that require grad); as in PyTorch they come before the
    /// children's in [`Module::parameters`]. None by default.
    fn own_parameters(&self) -> Vec<(&str, &Tensor)> {
        Vec::new()
    }
}

/// A [`CustomModule`] as a libdl module: [`Module::forward`] calls libdl,
/// which calls your `forward`; parameters, train/eval, save/load and
/// optimizers see the declared children and parameters. libdl keeps your
/// value (behind a Mutex, so forward may run from any thread) until the
/// module is destroyed.
pub struct Custom<T> {
    module: AnyModule,
    _value: PhantomData<fn() -> T>,
}

/// What libdl keeps for a custom module: the value, and the thread running
/// its forward (0: none), so that a forward reaching itself again (through a
/// module the value holds) fails instead of waiting for its own lock.
struct Shared<T> {
    value: Mutex<T>,
    running_on: AtomicU64,
}

/// Clears Shared::running_on when the forward ends, also by a panic.
struct Running<'a>(&'a AtomicU64);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.store(0, Ordering::Relaxed);
    }
}

/// The forward libdl calls: T's forward on the borrowed input; its result becomes libdl's.
extern "C" fn forward_trampoline<T: CustomModule>(
    _self: *mut ffi::dl_module,
    x: *const ffi::dl_tensor,
    out: *mut *mut ffi::dl_tensor,
    data: *mut c_void,
) -> ffi::dl_status {
    callback::run("forward", || {
        // SAFETY: data is the Box<Shared<T>> given to dl_module_new, alive with the module.
        let shared = unsafe { &*(data as *const Shared<T>) };
        let me = scope::thread_id();
        if shared.running_on.load(Ordering::Relaxed) == me {
            return Err(Error::new(Status::State, "the forward of this module reached itself again"));
        }
        let value = shared.value.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        shared.running_on.store(me, Ordering::Relaxed);
        let _running = Running(&shared.running_on);
        // SAFETY: x is a live handle libdl lends for this call and frees itself.
        let x = ManuallyDrop::new(unsafe { Tensor::from_raw(x as *mut ffi::dl_tensor) });
        let y = value.forward(&x)?;
        // SAFETY: out is libdl's out-parameter; it takes the handle.
        unsafe { *out = y.into_raw()? };
        Ok(())
    })
}

/// The last segment of a type's path ("Net" for "mnist_mlp::Net").
fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    let base = full.split('<').next().unwrap_or(full);
    base.rsplit("::").next().unwrap_or(base)
}

impl<T: CustomModule> Custom<T> {
    /// The module of `value`, named after its type ("Net").
    pub fn new(value: T) -> Result<Custom<T>> {
        Custom::with_name(short_type_name::<T>(), value)
    }

    /// The module of `value` with this type name (for messages and [`Module::type_name`]).
    pub fn with_name(type_name: &str, value: T) -> Result<Custom<T>> {
        let name = c_string(type_name, "type name")?;
        let data = Box::into_raw(Box::new(Shared { value: Mutex::new(value), running_on: AtomicU64::new(0) }));
        // SAFETY: the trampoline and free function match T; libdl frees data
        // with free_box once the module is destroyed, and only if this succeeds.
        let made = new_module(|out| unsafe {
            ffi::dl_module_new(
                name.as_ptr(),
                Some(forward_trampoline::<T>),
                data.cast(),
                Some(callback::free_box::<Shared<T>>),
                out,
            )
        });
        let module = match made {
            Ok(m) => m,
            Err(e) => {
                // SAFETY: dl_module_new failed, so data is still ours.
                drop(unsafe { Box::from_raw(data) });
                return Err(e);
            }
        };
        {
            // SAFETY: data lives with module, which is alive here.
            let value = unsafe { &*data }.value.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            for (child_name, child) in value.children() {
                let child_name = c_string(child_name, "child name")?;
                // SAFETY: both handles are live, the name a C string.
                check(unsafe { ffi::dl_module_register(module.raw(), child_name.as_ptr(), child.handle().raw()) })?;
            }
            for (param_name, t) in value.own_parameters() {
                let param_name = c_string(param_name, "parameter name")?;
                // SAFETY: both handles are live, the name a C string.
                check(unsafe { ffi::dl_module_register_parameter(module.raw(), param_name.as_ptr(), t.raw()?) })?;
            }
        }
        Ok(Custom { module, _value: PhantomData })
    }
}

impl<T> std::fmt::Debug for Custom<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.module.fmt(f)
    }
}

impl<T> Module for Custom<T> {
    fn handle(&self) -> &AnyModule {
        &self.module
    }
}
