// Builds without ncursesw (cross builds): -display curses falls back with a notice.
#include "frontend/curses_display.hpp"

namespace gb {

std::unique_ptr<Display> make_curses_display(std::string& why_not) {
  why_not = "this build has no ncursesw";
  return nullptr;
}

}  // namespace gb
