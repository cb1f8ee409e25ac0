// The seeded random generator. Philox4x32-10 (Salmon et al., 2011): a
// counter-based generator, so a stream depends only on (seed, offset) and is
// the same on every platform, thread count and (later) device. Each draw of n
// values reserves a block of counters from the global generator and fills
// from there, so results never depend on how the filling is split up.
#pragma once

#include <cstdint>

namespace dl {

// Sets the global seed and restarts the stream (dl_manual_seed).
void manual_seed(uint64_t seed);
// Reserves `count` consecutive 128-bit counters; returns the first. Thread safe.
struct PhiloxStart {
  uint64_t seed;
  uint64_t counter;
};
PhiloxStart reserve_counters(uint64_t count);

// One Philox4x32-10 block: four 32-bit outputs for (seed, counter).
void philox4x32(uint64_t seed, uint64_t counter, uint32_t out[4]);

// Fills out[0..n) from the stream starting at `start`:
// uniform in [0, 1) (float: 24 random bits, double: 53),
// normal(0, 1) by Box-Muller, integers uniform in [low, high).
void fill_uniform(PhiloxStart start, float* out, int64_t n);
void fill_uniform(PhiloxStart start, double* out, int64_t n);
void fill_normal(PhiloxStart start, float* out, int64_t n);
void fill_normal(PhiloxStart start, double* out, int64_t n);
void fill_randint(PhiloxStart start, int64_t low, int64_t high, int64_t* out, int64_t n);
// Counters needed by each fill for n values (uniform/normal/randint, float or double).
uint64_t counters_for_float(int64_t n);
uint64_t counters_for_double(int64_t n);

}  // namespace dl
