using System;

namespace LibDl {

/// <summary>
/// An optimizer over a module's parameters, as torch.optim: <c>new Optimizer.SGD(net, 0.01, 0.9)</c>.
/// Every option is in the kind's options class (<see cref="SgdOptions"/>, <see cref="AdamOptions"/>, ...),
/// which starts from PyTorch's defaults: <c>new SgdOptions { Lr = 0.01, Nesterov = 1 }</c>.
/// </summary>
public class Optimizer : IDisposable {
  long handle;

  Optimizer(long handle) { this.handle = handle; }

  internal long Handle {
    get {
      long h = handle;
      if (h == 0) throw new ObjectDisposedException("Optimizer", "Optimizer: used after Dispose()");
      return h;
    }
  }

  /// <summary>Drops every parameter's gradient (set_to_none).</summary>
  public void ZeroGrad() { Native.dl_optimizer_zero_grad(Handle); }
  /// <summary>One update of every parameter that has a gradient; all or nothing.</summary>
  public void Step() { Native.dl_optimizer_step(Handle); }
  public double Lr {
    get {
      Native.dl_optimizer_get_lr(Handle, out double lr);
      return lr;
    }
    set { Native.dl_optimizer_set_lr(Handle, value); }
  }

  ~Optimizer() {
    if (!Environment.HasShutdownStarted) Release();  // NOTE [finalizers at exit] (Callbacks.cs)
  }

  void Release() {
    long h = System.Threading.Interlocked.Exchange(ref handle, 0);
    if (h != 0) Native.dl_optimizer_free(h);
  }

  public void Dispose() {
    Release();
    GC.SuppressFinalize(this);
  }

  public sealed class SGD : Optimizer {
    public SGD(Module m, double lr, double momentum = 0) : base(New(m, lr, momentum)) {}
    public SGD(Module m, SgdOptions o) : base(Native.dl_sgd_new(m.Handle, o)) {}
    static long New(Module m, double lr, double momentum) {
      using (var o = new SgdOptions { Lr = lr, Momentum = momentum }) return Native.dl_sgd_new(m.Handle, o);
    }
  }

  public sealed class Adam : Optimizer {
    public Adam(Module m, double lr = 1e-3) : base(New(m, lr)) {}
    public Adam(Module m, AdamOptions o) : base(Native.dl_adam_new(m.Handle, o)) {}
    static long New(Module m, double lr) {
      using (var o = new AdamOptions { Lr = lr }) return Native.dl_adam_new(m.Handle, o);
    }
  }

  /// <summary>Adam with decoupled weight decay (default 1e-2).</summary>
  public sealed class AdamW : Optimizer {
    public AdamW(Module m, double lr = 1e-3) : base(New(m, lr)) {}
    /// <summary>o from <see cref="Defaults"/> has AdamW's weight decay.</summary>
    public AdamW(Module m, AdamOptions o) : base(Native.dl_adamw_new(m.Handle, o)) {}
    public static AdamOptions Defaults() { return Native.dl_adamw_defaults(); }
    static long New(Module m, double lr) {
      using (AdamOptions o = Defaults()) {
        o.Lr = lr;
        return Native.dl_adamw_new(m.Handle, o);
      }
    }
  }

  public sealed class RMSprop : Optimizer {
    public RMSprop(Module m, double lr = 1e-2) : base(New(m, lr)) {}
    public RMSprop(Module m, RmspropOptions o) : base(Native.dl_rmsprop_new(m.Handle, o)) {}
    static long New(Module m, double lr) {
      using (var o = new RmspropOptions { Lr = lr }) return Native.dl_rmsprop_new(m.Handle, o);
    }
  }

  public sealed class Adagrad : Optimizer {
    public Adagrad(Module m, double lr = 1e-2) : base(New(m, lr)) {}
    public Adagrad(Module m, AdagradOptions o) : base(Native.dl_adagrad_new(m.Handle, o)) {}
    static long New(Module m, double lr) {
      using (var o = new AdagradOptions { Lr = lr }) return Native.dl_adagrad_new(m.Handle, o);
    }
  }

  /// <summary>Scales all gradients so their joint 2-norm is at most maxNorm; returns the norm before.</summary>
  public static double ClipGradNorm(Module m, double maxNorm) {
    Native.dl_clip_grad_norm(m.Handle, maxNorm, 2.0, out double total);
    return total;
  }
  public static void ClipGradValue(Module m, double clip) { Native.dl_clip_grad_value(m.Handle, clip); }
}

}
