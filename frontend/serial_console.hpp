// -serial stdio input: the terminal (or a pipe) on stdin types into COM1's
// receiver. On a terminal, line editing and echo are switched off for the
// run (the guest echoes) and restored on destruction; Ctrl-C still stops
// Glassbox, and Ctrl-A hot keys (hotkeys.hpp) work as under QEMU.
#pragma once
#include <deque>
#include <vector>

#include <termios.h>

#include "frontend/hotkeys.hpp"

namespace gb {

class Uart16550;

class SerialConsole {
 public:
  SerialConsole();
  ~SerialConsole();
  SerialConsole(const SerialConsole&) = delete;
  SerialConsole& operator=(const SerialConsole&) = delete;

  /// Reads what stdin has without blocking and delivers it to `uart` as
  /// fast as its receiver takes it (a full FIFO holds the rest back, as a
  /// hardware-flow-controlled line would). End of input stops reading.
  void poll(Uart16550& uart, std::vector<HostAction>& actions);
  bool is_terminal() const { return tty_; }

 private:
  bool tty_ = false;
  bool eof_ = false;
  termios saved_{};
  TerminalHotkeys keys_;
  std::deque<u8> pending_;
};

}  // namespace gb
