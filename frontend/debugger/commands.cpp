#include "frontend/debugger/commands.hpp"

#include <poll.h>
#include <unistd.h>

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
  ~Prompt() override { suspend(); }

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
    return finish(std::move(s));
  }

  Poll poll(std::chrono::milliseconds timeout, std::string& line) override {
#if GB_HAVE_LIBEDIT
    if (!installed_) {
      // libedit's callback interface takes no user data: the handler finds
      // the prompt through this one pointer (there is one terminal).
      current_ = this;
      rl_callback_handler_install("(gb) ", &Prompt::on_line);
      installed_ = true;
    }
#else
    if (!prompted_) {
      std::fputs("(gb) ", stdout);
      std::fflush(stdout);
      prompted_ = true;
    }
#endif
    pollfd p{STDIN_FILENO, POLLIN, 0};
    const int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (n < 0 && errno == EINTR) return Poll::None;
    if (n < 0) return Poll::End;
    if (n == 0) return Poll::None;
#if GB_HAVE_LIBEDIT
    rl_callback_read_char();
    if (eof_) {
      suspend();
      return Poll::End;
    }
    if (!ready_) return Poll::None;
    ready_ = false;
    suspend();  // a new prompt at the next poll, after the command's output
    line = finish(std::move(got_));
    return Poll::Line;
#else
    prompted_ = false;
    std::string s;
    if (!std::getline(std::cin, s)) return Poll::End;
    line = finish(std::move(s));
    return Poll::Line;
#endif
  }

  void suspend() override {
#if GB_HAVE_LIBEDIT
    if (!installed_) return;
    rl_callback_handler_remove();
    installed_ = false;
    current_ = nullptr;
#else
    prompted_ = false;
#endif
  }

 private:
  /// An empty line repeats the previous command (as in gdb).
  std::string finish(std::string s) {
    if (s.find_first_not_of(" \t") == std::string::npos) return last_;
#if GB_HAVE_LIBEDIT
    add_history(s.c_str());
#endif
    last_ = s;
    return s;
  }

#if GB_HAVE_LIBEDIT
  static void on_line(char* l) {
    Prompt* self = current_;
    if (!self) return std::free(l);
    if (!l) {
      self->eof_ = true;
      return;
    }
    self->got_ = l;
    self->ready_ = true;
    std::free(l);
  }
  static inline Prompt* current_ = nullptr;
  bool installed_ = false, ready_ = false, eof_ = false;
  std::string got_;
#else
  bool prompted_ = false;
#endif
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
