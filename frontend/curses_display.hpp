// -display curses: the guest's text screen in the terminal (ncursesw),
// code page 437 as Unicode, the 16 VGA colours on the terminal's 8 (bright
// foregrounds bold), and typed keys as PS/2 set 2 press-and-release
// sequences (a terminal reports no key releases). Graphics modes show a
// one-line notice.
#pragma once
#include <memory>
#include <string>

#include "frontend/display.hpp"

namespace gb {

/// Takes over the terminal. Returns nullptr and sets `why_not` when stdin
/// or stdout is not a terminal or curses cannot start on it.
std::unique_ptr<Display> make_curses_display(std::string& why_not);

}  // namespace gb
