// Fuzzes parse_idx: any bytes give an IdxArray or a dl::Error, never a crash.
#include <cstddef>
#include <cstdint>

#include "base/error.h"
#include "data/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    dl::parse_idx(data, size, "fuzz.idx");
  } catch (const dl::Error&) {
  }
  return 0;
}
