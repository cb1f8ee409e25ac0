// Where a tensor's storage lives. Values equal the C ABI's dl_device_type.
#pragma once

#include <string>

namespace dl {

enum class DeviceType : int { CPU = 0, CUDA = 1 };

struct Device {
  DeviceType type = DeviceType::CPU;
  int index = 0;
  bool operator==(const Device& o) const { return type == o.type && index == o.index; }
  bool operator!=(const Device& o) const { return !(*this == o); }
  bool is_cpu() const { return type == DeviceType::CPU; }
};

std::string device_name(Device d);  // "cpu", "cuda:0"

}  // namespace dl
