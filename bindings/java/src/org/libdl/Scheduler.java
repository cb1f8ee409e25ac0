package org.libdl;

import java.util.function.LongToDoubleFunction;

/**
 * An LR scheduler, as torch.optim.lr_scheduler: creating one applies epoch 0; call
 * {@link #step} after each epoch. {@code new Scheduler.LambdaLR(opt, epoch -> Math.pow(0.95, epoch))}.
 */
public class Scheduler implements AutoCloseable {
  private long handle;

  Scheduler(long handle) { this.handle = handle; }

  long handle() {
    if (handle == 0) throw new IllegalStateException("Scheduler: used after close()");
    return handle;
  }

  /** Advances one epoch (ReduceLROnPlateau steps with {@link #step(double)}). */
  public void step() {
    try {
      Native.dl_scheduler_step(handle());
    } catch (DlException e) {
      throw Callbacks.rethrow(e);
    }
  }
  /** ReduceLROnPlateau: advances one epoch given the metric (validation loss ...). */
  public void step(double metric) { Native.dl_scheduler_step_metric(handle(), metric); }
  /** The lr the last step set (get_last_lr()[0]). */
  public double lastLr() {
    double[] lr = new double[1];
    Native.dl_scheduler_get_last_lr(handle(), lr);
    return lr[0];
  }

  @Override public void close() {
    if (handle != 0) Native.dl_scheduler_free(handle);
    handle = 0;
  }

  /** lr = base_lr * gamma^(epoch / stepSize). */
  public static final class StepLR extends Scheduler {
    public StepLR(Optimizer opt, long stepSize, double gamma) { super(Native.dl_step_lr_new(opt.handle(), stepSize, gamma)); }
  }
  /** lr = base_lr * gamma^(milestones passed). */
  public static final class MultiStepLR extends Scheduler {
    public MultiStepLR(Optimizer opt, long[] milestones, double gamma) {
      super(Native.dl_multistep_lr_new(opt.handle(), milestones, gamma));
    }
  }
  public static final class ExponentialLR extends Scheduler {
    public ExponentialLR(Optimizer opt, double gamma) { super(Native.dl_exponential_lr_new(opt.handle(), gamma)); }
  }
  public static final class CosineAnnealingLR extends Scheduler {
    public CosineAnnealingLR(Optimizer opt, long tMax, double etaMin) {
      super(Native.dl_cosine_annealing_lr_new(opt.handle(), tMax, etaMin));
    }
  }
  public static final class ReduceLROnPlateau extends Scheduler {
    public ReduceLROnPlateau(Optimizer opt, PlateauOptions o) { super(Native.dl_reduce_lr_on_plateau_new(opt.handle(), o)); }
  }

  /** lr = base_lr * lambda(epoch), lambda a Java function (it may throw: the step then throws it). */
  public static final class LambdaLR extends Scheduler {
    public LambdaLR(Optimizer opt, LongToDoubleFunction lambda) { super(create(opt, lambda)); }

    private static long create(Optimizer opt, LongToDoubleFunction lambda) {
      LrLambdaCallback cb = new LrLambdaCallback() {
        @Override public int factor(long epoch, long outSlot) {
          try {
            Native.dl_binding_put_double(outSlot, lambda.applyAsDouble(epoch));
            return 0;
          } catch (Throwable t) {
            return Callbacks.fail(t);
          }
        }
      };
      long h;
      try {
        h = Native.dl_binding_lambda_lr_new(opt.handle(), cb);
      } catch (DlException e) {
        cb.delete();
        throw Callbacks.rethrow(e);
      }
      cb.swigReleaseOwnership();  // libdl owns the director now
      return h;
    }
  }
}
