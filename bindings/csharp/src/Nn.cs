namespace LibDl {

/// <summary>The layers of torch.nn. Each is a <see cref="Module"/>; parameters are initialized as PyTorch does.</summary>
public static class Nn {
  /// <summary>y = x W^T + b: [*, in] -> [*, out].</summary>
  public sealed class Linear : Module {
    public Linear(long inFeatures, long outFeatures, bool bias = true) : base(Native.dl_linear_new(inFeatures, outFeatures, bias ? 1 : 0)) {}
  }

  /// <summary>Children applied in order, named "0", "1", ...</summary>
  public sealed class Sequential : Module {
    public Sequential(params Module[] children) : base(Native.dl_sequential_new()) {
      foreach (Module m in children) Append(m);
    }
    public Sequential Append(Module child) {
      Native.dl_module_append(Handle, H(child));
      return this;
    }
  }

  public sealed class ReLU : Module { public ReLU() : base(Native.dl_relu_new()) {} }
  public sealed class Sigmoid : Module { public Sigmoid() : base(Native.dl_sigmoid_new()) {} }
  public sealed class Tanh : Module { public Tanh() : base(Native.dl_tanh_new()) {} }
  public sealed class Identity : Module { public Identity() : base(Native.dl_identity_new()) {} }
  public sealed class LeakyReLU : Module { public LeakyReLU(double negativeSlope = 0.01) : base(Native.dl_leaky_relu_new(negativeSlope)) {} }
  public sealed class ELU : Module { public ELU(double alpha = 1) : base(Native.dl_elu_new(alpha)) {} }
  public sealed class GELU : Module { public GELU(bool approximateTanh = false) : base(Native.dl_gelu_new(approximateTanh ? 1 : 0)) {} }
  public sealed class Softmax : Module { public Softmax(long dim) : base(Native.dl_softmax_new(dim)) {} }
  public sealed class LogSoftmax : Module { public LogSoftmax(long dim) : base(Native.dl_log_softmax_new(dim)) {} }
  public sealed class Flatten : Module { public Flatten(long startDim = 1, long endDim = -1) : base(Native.dl_flatten_new(startDim, endDim)) {} }

  /// <summary>nn.Conv2d(in, out, kernel, stride, padding); every option through <see cref="Conv2dOptions"/>.</summary>
  public sealed class Conv2d : Module {
    public Conv2d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0)
        : base(WithOptions(new Conv2dOptions { StrideH = stride, StrideW = stride, PadH = padding, PadW = padding },
                           o => Native.dl_conv2d_new(inChannels, outChannels, kernel, kernel, o))) {}
    public Conv2d(long inChannels, long outChannels, long kernelH, long kernelW, Conv2dOptions o)
        : base(Native.dl_conv2d_new(inChannels, outChannels, kernelH, kernelW, o)) {}
  }
  /// <summary>nn.MaxPool2d(kernel) (stride = kernel); every option through <see cref="Pool2dOptions"/>.</summary>
  public sealed class MaxPool2d : Module {
    public MaxPool2d(long kernel, Pool2dOptions o = null) : base(Native.dl_max_pool2d_new(kernel, kernel, o)) {}
  }
  public sealed class AvgPool2d : Module {
    public AvgPool2d(long kernel, Pool2dOptions o = null) : base(Native.dl_avg_pool2d_new(kernel, kernel, o)) {}
  }
  public sealed class AdaptiveAvgPool2d : Module {
    public AdaptiveAvgPool2d(long outH, long outW) : base(Native.dl_adaptive_avg_pool2d_new(outH, outW)) {}
  }
  public sealed class Dropout : Module { public Dropout(double p = 0.5) : base(Native.dl_dropout_new(p)) {} }
  public sealed class Dropout2d : Module { public Dropout2d(double p = 0.5) : base(Native.dl_dropout2d_new(p)) {} }
  public sealed class BatchNorm1d : Module {
    public BatchNorm1d(long features, BatchNormOptions o = null) : base(Native.dl_batch_norm1d_new(features, o)) {}
  }
  public sealed class BatchNorm2d : Module {
    public BatchNorm2d(long features, BatchNormOptions o = null) : base(Native.dl_batch_norm2d_new(features, o)) {}
  }
}

}
