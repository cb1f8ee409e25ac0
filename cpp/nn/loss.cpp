#include "nn/loss.h"

#include "base/error.h"
#include "ops/creation.h"
#include "ops/elementwise.h"
#include "ops/index.h"
#include "ops/reduce.h"
#include "ops/softmax.h"
#include "ops/view.h"

namespace dl {

namespace {

Tensor reduce_loss(const Tensor& losses, Reduction r) {
  switch (r) {
    case Reduction::None: return losses;
    case Reduction::Sum: return sum(losses);
    case Reduction::Mean: return mean(losses);
  }
  fail(Status::InvalidArgument, "loss: unknown reduction ", static_cast<int>(r));
}

void check_pair(const Tensor& input, const Tensor& target, const char* what) {
  DL_CHECK(input.defined(), Status::InvalidArgument, what, ": argument 'input' is undefined");
  DL_CHECK(target.defined(), Status::InvalidArgument, what, ": argument 'target' is undefined");
  DL_CHECK(is_floating(input.dtype()), Status::DType, what, ": argument 'input' must be floating point, got ",
           dtype_name(input.dtype()));
  DL_CHECK(is_floating(target.dtype()), Status::DType, what, ": argument 'target' must be floating point, got ",
           dtype_name(target.dtype()));
  broadcast_shapes(input.sizes(), target.sizes(), what);
}

// Moves the class dim (1) of [N, C, d1, ...] last and flattens: [M, C]; target to [M].
void flatten_classes(Tensor& x, Tensor& target) {
  if (x.dim() == 1) {
    x = unsqueeze(x, 0);
    target = reshape(target, {1});
    return;
  }
  if (x.dim() > 2) {
    Dims order{0};
    for (int64_t d = 2; d < x.dim(); ++d) order.push_back(d);
    order.push_back(1);
    x = reshape(permute(x, order), {-1, x.size(1)});
  }
  target = reshape(target, {-1});
}

void check_class_args(const Tensor& x, const Tensor& target, const ClassLossOptions& o, const char* what) {
  DL_CHECK(x.defined(), Status::InvalidArgument, what, ": argument 'input' is undefined");
  DL_CHECK(target.defined(), Status::InvalidArgument, what, ": argument 'target' is undefined");
  DL_CHECK(is_floating(x.dtype()), Status::DType, what, ": argument 'input' must be floating point, got ",
           dtype_name(x.dtype()));
  DL_CHECK(target.dtype() == DType::Int64, Status::DType, what,
           ": argument 'target' must hold int64 class indices, got ", dtype_name(target.dtype()));
  DL_CHECK(x.dim() >= 1, Status::Shape, what, ": argument 'input' must have a class dim");
  Dims expected;
  if (x.dim() >= 2) {
    expected.push_back(x.size(0));
    for (int64_t d = 2; d < x.dim(); ++d) expected.push_back(x.size(d));
  }
  DL_CHECK(target.sizes() == expected, Status::Shape, what, ": argument 'target' has shape ",
           shape_str(target.sizes()), ", expected ", shape_str(expected), " for input of shape ",
           shape_str(x.sizes()));
  int64_t classes = x.dim() == 1 ? x.size(0) : x.size(1);
  if (o.weight.defined()) {
    DL_CHECK(o.weight.dim() == 1 && o.weight.size(0) == classes, Status::Shape, what,
             ": argument 'weight' must have shape [", classes, "], got ", shape_str(o.weight.sizes()));
    DL_CHECK(o.weight.dtype() == x.dtype(), Status::DType, what, ": argument 'weight' has dtype ",
             dtype_name(o.weight.dtype()), ", input has ", dtype_name(x.dtype()));
  }
  DL_CHECK(o.label_smoothing >= 0.0 && o.label_smoothing <= 1.0, Status::InvalidArgument, what,
           ": label_smoothing must be in [0, 1], got ", o.label_smoothing);
  Tensor t = contiguous(target);
  const int64_t* p = t.data_ptr<int64_t>();
  for (int64_t i = 0; i < t.numel(); ++i)
    DL_CHECK(p[i] == o.ignore_index || (p[i] >= 0 && p[i] < classes), Status::InvalidArgument, what, ": target ",
             p[i], " at position ", i, " is out of range for ", classes, " classes");
}

}  // namespace

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction r) {
  check_pair(input, target, "mse_loss");
  Tensor d = sub(input, target);
  return reduce_loss(mul(d, d), r);
}

Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction r) {
  check_pair(input, target, "l1_loss");
  return reduce_loss(abs(sub(input, target)), r);
}

Tensor nll_loss(const Tensor& log_probs, const Tensor& target, const ClassLossOptions& o) {
  check_class_args(log_probs, target, o, "nll_loss");
  Tensor x = log_probs, t = target;
  Dims per_sample_shape = target.sizes();
  flatten_classes(x, t);
  Tensor ignored = eq(t, static_cast<double>(o.ignore_index));
  Tensor safe_t = where(ignored, zeros({}, DType::Int64), t);  // ignored targets pick class 0, then weigh 0
  Tensor picked = squeeze(gather(x, 1, unsqueeze(safe_t, 1)), 1);
  Tensor w = o.weight.defined() ? index_select(o.weight, 0, safe_t) : ones(t.sizes(), x.dtype());
  w = where(ignored, zeros({}, x.dtype()), w);
  Tensor losses = neg(mul(picked, w));
  switch (o.reduction) {
    case Reduction::None: return reshape(losses, per_sample_shape);
    case Reduction::Sum: return sum(losses);
    case Reduction::Mean: return div(sum(losses), sum(w));
  }
  fail(Status::InvalidArgument, "nll_loss: unknown reduction ", static_cast<int>(o.reduction));
}

Tensor cross_entropy(const Tensor& logits, const Tensor& target, const ClassLossOptions& o) {
  check_class_args(logits, target, o, "cross_entropy");
  int64_t class_dim = logits.dim() == 1 ? 0 : 1;
  Tensor logp = log_softmax(logits, class_dim);
  Tensor nll = nll_loss(logp, target, o);
  if (o.label_smoothing == 0.0) return nll;
  // PyTorch's label smoothing: (1 - e) nll + e / C * smooth, where smooth is
  // -sum_c w_c logp_c per sample, zero for ignored targets, reduced like nll.
  Tensor x = logp, t = target;
  Dims per_sample_shape = target.sizes();
  flatten_classes(x, t);
  int64_t classes = x.size(1);
  Tensor weighted = o.weight.defined() ? mul(x, o.weight) : x;
  Tensor ignored = eq(t, static_cast<double>(o.ignore_index));
  Tensor smooth = where(ignored, zeros({}, x.dtype()), neg(sum(weighted, {1})));
  Tensor reduced;
  switch (o.reduction) {
    case Reduction::None: reduced = reshape(smooth, per_sample_shape); break;
    case Reduction::Sum: reduced = sum(smooth); break;
    case Reduction::Mean: {
      Tensor safe_t = where(ignored, zeros({}, DType::Int64), t);
      Tensor w = o.weight.defined() ? index_select(o.weight, 0, safe_t) : ones(t.sizes(), x.dtype());
      reduced = div(sum(smooth), sum(where(ignored, zeros({}, x.dtype()), w)));
      break;
    }
  }
  return add(mul(nll, 1.0 - o.label_smoothing), mul(reduced, o.label_smoothing / static_cast<double>(classes)));
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight, Reduction r) {
  check_pair(input, target, "binary_cross_entropy");
  DL_CHECK(input.sizes() == target.sizes(), Status::Shape, "binary_cross_entropy: argument 'target' has shape ",
           shape_str(target.sizes()), ", input has ", shape_str(input.sizes()));
  Tensor log_p = clamp(log(input), -100.0, std::nullopt);
  Tensor log_q = clamp(log(neg(sub(input, 1.0))), -100.0, std::nullopt);
  // -(y log p + (1 - y) log(1 - p))
  Tensor losses = neg(add(mul(target, log_p), mul(neg(sub(target, 1.0)), log_q)));
  if (weight.defined()) losses = mul(losses, weight);
  return reduce_loss(losses, r);
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, const Tensor& weight,
                                        const Tensor& pos_weight, Reduction r) {
  check_pair(input, target, "binary_cross_entropy_with_logits");
  DL_CHECK(input.sizes() == target.sizes(), Status::Shape,
           "binary_cross_entropy_with_logits: argument 'target' has shape ", shape_str(target.sizes()),
           ", input has ", shape_str(input.sizes()));
  // (1 - y) x + l * (log(1 + e^-|x|) + max(-x, 0)), l = 1 + (pos_weight - 1) y
  Tensor softplus_neg = add(log(add(exp(neg(abs(input))), 1.0)), relu(neg(input)));
  Tensor scale = pos_weight.defined() ? add(mul(sub(pos_weight, 1.0), target), 1.0) : Tensor();
  Tensor losses = add(mul(neg(sub(target, 1.0)), input), scale.defined() ? mul(scale, softplus_neg) : softplus_neg);
  if (weight.defined()) losses = mul(losses, weight);
  return reduce_loss(losses, r);
}

}  // namespace dl
