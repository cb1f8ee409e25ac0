package org.libdl;

/**
 * A dataset of (x, y) examples, as torch.utils.data.Dataset: Fashion-MNIST / MNIST and
 * CIFAR-10 files, tensors, or your own by overriding {@link #get}:
 * <pre>{@code
 * Dataset squares = new Dataset(100) {
 *   @Override public Example get(long i) { return new Example(Tensor.of(new float[] {i}, 1), Tensor.of(new float[] {i * i}, 1)); }
 * };
 * }</pre>
 * A loader with workers calls get from several threads at once.
 */
public class Dataset implements AutoCloseable {
  /** One example; close() releases both tensors. */
  public static class Example implements AutoCloseable {
    public final Tensor x, y;

    public Example(Tensor x, Tensor y) {
      this.x = x;
      this.y = y;
    }

    @Override public void close() {
      x.close();
      y.close();
    }
  }

  private long handle;
  /** An exception a get() on a loader's worker thread threw (NOTE [binding callbacks]). */
  volatile RuntimeException workerFailure;
  /** The user dataset this one reads (itself, or the source of a Normalize), for workerFailure. */
  private final Dataset source;

  Dataset(long handle, Dataset source) {
    this.handle = handle;
    this.source = source;
  }

  /** A user dataset of size examples, read with {@link #get}. */
  protected Dataset(long size) {
    source = this;
    GetItemCallback cb = new GetItemCallback() {
      @Override public int get_item(long index, long xSlot, long ySlot) {
        try (Example e = get(index)) {
          Native.dl_binding_put_handle(xSlot, Native.dl_tensor_ref(e.x.handle()));
          Native.dl_binding_put_handle(ySlot, Native.dl_tensor_ref(e.y.handle()));
          return 0;
        } catch (Throwable t) {
          RuntimeException e = Callbacks.unchecked(t);
          workerFailure = e;  // the calling thread may be a loader's worker: kept on the dataset
          return Callbacks.status(e);
        }
      }
    };
    try {
      handle = Native.dl_binding_dataset_new(size, cb);
    } catch (DlException e) {
      cb.delete();
      throw e;
    }
    cb.swigReleaseOwnership();  // libdl owns the director now
  }

  /** Example index of a user dataset (the tensors are new; the caller closes them). */
  public Example get(long index) {
    long[] x = new long[1], y = new long[1];
    try {
      Native.dl_dataset_get(handle(), index, x, y);
    } catch (DlException e) {
      throw failure(e);
    }
    return new Example(new Tensor(x[0]), new Tensor(y[0]));
  }

  /** The exception behind e: a user get()'s own, when it threw. */
  RuntimeException failure(DlException e) {
    RuntimeException own = source == null ? null : source.workerFailure;
    if (own != null) {
      source.workerFailure = null;
      return own;
    }
    return e;
  }

  long handle() {
    if (handle == 0) throw new IllegalStateException("Dataset: used after close()");
    return handle;
  }

  public long size() {
    long[] n = new long[1];
    Native.dl_dataset_size(handle(), n);
    return n[0];
  }

  /** MNIST-format IDX files in dir (null: Debian's Fashion-MNIST), images (1, 28, 28) in [0, 1]. */
  public static Dataset mnist(String dir, boolean train) { return new Dataset(Native.dl_dataset_mnist(dir, train ? 1 : 0), null); }
  /** CIFAR-10 binary files in dir, images (3, 32, 32). */
  public static Dataset cifar10(String dir, boolean train) { return new Dataset(Native.dl_dataset_cifar10(dir, train ? 1 : 0), null); }
  /** The rows of x and y (TensorDataset). */
  public static Dataset fromTensors(Tensor x, Tensor y) {
    Dataset d = new Dataset(Native.dl_dataset_from_tensors(x.handle(), y.handle()), null);
    Tensor.reachable(x, y);
    return d;
  }
  /** transforms.Normalize(mean, std) per channel over this dataset's inputs. */
  public Dataset normalize(float[] mean, float[] std) {
    if (mean.length != std.length) throw new IllegalArgumentException("Dataset.normalize: mean and std differ in length");
    return new Dataset(Native.dl_dataset_normalize(handle(), mean, std, mean.length), source);
  }

  @Override public void close() {
    if (handle != 0) Native.dl_dataset_free(handle);
    handle = 0;
  }
}
