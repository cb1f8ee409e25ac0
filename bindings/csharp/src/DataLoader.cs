using System;
using System.Collections;
using System.Collections.Generic;

namespace LibDl {

/// <summary>
/// Batches of a dataset, as torch.utils.data.DataLoader; each enumeration is one epoch
/// (reshuffled when shuffling): <c>foreach (var b in loader) using (b) { ... }</c>.
/// </summary>
public sealed class DataLoader : NativeObject, IEnumerable<DataLoader.Batch> {
  /// <summary>A batch is an example of stacked examples: X [B, ...] and Y [B, ...].</summary>
  public sealed class Batch : Dataset.Example {
    internal Batch(Tensor x, Tensor y) : base(x, y) {}
  }

  readonly Dataset dataset;

  public DataLoader(Dataset ds, LoaderOptions o) : base(Native.dl_loader_new(H(ds), o)) { GC.KeepAlive(ds); dataset = ds; }

  /// <summary>batchSize, shuffled with seed when shuffle, numWorkers threads preparing batches ahead.</summary>
  public DataLoader(Dataset ds, long batchSize, bool shuffle = false, ulong seed = 0, int numWorkers = 0, bool dropLast = false)
      : base(WithOptions(new LoaderOptions { BatchSize = batchSize, Shuffle = shuffle ? 1 : 0, Seed = seed, NumWorkers = numWorkers,
                                             DropLast = dropLast ? 1 : 0 },
                         o => Native.dl_loader_new(H(ds), o))) {
    dataset = ds;
  }

  /// <summary>The next batch of this epoch, or null at its end (the next call starts a new epoch).</summary>
  public Batch Next() {
    long x, y;
    try {
      Native.dl_loader_next(Handle, out x, out y); GC.KeepAlive(this);
    } catch (DlException) {
      dataset.ThrowWorkerFailure();
      throw;
    }
    return x == 0 ? null : new Batch(new Tensor(x), new Tensor(y));
  }

  public long NumBatches {
    get {
      Native.dl_loader_num_batches(Handle, out long n); GC.KeepAlive(this);
      return n;
    }
  }

  /// <summary>The rest of this epoch's batches (a whole epoch when the last one ended).</summary>
  public IEnumerator<Batch> GetEnumerator() {
    for (Batch b = Next(); b != null; b = Next()) yield return b;
  }

  IEnumerator IEnumerable.GetEnumerator() { return GetEnumerator(); }

  internal override void Free(long h) { Native.dl_loader_free(h); }
}

}
