// Handles of the C ABI (internal). Every handle struct starts with a 32-bit
// tag naming its type and state, checked on entry to every function.
//
// NOTE [Handle pool]: handle memory is never returned to the system. A freed
// handle keeps a "freed" tag and goes to the back of a FIFO of free slots,
// reused only after kQuarantine other frees, so using a handle after
// dl_*_free reports DL_ERR_INVALID_ARGUMENT instead of reading freed memory
// (this holds under AddressSanitizer too, as the memory stays ours).
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "base/error.h"
#include "data/dataset.h"
#include "data/loader.h"
#include "dl/dl.h"
#include "nn/module.h"
#include "optim/optimizer.h"
#include "optim/scheduler.h"
#include "tensor/tensor.h"

namespace dl::capi {

enum : uint32_t {
  kFreedTag = 0x46524545u,     // "FREE"
  kReleasedTag = 0x52454c53u,  // "RELS": tensor released by a scope, handle still owned
  kTensorTag = 0x54454e53u,    // "TENS"
  kModuleTag = 0x4d4f444cu,    // "MODL"
  kOptimizerTag = 0x4f505449u, // "OPTI"
  kSchedulerTag = 0x53434844u, // "SCHD"
  kDatasetTag = 0x44415453u,   // "DATS"
  kLoaderTag = 0x4c4f4144u,    // "LOAD"
};

template <typename H>
class HandlePool {
 public:
  static constexpr size_t kQuarantine = 1024;

  // A handle from the pool with its payload default-constructed state; the caller sets payload and tag.
  H* acquire() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (free_.size() > kQuarantine) {
        H* h = free_.front();
        free_.pop_front();
        return h;
      }
    }
    return new H();  // owned by the pool forever (NOTE [Handle pool])
  }
  // The payload must already be reset and the tag set to kFreedTag.
  void recycle(H* h) {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(h);
  }

 private:
  std::mutex mutex_;
  std::deque<H*> free_;
};

template <typename H>
HandlePool<H>& pool() {
  static HandlePool<H>* p = new HandlePool<H>();  // never destroyed: frees may run during exit
  return *p;
}

// Reads a handle's tag and throws a naming error unless it is `want`.
void check_tag(const void* h, uint32_t want, const char* type, const char* arg);

}  // namespace dl::capi

struct dl_tensor {
  uint32_t tag = dl::capi::kFreedTag;
  uint64_t scope_id = 0;    // the scope that releases it, 0 for none
  uint64_t generation = 0;  // bumped on each reuse of the slot
  dl::Tensor tensor;
};

// The other handles hold one engine object each: `value`, with kTag and kName
// for the generic functions below.
struct dl_module {
  static constexpr uint32_t kTag = dl::capi::kModuleTag;
  static constexpr const char* kName = "dl_module";
  uint32_t tag = dl::capi::kFreedTag;
  std::shared_ptr<dl::Module> value;
};

struct dl_optimizer {
  static constexpr uint32_t kTag = dl::capi::kOptimizerTag;
  static constexpr const char* kName = "dl_optimizer";
  uint32_t tag = dl::capi::kFreedTag;
  std::shared_ptr<dl::Optimizer> value;
};

// A scheduler keeps its optimizer alive (the engine's Scheduler holds a reference to it).
struct SchedulerHolder {
  std::shared_ptr<dl::Optimizer> optimizer;
  std::unique_ptr<dl::Scheduler> scheduler;
};
struct dl_scheduler {
  static constexpr uint32_t kTag = dl::capi::kSchedulerTag;
  static constexpr const char* kName = "dl_scheduler";
  uint32_t tag = dl::capi::kFreedTag;
  std::shared_ptr<SchedulerHolder> value;
};

struct dl_dataset {
  static constexpr uint32_t kTag = dl::capi::kDatasetTag;
  static constexpr const char* kName = "dl_dataset";
  uint32_t tag = dl::capi::kFreedTag;
  std::shared_ptr<const dl::Dataset> value;
};

struct dl_loader {
  static constexpr uint32_t kTag = dl::capi::kLoaderTag;
  static constexpr const char* kName = "dl_loader";
  uint32_t tag = dl::capi::kFreedTag;
  std::shared_ptr<dl::DataLoader> value;
};

namespace dl::capi {

// A new handle of type H holding value.
template <typename H>
H* new_handle(decltype(H::value) value) {
  H* h = pool<H>().acquire();
  h->value = std::move(value);
  h->tag = H::kTag;
  return h;
}

// The object behind a live handle of type H; throws for NULL, foreign or freed handles.
template <typename H>
auto& value_of(const H* h, const char* arg) {
  check_tag(h, H::kTag, H::kName, arg);
  return const_cast<H*>(h)->value;
}

// dl_*_free: NULL and handles that are not live H handles are ignored.
template <typename H>
void free_handle(H* h) {
  if (!h || h->tag != H::kTag) return;
  h->value = {};
  h->tag = kFreedTag;
  pool<H>().recycle(h);
}

// A C caller's user_data and its release function (nullable), kept by the
// object made with them. The constructors that take one arm it only after
// they succeed, so a failed call never releases what the caller still owns.
struct UserData {
  void* data = nullptr;
  void (*release)(void*) = nullptr;
  bool armed = false;
  UserData(void* d, void (*r)(void*)) : data(d), release(r) {}
  UserData(const UserData&) = delete;
  UserData& operator=(const UserData&) = delete;
  ~UserData() {
    if (armed && release) release(data);
  }
};

// The tensor behind a live handle; throws for NULL, foreign, freed or released handles.
const Tensor& tensor_of(const dl_tensor* h, const char* arg);
// A new handle holding t, registered with the current scope.
dl_tensor* new_tensor_handle(Tensor t);

// The C entry points' guard: runs body, maps exceptions to a status and the
// thread-local message "<fn>: <what>", clears the message on success.
void set_error(const char* fn, const char* what);
// Sets the message as given (dl_set_error); may throw std::bad_alloc.
void set_error_message(const char* message);
void clear_error();

template <typename Body>
dl_status guarded(const char* fn, Body&& body) noexcept {
  try {
    body();
    clear_error();
    return DL_OK;
  } catch (const Error& e) {
    set_error(fn, e.what());
    return static_cast<dl_status>(e.status());
  } catch (const std::bad_alloc&) {
    set_error(fn, "out of memory");
    return DL_ERR_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    set_error(fn, e.what());
    return DL_ERR_INTERNAL;
  } catch (...) {
    set_error(fn, "unknown internal error");
    return DL_ERR_INTERNAL;
  }
}

// Checks an out-parameter and sets it to NULL.
template <typename T>
void reset_out(T** out, const char* arg) {
  DL_CHECK(out != nullptr, Status::InvalidArgument, "argument '", arg, "' (the result pointer) is NULL");
  *out = nullptr;
}

// The common shape of functions returning one new tensor: *out = new handle of body().
template <typename Body>
dl_status tensor_result(const char* fn, dl_tensor** out, Body&& body) noexcept {
  return guarded(fn, [&] {
    reset_out(out, "out");
    Tensor t = body();
    *out = new_tensor_handle(std::move(t));
  });
}

// The common shape of constructors: *out = a new H handle holding make()'s object.
template <typename H, typename Make>
dl_status handle_result(const char* fn, H** out, Make&& make) noexcept {
  return guarded(fn, [&] {
    reset_out(out, "out");
    decltype(H::value) value = make();
    *out = new_handle<H>(std::move(value));
  });
}

// Sizes from a C array: ndim in [0, 64], shape non-NULL when ndim > 0.
Dims dims_of(const int64_t* values, int n, const char* arg);

// The integer in a C enum argument. A C caller may pass any int; in C++
// reading a value outside the enum's range as the enum type is undefined, so
// it is read as an int.
template <typename E>
int enum_value(const E& e) {
  static_assert(sizeof(E) == sizeof(int), "C enums are int-sized");
  int v;
  std::memcpy(&v, &e, sizeof v);
  return v;
}

// Checked conversions of C enum arguments (InvalidArgument, or Device for a
// device that is not one, naming arg).
DType dtype_of(const dl_dtype& value, const char* arg);
Device device_of(const dl_device& d, const char* arg);

}  // namespace dl::capi
