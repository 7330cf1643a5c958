// The interactive run loop: runs the machine in short host-time slices and,
// between them, polls input, handles hot keys, redraws the display and
// updates the terminal status line.
#pragma once
#include <atomic>
#include <memory>
#include <string>

#include "devices/pc/machine.hpp"
#include "frontend/debugger/commands.hpp"
#include "frontend/debugger/debugger.hpp"
#include "frontend/debugger/panel_model.hpp"
#include "frontend/display.hpp"
#include "frontend/gdbstub/gdbstub.hpp"
#include "frontend/serial_console.hpp"

namespace gb {

struct SessionOptions {
  u64 insn_limit = 0;          ///< absolute instruction count to stop at (0 = none)
  bool status_line = false;    ///< redraw a one-line status on stderr each second
  /// Numbered screenshots from the hot key: PREFIX0001.png, PREFIX0002.png...
  /// (the first number not yet taken).
  std::string screenshot_prefix = "glassbox-";
  /// Set by a signal handler: ends the session (as Kind::Stopped) even
  /// while paused or halted, when the machine is not running to see it.
  /// With a debugger prompt (or command file) it breaks into the debugger
  /// instead (and is cleared).
  std::atomic<bool>* stop = nullptr;
  /// Set (with `stop`) by SIGTERM/SIGHUP: ends the session wherever it is,
  /// a debugger prompt, a gdb client holding the CPU or a pause included.
  const std::atomic<bool>* terminate = nullptr;
  /// The debugger and where its commands come from (both or neither). The
  /// session prompts whenever the debugger stops the CPU, and on a triple
  /// fault; end of commands or `quit` ends the run.
  Debugger* debugger = nullptr;
  CommandSource* commands = nullptr;  ///< may be null with a gdbstub alone
  /// The gdbstub (needs `debugger`): while a client is connected, stops go
  /// to it; otherwise to the prompt.
  GdbStub* gdb = nullptr;
  /// The SDL debugger panels (need `debugger`; the display draws them):
  /// the hot key shows them and breaks in, attaching a debugger that was
  /// detached (one made only for the panels); hiding them resumes the CPU
  /// and detaches it again when there is no prompt and no gdb. While the
  /// debugger has the CPU the window stays live: buttons and prompt lines
  /// both run commands.
  DebugPanels* panels = nullptr;
  /// Under the debugger the machine stops on a triple fault (for the
  /// prompt); this says whether to reset afterwards (no: -no-reboot).
  bool reset_on_triple_fault = true;
};

struct SessionEnd {
  RunResult result;
  bool quit = false;  ///< the person quit (hot key, window closed)
};

/// Runs `m` until it stops on its own (exit, limit, power-off, triple fault
/// under -no-reboot, a signal), or the person quits. With a display, a
/// halted CPU leaves the window open ("halted") until quit or reset; without
/// one, the run ends as Halted. `display` and `serial` may be null.
SessionEnd run_session(Machine& m, Display* display, SerialConsole* serial, const SessionOptions& opts);

}  // namespace gb
