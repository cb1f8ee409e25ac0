// Activation and shape modules (nn.ReLU, nn.Softmax(dim), nn.Flatten, ...):
// stateless modules whose forward is one function of the input.
#pragma once

#include <functional>
#include <memory>

#include "nn/module.h"

namespace dl {

class FunctionModule : public Module {
 public:
  using Fn = std::function<Tensor(const Tensor&)>;
  FunctionModule(std::string type_name, Fn fn) : Module(std::move(type_name)), fn_(std::move(fn)) {}
  Tensor forward(const Tensor& x) override { return fn_(x); }

 private:
  Fn fn_;
};

std::shared_ptr<Module> make_relu();
std::shared_ptr<Module> make_leaky_relu(double negative_slope = 0.01);
std::shared_ptr<Module> make_elu(double alpha = 1.0);
std::shared_ptr<Module> make_gelu(bool approximate_tanh = false);
std::shared_ptr<Module> make_sigmoid();
std::shared_ptr<Module> make_tanh();
std::shared_ptr<Module> make_softmax(int64_t dim);
std::shared_ptr<Module> make_log_softmax(int64_t dim);
std::shared_ptr<Module> make_flatten(int64_t start_dim = 1, int64_t end_dim = -1);
std::shared_ptr<Module> make_identity();

}  // namespace dl
