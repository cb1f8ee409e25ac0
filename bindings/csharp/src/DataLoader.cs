using System;
using System.Collections;
using System.Collections.Generic;

namespace LibDl {

/// <summary>
/// Batches of a dataset, as torch.utils.data.DataLoader; each enumeration is one epoch
/// (reshuffled when shuffling): <c>foreach (var b in loader) using (b) { ... }</c>.
/// </summary>
public sealed class DataLoader : IDisposable, IEnumerable<DataLoader.Batch> {
  /// <summary>A batch is an example of stacked examples: X [B, ...] and Y [B, ...].</summary>
  public sealed class Batch : Dataset.Example {
    internal Batch(Tensor x, Tensor y) : base(x, y) {}
  }

  long handle;
  readonly Dataset dataset;

  public DataLoader(Dataset ds, LoaderOptions o) {
    handle = Native.dl_loader_new(ds.Handle, o);
    dataset = ds;
  }

  /// <summary>batchSize, shuffled with seed when shuffle, numWorkers threads preparing batches ahead.</summary>
  public DataLoader(Dataset ds, long batchSize, bool shuffle = false, ulong seed = 0, int numWorkers = 0, bool dropLast = false) {
    using (var o = new LoaderOptions { BatchSize = batchSize, Shuffle = shuffle ? 1 : 0, Seed = seed, NumWorkers = numWorkers,
                                       DropLast = dropLast ? 1 : 0 })
      handle = Native.dl_loader_new(ds.Handle, o);
    dataset = ds;
  }

  internal long Handle {
    get {
      long h = handle;
      if (h == 0) throw new ObjectDisposedException("DataLoader", "DataLoader: used after Dispose()");
      return h;
    }
  }

  /// <summary>The next batch of this epoch, or null at its end (the next call starts a new epoch).</summary>
  public Batch Next() {
    long x, y;
    try {
      Native.dl_loader_next(Handle, out x, out y);
    } catch (DlException) {
      dataset.ThrowWorkerFailure();
      throw;
    }
    return x == 0 ? null : new Batch(new Tensor(x), new Tensor(y));
  }

  public long NumBatches {
    get {
      Native.dl_loader_num_batches(Handle, out long n);
      return n;
    }
  }

  /// <summary>The rest of this epoch's batches (a whole epoch when the last one ended).</summary>
  public IEnumerator<Batch> GetEnumerator() {
    for (Batch b = Next(); b != null; b = Next()) yield return b;
  }

  IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }

  ~DataLoader() {
    if (!Environment.HasShutdownStarted) Release();  // NOTE [finalizers at exit] (Callbacks.cs)
  }

  void Release() {
    long h = System.Threading.Interlocked.Exchange(ref handle, 0);
    if (h != 0) Native.dl_loader_free(h);
  }

  public void Dispose() {
    Release();
    GC.SuppressFinalize(this);
  }
}

}
