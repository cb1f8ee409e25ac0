// The image layers as modules against PyTorch (tests/fixtures/cnn.json from
// gen_cnn_fixtures.py): three SGD steps of a float64 CNN in train mode (batch
// statistics, running-stat updates with momentum and with a cumulative
// average), then eval mode; and dropout's statistics and modes.
#include <gtest/gtest.h>

#include <cmath>

#include "autograd/autograd.h"
#include "base/error.h"
#include "fixture_util.h"
#include "nn/activation.h"
#include "nn/batchnorm.h"
#include "nn/conv.h"
#include "nn/dropout.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "optim/optimizer.h"
#include "tensor/generator.h"

namespace dl {
namespace {

using testing::expect_close;
using testing::load_fixture;
using testing::tensor_from_json;
using testing::values;

std::shared_ptr<Sequential> fixture_model() {
  auto m = std::make_shared<Sequential>();
  Conv2dOptions c1;
  c1.kernel = {3, 3}, c1.padding.size = {1, 1};
  m->append(std::make_shared<Conv2d>(3, 4, c1, DType::Float64));
  m->append(std::make_shared<BatchNorm>(2, 4, BatchNormOptions{}, DType::Float64));
  m->append(make_relu());
  Pool2dOptions max;
  max.kernel = {2, 2};
  m->append(make_max_pool2d(max));
  Conv2dOptions c2;
  c2.kernel = {3, 3}, c2.groups = 2, c2.bias = false;
  m->append(std::make_shared<Conv2d>(4, 6, c2, DType::Float64));
  BatchNormOptions cumulative;
  cumulative.momentum = std::nullopt;
  m->append(std::make_shared<BatchNorm>(2, 6, cumulative, DType::Float64));
  Pool2dOptions avg;
  avg.kernel = {2, 2}, avg.ceil_mode = true;
  m->append(make_avg_pool2d(avg));
  m->append(make_adaptive_avg_pool2d({1, 1}));
  m->append(make_flatten());
  m->append(std::make_shared<Linear>(6, 3, true, DType::Float64));
  BatchNormOptions bn1;
  bn1.eps = 1e-3, bn1.momentum = 0.2;
  m->append(std::make_shared<BatchNorm>(1, 3, bn1, DType::Float64));
  return m;
}

// Every parameter and buffer of m, by dotted name, as PyTorch's state_dict.
std::map<std::string, Tensor> state_of(const Module& m) {
  std::map<std::string, Tensor> state;
  for (auto& [name, t] : m.named_parameters()) state[name] = t;
  for (auto& [name, t] : m.named_buffers()) state[name] = t;
  return state;
}

TEST(Cnn, TrainStepsAndEvalMatchPytorch) {
  auto f = load_fixture("cnn.json");
  auto model = fixture_model();
  auto state = state_of(*model);
  ASSERT_EQ(state.size(), f["initial"].size());
  for (auto& [name, t] : state) {
    ASSERT_TRUE(f["initial"].contains(name)) << name;
    Tensor v = tensor_from_json(f["initial"][name]);
    ASSERT_EQ(shape_str(v.sizes()), shape_str(t.sizes())) << name;
    copy_(t, v);
  }
  Tensor x = tensor_from_json(f["x"]), y = tensor_from_json(f["y"]);
  SgdOptions so;
  so.lr = 0.1, so.momentum = 0.9;
  Sgd opt(model->parameters(), so);
  for (size_t step = 0; step < 3; ++step) {
    opt.zero_grad();
    Tensor loss = cross_entropy(model->forward(x), y);
    backward(loss);
    opt.step();
    EXPECT_NEAR(values(loss)[0], f["losses"][step].get<double>(), 1e-10) << "step " << step;
  }
  for (auto& [name, t] : state) expect_close(t, tensor_from_json(f["final"][name]), 1e-9, 1e-10, name);
  model->train(false);
  NoGradGuard no_grad;
  expect_close(model->forward(x), tensor_from_json(f["eval_out"]), 1e-9, 1e-10, "eval output");
}

TEST(Cnn, BatchNormErrors) {
  BatchNorm bn(2, 3);
  EXPECT_THROW(bn.forward(zeros({2, 4, 5, 5})), Error);  // 4 channels, 3 expected
  EXPECT_THROW(bn.forward(zeros({2, 3, 5})), Error);     // BatchNorm2d takes 4-D
  EXPECT_THROW(bn.forward(zeros({1, 3, 1, 1})), Error);  // one value per channel in training
  bn.train(false);
  EXPECT_EQ(values(bn.forward(zeros({1, 3, 1, 1}))), std::vector<double>(3, 0.0));
  EXPECT_THROW(BatchNorm(1, 0), Error);
}

TEST(Dropout, ZeroesAFractionPAndScalesTheRest) {
  manual_seed(3);
  Tensor x = ones({200, 100});
  std::vector<double> v = values(dropout(x, 0.3, true));
  size_t zeros_seen = 0;
  for (double e : v) {
    if (e == 0) ++zeros_seen;
    else EXPECT_NEAR(e, 1 / 0.7, 1e-6);
  }
  // 20000 Bernoulli(0.3) draws: the count is within 5 standard deviations (65) of 6000.
  EXPECT_NEAR(static_cast<double>(zeros_seen), 6000.0, 5 * std::sqrt(20000 * 0.3 * 0.7));
  EXPECT_EQ(values(dropout(x, 0.3, false)), values(x));
  EXPECT_EQ(values(dropout(x, 1.0, true)), std::vector<double>(20000, 0.0));
  EXPECT_THROW(dropout(x, 1.5, true), Error);
}

TEST(Dropout, Dropout2dZeroesWholeChannels) {
  manual_seed(4);
  Dropout d(0.5, true);
  Tensor y = d.forward(ones({8, 16, 3, 3}));
  std::vector<double> v = values(y);
  size_t dropped = 0;
  for (size_t ch = 0; ch < 8 * 16; ++ch) {
    for (size_t k = 1; k < 9; ++k) EXPECT_EQ(v[ch * 9 + k], v[ch * 9]) << "channel " << ch;
    EXPECT_TRUE(v[ch * 9] == 0 || v[ch * 9] == 2.0);
    dropped += v[ch * 9] == 0;
  }
  EXPECT_GT(dropped, 30u);
  EXPECT_LT(dropped, 98u);
  d.train(false);
  EXPECT_EQ(values(d.forward(ones({2, 3, 2, 2}))), std::vector<double>(24, 1.0));
  EXPECT_THROW(d.forward(ones({4, 4})), Error);
}

// A layer that cannot take its input names itself and what the layers
// before it made of the Sequential's input.
TEST(Cnn, SequentialErrorNamesTheLayerAndTheShapeItGot) {
  Sequential net;
  Conv2dOptions k5;
  k5.kernel = {5, 5};
  Pool2dOptions pool;
  pool.kernel = {2, 2};
  net.append(std::make_shared<Conv2d>(1, 6, k5));
  net.append(make_max_pool2d(pool));
  net.append(std::make_shared<Conv2d>(6, 16, k5));
  net.append(make_max_pool2d(pool));
  net.append(std::make_shared<Conv2d>(16, 16, k5));
  try {
    net.forward(zeros({1, 1, 28, 28}));
    FAIL() << "a 4x4 input to a 5x5 kernel must fail";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::Shape);
    EXPECT_NE(std::string(e.what()).find("layer 4 (Conv2d; the input [1, 1, 28, 28] is [1, 16, 4, 4] after layers 0-3): "
                                         "conv2d: input of shape [1, 16, 4, 4] is too small for kernel 5x5"),
              std::string::npos)
        << e.what();
  }
  Sequential first;
  first.append(std::make_shared<Conv2d>(3, 6, k5));
  try {
    first.forward(zeros({1, 1, 28, 28}));
    FAIL() << "one channel into a three-channel conv must fail";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("layer 0 (Conv2d): conv2d"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dl
