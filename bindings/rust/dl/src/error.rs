//! Errors: every fallible call returns `Result<T, dl::Error>`, an error code
//! (libdl's `dl_status`) and libdl's message, which names the C function and
//! the offending argument.
use std::ffi::CStr;
use std::fmt;

use dl_sys as ffi;

/// What kind of failure an [`Error`] is: libdl's `dl_status` codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// A bad handle or argument, an invalid option value.
    InvalidArgument,
    /// Shapes that do not match or broadcast.
    Shape,
    /// An element type the operation does not take.
    DType,
    /// Mixed devices, or a device that is absent.
    Device,
    /// Out of memory.
    OutOfMemory,
    /// A file missing, unreadable or unwritable.
    Io,
    /// Corrupt or unsupported file content.
    Format,
    /// Not valid now (backward twice, a scheduler that needs a metric, ...).
    State,
    /// Not built in, or not implemented.
    Unsupported,
    /// A bug, a panic in a callback, or a code this crate does not know.
    Internal,
}

impl Status {
    fn from_raw(s: ffi::dl_status) -> Status {
        match s {
            ffi::dl_status::DL_ERR_INVALID_ARGUMENT => Status::InvalidArgument,
            ffi::dl_status::DL_ERR_SHAPE => Status::Shape,
            ffi::dl_status::DL_ERR_DTYPE => Status::DType,
            ffi::dl_status::DL_ERR_DEVICE => Status::Device,
            ffi::dl_status::DL_ERR_OUT_OF_MEMORY => Status::OutOfMemory,
            ffi::dl_status::DL_ERR_IO => Status::Io,
            ffi::dl_status::DL_ERR_FORMAT => Status::Format,
            ffi::dl_status::DL_ERR_STATE => Status::State,
            ffi::dl_status::DL_ERR_UNSUPPORTED => Status::Unsupported,
            _ => Status::Internal,
        }
    }

    pub(crate) fn to_raw(self) -> ffi::dl_status {
        match self {
            Status::InvalidArgument => ffi::dl_status::DL_ERR_INVALID_ARGUMENT,
            Status::Shape => ffi::dl_status::DL_ERR_SHAPE,
            Status::DType => ffi::dl_status::DL_ERR_DTYPE,
            Status::Device => ffi::dl_status::DL_ERR_DEVICE,
            Status::OutOfMemory => ffi::dl_status::DL_ERR_OUT_OF_MEMORY,
            Status::Io => ffi::dl_status::DL_ERR_IO,
            Status::Format => ffi::dl_status::DL_ERR_FORMAT,
            Status::State => ffi::dl_status::DL_ERR_STATE,
            Status::Unsupported => ffi::dl_status::DL_ERR_UNSUPPORTED,
            Status::Internal => ffi::dl_status::DL_ERR_INTERNAL,
        }
    }

    /// The C name of the code, "DL_ERR_SHAPE".
    pub fn name(self) -> &'static str {
        // SAFETY: dl_status_name returns static storage for every value.
        let name = unsafe { CStr::from_ptr(ffi::dl_status_name(self.to_raw())) };
        name.to_str().unwrap_or("DL_UNKNOWN_STATUS")
    }
}

/// A failed libdl call: its [`Status`] and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    status: Status,
    message: String,
}

impl Error {
    /// An error of your own, for example from a [`crate::nn::CustomModule`]'s
    /// forward or a [`crate::data::CustomDataset`]: libdl reports it to the
    /// caller of the call that ran your code, with this message.
    pub fn new(status: Status, message: impl Into<String>) -> Error {
        Error { status, message: message.into() }
    }

    /// The error of the libdl call on this thread that just returned `s`.
    pub(crate) fn last(s: ffi::dl_status) -> Error {
        // SAFETY: the message is thread-local, never NULL, valid until the next dl_ call here.
        let message = unsafe { CStr::from_ptr(ffi::dl_last_error_message()) };
        Error { status: Status::from_raw(s), message: message.to_string_lossy().into_owned() }
    }

    /// The error code.
    pub fn status(&self) -> Status {
        self.status
    }

    /// libdl's message ("dl_matmul: shapes `[2, 3]` and `[2, 3]` cannot be multiplied").
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.status.name())
    }
}

impl std::error::Error for Error {}

/// `std::result::Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Ok when a libdl call returned DL_OK, else its error.
pub(crate) fn check(s: ffi::dl_status) -> Result<()> {
    if s == ffi::dl_status::DL_OK {
        Ok(())
    } else {
        Err(Error::last(s))
    }
}
