using System;

namespace LibDl {

/// <summary>
/// An optimizer over a module's parameters, as torch.optim: <c>new Optimizer.SGD(net, 0.01, 0.9)</c>.
/// Every option is in the kind's options class (<see cref="SgdOptions"/>, <see cref="AdamOptions"/>, ...),
/// which starts from PyTorch's defaults: <c>new SgdOptions { Lr = 0.01, Nesterov = 1 }</c>.
/// </summary>
public class Optimizer : NativeObject {
  Optimizer(long handle) : base(handle) {}

  /// <summary>Drops every parameter's gradient (set_to_none).</summary>
  public void ZeroGrad() { Native.dl_optimizer_zero_grad(Handle); GC.KeepAlive(this); }
  /// <summary>One update of every parameter that has a gradient; all or nothing.</summary>
  public void Step() { Native.dl_optimizer_step(Handle); GC.KeepAlive(this); }
  public double Lr {
    get {
      Native.dl_optimizer_get_lr(Handle, out double lr); GC.KeepAlive(this);
      return lr;
    }
    set { Native.dl_optimizer_set_lr(Handle, value); GC.KeepAlive(this); }
  }

  internal override void Free(long h) { Native.dl_optimizer_free(h); }

  public sealed class SGD : Optimizer {
    public SGD(Module m, double lr, double momentum = 0)
        : base(WithOptions(new SgdOptions { Lr = lr, Momentum = momentum }, o => Native.dl_sgd_new(H(m), o))) {}
    public SGD(Module m, SgdOptions o) : base(Native.dl_sgd_new(H(m), o)) { GC.KeepAlive(m); }
  }

  public sealed class Adam : Optimizer {
    public Adam(Module m, double lr = 1e-3) : base(WithOptions(new AdamOptions { Lr = lr }, o => Native.dl_adam_new(H(m), o))) {}
    public Adam(Module m, AdamOptions o) : base(Native.dl_adam_new(H(m), o)) { GC.KeepAlive(m); }
  }

  /// <summary>Adam with decoupled weight decay (default 1e-2).</summary>
  public sealed class AdamW : Optimizer {
    public AdamW(Module m, double lr = 1e-3) : base(WithOptions(Defaults(), o => {
      o.Lr = lr;
      return Alive(Native.dl_adamw_new(H(m), o), m);
    })) {}
    /// <summary>o from <see cref="Defaults"/> has AdamW's weight decay.</summary>
    public AdamW(Module m, AdamOptions o) : base(Native.dl_adamw_new(H(m), o)) { GC.KeepAlive(m); }
    public static AdamOptions Defaults() { return Native.dl_adamw_defaults(); }
  }

  public sealed class RMSprop : Optimizer {
    public RMSprop(Module m, double lr = 1e-2) : base(WithOptions(new RmspropOptions { Lr = lr }, o => Native.dl_rmsprop_new(H(m), o))) {}
    public RMSprop(Module m, RmspropOptions o) : base(Native.dl_rmsprop_new(H(m), o)) { GC.KeepAlive(m); }
  }

  public sealed class Adagrad : Optimizer {
    public Adagrad(Module m, double lr = 1e-2) : base(WithOptions(new AdagradOptions { Lr = lr }, o => Native.dl_adagrad_new(H(m), o))) {}
    public Adagrad(Module m, AdagradOptions o) : base(Native.dl_adagrad_new(H(m), o)) { GC.KeepAlive(m); }
  }

  /// <summary>Scales all gradients so their joint 2-norm is at most maxNorm; returns the norm before.</summary>
  public static double ClipGradNorm(Module m, double maxNorm) {
    Native.dl_clip_grad_norm(H(m), maxNorm, 2.0, out double total); GC.KeepAlive(m);
    return total;
  }
  public static void ClipGradValue(Module m, double clip) { Native.dl_clip_grad_value(H(m), clip); GC.KeepAlive(m); }
}

}
