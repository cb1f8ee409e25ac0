// float32 conv2d kernels on oneDNN (built when libdnnl is found; conv.cpp
// sends float32 calls here and keeps im2col + GEMM for float64). KernelCall
// operands as the op table's conv2d, conv2d_input_grad, conv2d_weight_grad rows.
#pragma once

#include "backends/backend.h"

namespace dl::cpu {

void onednn_conv2d(const KernelCall& c);
void onednn_conv2d_input_grad(const KernelCall& c);
void onednn_conv2d_weight_grad(const KernelCall& c);

}  // namespace dl::cpu
