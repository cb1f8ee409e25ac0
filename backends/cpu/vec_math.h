// Float32 exp, sigmoid and tanh written so that loops over them vectorize
// (no calls, no branches, no float-to-int conversions): the polynomials of
// Cephes' expf and tanhf, within 2-3 ulp of the correctly rounded values.
// A loop compiled for AVX2 or AVX-512 (NOTE [CPU vector variants]) computes
// 8 or 16 of them at once, where std::exp and std::tanh run one at a time.
// Float64 uses the C library (the float64 paths are the precise reference).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

// Forced inline, so that a caller compiled for a wider vector unit gets
// them compiled for it too.
#define DL_VEC_INLINE inline __attribute__((always_inline))

namespace dl::cpu::vec {

DL_VEC_INLINE uint32_t bits_of(float x) {
  uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

DL_VEC_INLINE float float_of(uint32_t u) {
  float x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

// c ? a : b, by bits: a branch-free select even where a or b is a division,
// which the compiler would otherwise move into a branch of its own.
DL_VEC_INLINE float select(bool c, float a, float b) {
  const uint32_t mask = c ? ~0u : 0u;
  return float_of((bits_of(a) & mask) | (bits_of(b) & ~mask));
}

// e^x for x clamped to [-87.3, 88.3] (a normal float either way; NaN stays
// NaN): e^x = 2^n e^r with n = round(x / ln 2) and |r| <= ln(2) / 2.
DL_VEC_INLINE float exp_f32(float x) {
  x = select(x < -87.3f, -87.3f, x);
  x = select(x > 88.3f, 88.3f, x);
  // Adding 1.5 * 2^23 rounds to an integer, kept in the low mantissa bits.
  const float shifter = 12582912.0f;
  const float t = x * 1.44269504088896341f + shifter;
  const float n = t - shifter;
  float r = x - n * 0.693359375f;  // ln 2 in two parts, so r is exact
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  // 2^n from n's bits: n + 127 is in [1, 254] after the clamp.
  const uint32_t n_bits = bits_of(t) - bits_of(shifter);
  return p * float_of((n_bits + 127u) << 23);
}

DL_VEC_INLINE float sigmoid_f32(float x) { return 1.0f / (1.0f + exp_f32(-x)); }

// Cephes' tanhf: an odd polynomial below 0.625, 1 - 2 / (e^2|x| + 1) above.
DL_VEC_INLINE float tanh_f32(float x) {
  const float a = select(x < 0, -x, x);
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = x + x * z * p;
  const float large = 1.0f - 2.0f / (exp_f32(2.0f * a) + 1.0f);
  return select(a < 0.625f, small, select(x < 0, -large, large));
}

DL_VEC_INLINE float sigmoid(float x) { return sigmoid_f32(x); }
DL_VEC_INLINE float tanh(float x) { return tanh_f32(x); }

// Split on the sign so that exp never overflows.
DL_VEC_INLINE double sigmoid(double x) {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}
DL_VEC_INLINE double tanh(double x) { return std::tanh(x); }

}  // namespace dl::cpu::vec
