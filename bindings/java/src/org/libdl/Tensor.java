package org.libdl;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
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

  /*
   * NOTE [handles in flight]
   * The cleaner frees an unscoped tensor's handle once its Tensor is unreachable, and the
   * JIT may find a Tensor unreachable while a native call still uses its handle (a
   * temporary's last use is the handle() that read it), so a collection during the call
   * would free the handle under it. Every native call that takes tensor handles is
   * therefore followed by a fence on those tensors: result(h, used...) for the calls
   * that make a tensor, reachable(used...) for the others. (A scoped tensor has no
   * cleaner; its scope frees it only when closed.)
   */
  static Tensor result(long h, Object a) {
    Tensor t = new Tensor(h);
    reachable(a);
    return t;
  }
  static Tensor result(long h, Object a, Object b) {
    Tensor t = new Tensor(h);
    reachable(a, b);
    return t;
  }
  static Tensor result(long h, Object a, Object b, Object c) {
    Tensor t = new Tensor(h);
    reachable(a, b, c);
    return t;
  }
  static void reachable(Object a) { Reference.reachabilityFence(a); }
  static void reachable(Object a, Object b) {
    Reference.reachabilityFence(a);
    Reference.reachabilityFence(b);
  }
  static void reachable(Object a, Object b, Object c) {
    reachable(a, b);
    Reference.reachabilityFence(c);
  }

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
    reachable(this);
    return n[0];
  }
  public long[] shape() {
    long[] s = new long[ndim()];
    Native.dl_tensor_shape(handle(), s);
    reachable(this);
    return s;
  }
  public long numel() {
    long[] n = new long[1];
    Native.dl_tensor_numel(handle(), n);
    reachable(this);
    return n[0];
  }
  public DType dtype() {
    int[] d = new int[1];
    Native.dl_tensor_dtype(handle(), d);
    reachable(this);
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
  private Tensor as(DType dtype) { return dtype() == dtype ? result(Native.dl_tensor_ref(handle()), this) : to(dtype); }
  /** The value of a one-element tensor. */
  public double item() {
    double[] v = new double[1];
    Native.dl_tensor_item(handle(), v);
    reachable(this);
    return v[0];
  }
  /** Overwrites the (float32) elements in place, not recorded by autograd. */
  public void copyFrom(float[] data) { Native.dl_binding_copy_from_float32(handle(), data); reachable(this); }
  public Tensor to(DType dtype) { return result(Native.dl_tensor_to_dtype(handle(), dtype.code()), this); }

  // ---- autograd ----
  public Tensor requiresGrad(boolean on) {
    Native.dl_tensor_set_requires_grad(handle(), on ? 1 : 0);
    reachable(this);
    return this;
  }
  public boolean requiresGrad() {
    int[] on = new int[1];
    Native.dl_tensor_requires_grad(handle(), on);
    reachable(this);
    return on[0] != 0;
  }
  public boolean isLeaf() {
    int[] on = new int[1];
    Native.dl_tensor_is_leaf(handle(), on);
    reachable(this);
    return on[0] != 0;
  }
  /** The accumulated gradient, or null when there is none yet. */
  public Tensor grad() {
    long g = Native.dl_tensor_grad(handle());
    reachable(this);
    return g == 0 ? null : new Tensor(g);
  }
  public void zeroGrad() { Native.dl_tensor_zero_grad(handle()); reachable(this); }
  public void backward() { Native.dl_tensor_backward(handle(), 0); reachable(this); }
  public void backward(Tensor grad) { Native.dl_tensor_backward(handle(), grad.handle()); reachable(this, grad); }
  public void backward(Tensor grad, boolean retainGraph) {
    Native.dl_tensor_backward_ex(handle(), handle(grad), retainGraph ? 1 : 0);
    reachable(this, grad);
  }
  public Tensor detach() { return result(Native.dl_tensor_detach(handle()), this); }

  // ---- ops (broadcasting as PyTorch) ----
  public Tensor add(Tensor o) { return result(Native.dl_add(handle(), o.handle()), this, o); }
  public Tensor sub(Tensor o) { return result(Native.dl_sub(handle(), o.handle()), this, o); }
  public Tensor mul(Tensor o) { return result(Native.dl_mul(handle(), o.handle()), this, o); }
  public Tensor div(Tensor o) { return result(Native.dl_div(handle(), o.handle()), this, o); }
  public Tensor pow(Tensor o) { return result(Native.dl_pow(handle(), o.handle()), this, o); }
  public Tensor maximum(Tensor o) { return result(Native.dl_maximum(handle(), o.handle()), this, o); }
  public Tensor minimum(Tensor o) { return result(Native.dl_minimum(handle(), o.handle()), this, o); }
  public Tensor eq(Tensor o) { return result(Native.dl_eq(handle(), o.handle()), this, o); }
  public Tensor ne(Tensor o) { return result(Native.dl_ne(handle(), o.handle()), this, o); }
  public Tensor lt(Tensor o) { return result(Native.dl_lt(handle(), o.handle()), this, o); }
  public Tensor le(Tensor o) { return result(Native.dl_le(handle(), o.handle()), this, o); }
  public Tensor gt(Tensor o) { return result(Native.dl_gt(handle(), o.handle()), this, o); }
  public Tensor ge(Tensor o) { return result(Native.dl_ge(handle(), o.handle()), this, o); }
  public Tensor add(double s) { return result(Native.dl_add_scalar(handle(), s), this); }
  public Tensor sub(double s) { return result(Native.dl_sub_scalar(handle(), s), this); }
  public Tensor mul(double s) { return result(Native.dl_mul_scalar(handle(), s), this); }
  public Tensor div(double s) { return result(Native.dl_div_scalar(handle(), s), this); }
  public Tensor pow(double s) { return result(Native.dl_pow_scalar(handle(), s), this); }
  public Tensor neg() { return result(Native.dl_neg(handle()), this); }
  public Tensor abs() { return result(Native.dl_abs(handle()), this); }
  public Tensor exp() { return result(Native.dl_exp(handle()), this); }
  public Tensor log() { return result(Native.dl_log(handle()), this); }
  public Tensor sqrt() { return result(Native.dl_sqrt(handle()), this); }
  public Tensor relu() { return result(Native.dl_relu(handle()), this); }
  public Tensor sigmoid() { return result(Native.dl_sigmoid(handle()), this); }
  public Tensor tanh() { return result(Native.dl_tanh(handle()), this); }
  public Tensor clamp(double min, double max) { return result(Native.dl_clamp(handle(), min, max), this); }
  public Tensor where(Tensor cond, Tensor other) { return result(Native.dl_where(cond.handle(), handle(), other.handle()), cond, this, other); }
  public Tensor sum() { return sum(new long[0], false); }
  public Tensor sum(long[] dims, boolean keepdim) { return result(Native.dl_sum(handle(), dims, keepdim ? 1 : 0), this); }
  public Tensor mean() { return mean(new long[0], false); }
  public Tensor mean(long[] dims, boolean keepdim) { return result(Native.dl_mean(handle(), dims, keepdim ? 1 : 0), this); }
  public Tensor amax(long[] dims, boolean keepdim) { return result(Native.dl_amax(handle(), dims, keepdim ? 1 : 0), this); }
  public Tensor amin(long[] dims, boolean keepdim) { return result(Native.dl_amin(handle(), dims, keepdim ? 1 : 0), this); }
  public Tensor argmax(long dim, boolean keepdim) { return result(Native.dl_argmax(handle(), dim, keepdim ? 1 : 0), this); }
  public Tensor matmul(Tensor o) { return result(Native.dl_matmul(handle(), o.handle()), this, o); }
  public Tensor softmax(long dim) { return result(Native.dl_softmax(handle(), dim), this); }
  public Tensor logSoftmax(long dim) { return result(Native.dl_log_softmax(handle(), dim), this); }
  public Tensor reshape(long... shape) { return result(Native.dl_reshape(handle(), shape), this); }
  public Tensor view(long... shape) { return result(Native.dl_view(handle(), shape), this); }
  public Tensor transpose(long dim0, long dim1) { return result(Native.dl_transpose(handle(), dim0, dim1), this); }
  public Tensor permute(long... dims) { return result(Native.dl_permute(handle(), dims), this); }
  public Tensor flatten(long startDim, long endDim) { return result(Native.dl_flatten(handle(), startDim, endDim), this); }
  public Tensor narrow(long dim, long start, long length) { return result(Native.dl_narrow(handle(), dim, start, length), this); }
  public Tensor select(long dim, long index) { return result(Native.dl_select(handle(), dim, index), this); }
  public Tensor squeeze(long dim) { return result(Native.dl_squeeze(handle(), dim), this); }
  public Tensor unsqueeze(long dim) { return result(Native.dl_unsqueeze(handle(), dim), this); }
  public Tensor contiguous() { return result(Native.dl_contiguous(handle()), this); }
  public Tensor copy() { return result(Native.dl_clone(handle()), this); }

  @Override public String toString() {
    if (handle.value == 0) return "Tensor(closed)";
    return "Tensor(shape=" + Arrays.toString(shape()) + ", dtype=" + dtype() + ")";
  }
}
