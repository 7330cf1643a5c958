// Hot keys on a byte stream (the curses display and the serial console),
// after QEMU's character-device multiplexer: Ctrl-A, then a letter.
#pragma once
#include <optional>

#include "frontend/display.hpp"
#include "mmu/types.hpp"

namespace gb {

/// The help text for terminal hot keys, one line per key.
inline constexpr const char* kTerminalHotkeyHelp =
    "  Ctrl-A x  quit        Ctrl-A p  pause/resume   Ctrl-A n  step one instruction (paused)\n"
    "  Ctrl-A s  screenshot  Ctrl-A r  reset          Ctrl-A a  send Ctrl-A to the guest\n";

class TerminalHotkeys {
 public:
  /// Feeds one input byte. Returns the action of a completed hot key;
  /// otherwise sets `pass` when `c` is guest input (Ctrl-A a passes 01h).
  /// An unknown letter after Ctrl-A is dropped.
  std::optional<HostAction> feed(u8 c, bool& pass) {
    pass = false;
    if (!prefix_) {
      if (c == kPrefix) {
        prefix_ = true;
      } else {
        pass = true;
      }
      return std::nullopt;
    }
    prefix_ = false;
    switch (c) {
      case 'x': return HostAction::Quit;
      case 'p': return HostAction::TogglePause;
      case 'n': return HostAction::Step;
      case 's': return HostAction::Screenshot;
      case 'r': return HostAction::Reset;
      case 'a':
      case kPrefix: pass = true; return std::nullopt;
      default: return std::nullopt;
    }
  }
  static constexpr u8 kPrefix = 0x01;  // Ctrl-A

 private:
  bool prefix_ = false;
};

}  // namespace gb
