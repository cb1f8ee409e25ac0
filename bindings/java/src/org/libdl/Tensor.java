package org.libdl;

import java.lang.ref.Cleaner;
import java.util.Arrays;

/**
 * A libdl tensor: an n-dimensional array with autograd, as torch.Tensor. Ops return
 * new tensors; close() (or the enclosing {@link Scope}) releases the memory at once,
 * and a cleaner frees what was neither closed nor scoped once it is unreachable.
 * Data goes in and out as Java arrays, contiguous and row-major.
 */
public final class Tensor implements AutoCloseable {
  static final Cleaner cleaner = Cleaner.create();

  /** The native handle, freed once: by close(), by the scope that owns it, or by the cleaner. */
  private static final class Handle implements Runnable {
    private long value;

    Handle(long value) { this.value = value; }

    /** The handle, now the caller's to free; 0 once taken. */
    synchronized long take() {
      long h = value;
      value = 0;
      return h;
    }

    @Override public void run() {
      long h = take();
      if (h != 0) Native.dl_tensor_free(h);
    }
  }

  private final Handle handle;
  /** Null while a Scope owns the tensor: the scope frees it, so a training step's
   *  tensors cost the cleaner nothing (NOTE [scoped tensors] in Scope.java). */
  private Cleaner.Cleanable cleanable;

  /** What a cleaner shared with another tensor watches (see together), kept reachable by this tensor; else null. */
  private final Object keeper;

  /** Takes ownership of a new handle: this thread's innermost scope owns it, else the cleaner watches it. */
  Tensor(long h) {
    handle = new Handle(h);
    keeper = null;
    Scope s = Scope.innermost();
    if (s != null) s.own(this);
    else unscoped();
  }

  private Tensor(Handle h, Object keeper) {
    handle = h;
    this.keeper = keeper;
  }

  /** Frees two handles (made together) once their keeper is unreachable. */
  private static final class FreeBoth implements Runnable {
    private final Handle a, b;

    FreeBoth(Handle a, Handle b) {
      this.a = a;
      this.b = b;
    }

    @Override public void run() {
      a.run();
      b.run();
    }
  }

  /** Takes ownership of two new handles made together (a loader's batch, x and y): the innermost scope owns
   *  both, else one cleaner frees both once neither tensor is reachable. A loop makes each batch before its
   *  step's scope opens; one cleaner per batch keeps the constructor's cleaner branch out of the per-tensor
   *  path, which the JIT compiles while the first epoch runs (NOTE [scoped tensors] in Scope.java). */
  static Tensor[] together(long h1, long h2) {
    if (Scope.innermost() != null) return new Tensor[] {new Tensor(h1), new Tensor(h2)};
    Handle a = new Handle(h1), b = new Handle(h2);
    Object keeper = new Object();
    cleaner.register(keeper, new FreeBoth(a, b));
    return new Tensor[] {new Tensor(a, keeper), new Tensor(b, keeper)};
  }

  /** From now on no scope owns this tensor: the cleaner frees it once unreachable. */
  void unscoped() { cleanable = cleaner.register(this, handle); }

  /** The handle for the owning scope to free; the tensor then reports closed. */
  long take() { return handle.take(); }

  /** A new handle to t's tensor, owned by the result. */
  static Tensor ref(long h) { return new Tensor(Native.dl_tensor_ref(h)); }

  long handle() {
    long h = handle.value;
    if (h == 0) throw new IllegalStateException("Tensor: used after close()");
    return h;
  }

  /** t's handle, 0 for null (an optional tensor left out). */
  static long handle(Tensor t) { return t == null ? 0 : t.handle(); }

  /** Releases the tensor's handle (and its memory, unless the graph or a module still uses it). */
  @Override public void close() {
    if (cleanable != null) cleanable.clean();
    else handle.run();
  }

  // ---- creation ----
  public static Tensor of(float[] data, long... shape) { return new Tensor(Native.dl_binding_from_float32(data, shape)); }
  public static Tensor of(double[] data, long... shape) { return new Tensor(Native.dl_binding_from_float64(data, shape)); }
  /** int64 elements (class labels). */
  public static Tensor of(long[] data, long... shape) { return new Tensor(Native.dl_binding_from_int64(data, shape)); }
  public static Tensor of(int[] data, long... shape) { return new Tensor(Native.dl_binding_from_int32(data, shape)); }
  /** uint8 elements. */
  public static Tensor of(byte[] data, long... shape) { return new Tensor(Native.dl_binding_from_uint8(data, shape)); }
  public static Tensor zeros(long... shape) { return zeros(DType.FLOAT32, shape); }
  public static Tensor zeros(DType dtype, long... shape) { return new Tensor(Native.dl_tensor_zeros(shape, dtype.code())); }
  public static Tensor ones(long... shape) { return ones(DType.FLOAT32, shape); }
  public static Tensor ones(DType dtype, long... shape) { return new Tensor(Native.dl_tensor_ones(shape, dtype.code())); }
  public static Tensor full(double value, long... shape) { return new Tensor(Native.dl_tensor_full(shape, value, DType.FLOAT32.code())); }
  public static Tensor randn(long... shape) { return randn(DType.FLOAT32, shape); }
  public static Tensor randn(DType dtype, long... shape) { return new Tensor(Native.dl_tensor_randn(shape, dtype.code())); }
  public static Tensor rand(long... shape) { return rand(DType.FLOAT32, shape); }
  public static Tensor rand(DType dtype, long... shape) { return new Tensor(Native.dl_tensor_rand(shape, dtype.code())); }
  /** int64 integers uniform in [low, high). */
  public static Tensor randint(long low, long high, long... shape) {
    return new Tensor(Native.dl_tensor_randint(low, high, shape, DType.INT64.code()));
  }
  public static Tensor arange(double start, double end, double step, DType dtype) {
    return new Tensor(Native.dl_tensor_arange(start, end, step, dtype.code()));
  }
  public static Tensor eye(long n) { return new Tensor(Native.dl_tensor_eye(n, -1, DType.FLOAT32.code())); }

  // ---- inspection and data out ----
  public int ndim() {
    int[] n = new int[1];
    Native.dl_tensor_ndim(handle(), n);
    return n[0];
  }
  public long[] shape() {
    long[] s = new long[ndim()];
    Native.dl_tensor_shape(handle(), s);
    return s;
  }
  public long numel() {
    long[] n = new long[1];
    Native.dl_tensor_numel(handle(), n);
    return n[0];
  }
  public DType dtype() {
    int[] d = new int[1];
    Native.dl_tensor_dtype(handle(), d);
    return DType.of(d[0]);
  }
  /** The elements as float32 (converted when the tensor has another dtype). */
  public float[] toFloatArray() {
    try (Tensor t = as(DType.FLOAT32)) {
      float[] a = new float[(int) t.numel()];
      Native.dl_binding_copy_to_float32(t.handle(), a);
      return a;
    }
  }
  public double[] toDoubleArray() {
    try (Tensor t = as(DType.FLOAT64)) {
      double[] a = new double[(int) t.numel()];
      Native.dl_binding_copy_to_float64(t.handle(), a);
      return a;
    }
  }
  public long[] toLongArray() {
    try (Tensor t = as(DType.INT64)) {
      long[] a = new long[(int) t.numel()];
      Native.dl_binding_copy_to_int64(t.handle(), a);
      return a;
    }
  }
  /** This tensor's own handle when it already has dtype, else a converted copy; the caller closes it. */
  private Tensor as(DType dtype) { return dtype() == dtype ? ref(handle()) : to(dtype); }
  /** The value of a one-element tensor. */
  public double item() {
    double[] v = new double[1];
    Native.dl_tensor_item(handle(), v);
    return v[0];
  }
  /** Overwrites the (float32) elements in place, not recorded by autograd. */
  public void copyFrom(float[] data) { Native.dl_binding_copy_from_float32(handle(), data); }
  public Tensor to(DType dtype) { return new Tensor(Native.dl_tensor_to_dtype(handle(), dtype.code())); }

  // ---- autograd ----
  public Tensor requiresGrad(boolean on) {
    Native.dl_tensor_set_requires_grad(handle(), on ? 1 : 0);
    return this;
  }
  public boolean requiresGrad() {
    int[] on = new int[1];
    Native.dl_tensor_requires_grad(handle(), on);
    return on[0] != 0;
  }
  public boolean isLeaf() {
    int[] on = new int[1];
    Native.dl_tensor_is_leaf(handle(), on);
    return on[0] != 0;
  }
  /** The accumulated gradient, or null when there is none yet. */
  public Tensor grad() {
    long g = Native.dl_tensor_grad(handle());
    return g == 0 ? null : new Tensor(g);
  }
  public void zeroGrad() { Native.dl_tensor_zero_grad(handle()); }
  public void backward() { Native.dl_tensor_backward(handle(), 0); }
  public void backward(Tensor grad) { Native.dl_tensor_backward(handle(), grad.handle()); }
  public void backward(Tensor grad, boolean retainGraph) {
    Native.dl_tensor_backward_ex(handle(), handle(grad), retainGraph ? 1 : 0);
  }
  public Tensor detach() { return new Tensor(Native.dl_tensor_detach(handle())); }

  // ---- ops (broadcasting as PyTorch) ----
  public Tensor add(Tensor o) { return new Tensor(Native.dl_add(handle(), o.handle())); }
  public Tensor sub(Tensor o) { return new Tensor(Native.dl_sub(handle(), o.handle())); }
  public Tensor mul(Tensor o) { return new Tensor(Native.dl_mul(handle(), o.handle())); }
  public Tensor div(Tensor o) { return new Tensor(Native.dl_div(handle(), o.handle())); }
  public Tensor pow(Tensor o) { return new Tensor(Native.dl_pow(handle(), o.handle())); }
  public Tensor maximum(Tensor o) { return new Tensor(Native.dl_maximum(handle(), o.handle())); }
  public Tensor minimum(Tensor o) { return new Tensor(Native.dl_minimum(handle(), o.handle())); }
  public Tensor eq(Tensor o) { return new Tensor(Native.dl_eq(handle(), o.handle())); }
  public Tensor ne(Tensor o) { return new Tensor(Native.dl_ne(handle(), o.handle())); }
  public Tensor lt(Tensor o) { return new Tensor(Native.dl_lt(handle(), o.handle())); }
  public Tensor le(Tensor o) { return new Tensor(Native.dl_le(handle(), o.handle())); }
  public Tensor gt(Tensor o) { return new Tensor(Native.dl_gt(handle(), o.handle())); }
  public Tensor ge(Tensor o) { return new Tensor(Native.dl_ge(handle(), o.handle())); }
  public Tensor add(double s) { return new Tensor(Native.dl_add_scalar(handle(), s)); }
  public Tensor sub(double s) { return new Tensor(Native.dl_sub_scalar(handle(), s)); }
  public Tensor mul(double s) { return new Tensor(Native.dl_mul_scalar(handle(), s)); }
  public Tensor div(double s) { return new Tensor(Native.dl_div_scalar(handle(), s)); }
  public Tensor pow(double s) { return new Tensor(Native.dl_pow_scalar(handle(), s)); }
  public Tensor neg() { return new Tensor(Native.dl_neg(handle())); }
  public Tensor abs() { return new Tensor(Native.dl_abs(handle())); }
  public Tensor exp() { return new Tensor(Native.dl_exp(handle())); }
  public Tensor log() { return new Tensor(Native.dl_log(handle())); }
  public Tensor sqrt() { return new Tensor(Native.dl_sqrt(handle())); }
  public Tensor relu() { return new Tensor(Native.dl_relu(handle())); }
  public Tensor sigmoid() { return new Tensor(Native.dl_sigmoid(handle())); }
  public Tensor tanh() { return new Tensor(Native.dl_tanh(handle())); }
  public Tensor clamp(double min, double max) { return new Tensor(Native.dl_clamp(handle(), min, max)); }
  public Tensor where(Tensor cond, Tensor other) { return new Tensor(Native.dl_where(cond.handle(), handle(), other.handle())); }
  public Tensor sum() { return sum(new long[0], false); }
  public Tensor sum(long[] dims, boolean keepdim) { return new Tensor(Native.dl_sum(handle(), dims, keepdim ? 1 : 0)); }
  public Tensor mean() { return mean(new long[0], false); }
  public Tensor mean(long[] dims, boolean keepdim) { return new Tensor(Native.dl_mean(handle(), dims, keepdim ? 1 : 0)); }
  public Tensor amax(long[] dims, boolean keepdim) { return new Tensor(Native.dl_amax(handle(), dims, keepdim ? 1 : 0)); }
  public Tensor amin(long[] dims, boolean keepdim) { return new Tensor(Native.dl_amin(handle(), dims, keepdim ? 1 : 0)); }
  public Tensor argmax(long dim, boolean keepdim) { return new Tensor(Native.dl_argmax(handle(), dim, keepdim ? 1 : 0)); }
  public Tensor matmul(Tensor o) { return new Tensor(Native.dl_matmul(handle(), o.handle())); }
  public Tensor softmax(long dim) { return new Tensor(Native.dl_softmax(handle(), dim)); }
  public Tensor logSoftmax(long dim) { return new Tensor(Native.dl_log_softmax(handle(), dim)); }
  public Tensor reshape(long... shape) { return new Tensor(Native.dl_reshape(handle(), shape)); }
  public Tensor view(long... shape) { return new Tensor(Native.dl_view(handle(), shape)); }
  public Tensor transpose(long dim0, long dim1) { return new Tensor(Native.dl_transpose(handle(), dim0, dim1)); }
  public Tensor permute(long... dims) { return new Tensor(Native.dl_permute(handle(), dims)); }
  public Tensor flatten(long startDim, long endDim) { return new Tensor(Native.dl_flatten(handle(), startDim, endDim)); }
  public Tensor narrow(long dim, long start, long length) { return new Tensor(Native.dl_narrow(handle(), dim, start, length)); }
  public Tensor select(long dim, long index) { return new Tensor(Native.dl_select(handle(), dim, index)); }
  public Tensor squeeze(long dim) { return new Tensor(Native.dl_squeeze(handle(), dim)); }
  public Tensor unsqueeze(long dim) { return new Tensor(Native.dl_unsqueeze(handle(), dim)); }
  public Tensor contiguous() { return new Tensor(Native.dl_contiguous(handle())); }
  public Tensor copy() { return new Tensor(Native.dl_clone(handle())); }

  @Override public String toString() {
    if (handle.value == 0) return "Tensor(closed)";
    return "Tensor(shape=" + Arrays.toString(shape()) + ", dtype=" + dtype() + ")";
  }
}
