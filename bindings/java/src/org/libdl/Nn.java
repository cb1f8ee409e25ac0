package org.libdl;

/** The layers of torch.nn. Each is a {@link Module}; parameters are initialized as PyTorch does. */
public final class Nn {
  private Nn() {}

  /** y = x W^T + b: [*, in] -> [*, out]. */
  public static final class Linear extends Module {
    public Linear(long in, long out) { this(in, out, true); }
    public Linear(long in, long out, boolean bias) { super(Native.dl_linear_new(in, out, bias ? 1 : 0)); }
  }

  /** Children applied in order, named "0", "1", ... */
  public static final class Sequential extends Module {
    public Sequential(Module... children) {
      super(Native.dl_sequential_new());
      for (Module m : children) append(m);
    }
    public Sequential append(Module child) {
      Native.dl_module_append(handle(), child.handle());
      return this;
    }
  }

  public static final class ReLU extends Module { public ReLU() { super(Native.dl_relu_new()); } }
  public static final class Sigmoid extends Module { public Sigmoid() { super(Native.dl_sigmoid_new()); } }
  public static final class Tanh extends Module { public Tanh() { super(Native.dl_tanh_new()); } }
  public static final class Identity extends Module { public Identity() { super(Native.dl_identity_new()); } }
  public static final class LeakyReLU extends Module {
    public LeakyReLU(double negativeSlope) { super(Native.dl_leaky_relu_new(negativeSlope)); }
  }
  public static final class ELU extends Module { public ELU(double alpha) { super(Native.dl_elu_new(alpha)); } }
  public static final class GELU extends Module {
    public GELU(boolean approximateTanh) { super(Native.dl_gelu_new(approximateTanh ? 1 : 0)); }
  }
  public static final class Softmax extends Module { public Softmax(long dim) { super(Native.dl_softmax_new(dim)); } }
  public static final class LogSoftmax extends Module {
    public LogSoftmax(long dim) { super(Native.dl_log_softmax_new(dim)); }
  }
  public static final class Flatten extends Module {
    public Flatten() { this(1, -1); }
    public Flatten(long startDim, long endDim) { super(Native.dl_flatten_new(startDim, endDim)); }
  }

  /** nn.Conv2d(in, out, kernel, stride, padding); more options through {@link Conv2dOptions}. */
  public static final class Conv2d extends Module {
    public Conv2d(long in, long out, long kernel) { this(in, out, kernel, 1, 0); }
    public Conv2d(long in, long out, long kernel, long stride, long padding) {
      this(in, out, kernel, kernel, options(stride, padding));
    }
    public Conv2d(long in, long out, long kernelH, long kernelW, Conv2dOptions o) {
      super(Native.dl_conv2d_new(in, out, kernelH, kernelW, o));
    }
    private static Conv2dOptions options(long stride, long padding) {
      Conv2dOptions o = new Conv2dOptions();
      o.setStrideH(stride);
      o.setStrideW(stride);
      o.setPadH(padding);
      o.setPadW(padding);
      return o;
    }
  }
  /** nn.MaxPool2d(kernel) (stride = kernel). */
  public static final class MaxPool2d extends Module {
    public MaxPool2d(long kernel) { super(Native.dl_max_pool2d_new(kernel, kernel, null)); }
  }
  public static final class AvgPool2d extends Module {
    public AvgPool2d(long kernel) { super(Native.dl_avg_pool2d_new(kernel, kernel, null)); }
  }
  public static final class AdaptiveAvgPool2d extends Module {
    public AdaptiveAvgPool2d(long outH, long outW) { super(Native.dl_adaptive_avg_pool2d_new(outH, outW)); }
  }
  public static final class Dropout extends Module { public Dropout(double p) { super(Native.dl_dropout_new(p)); } }
  public static final class Dropout2d extends Module { public Dropout2d(double p) { super(Native.dl_dropout2d_new(p)); } }
  public static final class BatchNorm1d extends Module {
    public BatchNorm1d(long features) { super(Native.dl_batch_norm1d_new(features, null)); }
  }
  public static final class BatchNorm2d extends Module {
    public BatchNorm2d(long features) { super(Native.dl_batch_norm2d_new(features, null)); }
  }

  /**
   * What a recurrent layer gives, PyTorch's {@code output, (h_n, c_n) = lstm(x, (h0, c0))}; close() closes the three.
   * Shapes below with T steps, batch B, D = 2 when bidirectional (else 1) and H_out = projSize or hiddenSize.
   */
  public static final class RNNOutput implements AutoCloseable {
    /** [T, B, D * H_out] ([B, T, D * H_out] with batchFirst): the last layer's h at each step (bidirectional: the
     *  forward direction's, then the reverse's). */
    public final Tensor output;
    /** [D * numLayers, B, H_out], indexed by layer * D + direction (batchFirst does not change it). */
    public final Tensor hN;
    /** An LSTM's [D * numLayers, B, hiddenSize]; null for RNN and GRU. */
    public final Tensor cN;

    RNNOutput(Tensor output, Tensor hN, Tensor cN) {
      this.output = output;
      this.hN = hN;
      this.cN = cN;
    }

    @Override public void close() {
      output.close();
      hN.close();
      if (cN != null) cN.close();
    }
  }

  /**
   * RNN and GRU: recurrent layers whose state is h alone. x is [T, B, inputSize] ([B, T, inputSize] with batchFirst)
   * or [T, inputSize] for one unbatched sequence; {@link #forward(Tensor)} gives the output from zero states (what a
   * Sequential calls).
   */
  public abstract static class RecurrentLayer extends Module {
    RecurrentLayer(long handle) { super(handle); }

    /** output, h_n = layer(x, h0); h0 [D * numLayers, B, H_out], null: zeros. */
    public RNNOutput forward(Tensor x, Tensor h0) {
      long[] hN = new long[1];
      long out = Native.dl_rnn_forward(handle(), x.handle(), Tensor.handle(h0), hN);
      Tensor.reachable(x, h0);
      return new RNNOutput(new Tensor(out), new Tensor(hN[0]), null);
    }

    /**
     * A padded batch, as pack_padded_sequence(x, lengths, enforce_sorted=False), the layer, then pad_packed_sequence:
     * entry b's first lengths[b] steps are real (any order); each entry gives what its sequence alone would, the output
     * is zeros past its end and h_n is its state at its last real step.
     */
    public RNNOutput forwardPadded(Tensor x, long[] lengths, Tensor h0) {
      long[] hN = new long[1];
      long out = Native.dl_rnn_forward_padded(handle(), x.handle(), lengths, Tensor.handle(h0), hN);
      Tensor.reachable(x, h0);
      return new RNNOutput(new Tensor(out), new Tensor(hN[0]), null);
    }
  }

  /** nn.RNN: h' = tanh (or relu: {@code o.setNonlinearity(Nonlinearity.RELU)}) of x W_ih^T + b_ih + h W_hh^T + b_hh.
   *  numLayers, bias, batchFirst, dropout and bidirectional through {@link RnnOptions}, PyTorch's defaults. */
  public static final class RNN extends RecurrentLayer {
    public RNN(long inputSize, long hiddenSize) { this(inputSize, hiddenSize, null); }
    public RNN(long inputSize, long hiddenSize, RnnOptions o) { super(Native.dl_rnn_new(inputSize, hiddenSize, o)); }
  }

  /** nn.GRU, gates r, z, n; options as {@link RNN}'s (nonlinearity is not read). */
  public static final class GRU extends RecurrentLayer {
    public GRU(long inputSize, long hiddenSize) { this(inputSize, hiddenSize, null); }
    public GRU(long inputSize, long hiddenSize, RnnOptions o) { super(Native.dl_gru_new(inputSize, hiddenSize, o)); }
  }

  /** nn.LSTM, gates i, f, g, o; options as {@link RNN}'s and projSize (h = (o * tanh(c)) W_hr^T); shapes as
   *  {@link RecurrentLayer}'s. {@link #forward(Tensor)} gives the output from zero states. */
  public static final class LSTM extends Module {
    public LSTM(long inputSize, long hiddenSize) { this(inputSize, hiddenSize, null); }
    public LSTM(long inputSize, long hiddenSize, RnnOptions o) { super(Native.dl_lstm_new(inputSize, hiddenSize, o)); }

    /** output, (h_n, c_n) = lstm(x, (h0, c0)); h0 [D * numLayers, B, H_out] and c0 [D * numLayers, B, hiddenSize],
     *  each null: zeros. */
    public RNNOutput forward(Tensor x, Tensor h0, Tensor c0) {
      long[] hN = new long[1], cN = new long[1];
      long out = Native.dl_lstm_forward(handle(), x.handle(), Tensor.handle(h0), Tensor.handle(c0), hN, cN);
      Tensor.reachable(x, h0, c0);
      return new RNNOutput(new Tensor(out), new Tensor(hN[0]), new Tensor(cN[0]));
    }

    /** A padded batch, as {@link RecurrentLayer#forwardPadded}; c_n too is each entry's at its last real step. */
    public RNNOutput forwardPadded(Tensor x, long[] lengths, Tensor h0, Tensor c0) {
      long[] hN = new long[1], cN = new long[1];
      long out =
          Native.dl_lstm_forward_padded(handle(), x.handle(), lengths, Tensor.handle(h0), Tensor.handle(c0), hN, cN);
      Tensor.reachable(x, h0, c0);
      return new RNNOutput(new Tensor(out), new Tensor(hN[0]), new Tensor(cN[0]));
    }
  }

  /** RNNCell and GRUCell: one step whose state is h alone; {@link #forward(Tensor)} is the step from h = 0. */
  public abstract static class RecurrentCell extends Module {
    RecurrentCell(long handle) { super(handle); }

    /** h' = cell(x, h): x [B, inputSize] or [inputSize], h [B, hiddenSize] or [hiddenSize], null: zeros. */
    public Tensor forward(Tensor x, Tensor h) {
      long[] h1 = new long[1];
      Native.dl_rnn_cell_forward(handle(), x.handle(), Tensor.handle(h), h1);
      Tensor.reachable(x, h);
      return new Tensor(h1[0]);
    }
  }

  /** nn.RNNCell: parameters "weight_ih", "weight_hh", "bias_ih", "bias_hh" (no biases without bias). */
  public static final class RNNCell extends RecurrentCell {
    public RNNCell(long inputSize, long hiddenSize) { this(inputSize, hiddenSize, true, Nonlinearity.TANH); }
    /** nonlinearity: {@link Nonlinearity#TANH} or {@link Nonlinearity#RELU}. */
    public RNNCell(long inputSize, long hiddenSize, boolean bias, int nonlinearity) {
      super(Native.dl_rnn_cell_new(inputSize, hiddenSize, bias ? 1 : 0, nonlinearity));
    }
  }

  public static final class GRUCell extends RecurrentCell {
    public GRUCell(long inputSize, long hiddenSize) { this(inputSize, hiddenSize, true); }
    public GRUCell(long inputSize, long hiddenSize, boolean bias) {
      super(Native.dl_gru_cell_new(inputSize, hiddenSize, bias ? 1 : 0));
    }
  }

  /** nn.LSTMCell; {@link #forward(Tensor)} is h' from zero states. */
  public static final class LSTMCell extends Module {
    /** h' and c' after a step; close() closes both. */
    public static final class State implements AutoCloseable {
      public final Tensor h, c;

      State(Tensor h, Tensor c) {
        this.h = h;
        this.c = c;
      }

      @Override public void close() {
        h.close();
        c.close();
      }
    }

    public LSTMCell(long inputSize, long hiddenSize) { this(inputSize, hiddenSize, true); }
    public LSTMCell(long inputSize, long hiddenSize, boolean bias) {
      super(Native.dl_lstm_cell_new(inputSize, hiddenSize, bias ? 1 : 0));
    }

    /** (h', c') = cell(x, (h, c)); h and c each null: zeros. */
    public State forward(Tensor x, Tensor h, Tensor c) {
      long[] h1 = new long[1], c1 = new long[1];
      Native.dl_lstm_cell_forward(handle(), x.handle(), Tensor.handle(h), Tensor.handle(c), h1, c1);
      Tensor.reachable(x, h, c);
      return new State(new Tensor(h1[0]), new Tensor(c1[0]));
    }
  }

  /** nn.Embedding: parameter "weight" [numEmbeddings, embeddingDim] from N(0, 1); forward takes int64 or int32 indices
   *  of any shape and gives [*indices, embeddingDim]. paddingIdx (with {@code setHasPaddingIdx(1)}: that row starts at
   *  zeros and gets no gradient) and maxNorm through {@link EmbeddingOptions}. */
  public static final class Embedding extends Module {
    public Embedding(long numEmbeddings, long embeddingDim) { this(numEmbeddings, embeddingDim, null); }
    public Embedding(long numEmbeddings, long embeddingDim, EmbeddingOptions o) {
      super(Native.dl_embedding_new(numEmbeddings, embeddingDim, o));
    }
  }
}
