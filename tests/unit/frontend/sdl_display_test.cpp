// The SDL display (frontend/sdl_display.hpp) on SDL's offscreen "dummy"
// video driver: events pushed into SDL's queue reach the 8042 as a PS/2
// keyboard and mouse would send them, and hot keys become actions.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <vector>

#include <SDL.h>

#include "devices/pc/machine.hpp"
#include "frontend/debugger/debugger.hpp"
#include "frontend/debugger/panel_model.hpp"
#include "frontend/sdl_display.hpp"
#include "tests/unit/frontend/tiny_machine.hpp"

using namespace gb;
using Bytes = std::vector<u8>;

namespace {

void push_key(SDL_Scancode sc, bool down, u16 mod = KMOD_NONE) {
  SDL_Event e{};
  e.type = down ? SDL_KEYDOWN : SDL_KEYUP;
  e.key.state = down ? SDL_PRESSED : SDL_RELEASED;
  e.key.keysym.scancode = sc;
  e.key.keysym.mod = mod;
  SDL_PushEvent(&e);
}

Bytes drain(I8042& kbc) {
  Bytes out;
  while (kbc.io_read(0x64, Width::Byte) & I8042::kStatusObf) out.push_back(static_cast<u8>(kbc.io_read(0x60, Width::Byte)));
  return out;
}

}  // namespace

TEST_CASE("SDL display: keys as set 2 through the 8042, mouse packets once grabbed, hot keys", "[frontend][sdl]") {
  ::setenv("SDL_VIDEODRIVER", "dummy", 1);
  std::string why;
  auto d = make_sdl_display(Scaling::Integer, why);
  REQUIRE(d != nullptr);
  Machine m(test::tiny_machine());
  I8042& kbc = m.keyboard_controller();
  std::vector<HostAction> actions;
  d->present(m.vga(), DisplayStatus{});
  d->poll(m, actions);  // drain the window's own events
  drain(kbc);

  SECTION("a key press and release: set 2, read as set 1 through the 8042's translation") {
    push_key(SDL_SCANCODE_A, true);
    push_key(SDL_SCANCODE_A, false);
    push_key(SDL_SCANCODE_UP, true);
    push_key(SDL_SCANCODE_UP, false);
    d->poll(m, actions);
    CHECK(actions.empty());
    CHECK(drain(kbc) == Bytes{0x1E, 0x9E, 0xE0, 0x48, 0xE0, 0xC8});
  }
  SECTION("Ctrl+Alt hot keys are actions, not guest keys") {
    push_key(SDL_SCANCODE_P, true, KMOD_LCTRL | KMOD_LALT);
    push_key(SDL_SCANCODE_P, false, KMOD_LCTRL | KMOD_LALT);
    push_key(SDL_SCANCODE_S, true, KMOD_LCTRL | KMOD_LALT);
    push_key(SDL_SCANCODE_R, true, KMOD_LCTRL | KMOD_LALT);
    push_key(SDL_SCANCODE_N, true, KMOD_LCTRL | KMOD_LALT);
    push_key(SDL_SCANCODE_Q, true, KMOD_LCTRL | KMOD_LALT);
    d->poll(m, actions);
    CHECK(actions == std::vector<HostAction>{HostAction::TogglePause, HostAction::Screenshot, HostAction::Reset,
                                             HostAction::Step, HostAction::Quit});
    CHECK(drain(kbc).empty());
  }
  SECTION("closing the window quits") {
    SDL_Event e{};
    e.type = SDL_QUIT;
    SDL_PushEvent(&e);
    d->poll(m, actions);
    CHECK(actions == std::vector<HostAction>{HostAction::Quit});
  }
  SECTION("the mouse moves the guest's pointer only while grabbed") {
    // The guest enables the mouse: D4h F4h (enable reporting), ACK FAh.
    kbc.io_write(0x64, 0xA8, Width::Byte);
    kbc.io_write(0x64, 0xD4, Width::Byte);
    kbc.io_write(0x60, 0xF4, Width::Byte);
    CHECK(drain(kbc) == Bytes{0xFA});
    SDL_Event e{};
    e.type = SDL_MOUSEMOTION;
    e.motion.xrel = 5;
    e.motion.yrel = 3;  // SDL: down is positive; PS/2: up is positive
    SDL_PushEvent(&e);
    d->poll(m, actions);
    CHECK(drain(kbc).empty());
    push_key(SDL_SCANCODE_G, true, KMOD_LCTRL | KMOD_LALT);  // grab
    d->poll(m, actions);  // (entering relative mode flushes queued motion)
    SDL_PushEvent(&e);
    d->poll(m, actions);
    CHECK(drain(kbc) == Bytes{0x28, 0x05, 0xFD});  // 08h | Y sign, dx 5, dy -3
    SDL_Event b{};
    b.type = SDL_MOUSEBUTTONDOWN;
    b.button.button = SDL_BUTTON_RIGHT;
    SDL_PushEvent(&b);
    d->poll(m, actions);
    CHECK(drain(kbc) == Bytes{0x0A, 0x00, 0x00});  // 08h | right button
  }
}

TEST_CASE("SDL display: the debugger panels draw beside the screen and toggle with Ctrl+Alt+D", "[frontend][sdl]") {
  ::setenv("SDL_VIDEODRIVER", "dummy", 1);
  std::string why;
  auto d = make_sdl_display(Scaling::Integer, why);
  REQUIRE(d != nullptr);
  Machine m(test::tiny_machine());
  Debugger dbg(m, stdout, Debugger::Options{});
  DebugPanels panels(m, dbg);
  if (!d->set_panels(&panels)) {
    SUCCEED("this build has no Dear ImGui");
    return;
  }
  std::vector<HostAction> actions;
  push_key(SDL_SCANCODE_D, true, KMOD_LCTRL | KMOD_LALT);
  push_key(SDL_SCANCODE_D, false, KMOD_LCTRL | KMOD_LALT);
  d->poll(m, actions);
  CHECK(actions == std::vector<HostAction>{HostAction::TogglePanels});
  // Drawn open for a few frames, stopped and running, then closed again:
  // ImGui frames begin and end in pairs (a mismatch asserts in ImGui).
  panels.set_visible(true);
  panels.on_stop("step");
  for (int i = 0; i < 3; ++i) {
    d->poll(m, actions);
    d->present(m.vga(), DisplayStatus{});
  }
  panels.on_resume();
  d->present(m.vga(), DisplayStatus{});
  panels.set_visible(false);
  d->present(m.vga(), DisplayStatus{});
  CHECK(panels.take_commands().empty());  // nothing was clicked
}
