//! Recurrent layers and embeddings (dl/rnn.h): RNN, LSTM and GRU over whole
//! sequences, the one-step cells, Embedding, and the options they take.
//!
//! Shapes, with T steps, batch B, D = 2 when bidirectional (else 1), L
//! layers and H_out = proj_size or hidden_size: x `[T, B, input_size]`
//! (`[B, T, input_size]` with batch_first, `[T, input_size]` unbatched);
//! output `[T, B, D * H_out]` (`[B, T, D * H_out]` with batch_first); h0 and
//! h_n `[D * L, B, H_out]`, c0 and c_n `[D * L, B, hidden_size]` (batch_first
//! does not change them), indexed by layer * D + direction.
use std::ptr;

use dl_sys as ffi;

use crate::error::{check, Error, Result, Status};
use crate::nn::functional::optional;
use crate::nn::{module_type, new_module, AnyModule, Module};
use crate::tensor::{new_tensor, Tensor};

/// The activation of [`Rnn`] and [`RnnCell`] (PyTorch's nonlinearity="tanh" or "relu").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Nonlinearity {
    Tanh,
    Relu,
}

impl Nonlinearity {
    fn to_raw(self) -> i32 {
        let n = match self {
            Nonlinearity::Tanh => ffi::dl_rnn_nonlinearity::DL_RNN_TANH,
            Nonlinearity::Relu => ffi::dl_rnn_nonlinearity::DL_RNN_RELU,
        };
        n.0 as i32
    }
}

/// Options of [`Rnn`], [`Lstm`] and [`Gru`], with PyTorch's names; `Default`
/// is PyTorch's (1 layer, bias, time-major, no dropout, one direction, tanh,
/// no projection).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RnnOptions {
    pub num_layers: i64,
    pub bias: bool,
    /// x and output are `[B, T, *]` (the states are not affected).
    pub batch_first: bool,
    /// The probability of zeroing an element of each layer's output but the
    /// last's, in train mode.
    pub dropout: f64,
    pub bidirectional: bool,
    /// Read by [`Rnn::new`] only.
    pub nonlinearity: Nonlinearity,
    /// Read by [`Lstm::new`] only: 0 (none) or in `[1, hidden_size)`; h is
    /// projected to this size (parameter "weight_hr_l0").
    pub proj_size: i64,
}

impl Default for RnnOptions {
    fn default() -> Self {
        // SAFETY: no arguments.
        let c = unsafe { ffi::dl_rnn_defaults() };
        let relu = ffi::dl_rnn_nonlinearity::DL_RNN_RELU.0 as i32;
        RnnOptions {
            num_layers: c.num_layers,
            bias: c.bias != 0,
            batch_first: c.batch_first != 0,
            dropout: c.dropout,
            bidirectional: c.bidirectional != 0,
            nonlinearity: if c.nonlinearity == relu { Nonlinearity::Relu } else { Nonlinearity::Tanh },
            proj_size: c.proj_size,
        }
    }
}

impl RnnOptions {
    fn to_raw(self) -> ffi::dl_rnn_options {
        ffi::dl_rnn_options {
            num_layers: self.num_layers,
            bias: self.bias as i32,
            batch_first: self.batch_first as i32,
            dropout: self.dropout,
            bidirectional: self.bidirectional as i32,
            nonlinearity: self.nonlinearity.to_raw(),
            proj_size: self.proj_size,
        }
    }
}

/// What a recurrent layer gives: the last layer's h at each step and the
/// final states of every layer and direction.
#[derive(Debug)]
pub struct RnnOutput {
    /// `[T, B, D * H_out]` (`[B, T, D * H_out]` with batch_first).
    pub output: Tensor,
    /// `[D * L, B, H_out]`.
    pub h_n: Tensor,
    /// `[D * L, B, hidden_size]` for an [`Lstm`]; None for [`Rnn`] and [`Gru`].
    pub c_n: Option<Tensor>,
}

module_type! {
    /// nn.RNN: h' = tanh (or relu) of x W_ih^T + b_ih + h W_hh^T + b_hh, over
    /// whole sequences. [`Module::forward`] gives the output from zero states.
    Rnn;
    /// nn.LSTM (with proj_size), gates i, f, g, o. Parameters as PyTorch's:
    /// "weight_ih_l0" `[4 * hidden, input]`, "weight_hh_l0", "bias_ih_l0",
    /// "bias_hh_l0" ("weight_hr_l0" with proj_size), "..._l0_reverse" when
    /// bidirectional, then "..._l1", so checkpoints move between the two.
    /// [`Module::forward`] gives the output from zero states.
    ///
    /// ```
    /// # fn main() -> dl::Result<()> {
    /// use dl::nn::{Lstm, Module, RnnOptions};
    /// use dl::{DType, Tensor};
    ///
    /// let o = RnnOptions { num_layers: 2, batch_first: true, bidirectional: true, ..Default::default() };
    /// let lstm = Lstm::new(3, 5, o)?;
    /// let x = Tensor::randn(&[4, 7, 3], DType::Float32)?; // 4 sequences of 7 steps
    /// let r = lstm.forward_states(&x)?;
    /// assert_eq!(r.output.shape()?, [4, 7, 10]);
    /// assert_eq!(r.h_n.shape()?, [4, 4, 5]); // 2 layers x 2 directions
    /// assert_eq!(r.c_n.unwrap().shape()?, [4, 4, 5]);
    /// // Padded: the second sequence has 3 real steps, the output is zeros after them.
    /// let r = lstm.forward_padded(&x, &[7, 3, 5, 1], None, None)?;
    /// assert!(r.output.select(0, 1)?.narrow(0, 3, 4)?.to_vec::<f32>()?.iter().all(|&v| v == 0.0));
    /// assert_eq!(lstm.parameter("weight_hh_l1_reverse")?.shape()?, [20, 5]);
    /// # Ok(()) }
    /// ```
    Lstm;
    /// nn.GRU, gates r, z, n. [`Module::forward`] gives the output from zero states.
    Gru;
}

/// The layer forwards: dl_rnn_forward(_padded) for an RNN or GRU (c0 None),
/// dl_lstm_forward(_padded) for an LSTM.
fn layer_forward(
    m: &AnyModule,
    lstm: bool,
    x: &Tensor,
    lengths: Option<&[i64]>,
    h0: Option<&Tensor>,
    c0: Option<&Tensor>,
) -> Result<RnnOutput> {
    let (m, x, h0, c0) = (m.raw(), x.raw()?, optional(h0)?, optional(c0)?);
    let (mut out, mut h_n, mut c_n) = (ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
    // SAFETY: m and x are live, h0 and c0 live or NULL, lengths has len
    // values; out, h_n and c_n are valid out-parameters.
    let st = unsafe {
        match (lstm, lengths) {
            (false, None) => ffi::dl_rnn_forward(m, x, h0, &mut out, &mut h_n),
            (false, Some(l)) => ffi::dl_rnn_forward_padded(m, x, l.as_ptr(), l.len() as i64, h0, &mut out, &mut h_n),
            (true, None) => ffi::dl_lstm_forward(m, x, h0, c0, &mut out, &mut h_n, &mut c_n),
            (true, Some(l)) => {
                ffi::dl_lstm_forward_padded(m, x, l.as_ptr(), l.len() as i64, h0, c0, &mut out, &mut h_n, &mut c_n)
            }
        }
    };
    check(st)?;
    // SAFETY: on DL_OK out and h_n are new handles we own, and c_n too for an LSTM.
    unsafe {
        Ok(RnnOutput {
            output: Tensor::from_raw(out),
            h_n: Tensor::from_raw(h_n),
            c_n: if c_n.is_null() { None } else { Some(Tensor::from_raw(c_n)) },
        })
    }
}

/// The constructor and forwards of the layers with one state, h (RNN and GRU).
macro_rules! h_only_layer {
    ($($name:ident => $c:ident, $torch:literal;)*) => {$(
        impl $name {
            #[doc = concat!($torch, "(input_size, hidden_size) with o's options (proj_size must be 0).")]
            pub fn new(input_size: i64, hidden_size: i64, o: RnnOptions) -> Result<$name> {
                let o = o.to_raw();
                // SAFETY: o lives for the call.
                new_module(|out| unsafe { ffi::$c(input_size, hidden_size, &o, out) }).map($name)
            }

            /// output, h_n = layer(x) from zero states (c_n is None).
            pub fn forward_states(&self, x: &Tensor) -> Result<RnnOutput> {
                self.forward_with(x, None)
            }

            /// output, h_n = layer(x, h0); h0 None: zeros.
            pub fn forward_with(&self, x: &Tensor, h0: Option<&Tensor>) -> Result<RnnOutput> {
                layer_forward(&self.0, false, x, None, h0, None)
            }

            /// A padded batch of sequences of different lengths (`lengths[b]` in
            /// `[1, T]`, any order, one per batch entry), as PyTorch's
            /// pack_padded_sequence(enforce_sorted=False), the layer, then
            /// pad_packed_sequence(total_length=T): each entry gives what its
            /// sequence alone would, zeros past its end, and h_n is its state at
            /// its last real step.
            pub fn forward_padded(&self, x: &Tensor, lengths: &[i64], h0: Option<&Tensor>) -> Result<RnnOutput> {
                layer_forward(&self.0, false, x, Some(lengths), h0, None)
            }
        }
    )*};
}

h_only_layer! {
    Rnn => dl_rnn_new, "nn.RNN";
    Gru => dl_gru_new, "nn.GRU";
}

impl Lstm {
    /// nn.LSTM(input_size, hidden_size) with o's options.
    pub fn new(input_size: i64, hidden_size: i64, o: RnnOptions) -> Result<Lstm> {
        let o = o.to_raw();
        // SAFETY: o lives for the call.
        new_module(|out| unsafe { ffi::dl_lstm_new(input_size, hidden_size, &o, out) }).map(Lstm)
    }

    /// output, (h_n, c_n) = lstm(x) from zero states.
    pub fn forward_states(&self, x: &Tensor) -> Result<RnnOutput> {
        self.forward_with(x, None, None)
    }

    /// output, (h_n, c_n) = lstm(x, (h0, c0)); h0 and c0 None (each on its own): zeros.
    pub fn forward_with(&self, x: &Tensor, h0: Option<&Tensor>, c0: Option<&Tensor>) -> Result<RnnOutput> {
        layer_forward(&self.0, true, x, None, h0, c0)
    }

    /// A padded batch of sequences of different lengths, as
    /// [`Rnn::forward_padded`]; c_n too is each entry's state at its last real step.
    pub fn forward_padded(
        &self,
        x: &Tensor,
        lengths: &[i64],
        h0: Option<&Tensor>,
        c0: Option<&Tensor>,
    ) -> Result<RnnOutput> {
        layer_forward(&self.0, true, x, Some(lengths), h0, c0)
    }
}

module_type! {
    /// nn.RNNCell: one step, x `[B, input_size]` or `[input_size]`, h
    /// `[B, hidden_size]` or `[hidden_size]`. Parameters "weight_ih",
    /// "weight_hh", "bias_ih", "bias_hh". [`Module::forward`] gives h' from h = 0.
    RnnCell;
    /// nn.LSTMCell: one step (shapes as [`RnnCell`]'s, c as h).
    /// [`Module::forward`] gives h' from zero states.
    LstmCell;
    /// nn.GRUCell: one step (shapes as [`RnnCell`]'s). [`Module::forward`] gives h' from h = 0.
    GruCell;
}

impl RnnCell {
    /// nn.RNNCell(input_size, hidden_size, bias, nonlinearity); without bias no "bias_ih" and "bias_hh".
    pub fn new(input_size: i64, hidden_size: i64, bias: bool, nonlinearity: Nonlinearity) -> Result<RnnCell> {
        let n = nonlinearity.to_raw();
        // SAFETY: scalar arguments only.
        new_module(|out| unsafe { ffi::dl_rnn_cell_new(input_size, hidden_size, bias as i32, n, out) }).map(RnnCell)
    }
}

impl GruCell {
    /// nn.GRUCell(input_size, hidden_size, bias).
    pub fn new(input_size: i64, hidden_size: i64, bias: bool) -> Result<GruCell> {
        // SAFETY: scalar arguments only.
        new_module(|out| unsafe { ffi::dl_gru_cell_new(input_size, hidden_size, bias as i32, out) }).map(GruCell)
    }
}

/// The forward of the cells with one state, h (RNNCell and GRUCell).
macro_rules! h_only_cell {
    ($($name:ident;)*) => {$(
        impl $name {
            /// h' = cell(x, h); h None: zeros.
            pub fn forward_with(&self, x: &Tensor, h: Option<&Tensor>) -> Result<Tensor> {
                let (m, x, h) = (self.0.raw(), x.raw()?, optional(h)?);
                // SAFETY: m and x are live, h live or NULL.
                new_tensor(|out| unsafe { ffi::dl_rnn_cell_forward(m, x, h, out) })
            }
        }
    )*};
}

h_only_cell! {
    RnnCell;
    GruCell;
}

impl LstmCell {
    /// nn.LSTMCell(input_size, hidden_size, bias).
    pub fn new(input_size: i64, hidden_size: i64, bias: bool) -> Result<LstmCell> {
        // SAFETY: scalar arguments only.
        new_module(|out| unsafe { ffi::dl_lstm_cell_new(input_size, hidden_size, bias as i32, out) }).map(LstmCell)
    }

    /// (h', c') = cell(x, (h, c)); h and c None (each on its own): zeros.
    pub fn forward_with(&self, x: &Tensor, h: Option<&Tensor>, c: Option<&Tensor>) -> Result<(Tensor, Tensor)> {
        let (m, x, h, c) = (self.0.raw(), x.raw()?, optional(h)?, optional(c)?);
        let (mut h_out, mut c_out) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: m and x are live, h and c live or NULL, h_out and c_out valid out-parameters.
        check(unsafe { ffi::dl_lstm_cell_forward(m, x, h, c, &mut h_out, &mut c_out) })?;
        // SAFETY: on DL_OK both are new handles we own.
        Ok(unsafe { (Tensor::from_raw(h_out), Tensor::from_raw(c_out)) })
    }
}

/// Options of [`Embedding`] and [`crate::nn::functional::embedding`];
/// `Default` is PyTorch's (no padding_idx, no max_norm, norm_type 2).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EmbeddingOptions {
    /// This row (in `[-num_embeddings, num_embeddings)`) gets no gradient,
    /// and [`Embedding::new`] starts it at zeros.
    pub padding_idx: Option<i64>,
    /// Some(m), m > 0: each row looked up whose norm_type-norm exceeds m is
    /// first scaled in place by m / (norm + 1e-7), as PyTorch.
    pub max_norm: Option<f64>,
    pub norm_type: f64,
}

impl Default for EmbeddingOptions {
    fn default() -> Self {
        // SAFETY: no arguments.
        let c = unsafe { ffi::dl_embedding_defaults() };
        EmbeddingOptions {
            padding_idx: if c.has_padding_idx != 0 { Some(c.padding_idx) } else { None },
            max_norm: if c.max_norm > 0.0 { Some(c.max_norm) } else { None },
            norm_type: c.norm_type,
        }
    }
}

impl EmbeddingOptions {
    pub(crate) fn to_raw(self) -> Result<ffi::dl_embedding_options> {
        // libdl reads max_norm 0 as none; PyTorch's max_norm=0 would scale rows to zeros.
        if self.max_norm == Some(0.0) {
            return Err(Error::new(
                Status::InvalidArgument,
                "EmbeddingOptions: max_norm must be positive, got Some(0.0)",
            ));
        }
        Ok(ffi::dl_embedding_options {
            padding_idx: self.padding_idx.unwrap_or(0),
            has_padding_idx: self.padding_idx.is_some() as i32,
            max_norm: self.max_norm.unwrap_or(0.0),
            norm_type: self.norm_type,
        })
    }
}

module_type! {
    /// nn.Embedding: parameter "weight" `[num_embeddings, embedding_dim]`
    /// from N(0, 1); [`Module::forward`] takes Int64 or Int32 indices of any
    /// shape and gives `[*indices, embedding_dim]`.
    ///
    /// ```
    /// # fn main() -> dl::Result<()> {
    /// use dl::nn::{Embedding, EmbeddingOptions, Module};
    /// use dl::Tensor;
    ///
    /// let emb = Embedding::new(10, 3, EmbeddingOptions { padding_idx: Some(0), ..Default::default() })?;
    /// let y = emb.forward(&Tensor::from_slice(&[4i64, 0, 9, 4], &[2, 2])?)?;
    /// assert_eq!(y.shape()?, [2, 2, 3]);
    /// assert_eq!(y.select(0, 0)?.select(0, 1)?.to_vec::<f32>()?, [0.0; 3]); // the padding row
    /// # Ok(()) }
    /// ```
    Embedding;
}

impl Embedding {
    /// nn.Embedding(num_embeddings, embedding_dim) with o's options.
    pub fn new(num_embeddings: i64, embedding_dim: i64, o: EmbeddingOptions) -> Result<Embedding> {
        let o = o.to_raw()?;
        // SAFETY: o lives for the call.
        new_module(|out| unsafe { ffi::dl_embedding_new(num_embeddings, embedding_dim, &o, out) }).map(Embedding)
    }

    /// The weight `[num_embeddings, embedding_dim]`.
    pub fn weight(&self) -> Result<Tensor> {
        self.parameter("weight")
    }
}
