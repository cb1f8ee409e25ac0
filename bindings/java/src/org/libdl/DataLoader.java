package org.libdl;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Batches of a dataset, as torch.utils.data.DataLoader; each iteration is one epoch
 * (reshuffled when shuffling): {@code for (DataLoader.Batch b : loader) try (b) { ... }}.
 */
public final class DataLoader implements AutoCloseable, Iterable<DataLoader.Batch> {
  /** A batch is an example of stacked examples: x [B, ...] and y [B, ...]. */
  public static final class Batch extends Dataset.Example {
    Batch(Tensor[] xy) { super(xy[0], xy[1]); }
  }

  private long handle;
  private final Dataset dataset;

  public DataLoader(Dataset ds, LoaderOptions o) {
    handle = Native.dl_loader_new(ds.handle(), o);
    dataset = ds;
  }

  /** batchSize, shuffled with seed when shuffle, numWorkers threads preparing batches ahead. */
  public DataLoader(Dataset ds, long batchSize, boolean shuffle, long seed, int numWorkers) {
    this(ds, options(batchSize, shuffle, seed, numWorkers));
  }

  private static LoaderOptions options(long batchSize, boolean shuffle, long seed, int numWorkers) {
    LoaderOptions o = new LoaderOptions();
    o.setBatchSize(batchSize);
    o.setShuffle(shuffle ? 1 : 0);
    o.setSeed(seed);
    o.setNumWorkers(numWorkers);
    return o;
  }

  long handle() {
    if (handle == 0) throw new IllegalStateException("DataLoader: used after close()");
    return handle;
  }

  /** The next batch of this epoch, or null at its end (the next call starts a new epoch). */
  public Batch next() {
    long[] x = new long[1], y = new long[1];
    try {
      Native.dl_loader_next(handle(), x, y);
    } catch (DlException e) {
      throw dataset.failure(e);
    }
    return x[0] == 0 ? null : new Batch(Tensor.together(x[0], y[0]));
  }

  public long numBatches() {
    long[] n = new long[1];
    Native.dl_loader_num_batches(handle(), n);
    return n[0];
  }

  /** One epoch's batches. */
  @Override public Iterator<Batch> iterator() {
    return new Iterator<Batch>() {
      private Batch next;
      private boolean fetched;

      @Override public boolean hasNext() {
        if (!fetched) {
          next = DataLoader.this.next();
          fetched = true;
        }
        return next != null;
      }

      @Override public Batch next() {
        if (!hasNext()) throw new NoSuchElementException();
        fetched = false;
        return next;
      }
    };
  }

  @Override public void close() {
    if (handle != 0) Native.dl_loader_free(handle);
    handle = 0;
  }
}
