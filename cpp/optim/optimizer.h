// Optimizers, as torch.optim: parameter groups with their own lr and
// weight decay, per-parameter state, zero_grad and step. A step is all or
// nothing: it first plans every parameter's update (checks, allocations and,
// for the composite optimizers, the new values), which may fail and changes
// nothing, then commits them all, which cannot fail. SGD and Adam/AdamW
// commit with one fused in-place kernel per parameter (sgd_update,
// adam_update); RMSprop and Adagrad compute new tensors and copy them in.
// Parameters without a gradient (frozen, or unused) are skipped, as in PyTorch.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "tensor/tensor.h"

namespace dl {

struct ParamState {
  int64_t step = 0;
  Tensor buffers[3];  // per optimizer: momentum; exp_avg, exp_avg_sq, max_exp_avg_sq; ... (contiguous, p's shape)
};

struct ParamGroup {
  std::vector<Tensor> params;
  std::vector<ParamState> state;  // one per param
  double lr = 0;
  double weight_decay = 0;
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // set_to_none drops gradients (PyTorch's default); otherwise zeroes them in place.
  void zero_grad(bool set_to_none = true);
  void step();
  // The first group's lr; set_lr sets every group's.
  double lr() const { return groups_.at(0).lr; }
  void set_lr(double lr);
  // Adds a group (its params must not be in another group). Returns its index.
  size_t add_param_group(const std::vector<Tensor>& params, double lr, double weight_decay);
  std::vector<ParamGroup>& groups() { return groups_; }
  const std::vector<ParamGroup>& groups() const { return groups_; }
  virtual const char* name() const = 0;

 protected:
  // Runs at commit time; must not throw.
  using Commit = std::function<void()>;
  // Plans the update of p (contiguous gradient g of p's shape, dtype and
  // device) and of its state: may throw, must not modify p or state; the
  // returned Commit applies it.
  virtual Commit plan(const ParamGroup& group, Tensor& p, const Tensor& g, ParamState& state) const = 0;
  // The Commit of a composite update: p takes value's elements and state becomes next.
  static Commit replace(Tensor& p, ParamState& state, Tensor value, ParamState next);

 private:
  std::vector<ParamGroup> groups_;
};

struct SgdOptions {
  double lr = 1e-3, momentum = 0, dampening = 0, weight_decay = 0;
  bool nesterov = false;
};
class Sgd : public Optimizer {
 public:
  Sgd(const std::vector<Tensor>& params, const SgdOptions& o);
  const char* name() const override { return "SGD"; }

 protected:
  Commit plan(const ParamGroup& group, Tensor& p, const Tensor& g, ParamState& state) const override;

 private:
  SgdOptions o_;
};

struct AdamOptions {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0;
  bool amsgrad = false;
};
// Adam, or AdamW (decoupled weight decay) when decoupled is true.
class Adam : public Optimizer {
 public:
  Adam(const std::vector<Tensor>& params, const AdamOptions& o, bool decoupled = false);
  const char* name() const override { return decoupled_ ? "AdamW" : "Adam"; }

 protected:
  Commit plan(const ParamGroup& group, Tensor& p, const Tensor& g, ParamState& state) const override;

 private:
  AdamOptions o_;
  bool decoupled_;
};

struct RmspropOptions {
  double lr = 1e-2, alpha = 0.99, eps = 1e-8, weight_decay = 0, momentum = 0;
  bool centered = false;
};
class Rmsprop : public Optimizer {
 public:
  Rmsprop(const std::vector<Tensor>& params, const RmspropOptions& o);
  const char* name() const override { return "RMSprop"; }

 protected:
  Commit plan(const ParamGroup& group, Tensor& p, const Tensor& g, ParamState& state) const override;

 private:
  RmspropOptions o_;
};

struct AdagradOptions {
  double lr = 1e-2, lr_decay = 0, weight_decay = 0, initial_accumulator_value = 0, eps = 1e-10;
};
class Adagrad : public Optimizer {
 public:
  Adagrad(const std::vector<Tensor>& params, const AdagradOptions& o);
  const char* name() const override { return "Adagrad"; }

 protected:
  Commit plan(const ParamGroup& group, Tensor& p, const Tensor& g, ParamState& state) const override;

 private:
  AdagradOptions o_;
};

// Scales all gradients so their joint p-norm is at most max_norm (p may be
// infinity); returns the norm before clipping, as torch.nn.utils.clip_grad_norm_.
double clip_grad_norm_(const std::vector<Tensor>& params, double max_norm, double norm_type = 2.0);
// Clamps every gradient element into [-clip_value, clip_value].
void clip_grad_value_(const std::vector<Tensor>& params, double clip_value);

}  // namespace dl
