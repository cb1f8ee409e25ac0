#include "backends/cpu/cpu_features.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace dl::cpu {

CpuFeatures detect_cpu_features() {
  CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
  f.fma = c & bit_FMA;
  bool osxsave = c & bit_OSXSAVE;
  if (!osxsave || __get_cpuid_max(0, nullptr) < 7) return f;
  // The OS must save the vector registers (XCR0) for the features to be usable.
  unsigned xcr0_lo, xcr0_hi;
  __asm__("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
  bool ymm = (xcr0_lo & 0x6) == 0x6;
  bool zmm = (xcr0_lo & 0xe6) == 0xe6;
  __cpuid_count(7, 0, a, b, c, d);
  f.avx2 = ymm && (b & bit_AVX2);
  f.fma = f.fma && ymm;
  f.avx512f = zmm && (b & bit_AVX512F);
  f.avx512bw = zmm && (b & bit_AVX512BW);
  f.avx512dq = zmm && (b & bit_AVX512DQ);
  f.avx512vl = zmm && (b & bit_AVX512VL);
#endif
  return f;
}

VectorIsa vector_isa() {
  static const VectorIsa isa = [] {
    const CpuFeatures f = detect_cpu_features();
    if (f.avx512f && f.avx512bw && f.avx512dq && f.avx512vl && f.fma) return VectorIsa::Avx512;
    if (f.avx2 && f.fma) return VectorIsa::Avx2;
    return VectorIsa::Baseline;
  }();
  return isa;
}

const char* openblas_core_for(const CpuFeatures& f) {
  if (f.avx512f && f.avx512bw && f.avx512dq && f.avx512vl) return "SkylakeX";
  if (f.avx2 && f.fma) return "Haswell";
  return nullptr;
}

}  // namespace dl::cpu
