using System;
using System.Linq;

namespace LibDl.Tests {

/// <summary>The recurrent layers, cells and embeddings against closed forms computed here with one hidden unit,
/// PyTorch's shapes and parameter names, padded batches against each sequence alone, training, errors and
/// memory.</summary>
public class RecurrentTests {
  /// <summary>x [T = 3, B = 2, 1]; X0 its first step [B = 2, 1].</summary>
  static readonly float[] X = { 0.5f, -1.0f, 1.5f, 0.25f, -0.75f, 2.0f }, X0 = X.Take(2).ToArray();

  static double Sigmoid(double v) { return 1 / (1 + Math.Exp(-v)); }

  /// <summary>Sets m's weight_ih, weight_hh, bias_ih and bias_hh, each name with suffix ("_l0" for a layer, "" for a
  /// cell).</summary>
  static void SetWeights(Module m, string suffix, float[] wIh, float[] wHh, float[] bIh, float[] bHh) {
    m.Parameter("weight_ih" + suffix).CopyFrom(wIh);
    m.Parameter("weight_hh" + suffix).CopyFrom(wHh);
    m.Parameter("bias_ih" + suffix).CopyFrom(bIh);
    m.Parameter("bias_hh" + suffix).CopyFrom(bHh);
  }

  static void Close(double[] want, Tensor t, double tolerance, string what) { Assert.Close(want, t.ToDoubleArray(), tolerance, what); }

  /// <summary>RNN(1, 1), w_ih 1.2, w_hh 0.5, b_ih 0.1, b_hh -0.3: h_t = tanh (or relu) of 1.2 x_t - 0.2 + 0.5 h_{t-1}.</summary>
  [Test] public void RnnIsItsRecurrence() {
    foreach (Nonlinearity nonlinearity in new[] { Nonlinearity.Tanh, Nonlinearity.ReLU }) {
      using (new Scope()) using (var rnn = new Nn.RNN(1, 1, nonlinearity: nonlinearity)) {
        SetWeights(rnn, "_l0", new[] { 1.2f }, new[] { 0.5f }, new[] { 0.1f }, new[] { -0.3f });
        Tensor x = Tensor.From(X, 3, 2, 1);
        Nn.RNNOutput r = rnn.Forward(x, Tensor.From(new[] { 0.4f, -0.2f }, 1, 2, 1));
        double[] want = new double[6], h = { 0.4, -0.2 };
        for (int t = 0; t < 3; ++t)
          for (int b = 0; b < 2; ++b) {
            double pre = 1.2 * X[t * 2 + b] - 0.2 + 0.5 * h[b];
            h[b] = nonlinearity == Nonlinearity.ReLU ? Math.Max(pre, 0) : Math.Tanh(pre);
            want[t * 2 + b] = h[b];
          }
        Assert.Elements(new long[] { 3, 2, 1 }, r.Output.Shape);
        Assert.Elements(new long[] { 1, 2, 1 }, r.HN.Shape);
        Assert.True(r.CN == null, "an RNN has no c_n");
        Close(want, r.Output, 1e-5, nonlinearity + " output");
        Close(h, r.HN, 1e-5, nonlinearity + " h_n");
        // Forward(x) (as a Sequential calls it) starts from zeros, as Forward(x, null)
        Assert.Elements(rnn.Forward(x, null).Output.ToFloatArray(), rnn.Forward(x).ToFloatArray());
      }
    }
  }

  /// <summary>LSTM(1, 1), gates i, f, g, o: w_ih {0.5, -0.3, 0.8, 0.2}, w_hh {0.1, 0.4, -0.6, 0.7}, b_ih + b_hh {0.1,
  /// 0.2, 0, -0.1}, from h0 = 0 and a given c0; its first step is LSTMCell's with the same weights.</summary>
  [Test] public void LstmIsItsGatesAndItsFirstStepTheCell() {
    double[] wIh = { 0.5, -0.3, 0.8, 0.2 }, wHh = { 0.1, 0.4, -0.6, 0.7 }, bias = { 0.1, 0.2, 0, -0.1 };
    float[] wIhF = { 0.5f, -0.3f, 0.8f, 0.2f }, wHhF = { 0.1f, 0.4f, -0.6f, 0.7f };
    using (new Scope()) using (var lstm = new Nn.LSTM(1, 1)) using (var cell = new Nn.LSTMCell(1, 1)) {
      SetWeights(lstm, "_l0", wIhF, wHhF, new[] { 0.05f, 0.1f, 0.5f, 0 }, new[] { 0.05f, 0.1f, -0.5f, -0.1f });
      Nn.RNNOutput r = lstm.Forward(Tensor.From(X, 3, 2, 1), null, Tensor.From(new[] { 1.0f, -0.5f }, 1, 2, 1));
      double[] want = new double[6], h = { 0, 0 }, c = { 1.0, -0.5 }, firstH = new double[2], firstC = new double[2];
      for (int t = 0; t < 3; ++t)
        for (int k = 0; k < 2; ++k) {
          var g = new double[4];
          for (int j = 0; j < 4; ++j) g[j] = wIh[j] * X[t * 2 + k] + wHh[j] * h[k] + bias[j];
          c[k] = Sigmoid(g[1]) * c[k] + Sigmoid(g[0]) * Math.Tanh(g[2]);
          h[k] = Sigmoid(g[3]) * Math.Tanh(c[k]);
          want[t * 2 + k] = h[k];
          if (t == 0) {
            firstH[k] = h[k];
            firstC[k] = c[k];
          }
        }
      Close(want, r.Output, 1e-5, "output");
      Close(h, r.HN, 1e-5, "h_n");
      Close(c, r.CN, 1e-5, "c_n");

      SetWeights(cell, "", wIhF, wHhF, new[] { 0.1f, 0.2f, 0, -0.1f }, new float[4]);
      Nn.LSTMCell.State step = cell.Forward(Tensor.From(X0, 2, 1), null, Tensor.From(new[] { 1.0f, -0.5f }, 2, 1));
      Close(firstH, step.H, 1e-5, "cell h'");
      Close(firstC, step.C, 1e-5, "cell c'");
    }
  }

  /// <summary>GRUCell(1, 1), gates r, z, n: h' = (1 - z) n + z h; a one-step GRU is the cell; RNNCell without biases.</summary>
  [Test] public void CellsAreTheirClosedForms() {
    using (new Scope()) using (var gru = new Nn.GRUCell(1, 1)) using (var layer = new Nn.GRU(1, 1)) {
      float[] wIh = { 0.5f, -0.4f, 0.9f }, wHh = { 0.3f, 0.2f, -0.7f }, bIh = { 0.1f, 0, 0.2f }, bHh = { 0, 0.3f, -0.1f };
      SetWeights(gru, "", wIh, wHh, bIh, bHh);
      Tensor x = Tensor.From(X0, 2, 1), h = Tensor.From(new[] { 0.6f, -0.3f }, 2, 1);
      double[] hv = { 0.6, -0.3 }, want = new double[2];
      for (int k = 0; k < 2; ++k) {
        double r = Sigmoid(0.5 * X[k] + 0.1 + 0.3 * hv[k]), z = Sigmoid(-0.4 * X[k] + 0.2 * hv[k] + 0.3);
        double n = Math.Tanh(0.9 * X[k] + 0.2 + r * (-0.7 * hv[k] - 0.1));
        want[k] = (1 - z) * n + z * hv[k];
      }
      Close(want, gru.Forward(x, h), 1e-5, "GRUCell");
      SetWeights(layer, "_l0", wIh, wHh, bIh, bHh);
      Nn.RNNOutput one = layer.Forward(x.Reshape(1, 2, 1), h.Reshape(1, 2, 1));
      Close(want, one.Output, 1e-5, "one-step GRU output");
      Close(want, one.HN, 1e-5, "one-step GRU h_n");
    }
    using (new Scope()) using (var relu = new Nn.RNNCell(1, 1, bias: false, nonlinearity: Nonlinearity.ReLU)) {
      Assert.Elements(new[] { "weight_ih", "weight_hh" }, relu.NamedParameters().Select(p => p.Key).ToArray());
      relu.Parameter("weight_ih").CopyFrom(new float[] { 2 });
      relu.Parameter("weight_hh").CopyFrom(new float[] { -1 });
      Tensor x = Tensor.From(X0, 2, 1);
      Close(new[] { 2 * 0.5 - 0.6, 0 }, relu.Forward(x, Tensor.From(new[] { 0.6f, -0.3f }, 2, 1)), 1e-6, "RNNCell");
      Close(new double[] { 1, 0 }, relu.Forward(x), 1e-6, "RNNCell from h = 0");
    }
  }

  /// <summary>Two layers, bidirectional, batch_first, proj_size 3: PyTorch's names, shapes and order.</summary>
  [Test] public void ShapesAndNamesArePyTorchs() {
    using (new Scope()) using (var lstm = new Nn.LSTM(5, 4, numLayers: 2, batchFirst: true, bidirectional: true, projSize: 3)) {
      string[] want = (from layer in new[] { 0, 1 }
                       from direction in new[] { "", "_reverse" }
                       from name in new[] { "weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr" }
                       select name + "_l" + layer + direction).ToArray();
      Assert.Elements(want, lstm.NamedParameters().Select(p => p.Key).ToArray());
      Assert.Elements(new long[] { 16, 5 }, lstm.Parameter("weight_ih_l0").Shape, "4 gates x 4 hidden");
      Assert.Elements(new long[] { 16, 3 }, lstm.Parameter("weight_hh_l0_reverse").Shape);
      Assert.Elements(new long[] { 3, 4 }, lstm.Parameter("weight_hr_l0").Shape);
      Assert.Elements(new long[] { 16, 6 }, lstm.Parameter("weight_ih_l1_reverse").Shape, "2 directions x 3");
      Tensor x = Tensor.Randn(2, 7, 5);
      Nn.RNNOutput r = lstm.Forward(x, null, null);
      Assert.Elements(new long[] { 2, 7, 6 }, r.Output.Shape);
      Assert.Elements(new long[] { 4, 2, 3 }, r.HN.Shape);
      Assert.Elements(new long[] { 4, 2, 4 }, r.CN.Shape);
      Nn.RNNOutput fromZeros = lstm.Forward(x, Tensor.Zeros(4, 2, 3), Tensor.Zeros(4, 2, 4));
      Assert.Elements(r.Output.ToFloatArray(), fromZeros.Output.ToFloatArray(), "zero initial states");
    }
    using (new Scope()) using (var gru = new Nn.GRU(5, 4, bidirectional: true)) {
      Nn.RNNOutput r = gru.Forward(Tensor.Randn(7, 2, 5), null);
      Assert.Elements(new long[] { 7, 2, 8 }, r.Output.Shape);
      Assert.Elements(new long[] { 2, 2, 4 }, r.HN.Shape);
      Nn.RNNOutput unbatched = gru.Forward(Tensor.Randn(7, 5), null);
      Assert.Elements(new long[] { 7, 8 }, unbatched.Output.Shape);
      Assert.Elements(new long[] { 2, 4 }, unbatched.HN.Shape);
    }
    using (new Scope()) using (var rnn = new Nn.RNN(5, 4, numLayers: 3)) {
      Assert.Elements(new long[] { 3, 2, 4 }, rnn.Forward(Tensor.Randn(7, 2, 5), null).HN.Shape);
      Assert.Equal("weight_hh_l2", rnn.NamedParameters()[9].Key);
    }
  }

  /// <summary>Entry 0 has 2 real steps of 3, entry 1 all 3: each gives what it gives alone, zeros past its end.</summary>
  [Test] public void PaddedBatchIsEachSequenceAlone() {
    Dl.ManualSeed(4);
    using (new Scope()) using (var lstm = new Nn.LSTM(1, 2, bidirectional: true)) using (var gru = new Nn.GRU(1, 2, bidirectional: true)) {
      Tensor x = Tensor.From(X, 3, 2, 1);
      long[] lengths = { 2, 3 };
      Nn.RNNOutput[] batch = { lstm.ForwardPadded(x, lengths), gru.ForwardPadded(x, lengths) };
      for (int entry = 0; entry < 2; ++entry) {
        Tensor alone = x.Narrow(0, 0, lengths[entry]).Narrow(1, entry, 1);
        Nn.RNNOutput[] single = { lstm.Forward(alone, null, null), gru.Forward(alone, null) };
        for (int k = 0; k < 2; ++k) {
          Tensor real = batch[k].Output.Narrow(0, 0, lengths[entry]).Select(1, entry);
          Assert.Close(single[k].Output.Select(1, 0).ToDoubleArray(), real.ToDoubleArray(), 1e-6, "output of entry " + entry);
          Assert.Close(single[k].HN.Select(1, 0).ToDoubleArray(), batch[k].HN.Select(1, entry).ToDoubleArray(), 1e-6,
                       "h_n of entry " + entry);
        }
        Assert.Close(single[0].CN.Select(1, 0).ToDoubleArray(), batch[0].CN.Select(1, entry).ToDoubleArray(), 1e-6,
                     "c_n of entry " + entry);
      }
      foreach (Nn.RNNOutput r in batch) Assert.Elements(new float[4], r.Output.Select(0, 2).Select(0, 0).ToFloatArray(), "past the end");
    }
  }

  [Test] public void EmbeddingLooksUpRowsAndPaddingGetsNoGradient() {
    Dl.ManualSeed(2);
    using (new Scope()) using (var emb = new Nn.Embedding(6, 3, paddingIdx: 0)) {
      Tensor w = emb.Parameter("weight");
      float[] rows = w.ToFloatArray();
      Assert.Elements(new float[3], rows.Take(3).ToArray(), "the padding row starts at zeros");
      long[] idx = { 5, 0, 2, 5 };
      Tensor output = emb.Forward(Tensor.From(idx, 2, 2));
      Assert.Elements(new long[] { 2, 2, 3 }, output.Shape);
      Assert.Elements(idx.SelectMany(i => rows.Skip((int)i * 3).Take(3)).ToArray(), output.ToFloatArray());
      output.Sum().Backward();
      // each row's gradient is how often it was looked up, but the padding row's
      Assert.Elements(new float[] { 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 2, 2, 2 }, w.Grad().ToFloatArray());
    }
    using (new Scope()) {
      Tensor w = Tensor.From(new[] { 3, 4, 0.3f, 0.4f, 6, 8 }, 3, 2);
      Tensor output = F.Embedding(Tensor.From(new long[] { 0, 1 }, 2), w, maxNorm: 1);
      double scale = 1 / (5 + 1e-7);  // max_norm / (norm + 1e-7) for row 0; row 1's norm is under 1
      Close(new[] { 3 * scale, 4 * scale, 0.3, 0.4 }, output, 1e-6, "renormalized rows");
      Close(new[] { 3 * scale, 4 * scale, 0.3, 0.4, 6, 8 }, w, 1e-6, "in place, row 2 not looked up");
      Assert.Elements(new[] { 0.3f, 0.4f }, F.Embedding(Tensor.From(new[] { 1 }, 1), w).ToFloatArray());
    }
  }

  /// <summary>An Embedding and an LSTM in a Sequential: the LSTM's output from zero states.</summary>
  [Test] public void EmbeddingAndLstmRunInsideSequential() {
    using (new Scope()) using (var emb = new Nn.Embedding(10, 4)) using (var lstm = new Nn.LSTM(4, 3))
    using (var seq = new Nn.Sequential(emb, lstm)) {
      Tensor idx = Tensor.Randint(0, 10, 5, 2);
      Tensor y = seq.Forward(idx);
      Assert.Elements(new long[] { 5, 2, 3 }, y.Shape);
      Assert.Elements(lstm.Forward(emb.Forward(idx), null, null).Output.ToFloatArray(), y.ToFloatArray());
      Assert.Equal("1.weight_ih_l0", seq.NamedParameters()[1].Key);
    }
  }

  /// <summary>Seed 003's LSTM classifier: an LSTM child whose last step a Linear classifies, in a module of our own
  /// (whose user disposes the children's handles too).</summary>
  sealed class SequenceClassifier : Module {
    internal readonly Nn.LSTM lstm;
    internal readonly Nn.Linear fc;

    public SequenceClassifier() : base("SequenceClassifier") {
      lstm = Register("lstm", new Nn.LSTM(1, 8, batchFirst: true));
      fc = Register("fc", new Nn.Linear(8, 2));
    }

    public override Tensor Forward(Tensor x) {
      using (Nn.RNNOutput r = lstm.Forward(x, null, null)) using (Tensor last = r.Output.Select(1, -1)) return fc.Forward(last);
    }
  }

  /// <summary>Is a sequence's sum positive: 60 Adam steps on one batch of 16 take the loss below a third of the first.</summary>
  [Test] public void ModuleWithAnLstmChildTrains() {
    Dl.ManualSeed(5);
    using (var net = new SequenceClassifier()) using (net.lstm) using (net.fc) using (Optimizer opt = new Optimizer.Adam(net, 0.05))
    using (new Scope()) {
      Assert.Elements(new[] { "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0", "fc.weight", "fc.bias" },
                      net.NamedParameters().Select(p => p.Key).ToArray());
      float[] xs = Tensor.Randn(16, 6, 1).ToFloatArray();
      long[] labels = Enumerable.Range(0, 16).Select(b => xs.Skip(b * 6).Take(6).Sum() > 0 ? 1L : 0L).ToArray();
      Tensor x = Tensor.From(xs, 16, 6, 1), y = Tensor.From(labels, 16);
      double first = 0, last = 0;
      for (int step = 0; step < 60; ++step) {
        using (new Scope()) {
          opt.ZeroGrad();
          Tensor loss = F.CrossEntropy(net.Forward(x), y);
          loss.Backward();
          opt.Step();
          last = loss.Item();
          if (step == 0) first = last;
        }
      }
      Assert.True(last < first / 3, "loss " + first + " -> " + last);
    }
  }

  [Test] public void ErrorsCarryLibdlsMessage() {
    using (new Scope()) using (var lstm = new Nn.LSTM(1, 2)) using (var gru = new Nn.GRU(1, 2)) {
      Tensor x = Tensor.From(X, 3, 2, 1);
      var e = Assert.Throws<DlException>(() => lstm.Forward(Tensor.Zeros(3, 2, 2), null, null));
      Assert.Equal(Status.Shape, e.Status);
      Assert.Contains("dl_lstm_forward", e.Message);
      Assert.Contains("input_size", e.Message);
      Assert.Contains("'h0' must have shape [1, 2, 2]", Assert.Throws<DlException>(() => gru.Forward(x, Tensor.Zeros(1, 3, 2))).Message);
      e = Assert.Throws<DlException>(() => gru.ForwardPadded(x, new long[] { 3 }));
      Assert.Equal(Status.Shape, e.Status);
      Assert.Contains("1 lengths for a batch of 2", e.Message);
      e = Assert.Throws<DlException>(() => lstm.ForwardPadded(x, new long[] { 0, 3 }));
      Assert.Equal(Status.InvalidArgument, e.Status);
      Assert.Contains("length 0", e.Message);
      Assert.Contains("'lengths'", Assert.Throws<DlException>(() => gru.ForwardPadded(x, null)).Message);
      Assert.Contains("index 4", Assert.Throws<DlException>(() => F.Embedding(Tensor.From(new long[] { 4 }, 1), Tensor.Zeros(4, 2))).Message);
      Assert.Contains("padding_idx", Assert.Throws<DlException>(() => new Nn.Embedding(4, 3, paddingIdx: 4)).Message);
      Assert.Contains("nonlinearity", Assert.Throws<DlException>(() => new Nn.RNNCell(1, 2, nonlinearity: (Nonlinearity)3)).Message);
      e = Assert.Throws<DlException>(() => new Nn.LSTM(3, 4, projSize: 4));
      Assert.Equal(Status.InvalidArgument, e.Status);
      Assert.Contains("proj_size", e.Message);
      lstm.Dispose();
      Assert.Throws<ObjectDisposedException>(() => lstm.Forward(x, null, null));
    }
  }

  /// <summary>1,500 scoped training steps of an LSTM fed its own initial states: resident memory at step 1,500 is where
  /// it was at 500 (past the JIT's warm-up), and the scope disposed what Forward gave.</summary>
  [Test] public void ScopedRecurrentStepsKeepMemoryFlat() {
    Dl.ManualSeed(0);
    Nn.RNNOutput kept = null;
    using (var lstm = new Nn.LSTM(8, 32)) using (Optimizer opt = new Optimizer.SGD(lstm, 0.01)) {
      TrainingTests.AssertScopedStepsKeepMemoryFlat(1500, 500, () => {
        kept = lstm.Forward(Tensor.Randn(20, 16, 8), Tensor.Randn(1, 16, 32), Tensor.Randn(1, 16, 32));
        opt.ZeroGrad();
        (kept.Output.Sum() + kept.CN.Sum()).Backward();
        opt.Step();
      });
    }
    Assert.Throws<ObjectDisposedException>(() => { long[] s = kept.HN.Shape; });
    Assert.Throws<ObjectDisposedException>(() => { long[] s = kept.CN.Shape; });
  }
}

}
