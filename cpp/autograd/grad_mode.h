// Grad mode, per thread (PyTorch's torch.no_grad / set_grad_enabled).
#pragma once

namespace dl {

bool grad_enabled();
void set_grad_enabled(bool enabled);

// Disables recording for its lifetime and restores the previous mode.
class NoGradGuard {
 public:
  NoGradGuard() : previous_(grad_enabled()) { set_grad_enabled(false); }
  ~NoGradGuard() { set_grad_enabled(previous_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace dl
