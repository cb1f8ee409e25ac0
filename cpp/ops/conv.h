// 2-d convolution and pooling, as torch.nn.functional: inputs are
// [N, C, H, W], or [C, H, W] for one unbatched image (the result is then
// unbatched too). Pairs are {h, w}.
#pragma once

#include <array>
#include <utility>

#include "tensor/tensor.h"

namespace dl {

using Pair2d = std::array<int64_t, 2>;

// conv2d's padding: explicit sizes (zeros on both sides), or "same" (output
// as large as the input; stride 1 only; an odd total pads one more after)
// or "valid" (none).
struct Conv2dPadding {
  enum class Mode { Explicit, Same, Valid };
  Mode mode = Mode::Explicit;
  Pair2d size{0, 0};
};

// x [N, C, H, W], weight [O, C / groups, kh, kw], bias [O] or undefined -> [N, O, Ho, Wo].
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor(), Pair2d stride = {1, 1},
              Conv2dPadding padding = {}, Pair2d dilation = {1, 1}, int64_t groups = 1);

struct Pool2dOptions {
  Pair2d kernel{1, 1};
  Pair2d stride{0, 0};  // {0, 0}: the kernel size, PyTorch's default
  Pair2d padding{0, 0};
  Pair2d dilation{1, 1};       // max pooling only
  bool ceil_mode = false;
  bool count_include_pad = true;  // average pooling only
  int64_t divisor_override = 0;   // average pooling only; 0: none
};

// -> values, and the int64 index of each maximum in its flattened H*W plane.
std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& x, const Pool2dOptions& o);
Tensor max_pool2d(const Tensor& x, const Pool2dOptions& o);
Tensor avg_pool2d(const Tensor& x, const Pool2dOptions& o);
// Output [N, C, out_h, out_w]; window i spans [floor(i * H / out), ceil((i + 1) * H / out)).
Tensor adaptive_avg_pool2d(const Tensor& x, Pair2d output_size);

}  // namespace dl
