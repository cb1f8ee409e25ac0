package org.libdl;

/** The layers of torch.nn. Each is a {@link Module}; parameters are initialized as PyTorch does. */
public final class Nn {
  private Nn() {}

  /** y = x W^T + b: [*, in] -> [*, out]. */
  public static final class Linear extends Module {
    public Linear(long in, long out) { this(in, out, true); }
    public Linear(long in, long out, boolean bias) { super(Native.dl_linear_new(in, out, bias ? 1 : 0)); }
  }

  /** Children applied in order, named "0", "1", ... */
  public static final class Sequential extends Module {
    public Sequential(Module... children) {
      super(Native.dl_sequential_new());
      for (Module m : children) append(m);
    }
    public Sequential append(Module child) {
      Native.dl_module_append(handle(), child.handle());
      return this;
    }
  }

  public static final class ReLU extends Module { public ReLU() { super(Native.dl_relu_new()); } }
  public static final class Sigmoid extends Module { public Sigmoid() { super(Native.dl_sigmoid_new()); } }
  public static final class Tanh extends Module { public Tanh() { super(Native.dl_tanh_new()); } }
  public static final class Identity extends Module { public Identity() { super(Native.dl_identity_new()); } }
  public static final class LeakyReLU extends Module {
    public LeakyReLU(double negativeSlope) { super(Native.dl_leaky_relu_new(negativeSlope)); }
  }
  public static final class ELU extends Module { public ELU(double alpha) { super(Native.dl_elu_new(alpha)); } }
  public static final class GELU extends Module {
    public GELU(boolean approximateTanh) { super(Native.dl_gelu_new(approximateTanh ? 1 : 0)); }
  }
  public static final class Softmax extends Module { public Softmax(long dim) { super(Native.dl_softmax_new(dim)); } }
  public static final class LogSoftmax extends Module {
    public LogSoftmax(long dim) { super(Native.dl_log_softmax_new(dim)); }
  }
  public static final class Flatten extends Module {
    public Flatten() { this(1, -1); }
    public Flatten(long startDim, long endDim) { super(Native.dl_flatten_new(startDim, endDim)); }
  }

  /** nn.Conv2d(in, out, kernel, stride, padding); more options through {@link Conv2dOptions}. */
  public static final class Conv2d extends Module {
    public Conv2d(long in, long out, long kernel) { this(in, out, kernel, 1, 0); }
    public Conv2d(long in, long out, long kernel, long stride, long padding) {
      this(in, out, kernel, kernel, options(stride, padding));
    }
    public Conv2d(long in, long out, long kernelH, long kernelW, Conv2dOptions o) {
      super(Native.dl_conv2d_new(in, out, kernelH, kernelW, o));
    }
    private static Conv2dOptions options(long stride, long padding) {
      Conv2dOptions o = new Conv2dOptions();
      o.setStrideH(stride);
      o.setStrideW(stride);
      o.setPadH(padding);
      o.setPadW(padding);
      return o;
    }
  }
  /** nn.MaxPool2d(kernel) (stride = kernel). */
  public static final class MaxPool2d extends Module {
    public MaxPool2d(long kernel) { super(Native.dl_max_pool2d_new(kernel, kernel, null)); }
  }
  public static final class AvgPool2d extends Module {
    public AvgPool2d(long kernel) { super(Native.dl_avg_pool2d_new(kernel, kernel, null)); }
  }
  public static final class AdaptiveAvgPool2d extends Module {
    public AdaptiveAvgPool2d(long outH, long outW) { super(Native.dl_adaptive_avg_pool2d_new(outH, outW)); }
  }
  public static final class Dropout extends Module { public Dropout(double p) { super(Native.dl_dropout_new(p)); } }
  public static final class Dropout2d extends Module { public Dropout2d(double p) { super(Native.dl_dropout2d_new(p)); } }
  public static final class BatchNorm1d extends Module {
    public BatchNorm1d(long features) { super(Native.dl_batch_norm1d_new(features, null)); }
  }
  public static final class BatchNorm2d extends Module {
    public BatchNorm2d(long features) { super(Native.dl_batch_norm2d_new(features, null)); }
  }
}
