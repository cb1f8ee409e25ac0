//! Per-thread state of libdl that Rust code sees through guards: scopes
//! ([`Scope`]) and grad mode ([`no_grad`]).
//!
//! NOTE \[scoped tensors stay on their thread\]: libdl's dl_scope_end releases
//! every tensor handle made on its thread inside the scope, so a handle made
//! there and moved to another thread could be released while that thread
//! uses it. A [`crate::Tensor`] made while a [`Scope`] is open on its thread
//! remembers the thread: on any other thread every call on it fails with
//! [`crate::Status::InvalidArgument`], and dropping it there hands the
//! handle back to its thread, which frees it when its next scope closes.
//! Tensors made outside scopes move freely between threads.
use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

use dl_sys as ffi;

use crate::error::{check, Result};
use crate::tensor::Tensor;

static NEXT_THREAD: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static THREAD_ID: Cell<u64> = const { Cell::new(0) };
    static SCOPE_DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// A number for this thread, never 0, never reused.
pub(crate) fn thread_id() -> u64 {
    THREAD_ID.with(|id| {
        if id.get() == 0 {
            id.set(NEXT_THREAD.fetch_add(1, Ordering::Relaxed));
        }
        id.get()
    })
}

/// Handles of scoped tensors dropped on another thread than their own:
/// (owner thread, handle address), freed by the owner when a scope closes.
static ORPHANS: Mutex<Vec<(u64, usize)>> = Mutex::new(Vec::new());
static ORPHAN_COUNT: AtomicUsize = AtomicUsize::new(0);

/// Called by Tensor's drop on a thread that may not free the handle.
pub(crate) fn hand_back(owner: u64, raw: *mut ffi::dl_tensor) {
    let mut orphans = ORPHANS.lock().unwrap_or_else(|p| p.into_inner());
    orphans.push((owner, raw as usize));
    ORPHAN_COUNT.fetch_add(1, Ordering::Release);
}

/// Frees the handles other threads handed back to this one.
fn free_orphans() {
    if ORPHAN_COUNT.load(Ordering::Acquire) == 0 {
        return;
    }
    let me = thread_id();
    let mine: Vec<usize> = {
        let mut orphans = ORPHANS.lock().unwrap_or_else(|p| p.into_inner());
        let (mine, others) = orphans.drain(..).partition(|(owner, _)| *owner == me);
        *orphans = others;
        mine.into_iter().map(|(_, raw)| raw).collect()
    };
    ORPHAN_COUNT.fetch_sub(mine.len(), Ordering::Release);
    for raw in mine {
        // SAFETY: a handle a Tensor owned, made on this thread, freed once, here.
        unsafe { ffi::dl_tensor_free(raw as *mut ffi::dl_tensor) };
    }
}

/// The owner a tensor handle made now gets: this thread inside a scope, else 0 (none).
pub(crate) fn owner_of_new_handle() -> u64 {
    if SCOPE_DEPTH.with(|d| d.get()) == 0 {
        0
    } else {
        thread_id()
    }
}

/// A libdl scope on this thread (`dl_scope_begin` ... `dl_scope_end`): when
/// the guard drops, every tensor made on this thread since it was opened
/// loses its memory, except those passed to [`Scope::keep`]. A tensor it
/// released fails with [`crate::Status::InvalidArgument`] ("released by
/// scope") when used; dropping it is still correct. In Rust, dropping
/// tensors frees them already; scopes suit loops whose tensors are hard to
/// drop one by one. Scopes nest. The guard stays on its thread (not `Send`).
///
/// ```
/// # fn main() -> dl::Result<()> {
/// use dl::{DType, Scope, Tensor};
/// let a = Tensor::ones(&[2], DType::Float32)?;
/// let kept;
/// {
///     let scope = Scope::new()?;
///     let doubled = (&a * 2.0)?;
///     let tripled = (&a * 3.0)?;
///     kept = scope.keep(tripled)?;
///     drop(scope); // doubled's memory goes here
///     assert!(doubled.numel().is_err()); // "released by scope"
/// }
/// assert_eq!(kept.to_vec::<f32>()?, [3.0, 3.0]);
/// # Ok(()) }
/// ```
pub struct Scope {
    _not_send: PhantomData<*const ()>,
}

impl Scope {
    /// Opens a scope on this thread.
    pub fn new() -> Result<Scope> {
        // SAFETY: no arguments.
        check(unsafe { ffi::dl_scope_begin() })?;
        SCOPE_DEPTH.with(|d| d.set(d.get() + 1));
        Ok(Scope { _not_send: PhantomData })
    }

    /// Moves `t` out of this scope (into the enclosing one, if any) so that
    /// closing this scope does not release it; returns it.
    pub fn keep(&self, mut t: Tensor) -> Result<Tensor> {
        // SAFETY: a live handle of this thread (raw() checks the owner).
        check(unsafe { ffi::dl_scope_keep(t.raw()?) })?;
        if SCOPE_DEPTH.with(|d| d.get()) == 1 {
            t.leave_scopes();
        }
        Ok(t)
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        SCOPE_DEPTH.with(|d| d.set(d.get() - 1));
        // SAFETY: this guard opened a scope on this thread, so one is open: DL_OK.
        unsafe { ffi::dl_scope_end() };
        free_orphans();
    }
}

/// Turns recording of operations for autograd on or off on this thread and
/// returns the mode before (as `torch.set_grad_enabled`).
pub fn set_grad_enabled(enabled: bool) -> bool {
    let mut previous = 0;
    // SAFETY: previous is a valid out-parameter; the call cannot fail.
    unsafe { ffi::dl_set_grad_enabled(enabled as i32, &mut previous) };
    previous != 0
}

/// Whether this thread records operations for autograd.
pub fn is_grad_enabled() -> bool {
    let mut on = 0;
    // SAFETY: on is a valid out-parameter.
    unsafe { ffi::dl_is_grad_enabled(&mut on) };
    on != 0
}

/// While the guard lives, this thread records nothing for autograd (as
/// `with torch.no_grad():`); dropping it restores the mode before.
///
/// ```
/// # fn main() -> dl::Result<()> {
/// let w = dl::Tensor::ones(&[3], dl::DType::Float32)?;
/// w.set_requires_grad(true)?;
/// {
///     let _no_grad = dl::no_grad();
///     assert!(!(&w * 2.0)?.requires_grad()?);
/// }
/// assert!((&w * 2.0)?.requires_grad()?);
/// # Ok(()) }
/// ```
pub fn no_grad() -> NoGradGuard {
    NoGradGuard { previous: set_grad_enabled(false), _not_send: PhantomData }
}

/// The guard of [`no_grad`] (not `Send`: grad mode is per thread).
pub struct NoGradGuard {
    previous: bool,
    _not_send: PhantomData<*const ()>,
}

impl Drop for NoGradGuard {
    fn drop(&mut self) {
        set_grad_enabled(self.previous);
    }
}
