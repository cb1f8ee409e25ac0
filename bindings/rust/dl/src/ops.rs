//! Tensor operations, as methods (PyTorch's names; dl/ops.h documents each).
//! All are recorded by autograd when an input requires grad; binary ops
//! broadcast. Dims may be negative. Image ops (conv, pooling, dropout, batch
//! norm) are in nn/functional.rs.
use std::ptr;

use dl_sys as ffi;

use crate::error::{check, Result};
use crate::tensor::{ndim_of, new_tensor, Tensor};

/// x -> `[x]`: methods over one tensor.
macro_rules! unary {
    ($($(#[$doc:meta])* $name:ident => $c:ident;)*) => {$(
        $(#[$doc])*
        pub fn $name(&self) -> Result<Tensor> {
            let x = self.raw()?;
            // SAFETY: x is live.
            new_tensor(|out| unsafe { ffi::$c(x, out) })
        }
    )*};
}

/// (a, b) -> `[broadcast]`: methods over two tensors.
macro_rules! binary {
    ($($(#[$doc:meta])* $name:ident => $c:ident;)*) => {$(
        $(#[$doc])*
        pub fn $name(&self, other: &Tensor) -> Result<Tensor> {
            let (a, b) = (self.raw()?, other.raw()?);
            // SAFETY: a and b are live.
            new_tensor(|out| unsafe { ffi::$c(a, b, out) })
        }
    )*};
}

/// (a, scalar) -> `[a]`: a op s.
macro_rules! with_scalar {
    ($($(#[$doc:meta])* $name:ident => $c:ident;)*) => {$(
        $(#[$doc])*
        pub fn $name(&self, s: f64) -> Result<Tensor> {
            let a = self.raw()?;
            // SAFETY: a is live.
            new_tensor(|out| unsafe { ffi::$c(a, s, out) })
        }
    )*};
}

/// (x, dim) -> tensor.
macro_rules! with_dim {
    ($($(#[$doc:meta])* $name:ident => $c:ident;)*) => {$(
        $(#[$doc])*
        pub fn $name(&self, dim: i64) -> Result<Tensor> {
            let x = self.raw()?;
            // SAFETY: x is live.
            new_tensor(|out| unsafe { ffi::$c(x, dim, out) })
        }
    )*};
}

/// (x, dims, keepdim) -> reduced; dims `&[]`: every dim.
macro_rules! reduction {
    ($($(#[$doc:meta])* $name:ident => $c:ident;)*) => {$(
        $(#[$doc])*
        pub fn $name(&self, dims: &[i64], keepdim: bool) -> Result<Tensor> {
            let x = self.raw()?;
            let n = ndim_of(dims)?;
            // SAFETY: x is live; dims has n values.
            new_tensor(|out| unsafe { ffi::$c(x, dims.as_ptr(), n, keepdim as i32, out) })
        }
    )*};
}

/// (x, sizes) -> tensor, for shapes and permutations.
macro_rules! with_sizes {
    ($($(#[$doc:meta])* $name:ident => $c:ident;)*) => {$(
        $(#[$doc])*
        pub fn $name(&self, sizes: &[i64]) -> Result<Tensor> {
            let x = self.raw()?;
            let n = ndim_of(sizes)?;
            // SAFETY: x is live; sizes has n values.
            new_tensor(|out| unsafe { ffi::$c(x, sizes.as_ptr(), n, out) })
        }
    )*};
}

/// The handles of a list of tensors, for cat and stack.
fn raws(tensors: &[&Tensor]) -> Result<Vec<*const ffi::dl_tensor>> {
    tensors.iter().map(|t| t.raw().map(|r| r as *const _)).collect()
}

impl Tensor {
    binary! {
        /// Elementwise a + b (also the `+` operator).
        add => dl_add;
        /// a - b (`-`).
        sub => dl_sub;
        /// a * b (`*`).
        mul => dl_mul;
        /// True division a / b (`/`; integers give float32).
        div => dl_div;
        /// a ** b.
        pow => dl_pow;
        maximum => dl_maximum;
        minimum => dl_minimum;
        /// Comparisons give Bool tensors.
        eq => dl_eq;
        ne => dl_ne;
        lt => dl_lt;
        le => dl_le;
        gt => dl_gt;
        ge => dl_ge;
        /// torch.matmul: `[n]` x `[n]` -> `[]`; `[B.., M, K]` x `[C.., K, N]` -> `[broadcast(B, C).., M, N]`.
        matmul => dl_matmul;
    }

    with_scalar! {
        /// a + s (also `&a + s`); a float32 tensor stays float32.
        add_scalar => dl_add_scalar;
        sub_scalar => dl_sub_scalar;
        mul_scalar => dl_mul_scalar;
        div_scalar => dl_div_scalar;
        pow_scalar => dl_pow_scalar;
    }

    unary! {
        /// -x (also the unary `-` operator).
        neg => dl_neg;
        abs => dl_abs;
        exp => dl_exp;
        log => dl_log;
        sqrt => dl_sqrt;
        relu => dl_relu;
        sigmoid => dl_sigmoid;
        tanh => dl_tanh;
        /// Removes every size-1 dim.
        squeeze_all => dl_squeeze_all;
        /// This tensor (a new handle) when contiguous, else a contiguous copy.
        contiguous => dl_contiguous;
        /// A contiguous copy of the data (torch's `clone()`), recorded by autograd.
        copy => dl_clone;
    }

    with_dim! {
        /// Softmax along dim (numerically stable).
        softmax => dl_softmax;
        log_softmax => dl_log_softmax;
        /// Removes dim when its size is 1.
        squeeze => dl_squeeze;
        /// Inserts a size-1 dim at dim.
        unsqueeze => dl_unsqueeze;
    }

    reduction! {
        /// Sum over dims (`&[]`: all); integers sum to int64.
        sum => dl_sum;
        mean => dl_mean;
        amax => dl_amax;
        amin => dl_amin;
    }

    with_sizes! {
        /// A tensor with these sizes (one may be -1), a view when the strides allow.
        reshape => dl_reshape;
        /// A view with these sizes (Err(Shape) when the strides do not allow one).
        view => dl_view;
        /// Broadcasts size-1 dims (and new leading dims) to sizes; -1 keeps a size.
        expand => dl_expand;
        /// The dims in this order (a permutation of 0..ndim).
        permute => dl_permute;
    }

    /// The sum of every element, a 0-dim tensor.
    pub fn sum_all(&self) -> Result<Tensor> {
        self.sum(&[], false)
    }

    /// The mean of every element, a 0-dim tensor.
    pub fn mean_all(&self) -> Result<Tensor> {
        self.mean(&[], false)
    }

    /// Variance over dims with Bessel's correction `correction` (1: unbiased).
    pub fn var(&self, dims: &[i64], correction: i64, keepdim: bool) -> Result<Tensor> {
        let x = self.raw()?;
        let n = ndim_of(dims)?;
        // SAFETY: x is live; dims has n values.
        new_tensor(|out| unsafe { ffi::dl_var(x, dims.as_ptr(), n, correction, keepdim as i32, out) })
    }

    /// Standard deviation, as [`Tensor::var`].
    pub fn std(&self, dims: &[i64], correction: i64, keepdim: bool) -> Result<Tensor> {
        let x = self.raw()?;
        let n = ndim_of(dims)?;
        // SAFETY: x is live; dims has n values.
        new_tensor(|out| unsafe { ffi::dl_std(x, dims.as_ptr(), n, correction, keepdim as i32, out) })
    }

    fn values_and_indices(
        &self,
        f: unsafe extern "C" fn(
            *const ffi::dl_tensor,
            i64,
            i32,
            *mut *mut ffi::dl_tensor,
            *mut *mut ffi::dl_tensor,
        ) -> ffi::dl_status,
        dim: i64,
        keepdim: bool,
    ) -> Result<(Tensor, Tensor)> {
        let x = self.raw()?;
        let (mut v, mut i) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: x is live; v and i are valid out-parameters.
        check(unsafe { f(x, dim, keepdim as i32, &mut v, &mut i) })?;
        // SAFETY: on DL_OK both are new handles we own.
        Ok(unsafe { (Tensor::from_raw(v), Tensor::from_raw(i)) })
    }

    /// The maximum along dim and its int64 index (the first on ties).
    pub fn max_dim(&self, dim: i64, keepdim: bool) -> Result<(Tensor, Tensor)> {
        self.values_and_indices(ffi::dl_max_dim, dim, keepdim)
    }

    /// The minimum along dim and its int64 index.
    pub fn min_dim(&self, dim: i64, keepdim: bool) -> Result<(Tensor, Tensor)> {
        self.values_and_indices(ffi::dl_min_dim, dim, keepdim)
    }

    /// The int64 index of the maximum along dim.
    pub fn argmax(&self, dim: i64, keepdim: bool) -> Result<Tensor> {
        let x = self.raw()?;
        // SAFETY: x is live.
        new_tensor(|out| unsafe { ffi::dl_argmax(x, dim, keepdim as i32, out) })
    }

    /// The int64 index of the minimum along dim.
    pub fn argmin(&self, dim: i64, keepdim: bool) -> Result<Tensor> {
        let x = self.raw()?;
        // SAFETY: x is live.
        new_tensor(|out| unsafe { ffi::dl_argmin(x, dim, keepdim as i32, out) })
    }

    /// Clamps into `[min, max]`; None is no bound on that side.
    pub fn clamp(&self, min: Option<f64>, max: Option<f64>) -> Result<Tensor> {
        let x = self.raw()?;
        let (lo, hi) = (min.unwrap_or(f64::NAN), max.unwrap_or(f64::NAN));
        // SAFETY: x is live.
        new_tensor(|out| unsafe { ffi::dl_clamp(x, lo, hi, out) })
    }

    /// a where cond (Bool) is true, else b; the three broadcast together.
    pub fn where_cond(cond: &Tensor, a: &Tensor, b: &Tensor) -> Result<Tensor> {
        let (c, a, b) = (cond.raw()?, a.raw()?, b.raw()?);
        // SAFETY: the three handles are live.
        new_tensor(|out| unsafe { ffi::dl_where(c, a, b, out) })
    }

    /// This tensor with value where mask (Bool, broadcast to it) is true.
    pub fn masked_fill(&self, mask: &Tensor, value: f64) -> Result<Tensor> {
        let (x, m) = (self.raw()?, mask.raw()?);
        // SAFETY: x and m are live.
        new_tensor(|out| unsafe { ffi::dl_masked_fill(x, m, value, out) })
    }

    /// x: `[*, K]`, weight: `[M, K]`, bias: `[M]` -> `[*, M]` = x weight^T + bias.
    pub fn linear(&self, weight: &Tensor, bias: Option<&Tensor>) -> Result<Tensor> {
        let (x, w) = (self.raw()?, weight.raw()?);
        let b = match bias {
            Some(b) => b.raw()?,
            None => ptr::null_mut(),
        };
        // SAFETY: x and w are live, b live or NULL.
        new_tensor(|out| unsafe { ffi::dl_linear(x, w, b, out) })
    }

    /// Swaps two dims (a view).
    pub fn transpose(&self, dim0: i64, dim1: i64) -> Result<Tensor> {
        let x = self.raw()?;
        // SAFETY: x is live.
        new_tensor(|out| unsafe { ffi::dl_transpose(x, dim0, dim1, out) })
    }

    /// Flattens dims start_dim..=end_dim into one.
    pub fn flatten(&self, start_dim: i64, end_dim: i64) -> Result<Tensor> {
        let x = self.raw()?;
        // SAFETY: x is live.
        new_tensor(|out| unsafe { ffi::dl_flatten(x, start_dim, end_dim, out) })
    }

    /// Elements [start, start + length) along dim (a view).
    pub fn narrow(&self, dim: i64, start: i64, length: i64) -> Result<Tensor> {
        let x = self.raw()?;
        // SAFETY: x is live.
        new_tensor(|out| unsafe { ffi::dl_narrow(x, dim, start, length, out) })
    }

    /// `x[index]` along dim, which disappears (a view).
    pub fn select(&self, dim: i64, index: i64) -> Result<Tensor> {
        let x = self.raw()?;
        // SAFETY: x is live.
        new_tensor(|out| unsafe { ffi::dl_select(x, dim, index, out) })
    }

    /// The entries at index (a 1-D int64 or int32 tensor) along dim.
    pub fn index_select(&self, dim: i64, index: &Tensor) -> Result<Tensor> {
        let (x, i) = (self.raw()?, index.raw()?);
        // SAFETY: x and i are live.
        new_tensor(|out| unsafe { ffi::dl_index_select(x, dim, i, out) })
    }

    /// torch.gather: `out[i][j] = x[index[i][j]][j]` for dim 0, and so on.
    pub fn gather(&self, dim: i64, index: &Tensor) -> Result<Tensor> {
        let (x, i) = (self.raw()?, index.raw()?);
        // SAFETY: x and i are live.
        new_tensor(|out| unsafe { ffi::dl_gather(x, dim, i, out) })
    }

    /// Joins tensors (equal except along dim) along dim.
    pub fn cat(tensors: &[&Tensor], dim: i64) -> Result<Tensor> {
        let handles = raws(tensors)?;
        let n = ndim_of_count(handles.len())?;
        // SAFETY: handles holds n live handles.
        new_tensor(|out| unsafe { ffi::dl_cat(handles.as_ptr(), n, dim, out) })
    }

    /// Stacks equal tensors along a new dim.
    pub fn stack(tensors: &[&Tensor], dim: i64) -> Result<Tensor> {
        let handles = raws(tensors)?;
        let n = ndim_of_count(handles.len())?;
        // SAFETY: handles holds n live handles.
        new_tensor(|out| unsafe { ffi::dl_stack(handles.as_ptr(), n, dim, out) })
    }

    /// F.leaky_relu.
    pub fn leaky_relu(&self, negative_slope: f64) -> Result<Tensor> {
        let x = self.raw()?;
        // SAFETY: x is live.
        new_tensor(|out| unsafe { ffi::dl_leaky_relu(x, negative_slope, out) })
    }

    /// F.elu.
    pub fn elu(&self, alpha: f64) -> Result<Tensor> {
        let x = self.raw()?;
        // SAFETY: x is live.
        new_tensor(|out| unsafe { ffi::dl_elu(x, alpha, out) })
    }

    /// F.gelu; `approximate_tanh`: PyTorch's approximate="tanh".
    pub fn gelu(&self, approximate_tanh: bool) -> Result<Tensor> {
        let x = self.raw()?;
        // SAFETY: x is live.
        new_tensor(|out| unsafe { ffi::dl_gelu(x, approximate_tanh as i32, out) })
    }
}

/// A count of tensors as the C int libdl takes.
pub(crate) fn ndim_of_count(n: usize) -> Result<i32> {
    i32::try_from(n)
        .map_err(|_| crate::error::Error::new(crate::error::Status::InvalidArgument, "too many tensors for one call"))
}
