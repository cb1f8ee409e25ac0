package org.libdl;

/** Functional forms (torch.nn.functional): losses and layers as functions of tensors. */
public final class F {
  private F() {}

  /** Cross entropy of logits [N, C] against int64 class indices [N], averaged. */
  public static Tensor crossEntropy(Tensor logits, Tensor target) { return crossEntropy(logits, target, Reduction.MEAN); }
  public static Tensor crossEntropy(Tensor logits, Tensor target, Reduction r) {
    return Tensor.result(Native.dl_cross_entropy(logits.handle(), target.handle(), r.code()), logits, target);
  }
  public static Tensor nllLoss(Tensor logProbs, Tensor target) {
    return Tensor.result(Native.dl_nll_loss(logProbs.handle(), target.handle(), Reduction.MEAN.code()), logProbs, target);
  }
  public static Tensor mseLoss(Tensor input, Tensor target) { return mseLoss(input, target, Reduction.MEAN); }
  public static Tensor mseLoss(Tensor input, Tensor target, Reduction r) {
    return Tensor.result(Native.dl_mse_loss(input.handle(), target.handle(), r.code()), input, target);
  }
  public static Tensor l1Loss(Tensor input, Tensor target) {
    return Tensor.result(Native.dl_l1_loss(input.handle(), target.handle(), Reduction.MEAN.code()), input, target);
  }
  public static Tensor bceLoss(Tensor input, Tensor target) {
    return Tensor.result(Native.dl_bce_loss(input.handle(), target.handle(), 0, Reduction.MEAN.code()), input, target);
  }
  public static Tensor bceWithLogits(Tensor input, Tensor target) {
    return Tensor.result(Native.dl_bce_with_logits_loss(input.handle(), target.handle(), 0, 0, Reduction.MEAN.code()), input, target);
  }
  /** x [*, K], weight [M, K], bias [M] or null -> [*, M]. */
  public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
    return Tensor.result(Native.dl_linear(x.handle(), weight.handle(), Tensor.handle(bias)), x, weight, bias);
  }
  /** The rows of weight [num, dim] at int64 or int32 indices of any shape -> [*indices, dim]. */
  public static Tensor embedding(Tensor indices, Tensor weight) { return embedding(indices, weight, null); }
  /** With o's maxNorm, the rows looked up are first renormalized in place (not recorded); o null: defaults. */
  public static Tensor embedding(Tensor indices, Tensor weight, EmbeddingOptions o) {
    return Tensor.result(Native.dl_embedding(indices.handle(), weight.handle(), o), indices, weight);
  }
  public static Tensor dropout(Tensor x, double p, boolean training) {
    return Tensor.result(Native.dl_dropout(x.handle(), p, training ? 1 : 0), x);
  }
  public static Tensor maxPool2d(Tensor x, long kernel) {
    return Tensor.result(Native.dl_max_pool2d(x.handle(), kernel, kernel, 0, 0, 0, 0, 0), x);
  }
  /** Joins tensors along dim. */
  public static Tensor cat(long dim, Tensor... ts) { return Tensor.result(Native.dl_cat(handles(ts), dim), ts); }
  public static Tensor stack(long dim, Tensor... ts) { return Tensor.result(Native.dl_stack(handles(ts), dim), ts); }

  static long[] handles(Iterable<Tensor> ts) {
    java.util.ArrayList<Long> hs = new java.util.ArrayList<>();
    for (Tensor t : ts) hs.add(t.handle());
    long[] a = new long[hs.size()];
    for (int i = 0; i < a.length; ++i) a[i] = hs.get(i);
    return a;
  }

  static long[] handles(Tensor... ts) { return handles(java.util.Arrays.asList(ts)); }
}
