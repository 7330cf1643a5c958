// Where a character device's output goes: stdout, a file, or nowhere.
#pragma once
#include <cstdio>
#include <memory>
#include <string>

#include "mmu/types.hpp"

namespace gb {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void put(u8 byte) = 0;
  virtual void flush() {}
};

/// Writes to a C stream it does not own (stdout) or to a file it opened.
class StreamSink final : public ByteSink {
 public:
  /// Opens `spec`: "stdio" (stdout), "file:PATH", or "none" (returns
  /// nullptr). Throws std::runtime_error naming the path on failure, and
  /// std::invalid_argument for an unknown spec.
  static std::unique_ptr<ByteSink> open(const std::string& spec);

  StreamSink(std::FILE* f, bool owned) : f_(f), owned_(owned) {}
  ~StreamSink() override;
  void put(u8 byte) override;
  void flush() override { std::fflush(f_); }

 private:
  std::FILE* f_;
  bool owned_;
};

}  // namespace gb
