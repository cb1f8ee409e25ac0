// Fuzzes parse_safetensors: any bytes give named tensors or a dl::Error, never a crash.
#include <cstddef>
#include <cstdint>

#include "base/error.h"
#include "io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    dl::parse_safetensors(data, size, "fuzz.safetensors");
  } catch (const dl::Error&) {
  }
  return 0;
}
