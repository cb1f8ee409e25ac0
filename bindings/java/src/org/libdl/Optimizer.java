package org.libdl;

/**
 * An optimizer over a module's parameters, as torch.optim: {@code new Optimizer.SGD(net, 0.01, 0.9)}.
 * Every option is in the kind's options class ({@link SgdOptions}, {@link AdamOptions}, ...),
 * which starts from PyTorch's defaults.
 */
public class Optimizer implements AutoCloseable {
  private long handle;

  Optimizer(long handle) { this.handle = handle; }

  long handle() {
    if (handle == 0) throw new IllegalStateException("Optimizer: used after close()");
    return handle;
  }

  /** Drops every parameter's gradient (set_to_none). */
  public void zeroGrad() { Native.dl_optimizer_zero_grad(handle()); }
  /** One update of every parameter that has a gradient; all or nothing. */
  public void step() { Native.dl_optimizer_step(handle()); }
  public double getLr() {
    double[] lr = new double[1];
    Native.dl_optimizer_get_lr(handle(), lr);
    return lr[0];
  }
  public void setLr(double lr) { Native.dl_optimizer_set_lr(handle(), lr); }

  @Override public void close() {
    if (handle != 0) Native.dl_optimizer_free(handle);
    handle = 0;
  }

  private static AdamOptions adamOptions(AdamOptions o, double lr) {
    o.setLr(lr);
    return o;
  }

  public static final class SGD extends Optimizer {
    public SGD(Module m, double lr) { this(m, lr, 0); }
    public SGD(Module m, double lr, double momentum) { this(m, options(lr, momentum)); }
    public SGD(Module m, SgdOptions o) { super(Native.dl_sgd_new(m.handle(), o)); }
    private static SgdOptions options(double lr, double momentum) {
      SgdOptions o = new SgdOptions();
      o.setLr(lr);
      o.setMomentum(momentum);
      return o;
    }
  }

  public static final class Adam extends Optimizer {
    public Adam(Module m, double lr) { this(m, adamOptions(new AdamOptions(), lr)); }
    public Adam(Module m, AdamOptions o) { super(Native.dl_adam_new(m.handle(), o)); }
  }

  /** Adam with decoupled weight decay (default 1e-2). */
  public static final class AdamW extends Optimizer {
    public AdamW(Module m, double lr) { this(m, adamOptions(Native.dl_adamw_defaults(), lr)); }
    public AdamW(Module m, AdamOptions o) { super(Native.dl_adamw_new(m.handle(), o)); }
  }

  public static final class RMSprop extends Optimizer {
    public RMSprop(Module m, double lr) { this(m, lr(new RmspropOptions(), lr)); }
    public RMSprop(Module m, RmspropOptions o) { super(Native.dl_rmsprop_new(m.handle(), o)); }
    private static RmspropOptions lr(RmspropOptions o, double lr) {
      o.setLr(lr);
      return o;
    }
  }

  public static final class Adagrad extends Optimizer {
    public Adagrad(Module m, double lr) { this(m, lr(new AdagradOptions(), lr)); }
    public Adagrad(Module m, AdagradOptions o) { super(Native.dl_adagrad_new(m.handle(), o)); }
    private static AdagradOptions lr(AdagradOptions o, double lr) {
      o.setLr(lr);
      return o;
    }
  }

  /** Scales all gradients so their joint 2-norm is at most maxNorm; returns the norm before. */
  public static double clipGradNorm(Module m, double maxNorm) {
    double[] total = new double[1];
    Native.dl_clip_grad_norm(m.handle(), maxNorm, 2.0, total);
    return total[0];
  }
  public static void clipGradValue(Module m, double clip) { Native.dl_clip_grad_value(m.handle(), clip); }
}
