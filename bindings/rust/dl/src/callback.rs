//! What the extern "C" trampolines of Rust callbacks (a custom module's
//! forward, a LambdaLR closure, a custom dataset) share: a panic or an error
//! never unwinds into C; it becomes a status and a message (dl_set_error),
//! which libdl passes to the caller of the call that ran the callback, where
//! it comes back as an `Err`.
use std::any::Any;
use std::ffi::{c_void, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use dl_sys as ffi;

use crate::error::{Error, Result, Status};

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "a panic with a payload that is not a string"
    }
}

/// The status to return to C for `e`, with its message set as libdl's last error.
fn report(e: &Error) -> ffi::dl_status {
    let message = CString::new(e.message().replace('\0', " ")).unwrap_or_default();
    // SAFETY: message is a valid C string for the call; libdl copies it.
    unsafe { ffi::dl_set_error(e.status().to_raw(), message.as_ptr()) }
}

/// Runs `body` for C: DL_OK, or its error's status, or DL_ERR_INTERNAL with
/// "panic in <what>: <message>" when it panics.
pub(crate) fn run<F: FnOnce() -> Result<()>>(what: &str, body: F) -> ffi::dl_status {
    // The callbacks' state is either only read or guarded by a Mutex whose
    // poisoning is ignored: a panic leaves nothing half-changed that libdl reads.
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => ffi::dl_status::DL_OK,
        Ok(Err(e)) => report(&e),
        Err(payload) => {
            report(&Error::new(Status::Internal, format!("panic in {}: {}", what, panic_message(&*payload))))
        }
    }
}

/// The `free_user_data` of a callback whose user data is a `Box<T>`. A panic
/// in T's drop cannot be reported to anyone: it is swallowed.
pub(crate) extern "C" fn free_box<T>(data: *mut c_void) {
    // SAFETY: libdl calls this once, with the pointer Box::into_raw gave it.
    let _ = catch_unwind(AssertUnwindSafe(|| drop(unsafe { Box::from_raw(data as *mut T) })));
}
