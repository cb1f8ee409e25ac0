// Broadcasting elementwise ops. Binary ops promote dtypes as PyTorch does
// (a 0-dim tensor or a scalar does not widen a dimensioned tensor of the same
// category: float32 tensor * 2.5 stays float32). Float-only functions (exp,
// log, sqrt, sigmoid, tanh, div) turn integer inputs into float32.
#pragma once

#include <optional>

#include "tensor/tensor.h"

namespace dl {

// a: [*a], b: [*b] -> broadcast([*a], [*b])
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);  // true division
Tensor pow(const Tensor& a, const Tensor& b);
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
// comparisons -> bool
Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);

// Scalar variants: s is a "wrapped number" (it never widens a's dtype within
// its category; an integer tensor with a fractional s becomes float32).
Tensor add(const Tensor& a, double s);
Tensor sub(const Tensor& a, double s);
Tensor mul(const Tensor& a, double s);
Tensor div(const Tensor& a, double s);
Tensor pow(const Tensor& a, double s);
Tensor eq(const Tensor& a, double s);
Tensor ne(const Tensor& a, double s);
Tensor lt(const Tensor& a, double s);
Tensor le(const Tensor& a, double s);
Tensor gt(const Tensor& a, double s);
Tensor ge(const Tensor& a, double s);

// x: [*] -> [*]
Tensor neg(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor relu(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor erf(const Tensor& x);
Tensor clamp(const Tensor& x, std::optional<double> lo, std::optional<double> hi);

// cond (bool): [*c], a: [*a], b: [*b] -> broadcast of the three; a and b promote.
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);
// x where mask is false, value where true; mask broadcasts to x.
Tensor masked_fill(const Tensor& x, const Tensor& mask, double value);

// In place, not recorded by autograd (optimizer updates, gradient
// accumulation): x += y, with y broadcast to x's shape and converted to its dtype.
void add_(Tensor& x, const Tensor& y);

// A 0-dim tensor holding s, of the dtype a scalar takes next to a tensor of dtype like.
Tensor scalar_like(double s, DType like, Device device);

}  // namespace dl
