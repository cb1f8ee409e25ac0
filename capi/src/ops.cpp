// Tensor ops: thin wrappers that check handles and call the engine.
#include <cmath>
#include <vector>

#include "handles.h"
#include "ops/ops.h"

using namespace dl;
using namespace dl::capi;

namespace {

using BinaryFn = Tensor (*)(const Tensor&, const Tensor&);
using ScalarFn = Tensor (*)(const Tensor&, double);
using UnaryFn = Tensor (*)(const Tensor&);

dl_status binary(const char* fn, BinaryFn op, const dl_tensor* a, const dl_tensor* b, dl_tensor** out) {
  return tensor_result(fn, out, [&] { return op(tensor_of(a, "a"), tensor_of(b, "b")); });
}

dl_status scalar(const char* fn, ScalarFn op, const dl_tensor* a, double s, dl_tensor** out) {
  return tensor_result(fn, out, [&] { return op(tensor_of(a, "a"), s); });
}

dl_status unary(const char* fn, UnaryFn op, const dl_tensor* x, dl_tensor** out) {
  return tensor_result(fn, out, [&] { return op(tensor_of(x, "x")); });
}

using ReduceFn = Tensor (*)(const Tensor&, const Dims&, bool);

dl_status reduction(const char* fn, ReduceFn op, const dl_tensor* x, const int64_t* dims, int ndims, int keepdim,
                    dl_tensor** out) {
  return tensor_result(fn, out, [&] { return op(tensor_of(x, "x"), dims_of(dims, ndims, "dims"), keepdim != 0); });
}

std::vector<Tensor> tensor_list(const dl_tensor* const* tensors, int count) {
  DL_CHECK(tensors != nullptr, Status::InvalidArgument, "argument 'tensors' is NULL");
  DL_CHECK(count >= 1, Status::InvalidArgument, "argument 'count' must be >= 1, got ", count);
  std::vector<Tensor> list;
  for (int i = 0; i < count; ++i) {
    std::string arg = "tensors[" + std::to_string(i) + "]";
    list.push_back(tensor_of(tensors[i], arg.c_str()));
  }
  return list;
}

dl_status indexed_extremum(const char* fn, bool is_max, const dl_tensor* x, int64_t dim, int keepdim,
                           dl_tensor** values, dl_tensor** indices) {
  return guarded(fn, [&] {
    reset_out(values, "values");
    reset_out(indices, "indices");
    const Tensor& t = tensor_of(x, "x");
    auto result = is_max ? max(t, dim, keepdim != 0) : min(t, dim, keepdim != 0);
    dl_tensor* v = new_tensor_handle(result.first);
    *indices = new_tensor_handle(result.second);
    *values = v;
  });
}

}  // namespace

extern "C" {

DL_API dl_status dl_add(const dl_tensor* a, const dl_tensor* b, dl_tensor** out) { return binary("dl_add", add, a, b, out); }
DL_API dl_status dl_sub(const dl_tensor* a, const dl_tensor* b, dl_tensor** out) { return binary("dl_sub", sub, a, b, out); }
DL_API dl_status dl_mul(const dl_tensor* a, const dl_tensor* b, dl_tensor** out) { return binary("dl_mul", mul, a, b, out); }
DL_API dl_status dl_div(const dl_tensor* a, const dl_tensor* b, dl_tensor** out) { return binary("dl_div", div, a, b, out); }
DL_API dl_status dl_pow(const dl_tensor* a, const dl_tensor* b, dl_tensor** out) { return binary("dl_pow", pow, a, b, out); }
DL_API dl_status dl_maximum(const dl_tensor* a, const dl_tensor* b, dl_tensor** out) {
  return binary("dl_maximum", maximum, a, b, out);
}
DL_API dl_status dl_minimum(const dl_tensor* a, const dl_tensor* b, dl_tensor** out) {
  return binary("dl_minimum", minimum, a, b, out);
}
DL_API dl_status dl_eq(const dl_tensor* a, const dl_tensor* b, dl_tensor** out) { return binary("dl_eq", eq, a, b, out); }
DL_API dl_status dl_ne(const dl_tensor* a, const dl_tensor* b, dl_tensor** out) { return binary("dl_ne", ne, a, b, out); }
DL_API dl_status dl_lt(const dl_tensor* a, const dl_tensor* b, dl_tensor** out) { return binary("dl_lt", lt, a, b, out); }
DL_API dl_status dl_le(const dl_tensor* a, const dl_tensor* b, dl_tensor** out) { return binary("dl_le", le, a, b, out); }
DL_API dl_status dl_gt(const dl_tensor* a, const dl_tensor* b, dl_tensor** out) { return binary("dl_gt", gt, a, b, out); }
DL_API dl_status dl_ge(const dl_tensor* a, const dl_tensor* b, dl_tensor** out) { return binary("dl_ge", ge, a, b, out); }

DL_API dl_status dl_add_scalar(const dl_tensor* a, double s, dl_tensor** out) { return scalar("dl_add_scalar", add, a, s, out); }
DL_API dl_status dl_sub_scalar(const dl_tensor* a, double s, dl_tensor** out) { return scalar("dl_sub_scalar", sub, a, s, out); }
DL_API dl_status dl_mul_scalar(const dl_tensor* a, double s, dl_tensor** out) { return scalar("dl_mul_scalar", mul, a, s, out); }
DL_API dl_status dl_div_scalar(const dl_tensor* a, double s, dl_tensor** out) { return scalar("dl_div_scalar", div, a, s, out); }
DL_API dl_status dl_pow_scalar(const dl_tensor* a, double s, dl_tensor** out) { return scalar("dl_pow_scalar", pow, a, s, out); }

DL_API dl_status dl_neg(const dl_tensor* x, dl_tensor** out) { return unary("dl_neg", neg, x, out); }
DL_API dl_status dl_abs(const dl_tensor* x, dl_tensor** out) { return unary("dl_abs", abs, x, out); }
DL_API dl_status dl_exp(const dl_tensor* x, dl_tensor** out) { return unary("dl_exp", exp, x, out); }
DL_API dl_status dl_log(const dl_tensor* x, dl_tensor** out) { return unary("dl_log", log, x, out); }
DL_API dl_status dl_sqrt(const dl_tensor* x, dl_tensor** out) { return unary("dl_sqrt", sqrt, x, out); }
DL_API dl_status dl_relu(const dl_tensor* x, dl_tensor** out) { return unary("dl_relu", relu, x, out); }
DL_API dl_status dl_sigmoid(const dl_tensor* x, dl_tensor** out) { return unary("dl_sigmoid", sigmoid, x, out); }
DL_API dl_status dl_tanh(const dl_tensor* x, dl_tensor** out) { return unary("dl_tanh", tanh, x, out); }

DL_API dl_status dl_clamp(const dl_tensor* x, double min, double max, dl_tensor** out) {
  return tensor_result("dl_clamp", out, [&] {
    std::optional<double> lo, hi;
    if (!std::isnan(min)) lo = min;
    if (!std::isnan(max)) hi = max;
    return clamp(tensor_of(x, "x"), lo, hi);
  });
}

DL_API dl_status dl_where(const dl_tensor* cond, const dl_tensor* a, const dl_tensor* b, dl_tensor** out) {
  return tensor_result("dl_where", out, [&] { return where(tensor_of(cond, "cond"), tensor_of(a, "a"), tensor_of(b, "b")); });
}

DL_API dl_status dl_masked_fill(const dl_tensor* x, const dl_tensor* mask, double value, dl_tensor** out) {
  return tensor_result("dl_masked_fill", out, [&] { return masked_fill(tensor_of(x, "x"), tensor_of(mask, "mask"), value); });
}

DL_API dl_status dl_sum(const dl_tensor* x, const int64_t* dims, int ndims, int keepdim, dl_tensor** out) {
  return reduction("dl_sum", sum, x, dims, ndims, keepdim, out);
}
DL_API dl_status dl_mean(const dl_tensor* x, const int64_t* dims, int ndims, int keepdim, dl_tensor** out) {
  return reduction("dl_mean", mean, x, dims, ndims, keepdim, out);
}
DL_API dl_status dl_amax(const dl_tensor* x, const int64_t* dims, int ndims, int keepdim, dl_tensor** out) {
  return reduction("dl_amax", amax, x, dims, ndims, keepdim, out);
}
DL_API dl_status dl_amin(const dl_tensor* x, const int64_t* dims, int ndims, int keepdim, dl_tensor** out) {
  return reduction("dl_amin", amin, x, dims, ndims, keepdim, out);
}
DL_API dl_status dl_var(const dl_tensor* x, const int64_t* dims, int ndims, int64_t correction, int keepdim,
                        dl_tensor** out) {
  return tensor_result("dl_var", out, [&] { return var(tensor_of(x, "x"), dims_of(dims, ndims, "dims"), correction, keepdim != 0); });
}
DL_API dl_status dl_std(const dl_tensor* x, const int64_t* dims, int ndims, int64_t correction, int keepdim,
                        dl_tensor** out) {
  return tensor_result("dl_std", out,
                       [&] { return std_dev(tensor_of(x, "x"), dims_of(dims, ndims, "dims"), correction, keepdim != 0); });
}
DL_API dl_status dl_max_dim(const dl_tensor* x, int64_t dim, int keepdim, dl_tensor** values, dl_tensor** indices) {
  return indexed_extremum("dl_max_dim", true, x, dim, keepdim, values, indices);
}
DL_API dl_status dl_min_dim(const dl_tensor* x, int64_t dim, int keepdim, dl_tensor** values, dl_tensor** indices) {
  return indexed_extremum("dl_min_dim", false, x, dim, keepdim, values, indices);
}
DL_API dl_status dl_argmax(const dl_tensor* x, int64_t dim, int keepdim, dl_tensor** out) {
  return tensor_result("dl_argmax", out, [&] { return argmax(tensor_of(x, "x"), dim, keepdim != 0); });
}
DL_API dl_status dl_argmin(const dl_tensor* x, int64_t dim, int keepdim, dl_tensor** out) {
  return tensor_result("dl_argmin", out, [&] { return argmin(tensor_of(x, "x"), dim, keepdim != 0); });
}

DL_API dl_status dl_matmul(const dl_tensor* a, const dl_tensor* b, dl_tensor** out) {
  return binary("dl_matmul", matmul, a, b, out);
}
DL_API dl_status dl_linear(const dl_tensor* x, const dl_tensor* weight, const dl_tensor* bias, dl_tensor** out) {
  return tensor_result("dl_linear", out, [&] {
    return linear(tensor_of(x, "x"), tensor_of(weight, "weight"), bias ? tensor_of(bias, "bias") : Tensor());
  });
}
DL_API dl_status dl_softmax(const dl_tensor* x, int64_t dim, dl_tensor** out) {
  return tensor_result("dl_softmax", out, [&] { return softmax(tensor_of(x, "x"), dim); });
}
DL_API dl_status dl_log_softmax(const dl_tensor* x, int64_t dim, dl_tensor** out) {
  return tensor_result("dl_log_softmax", out, [&] { return log_softmax(tensor_of(x, "x"), dim); });
}

DL_API dl_status dl_reshape(const dl_tensor* x, const int64_t* shape, int ndim, dl_tensor** out) {
  return tensor_result("dl_reshape", out, [&] { return reshape(tensor_of(x, "x"), dims_of(shape, ndim, "shape")); });
}
DL_API dl_status dl_view(const dl_tensor* x, const int64_t* shape, int ndim, dl_tensor** out) {
  return tensor_result("dl_view", out, [&] { return view(tensor_of(x, "x"), dims_of(shape, ndim, "shape")); });
}
DL_API dl_status dl_transpose(const dl_tensor* x, int64_t dim0, int64_t dim1, dl_tensor** out) {
  return tensor_result("dl_transpose", out, [&] { return transpose(tensor_of(x, "x"), dim0, dim1); });
}
DL_API dl_status dl_permute(const dl_tensor* x, const int64_t* dims, int ndims, dl_tensor** out) {
  return tensor_result("dl_permute", out, [&] { return permute(tensor_of(x, "x"), dims_of(dims, ndims, "dims")); });
}
DL_API dl_status dl_flatten(const dl_tensor* x, int64_t start_dim, int64_t end_dim, dl_tensor** out) {
  return tensor_result("dl_flatten", out, [&] { return flatten(tensor_of(x, "x"), start_dim, end_dim); });
}
DL_API dl_status dl_narrow(const dl_tensor* x, int64_t dim, int64_t start, int64_t length, dl_tensor** out) {
  return tensor_result("dl_narrow", out, [&] { return narrow(tensor_of(x, "x"), dim, start, length); });
}
DL_API dl_status dl_select(const dl_tensor* x, int64_t dim, int64_t index, dl_tensor** out) {
  return tensor_result("dl_select", out, [&] { return select(tensor_of(x, "x"), dim, index); });
}
DL_API dl_status dl_squeeze(const dl_tensor* x, int64_t dim, dl_tensor** out) {
  return tensor_result("dl_squeeze", out, [&] { return squeeze(tensor_of(x, "x"), dim); });
}
DL_API dl_status dl_squeeze_all(const dl_tensor* x, dl_tensor** out) {
  return tensor_result("dl_squeeze_all", out, [&] { return squeeze(tensor_of(x, "x")); });
}
DL_API dl_status dl_unsqueeze(const dl_tensor* x, int64_t dim, dl_tensor** out) {
  return tensor_result("dl_unsqueeze", out, [&] { return unsqueeze(tensor_of(x, "x"), dim); });
}
DL_API dl_status dl_expand(const dl_tensor* x, const int64_t* shape, int ndim, dl_tensor** out) {
  return tensor_result("dl_expand", out, [&] { return expand(tensor_of(x, "x"), dims_of(shape, ndim, "shape")); });
}
DL_API dl_status dl_contiguous(const dl_tensor* x, dl_tensor** out) {
  return tensor_result("dl_contiguous", out, [&] { return contiguous(tensor_of(x, "x")); });
}
DL_API dl_status dl_clone(const dl_tensor* x, dl_tensor** out) {
  return tensor_result("dl_clone", out, [&] { return clone(tensor_of(x, "x")); });
}

DL_API dl_status dl_cat(const dl_tensor* const* tensors, int count, int64_t dim, dl_tensor** out) {
  return tensor_result("dl_cat", out, [&] { return cat(tensor_list(tensors, count), dim); });
}
DL_API dl_status dl_stack(const dl_tensor* const* tensors, int count, int64_t dim, dl_tensor** out) {
  return tensor_result("dl_stack", out, [&] { return stack(tensor_list(tensors, count), dim); });
}
DL_API dl_status dl_index_select(const dl_tensor* x, int64_t dim, const dl_tensor* index, dl_tensor** out) {
  return tensor_result("dl_index_select", out,
                       [&] { return index_select(tensor_of(x, "x"), dim, tensor_of(index, "index")); });
}
DL_API dl_status dl_gather(const dl_tensor* x, int64_t dim, const dl_tensor* index, dl_tensor** out) {
  return tensor_result("dl_gather", out, [&] { return gather(tensor_of(x, "x"), dim, tensor_of(index, "index")); });
}

}  // extern "C"
