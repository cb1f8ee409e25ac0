// Values and gradients of composite expressions against PyTorch
// (tests/fixtures/training.json, "grads", from gen_training_fixtures.py,
// which defines the same expressions).
#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "autograd/autograd.h"
#include "fixture_util.h"
#include "nn/functional.h"

namespace dl {
namespace {

using testing::expect_close;
using testing::load_fixture;
using testing::tensor_from_json;
using Fn = std::function<Tensor(const std::vector<Tensor>&)>;

Tensor idx(std::vector<int64_t> v, Dims shape) { return from_data(v.data(), DType::Int64, shape); }

const std::map<std::string, Fn>& expressions() {
  static const std::map<std::string, Fn> table = {
      {"mlp", [](auto& v) { return linear(relu(linear(v[0], v[1], v[2])), v[3], v[4]); }},
      {"broadcast_mul_div", [](auto& v) { return div(mul(v[0], v[1]), add(mul(v[1], v[1]), 1.0)); }},
      {"softmax_chain", [](auto& v) { return log_softmax(mul(tanh(v[0]), 3.0), 1); }},
      {"reduce_dims", [](auto& v) { return add(sum(mul(v[0], v[0]), {0, 2}, true), mean(v[0], {1}, true)); }},
      {"var_std", [](auto& v) { return add(var(v[0], {1}), sum(std_dev(v[0], {0}, 0))); }},
      {"matmul_batched", [](auto& v) { return matmul(v[0], v[1]); }},
      {"views", [](auto& v) { return exp(permute(narrow(reshape(transpose(v[0], 0, 2), {4, 6}), 1, 1, 4), {1, 0})); }},
      {"cat_stack", [](auto& v) { return stack({cat({v[0], v[1]}, 1), cat({v[1], v[0]}, 1)}, 0); }},
      {"max_amax", [](auto& v) { return add(sum(max(v[0], 1).first), amax(v[0], {0})); }},
      {"gather_index",
       [](auto& v) {
         return add(sum(gather(v[0], 1, idx({0, 3, 1, 1, 2, 0}, {3, 2})), {1}),
                    sum(index_select(v[0], 1, idx({2, 0, 2}, {3})), {1}));
       }},
      {"activations",
       [](auto& v) { return add(add(add(gelu(v[0]), elu(v[0])), leaky_relu(v[0], 0.1)), sigmoid(v[0])); }},
      {"gelu_tanh", [](auto& v) { return gelu(v[0], true); }},
      {"pow_sqrt_abs",
       [](auto& v) {
         return add(add(pow(sqrt(add(mul(v[0], v[0]), 1.0)), 1.5), abs(v[0])), clamp(v[0], -0.3, 0.4));
       }},
  };
  return table;
}

TEST(PytorchGrads, EveryFixtureExpressionMatches) {
  auto fixture = load_fixture("training.json");
  ASSERT_EQ(fixture["grads"].size(), expressions().size());
  for (auto& [name, entry] : fixture["grads"].items()) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(expressions().count(name));
    std::vector<Tensor> inputs;
    for (auto& j : entry["inputs"]) {
      Tensor t = tensor_from_json(j);
      set_requires_grad(t, true);
      inputs.push_back(t);
    }
    Tensor out = expressions().at(name)(inputs);
    expect_close(out, tensor_from_json(entry["out"]), 1e-10, 1e-12, name + " value");
    backward(sum(mul(out, tensor_from_json(entry["w"]))));
    for (size_t i = 0; i < inputs.size(); ++i)
      expect_close(grad(inputs[i]), tensor_from_json(entry["grads"][i]), 1e-9, 1e-11,
                   name + " grad " + std::to_string(i));
  }
}

}  // namespace
}  // namespace dl
