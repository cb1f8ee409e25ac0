using System;

namespace LibDl {

/// <summary>The layers of torch.nn. Each is a <see cref="Module"/>; parameters are initialized as PyTorch does.</summary>
public static class Nn {
  /// <summary>y = x W^T + b: [*, in] -> [*, out].</summary>
  public sealed class Linear : Module {
    public Linear(long inFeatures, long outFeatures, bool bias = true) : base(Native.dl_linear_new(inFeatures, outFeatures, bias ? 1 : 0)) {}
  }

  /// <summary>Children applied in order, named "0", "1", ...</summary>
  public sealed class Sequential : Module {
    public Sequential(params Module[] children) : base(Native.dl_sequential_new()) {
      foreach (Module m in children) Append(m);
    }
    public Sequential Append(Module child) {
      Native.dl_module_append(Handle, H(child)); GC.KeepAlive(this); GC.KeepAlive(child);
      return this;
    }
  }

  public sealed class ReLU : Module { public ReLU() : base(Native.dl_relu_new()) {} }
  public sealed class Sigmoid : Module { public Sigmoid() : base(Native.dl_sigmoid_new()) {} }
  public sealed class Tanh : Module { public Tanh() : base(Native.dl_tanh_new()) {} }
  public sealed class Identity : Module { public Identity() : base(Native.dl_identity_new()) {} }
  public sealed class LeakyReLU : Module { public LeakyReLU(double negativeSlope = 0.01) : base(Native.dl_leaky_relu_new(negativeSlope)) {} }
  public sealed class ELU : Module { public ELU(double alpha = 1) : base(Native.dl_elu_new(alpha)) {} }
  public sealed class GELU : Module { public GELU(bool approximateTanh = false) : base(Native.dl_gelu_new(approximateTanh ? 1 : 0)) {} }
  public sealed class Softmax : Module { public Softmax(long dim) : base(Native.dl_softmax_new(dim)) {} }
  public sealed class LogSoftmax : Module { public LogSoftmax(long dim) : base(Native.dl_log_softmax_new(dim)) {} }
  public sealed class Flatten : Module { public Flatten(long startDim = 1, long endDim = -1) : base(Native.dl_flatten_new(startDim, endDim)) {} }

  /// <summary>nn.Conv2d(in, out, kernel, stride, padding); every option through <see cref="Conv2dOptions"/>.</summary>
  public sealed class Conv2d : Module {
    public Conv2d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0)
        : base(WithOptions(new Conv2dOptions { StrideH = stride, StrideW = stride, PadH = padding, PadW = padding },
                           o => Native.dl_conv2d_new(inChannels, outChannels, kernel, kernel, o))) {}
    public Conv2d(long inChannels, long outChannels, long kernelH, long kernelW, Conv2dOptions o)
        : base(Native.dl_conv2d_new(inChannels, outChannels, kernelH, kernelW, o)) {}
  }
  /// <summary>nn.MaxPool2d(kernel) (stride = kernel); every option through <see cref="Pool2dOptions"/>.</summary>
  public sealed class MaxPool2d : Module {
    public MaxPool2d(long kernel, Pool2dOptions o = null) : base(Native.dl_max_pool2d_new(kernel, kernel, o)) {}
  }
  public sealed class AvgPool2d : Module {
    public AvgPool2d(long kernel, Pool2dOptions o = null) : base(Native.dl_avg_pool2d_new(kernel, kernel, o)) {}
  }
  public sealed class AdaptiveAvgPool2d : Module {
    public AdaptiveAvgPool2d(long outH, long outW) : base(Native.dl_adaptive_avg_pool2d_new(outH, outW)) {}
  }
  public sealed class Dropout : Module { public Dropout(double p = 0.5) : base(Native.dl_dropout_new(p)) {} }
  public sealed class Dropout2d : Module { public Dropout2d(double p = 0.5) : base(Native.dl_dropout2d_new(p)) {} }
  public sealed class BatchNorm1d : Module {
    public BatchNorm1d(long features, BatchNormOptions o = null) : base(Native.dl_batch_norm1d_new(features, o)) {}
  }
  public sealed class BatchNorm2d : Module {
    public BatchNorm2d(long features, BatchNormOptions o = null) : base(Native.dl_batch_norm2d_new(features, o)) {}
  }

  /// <summary>What a recurrent layer gives, PyTorch's <c>output, (h_n, c_n) = lstm(x, (h0, c0))</c>; Dispose disposes
  /// the three. Shapes below with T steps, batch B, D = 2 when bidirectional (else 1) and H_out = projSize or
  /// hiddenSize.</summary>
  public sealed class RNNOutput : IDisposable {
    /// <summary>[T, B, D * H_out] ([B, T, D * H_out] with batchFirst): the last layer's h at each step
    /// (bidirectional: the forward direction's, then the reverse's).</summary>
    public Tensor Output { get; }
    /// <summary>[D * numLayers, B, H_out], indexed by layer * D + direction (batchFirst does not change it).</summary>
    public Tensor HN { get; }
    /// <summary>An LSTM's [D * numLayers, B, hiddenSize]; null for RNN and GRU.</summary>
    public Tensor CN { get; }

    internal RNNOutput(Tensor output, Tensor hN, Tensor cN) {
      Output = output;
      HN = hN;
      CN = cN;
    }

    public void Dispose() {
      Output.Dispose();
      HN.Dispose();
      CN?.Dispose();
    }
  }

  static RnnOptions RnnOptionsOf(long numLayers, bool bias, bool batchFirst, double dropout, bool bidirectional,
                                 Nonlinearity nonlinearity = Nonlinearity.Tanh, long projSize = 0) {
    return new RnnOptions { NumLayers = numLayers, Bias = bias ? 1 : 0, BatchFirst = batchFirst ? 1 : 0, Dropout = dropout,
                            Bidirectional = bidirectional ? 1 : 0, Nonlinearity = (int)nonlinearity, ProjSize = projSize };
  }

  /// <summary>RNN and GRU: recurrent layers whose state is h alone. x is [T, B, inputSize] ([B, T, inputSize] with
  /// batchFirst) or [T, inputSize] for one unbatched sequence; <see cref="Module.Forward"/> gives the output from zero
  /// states (what a Sequential calls).</summary>
  public abstract class RecurrentLayer : Module {
    internal RecurrentLayer(long handle) : base(handle) {}

    /// <summary>output, h_n = layer(x, h0); h0 [D * numLayers, B, H_out], null: zeros.</summary>
    public RNNOutput Forward(Tensor x, Tensor h0) {
      long output = Native.dl_rnn_forward(Handle, H(x), H(h0), out long hN); GC.KeepAlive(this); GC.KeepAlive(x); GC.KeepAlive(h0);
      return new RNNOutput(new Tensor(output), new Tensor(hN), null);
    }

    /// <summary>A padded batch, as pack_padded_sequence(x, lengths, enforce_sorted=False), the layer, then
    /// pad_packed_sequence: entry b's first lengths[b] steps are real (any order); each entry gives what its sequence
    /// alone would, the output is zeros past its end and h_n is its state at its last real step.</summary>
    public RNNOutput ForwardPadded(Tensor x, long[] lengths, Tensor h0 = null) {
      long output = Native.dl_rnn_forward_padded(Handle, H(x), lengths, Tensor.Length(lengths), H(h0), out long hN); GC.KeepAlive(this); GC.KeepAlive(x); GC.KeepAlive(h0);
      return new RNNOutput(new Tensor(output), new Tensor(hN), null);
    }
  }

  /// <summary>nn.RNN: h' = tanh (or relu) of x W_ih^T + b_ih + h W_hh^T + b_hh; PyTorch's options and defaults.</summary>
  public sealed class RNN : RecurrentLayer {
    public RNN(long inputSize, long hiddenSize, long numLayers = 1, Nonlinearity nonlinearity = Nonlinearity.Tanh,
               bool bias = true, bool batchFirst = false, double dropout = 0, bool bidirectional = false)
        : base(WithOptions(RnnOptionsOf(numLayers, bias, batchFirst, dropout, bidirectional, nonlinearity),
                           o => Native.dl_rnn_new(inputSize, hiddenSize, o))) {}
  }

  /// <summary>nn.GRU, gates r, z, n.</summary>
  public sealed class GRU : RecurrentLayer {
    public GRU(long inputSize, long hiddenSize, long numLayers = 1, bool bias = true, bool batchFirst = false,
               double dropout = 0, bool bidirectional = false)
        : base(WithOptions(RnnOptionsOf(numLayers, bias, batchFirst, dropout, bidirectional),
                           o => Native.dl_gru_new(inputSize, hiddenSize, o))) {}
  }

  /// <summary>nn.LSTM, gates i, f, g, o, with projSize (h = (o * tanh(c)) W_hr^T); shapes as
  /// <see cref="RecurrentLayer"/>'s. <see cref="Module.Forward"/> gives the output from zero states.</summary>
  public sealed class LSTM : Module {
    public LSTM(long inputSize, long hiddenSize, long numLayers = 1, bool bias = true, bool batchFirst = false,
                double dropout = 0, bool bidirectional = false, long projSize = 0)
        : base(WithOptions(RnnOptionsOf(numLayers, bias, batchFirst, dropout, bidirectional, projSize: projSize),
                           o => Native.dl_lstm_new(inputSize, hiddenSize, o))) {}

    /// <summary>output, (h_n, c_n) = lstm(x, (h0, c0)); h0 [D * numLayers, B, H_out] and c0 [D * numLayers, B,
    /// hiddenSize], each null: zeros.</summary>
    public RNNOutput Forward(Tensor x, Tensor h0, Tensor c0) {
      long output = Native.dl_lstm_forward(Handle, H(x), H(h0), H(c0), out long hN, out long cN); GC.KeepAlive(this); GC.KeepAlive(x); GC.KeepAlive(h0); GC.KeepAlive(c0);
      return new RNNOutput(new Tensor(output), new Tensor(hN), new Tensor(cN));
    }

    /// <summary>A padded batch, as <see cref="RecurrentLayer.ForwardPadded"/>; c_n too is each entry's at its last
    /// real step.</summary>
    public RNNOutput ForwardPadded(Tensor x, long[] lengths, Tensor h0 = null, Tensor c0 = null) {
      long output = Native.dl_lstm_forward_padded(Handle, H(x), lengths, Tensor.Length(lengths), H(h0), H(c0), out long hN,
                                                  out long cN);
      GC.KeepAlive(this); GC.KeepAlive(x); GC.KeepAlive(h0); GC.KeepAlive(c0);
      return new RNNOutput(new Tensor(output), new Tensor(hN), new Tensor(cN));
    }
  }

  /// <summary>RNNCell and GRUCell: one step whose state is h alone; <see cref="Module.Forward"/> is the step from h =
  /// 0.</summary>
  public abstract class RecurrentCell : Module {
    internal RecurrentCell(long handle) : base(handle) {}

    /// <summary>h' = cell(x, h): x [B, inputSize] or [inputSize], h [B, hiddenSize] or [hiddenSize], null: zeros.</summary>
    public Tensor Forward(Tensor x, Tensor h) {
      Native.dl_rnn_cell_forward(Handle, H(x), H(h), out long h1); GC.KeepAlive(this); GC.KeepAlive(x); GC.KeepAlive(h);
      return new Tensor(h1);
    }
  }

  /// <summary>nn.RNNCell: parameters "weight_ih", "weight_hh", "bias_ih", "bias_hh" (no biases without bias).</summary>
  public sealed class RNNCell : RecurrentCell {
    public RNNCell(long inputSize, long hiddenSize, bool bias = true, Nonlinearity nonlinearity = Nonlinearity.Tanh)
        : base(Native.dl_rnn_cell_new(inputSize, hiddenSize, bias ? 1 : 0, (int)nonlinearity)) {}
  }

  public sealed class GRUCell : RecurrentCell {
    public GRUCell(long inputSize, long hiddenSize, bool bias = true) : base(Native.dl_gru_cell_new(inputSize, hiddenSize, bias ? 1 : 0)) {}
  }

  /// <summary>nn.LSTMCell; <see cref="Module.Forward"/> is h' from zero states.</summary>
  public sealed class LSTMCell : Module {
    /// <summary>h' and c' after a step; Dispose disposes both.</summary>
    public sealed class State : IDisposable {
      public Tensor H { get; }
      public Tensor C { get; }

      internal State(Tensor h, Tensor c) {
        H = h;
        C = c;
      }

      public void Dispose() {
        H.Dispose();
        C.Dispose();
      }
    }

    public LSTMCell(long inputSize, long hiddenSize, bool bias = true) : base(Native.dl_lstm_cell_new(inputSize, hiddenSize, bias ? 1 : 0)) {}

    /// <summary>(h', c') = cell(x, (h, c)); h and c each null: zeros.</summary>
    public State Forward(Tensor x, Tensor h, Tensor c) {
      Native.dl_lstm_cell_forward(Handle, H(x), H(h), H(c), out long h1, out long c1); GC.KeepAlive(this); GC.KeepAlive(x); GC.KeepAlive(h); GC.KeepAlive(c);
      return new State(new Tensor(h1), new Tensor(c1));
    }
  }

  internal static EmbeddingOptions EmbeddingOptionsOf(long? paddingIdx, double? maxNorm, double normType) {
    return new EmbeddingOptions { PaddingIdx = paddingIdx ?? 0, HasPaddingIdx = paddingIdx.HasValue ? 1 : 0, MaxNorm = maxNorm ?? 0,
                                  NormType = normType };
  }

  /// <summary>nn.Embedding: parameter "weight" [numEmbeddings, embeddingDim] from N(0, 1); Forward takes int64 or
  /// int32 indices of any shape and gives [*indices, embeddingDim]. The paddingIdx row starts at zeros and gets no
  /// gradient; with maxNorm, each row looked up whose normType-norm exceeds it is first scaled to it, in place.</summary>
  public sealed class Embedding : Module {
    public Embedding(long numEmbeddings, long embeddingDim, long? paddingIdx = null, double? maxNorm = null, double normType = 2)
        : base(WithOptions(EmbeddingOptionsOf(paddingIdx, maxNorm, normType),
                           o => Native.dl_embedding_new(numEmbeddings, embeddingDim, o))) {}
  }
}

}
