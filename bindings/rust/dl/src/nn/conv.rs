//! Image layers (dl/conv.h): Conv2d, pooling, dropout and batch norm
//! modules, and the options they share with the functional forms.
use dl_sys as ffi;

use crate::error::Result;
use crate::nn::{module_type, new_module, simple_module, AnyModule, Module};

/// conv2d padding: zeros on each side (height, width), "same" (output as
/// large as the input, stride 1) or "valid" (none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Padding {
    Explicit(i64, i64),
    Same,
    Valid,
}

/// Conv2d's options; `Default` is PyTorch's (stride 1, padding 0, dilation 1, groups 1, bias).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Conv2dOptions {
    pub stride: (i64, i64),
    pub padding: Padding,
    pub dilation: (i64, i64),
    pub groups: i64,
    /// Read by [`Conv2d::new`] only.
    pub bias: bool,
}

impl Default for Conv2dOptions {
    fn default() -> Self {
        // SAFETY: no arguments.
        let c = unsafe { ffi::dl_conv2d_defaults() };
        let padding = match ffi::dl_padding_mode(c.padding_mode as u32) {
            ffi::dl_padding_mode::DL_PADDING_SAME => Padding::Same,
            ffi::dl_padding_mode::DL_PADDING_VALID => Padding::Valid,
            _ => Padding::Explicit(c.pad_h, c.pad_w),
        };
        Conv2dOptions {
            stride: (c.stride_h, c.stride_w),
            padding,
            dilation: (c.dilation_h, c.dilation_w),
            groups: c.groups,
            bias: c.bias != 0,
        }
    }
}

impl Conv2dOptions {
    pub(crate) fn to_raw(self) -> ffi::dl_conv2d_options {
        let (mode, (pad_h, pad_w)) = match self.padding {
            Padding::Explicit(h, w) => (ffi::dl_padding_mode::DL_PADDING_EXPLICIT, (h, w)),
            Padding::Same => (ffi::dl_padding_mode::DL_PADDING_SAME, (0, 0)),
            Padding::Valid => (ffi::dl_padding_mode::DL_PADDING_VALID, (0, 0)),
        };
        ffi::dl_conv2d_options {
            stride_h: self.stride.0,
            stride_w: self.stride.1,
            pad_h,
            pad_w,
            dilation_h: self.dilation.0,
            dilation_w: self.dilation.1,
            groups: self.groups,
            padding_mode: mode.0 as i32,
            bias: self.bias as i32,
        }
    }
}

/// Pooling options; `Default` is PyTorch's (stride = kernel, padding 0,
/// dilation 1, floor mode, count_include_pad, no divisor override).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pool2dOptions {
    /// None: the kernel size.
    pub stride: Option<(i64, i64)>,
    pub padding: (i64, i64),
    /// Max pooling only.
    pub dilation: (i64, i64),
    pub ceil_mode: bool,
    /// Average pooling only.
    pub count_include_pad: bool,
    /// Average pooling only.
    pub divisor_override: Option<i64>,
}

impl Default for Pool2dOptions {
    fn default() -> Self {
        // SAFETY: no arguments.
        let c = unsafe { ffi::dl_pool2d_defaults() };
        Pool2dOptions {
            stride: if c.stride_h == 0 && c.stride_w == 0 { None } else { Some((c.stride_h, c.stride_w)) },
            padding: (c.pad_h, c.pad_w),
            dilation: (c.dilation_h, c.dilation_w),
            ceil_mode: c.ceil_mode != 0,
            count_include_pad: c.count_include_pad != 0,
            divisor_override: if c.divisor_override == 0 { None } else { Some(c.divisor_override) },
        }
    }
}

impl Pool2dOptions {
    pub(crate) fn to_raw(self) -> ffi::dl_pool2d_options {
        let (stride_h, stride_w) = self.stride.unwrap_or((0, 0));
        ffi::dl_pool2d_options {
            stride_h,
            stride_w,
            pad_h: self.padding.0,
            pad_w: self.padding.1,
            dilation_h: self.dilation.0,
            dilation_w: self.dilation.1,
            ceil_mode: self.ceil_mode as i32,
            count_include_pad: self.count_include_pad as i32,
            divisor_override: self.divisor_override.unwrap_or(0),
        }
    }
}

/// Batch norm options; `Default` is PyTorch's (eps 1e-5, momentum 0.1,
/// affine, tracking running statistics).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BatchNormOptions {
    pub eps: f64,
    /// None: a cumulative average (PyTorch's momentum=None).
    pub momentum: Option<f64>,
    pub affine: bool,
    pub track_running_stats: bool,
}

impl Default for BatchNormOptions {
    fn default() -> Self {
        // SAFETY: no arguments.
        let c = unsafe { ffi::dl_batch_norm_defaults() };
        BatchNormOptions {
            eps: c.eps,
            momentum: if c.cumulative_average != 0 { None } else { Some(c.momentum) },
            affine: c.affine != 0,
            track_running_stats: c.track_running_stats != 0,
        }
    }
}

impl BatchNormOptions {
    fn to_raw(self) -> ffi::dl_batch_norm_options {
        ffi::dl_batch_norm_options {
            eps: self.eps,
            momentum: self.momentum.unwrap_or(0.0),
            affine: self.affine as i32,
            track_running_stats: self.track_running_stats as i32,
            cumulative_average: self.momentum.is_none() as i32,
        }
    }
}

module_type! {
    /// nn.Conv2d: parameters "weight" `[out, in / groups, kh, kw]` and "bias" `[out]`.
    Conv2d;
    /// nn.MaxPool2d.
    MaxPool2d;
    /// nn.AvgPool2d.
    AvgPool2d;
    /// nn.AdaptiveAvgPool2d.
    AdaptiveAvgPool2d;
    /// nn.BatchNorm1d over `[N, C]` or `[N, C, L]`.
    BatchNorm1d;
    /// nn.BatchNorm2d over `[N, C, H, W]`.
    BatchNorm2d;
}

impl Conv2d {
    /// Conv2d(in_channels, out_channels, (kh, kw), options).
    pub fn new(in_channels: i64, out_channels: i64, kernel: (i64, i64), o: Conv2dOptions) -> Result<Conv2d> {
        let o = o.to_raw();
        // SAFETY: o lives for the call.
        new_module(|out| unsafe { ffi::dl_conv2d_new(in_channels, out_channels, kernel.0, kernel.1, &o, out) })
            .map(Conv2d)
    }
}

impl MaxPool2d {
    pub fn new(kernel: (i64, i64), o: Pool2dOptions) -> Result<MaxPool2d> {
        let o = o.to_raw();
        // SAFETY: o lives for the call.
        new_module(|out| unsafe { ffi::dl_max_pool2d_new(kernel.0, kernel.1, &o, out) }).map(MaxPool2d)
    }
}

impl AvgPool2d {
    pub fn new(kernel: (i64, i64), o: Pool2dOptions) -> Result<AvgPool2d> {
        let o = o.to_raw();
        // SAFETY: o lives for the call.
        new_module(|out| unsafe { ffi::dl_avg_pool2d_new(kernel.0, kernel.1, &o, out) }).map(AvgPool2d)
    }
}

impl AdaptiveAvgPool2d {
    /// Output `[N, C, out_h, out_w]`.
    pub fn new(output: (i64, i64)) -> Result<AdaptiveAvgPool2d> {
        // SAFETY: scalar arguments only.
        new_module(|out| unsafe { ffi::dl_adaptive_avg_pool2d_new(output.0, output.1, out) }).map(AdaptiveAvgPool2d)
    }
}

simple_module! {
    /// nn.Dropout(p): active in train mode, the identity in eval mode.
    Dropout(p: f64) => dl_dropout_new;
    /// nn.Dropout2d(p): whole channels.
    Dropout2d(p: f64) => dl_dropout2d_new;
}

impl BatchNorm1d {
    pub fn new(num_features: i64, o: BatchNormOptions) -> Result<BatchNorm1d> {
        let o = o.to_raw();
        // SAFETY: o lives for the call.
        new_module(|out| unsafe { ffi::dl_batch_norm1d_new(num_features, &o, out) }).map(BatchNorm1d)
    }
}

impl BatchNorm2d {
    pub fn new(num_features: i64, o: BatchNormOptions) -> Result<BatchNorm2d> {
        let o = o.to_raw();
        // SAFETY: o lives for the call.
        new_module(|out| unsafe { ffi::dl_batch_norm2d_new(num_features, &o, out) }).map(BatchNorm2d)
    }
}
