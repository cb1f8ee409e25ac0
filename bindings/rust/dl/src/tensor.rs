//! [`Tensor`]: a handle to a libdl tensor. Creation, inspection, copies
//! between tensors and slices, dtype/device conversion and autograd. The
//! operations are in ops.rs, the operators (`+ - * /`) in arith.rs.
use std::fmt;
use std::ptr::{self, NonNull};

use dl_sys as ffi;

use crate::error::{check, Error, Result, Status};
use crate::scope;

/// Element types, as libdl's `dl_dtype`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DType {
    Float32,
    Float64,
    Int64,
    Int32,
    UInt8,
    Bool,
    /// GPU only.
    Float16,
    /// GPU only.
    BFloat16,
}

impl DType {
    pub(crate) fn to_raw(self) -> ffi::dl_dtype {
        match self {
            DType::Float32 => ffi::dl_dtype::DL_FLOAT32,
            DType::Float64 => ffi::dl_dtype::DL_FLOAT64,
            DType::Int64 => ffi::dl_dtype::DL_INT64,
            DType::Int32 => ffi::dl_dtype::DL_INT32,
            DType::UInt8 => ffi::dl_dtype::DL_UINT8,
            DType::Bool => ffi::dl_dtype::DL_BOOL,
            DType::Float16 => ffi::dl_dtype::DL_FLOAT16,
            DType::BFloat16 => ffi::dl_dtype::DL_BFLOAT16,
        }
    }

    fn from_raw(d: ffi::dl_dtype) -> Result<DType> {
        Ok(match d {
            ffi::dl_dtype::DL_FLOAT32 => DType::Float32,
            ffi::dl_dtype::DL_FLOAT64 => DType::Float64,
            ffi::dl_dtype::DL_INT64 => DType::Int64,
            ffi::dl_dtype::DL_INT32 => DType::Int32,
            ffi::dl_dtype::DL_UINT8 => DType::UInt8,
            ffi::dl_dtype::DL_BOOL => DType::Bool,
            ffi::dl_dtype::DL_FLOAT16 => DType::Float16,
            ffi::dl_dtype::DL_BFLOAT16 => DType::BFloat16,
            other => return Err(Error::new(Status::Internal, format!("unknown dl_dtype {}", other.0))),
        })
    }
}

/// Where a tensor lives, as libdl's `dl_device`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Device {
    Cpu,
    /// The CUDA device of this index.
    Cuda(i32),
}

impl Device {
    pub(crate) fn to_raw(self) -> ffi::dl_device {
        match self {
            Device::Cpu => ffi::dl_device { type_: ffi::dl_device_type::DL_CPU, index: 0 },
            Device::Cuda(index) => ffi::dl_device { type_: ffi::dl_device_type::DL_CUDA, index },
        }
    }
}

mod sealed {
    pub trait Sealed {}
}

/// Rust types that hold one tensor element: `f32`, `f64`, `i64`, `i32`,
/// `u8` and `bool`, for slices in and out of tensors.
pub trait Element: Copy + Default + sealed::Sealed + 'static {
    /// The libdl dtype of this type.
    const DTYPE: DType;
}

macro_rules! element {
    ($t:ty, $d:ident) => {
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: DType = DType::$d;
        }
    };
}
element!(f32, Float32);
element!(f64, Float64);
element!(i64, Int64);
element!(i32, Int32);
element!(u8, UInt8);
element!(bool, Bool);

/// A handle to a libdl tensor: an n-dimensional array with a dtype, a device
/// and an autograd identity. Dropping it releases the handle (the memory
/// goes when no handle, module or graph uses the tensor any more).
/// [`Tensor::shallow_clone`] makes a second handle to the same tensor;
/// [`Tensor::copy`] copies the data.
///
/// `Send`: a tensor may move to another thread (see NOTE \[scoped tensors
/// stay on their thread\] for tensors made inside a [`crate::Scope`]); not
/// `Sync`: libdl uses one handle on one thread at a time.
///
/// ```
/// # fn main() -> dl::Result<()> {
/// use dl::Tensor;
/// let a = Tensor::from_slice(&[1.0f32, 2.0, 3.0, 4.0], &[2, 2])?;
/// let b = Tensor::from_slice(&[5.0f32, 6.0, 7.0, 8.0], &[2, 2])?;
/// let c = a.matmul(&b)?;
/// assert_eq!(c.shape()?, [2, 2]);
/// assert_eq!(c.to_vec::<f32>()?, [19.0, 22.0, 43.0, 50.0]);
/// # Ok(()) }
/// ```
pub struct Tensor {
    raw: NonNull<ffi::dl_tensor>,
    /// 0, or the thread whose open scope holds the handle (NOTE \[scoped tensors stay on their thread\]).
    scope_owner: u64,
}

// SAFETY: libdl lets distinct handles be used from different threads; a
// handle in a scope is only used on its thread (raw() refuses others).
unsafe impl Send for Tensor {}

/// Calls a libdl function that writes one new tensor handle into its last argument.
pub(crate) fn new_tensor(f: impl FnOnce(*mut *mut ffi::dl_tensor) -> ffi::dl_status) -> Result<Tensor> {
    let mut out = ptr::null_mut();
    check(f(&mut out))?;
    // SAFETY: on DL_OK the out-parameter is a new handle that we own.
    Ok(unsafe { Tensor::from_raw(out) })
}

/// The product of the sizes, checked (a slice of that many elements is read or written).
fn numel_of(shape: &[i64]) -> Result<usize> {
    let mut n: usize = 1;
    for &s in shape {
        let s = usize::try_from(s)
            .map_err(|_| Error::new(Status::Shape, format!("shape {:?} has a negative size", shape)))?;
        n = n.checked_mul(s).ok_or_else(|| Error::new(Status::Shape, format!("shape {:?} is too large", shape)))?;
    }
    Ok(n)
}

pub(crate) fn ndim_of(shape: &[i64]) -> Result<i32> {
    i32::try_from(shape.len()).map_err(|_| Error::new(Status::InvalidArgument, "too many dimensions"))
}

impl Tensor {
    /// Takes ownership of a new handle from libdl.
    ///
    /// # Safety
    /// `raw` is a live tensor handle that nothing else frees.
    pub(crate) unsafe fn from_raw(raw: *mut ffi::dl_tensor) -> Tensor {
        Tensor {
            raw: NonNull::new(raw).expect("libdl returned DL_OK without a tensor"),
            scope_owner: scope::owner_of_new_handle(),
        }
    }

    /// Gives the handle to libdl (which frees it), for callbacks' results.
    pub(crate) fn into_raw(self) -> Result<*mut ffi::dl_tensor> {
        let raw = self.raw()?;
        std::mem::forget(self);
        Ok(raw)
    }

    /// The handle, for a libdl call on this thread.
    pub(crate) fn raw(&self) -> Result<*mut ffi::dl_tensor> {
        if self.scope_owner != 0 && self.scope_owner != scope::thread_id() {
            return Err(Error::new(
                Status::InvalidArgument,
                "this tensor was made inside a dl::Scope of another thread and can only be used there",
            ));
        }
        Ok(self.raw.as_ptr())
    }

    /// Called by Scope::keep when the outermost scope let the handle go.
    pub(crate) fn leave_scopes(&mut self) {
        self.scope_owner = 0;
    }

    fn write_array(&self, f: impl FnOnce(*mut ffi::dl_tensor, *mut i64, i32) -> ffi::dl_status) -> Result<Vec<i64>> {
        let raw = self.raw()?;
        let n = self.ndim()?;
        let mut values = vec![0i64; n];
        check(f(raw, values.as_mut_ptr(), n as i32))?;
        Ok(values)
    }

    // ---- creation

    /// A tensor holding a copy of `data` (row-major) with this shape; `data`
    /// has exactly as many elements as the shape. `&[]` makes a 0-dim tensor.
    pub fn from_slice<T: Element>(data: &[T], shape: &[i64]) -> Result<Tensor> {
        let n = numel_of(shape)?;
        if n != data.len() {
            return Err(Error::new(
                Status::Shape,
                format!("Tensor::from_slice: shape {:?} has {} elements, the slice {}", shape, n, data.len()),
            ));
        }
        let ndim = ndim_of(shape)?;
        // SAFETY: data holds numel(shape) elements of T::DTYPE; shape has ndim sizes.
        new_tensor(|out| unsafe {
            ffi::dl_tensor_from_data(data.as_ptr().cast(), T::DTYPE.to_raw(), shape.as_ptr(), ndim, out)
        })
    }

    /// A 0-dim tensor holding `value`.
    pub fn scalar<T: Element>(value: T) -> Result<Tensor> {
        Tensor::from_slice(&[value], &[])
    }

    /// Zeros, ones, or `value` everywhere.
    pub fn zeros(shape: &[i64], dtype: DType) -> Result<Tensor> {
        let ndim = ndim_of(shape)?;
        // SAFETY: shape has ndim sizes.
        new_tensor(|out| unsafe { ffi::dl_tensor_zeros(shape.as_ptr(), ndim, dtype.to_raw(), out) })
    }

    pub fn ones(shape: &[i64], dtype: DType) -> Result<Tensor> {
        let ndim = ndim_of(shape)?;
        // SAFETY: shape has ndim sizes.
        new_tensor(|out| unsafe { ffi::dl_tensor_ones(shape.as_ptr(), ndim, dtype.to_raw(), out) })
    }

    pub fn full(shape: &[i64], value: f64, dtype: DType) -> Result<Tensor> {
        let ndim = ndim_of(shape)?;
        // SAFETY: shape has ndim sizes.
        new_tensor(|out| unsafe { ffi::dl_tensor_full(shape.as_ptr(), ndim, value, dtype.to_raw(), out) })
    }

    /// Normal(0, 1) and uniform [0, 1) numbers from the generator [`crate::manual_seed`] seeds
    /// (dtype Float32 or Float64).
    pub fn randn(shape: &[i64], dtype: DType) -> Result<Tensor> {
        let ndim = ndim_of(shape)?;
        // SAFETY: shape has ndim sizes.
        new_tensor(|out| unsafe { ffi::dl_tensor_randn(shape.as_ptr(), ndim, dtype.to_raw(), out) })
    }

    pub fn rand(shape: &[i64], dtype: DType) -> Result<Tensor> {
        let ndim = ndim_of(shape)?;
        // SAFETY: shape has ndim sizes.
        new_tensor(|out| unsafe { ffi::dl_tensor_rand(shape.as_ptr(), ndim, dtype.to_raw(), out) })
    }

    /// Integers uniform in [low, high).
    pub fn randint(low: i64, high: i64, shape: &[i64], dtype: DType) -> Result<Tensor> {
        let ndim = ndim_of(shape)?;
        // SAFETY: shape has ndim sizes.
        new_tensor(|out| unsafe { ffi::dl_tensor_randint(low, high, shape.as_ptr(), ndim, dtype.to_raw(), out) })
    }

    /// [start, end) by step.
    pub fn arange(start: f64, end: f64, step: f64, dtype: DType) -> Result<Tensor> {
        // SAFETY: scalar arguments only.
        new_tensor(|out| unsafe { ffi::dl_tensor_arange(start, end, step, dtype.to_raw(), out) })
    }

    /// The n x m identity (`m` None: n x n).
    pub fn eye(n: i64, m: Option<i64>, dtype: DType) -> Result<Tensor> {
        // SAFETY: scalar arguments only.
        new_tensor(|out| unsafe { ffi::dl_tensor_eye(n, m.unwrap_or(-1), dtype.to_raw(), out) })
    }

    /// A second handle to this tensor: same data, same autograd identity.
    pub fn shallow_clone(&self) -> Result<Tensor> {
        let raw = self.raw()?;
        // SAFETY: raw is live.
        new_tensor(|out| unsafe { ffi::dl_tensor_ref(raw, out) })
    }

    // ---- inspection

    /// Number of dimensions.
    pub fn ndim(&self) -> Result<usize> {
        let raw = self.raw()?;
        let mut n = 0;
        // SAFETY: raw is live, n a valid out-parameter.
        check(unsafe { ffi::dl_tensor_ndim(raw, &mut n) })?;
        Ok(n as usize)
    }

    /// The sizes, as `torch.Tensor.shape`.
    pub fn shape(&self) -> Result<Vec<i64>> {
        // SAFETY: values has capacity for ndim sizes.
        self.write_array(|raw, values, n| unsafe { ffi::dl_tensor_shape(raw, values, n) })
    }

    /// The size of dimension `dim` (negative counts from the end).
    pub fn size(&self, dim: i64) -> Result<i64> {
        let shape = self.shape()?;
        let n = shape.len() as i64;
        let d = if dim < 0 { dim + n } else { dim };
        if d < 0 || d >= n {
            return Err(Error::new(
                Status::InvalidArgument,
                format!("Tensor::size: dim {} is out of range for {} dimensions", dim, n),
            ));
        }
        Ok(shape[d as usize])
    }

    /// Strides, in elements.
    pub fn strides(&self) -> Result<Vec<i64>> {
        // SAFETY: values has capacity for ndim strides.
        self.write_array(|raw, values, n| unsafe { ffi::dl_tensor_strides(raw, values, n) })
    }

    /// Number of elements.
    pub fn numel(&self) -> Result<usize> {
        let raw = self.raw()?;
        let mut n = 0;
        // SAFETY: raw is live, n a valid out-parameter.
        check(unsafe { ffi::dl_tensor_numel(raw, &mut n) })?;
        Ok(n as usize)
    }

    pub fn dtype(&self) -> Result<DType> {
        let raw = self.raw()?;
        let mut d = ffi::dl_dtype::DL_FLOAT32;
        // SAFETY: raw is live, d a valid out-parameter.
        check(unsafe { ffi::dl_tensor_dtype(raw, &mut d) })?;
        DType::from_raw(d)
    }

    pub fn device(&self) -> Result<Device> {
        let raw = self.raw()?;
        let mut d = Device::Cpu.to_raw();
        // SAFETY: raw is live, d a valid out-parameter.
        check(unsafe { ffi::dl_tensor_device(raw, &mut d) })?;
        Ok(if d.type_ == ffi::dl_device_type::DL_CUDA { Device::Cuda(d.index) } else { Device::Cpu })
    }

    pub fn is_contiguous(&self) -> Result<bool> {
        let raw = self.raw()?;
        let mut c = 0;
        // SAFETY: raw is live, c a valid out-parameter.
        check(unsafe { ffi::dl_tensor_is_contiguous(raw, &mut c) })?;
        Ok(c != 0)
    }

    fn check_dtype<T: Element>(&self, what: &str) -> Result<()> {
        let d = self.dtype()?;
        if d != T::DTYPE {
            return Err(Error::new(
                Status::DType,
                format!("Tensor::{}: the tensor is {:?}, the slice's elements {:?}", what, d, T::DTYPE),
            ));
        }
        Ok(())
    }

    // ---- copies in and out

    /// Copies the elements (row-major) into `out`, which has exactly
    /// [`Tensor::numel`] elements of the tensor's dtype.
    pub fn copy_to<T: Element>(&self, out: &mut [T]) -> Result<()> {
        self.check_dtype::<T>("copy_to")?;
        let raw = self.raw()?;
        if T::DTYPE == DType::Bool {
            // libdl's bools are bytes; a Rust bool may only hold 0 or 1, so they pass through u8.
            let mut bytes = vec![0u8; out.len()];
            // SAFETY: bytes holds out.len() bytes; libdl checks the size against numel.
            check(unsafe { ffi::dl_tensor_copy_to(raw, bytes.as_mut_ptr().cast(), bytes.len()) })?;
            for (o, b) in out.iter_mut().zip(bytes) {
                // SAFETY: T is bool here (T::DTYPE is Bool only for bool).
                unsafe { *(o as *mut T as *mut bool) = b != 0 };
            }
            return Ok(());
        }
        // SAFETY: out is writable for size_of_val(out) bytes, and any bit pattern is a valid T here.
        check(unsafe { ffi::dl_tensor_copy_to(raw, out.as_mut_ptr().cast(), std::mem::size_of_val(out)) })
    }

    /// The elements (row-major) as a Vec; `T` is the tensor's element type.
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        let mut v = vec![T::default(); self.numel()?];
        self.copy_to(&mut v)?;
        Ok(v)
    }

    /// Overwrites the elements in place from `data` (row-major, numel
    /// elements of the tensor's dtype); not recorded by autograd.
    pub fn copy_from<T: Element>(&self, data: &[T]) -> Result<()> {
        self.check_dtype::<T>("copy_from")?;
        let raw = self.raw()?;
        // SAFETY: data is readable for size_of_val(data) bytes; libdl checks the size.
        check(unsafe { ffi::dl_tensor_copy_from(raw, data.as_ptr().cast(), std::mem::size_of_val(data)) })
    }

    /// The value of a one-element tensor.
    pub fn item(&self) -> Result<f64> {
        let raw = self.raw()?;
        let mut v = 0.0;
        // SAFETY: raw is live, v a valid out-parameter.
        check(unsafe { ffi::dl_tensor_item(raw, &mut v) })?;
        Ok(v)
    }

    /// A copy converted to `dtype` (float to int truncates toward zero).
    pub fn to_dtype(&self, dtype: DType) -> Result<Tensor> {
        let raw = self.raw()?;
        // SAFETY: raw is live.
        new_tensor(|out| unsafe { ffi::dl_tensor_to_dtype(raw, dtype.to_raw(), out) })
    }

    /// A copy on `device` (the same tensor when already there).
    pub fn to_device(&self, device: Device) -> Result<Tensor> {
        let raw = self.raw()?;
        // SAFETY: raw is live.
        new_tensor(|out| unsafe { ffi::dl_tensor_to(raw, device.to_raw(), out) })
    }

    // ---- autograd

    /// Marks (true) or unmarks (false: frozen) a leaf as requiring grad.
    pub fn set_requires_grad(&self, requires_grad: bool) -> Result<()> {
        let raw = self.raw()?;
        // SAFETY: raw is live.
        check(unsafe { ffi::dl_tensor_set_requires_grad(raw, requires_grad as i32) })
    }

    pub fn requires_grad(&self) -> Result<bool> {
        let raw = self.raw()?;
        let mut r = 0;
        // SAFETY: raw is live, r a valid out-parameter.
        check(unsafe { ffi::dl_tensor_requires_grad(raw, &mut r) })?;
        Ok(r != 0)
    }

    /// Whether the tensor was made by the user rather than by a recorded operation.
    pub fn is_leaf(&self) -> Result<bool> {
        let raw = self.raw()?;
        let mut r = 0;
        // SAFETY: raw is live, r a valid out-parameter.
        check(unsafe { ffi::dl_tensor_is_leaf(raw, &mut r) })?;
        Ok(r != 0)
    }

    /// The gradient accumulated in this leaf (sharing its storage), None before any.
    pub fn grad(&self) -> Result<Option<Tensor>> {
        let raw = self.raw()?;
        let mut out = ptr::null_mut();
        // SAFETY: raw is live, out a valid out-parameter.
        check(unsafe { ffi::dl_tensor_grad(raw, &mut out) })?;
        // SAFETY: a non-NULL result is a new handle we own.
        Ok(if out.is_null() { None } else { Some(unsafe { Tensor::from_raw(out) }) })
    }

    /// Drops the gradient (as `set_to_none`).
    pub fn zero_grad(&self) -> Result<()> {
        let raw = self.raw()?;
        // SAFETY: raw is live.
        check(unsafe { ffi::dl_tensor_zero_grad(raw) })
    }

    /// Backward from a one-element tensor: accumulates d(self)/d(leaf) into
    /// every leaf that requires grad, then frees the graph.
    pub fn backward(&self) -> Result<()> {
        self.backward_with(None, false)
    }

    /// Backward with the gradient of self (`grad`: self's shape and dtype;
    /// None for one element, meaning 1); `retain_graph` keeps the graph for
    /// another backward.
    pub fn backward_with(&self, grad: Option<&Tensor>, retain_graph: bool) -> Result<()> {
        let raw = self.raw()?;
        let g = match grad {
            Some(g) => g.raw()?,
            None => ptr::null_mut(),
        };
        // SAFETY: raw is live, g live or NULL.
        check(unsafe { ffi::dl_tensor_backward_ex(raw, g, retain_graph as i32) })
    }

    /// A handle to the same data without autograd history.
    pub fn detach(&self) -> Result<Tensor> {
        let raw = self.raw()?;
        // SAFETY: raw is live.
        new_tensor(|out| unsafe { ffi::dl_tensor_detach(raw, out) })
    }
}

impl Drop for Tensor {
    fn drop(&mut self) {
        match self.raw() {
            // SAFETY: we own the handle and use it on a thread libdl allows.
            Ok(raw) => unsafe { ffi::dl_tensor_free(raw) },
            // NOTE [scoped tensors stay on their thread]: its own thread frees it,
            // rather than this one race with that thread's dl_scope_end.
            Err(_) => scope::hand_back(self.scope_owner, self.raw.as_ptr()),
        }
    }
}

impl fmt::Debug for Tensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.shape(), self.dtype()) {
            (Ok(shape), Ok(dtype)) => write!(f, "Tensor {{ shape: {:?}, dtype: {:?} }}", shape, dtype),
            (Err(e), _) | (_, Err(e)) => write!(f, "Tensor {{ {} }}", e.message()),
        }
    }
}
