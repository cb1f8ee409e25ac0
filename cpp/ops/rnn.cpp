#include "ops/rnn.h"

#include "autograd/derivatives.h"
#include "autograd/record.h"
#include "base/error.h"
#include "ops/op_table.h"
#include "ops/op_utils.h"
#include "ops/view.h"

namespace dl {

namespace {

void check_operand(const Tensor& t, const Tensor& like, const char* arg, int64_t rows, int64_t cols) {
  detail::check_defined(t, "lstm_cell", arg);
  DL_CHECK(t.dim() == 2 && t.size(0) == rows && t.size(1) == cols, Status::Shape, "lstm_cell: argument '", arg,
           "' must have shape [", rows, ", ", cols, "], got ", shape_str(t.sizes()));
  DL_CHECK(t.dtype() == like.dtype(), Status::DType, "lstm_cell: argument '", arg, "' has dtype ",
           dtype_name(t.dtype()), ", expected ", dtype_name(like.dtype()));
  detail::check_same_device(like, t, "lstm_cell");
}

}  // namespace

std::pair<Tensor, Tensor> lstm_cell(const Tensor& input_gates, const Tensor& hidden_gates, const Tensor& c) {
  detail::check_defined(input_gates, "lstm_cell", "input_gates");
  detail::check_defined(c, "lstm_cell", "c");
  DL_CHECK(c.dim() == 2, Status::Shape, "lstm_cell: argument 'c' must be [batch, hidden], got shape ",
           shape_str(c.sizes()));
  DL_CHECK(is_floating(c.dtype()), Status::DType, "lstm_cell: argument 'c' must be a floating-point tensor, got ",
           dtype_name(c.dtype()));
  const int64_t B = c.size(0), H = c.size(1);
  check_operand(input_gates, c, "input_gates", B, 4 * H);
  check_operand(hidden_gates, c, "hidden_gates", B, 4 * H);
  Tensor xg = contiguous(input_gates), hg = contiguous(hidden_gates), cc = contiguous(c);
  Tensor h_out = Tensor::empty({B, H}, c.dtype(), c.device());
  Tensor c_out = Tensor::empty({B, H}, c.dtype(), c.device());
  Tensor workspace = Tensor::empty({B, 5 * H}, c.dtype(), c.device());
  KernelCall call(OpId::lstm_cell);
  call.in[0] = &xg;
  call.in[1] = &hg;
  call.in[2] = &cc;
  call.out[0] = &h_out;
  call.out[1] = &c_out;
  call.out[2] = &workspace;
  if (c_out.numel() > 0) dispatch(call);
  if (should_record({&xg, &hg, &cc})) record(OpId::lstm_cell, {xg, hg, cc}, {&h_out, &c_out, &workspace});
  return {h_out, c_out};
}

// The gradient of the gates (before their activations) is the same for the
// input and the hidden part: both were added into each gate.
void backward_lstm_cell(const GradContext& ctx, std::vector<Tensor>& gi) {
  Tensor dh = contiguous(ctx.grad(0)), dc = contiguous(ctx.grad(1));
  const Tensor& c = ctx.input(2);
  const Tensor& workspace = ctx.output(2);
  Tensor d_gates = Tensor::empty({c.size(0), 4 * c.size(1)}, c.dtype(), c.device());
  Tensor d_c = Tensor::empty(c.sizes(), c.dtype(), c.device());
  KernelCall call(OpId::lstm_cell_backward);
  call.in[0] = &dh;
  call.in[1] = &dc;
  call.in[2] = &c;
  call.in[3] = &workspace;
  call.out[0] = &d_gates;
  call.out[1] = &d_c;
  if (d_c.numel() > 0) dispatch(call);
  gi[0] = d_gates;
  gi[1] = d_gates;
  gi[2] = d_c;
}

DL_NO_BACKWARD(lstm_cell_backward)

}  // namespace dl
