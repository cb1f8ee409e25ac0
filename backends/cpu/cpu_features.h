// What the CPU can do (cpuid), and the OpenBLAS core type that fits it.
#pragma once

namespace dl::cpu {

struct CpuFeatures {
  bool avx2 = false, fma = false;
  bool avx512f = false, avx512bw = false, avx512dq = false, avx512vl = false;
};

CpuFeatures detect_cpu_features();

// NOTE [CPU vector variants]: the library is built for the baseline x86-64
// (SSE2), so that it runs everywhere. A kernel whose loops gain much from
// wider vectors (vec_math.h) is compiled two more times, with
// __attribute__((target(DL_TARGET_AVX2))) and (target(DL_TARGET_AVX512)) on thin
// wrappers around one always-inline body, and calls the variant that
// vector_isa() says this CPU runs; all variants compute the same formulas.
enum class VectorIsa { Baseline, Avx2, Avx512 };
VectorIsa vector_isa();  // detected once

}  // namespace dl::cpu

#define DL_TARGET_AVX2 "avx2,fma"
#define DL_TARGET_AVX512 "avx512f,avx512bw,avx512dq,avx512vl,avx2,fma"

namespace dl::cpu {

// The OPENBLAS_CORETYPE for these features: "SkylakeX" with AVX-512
// (F, BW, DQ, VL), "Haswell" with AVX2 and FMA, nullptr to let OpenBLAS
// detect (older CPUs, which it knows).
const char* openblas_core_for(const CpuFeatures& f);

}  // namespace dl::cpu
