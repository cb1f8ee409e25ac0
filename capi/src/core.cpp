// Versions, errors, seeding, threads, scopes.
#include <atomic>
#include <vector>

#include "backends/backend.h"
#include "backends/cpu/blas.h"
#include "backends/cpu/cpu_backend.h"
#include "handles.h"
#include "tensor/generator.h"

namespace dl::capi {

const char* last_error();

namespace {

struct Scope {
  uint64_t id;
  std::vector<std::pair<dl_tensor*, uint64_t>> handles;  // (handle, its generation when registered)
};

std::atomic<uint64_t> g_next_scope_id{1};
thread_local std::vector<Scope> t_scopes;

}  // namespace

dl_tensor* new_tensor_handle(Tensor t) {
  dl_tensor* h = pool<dl_tensor>().acquire();
  h->tensor = std::move(t);
  ++h->generation;
  h->scope_id = 0;
  if (!t_scopes.empty()) {
    Scope& s = t_scopes.back();
    s.handles.emplace_back(h, h->generation);
    h->scope_id = s.id;
  }
  h->tag = kTensorTag;
  return h;
}

}  // namespace dl::capi

using namespace dl;
using namespace dl::capi;

extern "C" {

DL_API const char* dl_version(void) { return "0.1.0"; }

DL_API int dl_abi_version(void) { return DL_VERSION_MAJOR; }

DL_API const char* dl_last_error_message(void) { return last_error(); }

DL_API dl_status dl_set_error(dl_status status, const char* message) {
  try {
    set_error_message(message);
  } catch (...) {  // no memory for the copy: an empty message rather than an exception across the ABI
    set_error_message(nullptr);
  }
  return status;
}

DL_API const char* dl_status_name(dl_status s) {
  switch (enum_value(s)) {
    case DL_OK: return "DL_OK";
    case DL_ERR_INVALID_ARGUMENT: return "DL_ERR_INVALID_ARGUMENT";
    case DL_ERR_SHAPE: return "DL_ERR_SHAPE";
    case DL_ERR_DTYPE: return "DL_ERR_DTYPE";
    case DL_ERR_DEVICE: return "DL_ERR_DEVICE";
    case DL_ERR_OUT_OF_MEMORY: return "DL_ERR_OUT_OF_MEMORY";
    case DL_ERR_IO: return "DL_ERR_IO";
    case DL_ERR_FORMAT: return "DL_ERR_FORMAT";
    case DL_ERR_STATE: return "DL_ERR_STATE";
    case DL_ERR_UNSUPPORTED: return "DL_ERR_UNSUPPORTED";
    case DL_ERR_INTERNAL: return "DL_ERR_INTERNAL";
  }
  return "DL_UNKNOWN_STATUS";
}

DL_API dl_status dl_manual_seed(uint64_t seed) {
  return guarded("dl_manual_seed", [&] { manual_seed(seed); });
}

DL_API dl_status dl_set_num_threads(int n) {
  return guarded("dl_set_num_threads", [&] {
    DL_CHECK(n >= 1, Status::InvalidArgument, "argument 'n' must be >= 1, got ", n);
    set_num_threads(n);
  });
}

DL_API dl_status dl_get_num_threads(int* out) {
  return guarded("dl_get_num_threads", [&] {
    DL_CHECK(out != nullptr, Status::InvalidArgument, "argument 'out' is NULL");
    *out = num_threads();
  });
}

DL_API const char* dl_blas_info(void) { return cpu::blas_description(); }

DL_API dl_status dl_empty_cache(void) {
  return guarded("dl_empty_cache", [] { cpu::empty_cache(); });
}

DL_API dl_status dl_scope_begin(void) {
  return guarded("dl_scope_begin", [] { t_scopes.push_back(Scope{g_next_scope_id++, {}}); });
}

DL_API dl_status dl_scope_end(void) {
  return guarded("dl_scope_end", [] {
    DL_CHECK(!t_scopes.empty(), Status::State, "no scope is open on this thread (dl_scope_end without dl_scope_begin)");
    Scope s = std::move(t_scopes.back());
    t_scopes.pop_back();
    for (auto& [h, generation] : s.handles) {
      if (h->generation != generation || h->tag != kTensorTag || h->scope_id != s.id) continue;
      h->tensor = Tensor();
      h->tag = kReleasedTag;
    }
  });
}

DL_API dl_status dl_scope_keep(const dl_tensor* t) {
  return guarded("dl_scope_keep", [&] {
    tensor_of(t, "t");
    DL_CHECK(!t_scopes.empty(), Status::State, "no scope is open on this thread");
    auto* h = const_cast<dl_tensor*>(t);
    if (h->scope_id != t_scopes.back().id) return;  // made outside this scope, or already kept
    if (t_scopes.size() >= 2) {
      Scope& parent = t_scopes[t_scopes.size() - 2];
      parent.handles.emplace_back(h, h->generation);
      h->scope_id = parent.id;
    } else {
      h->scope_id = 0;
    }
  });
}

}  // extern "C"
