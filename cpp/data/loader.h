// DataLoader: batches of a dataset in order or shuffled (a new seeded
// permutation each epoch), with drop_last and background prefetch on
// num_workers threads. Batch k of an epoch is always the same examples in
// the same order for the same seed, whatever the number of threads: workers
// only decide when a batch is made, never what goes in it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "data/dataset.h"

namespace dl {

struct LoaderOptions {
  int64_t batch_size = 1;
  bool shuffle = false;
  uint64_t seed = 0;
  bool drop_last = false;
  int num_workers = 0;  // 0: batches are made on the calling thread
};

class DataLoader {
 public:
  DataLoader(std::shared_ptr<const Dataset> dataset, const LoaderOptions& o);
  ~DataLoader();
  DataLoader(const DataLoader&) = delete;
  DataLoader& operator=(const DataLoader&) = delete;

  // The next batch of the current epoch; false at its end (the call after
  // that starts the next epoch). Errors of the dataset surface here.
  bool next(Batch& out);
  int64_t batches_per_epoch() const;
  int64_t epoch() const { return epoch_; }  // epochs started so far

 private:
  void start_epoch();
  void stop_workers();
  std::vector<int64_t> batch_indices(int64_t b) const;
  void worker_loop(int worker);

  std::shared_ptr<const Dataset> dataset_;
  LoaderOptions o_;
  std::vector<int64_t> order_;  // this epoch's example order
  int64_t epoch_ = 0;
  int64_t next_batch_ = 0;
  bool in_epoch_ = false;

  // Prefetch state, guarded by mutex_.
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::thread> workers_;
  std::map<int64_t, Batch> ready_;
  std::map<int64_t, std::exception_ptr> errors_;
  bool stopping_ = false;
};

// The permutation of [0, n) for (seed, epoch): Fisher-Yates over a Philox stream.
std::vector<int64_t> shuffled_order(int64_t n, uint64_t seed, int64_t epoch);

}  // namespace dl
