#include "optim/optimizer.h"

#include <cmath>
#include <limits>
#include <unordered_set>

#include "autograd/autograd.h"
#include "base/error.h"
#include "ops/creation.h"
#include "ops/elementwise.h"
#include "ops/reduce.h"
#include "ops/view.h"

namespace dl {

namespace {
void check_option(bool ok, const char* optimizer, const char* option, double value) {
  DL_CHECK(ok, Status::InvalidArgument, optimizer, ": invalid ", option, " ", value);
}
}  // namespace

void Optimizer::zero_grad(bool set_to_none) {
  for (ParamGroup& g : groups_)
    for (Tensor& p : g.params) dl::zero_grad(p, set_to_none);
}

void Optimizer::set_lr(double lr) {
  check_option(lr >= 0 && std::isfinite(lr), name(), "learning rate", lr);
  for (ParamGroup& g : groups_) g.lr = lr;
}

size_t Optimizer::add_param_group(const std::vector<Tensor>& params, double lr, double weight_decay) {
  check_option(lr >= 0 && std::isfinite(lr), name(), "learning rate", lr);
  check_option(weight_decay >= 0, name(), "weight_decay", weight_decay);
  std::unordered_set<const void*> seen;
  for (const ParamGroup& g : groups_)
    for (const Tensor& p : g.params) seen.insert(p.impl());
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    DL_CHECK(p.defined(), Status::InvalidArgument, name(), ": parameter ", i, " is undefined");
    DL_CHECK(is_floating(p.dtype()), Status::DType, name(), ": parameter ", i, " is ", dtype_name(p.dtype()),
             "; only floating-point tensors can be optimized");
    DL_CHECK(is_leaf(p), Status::InvalidArgument, name(), ": parameter ", i,
             " is not a leaf tensor (it was computed by '", grad_fn_name(p), "')");
    DL_CHECK(seen.insert(p.impl()).second, Status::InvalidArgument, name(), ": parameter ", i,
             " appears in more than one parameter group");
  }
  ParamGroup g;
  g.params = params;
  g.state.resize(params.size());
  g.lr = lr;
  g.weight_decay = weight_decay;
  groups_.push_back(std::move(g));
  return groups_.size() - 1;
}

void Optimizer::step() {
  NoGradGuard no_grad;
  struct Pending {
    Tensor* param;
    ParamState* state;
    Tensor value;
    ParamState next;
  };
  std::vector<Pending> pending;
  for (ParamGroup& group : groups_) {
    for (size_t i = 0; i < group.params.size(); ++i) {
      Tensor& p = group.params[i];
      Tensor g = grad(p);
      if (!g.defined()) continue;
      DL_CHECK(g.sizes() == p.sizes() && g.dtype() == p.dtype(), Status::State, name(),
               ": the gradient of a parameter of shape ", shape_str(p.sizes()), " has shape ",
               shape_str(g.sizes()), " and dtype ", dtype_name(g.dtype()));
      Pending u{&p, &group.state[i], Tensor(), ParamState()};
      u.value = update(group, p, g, group.state[i], u.next);
      pending.push_back(std::move(u));
    }
  }
  for (Pending& u : pending) {
    copy_(*u.param, u.value);
    *u.state = std::move(u.next);
  }
}

// --- SGD ---------------------------------------------------------------------

Sgd::Sgd(const std::vector<Tensor>& params, const SgdOptions& o) : o_(o) {
  check_option(o.momentum >= 0, "SGD", "momentum", o.momentum);
  check_option(o.weight_decay >= 0, "SGD", "weight_decay", o.weight_decay);
  DL_CHECK(!o.nesterov || (o.momentum > 0 && o.dampening == 0), Status::InvalidArgument,
           "SGD: nesterov momentum requires a momentum and zero dampening");
  add_param_group(params, o.lr, o.weight_decay);
}

Tensor Sgd::update(const ParamGroup& group, const Tensor& p, const Tensor& g, const ParamState& state,
                   ParamState& next) const {
  Tensor d = group.weight_decay != 0 ? add(g, mul(p, group.weight_decay)) : g;
  next.step = state.step + 1;
  if (o_.momentum != 0) {
    const Tensor& buf = state.buffers[0];
    Tensor nb = buf.defined() ? add(mul(buf, o_.momentum), mul(d, 1.0 - o_.dampening)) : clone(d);
    next.buffers[0] = nb;
    d = o_.nesterov ? add(d, mul(nb, o_.momentum)) : nb;
  }
  return sub(p, mul(d, group.lr));
}

// --- Adam / AdamW -------------------------------------------------------------

Adam::Adam(const std::vector<Tensor>& params, const AdamOptions& o, bool decoupled) : o_(o), decoupled_(decoupled) {
  const char* n = decoupled ? "AdamW" : "Adam";
  check_option(o.eps >= 0, n, "epsilon value", o.eps);
  check_option(o.beta1 >= 0 && o.beta1 < 1, n, "beta parameter at index 0:", o.beta1);
  check_option(o.beta2 >= 0 && o.beta2 < 1, n, "beta parameter at index 1:", o.beta2);
  check_option(o.weight_decay >= 0, n, "weight_decay value", o.weight_decay);
  add_param_group(params, o.lr, o.weight_decay);
}

Tensor Adam::update(const ParamGroup& group, const Tensor& p, const Tensor& g, const ParamState& state,
                    ParamState& next) const {
  Tensor param = p;
  Tensor grad = g;
  if (decoupled_) {
    if (group.weight_decay != 0) param = mul(p, 1.0 - group.lr * group.weight_decay);
  } else if (group.weight_decay != 0) {
    grad = add(g, mul(p, group.weight_decay));
  }
  next.step = state.step + 1;
  Tensor m = state.buffers[0].defined() ? state.buffers[0] : zeros(p.sizes(), p.dtype(), p.device());
  Tensor v = state.buffers[1].defined() ? state.buffers[1] : zeros(p.sizes(), p.dtype(), p.device());
  m = add(mul(m, o_.beta1), mul(grad, 1.0 - o_.beta1));
  v = add(mul(v, o_.beta2), mul(mul(grad, grad), 1.0 - o_.beta2));
  double bc1 = 1.0 - std::pow(o_.beta1, static_cast<double>(next.step));
  double bc2 = 1.0 - std::pow(o_.beta2, static_cast<double>(next.step));
  double step_size = group.lr / bc1;
  double bc2_sqrt = std::sqrt(bc2);
  Tensor second = v;
  if (o_.amsgrad) {
    second = state.buffers[2].defined() ? maximum(state.buffers[2], v) : v;
    next.buffers[2] = second;
  }
  Tensor denom = add(div(sqrt(second), bc2_sqrt), o_.eps);
  next.buffers[0] = m;
  next.buffers[1] = v;
  return sub(param, mul(div(m, denom), step_size));
}

// --- RMSprop ------------------------------------------------------------------

Rmsprop::Rmsprop(const std::vector<Tensor>& params, const RmspropOptions& o) : o_(o) {
  check_option(o.eps >= 0, "RMSprop", "epsilon value", o.eps);
  check_option(o.alpha >= 0, "RMSprop", "alpha value", o.alpha);
  check_option(o.momentum >= 0, "RMSprop", "momentum value", o.momentum);
  check_option(o.weight_decay >= 0, "RMSprop", "weight_decay value", o.weight_decay);
  add_param_group(params, o.lr, o.weight_decay);
}

Tensor Rmsprop::update(const ParamGroup& group, const Tensor& p, const Tensor& g, const ParamState& state,
                       ParamState& next) const {
  Tensor grad = group.weight_decay != 0 ? add(g, mul(p, group.weight_decay)) : g;
  next.step = state.step + 1;
  Tensor sq = state.buffers[0].defined() ? state.buffers[0] : zeros(p.sizes(), p.dtype(), p.device());
  sq = add(mul(sq, o_.alpha), mul(mul(grad, grad), 1.0 - o_.alpha));
  next.buffers[0] = sq;
  Tensor avg;
  if (o_.centered) {
    Tensor ga = state.buffers[2].defined() ? state.buffers[2] : zeros(p.sizes(), p.dtype(), p.device());
    ga = add(mul(ga, o_.alpha), mul(grad, 1.0 - o_.alpha));
    next.buffers[2] = ga;
    avg = add(sqrt(sub(sq, mul(ga, ga))), o_.eps);
  } else {
    avg = add(sqrt(sq), o_.eps);
  }
  if (o_.momentum > 0) {
    Tensor buf = state.buffers[1].defined() ? state.buffers[1] : zeros(p.sizes(), p.dtype(), p.device());
    buf = add(mul(buf, o_.momentum), div(grad, avg));
    next.buffers[1] = buf;
    return sub(p, mul(buf, group.lr));
  }
  return sub(p, mul(div(grad, avg), group.lr));
}

// --- Adagrad ------------------------------------------------------------------

Adagrad::Adagrad(const std::vector<Tensor>& params, const AdagradOptions& o) : o_(o) {
  check_option(o.lr_decay >= 0, "Adagrad", "lr_decay value", o.lr_decay);
  check_option(o.weight_decay >= 0, "Adagrad", "weight_decay value", o.weight_decay);
  check_option(o.initial_accumulator_value >= 0, "Adagrad", "initial_accumulator_value", o.initial_accumulator_value);
  check_option(o.eps >= 0, "Adagrad", "epsilon value", o.eps);
  add_param_group(params, o.lr, o.weight_decay);
}

Tensor Adagrad::update(const ParamGroup& group, const Tensor& p, const Tensor& g, const ParamState& state,
                       ParamState& next) const {
  Tensor grad = group.weight_decay != 0 ? add(g, mul(p, group.weight_decay)) : g;
  next.step = state.step + 1;
  double clr = group.lr / (1.0 + static_cast<double>(next.step - 1) * o_.lr_decay);
  Tensor acc = state.buffers[0].defined() ? state.buffers[0]
                                          : full(p.sizes(), o_.initial_accumulator_value, p.dtype(), p.device());
  acc = add(acc, mul(grad, grad));
  next.buffers[0] = acc;
  return sub(p, mul(div(grad, add(sqrt(acc), o_.eps)), clr));
}

// --- clipping -----------------------------------------------------------------

double clip_grad_norm_(const std::vector<Tensor>& params, double max_norm, double norm_type) {
  DL_CHECK(norm_type > 0, Status::InvalidArgument, "clip_grad_norm_: norm_type must be positive, got ", norm_type);
  NoGradGuard no_grad;
  std::vector<Tensor> grads;
  for (const Tensor& p : params)
    if (grad(p).defined()) grads.push_back(grad(p));
  if (grads.empty()) return 0.0;
  double total = 0;
  bool inf_norm = std::isinf(norm_type);
  for (const Tensor& g : grads) {
    Tensor a = abs(to_dtype(g, DType::Float64));
    if (inf_norm) {
      total = std::max(total, contiguous(amax(a)).data_ptr<double>()[0]);
    } else {
      total += contiguous(sum(pow(a, norm_type))).data_ptr<double>()[0];
    }
  }
  if (!inf_norm) total = std::pow(total, 1.0 / norm_type);
  double coef = max_norm / (total + 1e-6);
  if (coef < 1.0) {
    for (Tensor& g : grads) {
      Tensor scaled = mul(g, coef);
      copy_(g, scaled);
    }
  }
  return total;
}

void clip_grad_value_(const std::vector<Tensor>& params, double clip_value) {
  DL_CHECK(clip_value >= 0, Status::InvalidArgument, "clip_grad_value_: clip_value must be >= 0, got ", clip_value);
  NoGradGuard no_grad;
  for (const Tensor& p : params) {
    Tensor g = grad(p);
    if (!g.defined()) continue;
    Tensor clamped = clamp(g, -clip_value, clip_value);
    copy_(g, clamped);
  }
}

}  // namespace dl
