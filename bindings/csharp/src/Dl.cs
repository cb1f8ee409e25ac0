using System;

namespace LibDl {

/// <summary>Library-wide settings: seeding, threads, grad mode, version.</summary>
public static class Dl {
  /// <summary>Seeds the global generator (initialization, rand, dropout, shuffling).</summary>
  public static void ManualSeed(ulong seed) { Native.dl_manual_seed(seed); }

  /// <summary>The threads CPU kernels and large matrix products use.</summary>
  public static int NumThreads {
    get {
      Native.dl_get_num_threads(out int n);
      return n;
    }
    set { Native.dl_set_num_threads(value); }
  }

  public static string Version { get { return Native.dl_version(); } }

  /// <summary>What computes matrix products ("OpenBLAS core SkylakeX ...").</summary>
  public static string BlasInfo { get { return Native.dl_blas_info(); } }

  public static bool IsGradEnabled {
    get {
      Native.dl_is_grad_enabled(out int on);
      return on != 0;
    }
  }

  /// <summary>torch.no_grad() on this thread until disposed: <c>using (Dl.NoGrad()) { ... }</c>.</summary>
  public static IDisposable NoGrad() {
    Native.dl_set_grad_enabled(0, out int previous);
    return new GradMode(previous);
  }

  /// <summary>Restores the grad mode that was on before <see cref="NoGrad"/>.</summary>
  sealed class GradMode : IDisposable {
    readonly int previous;
    bool restored;

    internal GradMode(int previous) { this.previous = previous; }

    public void Dispose() {
      if (restored) return;
      restored = true;
      Native.dl_set_grad_enabled(previous, out int _);
    }
  }
}

}
