// float32 2-d convolution through oneDNN (Debian's libdnnl, the library
// PyTorch's CPU convolutions run on): forward, backward data and backward
// weights. Our tensors are contiguous NCHW / OIHW (the op layer sees to it);
// oneDNN picks its own layouts (format_tag::any, usually channel-blocked
// nChw16c / nChw8c for this CPU's vector width) and we reorder in and out.
// Primitive descriptors and primitives are cached per shape: building one
// generates code, which costs far more than a small convolution.
#include "backends/cpu/conv_onednn.h"

#include <dnnl.hpp>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>

#include "base/error.h"

namespace dl::cpu {

namespace {

using dnnl::memory;
using Dims = memory::dims;

dnnl::engine& engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

enum class Pass { Forward, BackwardData, BackwardWeights };

// One convolution's geometry in oneDNN's terms. src [N, C, H, W],
// weights [G, O/G, C/G, kh, kw] (the same bytes as our [O, C/G, kh, kw]),
// dst [N, O, Ho, Wo]; oneDNN counts dilation from 0.
struct Geometry {
  Dims src, weights, dst, strides, dilates, pad_l, pad_r;
  bool bias = false;
  auto key(Pass pass) const {
    return std::make_tuple(pass, src, weights, dst, strides, dilates, pad_l, pad_r, bias);
  }
};

Geometry geometry(const Tensor& x, const Tensor& w, const Tensor& y, const Window2d& win, bool bias) {
  const int64_t G = win.groups;
  Geometry g;
  g.bias = bias;
  g.src = {x.size(0), x.size(1), x.size(2), x.size(3)};
  g.weights = {G, w.size(0) / G, w.size(1), w.size(2), w.size(3)};
  g.dst = {y.size(0), y.size(1), y.size(2), y.size(3)};
  g.strides = {win.stride[0], win.stride[1]};
  g.dilates = {win.dilation[0] - 1, win.dilation[1] - 1};
  g.pad_l = {win.pad_begin[0], win.pad_begin[1]};
  // PyTorch drops the input rows a stride cannot reach; oneDNN wants the
  // right padding that makes its size formula give exactly Ho, Wo.
  for (int d = 0; d < 2; ++d) {
    const int64_t in = g.src[2 + d], k = g.weights[3 + d], reach = (k - 1) * win.dilation[d] + 1;
    g.pad_r.push_back((g.dst[2 + d] - 1) * win.stride[d] + reach - in - win.pad_begin[d]);
  }
  return g;
}

memory::desc any_desc(const Dims& d) { return {d, memory::data_type::f32, memory::format_tag::any}; }
// Our contiguous layouts: bias [O], activations NCHW, weights GOIHW.
memory::desc plain_desc(const Dims& d) {
  const memory::format_tag tag = d.size() == 1   ? memory::format_tag::x
                                 : d.size() == 4 ? memory::format_tag::nchw
                                                 : memory::format_tag::goihw;
  return {d, memory::data_type::f32, tag};
}

// The bias [O] (forward) or its gradient (backward weights); empty without one.
memory::desc bias_desc(const Geometry& g) { return g.bias ? plain_desc({g.dst[1]}) : memory::desc(); }

// How wide a vector ISA an implementation uses, from its name
// ("jit:avx512_core", "brgconv:avx512_core", "jit:avx2"): higher is wider;
// 0 for GEMM-based and reference code.
int isa_rank(const char* impl) {
  static const char* const kWidestFirst[] = {"avx512", "avx2", "avx", "sse41"};
  const std::string name = impl;
  const int count = static_cast<int>(sizeof kWidestFirst / sizeof kWidestFirst[0]);
  for (int i = 0; i < count; ++i)
    if (name.find(kWidestFirst[i]) != std::string::npos) return count - i;
  return 0;
}

// NOTE [conv activation layout]
// A pass's primitive descriptor, built by make(activation layout) for
// activations in oneDNN's preferred layout (format any: channel-blocked) and
// in channels-last (nhwc); the channels-last one is kept only when its
// implementation uses a wider ISA. Some shapes have only an AVX2 kernel in
// the blocked layout and an AVX-512 one in nhwc: LeNet's Conv2d(6, 16, 5)
// backward weights runs 3x faster in nhwc, reorders included. The choice
// depends only on the shape and the CPU, never on timings, so runs stay
// deterministic.
template <typename MakePd>
auto widest_isa(MakePd&& make) {
  auto blocked = make(memory::format_tag::any);
  try {
    auto channels_last = make(memory::format_tag::nhwc);
    if (isa_rank(channels_last.impl_info_str()) > isa_rank(blocked.impl_info_str())) return channels_last;
  } catch (const dnnl::error&) {
    // no implementation for nhwc: the blocked one it is
  }
  return blocked;
}

memory::desc activation_desc(const Dims& d, memory::format_tag layout) {
  return {d, memory::data_type::f32, layout};
}

// The forward primitive descriptor (also the hint both backward passes need).
dnnl::convolution_forward::primitive_desc forward_pd(const Geometry& g) {
  return widest_isa([&](memory::format_tag layout) {
    dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                                      activation_desc(g.src, layout), any_desc(g.weights), bias_desc(g),
                                      activation_desc(g.dst, layout), g.strides, g.dilates, g.pad_l, g.pad_r);
    return dnnl::convolution_forward::primitive_desc(d, engine());
  });
}

struct Cached {
  dnnl::primitive primitive;
  memory::desc src, weights, dst;  // the layouts the primitive reads and writes
};

// Built on first use for a geometry and pass; at most kCacheEntries kept.
// Returned by value: the handles are shared, and another thread may clear the cache.
Cached cached(const Geometry& g, Pass pass) {
  constexpr size_t kCacheEntries = 256;
  static std::mutex mutex;
  static std::map<decltype(g.key(pass)), Cached> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto key = g.key(pass);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  if (cache.size() >= kCacheEntries) cache.clear();
  const auto fwd = forward_pd(g);
  Cached c;
  if (pass == Pass::Forward) {
    c = {dnnl::convolution_forward(fwd), fwd.src_desc(), fwd.weights_desc(), fwd.dst_desc()};
  } else if (pass == Pass::BackwardData) {
    const auto pd = widest_isa([&](memory::format_tag layout) {
      dnnl::convolution_backward_data::desc d(dnnl::algorithm::convolution_direct, activation_desc(g.src, layout),
                                              any_desc(g.weights), activation_desc(g.dst, layout), g.strides,
                                              g.dilates, g.pad_l, g.pad_r);
      return dnnl::convolution_backward_data::primitive_desc(d, engine(), fwd);
    });
    c = {dnnl::convolution_backward_data(pd), pd.diff_src_desc(), pd.weights_desc(), pd.diff_dst_desc()};
  } else {
    const auto pd = widest_isa([&](memory::format_tag layout) {
      dnnl::convolution_backward_weights::desc d(dnnl::algorithm::convolution_direct, activation_desc(g.src, layout),
                                                 any_desc(g.weights), bias_desc(g), activation_desc(g.dst, layout),
                                                 g.strides, g.dilates, g.pad_l, g.pad_r);
      return dnnl::convolution_backward_weights::primitive_desc(d, engine(), fwd);
    });
    c = {dnnl::convolution_backward_weights(pd), pd.src_desc(), pd.diff_weights_desc(), pd.diff_dst_desc()};
  }
  return cache.emplace(std::move(key), std::move(c)).first->second;
}

// A buffer for `layout` from the CPU caching allocator (NOTE [CPU caching
// allocator]): oneDNN's own allocations of these (megabytes per call) went
// to fresh pages every step, and page faults cost more than the reorders.
// The Tensor owns the bytes; keep it alive as long as the memory.
struct Scratch {
  Tensor bytes;
  memory mem;
  explicit Scratch(const memory::desc& layout)
      : bytes(Tensor::empty({static_cast<int64_t>(layout.get_size())}, DType::UInt8)),
        mem(layout, engine(), bytes.data()) {}
};

// Our plain buffer as the primitive's layout: itself when they agree, else a
// reordered copy held in `copy`.
memory to_layout(memory plain, const memory::desc& layout, dnnl::stream& s, std::optional<Scratch>& copy) {
  if (plain.get_desc() == layout) return plain;
  copy.emplace(layout);
  dnnl::reorder(plain, copy->mem).execute(s, plain, copy->mem);
  return copy->mem;
}

// Where a primitive writes a result bound for `plain`; finish() copies it back.
struct Output {
  memory plain;
  std::optional<Scratch> scratch;
  memory written;
  Output(const Dims& dims, float* data, const memory::desc& layout) : plain(plain_desc(dims), engine(), data) {
    if (plain.get_desc() != layout) scratch.emplace(layout);
    written = scratch ? scratch->mem : plain;
  }
  void finish(dnnl::stream& s) {
    if (scratch) dnnl::reorder(written, plain).execute(s, written, plain);
  }
};

memory wrap(const Dims& dims, const Tensor& t) {
  return memory(plain_desc(dims), engine(), const_cast<float*>(t.data_ptr<float>()));
}

// Runs fn, turning oneDNN's exceptions into our error for op `what`.
template <typename Fn>
void guarded(const char* what, Fn&& fn) {
  try {
    fn();
  } catch (const dnnl::error& e) {
    DL_CHECK(e.status != dnnl_out_of_memory, Status::OutOfMemory, what, ": oneDNN is out of memory");
    DL_CHECK(false, Status::Internal, what, ": oneDNN failed: ", e.what());
  }
}

// Backward data (other = weights, result = dx) or backward weights
// (other = x, result = dw, and db in c.out[1] when asked for); c.in[0] is the
// output's gradient either way.
void backward(Pass pass, const KernelCall& c) {
  const bool data = pass == Pass::BackwardData;
  const Tensor &gy = *c.in[0], &other = *c.in[1];
  Tensor& result = *c.out[0];
  const Geometry g =
      geometry(data ? result : other, data ? other : result, gy, c.attrs.window, !data && c.out[1] != nullptr);
  const Cached conv = cached(g, pass);
  dnnl::stream s(engine());
  std::optional<Scratch> diff_dst_copy, read_copy;
  const memory diff_dst = to_layout(wrap(g.dst, gy), conv.dst, s, diff_dst_copy);
  const memory read = data ? to_layout(wrap(g.weights, other), conv.weights, s, read_copy)
                           : to_layout(wrap(g.src, other), conv.src, s, read_copy);
  Output written(data ? g.src : g.weights, result.data_ptr<float>(), data ? conv.src : conv.weights);
  std::unordered_map<int, memory> args = {{DNNL_ARG_DIFF_DST, diff_dst},
                                          {data ? DNNL_ARG_WEIGHTS : DNNL_ARG_SRC, read},
                                          {data ? DNNL_ARG_DIFF_SRC : DNNL_ARG_DIFF_WEIGHTS, written.written}};
  if (g.bias) args[DNNL_ARG_DIFF_BIAS] = wrap({g.dst[1]}, *c.out[1]);
  conv.primitive.execute(s, args);
  written.finish(s);
  s.wait();
}

}  // namespace

void onednn_conv2d(const KernelCall& c) {
  guarded("conv2d", [&] {
    const Tensor &x = *c.in[0], &w = *c.in[1];
    Tensor& y = *c.out[0];
    const Geometry g = geometry(x, w, y, c.attrs.window, c.in[2] != nullptr);
    const Cached conv = cached(g, Pass::Forward);
    dnnl::stream s(engine());
    std::optional<Scratch> src_copy, weights_copy;
    const memory src = to_layout(wrap(g.src, x), conv.src, s, src_copy);
    const memory weights = to_layout(wrap(g.weights, w), conv.weights, s, weights_copy);
    Output dst(g.dst, y.data_ptr<float>(), conv.dst);
    std::unordered_map<int, memory> args = {
        {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, dst.written}};
    if (g.bias) args[DNNL_ARG_BIAS] = wrap({g.dst[1]}, *c.in[2]);
    conv.primitive.execute(s, args);
    dst.finish(s);
    s.wait();
  });
}

void onednn_conv2d_input_grad(const KernelCall& c) {
  guarded("conv2d backward", [&] { backward(Pass::BackwardData, c); });
}

void onednn_conv2d_weight_grad(const KernelCall& c) {
  guarded("conv2d backward", [&] { backward(Pass::BackwardWeights, c); });
}

}  // namespace dl::cpu
