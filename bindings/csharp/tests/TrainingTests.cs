using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;

namespace LibDl.Tests {

/// <summary>Modules (built-in, image layers and a C# subclass), losses, every optimizer and
/// scheduler kind, the data loader, checkpoints and the scope's release of memory, each against
/// a closed form.</summary>
public class TrainingTests {
  /// <summary>y = 2x + 1 elementwise: a module whose forward is C# code.</summary>
  sealed class Affine : Module {
    public int Calls;

    public Affine() : base("Affine") {}

    public override Tensor Forward(Tensor x) {
      ++Calls;
      using (Tensor twice = x * 2) return twice + 1;
    }
  }

  sealed class Failing : Module {
    public Failing() : base("Failing") {}

    public override Tensor Forward(Tensor x) { throw new InvalidOperationException("no forward today"); }
  }

  sealed class NoForward : Module {
    public NoForward() : base("NoForward") {}
  }

  sealed class Nameless : Module {
    public Nameless() : base("") {}

    public override Tensor Forward(Tensor x) { return x; }
  }

  [Test] public void LinearIsXWtPlusB() {
    Dl.ManualSeed(3);
    using (new Scope()) using (var fc = new Nn.Linear(3, 2)) {
      float[] w = fc.Parameter("weight").ToFloatArray(), b = fc.Parameter("bias").ToFloatArray();
      float[] x = { 1, -2, 0.5f };
      float[] y = fc.Forward(Tensor.From(x, 1, 3)).ToFloatArray();
      for (int o = 0; o < 2; ++o) Assert.Close(w[3 * o] * x[0] + w[3 * o + 1] * x[1] + w[3 * o + 2] * x[2] + b[o], y[o], 1e-6);
      Assert.Elements(new[] { "weight", "bias" }, fc.NamedParameters().Select(p => p.Key).ToArray());
      Assert.Equal(2, fc.Parameters().Count);
      Assert.Equal("Linear", fc.TypeName);
      Assert.Elements(y, F.Linear(Tensor.From(x, 1, 3), fc.Parameter("weight"), fc.Parameter("bias")).ToFloatArray());
    }
  }

  [Test] public void SubclassForwardRunsInsideSequential() {
    using (new Scope()) using (var affine = new Affine()) using (var seq = new Nn.Sequential(affine, new Nn.ReLU())) {
      Assert.Elements(new float[] { 0, 1, 5 }, seq.Forward(Tensor.From(new float[] { -3, 0, 2 }, 3)).ToFloatArray());
      Assert.Equal(1, affine.Calls);
      Assert.Equal("Affine", affine.TypeName);
      Tensor x = Tensor.From(new double[] { 1.5 }, 1).SetRequiresGrad();
      seq.Forward(x).Sum().Backward();
      Assert.Elements(new double[] { 2 }, x.Grad().ToDoubleArray());
    }
  }

  [Test] public void ExceptionInForwardReachesTheCaller() {
    using (new Scope()) using (var f = new Failing()) using (var seq = new Nn.Sequential(f)) {
      var e = Assert.Throws<InvalidOperationException>(() => seq.Forward(Tensor.Ones(1)));
      Assert.Equal("no forward today", e.Message);
      // libdl errors inside a C# forward come back as they were
      using (var bad = new Nn.Sequential(new Nn.Linear(3, 2))) {
        var d = Assert.Throws<DlException>(() => bad.Forward(Tensor.Ones(1, 4)));
        Assert.Equal(Status.Shape, d.Status);
      }
      // and the failure leaves nothing pending for the next call
      using (var fine = new Nn.Sequential(new Affine())) Assert.Elements(new float[] { 3 }, fine.Forward(Tensor.Ones(1)).ToFloatArray());
    }
    Assert.Throws<InvalidOperationException>(() => new NoForward());
    Assert.Contains("type_name", Assert.Throws<DlException>(() => new Nameless()).Message);
  }

  /// <summary>One step of each optimizer from p = 1, grad = d/dp sum(3 p) = 3: PyTorch's first-step formulas.</summary>
  [Test] public void EveryOptimizerTakesItsFirstStep() {
    const double lr = 0.1, g = 3;
    Check(m => new Optimizer.SGD(m, lr), 1 - lr * g);
    Check(m => new Optimizer.SGD(m, lr, 0.9), 1 - lr * g);
    Check(m => new Optimizer.Adam(m, lr), 1 - lr * g / (Math.Abs(g) + 1e-8));
    Check(m => new Optimizer.AdamW(m, lr), 1 * (1 - lr * 1e-2) - lr * g / (Math.Abs(g) + 1e-8));
    Check(m => new Optimizer.RMSprop(m, lr), 1 - lr * g / (Math.Sqrt((1 - 0.99) * g * g) + 1e-8));
    Check(m => new Optimizer.Adagrad(m, lr), 1 - lr * g / (Math.Sqrt(g * g) + 1e-10));
    using (var o = new SgdOptions { Lr = lr, WeightDecay = 0.5 }) Check(m => new Optimizer.SGD(m, o), 1 - lr * (g + 0.5));
  }

  static void Check(Func<Module, Optimizer> make, double expected) {
    using (new Scope()) using (var fc = new Nn.Linear(1, 1, false)) using (Optimizer opt = make(fc)) {
      Tensor w = fc.Parameter("weight");
      w.CopyFrom(new float[] { 1 });
      fc.Forward(Tensor.Full(3, 1, 1)).Sum().Backward();
      opt.Step();
      Assert.Close(expected, w.ToFloatArray()[0], 1e-6, opt.GetType().Name);
      opt.ZeroGrad();
      Assert.True(w.Grad() == null, "ZeroGrad drops the gradient");
    }
  }

  [Test] public void SchedulersFollowTheirFormulas() {
    using (var fc = new Nn.Linear(1, 1)) using (Optimizer opt = new Optimizer.SGD(fc, 1.0)) {
      using (Scheduler s = new Scheduler.StepLR(opt, 2, 0.5)) {
        foreach (double want in new[] { 1, 0.5, 0.5, 0.25, 0.25 }) {
          s.Step();
          Assert.Close(want, opt.Lr, 1e-15, "StepLR");
        }
        Assert.Close(0.25, s.LastLr, 1e-15, "LastLr");
      }
      opt.Lr = 1.0;
      using (Scheduler s = new Scheduler.MultiStepLR(opt, new long[] { 1, 3 }, 0.1)) {
        s.Step();
        Assert.Close(0.1, opt.Lr, 1e-15, "MultiStepLR");
        s.Step();
        s.Step();
        Assert.Close(0.01, opt.Lr, 1e-15, "MultiStepLR");
      }
      opt.Lr = 1.0;
      using (Scheduler s = new Scheduler.ExponentialLR(opt, 0.9)) {
        for (int i = 0; i < 3; ++i) s.Step();
        Assert.Close(Math.Pow(0.9, 3), opt.Lr, 1e-15, "ExponentialLR");
      }
      opt.Lr = 1.0;
      using (Scheduler s = new Scheduler.CosineAnnealingLR(opt, 10, 0.0)) {
        for (int t = 1; t <= 4; ++t) {
          s.Step();
          Assert.Close((1 + Math.Cos(Math.PI * t / 10)) / 2, opt.Lr, 1e-12, "CosineAnnealingLR");
        }
      }
      opt.Lr = 1.0;
      var epochs = new List<long>();
      using (Scheduler s = new Scheduler.LambdaLR(opt, epoch => { epochs.Add(epoch); return 1.0 / (epoch + 1); })) {
        s.Step();
        s.Step();
        Assert.Close(1.0 / 3, opt.Lr, 1e-15, "LambdaLR");
        Assert.Elements(new long[] { 0, 1, 2 }, epochs.ToArray());
      }
      opt.Lr = 1.0;
      using (var o = new PlateauOptions { Patience = 0, Factor = 0.5 })
      using (Scheduler s = new Scheduler.ReduceLROnPlateau(opt, o)) {
        s.Step(1.0);
        Assert.Equal(1.0, opt.Lr);
        s.Step(2.0);  // worse: patience 0 halves at once
        Assert.Equal(0.5, opt.Lr);
        Assert.Equal(Status.State, Assert.Throws<DlException>(s.Step).Status);
      }
    }
  }

  [Test] public void LambdaThatThrowsFailsTheStep() {
    using (var fc = new Nn.Linear(1, 1)) using (Optimizer opt = new Optimizer.SGD(fc, 1.0)) {
      using (Scheduler s = new Scheduler.LambdaLR(opt, e => { if (e == 1) throw new ArithmeticException("epoch 1"); return 1; })) {
        var e1 = Assert.Throws<ArithmeticException>(s.Step);
        Assert.Equal("epoch 1", e1.Message);
        Assert.Equal(1.0, opt.Lr);
      }
      // at epoch 0 the constructor itself fails, with the lambda's exception
      var e0 = Assert.Throws<DivideByZeroException>(() => new Scheduler.LambdaLR(opt, e => { throw new DivideByZeroException("epoch 0"); }));
      Assert.Equal("epoch 0", e0.Message);
    }
  }

  /// <summary>libdl holds a C# forward and a C# lambda while the C# objects are unreachable (they
  /// survive collections: the delegates SWIG gave C stay valid), and lets them go once the last
  /// native handle is freed.</summary>
  [Test] public void CallbacksLiveAsLongAsLibdlHoldsThem() {
    WeakReference module = null, lambda = null;
    Nn.Sequential seq = null;
    Optimizer opt = null;
    Scheduler sched = null;
    // Made on another thread, so that no stale slot of this stack holds them (Mono scans stacks conservatively).
    OnOwnThread(() => {
      var affine = new Affine();
      seq = new Nn.Sequential(affine);
      affine.Dispose();  // the Sequential holds it now
      module = new WeakReference(affine);
      using (var fc = new Nn.Linear(1, 1)) opt = new Optimizer.SGD(fc, 1.0);
      double offset = 2;  // captured: a lambda without captures would be cached in a static field
      Func<long, double> f = epoch => 1.0 / (epoch + offset);
      lambda = new WeakReference(f);
      sched = new Scheduler.LambdaLR(opt, f);
    });
    Collect();
    Assert.True(module.IsAlive && lambda.IsAlive, "libdl keeps the callbacks alive");
    using (new Scope()) Assert.Elements(new float[] { 3 }, seq.Forward(Tensor.Ones(1)).ToFloatArray());
    sched.Step();
    Assert.Close(1.0 / 3, opt.Lr, 1e-15, "lr from the collected-looking lambda");
    OnOwnThread(() => {
      sched.Dispose();
      opt.Dispose();
      seq.Dispose();
      sched = null;
      opt = null;
      seq = null;
    });
    Collect();
    Assert.True(!module.IsAlive, "the module is released with its last handle");
    Assert.True(!lambda.IsAlive, "the lambda is released with its scheduler");
  }

  static void OnOwnThread(Action body) {
    Exception failure = null;
    var t = new Thread(() => {
      try {
        body();
      } catch (Exception e) {
        failure = e;
      }
    });
    t.Start();
    t.Join();
    if (failure != null) throw failure;
  }

  static void Collect() {
    for (int i = 0; i < 3; ++i) {
      GC.Collect();
      GC.WaitForPendingFinalizers();
    }
  }

  /// <summary>Squares: x = [i], y = [i * i]; item 5 throws.</summary>
  sealed class Squares : Dataset {
    public Squares() : base(6) {}

    public override Example Get(long i) {
      if (i == 5) throw new IndexOutOfRangeException("item 5");
      return new Example(Tensor.From(new float[] { i }, 1), Tensor.From(new float[] { i * i }, 1));
    }
  }

  sealed class NoGet : Dataset {
    public NoGet() : base(1) {}
  }

  [Test] public void LoaderBatchesTensorsAndUserDatasets() {
    using (new Scope()) {
      Tensor x = Tensor.Arange(0, 10).Reshape(10, 1), y = Tensor.Arange(0, 10, 1, DType.Int64);
      using (Dataset ds = Dataset.FromTensors(x, y)) using (var loader = new DataLoader(ds, 4)) {
        Assert.Equal(10L, ds.Size);
        Assert.Equal(3L, loader.NumBatches);
        long sum = 0;
        var sizes = new List<long>();
        foreach (DataLoader.Batch b in loader) {
          using (b) {
            sizes.Add(b.Y.Numel);
            sum += b.Y.ToLongArray().Sum();
          }
        }
        Assert.Elements(new long[] { 4, 4, 2 }, sizes.ToArray());
        Assert.Equal(45L, sum);
        // a new enumeration is a new epoch; LINQ works on it
        Assert.Elements(new long[] { 0, 4, 8 }, loader.Select(b => { using (b) return b.X.ToLongArray()[0]; }).ToArray());
      }
      using (Dataset ds = Dataset.FromTensors(x, y)) using (var loader = new DataLoader(ds, 4, shuffle: true, seed: 7, dropLast: true)) {
        var seen = loader.SelectMany(b => { using (b) return b.Y.ToLongArray(); }).ToArray();
        Assert.Equal(8, seen.Length);
        Assert.Equal(8, seen.Distinct().Count());
      }
    }
    using (var squares = new Squares()) using (var loader = new DataLoader(squares, 5, numWorkers: 2)) {
      using (Dataset.Example e = squares.Get(3)) Assert.Elements(new float[] { 9 }, e.Y.ToFloatArray());
      using (DataLoader.Batch b = loader.Next()) Assert.Elements(new float[] { 0, 1, 4, 9, 16 }, b.Y.ToFloatArray());
      var e5 = Assert.Throws<IndexOutOfRangeException>(() => loader.Next());
      Assert.Equal("item 5", e5.Message);
      using (Dataset normalized = squares.Normalize(new float[] { 1 }, new float[] { 2 }))
      using (var l2 = new DataLoader(normalized, 6, numWorkers: 1))
        Assert.Equal("item 5", Assert.Throws<IndexOutOfRangeException>(() => l2.Next()).Message);
    }
    Assert.Throws<InvalidOperationException>(() => new NoGet());
  }

  [Test] public void MissingFilesAreIoErrorsNamingThePath() {
    var e = Assert.Throws<DlException>(() => Dataset.Mnist("/nonexistent-dir", true));
    Assert.Equal(Status.IO, e.Status);
    Assert.Contains("/nonexistent-dir", e.Message);
  }

  [Test] public void LossesAreTheirClosedForms() {
    using (new Scope()) {
      Tensor input = Tensor.From(new float[] { 1, 2, 3 }, 3), target = Tensor.From(new float[] { 2, 2, 5 }, 3);
      Assert.Close(5.0 / 3, F.MseLoss(input, target).Item(), 1e-6, "mse");
      Assert.Close(5, F.MseLoss(input, target, Reduction.Sum).Item(), 1e-6, "mse sum");
      Assert.Elements(new float[] { 1, 0, 4 }, F.MseLoss(input, target, Reduction.None).ToFloatArray());
      Assert.Close(1, F.L1Loss(input, target).Item(), 1e-6, "l1");
      Tensor logits = Tensor.From(new double[] { 0, Math.Log(3), 0, 0 }, 2, 2), classes = Tensor.From(new long[] { 1, 0 }, 2);
      Assert.Close((Math.Log(4.0 / 3) + Math.Log(2)) / 2, F.CrossEntropy(logits, classes).Item(), 1e-12, "cross entropy");
      Assert.Close(Math.Log(4.0 / 3) + Math.Log(2), F.CrossEntropy(logits, classes, Reduction.Sum).Item(), 1e-12, "cross entropy sum");
      Assert.Close(F.CrossEntropy(logits, classes).Item(), F.NllLoss(logits.LogSoftmax(1), classes).Item(), 1e-12, "nll of log_softmax");
      Assert.Close(-Math.Log(0.25), F.BceLoss(Tensor.From(new double[] { 0.25 }, 1), Tensor.From(new double[] { 1 }, 1)).Item(), 1e-12, "bce");
      Assert.Close(Math.Log(2), F.BceWithLogits(Tensor.From(new double[] { 0 }, 1), Tensor.From(new double[] { 1 }, 1)).Item(), 1e-12,
                   "bce with logits");
      var e = Assert.Throws<DlException>(() => F.CrossEntropy(logits, Tensor.From(new long[] { 2, 0 }, 2)));
      Assert.Contains("dl_cross_entropy", e.Message);
    }
  }

  /// <summary>A 4 x 4 image 0..15: convolution with a ones kernel sums windows, pools take their max or mean.</summary>
  [Test] public void ImageLayersAreTheirClosedForms() {
    using (new Scope()) {
      Tensor image = Tensor.Arange(0, 16).Reshape(1, 1, 4, 4);
      using (var conv = new Nn.Conv2d(1, 1, 2)) {
        conv.Parameter("weight").CopyFrom(new float[] { 1, 1, 1, 1 });
        conv.Parameter("bias").CopyFrom(new float[] { 0.5f });
        Tensor y = conv.Forward(image);
        Assert.Elements(new long[] { 1, 1, 3, 3 }, y.Shape);
        Assert.Elements(new float[] { 10.5f, 14.5f, 18.5f, 26.5f, 30.5f, 34.5f, 42.5f, 46.5f, 50.5f }, y.ToFloatArray());
        Assert.Elements(y.ToFloatArray(), F.Conv2d(image, conv.Parameter("weight"), conv.Parameter("bias")).ToFloatArray());
        Assert.Elements(new long[] { 1, 1, 5, 5 }, F.Conv2d(image, conv.Parameter("weight"), null, padding: 1).Shape);
      }
      using (var padded = new Nn.Conv2d(1, 4, 3, stride: 2, padding: 1)) Assert.Elements(new long[] { 1, 4, 2, 2 }, padded.Forward(image).Shape);
      using (var o = new Conv2dOptions { PaddingMode = (int)Padding.Same })
      using (var same = new Nn.Conv2d(1, 2, 3, 3, o))
        Assert.Elements(new long[] { 1, 2, 4, 4 }, same.Forward(image).Shape);
      using (var pool = new Nn.MaxPool2d(2)) Assert.Elements(new float[] { 5, 7, 13, 15 }, pool.Forward(image).ToFloatArray());
      Assert.Elements(new float[] { 5, 7, 13, 15 }, F.MaxPool2d(image, 2).ToFloatArray());
      using (var pool = new Nn.AvgPool2d(2)) Assert.Elements(new float[] { 2.5f, 4.5f, 10.5f, 12.5f }, pool.Forward(image).ToFloatArray());
      Assert.Elements(new float[] { 2.5f, 4.5f, 10.5f, 12.5f }, F.AvgPool2d(image, 2).ToFloatArray());
      using (var o = new Pool2dOptions { StrideH = 1, StrideW = 1 }) using (var pool = new Nn.MaxPool2d(3, o))
        Assert.Elements(new float[] { 10, 11, 14, 15 }, pool.Forward(image).ToFloatArray());
      using (var pool = new Nn.AdaptiveAvgPool2d(1, 1)) Assert.Elements(new float[] { 7.5f }, pool.Forward(image).ToFloatArray());
      using (var flatten = new Nn.Flatten()) Assert.Elements(new long[] { 1, 16 }, flatten.Forward(image).Shape);
      var e = Assert.Throws<DlException>(() => F.MaxPool2d(image, 5));
      Assert.Equal(Status.Shape, e.Status);
    }
  }

  /// <summary>Dropout zeroes about p of the elements in training and scales the rest by 1 / (1 - p); eval is the identity.</summary>
  [Test] public void DropoutScalesSurvivorsAndIsTheIdentityInEval() {
    Dl.ManualSeed(1);
    using (new Scope()) using (var drop = new Nn.Dropout(0.25)) {
      float[] y = drop.Forward(Tensor.Ones(4000)).ToFloatArray();
      Assert.True(y.All(v => v == 0 || Math.Abs(v - 4f / 3) < 1e-6), "elements are 0 or 1 / (1 - p)");
      int zeros = y.Count(v => v == 0);
      Assert.True(Math.Abs(zeros - 1000) < 6 * Math.Sqrt(4000 * 0.25 * 0.75), zeros + " of 4000 zeroed");
      drop.Eval();
      Assert.True(!drop.IsTraining, "eval mode");
      Assert.Elements(new float[] { 1, 1, 1 }, drop.Forward(Tensor.Ones(3)).ToFloatArray());
      Assert.Elements(new float[] { 1, 1, 1 }, F.Dropout(Tensor.Ones(3), 0.5, false).ToFloatArray());
      using (var drop2d = new Nn.Dropout2d(0.5)) {
        float[] planes = drop2d.Forward(Tensor.Ones(8, 16, 2, 2)).ToFloatArray();
        for (int c = 0; c < 8 * 16; ++c)
          Assert.True(planes.Skip(4 * c).Take(4).Distinct().Count() == 1, "Dropout2d zeroes whole channels");
      }
    }
  }

  /// <summary>BatchNorm2d in training normalizes with the batch's biased variance and moves the
  /// running statistics by momentum 0.1 (the unbiased variance); eval uses those.</summary>
  [Test] public void BatchNormUsesBatchThenRunningStatistics() {
    using (new Scope()) using (var bn = new Nn.BatchNorm2d(1)) {
      Tensor x = Tensor.From(new float[] { 1, 3, 5, 7 }, 2, 1, 1, 2);
      const double mean = 4, variance = 5, unbiased = 20.0 / 3, eps = 1e-5;
      float[] y = bn.Forward(x).ToFloatArray();
      for (int i = 0; i < 4; ++i) Assert.Close((1 + 2 * i - mean) / Math.Sqrt(variance + eps), y[i], 1e-5, "train y[" + i + "]");
      bn.Eval();
      double runningMean = 0.1 * mean, runningVar = 0.9 + 0.1 * unbiased;
      float[] z = bn.Forward(x).ToFloatArray();
      for (int i = 0; i < 4; ++i) Assert.Close((1 + 2 * i - runningMean) / Math.Sqrt(runningVar + eps), z[i], 1e-5, "eval z[" + i + "]");
      Assert.Elements(new[] { "weight", "bias" }, bn.NamedParameters().Select(p => p.Key).ToArray());
    }
    using (new Scope()) using (var bn1 = new Nn.BatchNorm1d(3)) Assert.Elements(new long[] { 4, 3 }, bn1.Forward(Tensor.Randn(4, 3)).Shape);
  }

  [Test] public void CheckpointsSaveAndLoad() {
    string file = Path.GetTempFileName();
    try {
      using (new Scope())
      using (var a = new Nn.Sequential(new Nn.Conv2d(1, 2, 3), new Nn.BatchNorm2d(2), new Nn.Flatten(), new Nn.Linear(8, 2)))
      using (var b = new Nn.Sequential(new Nn.Conv2d(1, 2, 3), new Nn.BatchNorm2d(2), new Nn.Flatten(), new Nn.Linear(8, 2))) {
        Tensor x = Tensor.Randn(3, 1, 4, 4);
        a.Forward(x);  // moves a's running statistics
        a.Eval();
        b.Eval();
        a.Save(file);
        b.Load(file);
        Assert.Elements(a.Forward(x).ToFloatArray(), b.Forward(x).ToFloatArray(), "same outputs after load");
        Assert.Elements(a.Parameter("3.weight").ToFloatArray(), b.Parameter("3.weight").ToFloatArray(), "same weights");
        using (var other = new Nn.Linear(2, 2)) {
          var e = Assert.Throws<DlException>(() => other.Load(file));
          Assert.True(e.Status == Status.Format || e.Status == Status.Shape, "a checkpoint of another model: " + e.Status);
        }
        var missing = Assert.Throws<DlException>(() => a.Load("/nonexistent-dir/model.safetensors"));
        Assert.Equal(Status.IO, missing.Status);
      }
    } finally {
      File.Delete(file);
    }
  }

  /// <summary>5,000 training steps, each in a scope: resident memory at step 5,000 is where it was at 1,000.</summary>
  [Test] public void ScopedStepsKeepMemoryFlat() {
    Dl.ManualSeed(0);
    using (var net = new Nn.Sequential(new Nn.Linear(32, 64), new Nn.ReLU(), new Nn.Linear(64, 4)))
    using (Optimizer opt = new Optimizer.SGD(net, 0.01, 0.9)) {
      AssertScopedStepsKeepMemoryFlat(5000, 1000, () => {
        Tensor x = Tensor.Randn(16, 32), y = Tensor.Randint(0, 4, 16);
        opt.ZeroGrad();
        F.CrossEntropy(net.Forward(x), y).Backward();
        opt.Step();
      });
    }
  }

  /// <summary>Runs step steps times, each in a Scope: resident memory after the last is within 4 MiB of where it was
  /// after step from.</summary>
  internal static void AssertScopedStepsKeepMemoryFlat(int steps, int from, Action step) {
    long atFrom = 0;
    for (int i = 1; i <= steps; ++i) {
      using (new Scope()) step();
      if (i == from) atFrom = ResidentBytes();
    }
    long growth = ResidentBytes() - atFrom;
    Assert.True(growth < (4 << 20), "resident memory grew by " + growth + " bytes from step " + from + " to " + steps);
  }

  static long ResidentBytes() {
    return long.Parse(File.ReadAllText("/proc/self/statm").Trim().Split(' ')[1]) * 4096;
  }
}

}
