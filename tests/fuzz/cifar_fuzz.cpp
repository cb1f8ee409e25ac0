// Fuzzes parse_cifar: any bytes give images and labels or a dl::Error, never a crash.
#include <cstddef>
#include <cstdint>

#include "base/error.h"
#include "data/cifar.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    dl::parse_cifar(data, size, "fuzz.bin");
  } catch (const dl::Error&) {
  }
  return 0;
}
