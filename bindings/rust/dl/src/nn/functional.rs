//! Functional forms, as torch.nn.functional: the losses and embedding (free
//! functions here) and the image operations (methods of [`Tensor`]: conv2d,
//! pooling, dropout, batch norm). Activations are tensor methods too (`x.relu()`).
use std::ptr;

use dl_sys as ffi;

use crate::error::{check, Result};
use crate::nn::conv::{Conv2dOptions, Pool2dOptions};
use crate::nn::rnn::EmbeddingOptions;
use crate::tensor::{new_tensor, Tensor};

/// How a loss reduces over the batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reduction {
    /// The unreduced losses.
    None,
    /// Their mean (PyTorch's default), a 0-dim tensor.
    Mean,
    /// Their sum, a 0-dim tensor.
    Sum,
}

impl Reduction {
    fn to_raw(self) -> ffi::dl_reduction {
        match self {
            Reduction::None => ffi::dl_reduction::DL_REDUCTION_NONE,
            Reduction::Mean => ffi::dl_reduction::DL_REDUCTION_MEAN,
            Reduction::Sum => ffi::dl_reduction::DL_REDUCTION_SUM,
        }
    }
}

/// Options of the class-index losses; `Default` is PyTorch's (no weight,
/// ignore_index -100, no label smoothing, mean).
#[derive(Clone, Copy, Debug)]
pub struct ClassLossOptions<'a> {
    /// Per-class weights `[C]`.
    pub weight: Option<&'a Tensor>,
    /// Targets equal to it count for nothing.
    pub ignore_index: i64,
    /// Cross entropy only, in `[0, 1]`.
    pub label_smoothing: f64,
    pub reduction: Reduction,
}

impl Default for ClassLossOptions<'_> {
    fn default() -> Self {
        // SAFETY: no arguments.
        let c = unsafe { ffi::dl_class_loss_defaults() };
        let reduction = match c.reduction {
            ffi::dl_reduction::DL_REDUCTION_NONE => Reduction::None,
            ffi::dl_reduction::DL_REDUCTION_SUM => Reduction::Sum,
            _ => Reduction::Mean,
        };
        ClassLossOptions { weight: None, ignore_index: c.ignore_index, label_smoothing: c.label_smoothing, reduction }
    }
}

impl ClassLossOptions<'_> {
    fn to_raw(self) -> Result<ffi::dl_class_loss_options> {
        Ok(ffi::dl_class_loss_options {
            weight: optional(self.weight)?,
            ignore_index: self.ignore_index,
            label_smoothing: self.label_smoothing,
            reduction: self.reduction.to_raw(),
        })
    }
}

pub(crate) fn optional(t: Option<&Tensor>) -> Result<*mut ffi::dl_tensor> {
    match t {
        Some(t) => t.raw(),
        None => Ok(ptr::null_mut()),
    }
}

/// (input - target)^2, reduced; input and target broadcast.
pub fn mse_loss(input: &Tensor, target: &Tensor, r: Reduction) -> Result<Tensor> {
    let (i, t) = (input.raw()?, target.raw()?);
    // SAFETY: i and t are live.
    new_tensor(|out| unsafe { ffi::dl_mse_loss(i, t, r.to_raw(), out) })
}

/// |input - target|, reduced.
pub fn l1_loss(input: &Tensor, target: &Tensor, r: Reduction) -> Result<Tensor> {
    let (i, t) = (input.raw()?, target.raw()?);
    // SAFETY: i and t are live.
    new_tensor(|out| unsafe { ffi::dl_l1_loss(i, t, r.to_raw(), out) })
}

/// nn.CrossEntropyLoss: logits `[N, C]`, target Int64 class indices `[N]`.
pub fn cross_entropy(logits: &Tensor, target: &Tensor, r: Reduction) -> Result<Tensor> {
    let (l, t) = (logits.raw()?, target.raw()?);
    // SAFETY: l and t are live.
    new_tensor(|out| unsafe { ffi::dl_cross_entropy(l, t, r.to_raw(), out) })
}

/// Cross entropy with weights, ignore_index or label smoothing.
pub fn cross_entropy_with(logits: &Tensor, target: &Tensor, o: &ClassLossOptions) -> Result<Tensor> {
    let (l, t, o) = (logits.raw()?, target.raw()?, o.to_raw()?);
    // SAFETY: l and t are live; o's weight live or NULL.
    new_tensor(|out| unsafe { ffi::dl_cross_entropy_ex(l, t, &o, out) })
}

/// nn.NLLLoss: log-probabilities `[N, C]` (from log_softmax), target Int64 `[N]`.
pub fn nll_loss(log_probs: &Tensor, target: &Tensor, r: Reduction) -> Result<Tensor> {
    let (l, t) = (log_probs.raw()?, target.raw()?);
    // SAFETY: l and t are live.
    new_tensor(|out| unsafe { ffi::dl_nll_loss(l, t, r.to_raw(), out) })
}

/// NLL loss with weights or ignore_index.
pub fn nll_loss_with(log_probs: &Tensor, target: &Tensor, o: &ClassLossOptions) -> Result<Tensor> {
    let (l, t, o) = (log_probs.raw()?, target.raw()?, o.to_raw()?);
    // SAFETY: l and t are live; o's weight live or NULL.
    new_tensor(|out| unsafe { ffi::dl_nll_loss_ex(l, t, &o, out) })
}

/// nn.BCELoss: probabilities in `[0, 1]`; weight broadcasts to them.
pub fn bce_loss(input: &Tensor, target: &Tensor, weight: Option<&Tensor>, r: Reduction) -> Result<Tensor> {
    let (i, t, w) = (input.raw()?, target.raw()?, optional(weight)?);
    // SAFETY: i and t are live, w live or NULL.
    new_tensor(|out| unsafe { ffi::dl_bce_loss(i, t, w, r.to_raw(), out) })
}

/// nn.BCEWithLogitsLoss: logits; weight and pos_weight (per class) optional.
pub fn bce_with_logits_loss(
    input: &Tensor,
    target: &Tensor,
    weight: Option<&Tensor>,
    pos_weight: Option<&Tensor>,
    r: Reduction,
) -> Result<Tensor> {
    let (i, t, w, p) = (input.raw()?, target.raw()?, optional(weight)?, optional(pos_weight)?);
    // SAFETY: i and t are live, w and p live or NULL.
    new_tensor(|out| unsafe { ffi::dl_bce_with_logits_loss(i, t, w, p, r.to_raw(), out) })
}

/// F.embedding: the rows of weight `[num_embeddings, dim]` at indices
/// (Int64 or Int32, any shape, each in `[0, num_embeddings)`) ->
/// `[*indices, dim]`. With max_norm, weight's rows looked up are
/// renormalized in place (not recorded by autograd).
pub fn embedding(indices: &Tensor, weight: &Tensor, o: &EmbeddingOptions) -> Result<Tensor> {
    let (i, w, o) = (indices.raw()?, weight.raw()?, o.to_raw()?);
    // SAFETY: i and w are live, o lives for the call.
    new_tensor(|out| unsafe { ffi::dl_embedding(i, w, &o, out) })
}

impl Tensor {
    /// F.conv2d: self `[N, C, H, W]`, weight `[O, C / groups, kh, kw]`, bias `[O]` -> `[N, O, Ho, Wo]`.
    pub fn conv2d(&self, weight: &Tensor, bias: Option<&Tensor>, o: &Conv2dOptions) -> Result<Tensor> {
        let (x, w, b, o) = (self.raw()?, weight.raw()?, optional(bias)?, o.to_raw());
        // SAFETY: x and w are live, b live or NULL, o lives for the call.
        new_tensor(|out| unsafe { ffi::dl_conv2d_with(x, w, b, &o, out) })
    }

    /// F.max_pool2d over (kh, kw) windows.
    pub fn max_pool2d(&self, kernel: (i64, i64), o: &Pool2dOptions) -> Result<Tensor> {
        if o.dilation != (1, 1) {
            return Ok(self.max_pool2d_with_indices(kernel, o)?.0);
        }
        // Without dilation, the form that makes no indices unless autograd needs them.
        let (x, c) = (self.raw()?, o.to_raw());
        // SAFETY: x is live.
        new_tensor(|out| unsafe {
            ffi::dl_max_pool2d(x, kernel.0, kernel.1, c.stride_h, c.stride_w, c.pad_h, c.pad_w, c.ceil_mode, out)
        })
    }

    /// Max pooling and the int64 index of each maximum in its flattened H*W plane.
    pub fn max_pool2d_with_indices(&self, kernel: (i64, i64), o: &Pool2dOptions) -> Result<(Tensor, Tensor)> {
        let (x, o) = (self.raw()?, o.to_raw());
        let (mut v, mut i) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: x is live, o lives for the call, v and i are valid out-parameters.
        check(unsafe { ffi::dl_max_pool2d_with_indices(x, kernel.0, kernel.1, &o, &mut v, &mut i) })?;
        // SAFETY: on DL_OK both are new handles we own.
        Ok(unsafe { (Tensor::from_raw(v), Tensor::from_raw(i)) })
    }

    /// F.avg_pool2d over (kh, kw) windows.
    pub fn avg_pool2d(&self, kernel: (i64, i64), o: &Pool2dOptions) -> Result<Tensor> {
        let (x, o) = (self.raw()?, o.to_raw());
        // SAFETY: x is live, o lives for the call.
        new_tensor(|out| unsafe { ffi::dl_avg_pool2d_with(x, kernel.0, kernel.1, &o, out) })
    }

    /// F.adaptive_avg_pool2d -> `[N, C, out_h, out_w]`.
    pub fn adaptive_avg_pool2d(&self, output: (i64, i64)) -> Result<Tensor> {
        let x = self.raw()?;
        // SAFETY: x is live.
        new_tensor(|out| unsafe { ffi::dl_adaptive_avg_pool2d(x, output.0, output.1, out) })
    }

    /// F.dropout: in training, zeros with probability p and scales the rest by 1 / (1 - p).
    pub fn dropout(&self, p: f64, training: bool) -> Result<Tensor> {
        let x = self.raw()?;
        // SAFETY: x is live.
        new_tensor(|out| unsafe { ffi::dl_dropout(x, p, training as i32, out) })
    }

    /// F.dropout2d: whole channels.
    pub fn dropout2d(&self, p: f64, training: bool) -> Result<Tensor> {
        let x = self.raw()?;
        // SAFETY: x is live.
        new_tensor(|out| unsafe { ffi::dl_dropout2d(x, p, training as i32, out) })
    }

    /// F.batch_norm over dim 1 of `[N, C, *]`; running statistics (updated in
    /// place in training), weight and bias are `[C]` or None.
    #[allow(clippy::too_many_arguments)]
    pub fn batch_norm(
        &self,
        running_mean: Option<&Tensor>,
        running_var: Option<&Tensor>,
        weight: Option<&Tensor>,
        bias: Option<&Tensor>,
        training: bool,
        momentum: f64,
        eps: f64,
    ) -> Result<Tensor> {
        let x = self.raw()?;
        let (m, v, w, b) = (optional(running_mean)?, optional(running_var)?, optional(weight)?, optional(bias)?);
        // SAFETY: x is live; the others live or NULL.
        new_tensor(|out| unsafe { ffi::dl_batch_norm(x, m, v, w, b, training as i32, momentum, eps, out) })
    }
}
