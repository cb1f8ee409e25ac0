//! # dl: libdl for Rust
//!
//! A deep-learning engine with PyTorch's way of working, over libdl's C ABI
//! (the `dl-sys` crate): [`Tensor`]s with a dynamic autograd graph, [`nn`]
//! modules (built-in layers and your own, the `class Net(nn.Module)` way),
//! [`optim`]izers and LR schedulers, and [`data`] sets and loaders. The same
//! seed gives the same numbers, bit for bit, as the same program in C.
//!
//! Every fallible call returns [`Result<T>`](Result) with an [`Error`]:
//! libdl's code ([`Status`]) and its message, which names the C function
//! and the argument. Dropping a value frees it at once. Tensors, modules,
//! optimizers, schedulers, datasets and loaders are `Send`, not `Sync`.
//! Your callbacks (a custom module's forward, a LambdaLR closure, a custom
//! dataset) never unwind into C: a panic becomes an `Err` for the caller.
//!
//! ```
//! # fn main() -> dl::Result<()> {
//! use dl::nn::{functional as F, Linear, Module};
//! use dl::optim::{Sgd, SgdOptions};
//! use dl::{DType, Tensor};
//!
//! dl::manual_seed(1)?;
//! // y = 3x + 1 from 100 noisy points, seed 002's linear regression.
//! let x = Tensor::randn(&[100, 1], DType::Float32)?;
//! let noise = (Tensor::randn(&[100, 1], DType::Float32)? * 0.1)?;
//! let y = (((&x * 3.0)? + 1.0)? + noise)?;
//! let model = Linear::new(1, 1)?;
//! let mut opt = Sgd::new(&model, SgdOptions { lr: 0.1, ..Default::default() })?;
//! for _ in 0..200 {
//!     let loss = F::mse_loss(&model.forward(&x)?, &y, F::Reduction::Mean)?;
//!     opt.zero_grad()?;
//!     loss.backward()?;
//!     opt.step()?;
//! }
//! let w = model.weight()?.item()?;
//! assert!((w - 3.0).abs() < 0.05, "weight {}", w);
//! # Ok(()) }
//! ```
//!
//! Errors carry libdl's message:
//!
//! ```
//! use dl::{DType, Status, Tensor};
//! let a = Tensor::zeros(&[2, 3], DType::Float32).unwrap();
//! let err = a.matmul(&a).unwrap_err();
//! assert_eq!(err.status(), Status::Shape);
//! assert!(err.message().starts_with("dl_matmul: "), "{}", err.message());
//! ```
//!
//! Linking: `dl-sys` finds libdl.so through `$DL_LIB_DIR` or pkg-config. A
//! program's build.rs sets its run-time path from `$DEP_DL_LIBDIR` (with
//! `dl-sys` among its dependencies), as examples/rust does.
use std::ffi::CStr;

use dl_sys as ffi;

mod arith;
mod callback;
pub mod data;
mod error;
pub mod nn;
mod ops;
pub mod optim;
mod scope;
mod tensor;

pub use error::{Error, Result, Status};
pub use scope::{is_grad_enabled, no_grad, set_grad_enabled, NoGradGuard, Scope};
pub use tensor::{DType, Device, Element, Tensor};

use error::check;

/// The library's version, "0.1.0".
pub fn version() -> &'static str {
    // SAFETY: dl_version returns static storage.
    unsafe { CStr::from_ptr(ffi::dl_version()) }.to_str().unwrap_or("")
}

/// The ABI version (the major version).
pub fn abi_version() -> i32 {
    // SAFETY: no arguments.
    unsafe { ffi::dl_abi_version() }
}

/// Seeds the global generator (random tensors, initialization, dropout,
/// shuffling): the same seed gives the same numbers on every thread count.
pub fn manual_seed(seed: u64) -> Result<()> {
    // SAFETY: scalar argument.
    check(unsafe { ffi::dl_manual_seed(seed) })
}

/// Sets the number of threads the CPU kernels use (n >= 1).
pub fn set_num_threads(n: i32) -> Result<()> {
    // SAFETY: scalar argument.
    check(unsafe { ffi::dl_set_num_threads(n) })
}

/// The number of threads the CPU kernels use.
pub fn num_threads() -> Result<i32> {
    let mut n = 0;
    // SAFETY: n is a valid out-parameter.
    check(unsafe { ffi::dl_get_num_threads(&mut n) })?;
    Ok(n)
}

/// What computes matrix products on the CPU ("OpenBLAS core SkylakeX ...").
pub fn blas_info() -> &'static str {
    // SAFETY: static storage for the process.
    unsafe { CStr::from_ptr(ffi::dl_blas_info()) }.to_str().unwrap_or("")
}

/// Frees the memory blocks the CPU allocator keeps for reuse.
pub fn empty_cache() -> Result<()> {
    // SAFETY: no arguments.
    check(unsafe { ffi::dl_empty_cache() })
}
