package org.libdl;

/** Library-wide settings: seeding, threads, grad mode, version. */
public final class Dl {
  private Dl() {}

  /** Seeds the global generator (initialization, rand, dropout, shuffling). */
  public static void manualSeed(long seed) { Native.dl_manual_seed(seed); }

  public static void setNumThreads(int n) { Native.dl_set_num_threads(n); }

  public static int getNumThreads() {
    int[] n = new int[1];
    Native.dl_get_num_threads(n);
    return n[0];
  }

  public static String version() { return Native.dl_version(); }

  /** What computes matrix products ("OpenBLAS core SkylakeX ..."). */
  public static String blasInfo() { return Native.dl_blas_info(); }

  public static boolean isGradEnabled() {
    int[] on = new int[1];
    Native.dl_is_grad_enabled(on);
    return on[0] != 0;
  }

  /** torch.no_grad() on this thread until close(): {@code try (var g = Dl.noGrad()) { ... }}. */
  public static AutoCloseable noGrad() {
    int[] previous = new int[1];
    Native.dl_set_grad_enabled(0, previous);
    return new GradMode(previous[0]);
  }

  /** Restores the grad mode that was on before {@link #noGrad}. */
  public static final class GradMode implements AutoCloseable {
    private final int previous;

    private GradMode(int previous) { this.previous = previous; }

    @Override public void close() { Native.dl_set_grad_enabled(previous, null); }
  }
}
