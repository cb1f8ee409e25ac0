// The one place that knows which backends were built.
#include "backends/backend.h"
#include "backends/cpu/cpu_backend.h"
#include "base/error.h"

namespace dl {

const Backend& backend_for(Device d) {
  switch (d.type) {
    case DeviceType::CPU:
      return cpu::backend();
    case DeviceType::CUDA:
      fail(Status::Unsupported, "device ", device_name(d), ": this libdl was built without CUDA");
  }
  fail(Status::Device, "unknown device type ", static_cast<int>(d.type));
}

void set_num_threads(int n) { cpu::set_num_threads(n); }
int num_threads() { return cpu::num_threads(); }

std::string device_name(Device d) {
  return d.type == DeviceType::CPU ? std::string("cpu") : "cuda:" + std::to_string(d.index);
}

}  // namespace dl
