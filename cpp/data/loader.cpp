#include "data/loader.h"

#include <numeric>

#include "base/error.h"
#include "tensor/generator.h"

namespace dl {

namespace {
// How many batches each worker may run ahead of the consumer.
constexpr int64_t kPrefetchPerWorker = 8;
}  // namespace

// NOTE [loader wake-ups]: waking a sleeping worker is a futex system call,
// tens of microseconds on a virtual machine, paid by the training thread.
// Workers run ahead by up to kPrefetchPerWorker batches each and then sleep;
// the consumer wakes them only when half of that lead is used up (or when it
// must wait itself), so a wake-up buys many batches instead of one.

std::vector<int64_t> shuffled_order(int64_t n, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  uint32_t w[4];
  for (int64_t i = n - 1; i > 0; --i) {
    philox4x32(seed, (static_cast<uint64_t>(epoch) << 40) | static_cast<uint64_t>(i), w);
    uint64_t r = (static_cast<uint64_t>(w[0]) << 32) | w[1];
    int64_t j = static_cast<int64_t>(r % static_cast<uint64_t>(i + 1));
    std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(j)]);
  }
  return order;
}

DataLoader::DataLoader(std::shared_ptr<const Dataset> dataset, const LoaderOptions& o)
    : dataset_(std::move(dataset)), o_(o) {
  DL_CHECK(dataset_ != nullptr, Status::InvalidArgument, "DataLoader: argument 'dataset' is null");
  DL_CHECK(o.batch_size > 0, Status::InvalidArgument, "DataLoader: batch_size must be positive, got ", o.batch_size);
  DL_CHECK(o.num_workers >= 0 && o.num_workers <= 64, Status::InvalidArgument,
           "DataLoader: num_workers must be in [0, 64], got ", o.num_workers);
}

DataLoader::~DataLoader() { stop_workers(); }

int64_t DataLoader::batches_per_epoch() const {
  int64_t n = dataset_->size();
  return o_.drop_last ? n / o_.batch_size : (n + o_.batch_size - 1) / o_.batch_size;
}

std::vector<int64_t> DataLoader::batch_indices(int64_t b) const {
  int64_t begin = b * o_.batch_size;
  int64_t end = std::min<int64_t>(begin + o_.batch_size, static_cast<int64_t>(order_.size()));
  return std::vector<int64_t>(order_.begin() + begin, order_.begin() + end);
}

void DataLoader::start_epoch() {
  stop_workers();
  int64_t n = dataset_->size();
  if (o_.shuffle) {
    order_ = shuffled_order(n, o_.seed, epoch_);
  } else {
    order_.resize(static_cast<size_t>(n));
    std::iota(order_.begin(), order_.end(), 0);
  }
  ++epoch_;
  next_batch_ = 0;
  in_epoch_ = true;
  ready_.clear();
  errors_.clear();
  stopping_ = false;
  for (int w = 0; w < o_.num_workers; ++w) workers_.emplace_back(&DataLoader::worker_loop, this, w);
}

void DataLoader::stop_workers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
}

// Worker w makes batches w, w + W, w + 2W, ... staying at most
// kPrefetchPerWorker * W batches ahead of the consumer.
void DataLoader::worker_loop(int worker) {
  const int64_t total = batches_per_epoch();
  const int64_t ahead = kPrefetchPerWorker * o_.num_workers;
  for (int64_t b = worker; b < total; b += o_.num_workers) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [&] { return stopping_ || b < next_batch_ + ahead; });
      if (stopping_) return;
    }
    Batch batch;
    std::exception_ptr error;
    try {
      batch = dataset_->batch(batch_indices(b));
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (error) {
        errors_[b] = error;
      } else {
        ready_[b] = std::move(batch);
      }
    }
    cv_.notify_all();
  }
}

bool DataLoader::next(Batch& out) {
  if (!in_epoch_) start_epoch();
  if (next_batch_ >= batches_per_epoch()) {
    stop_workers();
    in_epoch_ = false;
    return false;
  }
  if (o_.num_workers == 0) {
    out = dataset_->batch(batch_indices(next_batch_));
    ++next_batch_;
    return true;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  if (!ready_.count(next_batch_) && !errors_.count(next_batch_)) {
    cv_.notify_all();  // NOTE [loader wake-ups]
    cv_.wait(lock, [&] { return ready_.count(next_batch_) || errors_.count(next_batch_); });
  }
  if (auto e = errors_.find(next_batch_); e != errors_.end()) {
    std::exception_ptr error = e->second;
    errors_.erase(e);
    ++next_batch_;
    lock.unlock();
    cv_.notify_all();
    std::rethrow_exception(error);
  }
  auto ready = ready_.find(next_batch_);
  out = std::move(ready->second);
  ready_.erase(ready);
  ++next_batch_;
  lock.unlock();
  const int64_t half_lead = kPrefetchPerWorker * o_.num_workers / 2;
  if (next_batch_ % half_lead == 0) cv_.notify_all();  // NOTE [loader wake-ups]
  return true;
}

}  // namespace dl
