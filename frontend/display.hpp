// What a frontend display does: show the VGA output, turn host input into
// guest keyboard/mouse input, and report the person's hot keys. The machine
// knows nothing of displays; the session loop (session.hpp) drives both.
#pragma once
#include <chrono>
#include <string>
#include <vector>

namespace gb {

class DebugPanels;
class Machine;
class Vga;

/// A hot key's meaning (the same across SDL, curses and the serial console).
enum class HostAction { Quit, TogglePause, Step, Screenshot, Reset, TogglePanels };

/// What the title bar or status line shows.
struct DisplayStatus {
  const char* state = "running";  ///< running, paused, halted, stopped, powered off
  double mips = 0;                ///< guest instructions per host microsecond, last second
  unsigned long long instructions = 0;
};

class Display {
 public:
  virtual ~Display() = default;
  /// Drains pending host input without blocking: keys and mouse go to the
  /// machine's 8042 (scan-code set 2), hot keys are appended to `actions`.
  virtual void poll(Machine& m, std::vector<HostAction>& actions) = 0;
  /// Redraws the guest screen from `vga` and the state from `status`.
  virtual void present(const Vga& vga, const DisplayStatus& status) = 0;
  /// Blocks until host input arrives or `timeout` passes (paused, halted).
  virtual void wait(std::chrono::milliseconds timeout) = 0;
  /// Gives the display the debugger panels, drawn beside the guest screen
  /// while `panels->visible()` (SDL with Dear ImGui). False where this
  /// display cannot show them; `panels` must outlive the display.
  virtual bool set_panels(DebugPanels* /*panels*/) { return false; }
};

}  // namespace gb
