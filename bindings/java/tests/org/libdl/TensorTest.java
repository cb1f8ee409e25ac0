package org.libdl;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Tensors in and out, ops, autograd and error paths, against closed forms. */
class TensorTest {
  @Test void dataRoundTrips() {
    try (Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3)) {
      assertArrayEquals(new long[] {2, 3}, t.shape());
      assertEquals(6, t.numel());
      assertEquals(DType.FLOAT32, t.dtype());
      assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toFloatArray());
      assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, t.toDoubleArray());
      t.copyFrom(new float[] {6, 5, 4, 3, 2, 1});
      assertArrayEquals(new long[] {6, 5, 4, 3, 2, 1}, t.toLongArray());
    }
    try (Tensor l = Tensor.of(new long[] {7, -1}, 2)) {
      assertEquals(DType.INT64, l.dtype());
      assertArrayEquals(new long[] {7, -1}, l.toLongArray());
    }
  }

  @Test void matmulIsTheClosedForm() {
    try (Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2); Tensor b = Tensor.of(new float[] {5, 6, 7, 8}, 2, 2);
         Tensor c = a.matmul(b)) {
      assertArrayEquals(new float[] {19, 22, 43, 50}, c.toFloatArray());
    }
  }

  @Test void opsBroadcastAndReduce() {
    try (Scope s = new Scope()) {
      Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
      Tensor row = Tensor.of(new double[] {10, 20, 30}, 3);
      assertArrayEquals(new double[] {11, 22, 33, 14, 25, 36}, x.add(row).toDoubleArray());
      assertArrayEquals(new double[] {5, 7, 9}, x.sum(new long[] {0}, false).toDoubleArray());
      assertEquals(3.5, x.mean().item());
      assertArrayEquals(new long[] {2, 2}, x.argmax(1, false).toLongArray());
      assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, x.transpose(0, 1).contiguous().toDoubleArray());
      assertArrayEquals(new long[] {3, 2}, x.reshape(-1, 2).shape());
      assertArrayEquals(new double[] {2, 4, 6, 8, 10, 12}, x.mul(2).toDoubleArray());
      double[] sm = Tensor.of(new double[] {0, Math.log(3)}, 2).softmax(0).toDoubleArray();
      assertEquals(0.25, sm[0], 1e-15);
      assertEquals(0.75, sm[1], 1e-15);
    }
  }

  /** d/dx sum(x^3 + 2x) = 3x^2 + 2, and the gradient of a float64 product against finite differences. */
  @Test void autogradMatchesClosedFormAndFiniteDifferences() {
    try (Scope s = new Scope()) {
      Tensor x = Tensor.of(new double[] {-1, 0.5, 2}, 3).requiresGrad(true);
      x.pow(3).add(x.mul(2)).sum().backward();
      assertArrayEquals(new double[] {5, 2.75, 14}, x.grad().toDoubleArray(), 1e-12);

      double[] a0 = {0.3, -1.2, 0.7, 2.0, -0.4, 1.1};
      double[] b0 = {1.5, -0.2, 0.9, 0.4, -1.3, 0.8};
      Tensor a = Tensor.of(a0, 2, 3).requiresGrad(true);
      Tensor b = Tensor.of(b0, 3, 2);
      a.matmul(b).tanh().sum().backward();
      double[] g = a.grad().toDoubleArray();
      double h = 1e-6;
      for (int i = 0; i < a0.length; ++i) {
        double[] plus = a0.clone(), minus = a0.clone();
        plus[i] += h;
        minus[i] -= h;
        double fd = (f(plus, b0) - f(minus, b0)) / (2 * h);
        assertEquals(fd, g[i], 1e-8, "d/da[" + i + "]");
      }
    }
  }

  private static double f(double[] a, double[] b) {
    try (Scope s = new Scope()) {
      return Tensor.of(a, 2, 3).matmul(Tensor.of(b, 3, 2)).tanh().sum().item();
    }
  }

  @Test void noGradRecordsNothing() throws Exception {
    try (Scope s = new Scope()) {
      Tensor x = Tensor.ones(2).requiresGrad(true);
      try (AutoCloseable g = Dl.noGrad()) {
        assertFalse(Dl.isGradEnabled());
        assertFalse(x.mul(2).requiresGrad());
      }
      assertTrue(Dl.isGradEnabled());
      assertTrue(x.mul(2).requiresGrad());
    }
  }

  @Test void shapeMismatchThrowsWithLibdlsMessage() {
    try (Tensor a = Tensor.zeros(2, 3); Tensor b = Tensor.zeros(2, 3)) {
      DlException e = assertThrows(DlException.class, () -> a.matmul(b));
      assertEquals(Status.SHAPE, e.status());
      assertTrue(e.getMessage().startsWith("dl_matmul: "), e.getMessage());
      assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
    }
  }

  @Test void bindingChecksArraysAgainstShapes() {
    DlException e = assertThrows(DlException.class, () -> Tensor.of(new float[] {1, 2, 3}, 2, 2));
    assertEquals(Status.SHAPE, e.status());
    assertTrue(e.getMessage().contains("3 values do not fill the shape (4 elements)"), e.getMessage());
    try (Tensor t = Tensor.zeros(4)) {
      DlException e2 = assertThrows(DlException.class, () -> t.copyFrom(new float[3]));
      assertTrue(e2.getMessage().contains("the array has 3 elements, the tensor 4"), e2.getMessage());
    }
  }

  @Test void closedTensorsAndScopeReleasedTensorsFailCleanly() {
    Tensor t = Tensor.ones(3);
    t.close();
    t.close();  // twice is harmless
    assertThrows(IllegalStateException.class, t::numel);
    Tensor kept, dropped;
    try (Scope s = new Scope()) {
      dropped = Tensor.ones(2);
      kept = s.keep(Tensor.full(7, 2));
    }
    assertThrows(IllegalStateException.class, dropped::numel);
    assertArrayEquals(new float[] {7, 7}, kept.toFloatArray());
    kept.close();
  }

  /** A tensor kept out of the outermost scope belongs to no scope (NOTE [scoped tensors]): once unreachable the
   *  cleaner frees it. 256 such 4 MiB tensors would hold 1 GiB if it did not. */
  @Test void tensorsKeptOutOfEveryScopeAreFreedByTheCleaner() throws Exception {
    long before = TrainingTest.residentBytes();
    for (int i = 0; i < 256; ++i) {
      try (Scope s = new Scope()) {
        s.keep(Tensor.zeros(DType.FLOAT32, 1 << 20).add(1.0));
      }
      if (i % 16 == 15) {
        System.gc();
        Thread.sleep(10);  // the cleaner thread frees what the collection found
      }
    }
    long growth = TrainingTest.residentBytes() - before;
    assertTrue(growth < (256L << 20), "resident memory grew by " + growth + " bytes");
  }

  /** A loader's batch made outside any scope and never closed: one cleaner frees its x and y once neither is
   *  reachable. 256 such batches of 4 MiB would hold 1 GiB if it did not. */
  @Test void unclosedBatchesAreFreedByTheCleaner() throws Exception {
    long before = TrainingTest.residentBytes();
    try (Tensor x = Tensor.zeros(DType.FLOAT32, 4, 1 << 18); Tensor y = Tensor.zeros(DType.INT64, 4);
         Dataset ds = Dataset.fromTensors(x, y); DataLoader loader = new DataLoader(ds, 4, false, 0, 0)) {
      for (int i = 0; i < 256; ++i) {
        DataLoader.Batch b = loader.next();
        assertEquals(1 << 20, b.x.numel());
        assertNull(loader.next());  // the epoch's end
        if (i % 16 == 15) {
          System.gc();
          Thread.sleep(10);
        }
      }
    }
    long growth = TrainingTest.residentBytes() - before;
    assertTrue(growth < (256L << 20), "resident memory grew by " + growth + " bytes");
  }
}
