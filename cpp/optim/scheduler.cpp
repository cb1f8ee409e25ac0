#include "optim/scheduler.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/error.h"

namespace dl {

Scheduler::Scheduler(Optimizer& opt) : opt_(opt) {
  for (const ParamGroup& g : opt.groups()) base_lrs_.push_back(g.lr);
}

void Scheduler::initialize() {
  last_epoch_ = 0;
  apply(compute_lr());
}

std::vector<double> Scheduler::current_lrs() const {
  std::vector<double> lrs;
  for (const ParamGroup& g : opt_.groups()) lrs.push_back(g.lr);
  return lrs;
}

std::vector<double> Scheduler::last_lr() const { return current_lrs(); }

void Scheduler::apply(const std::vector<double>& lrs) {
  for (size_t i = 0; i < lrs.size() && i < opt_.groups().size(); ++i) opt_.groups()[i].lr = lrs[i];
}

void Scheduler::step() {
  ++last_epoch_;
  try {
    apply(compute_lr());
  } catch (...) {
    --last_epoch_;  // a failed step changes nothing
    throw;
  }
}

void Scheduler::step(double) {
  fail(Status::State, name(), ": step with a metric is only for ReduceLROnPlateau; call step() without one");
}

StepLR::StepLR(Optimizer& opt, int64_t step_size, double gamma) : Scheduler(opt), step_size_(step_size), gamma_(gamma) {
  DL_CHECK(step_size > 0, Status::InvalidArgument, "StepLR: step_size must be positive, got ", step_size);
  initialize();
}

std::vector<double> StepLR::compute_lr() const {
  std::vector<double> lrs = current_lrs();
  if (last_epoch_ == 0 || last_epoch_ % step_size_ != 0) return lrs;
  for (double& lr : lrs) lr *= gamma_;
  return lrs;
}

MultiStepLR::MultiStepLR(Optimizer& opt, std::vector<int64_t> milestones, double gamma)
    : Scheduler(opt), milestones_(std::move(milestones)), gamma_(gamma) {
  std::sort(milestones_.begin(), milestones_.end());
  initialize();
}

std::vector<double> MultiStepLR::compute_lr() const {
  std::vector<double> lrs = current_lrs();
  int64_t hits = std::count(milestones_.begin(), milestones_.end(), last_epoch_);
  if (hits == 0) return lrs;
  for (double& lr : lrs) lr *= std::pow(gamma_, static_cast<double>(hits));
  return lrs;
}

ExponentialLR::ExponentialLR(Optimizer& opt, double gamma) : Scheduler(opt), gamma_(gamma) { initialize(); }

std::vector<double> ExponentialLR::compute_lr() const {
  std::vector<double> lrs = current_lrs();
  if (last_epoch_ == 0) return lrs;
  for (double& lr : lrs) lr *= gamma_;
  return lrs;
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& opt, int64_t t_max, double eta_min)
    : Scheduler(opt), t_max_(t_max), eta_min_(eta_min) {
  DL_CHECK(t_max > 0, Status::InvalidArgument, "CosineAnnealingLR: T_max must be positive, got ", t_max);
  initialize();
}

std::vector<double> CosineAnnealingLR::compute_lr() const {
  std::vector<double> lrs = current_lrs();
  if (last_epoch_ == 0) return lrs;
  const double pi = M_PI, e = static_cast<double>(last_epoch_), t = static_cast<double>(t_max_);
  for (size_t i = 0; i < lrs.size(); ++i) {
    if ((last_epoch_ - 1 - t_max_) % (2 * t_max_) == 0) {
      lrs[i] = lrs[i] + (base_lrs_[i] - eta_min_) * (1 - std::cos(pi / t)) / 2;
    } else {
      lrs[i] = (1 + std::cos(pi * e / t)) / (1 + std::cos(pi * (e - 1) / t)) * (lrs[i] - eta_min_) + eta_min_;
    }
  }
  return lrs;
}

LambdaLR::LambdaLR(Optimizer& opt, Factor factor) : Scheduler(opt), factor_(std::move(factor)) {
  DL_CHECK(static_cast<bool>(factor_), Status::InvalidArgument, "LambdaLR: argument 'lr_lambda' is empty");
  initialize();
}

std::vector<double> LambdaLR::compute_lr() const {
  std::vector<double> lrs;
  for (double base : base_lrs_) lrs.push_back(base * factor_(last_epoch_));
  return lrs;
}

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& opt, const PlateauOptions& o) : Scheduler(opt), o_(o) {
  DL_CHECK(o.factor < 1.0 && o.factor >= 0, Status::InvalidArgument, "ReduceLROnPlateau: factor should be < 1.0, got ",
           o.factor);
  best_ = o.mode_max ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  last_epoch_ = 0;
}

void ReduceLROnPlateau::step() {
  fail(Status::State, "ReduceLROnPlateau: step needs the metric; call step(metric)");
}

bool ReduceLROnPlateau::better(double a, double best) const {
  if (!o_.mode_max) return o_.threshold_abs ? a < best - o_.threshold : a < best * (1.0 - o_.threshold);
  return o_.threshold_abs ? a > best + o_.threshold : a > best * (1.0 + o_.threshold);
}

void ReduceLROnPlateau::step(double metric) {
  ++last_epoch_;
  if (better(metric, best_)) {
    best_ = metric;
    bad_epochs_ = 0;
  } else {
    ++bad_epochs_;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    bad_epochs_ = 0;
  }
  if (bad_epochs_ > o_.patience) {
    for (ParamGroup& g : opt_.groups()) {
      double reduced = std::max(g.lr * o_.factor, o_.min_lr);
      if (g.lr - reduced > o_.eps) g.lr = reduced;
    }
    cooldown_counter_ = o_.cooldown;
    bad_epochs_ = 0;
  }
}

}  // namespace dl
