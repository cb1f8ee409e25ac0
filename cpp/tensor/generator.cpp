#include "tensor/generator.h"

#include <cmath>
#include <mutex>

namespace dl {

namespace {
std::mutex g_mutex;
uint64_t g_seed = 67280421310721ULL;  // the default seed when the user sets none
uint64_t g_counter = 0;

constexpr uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
constexpr uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
constexpr double kTwoPi = 6.283185307179586476925286766559;
}  // namespace

void manual_seed(uint64_t seed) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_seed = seed;
  g_counter = 0;
}

PhiloxStart reserve_counters(uint64_t count) {
  std::lock_guard<std::mutex> lock(g_mutex);
  PhiloxStart s{g_seed, g_counter};
  g_counter += count;
  return s;
}

void philox4x32(uint64_t seed, uint64_t counter, uint32_t out[4]) {
  uint32_t c0 = static_cast<uint32_t>(counter), c1 = static_cast<uint32_t>(counter >> 32), c2 = 0, c3 = 0;
  uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    uint64_t p0 = static_cast<uint64_t>(kM0) * c0;
    uint64_t p1 = static_cast<uint64_t>(kM1) * c2;
    uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ c1 ^ k0;
    uint32_t n1 = static_cast<uint32_t>(p1);
    uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ c3 ^ k1;
    uint32_t n3 = static_cast<uint32_t>(p0);
    c0 = n0, c1 = n1, c2 = n2, c3 = n3;
    k0 += kW0;
    k1 += kW1;
  }
  out[0] = c0, out[1] = c1, out[2] = c2, out[3] = c3;
}

// Float values use one 32-bit word each (4 per counter); double values use two
// words each (2 per counter). Normals come in Box-Muller pairs, so the same
// counts hold for them.
uint64_t counters_for_float(int64_t n) { return static_cast<uint64_t>((n + 3) / 4); }
uint64_t counters_for_double(int64_t n) { return static_cast<uint64_t>((n + 1) / 2); }

static inline float u32_to_unit_float(uint32_t x) { return static_cast<float>(x >> 8) * 0x1.0p-24f; }
static inline double u64_to_unit_double(uint32_t hi, uint32_t lo) {
  uint64_t x = (static_cast<uint64_t>(hi) << 32) | lo;
  return static_cast<double>(x >> 11) * 0x1.0p-53;
}

void fill_uniform(PhiloxStart start, float* out, int64_t n) {
  uint32_t w[4];
  for (int64_t i = 0; i < n; i += 4) {
    philox4x32(start.seed, start.counter + static_cast<uint64_t>(i / 4), w);
    for (int64_t j = 0; j < 4 && i + j < n; ++j) out[i + j] = u32_to_unit_float(w[j]);
  }
}

void fill_uniform(PhiloxStart start, double* out, int64_t n) {
  uint32_t w[4];
  for (int64_t i = 0; i < n; i += 2) {
    philox4x32(start.seed, start.counter + static_cast<uint64_t>(i / 2), w);
    out[i] = u64_to_unit_double(w[0], w[1]);
    if (i + 1 < n) out[i + 1] = u64_to_unit_double(w[2], w[3]);
  }
}

// Box-Muller on (u1, u2) in [0,1): r = sqrt(-2 log(1 - u1)), angle 2 pi u2.
// Computed in double for both dtypes so float results are the rounded doubles.
static inline void box_muller(double u1, double u2, double* z0, double* z1) {
  double r = std::sqrt(-2.0 * std::log(1.0 - u1));
  double a = kTwoPi * u2;
  *z0 = r * std::cos(a);
  *z1 = r * std::sin(a);
}

void fill_normal(PhiloxStart start, float* out, int64_t n) {
  uint32_t w[4];
  for (int64_t i = 0; i < n; i += 4) {
    philox4x32(start.seed, start.counter + static_cast<uint64_t>(i / 4), w);
    double z[4];
    box_muller(u32_to_unit_float(w[0]), u32_to_unit_float(w[1]), &z[0], &z[1]);
    box_muller(u32_to_unit_float(w[2]), u32_to_unit_float(w[3]), &z[2], &z[3]);
    for (int64_t j = 0; j < 4 && i + j < n; ++j) out[i + j] = static_cast<float>(z[j]);
  }
}

void fill_normal(PhiloxStart start, double* out, int64_t n) {
  uint32_t w[4];
  for (int64_t i = 0; i < n; i += 2) {
    philox4x32(start.seed, start.counter + static_cast<uint64_t>(i / 2), w);
    double z0, z1;
    box_muller(u64_to_unit_double(w[0], w[1]), u64_to_unit_double(w[2], w[3]), &z0, &z1);
    out[i] = z0;
    if (i + 1 < n) out[i + 1] = z1;
  }
}

void fill_randint(PhiloxStart start, int64_t low, int64_t high, int64_t* out, int64_t n) {
  uint64_t range = static_cast<uint64_t>(high - low);
  uint32_t w[4];
  for (int64_t i = 0; i < n; i += 2) {
    philox4x32(start.seed, start.counter + static_cast<uint64_t>(i / 2), w);
    uint64_t a = (static_cast<uint64_t>(w[0]) << 32) | w[1];
    uint64_t b = (static_cast<uint64_t>(w[2]) << 32) | w[3];
    out[i] = low + static_cast<int64_t>(a % range);
    if (i + 1 < n) out[i + 1] = low + static_cast<int64_t>(b % range);
  }
}

}  // namespace dl
