// Datasets (MNIST-family IDX, CIFAR-10, tensors, user callbacks), Normalize, the data loader.
#include <string>

#include "data/cifar.h"
#include "data/idx.h"
#include "handles.h"
#include "ops/view.h"

using namespace dl;
using namespace dl::capi;

namespace {

// The C callback of dl_dataset_from_callback as CallbackDataset's get_item.
struct GetItemCallback {
  GetItemCallback(dl_get_item_fn f, void* data, void (*release)(void*)) : fn(f), user(data, release) {}
  dl_get_item_fn fn;
  UserData user;
  std::pair<Tensor, Tensor> operator()(int64_t index) const {
    dl_tensor *x = nullptr, *y = nullptr;
    dl_status st = fn(index, &x, &y, user.data);
    std::string message = st == DL_OK ? "" : dl_last_error_message();
    bool live = x && y && x->tag == kTensorTag && y->tag == kTensorTag;
    std::pair<Tensor, Tensor> item = live ? std::make_pair(x->tensor, y->tensor) : std::pair<Tensor, Tensor>();
    dl_tensor_free(x);
    dl_tensor_free(y);
    if (st != DL_OK)
      fail(static_cast<Status>(st), "get_item returned ", dl_status_name(st), " for index ", index,
           message.empty() ? "" : ": ", message);
    DL_CHECK(live, Status::InvalidArgument, "get_item returned DL_OK for index ", index,
             " without live tensors in *x and *y");
    return item;
  }
};

}  // namespace

extern "C" {

DL_API dl_status dl_dataset_mnist(const char* dir, int train, dl_dataset** out) {
  return handle_result("dl_dataset_mnist", out, [&] { return load_mnist(dir ? dir : DL_FASHION_MNIST_DIR, train != 0); });
}

DL_API dl_status dl_dataset_cifar10(const char* dir, int train, dl_dataset** out) {
  return handle_result("dl_dataset_cifar10", out, [&] {
    DL_CHECK(dir != nullptr, Status::InvalidArgument, "argument 'dir' is NULL");
    return load_cifar10(dir, train != 0);
  });
}

DL_API dl_status dl_dataset_from_tensors(const dl_tensor* x, const dl_tensor* y, dl_dataset** out) {
  return handle_result("dl_dataset_from_tensors", out, [&] {
    const Tensor& xs = tensor_of(x, "x");
    return std::make_shared<TensorDataset>(xs, tensor_of(y, "y"));
  });
}

DL_API dl_status dl_dataset_from_callback(int64_t size, dl_get_item_fn get_item, void* user_data,
                                          void (*free_user_data)(void* user_data), dl_dataset** out) {
  auto callback = std::make_shared<GetItemCallback>(get_item, user_data, free_user_data);
  dl_status st = handle_result("dl_dataset_from_callback", out, [&] {
    DL_CHECK(size >= 0, Status::InvalidArgument, "argument 'size' must be >= 0, got ", size);
    DL_CHECK(get_item != nullptr, Status::InvalidArgument, "argument 'get_item' is NULL");
    return std::make_shared<CallbackDataset>(size, [callback](int64_t i) { return (*callback)(i); });
  });
  callback->user.armed = st == DL_OK;
  return st;
}

DL_API dl_status dl_dataset_normalize(const dl_dataset* ds, const float* mean, const float* std, int channels,
                                      dl_dataset** out) {
  return handle_result("dl_dataset_normalize", out, [&] {
    auto& base = value_of(ds, "ds");
    DL_CHECK(channels >= 1, Status::InvalidArgument, "argument 'channels' must be >= 1, got ", channels);
    DL_CHECK(mean != nullptr, Status::InvalidArgument, "argument 'mean' is NULL");
    DL_CHECK(std != nullptr, Status::InvalidArgument, "argument 'std' is NULL");
    auto normalize = std::make_shared<Normalize>(std::vector<double>(mean, mean + channels),
                                                 std::vector<double>(std, std + channels));
    return std::make_shared<TransformDataset>(base, std::vector<std::shared_ptr<const Transform>>{normalize});
  });
}

DL_API dl_status dl_dataset_size(const dl_dataset* ds, int64_t* out) {
  return guarded("dl_dataset_size", [&] {
    DL_CHECK(out != nullptr, Status::InvalidArgument, "argument 'out' is NULL");
    *out = 0;
    *out = value_of(ds, "ds")->size();
  });
}

DL_API dl_status dl_dataset_get(const dl_dataset* ds, int64_t index, dl_tensor** x, dl_tensor** y) {
  return guarded("dl_dataset_get", [&] {
    reset_out(x, "x");
    reset_out(y, "y");
    Batch b = value_of(ds, "ds")->get(index);
    dl_tensor* xh = new_tensor_handle(select(b.x, 0, 0));
    *y = new_tensor_handle(select(b.y, 0, 0));
    *x = xh;
  });
}

DL_API void dl_dataset_free(dl_dataset* ds) { free_handle(ds); }

DL_API dl_loader_options dl_loader_defaults(void) { return dl_loader_options{1, 0, 0, 0, 0}; }

DL_API dl_status dl_loader_new(const dl_dataset* ds, const dl_loader_options* o, dl_loader** out) {
  return guarded("dl_loader_new", [&] {
    reset_out(out, "out");
    auto& dataset = value_of(ds, "ds");
    DL_CHECK(o != nullptr, Status::InvalidArgument, "argument 'o' (the options) is NULL");
    DL_CHECK(o->batch_size >= 1, Status::InvalidArgument, "argument 'o': batch_size must be >= 1, got ",
             o->batch_size);
    DL_CHECK(o->num_workers >= 0, Status::InvalidArgument, "argument 'o': num_workers must be >= 0, got ",
             o->num_workers);
    LoaderOptions lo;
    lo.batch_size = o->batch_size;
    lo.shuffle = o->shuffle != 0;
    lo.seed = o->seed;
    lo.drop_last = o->drop_last != 0;
    lo.num_workers = o->num_workers;
    *out = new_handle<dl_loader>(std::make_shared<DataLoader>(dataset, lo));
  });
}

DL_API dl_status dl_loader_next(dl_loader* l, dl_tensor** x, dl_tensor** y) {
  return guarded("dl_loader_next", [&] {
    reset_out(x, "x");
    reset_out(y, "y");
    Batch b;
    if (!value_of(l, "l")->next(b)) return;
    dl_tensor* xh = new_tensor_handle(std::move(b.x));
    *y = new_tensor_handle(std::move(b.y));
    *x = xh;
  });
}

DL_API dl_status dl_loader_num_batches(const dl_loader* l, int64_t* out) {
  return guarded("dl_loader_num_batches", [&] {
    DL_CHECK(out != nullptr, Status::InvalidArgument, "argument 'out' is NULL");
    *out = 0;
    *out = value_of(l, "l")->batches_per_epoch();
  });
}

DL_API void dl_loader_free(dl_loader* l) { free_handle(l); }

}  // extern "C"
