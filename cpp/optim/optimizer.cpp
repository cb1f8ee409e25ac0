#include "optim/optimizer.h"

#include <cmath>
#include <limits>
#include <unordered_set>

#include "autograd/autograd.h"
#include "autograd/derivatives.h"
#include "base/error.h"
#include "ops/creation.h"
#include "ops/elementwise.h"
#include "ops/op_table.h"
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
  std::vector<Commit> commits;
  for (ParamGroup& group : groups_) {
    for (size_t i = 0; i < group.params.size(); ++i) {
      Tensor& p = group.params[i];
      Tensor g = grad(p);
      if (!g.defined()) continue;
      DL_CHECK(g.sizes() == p.sizes() && g.dtype() == p.dtype() && g.device() == p.device(), Status::State, name(),
               ": the gradient of a parameter of shape ", shape_str(p.sizes()), " has shape ",
               shape_str(g.sizes()), " and dtype ", dtype_name(g.dtype()));
      commits.push_back(plan(group, p, contiguous(g), group.state[i]));
    }
  }
  for (Commit& commit : commits) commit();
}

Optimizer::Commit Optimizer::replace(Tensor& p, ParamState& state, Tensor value, ParamState next) {
  return [&p, &state, value = std::move(value), next = std::move(next)]() mutable {
    copy_(p, value);
    state = std::move(next);
  };
}

namespace {

Tensor new_buffer(const Tensor& p) { return zeros(p.sizes(), p.dtype(), p.device()); }  // a zeroed state buffer

// Runs a fused update (sgd_update, adam_update) on work, contiguous(p): p
// itself, or a contiguous copy written back into p.
void run_fused(KernelCall& call, Tensor& p, Tensor& work) {
  call.out[0] = &work;
  dispatch(call);
  if (work.impl() != p.impl()) copy_(p, work);
  p.storage()->bump_version();
}

}  // namespace

// --- SGD ---------------------------------------------------------------------

Sgd::Sgd(const std::vector<Tensor>& params, const SgdOptions& o) : o_(o) {
  check_option(o.momentum >= 0, "SGD", "momentum", o.momentum);
  check_option(o.weight_decay >= 0, "SGD", "weight_decay", o.weight_decay);
  DL_CHECK(!o.nesterov || (o.momentum > 0 && o.dampening == 0), Status::InvalidArgument,
           "SGD: nesterov momentum requires a momentum and zero dampening");
  add_param_group(params, o.lr, o.weight_decay);
}

Optimizer::Commit Sgd::plan(const ParamGroup& group, Tensor& p, const Tensor& g, ParamState& state) const {
  Tensor work = contiguous(p);
  const bool first = o_.momentum != 0 && !state.buffers[0].defined();
  Tensor buf = first ? Tensor::empty(p.sizes(), p.dtype(), p.device()) : state.buffers[0];
  OptimAttrs a;
  a.lr = group.lr, a.weight_decay = group.weight_decay;
  a.momentum = o_.momentum, a.dampening = o_.dampening, a.nesterov = o_.nesterov, a.first_step = first;
  return [&p, &state, g, work, buf, a]() mutable {
    KernelCall call(OpId::sgd_update);
    call.attrs.optim = a;
    call.in[0] = &g;
    if (a.momentum != 0) call.out[1] = &buf;
    run_fused(call, p, work);
    if (a.momentum != 0) state.buffers[0] = buf;
    ++state.step;
  };
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

Optimizer::Commit Adam::plan(const ParamGroup& group, Tensor& p, const Tensor& g, ParamState& state) const {
  Tensor work = contiguous(p);
  Tensor m = state.buffers[0].defined() ? state.buffers[0] : new_buffer(p);
  Tensor v = state.buffers[1].defined() ? state.buffers[1] : new_buffer(p);
  Tensor vmax = !o_.amsgrad ? Tensor() : state.buffers[2].defined() ? state.buffers[2] : new_buffer(p);
  const double step = static_cast<double>(state.step + 1);
  OptimAttrs a;
  a.lr = group.lr, a.weight_decay = group.weight_decay, a.decoupled = decoupled_;
  a.beta1 = o_.beta1, a.beta2 = o_.beta2, a.eps = o_.eps;
  a.step_size = group.lr / (1.0 - std::pow(o_.beta1, step));
  a.bias_correction2_sqrt = std::sqrt(1.0 - std::pow(o_.beta2, step));
  return [&p, &state, g, work, m, v, vmax, a]() mutable {
    KernelCall call(OpId::adam_update);
    call.attrs.optim = a;
    call.in[0] = &g;
    call.out[1] = &m;
    call.out[2] = &v;
    if (vmax.defined()) call.out[3] = &vmax;
    run_fused(call, p, work);
    state.buffers[0] = m;
    state.buffers[1] = v;
    state.buffers[2] = vmax;
    ++state.step;
  };
}

// --- RMSprop ------------------------------------------------------------------

Rmsprop::Rmsprop(const std::vector<Tensor>& params, const RmspropOptions& o) : o_(o) {
  check_option(o.eps >= 0, "RMSprop", "epsilon value", o.eps);
  check_option(o.alpha >= 0, "RMSprop", "alpha value", o.alpha);
  check_option(o.momentum >= 0, "RMSprop", "momentum value", o.momentum);
  check_option(o.weight_decay >= 0, "RMSprop", "weight_decay value", o.weight_decay);
  add_param_group(params, o.lr, o.weight_decay);
}

Optimizer::Commit Rmsprop::plan(const ParamGroup& group, Tensor& p, const Tensor& g, ParamState& state) const {
  ParamState next;
  Tensor grad = group.weight_decay != 0 ? add(g, mul(p, group.weight_decay)) : g;
  next.step = state.step + 1;
  Tensor sq = state.buffers[0].defined() ? state.buffers[0] : new_buffer(p);
  sq = add(mul(sq, o_.alpha), mul(mul(grad, grad), 1.0 - o_.alpha));
  next.buffers[0] = sq;
  Tensor avg;
  if (o_.centered) {
    Tensor ga = state.buffers[2].defined() ? state.buffers[2] : new_buffer(p);
    ga = add(mul(ga, o_.alpha), mul(grad, 1.0 - o_.alpha));
    next.buffers[2] = ga;
    avg = add(sqrt(sub(sq, mul(ga, ga))), o_.eps);
  } else {
    avg = add(sqrt(sq), o_.eps);
  }
  if (o_.momentum > 0) {
    Tensor buf = state.buffers[1].defined() ? state.buffers[1] : new_buffer(p);
    buf = add(mul(buf, o_.momentum), div(grad, avg));
    next.buffers[1] = buf;
    return replace(p, state, sub(p, mul(buf, group.lr)), std::move(next));
  }
  return replace(p, state, sub(p, mul(div(grad, avg), group.lr)), std::move(next));
}

// --- Adagrad ------------------------------------------------------------------

Adagrad::Adagrad(const std::vector<Tensor>& params, const AdagradOptions& o) : o_(o) {
  check_option(o.lr_decay >= 0, "Adagrad", "lr_decay value", o.lr_decay);
  check_option(o.weight_decay >= 0, "Adagrad", "weight_decay value", o.weight_decay);
  check_option(o.initial_accumulator_value >= 0, "Adagrad", "initial_accumulator_value", o.initial_accumulator_value);
  check_option(o.eps >= 0, "Adagrad", "epsilon value", o.eps);
  add_param_group(params, o.lr, o.weight_decay);
}

Optimizer::Commit Adagrad::plan(const ParamGroup& group, Tensor& p, const Tensor& g, ParamState& state) const {
  ParamState next;
  Tensor grad = group.weight_decay != 0 ? add(g, mul(p, group.weight_decay)) : g;
  next.step = state.step + 1;
  double clr = group.lr / (1.0 + static_cast<double>(next.step - 1) * o_.lr_decay);
  Tensor acc = state.buffers[0].defined() ? state.buffers[0]
                                          : full(p.sizes(), o_.initial_accumulator_value, p.dtype(), p.device());
  acc = add(acc, mul(grad, grad));
  next.buffers[0] = acc;
  return replace(p, state, sub(p, mul(div(grad, add(sqrt(acc), o_.eps)), clr)), std::move(next));
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

DL_NO_BACKWARD(sgd_update)
DL_NO_BACKWARD(adam_update)

}  // namespace dl
