// Engine errors: every failure inside the engine is a dl::Error carrying a
// status (the same codes as the C ABI's dl_status) and a message that names
// the offending argument. The C ABI catches them and prefixes the function.
#pragma once

#include <exception>
#include <sstream>
#include <string>
#include <utility>

namespace dl {

enum class Status : int {
  Ok = 0,
  InvalidArgument = 1,
  Shape = 2,
  DType = 3,
  Device = 4,
  OutOfMemory = 5,
  IO = 6,
  Format = 7,
  State = 8,
  Unsupported = 9,
  Internal = 10,
};

class Error : public std::exception {
 public:
  Error(Status status, std::string message) : status_(status), message_(std::move(message)) {}
  Status status() const noexcept { return status_; }
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  Status status_;
  std::string message_;
};

namespace detail {
template <typename... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream os;
  (os << ... << parts);
  return os.str();
}
}  // namespace detail

// Throws dl::Error(status, message built from the parts).
template <typename... Parts>
[[noreturn]] void fail(Status status, const Parts&... parts) {
  throw Error(status, detail::concat(parts...));
}

}  // namespace dl

// DL_CHECK(cond, Status::Shape, "argument 'b': ...", x): throws when cond is false.
#define DL_CHECK(cond, status, ...)                 \
  do {                                              \
    if (!(cond)) ::dl::fail((status), __VA_ARGS__); \
  } while (0)
