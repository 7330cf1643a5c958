#include "frontend/curses_display.hpp"

#include <clocale>
#include <cstdio>

#include <poll.h>
#include <unistd.h>

#include <fmt/format.h>

// ncursesw's wide-character API (cchar_t, setcchar, mvadd_wch).
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <ncursesw/curses.h>

#include "devices/pc/machine.hpp"
#include "frontend/cp437.hpp"
#include "frontend/hotkeys.hpp"
#include "frontend/set2.hpp"

namespace gb {

namespace {

// VGA colour index (IRGB order: black, blue, green, cyan, red, magenta,
// brown, grey) to the curses colour with the same hue.
constexpr short kCursesColour[8] = {COLOR_BLACK, COLOR_BLUE, COLOR_GREEN, COLOR_CYAN,
                                    COLOR_RED, COLOR_MAGENTA, COLOR_YELLOW, COLOR_WHITE};

/// Pair numbers arranged so that grey on black, the common case, is pair 0
/// (the terminal's default colours).
short pair_of(unsigned fg, unsigned bg) { return static_cast<short>(bg * 8 + (fg ^ 7)); }

class CursesDisplay final : public Display {
 public:
  explicit CursesDisplay(SCREEN* s) : screen_(s) {
    colours_ = has_colors() && start_color() == OK && COLOR_PAIRS >= 64;
    if (colours_) {
      for (unsigned bg = 0; bg < 8; ++bg) {
        for (unsigned fg = 0; fg < 8; ++fg) {
          if (pair_of(fg, bg)) init_pair(pair_of(fg, bg), kCursesColour[fg], kCursesColour[bg]);
        }
      }
    }
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
  }
  ~CursesDisplay() override {
    endwin();
    delscreen(screen_);
  }

  void poll(Machine& m, std::vector<HostAction>& actions) override {
    I8042& kbc = m.keyboard_controller();
    for (int ch = getch(); ch != ERR; ch = getch()) {
      if (ch == KEY_RESIZE) {
        clear();
        continue;
      }
      std::optional<Keystroke> k;
      if (ch < 0x100) {
        bool pass = false;
        if (const auto a = keys_.feed(static_cast<u8>(ch), pass)) actions.push_back(*a);
        if (pass) k = ascii_keystroke(static_cast<u8>(ch));
      } else {
        k = special(ch);
      }
      if (k) kbc.press(set2_tap(*k));
    }
  }

  void present(const Vga& vga, const DisplayStatus& st) override {
    const Vga::TextCells t = vga.text_cells();
    erase();
    if (t.rows == 0) {
      const Vga::Geometry g = vga.geometry();
      mvaddstr(0, 0, fmt::format("Glassbox: the guest is in a {}x{} graphics mode; -display sdl shows it.",
                                 g.width, g.height).c_str());
    }
    const int rows = std::min<int>(static_cast<int>(t.rows), LINES);
    const int cols = std::min<int>(static_cast<int>(t.columns), COLS);
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) {
        const u16 cell = t.cells[static_cast<std::size_t>(r) * t.columns + static_cast<std::size_t>(c)];
        const u8 code = cell & 0xFF, attr = cell >> 8;
        const unsigned fg = attr & 7, bg = (attr >> 4) & 7;
        attr_t a = (attr & 0x08) ? A_BOLD : A_NORMAL;
        if (t.blink_enabled && (attr & 0x80)) a |= A_BLINK;
        const wchar_t wc[2] = {static_cast<wchar_t>(cp437_to_unicode(code)), 0};
        cchar_t cc;
        setcchar(&cc, wc, a, colours_ ? pair_of(fg, bg) : 0, nullptr);
        mvadd_wch(r, c, &cc);
      }
    }
    // The line below the guest screen, when the terminal has one.
    if (LINES > static_cast<int>(t.rows) + (t.rows == 0 ? 1 : 0)) {
      const std::string s = fmt::format("-- Glassbox: {}{}  (Ctrl-A x quits, Ctrl-A p pauses) --", st.state,
                                        st.mips > 0 ? fmt::format(", {:.1f} MIPS", st.mips) : "");
      mvaddnstr(t.rows == 0 ? 1 : static_cast<int>(t.rows), 0, s.c_str(), COLS);
    }
    if (t.cursor_visible && static_cast<int>(t.cursor_row) < rows && static_cast<int>(t.cursor_col) < cols) {
      curs_set(1);
      move(static_cast<int>(t.cursor_row), static_cast<int>(t.cursor_col));
    } else {
      curs_set(0);
    }
    refresh();
  }

  void wait(std::chrono::milliseconds timeout) override {
    pollfd p{STDIN_FILENO, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(timeout.count()));
  }

 private:
  static std::optional<Keystroke> special(int ch) {
    if (ch >= KEY_F(1) && ch <= KEY_F(12)) return Keystroke{set2::function_key(static_cast<unsigned>(ch - KEY_F(1)))};
    switch (ch) {
      case KEY_UP: return Keystroke{set2::kUp};
      case KEY_DOWN: return Keystroke{set2::kDown};
      case KEY_LEFT: return Keystroke{set2::kLeft};
      case KEY_RIGHT: return Keystroke{set2::kRight};
      case KEY_HOME: return Keystroke{set2::kHome};
      case KEY_END: return Keystroke{set2::kEnd};
      case KEY_PPAGE: return Keystroke{set2::kPageUp};
      case KEY_NPAGE: return Keystroke{set2::kPageDown};
      case KEY_IC: return Keystroke{set2::kInsert};
      case KEY_DC: return Keystroke{set2::kDelete};
      case KEY_BACKSPACE: return ascii_keystroke(0x08);
      case KEY_ENTER: return Keystroke{set2::kEnter};
      case KEY_BTAB: return Keystroke{{0x0D}, true};
      default: return std::nullopt;
    }
  }

  SCREEN* screen_;
  bool colours_ = false;
  TerminalHotkeys keys_;
};

}  // namespace

std::unique_ptr<Display> make_curses_display(std::string& why_not) {
  if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
    why_not = "stdin and stdout are not both a terminal";
    return nullptr;
  }
  std::setlocale(LC_ALL, "");  // UTF-8 output for the CP437 glyphs
  SCREEN* s = newterm(nullptr, stdout, stdin);
  if (!s) {
    why_not = "curses cannot drive this terminal (TERM unset or unknown)";
    return nullptr;
  }
  set_term(s);
  return std::make_unique<CursesDisplay>(s);
}

}  // namespace gb
