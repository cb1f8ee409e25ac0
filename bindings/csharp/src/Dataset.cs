using System;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace LibDl {

/// <summary>
/// A dataset of (x, y) examples, as torch.utils.data.Dataset: Fashion-MNIST / MNIST and CIFAR-10
/// files, tensors, or your own by deriving from it and overriding <see cref="Get"/>:
/// <code>
/// class Squares : Dataset {
///   public Squares() : base(100) {}
///   public override Example Get(long i) { return new Example(Tensor.From(new float[] {i}, 1), Tensor.From(new float[] {i * i}, 1)); }
/// }
/// </code>
/// A loader with workers calls Get from several threads at once.
/// </summary>
public class Dataset : NativeObject {
  /// <summary>One example; Dispose releases both tensors.</summary>
  public class Example : IDisposable {
    public Tensor X { get; }
    public Tensor Y { get; }

    public Example(Tensor x, Tensor y) {
      X = x;
      Y = y;
    }

    public void Dispose() {
      X.Dispose();
      Y.Dispose();
    }
  }

  /// <summary>An exception a Get on a loader's worker thread threw (NOTE [binding callbacks]).</summary>
  volatile Exception workerFailure;
  /// <summary>The user dataset this one reads (itself, or the source of a Normalize), for workerFailure.</summary>
  readonly Dataset source;

  Dataset(long handle, Dataset source) : base(handle) { this.source = source; }

  /// <summary>A user dataset of size examples, read with <see cref="Get"/>.</summary>
  protected Dataset(long size) : base(0) {
    if (GetType().GetMethod("Get", new[] { typeof(long) }).DeclaringType == typeof(Dataset))
      throw new InvalidOperationException(GetType().Name + ": a custom Dataset must override Get");
    source = this;
    var cb = new ItemDirector(this);
    try {
      Adopt(Native.dl_binding_dataset_new(size, cb));
    } catch (DlException) {
      cb.Dispose();
      throw;
    }
    cb.GiveToLibdl();
  }

  /// <summary>The director libdl calls for a user dataset's examples, on a loader's worker threads too.</summary>
  sealed class ItemDirector : GetItemCallback {
    readonly Dataset dataset;
    GCHandle root;

    internal ItemDirector(Dataset dataset) { this.dataset = dataset; }

    internal void GiveToLibdl() {
      root = GCHandle.Alloc(this);
      swigRelease(this);
    }

    public override int get_item(long index, long xSlot, long ySlot) {
      try {
        using (Example e = dataset.Get(index)) {
          long x = Native.dl_tensor_ref(H(e.X)); GC.KeepAlive(e.X);
          long y;
          try {
            y = Native.dl_tensor_ref(H(e.Y)); GC.KeepAlive(e.Y);
          } catch {
            Native.dl_tensor_free(x);
            throw;
          }
          Native.dl_binding_put_handle(xSlot, x);  // libdl takes these handles
          Native.dl_binding_put_handle(ySlot, y);
          return 0;
        }
      } catch (Exception e) {
        dataset.workerFailure = e;  // the calling thread may be a loader's worker: kept on the dataset
        return Callbacks.StatusOf(e);
      }
    }

    public override void released() { root.Free(); }
  }

  /// <summary>Example index (new tensors: the caller disposes them). A user dataset overrides it.</summary>
  public virtual Example Get(long index) {
    long x, y;
    try {
      Native.dl_dataset_get(Handle, index, out x, out y); GC.KeepAlive(this);
    } catch (DlException) {
      ThrowWorkerFailure();
      throw;
    }
    return new Example(new Tensor(x), new Tensor(y));
  }

  /// <summary>Throws, with its own stack trace, what a user Get threw during the call that just failed.</summary>
  internal void ThrowWorkerFailure() {
    if (source == null) return;
    Exception own = source.workerFailure;
    source.workerFailure = null;
    if (own != null) ExceptionDispatchInfo.Capture(own).Throw();
  }

  public long Size {
    get {
      Native.dl_dataset_size(Handle, out long n); GC.KeepAlive(this);
      return n;
    }
  }

  /// <summary>MNIST-format IDX files in dir (null: Debian's Fashion-MNIST), images (1, 28, 28) in [0, 1].</summary>
  public static Dataset Mnist(string dir, bool train) { return new Dataset(Native.dl_dataset_mnist(dir, train ? 1 : 0), null); }
  /// <summary>CIFAR-10 binary files in dir, images (3, 32, 32).</summary>
  public static Dataset Cifar10(string dir, bool train) { return new Dataset(Native.dl_dataset_cifar10(dir, train ? 1 : 0), null); }
  /// <summary>The rows of x and y (TensorDataset).</summary>
  public static Dataset FromTensors(Tensor x, Tensor y) {
    return Alive(new Dataset(Native.dl_dataset_from_tensors(H(x), H(y)), null), x, y);
  }
  /// <summary>transforms.Normalize(mean, std) per channel over this dataset's inputs.</summary>
  public Dataset Normalize(float[] mean, float[] std) {
    if (mean == null || std == null || mean.Length != std.Length)
      throw new ArgumentException("Dataset.Normalize: mean and std must be arrays of one length");
    return Alive(new Dataset(Native.dl_dataset_normalize(Handle, mean, std, mean.Length), source), this);
  }

  internal override void Free(long h) { Native.dl_dataset_free(h); }
}

}
