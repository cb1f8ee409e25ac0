// Module: the base of every layer and model, as torch.nn.Module. A module
// owns named parameters and buffers and holds named child modules; names
// join with dots ("fc1.weight", "0.bias") in registration order, so
// checkpoints and parameter lists line up with PyTorch's.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor.h"

namespace dl {

class Module {
 public:
  explicit Module(std::string type_name) : type_name_(std::move(type_name)) {}
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // x -> output. The base has no forward: Status::Unsupported.
  virtual Tensor forward(const Tensor& x);
  const std::string& type_name() const { return type_name_; }

  // Registration. Names are non-empty, without '.', unique within the module
  // (Status::InvalidArgument otherwise). A parameter is made a leaf that
  // requires grad.
  void register_parameter(const std::string& name, Tensor t);
  void register_buffer(const std::string& name, Tensor t);
  void register_module(const std::string& name, std::shared_ptr<Module> child);

  // Recursive, in registration order, each tensor once even when shared.
  std::vector<std::pair<std::string, Tensor>> named_parameters() const;
  std::vector<Tensor> parameters() const;
  std::vector<std::pair<std::string, Tensor>> named_buffers() const;
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& children() const { return children_; }
  // The parameter with this dotted name; Status::InvalidArgument naming it when absent.
  Tensor parameter(const std::string& dotted_name) const;

  // Train/eval mode, recursive (dropout and batch norm read it).
  void train(bool on = true);
  bool is_training() const { return training_; }
  // Moves parameters and buffers to device, recursive.
  void to(Device device);

 protected:
  // This module's own entries (no children).
  std::vector<std::pair<std::string, Tensor>> params_;
  std::vector<std::pair<std::string, Tensor>> buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;

 private:
  friend struct ModuleAccess;
  void check_new_name(const std::string& name) const;
  std::string type_name_;
};

// Children named "0", "1", ... applied in order.
class Sequential : public Module {
 public:
  Sequential() : Module("Sequential") {}
  void append(std::shared_ptr<Module> child);
  Tensor forward(const Tensor& x) override;
  size_t size() const { return children_.size(); }
};

}  // namespace dl
