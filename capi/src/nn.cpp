// Modules (built-in layers, containers, custom modules with a C forward),
// checkpoints, functional activations and losses.
#include <cstring>
#include <string>

#include "autograd/autograd.h"
#include "handles.h"
#include "io/safetensors.h"
#include "nn/activation.h"
#include "nn/functional.h"
#include "nn/linear.h"
#include "nn/loss.h"

using namespace dl;
using namespace dl::capi;

namespace {

// A module whose forward is a C function (dl_module_new).
class CallbackModule : public Module, public std::enable_shared_from_this<CallbackModule> {
 public:
  // The user data is released with the module (the module exists once constructed).
  CallbackModule(std::string type_name, dl_forward_fn fn, void* user_data, void (*free_user_data)(void*))
      : Module(std::move(type_name)), fn_(fn), user_(user_data, free_user_data) {
    user_.armed = true;
  }

  // Lends the callback a handle to this module and to x for the call; takes its result.
  Tensor forward(const Tensor& x) override {
    dl_module* self = new_handle<dl_module>(shared_from_this());
    dl_tensor* input = new_tensor_handle(x);
    dl_tensor* result = nullptr;
    dl_status st = fn_(self, input, &result, user_.data);
    std::string message = st == DL_OK ? "" : dl_last_error_message();
    free_handle(self);
    dl_tensor_free(input);
    if (st != DL_OK) {
      dl_tensor_free(result);
      fail(static_cast<Status>(st), "forward of module '", type_name(), "' returned ", dl_status_name(st),
           message.empty() ? "" : ": ", message);
    }
    if (!result || result->tag != kTensorTag) {
      dl_tensor_free(result);
      fail(Status::InvalidArgument, "forward of module '", type_name(),
           "' returned DL_OK without a live tensor in *out");
    }
    Tensor y = result->tensor;
    dl_tensor_free(result);
    return y;
  }

 private:
  dl_forward_fn fn_;
  UserData user_;
};

const char* name_arg(const char* name, const char* arg) {
  DL_CHECK(name != nullptr, Status::InvalidArgument, "argument '", arg, "' is NULL");
  return name;
}

Reduction reduction_of(const dl_reduction& reduction) {
  int r = enum_value(reduction);
  DL_CHECK(r >= DL_REDUCTION_NONE && r <= DL_REDUCTION_SUM, Status::InvalidArgument, "argument 'reduction': ", r,
           " is not a dl_reduction");
  return static_cast<Reduction>(r);
}

Tensor optional_tensor(const dl_tensor* t, const char* arg) { return t ? tensor_of(t, arg) : Tensor(); }

ClassLossOptions class_options(const dl_class_loss_options* o) {
  DL_CHECK(o != nullptr, Status::InvalidArgument, "argument 'options' is NULL");
  ClassLossOptions c;
  c.weight = optional_tensor(o->weight, "options.weight");
  c.ignore_index = o->ignore_index;
  c.label_smoothing = o->label_smoothing;
  c.reduction = reduction_of(o->reduction);
  return c;
}

}  // namespace

extern "C" {

DL_API dl_status dl_linear_new(int64_t in_features, int64_t out_features, int bias, dl_module** out) {
  return handle_result("dl_linear_new", out, [&] { return std::make_shared<Linear>(in_features, out_features, bias != 0); });
}

DL_API dl_status dl_sequential_new(dl_module** out) {
  return handle_result("dl_sequential_new", out, [] { return std::make_shared<Sequential>(); });
}

DL_API dl_status dl_relu_new(dl_module** out) { return handle_result("dl_relu_new", out, [] { return make_relu(); }); }
DL_API dl_status dl_leaky_relu_new(double negative_slope, dl_module** out) {
  return handle_result("dl_leaky_relu_new", out, [&] { return make_leaky_relu(negative_slope); });
}
DL_API dl_status dl_elu_new(double alpha, dl_module** out) {
  return handle_result("dl_elu_new", out, [&] { return make_elu(alpha); });
}
DL_API dl_status dl_gelu_new(int approximate_tanh, dl_module** out) {
  return handle_result("dl_gelu_new", out, [&] { return make_gelu(approximate_tanh != 0); });
}
DL_API dl_status dl_sigmoid_new(dl_module** out) {
  return handle_result("dl_sigmoid_new", out, [] { return make_sigmoid(); });
}
DL_API dl_status dl_tanh_new(dl_module** out) { return handle_result("dl_tanh_new", out, [] { return make_tanh(); }); }
DL_API dl_status dl_softmax_new(int64_t dim, dl_module** out) {
  return handle_result("dl_softmax_new", out, [&] { return make_softmax(dim); });
}
DL_API dl_status dl_log_softmax_new(int64_t dim, dl_module** out) {
  return handle_result("dl_log_softmax_new", out, [&] { return make_log_softmax(dim); });
}
DL_API dl_status dl_flatten_new(int64_t start_dim, int64_t end_dim, dl_module** out) {
  return handle_result("dl_flatten_new", out, [&] { return make_flatten(start_dim, end_dim); });
}
DL_API dl_status dl_identity_new(dl_module** out) {
  return handle_result("dl_identity_new", out, [] { return make_identity(); });
}

DL_API dl_status dl_module_new(const char* type_name, dl_forward_fn forward, void* user_data,
                               void (*free_user_data)(void* user_data), dl_module** out) {
  return handle_result("dl_module_new", out, [&] {
    std::string name = name_arg(type_name, "type_name");
    DL_CHECK(!name.empty(), Status::InvalidArgument, "argument 'type_name' is empty");
    DL_CHECK(forward != nullptr, Status::InvalidArgument, "argument 'forward' is NULL");
    return std::make_shared<CallbackModule>(name, forward, user_data, free_user_data);
  });
}

DL_API dl_status dl_module_append(dl_module* seq, const dl_module* child) {
  return guarded("dl_module_append", [&] {
    auto& parent = value_of(seq, "seq");
    auto& c = value_of(child, "child");
    auto* s = dynamic_cast<Sequential*>(parent.get());
    DL_CHECK(s != nullptr, Status::InvalidArgument, "argument 'seq' is a ", parent->type_name(),
             ", not a Sequential");
    s->append(c);
  });
}

DL_API dl_status dl_module_register(dl_module* parent, const char* name, const dl_module* child) {
  return guarded("dl_module_register", [&] {
    auto& p = value_of(parent, "parent");
    auto& c = value_of(child, "child");
    p->register_module(name_arg(name, "name"), c);
  });
}

DL_API dl_status dl_module_register_parameter(dl_module* m, const char* name, dl_tensor* t) {
  return guarded("dl_module_register_parameter", [&] {
    auto& mod = value_of(m, "m");
    const char* n = name_arg(name, "name");
    Tensor x = tensor_of(t, "t");
    DL_CHECK(is_floating(x.dtype()), Status::DType, "argument 't' must be floating point, got ",
             dtype_name(x.dtype()));
    if (!is_leaf(x)) x = detach(x);
    mod->register_parameter(n, x);
    t->tensor = mod->parameter(n);  // the caller's handle now names the parameter itself
  });
}

DL_API dl_status dl_module_child(const dl_module* m, const char* name, dl_module** out) {
  return guarded("dl_module_child", [&] {
    reset_out(out, "out");
    auto& mod = value_of(m, "m");
    std::string n = name_arg(name, "name");
    std::string known;
    for (const auto& [child_name, child] : mod->children()) {
      if (child_name == n) {
        *out = new_handle<dl_module>(child);
        return;
      }
      known += (known.empty() ? "" : ", ") + child_name;
    }
    fail(Status::InvalidArgument, "module '", mod->type_name(), "' has no child '", n, "' (children: ",
         known.empty() ? "none" : known, ")");
  });
}

DL_API dl_status dl_module_forward(dl_module* m, const dl_tensor* x, dl_tensor** out) {
  return tensor_result("dl_module_forward", out, [&] {
    auto mod = value_of(m, "m");  // a copy: the forward may free handles to the module
    return mod->forward(tensor_of(x, "x"));
  });
}

DL_API dl_status dl_module_train(dl_module* m, int training) {
  return guarded("dl_module_train", [&] { value_of(m, "m")->train(training != 0); });
}

DL_API dl_status dl_module_is_training(const dl_module* m, int* out) {
  return guarded("dl_module_is_training", [&] {
    DL_CHECK(out != nullptr, Status::InvalidArgument, "argument 'out' is NULL");
    *out = 0;
    *out = value_of(m, "m")->is_training() ? 1 : 0;
  });
}

DL_API dl_status dl_module_to(dl_module* m, dl_device device) {
  return guarded("dl_module_to", [&] {
    auto& mod = value_of(m, "m");
    mod->to(device_of(device, "device"));
  });
}

DL_API dl_status dl_module_type_name(const dl_module* m, const char** out) {
  return guarded("dl_module_type_name", [&] {
    DL_CHECK(out != nullptr, Status::InvalidArgument, "argument 'out' is NULL");
    *out = nullptr;
    *out = value_of(m, "m")->type_name().c_str();
  });
}

DL_API dl_status dl_module_num_parameters(const dl_module* m, size_t* out) {
  return guarded("dl_module_num_parameters", [&] {
    DL_CHECK(out != nullptr, Status::InvalidArgument, "argument 'out' is NULL");
    *out = 0;
    *out = value_of(m, "m")->named_parameters().size();
  });
}

namespace {
std::pair<std::string, Tensor> parameter_at(const dl_module* m, size_t index) {
  auto params = value_of(m, "m")->named_parameters();
  DL_CHECK(index < params.size(), Status::InvalidArgument, "argument 'index' ", index,
           " is out of range for a module with ", params.size(), " parameters");
  return params[index];
}
}  // namespace

DL_API dl_status dl_module_parameter(const dl_module* m, size_t index, dl_tensor** out) {
  return tensor_result("dl_module_parameter", out, [&] { return parameter_at(m, index).second; });
}

DL_API dl_status dl_module_parameter_name(const dl_module* m, size_t index, char* buffer, size_t capacity) {
  return guarded("dl_module_parameter_name", [&] {
    DL_CHECK(buffer != nullptr, Status::InvalidArgument, "argument 'buffer' is NULL");
    if (capacity) buffer[0] = '\0';
    std::string name = parameter_at(m, index).first;
    DL_CHECK(name.size() < capacity, Status::InvalidArgument, "argument 'capacity' ", capacity,
             " is too small for the name \"", name, "\" (needs ", name.size() + 1, ")");
    std::memcpy(buffer, name.c_str(), name.size() + 1);
  });
}

DL_API dl_status dl_module_named_parameter(const dl_module* m, const char* name, dl_tensor** out) {
  return tensor_result("dl_module_named_parameter", out,
                       [&] { return value_of(m, "m")->parameter(name_arg(name, "name")); });
}

DL_API dl_status dl_module_save(const dl_module* m, const char* path) {
  return guarded("dl_module_save", [&] {
    auto& mod = value_of(m, "m");
    save_module(*mod, name_arg(path, "path"));
  });
}

DL_API dl_status dl_module_load(dl_module* m, const char* path) {
  return guarded("dl_module_load", [&] {
    auto& mod = value_of(m, "m");
    load_module(*mod, name_arg(path, "path"));
  });
}

DL_API void dl_module_free(dl_module* m) { free_handle(m); }

DL_API dl_status dl_leaky_relu(const dl_tensor* x, double negative_slope, dl_tensor** out) {
  return tensor_result("dl_leaky_relu", out, [&] { return leaky_relu(tensor_of(x, "x"), negative_slope); });
}
DL_API dl_status dl_elu(const dl_tensor* x, double alpha, dl_tensor** out) {
  return tensor_result("dl_elu", out, [&] { return elu(tensor_of(x, "x"), alpha); });
}
DL_API dl_status dl_gelu(const dl_tensor* x, int approximate_tanh, dl_tensor** out) {
  return tensor_result("dl_gelu", out, [&] { return gelu(tensor_of(x, "x"), approximate_tanh != 0); });
}

DL_API dl_status dl_mse_loss(const dl_tensor* input, const dl_tensor* target, dl_reduction r, dl_tensor** out) {
  return tensor_result("dl_mse_loss", out,
                       [&] { return mse_loss(tensor_of(input, "input"), tensor_of(target, "target"), reduction_of(r)); });
}

DL_API dl_status dl_l1_loss(const dl_tensor* input, const dl_tensor* target, dl_reduction r, dl_tensor** out) {
  return tensor_result("dl_l1_loss", out,
                       [&] { return l1_loss(tensor_of(input, "input"), tensor_of(target, "target"), reduction_of(r)); });
}

DL_API dl_class_loss_options dl_class_loss_defaults(void) {
  return dl_class_loss_options{nullptr, -100, 0.0, DL_REDUCTION_MEAN};
}

DL_API dl_status dl_cross_entropy(const dl_tensor* logits, const dl_tensor* target, dl_reduction r, dl_tensor** out) {
  dl_class_loss_options o = dl_class_loss_defaults();
  o.reduction = r;
  return tensor_result("dl_cross_entropy", out,
                       [&] { return cross_entropy(tensor_of(logits, "logits"), tensor_of(target, "target"), class_options(&o)); });
}

DL_API dl_status dl_cross_entropy_ex(const dl_tensor* logits, const dl_tensor* target,
                                     const dl_class_loss_options* options, dl_tensor** out) {
  return tensor_result("dl_cross_entropy_ex", out, [&] {
    return cross_entropy(tensor_of(logits, "logits"), tensor_of(target, "target"), class_options(options));
  });
}

DL_API dl_status dl_nll_loss(const dl_tensor* log_probs, const dl_tensor* target, dl_reduction r, dl_tensor** out) {
  dl_class_loss_options o = dl_class_loss_defaults();
  o.reduction = r;
  return tensor_result("dl_nll_loss", out,
                       [&] { return nll_loss(tensor_of(log_probs, "log_probs"), tensor_of(target, "target"), class_options(&o)); });
}

DL_API dl_status dl_nll_loss_ex(const dl_tensor* log_probs, const dl_tensor* target,
                                const dl_class_loss_options* options, dl_tensor** out) {
  return tensor_result("dl_nll_loss_ex", out, [&] {
    return nll_loss(tensor_of(log_probs, "log_probs"), tensor_of(target, "target"), class_options(options));
  });
}

DL_API dl_status dl_bce_loss(const dl_tensor* input, const dl_tensor* target, const dl_tensor* weight, dl_reduction r,
                             dl_tensor** out) {
  return tensor_result("dl_bce_loss", out, [&] {
    return binary_cross_entropy(tensor_of(input, "input"), tensor_of(target, "target"),
                                optional_tensor(weight, "weight"), reduction_of(r));
  });
}

DL_API dl_status dl_bce_with_logits_loss(const dl_tensor* input, const dl_tensor* target, const dl_tensor* weight,
                                         const dl_tensor* pos_weight, dl_reduction r, dl_tensor** out) {
  return tensor_result("dl_bce_with_logits_loss", out, [&] {
    return binary_cross_entropy_with_logits(tensor_of(input, "input"), tensor_of(target, "target"),
                                            optional_tensor(weight, "weight"),
                                            optional_tensor(pos_weight, "pos_weight"), reduction_of(r));
  });
}

}  // extern "C"
