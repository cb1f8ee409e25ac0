package org.libdl;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The recurrent layers, cells and embeddings against closed forms computed here with one hidden unit, PyTorch's
 *  shapes and parameter names, padded batches against each sequence alone, training, errors and memory. */
class RecurrentTest {
  /** x [T = 3, B = 2, 1]. */
  static final float[] X = {0.5f, -1.0f, 1.5f, 0.25f, -0.75f, 2.0f};
  /** x's first step [B = 2, 1]. */
  static final float[] X0 = Arrays.copyOf(X, 2);

  static double sigmoid(double v) { return 1 / (1 + Math.exp(-v)); }

  /** Sets m's weight_ih, weight_hh, bias_ih and bias_hh, each name with suffix ("_l0" for a layer, "" for a cell). */
  static void setWeights(Module m, String suffix, float[] wIh, float[] wHh, float[] bIh, float[] bHh) {
    m.parameter("weight_ih" + suffix).copyFrom(wIh);
    m.parameter("weight_hh" + suffix).copyFrom(wHh);
    m.parameter("bias_ih" + suffix).copyFrom(bIh);
    m.parameter("bias_hh" + suffix).copyFrom(bHh);
  }

  static void assertClose(double[] want, Tensor t, double tolerance) {
    assertArrayEquals(want, t.toDoubleArray(), tolerance);
  }

  /** RNN(1, 1), w_ih 1.2, w_hh 0.5, b_ih 0.1, b_hh -0.3: h_t = tanh (or relu) of 1.2 x_t - 0.2 + 0.5 h_{t-1}. */
  @Test void rnnIsItsRecurrence() {
    for (int nonlinearity : new int[] {Nonlinearity.TANH, Nonlinearity.RELU}) {
      try (Scope s = new Scope(); RnnOptions o = new RnnOptions()) {
        o.setNonlinearity(nonlinearity);
        try (Nn.RNN rnn = new Nn.RNN(1, 1, o)) {
          setWeights(rnn, "_l0", new float[] {1.2f}, new float[] {0.5f}, new float[] {0.1f}, new float[] {-0.3f});
          Tensor x = Tensor.of(X, 3, 2, 1);
          Nn.RNNOutput r = rnn.forward(x, Tensor.of(new float[] {0.4f, -0.2f}, 1, 2, 1));
          double[] want = new double[6], h = {0.4, -0.2};
          for (int t = 0; t < 3; ++t)
            for (int b = 0; b < 2; ++b) {
              double pre = 1.2 * X[t * 2 + b] - 0.2 + 0.5 * h[b];
              h[b] = nonlinearity == Nonlinearity.RELU ? Math.max(pre, 0) : Math.tanh(pre);
              want[t * 2 + b] = h[b];
            }
          assertArrayEquals(new long[] {3, 2, 1}, r.output.shape());
          assertArrayEquals(new long[] {1, 2, 1}, r.hN.shape());
          assertNull(r.cN);
          assertClose(want, r.output, 1e-5);
          assertClose(h, r.hN, 1e-5);
          // forward(x) (as a Sequential calls it) starts from zeros, as forward(x, null)
          assertArrayEquals(rnn.forward(x, null).output.toFloatArray(), rnn.forward(x).toFloatArray());
        }
      }
    }
  }

  /** LSTM(1, 1), gates i, f, g, o: w_ih {0.5, -0.3, 0.8, 0.2}, w_hh {0.1, 0.4, -0.6, 0.7}, b_ih + b_hh {0.1, 0.2, 0,
   *  -0.1}, from h0 = 0 and a given c0; its first step is LSTMCell's with the same weights. */
  @Test void lstmIsItsGatesAndItsFirstStepTheCell() {
    double[] wIh = {0.5, -0.3, 0.8, 0.2}, wHh = {0.1, 0.4, -0.6, 0.7}, bias = {0.1, 0.2, 0, -0.1};
    float[] wIhF = {0.5f, -0.3f, 0.8f, 0.2f}, wHhF = {0.1f, 0.4f, -0.6f, 0.7f};
    try (Scope s = new Scope(); Nn.LSTM lstm = new Nn.LSTM(1, 1); Nn.LSTMCell cell = new Nn.LSTMCell(1, 1)) {
      setWeights(lstm, "_l0", wIhF, wHhF, new float[] {0.05f, 0.1f, 0.5f, 0}, new float[] {0.05f, 0.1f, -0.5f, -0.1f});
      Nn.RNNOutput r = lstm.forward(Tensor.of(X, 3, 2, 1), null, Tensor.of(new float[] {1.0f, -0.5f}, 1, 2, 1));
      double[] want = new double[6], h = {0, 0}, c = {1.0, -0.5}, firstH = new double[2], firstC = new double[2];
      for (int t = 0; t < 3; ++t)
        for (int k = 0; k < 2; ++k) {
          double[] g = new double[4];
          for (int j = 0; j < 4; ++j) g[j] = wIh[j] * X[t * 2 + k] + wHh[j] * h[k] + bias[j];
          c[k] = sigmoid(g[1]) * c[k] + sigmoid(g[0]) * Math.tanh(g[2]);
          h[k] = sigmoid(g[3]) * Math.tanh(c[k]);
          want[t * 2 + k] = h[k];
          if (t == 0) {
            firstH[k] = h[k];
            firstC[k] = c[k];
          }
        }
      assertClose(want, r.output, 1e-5);
      assertClose(h, r.hN, 1e-5);
      assertClose(c, r.cN, 1e-5);

      setWeights(cell, "", wIhF, wHhF, new float[] {0.1f, 0.2f, 0, -0.1f}, new float[4]);
      Nn.LSTMCell.State step = cell.forward(Tensor.of(X0, 2, 1), null, Tensor.of(new float[] {1.0f, -0.5f}, 2, 1));
      assertClose(firstH, step.h, 1e-5);
      assertClose(firstC, step.c, 1e-5);
    }
  }

  /** GRUCell(1, 1), gates r, z, n: h' = (1 - z) n + z h; a one-step GRU is the cell; RNNCell without biases. */
  @Test void cellsAreTheirClosedForms() {
    try (Scope s = new Scope(); Nn.GRUCell gru = new Nn.GRUCell(1, 1); Nn.GRU layer = new Nn.GRU(1, 1)) {
      float[] wIh = {0.5f, -0.4f, 0.9f}, wHh = {0.3f, 0.2f, -0.7f}, bIh = {0.1f, 0, 0.2f}, bHh = {0, 0.3f, -0.1f};
      setWeights(gru, "", wIh, wHh, bIh, bHh);
      Tensor x = Tensor.of(X0, 2, 1), h = Tensor.of(new float[] {0.6f, -0.3f}, 2, 1);
      double[] hv = {0.6, -0.3}, want = new double[2];
      for (int k = 0; k < 2; ++k) {
        double r = sigmoid(0.5 * X[k] + 0.1 + 0.3 * hv[k]), z = sigmoid(-0.4 * X[k] + 0.2 * hv[k] + 0.3);
        double n = Math.tanh(0.9 * X[k] + 0.2 + r * (-0.7 * hv[k] - 0.1));
        want[k] = (1 - z) * n + z * hv[k];
      }
      assertClose(want, gru.forward(x, h), 1e-5);
      setWeights(layer, "_l0", wIh, wHh, bIh, bHh);
      Nn.RNNOutput one = layer.forward(x.reshape(1, 2, 1), h.reshape(1, 2, 1));
      assertClose(want, one.output, 1e-5);
      assertClose(want, one.hN, 1e-5);
    }
    try (Scope s = new Scope(); Nn.RNNCell relu = new Nn.RNNCell(1, 1, false, Nonlinearity.RELU)) {
      assertEquals(List.of("weight_ih", "weight_hh"), new ArrayList<>(relu.namedParameters().keySet()));
      relu.parameter("weight_ih").copyFrom(new float[] {2});
      relu.parameter("weight_hh").copyFrom(new float[] {-1});
      Tensor x = Tensor.of(X0, 2, 1);
      assertClose(new double[] {2 * 0.5 - 0.6, 0}, relu.forward(x, Tensor.of(new float[] {0.6f, -0.3f}, 2, 1)), 1e-6);
      assertClose(new double[] {1, 0}, relu.forward(x), 1e-6);  // from h = 0
    }
  }

  /** Two layers, bidirectional, batch_first, proj_size 3: PyTorch's names, shapes and order. */
  @Test void shapesAndNamesArePyTorchs() {
    try (Scope s = new Scope(); RnnOptions o = new RnnOptions()) {
      o.setNumLayers(2);
      o.setBidirectional(1);
      o.setBatchFirst(1);
      o.setProjSize(3);
      try (Nn.LSTM lstm = new Nn.LSTM(5, 4, o)) {
        List<String> want = new ArrayList<>();
        for (int layer = 0; layer < 2; ++layer)
          for (String direction : new String[] {"", "_reverse"})
            for (String name : new String[] {"weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"})
              want.add(name + "_l" + layer + direction);
        assertEquals(want, new ArrayList<>(lstm.namedParameters().keySet()));
        assertArrayEquals(new long[] {16, 5}, lstm.parameter("weight_ih_l0").shape());  // 4 gates x 4 hidden
        assertArrayEquals(new long[] {16, 3}, lstm.parameter("weight_hh_l0_reverse").shape());
        assertArrayEquals(new long[] {3, 4}, lstm.parameter("weight_hr_l0").shape());
        assertArrayEquals(new long[] {16, 6}, lstm.parameter("weight_ih_l1_reverse").shape());  // 2 directions x 3
        Tensor x = Tensor.randn(2, 7, 5);
        Nn.RNNOutput r = lstm.forward(x, null, null);
        assertArrayEquals(new long[] {2, 7, 6}, r.output.shape());
        assertArrayEquals(new long[] {4, 2, 3}, r.hN.shape());
        assertArrayEquals(new long[] {4, 2, 4}, r.cN.shape());
        Nn.RNNOutput fromZeros = lstm.forward(x, Tensor.zeros(4, 2, 3), Tensor.zeros(4, 2, 4));
        assertArrayEquals(r.output.toFloatArray(), fromZeros.output.toFloatArray());
      }
      o.setProjSize(0);
      o.setBatchFirst(0);
      o.setNumLayers(1);
      try (Nn.GRU gru = new Nn.GRU(5, 4, o)) {
        Nn.RNNOutput r = gru.forward(Tensor.randn(7, 2, 5), null);
        assertArrayEquals(new long[] {7, 2, 8}, r.output.shape());
        assertArrayEquals(new long[] {2, 2, 4}, r.hN.shape());
        Nn.RNNOutput unbatched = gru.forward(Tensor.randn(7, 5), null);
        assertArrayEquals(new long[] {7, 8}, unbatched.output.shape());
        assertArrayEquals(new long[] {2, 4}, unbatched.hN.shape());
      }
      o.setBidirectional(0);
      o.setNumLayers(3);
      try (Nn.RNN rnn = new Nn.RNN(5, 4, o)) {
        assertArrayEquals(new long[] {3, 2, 4}, rnn.forward(Tensor.randn(7, 2, 5), null).hN.shape());
        assertEquals("weight_hh_l2", rnn.namedParameters().keySet().toArray()[9]);
      }
    }
  }

  /** Entry 0 has 2 real steps of 3, entry 1 all 3: each gives what it gives alone, zeros past its end. */
  @Test void paddedBatchIsEachSequenceAlone() {
    Dl.manualSeed(4);
    try (Scope s = new Scope(); RnnOptions o = new RnnOptions()) {
      o.setBidirectional(1);
      try (Nn.LSTM lstm = new Nn.LSTM(1, 2, o); Nn.GRU gru = new Nn.GRU(1, 2, o)) {
        Tensor x = Tensor.of(X, 3, 2, 1);
        long[] lengths = {2, 3};
        Nn.RNNOutput[] batch = {lstm.forwardPadded(x, lengths, null, null), gru.forwardPadded(x, lengths, null)};
        for (int entry = 0; entry < 2; ++entry) {
          Tensor alone = x.narrow(0, 0, lengths[entry]).narrow(1, entry, 1);
          Nn.RNNOutput[] single = {lstm.forward(alone, null, null), gru.forward(alone, null)};
          for (int k = 0; k < 2; ++k) {
            Tensor real = batch[k].output.narrow(0, 0, lengths[entry]).select(1, entry);
            assertArrayEquals(single[k].output.select(1, 0).toFloatArray(), real.toFloatArray(), 1e-6f);
            assertArrayEquals(single[k].hN.select(1, 0).toFloatArray(), batch[k].hN.select(1, entry).toFloatArray(), 1e-6f);
          }
          assertArrayEquals(single[0].cN.select(1, 0).toFloatArray(), batch[0].cN.select(1, entry).toFloatArray(), 1e-6f);
        }
        for (Nn.RNNOutput r : batch) assertArrayEquals(new float[4], r.output.select(0, 2).select(0, 0).toFloatArray());
      }
    }
  }

  @Test void embeddingLooksUpRowsAndPaddingGetsNoGradient() {
    Dl.manualSeed(2);
    try (Scope s = new Scope(); EmbeddingOptions o = new EmbeddingOptions()) {
      o.setHasPaddingIdx(1);
      o.setPaddingIdx(0);
      try (Nn.Embedding emb = new Nn.Embedding(6, 3, o)) {
        Tensor w = emb.parameter("weight");
        float[] rows = w.toFloatArray();
        assertArrayEquals(new float[3], Arrays.copyOfRange(rows, 0, 3));  // the padding row starts at zeros
        long[] idx = {5, 0, 2, 5};
        Tensor out = emb.forward(Tensor.of(idx, 2, 2));
        assertArrayEquals(new long[] {2, 2, 3}, out.shape());
        float[] want = new float[12];
        for (int i = 0; i < 4; ++i) System.arraycopy(rows, (int) idx[i] * 3, want, i * 3, 3);
        assertArrayEquals(want, out.toFloatArray());
        out.sum().backward();
        // each row's gradient is how often it was looked up, but the padding row's
        float[] grad = {0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 2, 2, 2};
        assertArrayEquals(grad, w.grad().toFloatArray());
      }
    }
    try (Scope s = new Scope(); EmbeddingOptions o = new EmbeddingOptions()) {
      o.setMaxNorm(1);
      Tensor w = Tensor.of(new float[] {3, 4, 0.3f, 0.4f, 6, 8}, 3, 2);
      Tensor out = F.embedding(Tensor.of(new long[] {0, 1}, 2), w, o);
      double scale = 1 / (5 + 1e-7);  // max_norm / (norm + 1e-7) for row 0; row 1's norm is under 1
      assertClose(new double[] {3 * scale, 4 * scale, 0.3, 0.4}, out, 1e-6);
      assertClose(new double[] {3 * scale, 4 * scale, 0.3, 0.4, 6, 8}, w, 1e-6);  // in place, row 2 not looked up
      assertArrayEquals(new float[] {0.3f, 0.4f}, F.embedding(Tensor.of(new int[] {1}, 1), w).toFloatArray());
    }
  }

  /** An Embedding and an LSTM in a Sequential: the LSTM's output from zero states. */
  @Test void embeddingAndLstmRunInsideSequential() {
    try (Scope s = new Scope(); Nn.Embedding emb = new Nn.Embedding(10, 4); Nn.LSTM lstm = new Nn.LSTM(4, 3);
         Nn.Sequential seq = new Nn.Sequential(emb, lstm)) {
      Tensor idx = Tensor.randint(0, 10, 5, 2);
      Tensor y = seq.forward(idx);
      assertArrayEquals(new long[] {5, 2, 3}, y.shape());
      assertArrayEquals(lstm.forward(emb.forward(idx), null, null).output.toFloatArray(), y.toFloatArray());
      assertEquals("1.weight_ih_l0", seq.namedParameters().keySet().toArray()[1]);
    }
  }

  /** Seed 003's LSTM classifier: an LSTM child whose last step a Linear classifies, in a module of our own. */
  static final class SequenceClassifier extends Module {
    final Nn.LSTM lstm;
    final Nn.Linear fc;

    SequenceClassifier() {
      super("SequenceClassifier");
      try (RnnOptions o = new RnnOptions()) {
        o.setBatchFirst(1);
        lstm = register("lstm", new Nn.LSTM(1, 8, o));
      }
      fc = register("fc", new Nn.Linear(8, 2));
    }

    @Override public Tensor forward(Tensor x) {
      try (Nn.RNNOutput r = lstm.forward(x, null, null); Tensor last = r.output.select(1, -1)) {
        return fc.forward(last);
      }
    }

    @Override public void close() {
      lstm.close();
      fc.close();
      super.close();
    }
  }

  /** Is a sequence's sum positive: 60 Adam steps on one batch of 16 take the loss below a third of the first. */
  @Test void moduleWithAnLstmChildTrains() {
    Dl.manualSeed(5);
    try (SequenceClassifier net = new SequenceClassifier(); Optimizer opt = new Optimizer.Adam(net, 0.05);
         Scope data = new Scope()) {
      assertEquals(List.of("lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0", "fc.weight",
                           "fc.bias"),
                   new ArrayList<>(net.namedParameters().keySet()));
      float[] xs = Tensor.randn(16, 6, 1).toFloatArray();
      long[] labels = new long[16];
      for (int b = 0; b < 16; ++b) {
        double sum = 0;
        for (int t = 0; t < 6; ++t) sum += xs[b * 6 + t];
        labels[b] = sum > 0 ? 1 : 0;
      }
      Tensor x = Tensor.of(xs, 16, 6, 1), y = Tensor.of(labels, 16);
      double first = 0, last = 0;
      for (int step = 0; step < 60; ++step) {
        try (Scope s = new Scope()) {
          opt.zeroGrad();
          Tensor loss = F.crossEntropy(net.forward(x), y);
          loss.backward();
          opt.step();
          last = loss.item();
          if (step == 0) first = last;
        }
      }
      assertTrue(last < first / 3, "loss " + first + " -> " + last);
    }
  }

  @Test void errorsCarryLibdlsMessage() {
    try (Scope s = new Scope(); Nn.LSTM lstm = new Nn.LSTM(1, 2); Nn.GRU gru = new Nn.GRU(1, 2)) {
      Tensor x = Tensor.of(X, 3, 2, 1);
      DlException e = assertThrows(DlException.class, () -> lstm.forward(Tensor.zeros(3, 2, 2), null, null));
      assertEquals(Status.SHAPE, e.status());
      assertTrue(e.getMessage().contains("dl_lstm_forward") && e.getMessage().contains("input_size"), e.getMessage());
      e = assertThrows(DlException.class, () -> gru.forward(x, Tensor.zeros(1, 3, 2)));
      assertTrue(e.getMessage().contains("'h0' must have shape [1, 2, 2]"), e.getMessage());
      e = assertThrows(DlException.class, () -> gru.forwardPadded(x, new long[] {3}, null));
      assertEquals(Status.SHAPE, e.status());
      assertTrue(e.getMessage().contains("1 lengths for a batch of 2"), e.getMessage());
      e = assertThrows(DlException.class, () -> lstm.forwardPadded(x, new long[] {0, 3}, null, null));
      assertEquals(Status.INVALID_ARGUMENT, e.status());
      assertTrue(e.getMessage().contains("length 0"), e.getMessage());
      e = assertThrows(DlException.class, () -> gru.forwardPadded(x, null, null));
      assertTrue(e.getMessage().contains("'lengths'"), e.getMessage());
      e = assertThrows(DlException.class, () -> F.embedding(Tensor.of(new long[] {4}, 1), Tensor.zeros(4, 2)));
      assertTrue(e.getMessage().contains("index 4"), e.getMessage());
      e = assertThrows(DlException.class, () -> new Nn.RNNCell(1, 2, true, 3));
      assertTrue(e.getMessage().contains("nonlinearity"), e.getMessage());
      try (RnnOptions o = new RnnOptions()) {
        o.setProjSize(4);
        e = assertThrows(DlException.class, () -> new Nn.LSTM(3, 4, o));
        assertEquals(Status.INVALID_ARGUMENT, e.status());
        assertTrue(e.getMessage().contains("proj_size"), e.getMessage());
      }
      // A null out-array reaches libdl as NULL: a nullable result is left out, a required one is libdl's error.
      try (Tensor out = new Tensor(Native.dl_rnn_forward(gru.handle(), x.handle(), 0, null))) {
        assertArrayEquals(new long[] {3, 2, 2}, out.shape());
      }
      try (Nn.LSTMCell cell = new Nn.LSTMCell(1, 2)) {
        e = assertThrows(DlException.class,
                         () -> Native.dl_lstm_cell_forward(cell.handle(), x.select(0, 0).handle(), 0, 0, new long[1], null));
        assertTrue(e.getMessage().contains("'c_out'"), e.getMessage());
      }
    }
  }

  /** 1,500 scoped training steps of an LSTM fed its own initial states: resident memory at step 1,500 is where it was
   *  at 500 (past the JIT's warm-up), and the scope closed what forward gave. */
  @Test void scopedRecurrentStepsKeepMemoryFlat() throws Exception {
    Dl.manualSeed(0);
    Nn.RNNOutput[] kept = new Nn.RNNOutput[1];
    try (Nn.LSTM lstm = new Nn.LSTM(8, 32); Optimizer opt = new Optimizer.SGD(lstm, 0.01)) {
      TrainingTest.assertScopedStepsKeepMemoryFlat(1500, 500, () -> {
        kept[0] = lstm.forward(Tensor.randn(20, 16, 8), Tensor.randn(1, 16, 32), Tensor.randn(1, 16, 32));
        opt.zeroGrad();
        kept[0].output.sum().add(kept[0].cN.sum()).backward();
        opt.step();
      });
    }
    assertThrows(IllegalStateException.class, kept[0].hN::shape);
    assertThrows(IllegalStateException.class, kept[0].cN::shape);
  }
}
