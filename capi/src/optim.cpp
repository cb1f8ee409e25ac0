// Optimizers, gradient clipping and LR schedulers.
#include <cmath>
#include <string>
#include <vector>

#include "handles.h"

using namespace dl;
using namespace dl::capi;

namespace {

template <typename O>
const O& options_of(const O* o) {
  DL_CHECK(o != nullptr, Status::InvalidArgument, "argument 'o' (the options) is NULL");
  return *o;
}

std::vector<Tensor> module_params(dl_module* m) {
  std::vector<Tensor> params = value_of(m, "params_of")->parameters();
  DL_CHECK(!params.empty(), Status::InvalidArgument, "argument 'params_of' (a ",
           value_of(m, "params_of")->type_name(), ") has no parameters");
  return params;
}

std::vector<Tensor> tensor_params(dl_tensor* const* params, int count) {
  DL_CHECK(params != nullptr, Status::InvalidArgument, "argument 'params' is NULL");
  DL_CHECK(count >= 1, Status::InvalidArgument, "argument 'count' must be >= 1, got ", count);
  std::vector<Tensor> list;
  for (int i = 0; i < count; ++i) list.push_back(tensor_of(params[i], ("params[" + std::to_string(i) + "]").c_str()));
  return list;
}

SgdOptions sgd_options(const dl_sgd_options* c) {
  const auto& o = options_of(c);
  return SgdOptions{o.lr, o.momentum, o.dampening, o.weight_decay, o.nesterov != 0};
}
AdamOptions adam_options(const dl_adam_options* c) {
  const auto& o = options_of(c);
  return AdamOptions{o.lr, o.beta1, o.beta2, o.eps, o.weight_decay, o.amsgrad != 0};
}
RmspropOptions rmsprop_options(const dl_rmsprop_options* c) {
  const auto& o = options_of(c);
  return RmspropOptions{o.lr, o.alpha, o.eps, o.weight_decay, o.momentum, o.centered != 0};
}
AdagradOptions adagrad_options(const dl_adagrad_options* c) {
  const auto& o = options_of(c);
  return AdagradOptions{o.lr, o.lr_decay, o.weight_decay, o.initial_accumulator_value, o.eps};
}

ParamGroup& group_at(const dl_optimizer* opt, size_t group) {
  auto& groups = value_of(opt, "opt")->groups();
  DL_CHECK(group < groups.size(), Status::InvalidArgument, "argument 'group' ", group,
           " is out of range for an optimizer with ", groups.size(), " groups");
  return groups[group];
}

template <typename Make>
dl_status scheduler_result(const char* fn, dl_optimizer* opt, dl_scheduler** out, Make&& make) noexcept {
  return guarded(fn, [&] {
    reset_out(out, "out");
    auto holder = std::make_shared<SchedulerHolder>();
    holder->optimizer = value_of(opt, "opt");
    holder->scheduler = make(*holder->optimizer);
    *out = new_handle<dl_scheduler>(std::move(holder));
  });
}

// The C callback of dl_lambda_lr_new as LambdaLR's factor.
struct LambdaCallback {
  LambdaCallback(dl_lr_lambda_fn f, void* data, void (*release)(void*)) : fn(f), user(data, release) {}
  dl_lr_lambda_fn fn;
  UserData user;
  double operator()(int64_t epoch) const {
    double factor = 0;
    dl_status st = fn(epoch, &factor, user.data);
    if (st != DL_OK) {
      std::string message = dl_last_error_message();
      fail(static_cast<Status>(st), "the lr_lambda callback returned ", dl_status_name(st), " for epoch ", epoch,
           message.empty() ? "" : ": ", message);
    }
    DL_CHECK(std::isfinite(factor), Status::InvalidArgument, "the lr_lambda callback gave factor ", factor,
             " for epoch ", epoch);
    return factor;
  }
};

}  // namespace

extern "C" {

DL_API dl_sgd_options dl_sgd_defaults(void) { return dl_sgd_options{1e-3, 0, 0, 0, 0}; }
DL_API dl_adam_options dl_adam_defaults(void) { return dl_adam_options{1e-3, 0.9, 0.999, 1e-8, 0, 0}; }
DL_API dl_adam_options dl_adamw_defaults(void) { return dl_adam_options{1e-3, 0.9, 0.999, 1e-8, 1e-2, 0}; }
DL_API dl_rmsprop_options dl_rmsprop_defaults(void) { return dl_rmsprop_options{1e-2, 0.99, 1e-8, 0, 0, 0}; }
DL_API dl_adagrad_options dl_adagrad_defaults(void) { return dl_adagrad_options{1e-2, 0, 0, 0, 1e-10}; }

DL_API dl_status dl_sgd_new(dl_module* params_of, const dl_sgd_options* o, dl_optimizer** out) {
  return handle_result("dl_sgd_new", out, [&] { return std::make_shared<Sgd>(module_params(params_of), sgd_options(o)); });
}
DL_API dl_status dl_adam_new(dl_module* params_of, const dl_adam_options* o, dl_optimizer** out) {
  return handle_result("dl_adam_new", out,
                          [&] { return std::make_shared<Adam>(module_params(params_of), adam_options(o), false); });
}
DL_API dl_status dl_adamw_new(dl_module* params_of, const dl_adam_options* o, dl_optimizer** out) {
  return handle_result("dl_adamw_new", out,
                          [&] { return std::make_shared<Adam>(module_params(params_of), adam_options(o), true); });
}
DL_API dl_status dl_rmsprop_new(dl_module* params_of, const dl_rmsprop_options* o, dl_optimizer** out) {
  return handle_result("dl_rmsprop_new", out,
                          [&] { return std::make_shared<Rmsprop>(module_params(params_of), rmsprop_options(o)); });
}
DL_API dl_status dl_adagrad_new(dl_module* params_of, const dl_adagrad_options* o, dl_optimizer** out) {
  return handle_result("dl_adagrad_new", out,
                          [&] { return std::make_shared<Adagrad>(module_params(params_of), adagrad_options(o)); });
}

DL_API dl_status dl_sgd_new_tensors(dl_tensor* const* params, int count, const dl_sgd_options* o, dl_optimizer** out) {
  return handle_result("dl_sgd_new_tensors", out,
                          [&] { return std::make_shared<Sgd>(tensor_params(params, count), sgd_options(o)); });
}
DL_API dl_status dl_adam_new_tensors(dl_tensor* const* params, int count, const dl_adam_options* o,
                                     dl_optimizer** out) {
  return handle_result("dl_adam_new_tensors", out,
                          [&] { return std::make_shared<Adam>(tensor_params(params, count), adam_options(o), false); });
}
DL_API dl_status dl_adamw_new_tensors(dl_tensor* const* params, int count, const dl_adam_options* o,
                                      dl_optimizer** out) {
  return handle_result("dl_adamw_new_tensors", out,
                          [&] { return std::make_shared<Adam>(tensor_params(params, count), adam_options(o), true); });
}
DL_API dl_status dl_rmsprop_new_tensors(dl_tensor* const* params, int count, const dl_rmsprop_options* o,
                                        dl_optimizer** out) {
  return handle_result("dl_rmsprop_new_tensors", out,
                          [&] { return std::make_shared<Rmsprop>(tensor_params(params, count), rmsprop_options(o)); });
}
DL_API dl_status dl_adagrad_new_tensors(dl_tensor* const* params, int count, const dl_adagrad_options* o,
                                        dl_optimizer** out) {
  return handle_result("dl_adagrad_new_tensors", out,
                          [&] { return std::make_shared<Adagrad>(tensor_params(params, count), adagrad_options(o)); });
}

DL_API dl_status dl_optimizer_zero_grad(dl_optimizer* opt) {
  return guarded("dl_optimizer_zero_grad", [&] { value_of(opt, "opt")->zero_grad(true); });
}

DL_API dl_status dl_optimizer_zero_grad_ex(dl_optimizer* opt, int set_to_none) {
  return guarded("dl_optimizer_zero_grad_ex", [&] { value_of(opt, "opt")->zero_grad(set_to_none != 0); });
}

DL_API dl_status dl_optimizer_step(dl_optimizer* opt) {
  return guarded("dl_optimizer_step", [&] { value_of(opt, "opt")->step(); });
}

DL_API dl_status dl_optimizer_get_lr(const dl_optimizer* opt, double* out) {
  return guarded("dl_optimizer_get_lr", [&] {
    DL_CHECK(out != nullptr, Status::InvalidArgument, "argument 'out' is NULL");
    *out = 0;
    *out = value_of(opt, "opt")->lr();
  });
}

DL_API dl_status dl_optimizer_set_lr(dl_optimizer* opt, double lr) {
  return guarded("dl_optimizer_set_lr", [&] { value_of(opt, "opt")->set_lr(lr); });
}

DL_API dl_status dl_optimizer_add_param_group(dl_optimizer* opt, dl_tensor* const* params, int count, double lr,
                                              double weight_decay, size_t* index) {
  return guarded("dl_optimizer_add_param_group", [&] {
    auto& o = value_of(opt, "opt");
    size_t i = o->add_param_group(tensor_params(params, count), lr, weight_decay);
    if (index) *index = i;
  });
}

DL_API dl_status dl_optimizer_num_groups(const dl_optimizer* opt, size_t* out) {
  return guarded("dl_optimizer_num_groups", [&] {
    DL_CHECK(out != nullptr, Status::InvalidArgument, "argument 'out' is NULL");
    *out = 0;
    *out = value_of(opt, "opt")->groups().size();
  });
}

DL_API dl_status dl_optimizer_get_group_lr(const dl_optimizer* opt, size_t group, double* out) {
  return guarded("dl_optimizer_get_group_lr", [&] {
    DL_CHECK(out != nullptr, Status::InvalidArgument, "argument 'out' is NULL");
    *out = 0;
    *out = group_at(opt, group).lr;
  });
}

DL_API dl_status dl_optimizer_set_group_lr(dl_optimizer* opt, size_t group, double lr) {
  return guarded("dl_optimizer_set_group_lr", [&] {
    ParamGroup& g = group_at(opt, group);
    DL_CHECK(lr >= 0 && std::isfinite(lr), Status::InvalidArgument, "argument 'lr' must be finite and >= 0, got ",
             lr);
    g.lr = lr;
  });
}

DL_API void dl_optimizer_free(dl_optimizer* opt) { free_handle(opt); }

DL_API dl_status dl_clip_grad_norm(dl_module* m, double max_norm, double norm_type, double* total_norm) {
  return guarded("dl_clip_grad_norm", [&] {
    double norm = clip_grad_norm_(value_of(m, "m")->parameters(), max_norm, norm_type);
    if (total_norm) *total_norm = norm;
  });
}

DL_API dl_status dl_clip_grad_norm_tensors(dl_tensor* const* params, int count, double max_norm, double norm_type,
                                           double* total_norm) {
  return guarded("dl_clip_grad_norm_tensors", [&] {
    double norm = clip_grad_norm_(tensor_params(params, count), max_norm, norm_type);
    if (total_norm) *total_norm = norm;
  });
}

DL_API dl_status dl_clip_grad_value(dl_module* m, double clip_value) {
  return guarded("dl_clip_grad_value", [&] { clip_grad_value_(value_of(m, "m")->parameters(), clip_value); });
}

DL_API dl_status dl_clip_grad_value_tensors(dl_tensor* const* params, int count, double clip_value) {
  return guarded("dl_clip_grad_value_tensors",
                 [&] { clip_grad_value_(tensor_params(params, count), clip_value); });
}

DL_API dl_status dl_step_lr_new(dl_optimizer* opt, int64_t step_size, double gamma, dl_scheduler** out) {
  return scheduler_result("dl_step_lr_new", opt, out,
                          [&](Optimizer& o) { return std::make_unique<StepLR>(o, step_size, gamma); });
}

DL_API dl_status dl_multistep_lr_new(dl_optimizer* opt, const int64_t* milestones, int count, double gamma,
                                     dl_scheduler** out) {
  return scheduler_result("dl_multistep_lr_new", opt, out, [&](Optimizer& o) {
    Dims m = dims_of(milestones, count, "milestones");
    for (size_t i = 1; i < m.size(); ++i)
      DL_CHECK(m[i] >= m[i - 1], Status::InvalidArgument, "argument 'milestones' must not decrease, got ", m[i - 1],
               " then ", m[i]);
    return std::make_unique<MultiStepLR>(o, std::vector<int64_t>(m.begin(), m.end()), gamma);
  });
}

DL_API dl_status dl_exponential_lr_new(dl_optimizer* opt, double gamma, dl_scheduler** out) {
  return scheduler_result("dl_exponential_lr_new", opt, out,
                          [&](Optimizer& o) { return std::make_unique<ExponentialLR>(o, gamma); });
}

DL_API dl_status dl_cosine_annealing_lr_new(dl_optimizer* opt, int64_t t_max, double eta_min, dl_scheduler** out) {
  return scheduler_result("dl_cosine_annealing_lr_new", opt, out,
                          [&](Optimizer& o) { return std::make_unique<CosineAnnealingLR>(o, t_max, eta_min); });
}

DL_API dl_status dl_lambda_lr_new(dl_optimizer* opt, dl_lr_lambda_fn lambda, void* user_data,
                                  void (*free_user_data)(void* user_data), dl_scheduler** out) {
  auto callback = std::make_shared<LambdaCallback>(lambda, user_data, free_user_data);
  dl_status st = scheduler_result("dl_lambda_lr_new", opt, out, [&](Optimizer& o) {
    DL_CHECK(lambda != nullptr, Status::InvalidArgument, "argument 'lambda' is NULL");
    return std::make_unique<LambdaLR>(o, [callback](int64_t epoch) { return (*callback)(epoch); });
  });
  callback->user.armed = st == DL_OK;
  return st;
}

DL_API dl_plateau_options dl_plateau_defaults(void) {
  return dl_plateau_options{0, 0.1, 10, 1e-4, 0, 0, 0.0, 1e-8};
}

DL_API dl_status dl_reduce_lr_on_plateau_new(dl_optimizer* opt, const dl_plateau_options* o, dl_scheduler** out) {
  return scheduler_result("dl_reduce_lr_on_plateau_new", opt, out, [&](Optimizer& optimizer) {
    const auto& c = options_of(o);
    PlateauOptions p;
    p.mode_max = c.mode_max != 0;
    p.factor = c.factor;
    p.patience = c.patience;
    p.threshold = c.threshold;
    p.threshold_abs = c.threshold_abs != 0;
    p.cooldown = c.cooldown;
    p.min_lr = c.min_lr;
    p.eps = c.eps;
    return std::make_unique<ReduceLROnPlateau>(optimizer, p);
  });
}

DL_API dl_status dl_scheduler_step(dl_scheduler* s) {
  return guarded("dl_scheduler_step", [&] { value_of(s, "s")->scheduler->step(); });
}

DL_API dl_status dl_scheduler_step_metric(dl_scheduler* s, double metric) {
  return guarded("dl_scheduler_step_metric", [&] { value_of(s, "s")->scheduler->step(metric); });
}

DL_API dl_status dl_scheduler_get_last_lr(const dl_scheduler* s, double* out) {
  return guarded("dl_scheduler_get_last_lr", [&] {
    DL_CHECK(out != nullptr, Status::InvalidArgument, "argument 'out' is NULL");
    *out = 0;
    *out = value_of(s, "s")->scheduler->last_lr().at(0);
  });
}

DL_API void dl_scheduler_free(dl_scheduler* s) { free_handle(s); }

}  // extern "C"
