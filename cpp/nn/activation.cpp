#include "nn/activation.h"

#include "nn/functional.h"
#include "ops/elementwise.h"
#include "ops/softmax.h"
#include "ops/view.h"

namespace dl {

namespace {
std::shared_ptr<Module> make(const char* name, FunctionModule::Fn fn) {
  return std::make_shared<FunctionModule>(name, std::move(fn));
}
}  // namespace

std::shared_ptr<Module> make_relu() { return make("ReLU", [](const Tensor& x) { return relu(x); }); }
std::shared_ptr<Module> make_leaky_relu(double slope) {
  return make("LeakyReLU", [slope](const Tensor& x) { return leaky_relu(x, slope); });
}
std::shared_ptr<Module> make_elu(double alpha) {
  return make("ELU", [alpha](const Tensor& x) { return elu(x, alpha); });
}
std::shared_ptr<Module> make_gelu(bool approximate_tanh) {
  return make("GELU", [approximate_tanh](const Tensor& x) { return gelu(x, approximate_tanh); });
}
std::shared_ptr<Module> make_sigmoid() { return make("Sigmoid", [](const Tensor& x) { return sigmoid(x); }); }
std::shared_ptr<Module> make_tanh() { return make("Tanh", [](const Tensor& x) { return tanh(x); }); }
std::shared_ptr<Module> make_softmax(int64_t dim) {
  return make("Softmax", [dim](const Tensor& x) { return softmax(x, dim); });
}
std::shared_ptr<Module> make_log_softmax(int64_t dim) {
  return make("LogSoftmax", [dim](const Tensor& x) { return log_softmax(x, dim); });
}
std::shared_ptr<Module> make_flatten(int64_t start_dim, int64_t end_dim) {
  return make("Flatten", [start_dim, end_dim](const Tensor& x) { return flatten(x, start_dim, end_dim); });
}
std::shared_ptr<Module> make_identity() { return make("Identity", [](const Tensor& x) { return x; }); }

}  // namespace dl
