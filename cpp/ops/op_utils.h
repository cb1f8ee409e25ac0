// Helpers shared by the op implementations in this folder (not public API).
#pragma once

#include "ops/op_table.h"
#include "tensor/tensor.h"

namespace dl::detail {

// Throws Status::InvalidArgument "<what>: argument '<arg>' is an undefined tensor".
void check_defined(const Tensor& t, const char* what, const char* arg);
// Throws Status::Device when b lives on another device than a.
void check_same_device(const Tensor& a, const Tensor& b, const char* what);
// The dtype of a binary op's result: PyTorch's rules, where a 0-dim tensor
// only widens the other operand when it belongs to a higher category
// (bool < integer < float), and then with its own dtype.
DType result_type(const Tensor& a, const Tensor& b);
// A stride-0 view of x broadcast to shape (no checks; shape is a valid broadcast target).
Tensor expand_to(const Tensor& x, const Dims& shape);
// x converted to dtype (x itself when it already is).
Tensor cast(const Tensor& x, DType dtype);
// Allocates out (contiguous, x's device), runs the kernel op with x as its
// only input and returns out.
Tensor unary_kernel(OpId op, const Tensor& x, DType out_dtype);

}  // namespace dl::detail
