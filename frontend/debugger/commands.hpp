// Where debugger commands come from: an interactive prompt with history and
// line editing (libedit), or a batch file (--debugger-commands) whose lines
// are echoed before their output.
#pragma once
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

namespace gb {

class CommandSource {
 public:
  virtual ~CommandSource() = default;
  /// The next command line; nullopt at the end (end of file, Ctrl-D).
  virtual std::optional<std::string> next() = 0;

  enum class Poll { Line, None, End };
  /// The non-blocking form, for a session that keeps a window drawn while
  /// the debugger has the CPU: waits at most `timeout` for input. Line
  /// (with `line` set), None (nothing yet) or End. A batch file always has
  /// its next line ready.
  virtual Poll poll(std::chrono::milliseconds /*timeout*/, std::string& line) {
    auto l = next();
    if (!l) return Poll::End;
    line = std::move(*l);
    return Poll::Line;
  }
  /// The CPU resumes: a prompt being edited goes away until the next poll.
  virtual void suspend() {}
};

/// `(gb) ` prompts on the terminal through libedit, with history; an empty
/// line repeats the previous command (as in gdb).
std::unique_ptr<CommandSource> make_prompt();

/// Lines of `path` (blank lines and lines starting with # skipped), each
/// echoed to `echo` as "(gb) LINE". Throws std::runtime_error naming the
/// file when it cannot be read.
std::unique_ptr<CommandSource> make_batch(const std::string& path, std::FILE* echo);

}  // namespace gb
