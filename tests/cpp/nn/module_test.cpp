// Module structure: dotted parameter names, registration order, counting,
// lookup, train/eval, Linear's initialization bounds, activation modules.
#include "nn/module.h"

#include <gtest/gtest.h>

#include <cmath>

#include "autograd/autograd.h"
#include "base/error.h"
#include "fixture_util.h"
#include "nn/activation.h"
#include "nn/linear.h"
#include "tensor/generator.h"

namespace dl {
namespace {

using testing::values;

class Net : public Module {
 public:
  Net() : Module("Net") {
    register_module("fc1", std::make_shared<Linear>(784, 128));
    register_module("fc2", std::make_shared<Linear>(128, 10));
  }
  Tensor forward(const Tensor& x) override {
    return children_[1].second->forward(relu(children_[0].second->forward(x)));
  }
};

TEST(Module, DottedNamesInRegistrationOrder) {
  Net net;
  auto named = net.named_parameters();
  ASSERT_EQ(named.size(), 4u);
  EXPECT_EQ(named[0].first, "fc1.weight");
  EXPECT_EQ(named[1].first, "fc1.bias");
  EXPECT_EQ(named[2].first, "fc2.weight");
  EXPECT_EQ(named[3].first, "fc2.bias");
  EXPECT_EQ(shape_str(net.parameter("fc2.weight").sizes()), "[10, 128]");
  EXPECT_THROW(net.parameter("fc3.weight"), Error);
  int64_t count = 0;
  for (auto& p : net.parameters()) count += p.numel();
  EXPECT_EQ(count, 784 * 128 + 128 + 128 * 10 + 10);
}

TEST(Module, SequentialNamesChildrenByIndex) {
  Sequential seq;
  seq.append(std::make_shared<Linear>(4, 3));
  seq.append(make_relu());
  seq.append(std::make_shared<Linear>(3, 2, false));
  auto named = seq.named_parameters();
  ASSERT_EQ(named.size(), 3u);
  EXPECT_EQ(named[0].first, "0.weight");
  EXPECT_EQ(named[1].first, "0.bias");
  EXPECT_EQ(named[2].first, "2.weight");
  Tensor y = seq.forward(ones({5, 4}));
  EXPECT_EQ(shape_str(y.sizes()), "[5, 2]");
}

TEST(Module, SharedParametersAreListedOnce) {
  Sequential seq;
  auto shared = std::make_shared<Linear>(3, 3);
  seq.append(shared);
  seq.append(shared);
  EXPECT_EQ(seq.parameters().size(), 2u);
}

TEST(Module, BadNamesAreErrors) {
  Module m("M");
  m.register_parameter("w", zeros({2}));
  EXPECT_THROW(m.register_parameter("w", zeros({2})), Error);
  EXPECT_THROW(m.register_buffer("a.b", zeros({2})), Error);
  EXPECT_THROW(m.register_module("", std::make_shared<Linear>(1, 1)), Error);
  EXPECT_THROW(m.forward(zeros({1})), Error);
}

TEST(Module, TrainEvalIsRecursive) {
  Net net;
  net.train(false);
  EXPECT_FALSE(net.is_training());
  EXPECT_FALSE(net.children()[0].second->is_training());
  net.train();
  EXPECT_TRUE(net.children()[1].second->is_training());
}

TEST(Module, LinearInitializationWithinPytorchBounds) {
  manual_seed(7);
  Linear fc(100, 50);
  double bound = 1.0 / std::sqrt(100.0);
  for (double v : values(fc.parameter("weight"))) EXPECT_LE(std::abs(v), bound);
  for (double v : values(fc.parameter("bias"))) EXPECT_LE(std::abs(v), bound);
  // Uniform on [-b, b]: the variance is b^2 / 3.
  auto w = values(fc.parameter("weight"));
  double m2 = 0;
  for (double v : w) m2 += v * v;
  EXPECT_NEAR(m2 / static_cast<double>(w.size()), bound * bound / 3, 0.1 * bound * bound / 3);
  EXPECT_TRUE(requires_grad(fc.parameter("weight")));
}

TEST(Module, ActivationModulesComputeTheirFunctions) {
  double data[] = {-2.0, -0.5, 0.0, 1.5};
  Tensor x = from_data(data, DType::Float64, {4});
  EXPECT_EQ(values(make_relu()->forward(x)), std::vector<double>({0, 0, 0, 1.5}));
  EXPECT_EQ(values(make_leaky_relu(0.1)->forward(x)), std::vector<double>({-0.2, -0.05, 0, 1.5}));
  auto elu = values(make_elu()->forward(x));
  EXPECT_NEAR(elu[0], std::exp(-2.0) - 1, 1e-15);
  auto gelu = values(make_gelu()->forward(x));
  EXPECT_NEAR(gelu[3], 1.5 * 0.5 * (1 + std::erf(1.5 / std::sqrt(2.0))), 1e-15);
  auto sm = values(make_softmax(0)->forward(x));
  double total = 0;
  for (double v : sm) total += v;
  EXPECT_NEAR(total, 1.0, 1e-15);
  EXPECT_EQ(shape_str(make_flatten()->forward(zeros({2, 3, 4})).sizes()), "[2, 12]");
  EXPECT_EQ(values(make_identity()->forward(x)), values(x));
}

}  // namespace
}  // namespace dl
