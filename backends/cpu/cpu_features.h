// What the CPU can do (cpuid), and the OpenBLAS core type that fits it.
#pragma once

namespace dl::cpu {

struct CpuFeatures {
  bool avx2 = false, fma = false;
  bool avx512f = false, avx512bw = false, avx512dq = false, avx512vl = false;
};

CpuFeatures detect_cpu_features();

// The OPENBLAS_CORETYPE for these features: "SkylakeX" with AVX-512
// (F, BW, DQ, VL), "Haswell" with AVX2 and FMA, nullptr to let OpenBLAS
// detect (older CPUs, which it knows).
const char* openblas_core_for(const CpuFeatures& f);

}  // namespace dl::cpu
