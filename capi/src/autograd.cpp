// Autograd: requires_grad, grad, backward, detach, grad mode.
#include "autograd/autograd.h"

#include "handles.h"

using namespace dl;
using namespace dl::capi;

namespace {

void check_int_out(const int* out) { DL_CHECK(out != nullptr, Status::InvalidArgument, "argument 'out' is NULL"); }

dl_status run_backward(const char* fn, dl_tensor* t, const dl_tensor* grad, int retain_graph) {
  return guarded(fn, [&] {
    const Tensor& x = tensor_of(t, "t");
    backward(x, grad ? tensor_of(grad, "grad") : Tensor(), retain_graph != 0);
  });
}

}  // namespace

extern "C" {

DL_API dl_status dl_tensor_set_requires_grad(dl_tensor* t, int requires_grad) {
  return guarded("dl_tensor_set_requires_grad", [&] {
    tensor_of(t, "t");
    set_requires_grad(t->tensor, requires_grad != 0);
  });
}

DL_API dl_status dl_tensor_requires_grad(const dl_tensor* t, int* out) {
  return guarded("dl_tensor_requires_grad", [&] {
    check_int_out(out);
    *out = 0;
    *out = requires_grad(tensor_of(t, "t")) ? 1 : 0;
  });
}

DL_API dl_status dl_tensor_is_leaf(const dl_tensor* t, int* out) {
  return guarded("dl_tensor_is_leaf", [&] {
    check_int_out(out);
    *out = 0;
    *out = is_leaf(tensor_of(t, "t")) ? 1 : 0;
  });
}

DL_API dl_status dl_tensor_grad(const dl_tensor* t, dl_tensor** out) {
  return guarded("dl_tensor_grad", [&] {
    reset_out(out, "out");
    Tensor g = grad(tensor_of(t, "t"));
    if (g.defined()) *out = new_tensor_handle(std::move(g));
  });
}

DL_API dl_status dl_tensor_zero_grad(dl_tensor* t) {
  return guarded("dl_tensor_zero_grad", [&] {
    tensor_of(t, "t");
    zero_grad(t->tensor, true);
  });
}

DL_API dl_status dl_tensor_backward(dl_tensor* t, const dl_tensor* grad) {
  return run_backward("dl_tensor_backward", t, grad, 0);
}

DL_API dl_status dl_tensor_backward_ex(dl_tensor* t, const dl_tensor* grad, int retain_graph) {
  return run_backward("dl_tensor_backward_ex", t, grad, retain_graph);
}

DL_API dl_status dl_tensor_detach(const dl_tensor* t, dl_tensor** out) {
  return tensor_result("dl_tensor_detach", out, [&] { return detach(tensor_of(t, "t")); });
}

DL_API dl_status dl_set_grad_enabled(int enabled, int* previous) {
  return guarded("dl_set_grad_enabled", [&] {
    if (previous) *previous = grad_enabled() ? 1 : 0;
    set_grad_enabled(enabled != 0);
  });
}

DL_API dl_status dl_is_grad_enabled(int* out) {
  return guarded("dl_is_grad_enabled", [&] {
    check_int_out(out);
    *out = grad_enabled() ? 1 : 0;
  });
}

}  // extern "C"
