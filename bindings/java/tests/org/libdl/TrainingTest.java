package org.libdl;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Modules (built-in and a Java subclass), every optimizer and scheduler kind, the data
 *  loader and the scope's release of memory, each against a closed form. */
class TrainingTest {
  /** y = 2x + 1 elementwise: a module whose forward is Java code. */
  static final class Affine extends Module {
    int calls;

    Affine() { super("Affine"); }

    @Override public Tensor forward(Tensor x) {
      ++calls;
      try (Tensor twice = x.mul(2)) {
        return twice.add(1);
      }
    }
  }

  static final class Failing extends Module {
    Failing() { super("Failing"); }

    @Override public Tensor forward(Tensor x) { throw new IllegalStateException("no forward today"); }
  }

  @Test void linearIsXWtPlusB() {
    Dl.manualSeed(3);
    try (Scope s = new Scope(); Nn.Linear fc = new Nn.Linear(3, 2)) {
      float[] w = fc.parameter("weight").toFloatArray(), b = fc.parameter("bias").toFloatArray();
      float[] x = {1, -2, 0.5f};
      float[] y = fc.forward(Tensor.of(x, 1, 3)).toFloatArray();
      for (int o = 0; o < 2; ++o) assertEquals(w[3 * o] * x[0] + w[3 * o + 1] * x[1] + w[3 * o + 2] * x[2] + b[o], y[o], 1e-6);
      assertEquals(List.of("weight", "bias"), new ArrayList<>(fc.namedParameters().keySet()));
      assertEquals("Linear", fc.typeName());
    }
  }

  @Test void subclassForwardRunsInsideSequential() {
    try (Scope s = new Scope(); Affine affine = new Affine(); Nn.Sequential seq = new Nn.Sequential(affine, new Nn.ReLU())) {
      assertArrayEquals(new float[] {0, 1, 5}, seq.forward(Tensor.of(new float[] {-3, 0, 2}, 3)).toFloatArray());
      assertEquals(1, affine.calls);
      Tensor x = Tensor.of(new double[] {1.5}, 1).requiresGrad(true);
      seq.forward(x).sum().backward();
      assertArrayEquals(new double[] {2}, x.grad().toDoubleArray());
    }
  }

  @Test void exceptionInForwardReachesTheCaller() {
    try (Scope s = new Scope(); Failing f = new Failing(); Nn.Sequential seq = new Nn.Sequential(f)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> seq.forward(Tensor.ones(1)));
      assertEquals("no forward today", e.getMessage());
      // libdl errors inside a Java forward come back as they were
      Nn.Sequential bad = new Nn.Sequential(new Nn.Linear(3, 2));
      DlException d = assertThrows(DlException.class, () -> bad.forward(Tensor.ones(1, 4)));
      assertEquals(Status.SHAPE, d.status());
      bad.close();
    }
  }

  @Test void customModuleNeedsATypeName() {
    DlException e = assertThrows(DlException.class, () -> new Module("") {
      @Override public Tensor forward(Tensor x) { return x; }
    });
    assertTrue(e.getMessage().contains("type_name"), e.getMessage());
  }

  /** One step of each optimizer from p = 1, grad = d/dp sum(3 p) = 3: PyTorch's first-step formulas. */
  @Test void everyOptimizerTakesItsFirstStep() {
    double lr = 0.1, g = 3;
    check(m -> new Optimizer.SGD(m, lr), 1 - lr * g);
    check(m -> new Optimizer.SGD(m, lr, 0.9), 1 - lr * g);
    check(m -> new Optimizer.Adam(m, lr), 1 - lr * g / (Math.abs(g) + 1e-8));
    check(m -> new Optimizer.AdamW(m, lr), 1 * (1 - lr * 1e-2) - lr * g / (Math.abs(g) + 1e-8));
    check(m -> new Optimizer.RMSprop(m, lr), 1 - lr * g / (Math.sqrt((1 - 0.99) * g * g) + 1e-8));
    check(m -> new Optimizer.Adagrad(m, lr), 1 - lr * g / (Math.sqrt(g * g) + 1e-10));
  }

  private static void check(java.util.function.Function<Module, Optimizer> make, double expected) {
    try (Scope s = new Scope(); Nn.Linear fc = new Nn.Linear(1, 1, false); Optimizer opt = make.apply(fc)) {
      Tensor w = fc.parameter("weight");
      w.copyFrom(new float[] {1});
      fc.forward(Tensor.full(3, 1, 1)).sum().backward();
      opt.step();
      assertEquals(expected, w.toFloatArray()[0], 1e-6);
      opt.zeroGrad();
      assertNull(w.grad());
    }
  }

  @Test void schedulersFollowTheirFormulas() {
    try (Nn.Linear fc = new Nn.Linear(1, 1); Optimizer opt = new Optimizer.SGD(fc, 1.0)) {
      try (Scheduler s = new Scheduler.StepLR(opt, 2, 0.5)) {
        double[] want = {1, 0.5, 0.5, 0.25, 0.25};
        for (double w : want) {
          s.step();
          assertEquals(w, opt.getLr(), 1e-15);
        }
      }
      opt.setLr(1.0);
      try (Scheduler s = new Scheduler.MultiStepLR(opt, new long[] {1, 3}, 0.1)) {
        s.step();
        assertEquals(0.1, opt.getLr(), 1e-15);
        s.step();
        s.step();
        assertEquals(0.01, opt.getLr(), 1e-15);
      }
      opt.setLr(1.0);
      try (Scheduler s = new Scheduler.ExponentialLR(opt, 0.9)) {
        for (int i = 0; i < 3; ++i) s.step();
        assertEquals(Math.pow(0.9, 3), opt.getLr(), 1e-15);
      }
      opt.setLr(1.0);
      try (Scheduler s = new Scheduler.CosineAnnealingLR(opt, 10, 0.0)) {
        for (int t = 1; t <= 4; ++t) {
          s.step();
          assertEquals((1 + Math.cos(Math.PI * t / 10)) / 2, opt.getLr(), 1e-12);
        }
      }
      opt.setLr(1.0);
      List<Long> epochs = new ArrayList<>();
      try (Scheduler s = new Scheduler.LambdaLR(opt, epoch -> { epochs.add(epoch); return 1.0 / (epoch + 1); })) {
        s.step();
        s.step();
        assertEquals(1.0 / 3, opt.getLr(), 1e-15);
        assertEquals(List.of(0L, 1L, 2L), epochs);
      }
      opt.setLr(1.0);
      try (PlateauOptions o = new PlateauOptions()) {
        o.setPatience(0);
        o.setFactor(0.5);
        try (Scheduler s = new Scheduler.ReduceLROnPlateau(opt, o)) {
          s.step(1.0);
          assertEquals(1.0, opt.getLr());
          s.step(2.0);  // worse: patience 0 halves at once
          assertEquals(0.5, opt.getLr());
          assertThrows(DlException.class, s::step);
        }
      }
    }
  }

  @Test void lambdaThatThrowsFailsTheStep() {
    try (Nn.Linear fc = new Nn.Linear(1, 1); Optimizer opt = new Optimizer.SGD(fc, 1.0);
         Scheduler s = new Scheduler.LambdaLR(opt, e -> { if (e == 1) throw new ArithmeticException("epoch 1"); return 1; })) {
      ArithmeticException e = assertThrows(ArithmeticException.class, s::step);
      assertEquals("epoch 1", e.getMessage());
      assertEquals(1.0, opt.getLr());
    }
  }

  @Test void loaderBatchesTensorsAndUserDatasets() {
    try (Scope s = new Scope()) {
      Tensor x = Tensor.arange(0, 10, 1, DType.FLOAT32).reshape(10, 1), y = Tensor.arange(0, 10, 1, DType.INT64);
      try (Dataset ds = Dataset.fromTensors(x, y); DataLoader loader = new DataLoader(ds, 4, false, 0, 0)) {
        assertEquals(3, loader.numBatches());
        List<Long> sizes = new ArrayList<>();
        long sum = 0;
        for (DataLoader.Batch b : loader) {
          sizes.add(b.y.numel());
          for (long v : b.y.toLongArray()) sum += v;
        }
        assertEquals(List.of(4L, 4L, 2L), sizes);
        assertEquals(45, sum);
      }
    }
    Dataset squares = new Dataset(6) {
      @Override public Example get(long i) {
        if (i == 5) throw new IndexOutOfBoundsException("item 5");
        return new Example(Tensor.of(new float[] {i}, 1), Tensor.of(new float[] {i * i}, 1));
      }
    };
    try (squares; DataLoader loader = new DataLoader(squares, 5, false, 0, 2)) {
      DataLoader.Batch b = loader.next();
      assertArrayEquals(new float[] {0, 1, 4, 9, 16}, b.y.toFloatArray());
      b.close();
      IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, loader::next);
      assertEquals("item 5", e.getMessage());
    }
  }

  @Test void missingFilesAreIoErrorsNamingThePath() {
    DlException e = assertThrows(DlException.class, () -> Dataset.mnist("/nonexistent-dir", true));
    assertEquals(Status.IO, e.status());
    assertTrue(e.getMessage().contains("/nonexistent-dir"), e.getMessage());
  }

  @Test void saveAndLoadRoundTrip() throws Exception {
    Path file = Files.createTempFile("dl-java", ".safetensors");
    try (Scope s = new Scope(); Nn.Linear a = new Nn.Linear(2, 2); Nn.Linear b = new Nn.Linear(2, 2)) {
      a.save(file.toString());
      b.load(file.toString());
      assertArrayEquals(a.parameter("weight").toFloatArray(), b.parameter("weight").toFloatArray());
    } finally {
      Files.delete(file);
    }
  }

  /** 5,000 training steps, each in a scope: resident memory at step 5,000 is where it was at 1,000. */
  @Test void scopedStepsKeepMemoryFlat() throws Exception {
    Dl.manualSeed(0);
    try (Nn.Sequential net = new Nn.Sequential(new Nn.Linear(32, 64), new Nn.ReLU(), new Nn.Linear(64, 4));
         Optimizer opt = new Optimizer.SGD(net, 0.01, 0.9)) {
      assertScopedStepsKeepMemoryFlat(5000, 1000, () -> {
        Tensor x = Tensor.randn(16, 32), y = Tensor.randint(0, 4, 16);
        opt.zeroGrad();
        F.crossEntropy(net.forward(x), y).backward();
        opt.step();
      });
    }
  }

  /** Runs step steps times, each in a Scope: resident memory after the last is within 4 MiB of where it was after
   *  step from. */
  static void assertScopedStepsKeepMemoryFlat(int steps, int from, Runnable step) throws Exception {
    long atFrom = 0;
    for (int i = 1; i <= steps; ++i) {
      try (Scope s = new Scope()) {
        step.run();
      }
      if (i == from) atFrom = residentBytes();
    }
    long growth = residentBytes() - atFrom;
    assertTrue(growth < (4 << 20), "resident memory grew by " + growth + " bytes from step " + from + " to " + steps);
  }

  static long residentBytes() throws Exception {
    String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split(" ");
    return Long.parseLong(statm[1]) * 4096;
  }
}
