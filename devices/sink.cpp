#include "devices/sink.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace gb {

std::unique_ptr<ByteSink> StreamSink::open(const std::string& spec) {
  if (spec == "none") return nullptr;
  if (spec == "stdio") return std::make_unique<StreamSink>(stdout, false);
  if (spec.starts_with("file:")) {
    const std::string path = spec.substr(5);
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) throw std::runtime_error(fmt::format("cannot open '{}' for writing: {}", path, std::strerror(errno)));
    return std::make_unique<StreamSink>(f, true);
  }
  throw std::invalid_argument(fmt::format("unknown character device '{}' (use stdio, file:PATH or none)", spec));
}

StreamSink::~StreamSink() {
  std::fflush(f_);
  if (owned_) std::fclose(f_);
}

void StreamSink::put(u8 byte) {
  // Line-buffered, files too: a log being followed (tail -f, a test
  // waiting for a marker) sees each line as the guest completes it.
  std::fputc(byte, f_);
  if (byte == '\n') std::fflush(f_);
}

}  // namespace gb
