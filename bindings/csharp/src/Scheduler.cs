using System;
using System.Runtime.InteropServices;

namespace LibDl {

/// <summary>
/// An LR scheduler, as torch.optim.lr_scheduler: creating one applies epoch 0; call
/// <see cref="Step()"/> after each epoch. <c>new Scheduler.LambdaLR(opt, epoch => Math.Pow(0.95, epoch))</c>.
/// </summary>
public class Scheduler : NativeObject {
  Scheduler(long handle) : base(handle) {}

  /// <summary>Advances one epoch (ReduceLROnPlateau steps with <see cref="Step(double)"/>).</summary>
  public void Step() {
    try {
      Native.dl_scheduler_step(Handle); GC.KeepAlive(this);
    } catch (DlException) {
      Callbacks.ThrowPending();
      throw;
    }
  }
  /// <summary>ReduceLROnPlateau: advances one epoch given the metric (validation loss ...).</summary>
  public void Step(double metric) { Native.dl_scheduler_step_metric(Handle, metric); GC.KeepAlive(this); }
  /// <summary>The lr the last step set (get_last_lr()[0]).</summary>
  public double LastLr {
    get {
      Native.dl_scheduler_get_last_lr(Handle, out double lr); GC.KeepAlive(this);
      return lr;
    }
  }

  internal override void Free(long h) { Native.dl_scheduler_free(h); }

  /// <summary>lr = base_lr * gamma^(epoch / stepSize).</summary>
  public sealed class StepLR : Scheduler {
    public StepLR(Optimizer opt, long stepSize, double gamma = 0.1) : base(Native.dl_step_lr_new(H(opt), stepSize, gamma)) { GC.KeepAlive(opt); }
  }
  /// <summary>lr = base_lr * gamma^(milestones passed).</summary>
  public sealed class MultiStepLR : Scheduler {
    public MultiStepLR(Optimizer opt, long[] milestones, double gamma = 0.1)
        : base(Native.dl_multistep_lr_new(H(opt), milestones, milestones.Length, gamma)) { GC.KeepAlive(opt); }
  }
  public sealed class ExponentialLR : Scheduler {
    public ExponentialLR(Optimizer opt, double gamma) : base(Native.dl_exponential_lr_new(H(opt), gamma)) { GC.KeepAlive(opt); }
  }
  public sealed class CosineAnnealingLR : Scheduler {
    public CosineAnnealingLR(Optimizer opt, long tMax, double etaMin = 0)
        : base(Native.dl_cosine_annealing_lr_new(H(opt), tMax, etaMin)) { GC.KeepAlive(opt); }
  }
  public sealed class ReduceLROnPlateau : Scheduler {
    public ReduceLROnPlateau(Optimizer opt, PlateauOptions o = null) : base(Native.dl_reduce_lr_on_plateau_new(H(opt), o)) { GC.KeepAlive(opt); }
  }

  /// <summary>lr = base_lr * lambda(epoch), lambda a C# delegate (it may throw: the step then throws it).
  /// libdl keeps the delegate alive until the scheduler is disposed.</summary>
  public sealed class LambdaLR : Scheduler {
    public LambdaLR(Optimizer opt, Func<long, double> lambda) : base(New(opt, lambda)) {}

    static long New(Optimizer opt, Func<long, double> lambda) {
      if (lambda == null) throw new ArgumentNullException("lambda");
      var cb = new LambdaDirector(lambda);
      long h;
      try {
        h = Native.dl_binding_lambda_lr_new(H(opt), cb); GC.KeepAlive(opt);
      } catch (DlException) {
        cb.Dispose();
        Callbacks.ThrowPending();
        throw;
      }
      cb.GiveToLibdl();
      return h;
    }
  }

  /// <summary>The director libdl calls for LambdaLR's factor (NOTE [binding callbacks]).</summary>
  sealed class LambdaDirector : LrLambdaCallback {
    readonly Func<long, double> lambda;
    GCHandle root;

    internal LambdaDirector(Func<long, double> lambda) { this.lambda = lambda; }

    internal void GiveToLibdl() {
      root = GCHandle.Alloc(this);
      swigRelease(this);
    }

    public override int factor(long epoch, long outSlot) {
      try {
        Native.dl_binding_put_double(outSlot, lambda(epoch));
        return 0;
      } catch (Exception e) {
        return Callbacks.Fail(e);
      }
    }

    public override void released() { root.Free(); }
  }
}

}
