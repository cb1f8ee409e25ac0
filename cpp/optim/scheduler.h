// Learning-rate schedulers, as torch.optim.lr_scheduler. Constructing one
// applies epoch 0 (the optimizer's lrs become the base lrs' epoch-0 values);
// each step() advances one epoch. The formulas are PyTorch's recursive ones
// (lr from the previous lr), so sequences match PyTorch's bit for bit up to
// the last rounding.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "optim/optimizer.h"

namespace dl {

class Scheduler {
 public:
  explicit Scheduler(Optimizer& opt);
  virtual ~Scheduler() = default;
  virtual void step();
  // ReduceLROnPlateau steps on a metric; the others reject it (Status::State).
  virtual void step(double metric);
  int64_t last_epoch() const { return last_epoch_; }
  std::vector<double> last_lr() const;
  virtual const char* name() const = 0;

 protected:
  // The lrs for last_epoch_ (already advanced), one per group.
  virtual std::vector<double> compute_lr() const = 0;
  // Applies epoch 0; constructors call it last.
  void initialize();
  std::vector<double> current_lrs() const;
  void apply(const std::vector<double>& lrs);

  Optimizer& opt_;
  std::vector<double> base_lrs_;
  int64_t last_epoch_ = -1;
};

class StepLR : public Scheduler {
 public:
  StepLR(Optimizer& opt, int64_t step_size, double gamma = 0.1);
  const char* name() const override { return "StepLR"; }

 protected:
  std::vector<double> compute_lr() const override;

 private:
  int64_t step_size_;
  double gamma_;
};

class MultiStepLR : public Scheduler {
 public:
  MultiStepLR(Optimizer& opt, std::vector<int64_t> milestones, double gamma = 0.1);
  const char* name() const override { return "MultiStepLR"; }

 protected:
  std::vector<double> compute_lr() const override;

 private:
  std::vector<int64_t> milestones_;
  double gamma_;
};

class ExponentialLR : public Scheduler {
 public:
  ExponentialLR(Optimizer& opt, double gamma);
  const char* name() const override { return "ExponentialLR"; }

 protected:
  std::vector<double> compute_lr() const override;

 private:
  double gamma_;
};

class CosineAnnealingLR : public Scheduler {
 public:
  CosineAnnealingLR(Optimizer& opt, int64_t t_max, double eta_min = 0);
  const char* name() const override { return "CosineAnnealingLR"; }

 protected:
  std::vector<double> compute_lr() const override;

 private:
  int64_t t_max_;
  double eta_min_;
};

// lr = base_lr * factor(epoch). The factor function may throw dl::Error to
// report a failure; the step then changes nothing.
class LambdaLR : public Scheduler {
 public:
  using Factor = std::function<double(int64_t epoch)>;
  LambdaLR(Optimizer& opt, Factor factor);
  const char* name() const override { return "LambdaLR"; }

 protected:
  std::vector<double> compute_lr() const override;

 private:
  Factor factor_;
};

struct PlateauOptions {
  bool mode_max = false;       // "min" (false) or "max"
  double factor = 0.1;
  int64_t patience = 10;
  double threshold = 1e-4;
  bool threshold_abs = false;  // threshold_mode "rel" (false) or "abs"
  int64_t cooldown = 0;
  double min_lr = 0;
  double eps = 1e-8;
};

class ReduceLROnPlateau : public Scheduler {
 public:
  ReduceLROnPlateau(Optimizer& opt, const PlateauOptions& o);
  void step() override;  // Status::State: needs a metric
  void step(double metric) override;
  const char* name() const override { return "ReduceLROnPlateau"; }

 protected:
  std::vector<double> compute_lr() const override { return current_lrs(); }

 private:
  bool better(double a, double best) const;
  PlateauOptions o_;
  double best_;
  int64_t bad_epochs_ = 0;
  int64_t cooldown_counter_ = 0;
};

}  // namespace dl
