#include "tensor/shape.h"

#include <sstream>

#include "base/error.h"

namespace dl {

int64_t wrap_dim(int64_t dim, int64_t ndim, const char* what) {
  int64_t n = ndim == 0 ? 1 : ndim;  // a 0-dim tensor accepts dim 0 and -1, as in PyTorch
  DL_CHECK(dim >= -n && dim < n, Status::InvalidArgument, what, ": dim ", dim,
           " is out of range for a tensor of ", ndim, " dims (expected [", -n, ", ", n - 1, "])");
  return dim < 0 ? dim + n : dim;
}

int64_t shape_numel(const Dims& sizes) {
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  return n;
}

Dims contiguous_strides(const Dims& sizes) {
  Dims strides(sizes.size());
  int64_t stride = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= sizes[i] > 1 ? sizes[i] : 1;
  }
  return strides;
}

Dims broadcast_shapes(const Dims& a, const Dims& b, const char* what) {
  size_t n = a.size() > b.size() ? a.size() : b.size();
  Dims out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t sa = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t sb = i < n - b.size() ? 1 : b[i - (n - b.size())];
    DL_CHECK(sa == sb || sa == 1 || sb == 1, Status::Shape, what, ": shapes ", shape_str(a), " and ",
             shape_str(b), " cannot be broadcast together");
    out[i] = sa == 1 ? sb : sa;
  }
  return out;
}

std::string shape_str(const Dims& sizes) {
  std::ostringstream os;
  os << '[';
  for (size_t i = 0; i < sizes.size(); ++i) os << (i ? ", " : "") << sizes[i];
  os << ']';
  return os.str();
}

}  // namespace dl
