/* libdl optimizers, gradient clipping and LR schedulers, as torch.optim.
 * An optimizer updates the parameters it was given (from a module, or a list
 * of tensors); parameters without a gradient (frozen, unused) are skipped. A
 * step is all or nothing. A scheduler keeps its optimizer alive. */
#ifndef DL_OPTIM_H
#define DL_OPTIM_H

#include "dl/nn.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dl_optimizer dl_optimizer;
typedef struct dl_scheduler dl_scheduler;

/* ---- Options (field order is part of the ABI). The _defaults() functions
 * return PyTorch's defaults; set only what you change. */
typedef struct {
  double lr, momentum, dampening, weight_decay;
  int nesterov;
} dl_sgd_options; /* lr 1e-3, the rest 0 */
typedef struct {
  double lr, beta1, beta2, eps, weight_decay;
  int amsgrad;
} dl_adam_options; /* lr 1e-3, betas 0.9/0.999, eps 1e-8, weight_decay 0 (AdamW: 1e-2) */
typedef struct {
  double lr, alpha, eps, weight_decay, momentum;
  int centered;
} dl_rmsprop_options; /* lr 1e-2, alpha 0.99, eps 1e-8, the rest 0 */
typedef struct {
  double lr, lr_decay, weight_decay, initial_accumulator_value, eps;
} dl_adagrad_options; /* lr 1e-2, eps 1e-10, the rest 0 */

DL_API dl_sgd_options dl_sgd_defaults(void);
DL_API dl_adam_options dl_adam_defaults(void);
DL_API dl_adam_options dl_adamw_defaults(void);
DL_API dl_rmsprop_options dl_rmsprop_defaults(void);
DL_API dl_adagrad_options dl_adagrad_defaults(void);

/* ---- Construction. From params_of's parameters (model.parameters()), or
 * from count tensors (_tensors forms; each a floating leaf, none twice). One
 * parameter group with the options' lr and weight_decay. The optimizer holds
 * the parameters, not the module. Caller frees *out with dl_optimizer_free.
 * Errors: DL_ERR_INVALID_ARGUMENT (bad handles, options NULL, an invalid
 * option value: the message names it, no parameters, a tensor twice or not a
 * leaf), DL_ERR_DTYPE (a non-floating tensor). AdamW is Adam with decoupled
 * weight decay. */
DL_API dl_status dl_sgd_new(dl_module* params_of, const dl_sgd_options* o, dl_optimizer** out);
DL_API dl_status dl_adam_new(dl_module* params_of, const dl_adam_options* o, dl_optimizer** out);
DL_API dl_status dl_adamw_new(dl_module* params_of, const dl_adam_options* o, dl_optimizer** out);
DL_API dl_status dl_rmsprop_new(dl_module* params_of, const dl_rmsprop_options* o, dl_optimizer** out);
DL_API dl_status dl_adagrad_new(dl_module* params_of, const dl_adagrad_options* o, dl_optimizer** out);
DL_API dl_status dl_sgd_new_tensors(dl_tensor* const* params, int count, const dl_sgd_options* o, dl_optimizer** out);
DL_API dl_status dl_adam_new_tensors(dl_tensor* const* params, int count, const dl_adam_options* o,
                                     dl_optimizer** out);
DL_API dl_status dl_adamw_new_tensors(dl_tensor* const* params, int count, const dl_adam_options* o,
                                      dl_optimizer** out);
DL_API dl_status dl_rmsprop_new_tensors(dl_tensor* const* params, int count, const dl_rmsprop_options* o,
                                        dl_optimizer** out);
DL_API dl_status dl_adagrad_new_tensors(dl_tensor* const* params, int count, const dl_adagrad_options* o,
                                        dl_optimizer** out);

/* ---- Use. */

/* Drops every parameter's gradient (PyTorch's set_to_none=True).
 * Errors: DL_ERR_INVALID_ARGUMENT. */
DL_API dl_status dl_optimizer_zero_grad(dl_optimizer* opt);
/* set_to_none 0: zeroes gradients in place instead. */
DL_API dl_status dl_optimizer_zero_grad_ex(dl_optimizer* opt, int set_to_none);

/* One update of every parameter that has a gradient. All or nothing.
 * Errors: DL_ERR_INVALID_ARGUMENT, DL_ERR_STATE (a gradient of the wrong
 * shape or dtype). */
DL_API dl_status dl_optimizer_step(dl_optimizer* opt);

/* The first group's lr; set_lr sets every group's. Errors:
 * DL_ERR_INVALID_ARGUMENT (bad handle, out NULL, lr negative or NaN). */
DL_API dl_status dl_optimizer_get_lr(const dl_optimizer* opt, double* out);
DL_API dl_status dl_optimizer_set_lr(dl_optimizer* opt, double lr);

/* Adds a parameter group with its own lr and weight_decay (the kind's other
 * options are shared), as add_param_group; *index (nullable) receives its
 * index. Errors: DL_ERR_INVALID_ARGUMENT (a tensor already in a group,
 * invalid lr or weight_decay), DL_ERR_DTYPE. */
DL_API dl_status dl_optimizer_add_param_group(dl_optimizer* opt, dl_tensor* const* params, int count, double lr,
                                              double weight_decay, size_t* index);
/* Number of groups. Errors: DL_ERR_INVALID_ARGUMENT. */
DL_API dl_status dl_optimizer_num_groups(const dl_optimizer* opt, size_t* out);
/* One group's lr. Errors: DL_ERR_INVALID_ARGUMENT (group out of range, bad lr). */
DL_API dl_status dl_optimizer_get_group_lr(const dl_optimizer* opt, size_t group, double* out);
DL_API dl_status dl_optimizer_set_group_lr(dl_optimizer* opt, size_t group, double lr);

/* Releases the optimizer (and its state). NULL is a no-op. */
DL_API void dl_optimizer_free(dl_optimizer* opt);

/* ---- Gradient clipping over a module's parameters (or count tensors). */

/* Scales all gradients so their joint norm_type-norm (INFINITY allowed) is at
 * most max_norm; *total_norm (nullable) receives the norm before clipping,
 * as torch.nn.utils.clip_grad_norm_. Errors: DL_ERR_INVALID_ARGUMENT
 * (bad handles, norm_type <= 0). */
DL_API dl_status dl_clip_grad_norm(dl_module* m, double max_norm, double norm_type, double* total_norm);
DL_API dl_status dl_clip_grad_norm_tensors(dl_tensor* const* params, int count, double max_norm, double norm_type,
                                           double* total_norm);
/* Clamps every gradient element into [-clip_value, clip_value].
 * Errors: DL_ERR_INVALID_ARGUMENT (bad handles, clip_value < 0). */
DL_API dl_status dl_clip_grad_value(dl_module* m, double clip_value);
DL_API dl_status dl_clip_grad_value_tensors(dl_tensor* const* params, int count, double clip_value);

/* ---- LR schedulers. Creating one applies epoch 0 to the optimizer's lrs;
 * each dl_scheduler_step advances one epoch (call it after the epoch's
 * optimizer steps). Caller frees *out with dl_scheduler_free. Errors:
 * DL_ERR_INVALID_ARGUMENT (bad handles, invalid values: the message names
 * them). */

/* lr = base_lr * gamma^(epoch / step_size) (integer division). */
DL_API dl_status dl_step_lr_new(dl_optimizer* opt, int64_t step_size, double gamma, dl_scheduler** out);
/* lr = base_lr * gamma^(number of milestones <= epoch); milestones do not
 * decrease (one given twice counts twice, as in PyTorch). */
DL_API dl_status dl_multistep_lr_new(dl_optimizer* opt, const int64_t* milestones, int count, double gamma,
                                     dl_scheduler** out);
/* lr = base_lr * gamma^epoch. */
DL_API dl_status dl_exponential_lr_new(dl_optimizer* opt, double gamma, dl_scheduler** out);
/* Cosine from base_lr down to eta_min over t_max epochs (PyTorch's recursive form). */
DL_API dl_status dl_cosine_annealing_lr_new(dl_optimizer* opt, int64_t t_max, double eta_min, dl_scheduler** out);

/* LambdaLR's factor: set *factor for epoch and return DL_OK, or return an
 * error status, which makes that step fail and change nothing. */
typedef dl_status (*dl_lr_lambda_fn)(int64_t epoch, double* factor, void* user_data);
/* lr = base_lr * lambda(epoch). free_user_data (nullable) is called with
 * user_data when the scheduler is destroyed. The constructor calls lambda
 * for epoch 0; its failure fails the constructor. */
DL_API dl_status dl_lambda_lr_new(dl_optimizer* opt, dl_lr_lambda_fn lambda, void* user_data,
                                  void (*free_user_data)(void* user_data), dl_scheduler** out);

/* ReduceLROnPlateau options, PyTorch's defaults from dl_plateau_defaults():
 * mode "min", factor 0.1, patience 10, threshold 1e-4 "rel", cooldown 0,
 * min_lr 0, eps 1e-8. */
typedef struct {
  int mode_max;      /* 0: "min" (lower metric is better), 1: "max" */
  double factor;     /* new lr = lr * factor, in [0, 1) */
  int64_t patience;  /* epochs without improvement before reducing */
  double threshold;
  int threshold_abs; /* 0: "rel", 1: "abs" */
  int64_t cooldown;
  double min_lr;
  double eps;        /* changes smaller than eps are not made */
} dl_plateau_options;
DL_API dl_plateau_options dl_plateau_defaults(void);
/* Steps with dl_scheduler_step_metric only. */
DL_API dl_status dl_reduce_lr_on_plateau_new(dl_optimizer* opt, const dl_plateau_options* o, dl_scheduler** out);

/* Advances one epoch. Errors: DL_ERR_INVALID_ARGUMENT, DL_ERR_STATE (a
 * ReduceLROnPlateau, which needs a metric), the LambdaLR callback's status. */
DL_API dl_status dl_scheduler_step(dl_scheduler* s);
/* ReduceLROnPlateau: advances one epoch given the metric (validation loss ...).
 * Errors: DL_ERR_STATE for other schedulers, DL_ERR_INVALID_ARGUMENT. */
DL_API dl_status dl_scheduler_step_metric(dl_scheduler* s, double metric);
/* The lr the last step set, of the first group (get_last_lr()[0]).
 * Errors: DL_ERR_INVALID_ARGUMENT. */
DL_API dl_status dl_scheduler_get_last_lr(const dl_scheduler* s, double* out);
/* Releases the scheduler (and its hold on the optimizer). NULL is a no-op. */
DL_API void dl_scheduler_free(dl_scheduler* s);

#ifdef __cplusplus
}
#endif

#endif /* DL_OPTIM_H */
