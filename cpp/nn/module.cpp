#include "nn/module.h"

#include <unordered_set>

#include "autograd/autograd.h"
#include "base/error.h"
#include "ops/creation.h"

namespace dl {

Tensor Module::forward(const Tensor&) {
  fail(Status::Unsupported, "forward: module '", type_name_, "' has no forward of one tensor");
}

void Module::check_new_name(const std::string& name) const {
  DL_CHECK(!name.empty() && name.find('.') == std::string::npos, Status::InvalidArgument, "module '", type_name_,
           "': argument 'name' must be non-empty and contain no '.', got \"", name, "\"");
  auto taken = [&](const auto& list) {
    for (const auto& entry : list)
      if (entry.first == name) return true;
    return false;
  };
  DL_CHECK(!taken(params_) && !taken(buffers_) && !taken(children_), Status::InvalidArgument, "module '", type_name_,
           "': the name \"", name, "\" is already registered");
}

void Module::register_parameter(const std::string& name, Tensor t) {
  check_new_name(name);
  DL_CHECK(t.defined(), Status::InvalidArgument, "register_parameter: argument 't' is undefined");
  if (!is_leaf(t)) t = detach(t);
  set_requires_grad(t, true);
  params_.emplace_back(name, t);
}

void Module::register_buffer(const std::string& name, Tensor t) {
  check_new_name(name);
  DL_CHECK(t.defined(), Status::InvalidArgument, "register_buffer: argument 't' is undefined");
  buffers_.emplace_back(name, t);
}

namespace {
bool contains(const Module& root, const Module* target) {
  if (&root == target) return true;
  for (const auto& entry : root.children())
    if (contains(*entry.second, target)) return true;
  return false;
}
}  // namespace

void Module::register_module(const std::string& name, std::shared_ptr<Module> child) {
  check_new_name(name);
  DL_CHECK(child != nullptr, Status::InvalidArgument, "register_module: argument 'child' is null");
  DL_CHECK(!contains(*child, this), Status::InvalidArgument, "module '", type_name_, "': registering '", name,
           "' would make a cycle (the child is this module or contains it)");
  children_.emplace_back(name, std::move(child));
}

namespace {
template <typename Select>
void collect(const Module& m, const std::string& prefix, std::unordered_set<const void*>& seen,
             std::vector<std::pair<std::string, Tensor>>& out, Select select) {
  for (const auto& [name, t] : select(m)) {
    if (seen.insert(t.impl()).second) out.emplace_back(prefix + name, t);
  }
  for (const auto& [name, child] : m.children()) collect(*child, prefix + name + ".", seen, out, select);
}
}  // namespace

// Expose the protected lists to collect() through small accessors.
struct ModuleAccess {
  static const std::vector<std::pair<std::string, Tensor>>& params(const Module& m) { return m.params_; }
  static const std::vector<std::pair<std::string, Tensor>>& buffers(const Module& m) { return m.buffers_; }
};

std::vector<std::pair<std::string, Tensor>> Module::named_parameters() const {
  std::vector<std::pair<std::string, Tensor>> out;
  std::unordered_set<const void*> seen;
  collect(*this, "", seen, out, [](const Module& m) -> const auto& { return ModuleAccess::params(m); });
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& entry : named_parameters()) out.push_back(entry.second);
  return out;
}

std::vector<std::pair<std::string, Tensor>> Module::named_buffers() const {
  std::vector<std::pair<std::string, Tensor>> out;
  std::unordered_set<const void*> seen;
  collect(*this, "", seen, out, [](const Module& m) -> const auto& { return ModuleAccess::buffers(m); });
  return out;
}

Tensor Module::parameter(const std::string& dotted_name) const {
  for (auto& [name, t] : named_parameters())
    if (name == dotted_name) return t;
  fail(Status::InvalidArgument, "module '", type_name_, "' has no parameter named \"", dotted_name, "\"");
}

void Module::train(bool on) {
  training_ = on;
  for (auto& entry : children_) entry.second->train(on);
}

void Module::to(Device device) {
  // Convert everything first so a failure leaves the module unchanged.
  std::vector<Tensor> moved_params, moved_buffers;
  for (auto& entry : params_) moved_params.push_back(to_device(entry.second, device));
  for (auto& entry : buffers_) moved_buffers.push_back(to_device(entry.second, device));
  for (auto& entry : children_) entry.second->to(device);
  for (size_t i = 0; i < params_.size(); ++i) {
    if (moved_params[i].same_storage(params_[i].second)) continue;
    Tensor p = moved_params[i];
    set_requires_grad(p, true);
    params_[i].second = p;
  }
  for (size_t i = 0; i < buffers_.size(); ++i) buffers_[i].second = moved_buffers[i];
}

void Sequential::append(std::shared_ptr<Module> child) { register_module(std::to_string(children_.size()), std::move(child)); }

// A layer's failure names the layer and, past the first, the shape the
// earlier layers made of the input (a 28x28 image is 4x4 after two pools):
// "layer 4 (Conv2d; the input [1, 1, 28, 28] is [1, 16, 4, 4] after layers
// 0-3): conv2d: input of shape [1, 16, 4, 4] is too small for kernel 5x5 ...".
Tensor Sequential::forward(const Tensor& x) {
  Tensor h = x;
  for (size_t i = 0; i < children_.size(); ++i) {
    const auto& [name, layer] = children_[i];
    try {
      h = layer->forward(h);
    } catch (const Error& e) {
      if (i == 0) fail(e.status(), "layer ", name, " (", layer->type_name(), "): ", e.what());
      fail(e.status(), "layer ", name, " (", layer->type_name(), "; the input ", shape_str(x.sizes()), " is ",
           shape_str(h.sizes()), " after layers 0-", i - 1, "): ", e.what());
    }
  }
  return h;
}

}  // namespace dl
