#include "frontend/debugger/commands.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>
#include <iostream>
#if GB_HAVE_LIBEDIT
#include <editline/readline.h>
#endif

namespace gb {

namespace {

class Prompt final : public CommandSource {
 public:
  std::optional<std::string> next() override {
#if GB_HAVE_LIBEDIT
    char* line = readline("(gb) ");
    if (!line) return std::nullopt;
    std::string s = line;
    std::free(line);
#else
    // Builds without libedit (cross builds): plain lines, no editing.
    std::fputs("(gb) ", stdout);
    std::fflush(stdout);
    std::string s;
    if (!std::getline(std::cin, s)) return std::nullopt;
#endif
    if (s.find_first_not_of(" \t") == std::string::npos) return last_;
#if GB_HAVE_LIBEDIT
    add_history(s.c_str());
#endif
    last_ = s;
    return s;
  }

 private:
  std::string last_;
};

class Batch final : public CommandSource {
 public:
  Batch(const std::string& path, std::FILE* echo) : in_(path), echo_(echo) {
    if (!in_) throw std::runtime_error(fmt::format("cannot read debugger commands '{}': {}", path, std::strerror(errno)));
  }
  std::optional<std::string> next() override {
    for (std::string line; std::getline(in_, line);) {
      const size_t first = line.find_first_not_of(" \t\r");
      if (first == std::string::npos || line[first] == '#') continue;
      line.erase(line.find_last_not_of(" \t\r") + 1);
      fmt::print(echo_, "(gb) {}\n", line);
      std::fflush(echo_);
      return line;
    }
    return std::nullopt;
  }

 private:
  std::ifstream in_;
  std::FILE* echo_;
};

}  // namespace

std::unique_ptr<CommandSource> make_prompt() { return std::make_unique<Prompt>(); }

std::unique_ptr<CommandSource> make_batch(const std::string& path, std::FILE* echo) {
  return std::make_unique<Batch>(path, echo);
}

}  // namespace gb
