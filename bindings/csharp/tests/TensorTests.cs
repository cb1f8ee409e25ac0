using System;

namespace LibDl.Tests {

/// <summary>Tensors in and out, ops, autograd, scopes and error paths, against closed forms.</summary>
public class TensorTests {
  [Test] public void DataRoundTrips() {
    using (Tensor t = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3)) {
      Assert.Elements(new long[] { 2, 3 }, t.Shape);
      Assert.Equal(2, t.NDim);
      Assert.Equal(6L, t.Numel);
      Assert.Equal(DType.Float32, t.DType);
      Assert.Elements(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToFloatArray());
      Assert.Elements(new double[] { 1, 2, 3, 4, 5, 6 }, t.ToDoubleArray());
      t.CopyFrom(new float[] { 6, 5, 4, 3, 2, 1 });
      Assert.Elements(new long[] { 6, 5, 4, 3, 2, 1 }, t.ToLongArray());
    }
    using (Tensor l = Tensor.From(new long[] { 7, -1 }, 2)) {
      Assert.Equal(DType.Int64, l.DType);
      Assert.Elements(new long[] { 7, -1 }, l.ToLongArray());
    }
    using (Tensor i = Tensor.From(new int[] { 3, -4 }, 2)) using (Tensor b = Tensor.From(new byte[] { 0, 255 }, 2, 1)) {
      Assert.Equal(DType.Int32, i.DType);
      Assert.Elements(new double[] { 3, -4 }, i.ToDoubleArray());
      Assert.Equal(DType.UInt8, b.DType);
      Assert.Elements(new float[] { 0, 255 }, b.ToFloatArray());
    }
  }

  [Test] public void MatmulIsTheClosedForm() {
    using (Tensor a = Tensor.From(new float[] { 1, 2, 3, 4 }, 2, 2))
    using (Tensor b = Tensor.From(new float[] { 5, 6, 7, 8 }, 2, 2))
    using (Tensor c = a.Matmul(b))
      Assert.Elements(new float[] { 19, 22, 43, 50 }, c.ToFloatArray());
  }

  [Test] public void OpsBroadcastAndReduce() {
    using (new Scope()) {
      Tensor x = Tensor.From(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
      Tensor row = Tensor.From(new double[] { 10, 20, 30 }, 3);
      Assert.Elements(new double[] { 11, 22, 33, 14, 25, 36 }, (x + row).ToDoubleArray());
      Assert.Elements(new double[] { -9, -18, -27, -6, -15, -24 }, (x - row).ToDoubleArray());
      Assert.Elements(new double[] { 5, 7, 9 }, x.Sum(false, 0).ToDoubleArray());
      Assert.Elements(new long[] { 1, 3 }, x.Sum(true, 0).Shape);
      Assert.Equal(3.5, x.Mean().Item());
      Assert.Elements(new long[] { 2, 2 }, x.Argmax(1).ToLongArray());
      Assert.Elements(new double[] { 1, 4, 2, 5, 3, 6 }, x.Transpose(0, 1).Contiguous().ToDoubleArray());
      Assert.Elements(new long[] { 3, 2 }, x.Reshape(-1, 2).Shape);
      Assert.Elements(new double[] { 2, 4, 6, 8, 10, 12 }, (x * 2).ToDoubleArray());
      Assert.Elements(new double[] { 0.5, 1, 1.5, 2, 2.5, 3 }, (x / 2).ToDoubleArray());
      Assert.Elements(new double[] { -1, -2, -3, -4, -5, -6 }, (-x).ToDoubleArray());
      Assert.Elements(new double[] { 2, 2, 3, 4, 4, 4 }, x.Clamp(2, 4).ToDoubleArray());
      double[] sm = Tensor.From(new double[] { 0, Math.Log(3) }, 2).Softmax(0).ToDoubleArray();
      Assert.Close(0.25, sm[0], 1e-15);
      Assert.Close(0.75, sm[1], 1e-15);
      Assert.Elements(new long[] { 2, 2, 3 }, F.Stack(0, x, x).Shape);
      Assert.Elements(new long[] { 4, 3 }, F.Cat(0, x, x).Shape);
    }
  }

  /// <summary>d/dx sum(x^3 + 2x) = 3x^2 + 2, and the gradient of a float64 product against finite differences.</summary>
  [Test] public void AutogradMatchesClosedFormAndFiniteDifferences() {
    using (new Scope()) {
      Tensor x = Tensor.From(new double[] { -1, 0.5, 2 }, 3).SetRequiresGrad();
      Assert.True(x.RequiresGrad && x.IsLeaf, "x is a leaf that requires grad");
      (x.Pow(3) + x * 2).Sum().Backward();
      Assert.Close(new double[] { 5, 2.75, 14 }, x.Grad().ToDoubleArray(), 1e-12);

      double[] a0 = { 0.3, -1.2, 0.7, 2.0, -0.4, 1.1 };
      double[] b0 = { 1.5, -0.2, 0.9, 0.4, -1.3, 0.8 };
      Tensor a = Tensor.From(a0, 2, 3).SetRequiresGrad();
      Tensor b = Tensor.From(b0, 3, 2);
      a.Matmul(b).Tanh().Sum().Backward();
      double[] g = a.Grad().ToDoubleArray();
      const double h = 1e-6;
      for (int i = 0; i < a0.Length; ++i) {
        double[] plus = (double[])a0.Clone(), minus = (double[])a0.Clone();
        plus[i] += h;
        minus[i] -= h;
        Assert.Close((Objective(plus, b0) - Objective(minus, b0)) / (2 * h), g[i], 1e-8, "d/da[" + i + "]");
      }
      a.ZeroGrad();
      Assert.True(a.Grad() == null, "ZeroGrad drops the gradient");
    }
  }

  static double Objective(double[] a, double[] b) {
    using (new Scope()) return Tensor.From(a, 2, 3).Matmul(Tensor.From(b, 3, 2)).Tanh().Sum().Item();
  }

  [Test] public void NoGradRecordsNothing() {
    using (new Scope()) {
      Tensor x = Tensor.Ones(2).SetRequiresGrad();
      using (Dl.NoGrad()) {
        Assert.True(!Dl.IsGradEnabled, "grad is off inside NoGrad");
        Assert.True(!(x * 2).RequiresGrad, "nothing is recorded");
      }
      Assert.True(Dl.IsGradEnabled, "grad is back on");
      Assert.True((x * 2).RequiresGrad, "recorded again");
    }
  }

  [Test] public void ShapeMismatchThrowsWithLibdlsMessage() {
    using (Tensor a = Tensor.Zeros(2, 3)) using (Tensor b = Tensor.Zeros(2, 3)) {
      var e = Assert.Throws<DlException>(() => a.Matmul(b));
      Assert.Equal(Status.Shape, e.Status);
      Assert.True(e.Message.StartsWith("dl_matmul: "), e.Message);
      Assert.Contains("[2, 3]", e.Message);
      // the next successful call leaves nothing pending
      using (Tensor c = a.Add(b)) Assert.Equal(6L, c.Numel);
    }
  }

  [Test] public void NullArgumentsAreLibdlsErrors() {
    using (Tensor a = Tensor.Ones(2)) {
      var e = Assert.Throws<DlException>(() => a.Add((Tensor)null));
      Assert.Equal(Status.InvalidArgument, e.Status);
      Assert.Contains("dl_add: argument 'b' is NULL", e.Message);
    }
    Assert.Contains("argument 'params_of' is NULL", Assert.Throws<DlException>(() => new Optimizer.SGD(null, 0.1)).Message);
    Assert.Contains("is NULL", Assert.Throws<DlException>(() => new Scheduler.StepLR(null, 1)).Message);
    Assert.Contains("is NULL", Assert.Throws<DlException>(() => new DataLoader(null, 4)).Message);
  }

  [Test] public void BindingChecksArraysAgainstShapes() {
    var e = Assert.Throws<DlException>(() => Tensor.From(new float[] { 1, 2, 3 }, 2, 2));
    Assert.Equal(Status.Shape, e.Status);
    Assert.Contains("3 values do not fill the shape (4 elements)", e.Message);
    using (Tensor t = Tensor.Zeros(4)) {
      var e2 = Assert.Throws<DlException>(() => t.CopyFrom(new float[3]));
      Assert.Contains("the array has 3 elements, the tensor 4", e2.Message);
      using (Tensor d = Tensor.Zeros(DType.Float64, 4)) Assert.Throws<DlException>(() => d.CopyFrom(new float[4]));
    }
  }

  [Test] public void DisposedTensorsAndScopeReleasedTensorsFailCleanly() {
    Tensor t = Tensor.Ones(3);
    t.Dispose();
    t.Dispose();  // twice is harmless
    Assert.Throws<ObjectDisposedException>(() => { var n = t.Numel; });
    Tensor kept, dropped, keptToOuter;
    using (new Scope()) {
      using (Scope inner = new Scope()) {
        dropped = Tensor.Ones(2);
        kept = inner.Keep(Tensor.Full(7, 2));
        keptToOuter = inner.Keep(Tensor.Full(8, 1));
      }
      Assert.Elements(new float[] { 8 }, keptToOuter.ToFloatArray(), "kept by the inner scope, alive in the outer");
      Assert.Throws<ObjectDisposedException>(() => { var n = dropped.Numel; });
    }
    Assert.Throws<ObjectDisposedException>(() => { var n = keptToOuter.Numel; });
    Assert.Throws<ObjectDisposedException>(() => { var n = kept.Numel; });
    Tensor survivor;
    using (Scope s = new Scope()) survivor = s.Keep(Tensor.Full(7, 2));
    Assert.Elements(new float[] { 7, 7 }, survivor.ToFloatArray());
    survivor.Dispose();
  }

  [Test] public void ScopesCloseInnermostFirstOnTheirThread() {
    Scope outer = new Scope();
    Scope inner = new Scope();
    Assert.Throws<InvalidOperationException>(outer.Dispose);
    inner.Dispose();
    Exception fromOtherThread = null;
    var thread = new System.Threading.Thread(() => {
      try {
        outer.Dispose();
      } catch (Exception e) {
        fromOtherThread = e;
      }
    });
    thread.Start();
    thread.Join();
    Assert.True(fromOtherThread is InvalidOperationException, "disposing on another thread: " + fromOtherThread);
    outer.Dispose();
    outer.Dispose();  // twice is harmless
  }
}

}
