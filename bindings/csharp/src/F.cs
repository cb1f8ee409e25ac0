using System.Linq;

namespace LibDl {

/// <summary>Functional forms (torch.nn.functional): losses and layers as functions of tensors.</summary>
public static class F {
  /// <summary>Cross entropy of logits [N, C] against int64 class indices [N].</summary>
  public static Tensor CrossEntropy(Tensor logits, Tensor target, Reduction r = Reduction.Mean) {
    return NativeObject.Alive(new Tensor(Native.dl_cross_entropy(Tensor.H(logits), Tensor.H(target), (int)r)), logits, target);
  }
  public static Tensor NllLoss(Tensor logProbs, Tensor target, Reduction r = Reduction.Mean) {
    return NativeObject.Alive(new Tensor(Native.dl_nll_loss(Tensor.H(logProbs), Tensor.H(target), (int)r)), logProbs, target);
  }
  public static Tensor MseLoss(Tensor input, Tensor target, Reduction r = Reduction.Mean) {
    return NativeObject.Alive(new Tensor(Native.dl_mse_loss(Tensor.H(input), Tensor.H(target), (int)r)), input, target);
  }
  public static Tensor L1Loss(Tensor input, Tensor target, Reduction r = Reduction.Mean) {
    return NativeObject.Alive(new Tensor(Native.dl_l1_loss(Tensor.H(input), Tensor.H(target), (int)r)), input, target);
  }
  /// <summary>Binary cross entropy of probabilities; weight (null: none) broadcasts to them.</summary>
  public static Tensor BceLoss(Tensor input, Tensor target, Tensor weight = null, Reduction r = Reduction.Mean) {
    return NativeObject.Alive(new Tensor(Native.dl_bce_loss(Tensor.H(input), Tensor.H(target), Tensor.H(weight), (int)r)), input, target, weight);
  }
  public static Tensor BceWithLogits(Tensor input, Tensor target, Tensor weight = null, Tensor posWeight = null,
                                     Reduction r = Reduction.Mean) {
    return NativeObject.Alive(new Tensor(Native.dl_bce_with_logits_loss(Tensor.H(input), Tensor.H(target), Tensor.H(weight), Tensor.H(posWeight), (int)r)), input, target, weight, posWeight);
  }
  /// <summary>x [*, K], weight [M, K], bias [M] or null -> [*, M].</summary>
  public static Tensor Linear(Tensor x, Tensor weight, Tensor bias = null) {
    return NativeObject.Alive(new Tensor(Native.dl_linear(Tensor.H(x), Tensor.H(weight), Tensor.H(bias))), x, weight, bias);
  }
  /// <summary>x [N, C, H, W], weight [O, C / groups, kh, kw], bias [O] or null.</summary>
  public static Tensor Conv2d(Tensor x, Tensor weight, Tensor bias = null, long stride = 1, long padding = 0,
                              long dilation = 1, long groups = 1) {
    return NativeObject.Alive(new Tensor(Native.dl_conv2d(Tensor.H(x), Tensor.H(weight), Tensor.H(bias), stride, stride,
                                                          padding, padding, dilation, dilation, groups)), x, weight, bias);
  }
  /// <summary>Max pooling with a square kernel; stride 0 means the kernel size.</summary>
  public static Tensor MaxPool2d(Tensor x, long kernel, long stride = 0, long padding = 0) {
    return NativeObject.Alive(new Tensor(Native.dl_max_pool2d(Tensor.H(x), kernel, kernel, stride, stride, padding, padding, 0)), x);
  }
  public static Tensor AvgPool2d(Tensor x, long kernel, long stride = 0, long padding = 0) {
    return NativeObject.Alive(new Tensor(Native.dl_avg_pool2d(Tensor.H(x), kernel, kernel, stride, stride, padding, padding, 0, 1)), x);
  }
  /// <summary>The rows of weight [num, dim] at int64 or int32 indices of any shape -> [*indices, dim]; paddingIdx
  /// gets no gradient; with maxNorm, the rows looked up are first renormalized in place (not recorded).</summary>
  public static Tensor Embedding(Tensor indices, Tensor weight, long? paddingIdx = null, double? maxNorm = null,
                                 double normType = 2) {
    using (EmbeddingOptions o = Nn.EmbeddingOptionsOf(paddingIdx, maxNorm, normType))
      return NativeObject.Alive(new Tensor(Native.dl_embedding(Tensor.H(indices), Tensor.H(weight), o)), indices, weight);
  }
  public static Tensor Dropout(Tensor x, double p, bool training) {
    return NativeObject.Alive(new Tensor(Native.dl_dropout(Tensor.H(x), p, training ? 1 : 0)), x);
  }
  /// <summary>Joins tensors along dim.</summary>
  public static Tensor Cat(long dim, params Tensor[] ts) { return NativeObject.Alive(new Tensor(Native.dl_cat(Handles(ts), ts.Length, dim)), ts); }
  public static Tensor Stack(long dim, params Tensor[] ts) { return NativeObject.Alive(new Tensor(Native.dl_stack(Handles(ts), ts.Length, dim)), ts); }

  static long[] Handles(Tensor[] ts) { return ts.Select(Tensor.H).ToArray(); }
}

}
