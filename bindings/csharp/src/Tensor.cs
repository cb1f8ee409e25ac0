using System;

namespace LibDl {

/// <summary>
/// A libdl tensor: an n-dimensional array with autograd, as torch.Tensor. Ops return new
/// tensors; Dispose (or the enclosing <see cref="Scope"/>) releases the memory at once, and the
/// finalizer frees what was neither disposed nor scoped once it is unreachable. Data goes in and
/// out as C# arrays, contiguous and row-major.
/// </summary>
public sealed class Tensor : NativeObject {
  /// <summary>Takes ownership of a new handle (and records it in this thread's scope).</summary>
  internal Tensor(long h) : base(h) { Scope.Track(this); }

  internal override void Free(long h) { Native.dl_tensor_free(h); }

  /// <summary>A new handle to h's tensor, owned by the result.</summary>
  internal static Tensor Ref(long h) { return new Tensor(Native.dl_tensor_ref(h)); }

  // ---- creation ----
  public static Tensor From(float[] data, params long[] shape) { return new Tensor(Native.dl_binding_from_float32(data, Length(data), shape, shape.Length)); }
  public static Tensor From(double[] data, params long[] shape) { return new Tensor(Native.dl_binding_from_float64(data, Length(data), shape, shape.Length)); }
  /// <summary>int64 elements (class labels).</summary>
  public static Tensor From(long[] data, params long[] shape) { return new Tensor(Native.dl_binding_from_int64(data, Length(data), shape, shape.Length)); }
  public static Tensor From(int[] data, params long[] shape) { return new Tensor(Native.dl_binding_from_int32(data, Length(data), shape, shape.Length)); }
  /// <summary>uint8 elements.</summary>
  public static Tensor From(byte[] data, params long[] shape) { return new Tensor(Native.dl_binding_from_uint8(data, Length(data), shape, shape.Length)); }
  internal static long Length(Array a) { return a == null ? 0 : a.LongLength; }

  public static Tensor Zeros(params long[] shape) { return Zeros(DType.Float32, shape); }
  public static Tensor Zeros(DType dtype, params long[] shape) { return new Tensor(Native.dl_tensor_zeros(shape, shape.Length, (int)dtype)); }
  public static Tensor Ones(params long[] shape) { return Ones(DType.Float32, shape); }
  public static Tensor Ones(DType dtype, params long[] shape) { return new Tensor(Native.dl_tensor_ones(shape, shape.Length, (int)dtype)); }
  public static Tensor Full(double value, params long[] shape) { return new Tensor(Native.dl_tensor_full(shape, shape.Length, value, (int)DType.Float32)); }
  public static Tensor Randn(params long[] shape) { return Randn(DType.Float32, shape); }
  public static Tensor Randn(DType dtype, params long[] shape) { return new Tensor(Native.dl_tensor_randn(shape, shape.Length, (int)dtype)); }
  public static Tensor Rand(params long[] shape) { return Rand(DType.Float32, shape); }
  public static Tensor Rand(DType dtype, params long[] shape) { return new Tensor(Native.dl_tensor_rand(shape, shape.Length, (int)dtype)); }
  /// <summary>int64 integers uniform in [low, high).</summary>
  public static Tensor Randint(long low, long high, params long[] shape) {
    return new Tensor(Native.dl_tensor_randint(low, high, shape, shape.Length, (int)DType.Int64));
  }
  public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Float32) {
    return new Tensor(Native.dl_tensor_arange(start, end, step, (int)dtype));
  }
  public static Tensor Eye(long n) { return new Tensor(Native.dl_tensor_eye(n, -1, (int)DType.Float32)); }

  // ---- inspection and data out ----
  public int NDim {
    get {
      Native.dl_tensor_ndim(Handle, out int n); GC.KeepAlive(this);
      return n;
    }
  }
  public long[] Shape {
    get {
      var s = new long[NDim];
      Native.dl_tensor_shape(Handle, s, s.Length); GC.KeepAlive(this);
      return s;
    }
  }
  public long Numel {
    get {
      Native.dl_tensor_numel(Handle, out long n); GC.KeepAlive(this);
      return n;
    }
  }
  public DType DType {
    get {
      Native.dl_tensor_dtype(Handle, out int d); GC.KeepAlive(this);
      return (DType)d;
    }
  }
  /// <summary>The elements as float32 (converted when the tensor has another dtype).</summary>
  public float[] ToFloatArray() {
    using (Tensor t = As(DType.Float32)) {
      var a = new float[t.Numel];
      Native.dl_binding_copy_to_float32(t.Handle, a, a.LongLength); GC.KeepAlive(t);
      return a;
    }
  }
  public double[] ToDoubleArray() {
    using (Tensor t = As(DType.Float64)) {
      var a = new double[t.Numel];
      Native.dl_binding_copy_to_float64(t.Handle, a, a.LongLength); GC.KeepAlive(t);
      return a;
    }
  }
  public long[] ToLongArray() {
    using (Tensor t = As(DType.Int64)) {
      var a = new long[t.Numel];
      Native.dl_binding_copy_to_int64(t.Handle, a, a.LongLength); GC.KeepAlive(t);
      return a;
    }
  }
  /// <summary>This tensor's own handle when it already has dtype, else a converted copy; the caller disposes it.</summary>
  Tensor As(DType dtype) { return DType == dtype ? Ref(Handle) : To(dtype); }
  /// <summary>The value of a one-element tensor.</summary>
  public double Item() {
    Native.dl_tensor_item(Handle, out double v); GC.KeepAlive(this);
    return v;
  }
  /// <summary>Overwrites the (float32) elements in place, not recorded by autograd.</summary>
  public void CopyFrom(float[] data) { Native.dl_binding_copy_from_float32(Handle, data, Length(data)); GC.KeepAlive(this); }
  public Tensor To(DType dtype) { return Alive(new Tensor(Native.dl_tensor_to_dtype(Handle, (int)dtype)), this); }

  // ---- autograd ----
  /// <summary>Turns gradient recording for this tensor on or off; returns this tensor.</summary>
  public Tensor SetRequiresGrad(bool on = true) {
    Native.dl_tensor_set_requires_grad(Handle, on ? 1 : 0); GC.KeepAlive(this);
    return this;
  }
  public bool RequiresGrad {
    get {
      Native.dl_tensor_requires_grad(Handle, out int on); GC.KeepAlive(this);
      return on != 0;
    }
  }
  public bool IsLeaf {
    get {
      Native.dl_tensor_is_leaf(Handle, out int on); GC.KeepAlive(this);
      return on != 0;
    }
  }
  /// <summary>The accumulated gradient (a new tensor), or null when there is none yet.</summary>
  public Tensor Grad() {
    long g = Native.dl_tensor_grad(Handle); GC.KeepAlive(this);
    return g == 0 ? null : new Tensor(g);
  }
  /// <summary>Drops the gradient (PyTorch's set_to_none).</summary>
  public void ZeroGrad() { Native.dl_tensor_zero_grad(Handle); GC.KeepAlive(this); }
  /// <summary>Backpropagates from this one-element tensor, or with grad of its shape.</summary>
  public void Backward(Tensor grad = null, bool retainGraph = false) { Native.dl_tensor_backward_ex(Handle, H(grad), retainGraph ? 1 : 0); GC.KeepAlive(this); GC.KeepAlive(grad); }
  public Tensor Detach() { return Alive(new Tensor(Native.dl_tensor_detach(Handle)), this); }

  // ---- ops (broadcasting as PyTorch) ----
  public Tensor Add(Tensor o) { return Alive(new Tensor(Native.dl_add(Handle, H(o))), this, o); }
  public Tensor Sub(Tensor o) { return Alive(new Tensor(Native.dl_sub(Handle, H(o))), this, o); }
  public Tensor Mul(Tensor o) { return Alive(new Tensor(Native.dl_mul(Handle, H(o))), this, o); }
  public Tensor Div(Tensor o) { return Alive(new Tensor(Native.dl_div(Handle, H(o))), this, o); }
  public Tensor Pow(Tensor o) { return Alive(new Tensor(Native.dl_pow(Handle, H(o))), this, o); }
  public Tensor Maximum(Tensor o) { return Alive(new Tensor(Native.dl_maximum(Handle, H(o))), this, o); }
  public Tensor Minimum(Tensor o) { return Alive(new Tensor(Native.dl_minimum(Handle, H(o))), this, o); }
  public Tensor Eq(Tensor o) { return Alive(new Tensor(Native.dl_eq(Handle, H(o))), this, o); }
  public Tensor Ne(Tensor o) { return Alive(new Tensor(Native.dl_ne(Handle, H(o))), this, o); }
  public Tensor Lt(Tensor o) { return Alive(new Tensor(Native.dl_lt(Handle, H(o))), this, o); }
  public Tensor Le(Tensor o) { return Alive(new Tensor(Native.dl_le(Handle, H(o))), this, o); }
  public Tensor Gt(Tensor o) { return Alive(new Tensor(Native.dl_gt(Handle, H(o))), this, o); }
  public Tensor Ge(Tensor o) { return Alive(new Tensor(Native.dl_ge(Handle, H(o))), this, o); }
  public Tensor Add(double s) { return Alive(new Tensor(Native.dl_add_scalar(Handle, s)), this); }
  public Tensor Sub(double s) { return Alive(new Tensor(Native.dl_sub_scalar(Handle, s)), this); }
  public Tensor Mul(double s) { return Alive(new Tensor(Native.dl_mul_scalar(Handle, s)), this); }
  public Tensor Div(double s) { return Alive(new Tensor(Native.dl_div_scalar(Handle, s)), this); }
  public Tensor Pow(double s) { return Alive(new Tensor(Native.dl_pow_scalar(Handle, s)), this); }
  public Tensor Neg() { return Alive(new Tensor(Native.dl_neg(Handle)), this); }
  public Tensor Abs() { return Alive(new Tensor(Native.dl_abs(Handle)), this); }
  public Tensor Exp() { return Alive(new Tensor(Native.dl_exp(Handle)), this); }
  public Tensor Log() { return Alive(new Tensor(Native.dl_log(Handle)), this); }
  public Tensor Sqrt() { return Alive(new Tensor(Native.dl_sqrt(Handle)), this); }
  public Tensor Relu() { return Alive(new Tensor(Native.dl_relu(Handle)), this); }
  public Tensor Sigmoid() { return Alive(new Tensor(Native.dl_sigmoid(Handle)), this); }
  public Tensor Tanh() { return Alive(new Tensor(Native.dl_tanh(Handle)), this); }
  public Tensor Clamp(double min, double max) { return Alive(new Tensor(Native.dl_clamp(Handle, min, max)), this); }
  /// <summary>cond ? this : other, elementwise.</summary>
  public Tensor Where(Tensor cond, Tensor other) { return Alive(new Tensor(Native.dl_where(H(cond), Handle, H(other))), cond, this, other); }
  /// <summary>Sum over dims (none: all), keeping them as size 1 when keepdim.</summary>
  public Tensor Sum(bool keepdim = false, params long[] dims) { return Alive(new Tensor(Native.dl_sum(Handle, dims, dims.Length, keepdim ? 1 : 0)), this); }
  public Tensor Mean(bool keepdim = false, params long[] dims) { return Alive(new Tensor(Native.dl_mean(Handle, dims, dims.Length, keepdim ? 1 : 0)), this); }
  public Tensor Amax(bool keepdim = false, params long[] dims) { return Alive(new Tensor(Native.dl_amax(Handle, dims, dims.Length, keepdim ? 1 : 0)), this); }
  public Tensor Amin(bool keepdim = false, params long[] dims) { return Alive(new Tensor(Native.dl_amin(Handle, dims, dims.Length, keepdim ? 1 : 0)), this); }
  public Tensor Argmax(long dim, bool keepdim = false) { return Alive(new Tensor(Native.dl_argmax(Handle, dim, keepdim ? 1 : 0)), this); }
  public Tensor Matmul(Tensor o) { return Alive(new Tensor(Native.dl_matmul(Handle, H(o))), this, o); }
  public Tensor Softmax(long dim) { return Alive(new Tensor(Native.dl_softmax(Handle, dim)), this); }
  public Tensor LogSoftmax(long dim) { return Alive(new Tensor(Native.dl_log_softmax(Handle, dim)), this); }
  public Tensor Reshape(params long[] shape) { return Alive(new Tensor(Native.dl_reshape(Handle, shape, shape.Length)), this); }
  public Tensor View(params long[] shape) { return Alive(new Tensor(Native.dl_view(Handle, shape, shape.Length)), this); }
  public Tensor Transpose(long dim0, long dim1) { return Alive(new Tensor(Native.dl_transpose(Handle, dim0, dim1)), this); }
  public Tensor Permute(params long[] dims) { return Alive(new Tensor(Native.dl_permute(Handle, dims, dims.Length)), this); }
  public Tensor Flatten(long startDim = 0, long endDim = -1) { return Alive(new Tensor(Native.dl_flatten(Handle, startDim, endDim)), this); }
  public Tensor Narrow(long dim, long start, long length) { return Alive(new Tensor(Native.dl_narrow(Handle, dim, start, length)), this); }
  public Tensor Select(long dim, long index) { return Alive(new Tensor(Native.dl_select(Handle, dim, index)), this); }
  public Tensor Squeeze(long dim) { return Alive(new Tensor(Native.dl_squeeze(Handle, dim)), this); }
  public Tensor Unsqueeze(long dim) { return Alive(new Tensor(Native.dl_unsqueeze(Handle, dim)), this); }
  public Tensor Contiguous() { return Alive(new Tensor(Native.dl_contiguous(Handle)), this); }
  public Tensor Clone() { return Alive(new Tensor(Native.dl_clone(Handle)), this); }

  public static Tensor operator +(Tensor a, Tensor b) { return a.Add(b); }
  public static Tensor operator -(Tensor a, Tensor b) { return a.Sub(b); }
  public static Tensor operator *(Tensor a, Tensor b) { return a.Mul(b); }
  public static Tensor operator /(Tensor a, Tensor b) { return a.Div(b); }
  public static Tensor operator +(Tensor a, double s) { return a.Add(s); }
  public static Tensor operator -(Tensor a, double s) { return a.Sub(s); }
  public static Tensor operator *(Tensor a, double s) { return a.Mul(s); }
  public static Tensor operator /(Tensor a, double s) { return a.Div(s); }
  public static Tensor operator -(Tensor a) { return a.Neg(); }

  public override string ToString() {
    if (IsDisposed) return "Tensor(disposed)";
    return "Tensor(shape=[" + string.Join(", ", Shape) + "], dtype=" + DType + ")";
  }
}

}
