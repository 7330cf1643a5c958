// gb::TerminalHotkeys (frontend/hotkeys.hpp): Ctrl-A prefixed hot keys.
#include <catch2/catch.hpp>

#include "frontend/hotkeys.hpp"

using namespace gb;

TEST_CASE("TerminalHotkeys: Ctrl-A then a letter", "[frontend][hotkeys]") {
  TerminalHotkeys k;
  bool pass = false;
  CHECK_FALSE(k.feed('h', pass).has_value());
  CHECK(pass);
  CHECK_FALSE(k.feed(0x01, pass).has_value());
  CHECK_FALSE(pass);
  CHECK(k.feed('x', pass) == HostAction::Quit);
  CHECK_FALSE(pass);
  k.feed(0x01, pass);
  CHECK(k.feed('p', pass) == HostAction::TogglePause);
  k.feed(0x01, pass);
  CHECK(k.feed('n', pass) == HostAction::Step);
  k.feed(0x01, pass);
  CHECK(k.feed('s', pass) == HostAction::Screenshot);
  k.feed(0x01, pass);
  CHECK(k.feed('r', pass) == HostAction::Reset);
  SECTION("Ctrl-A a passes Ctrl-A itself") {
    k.feed(0x01, pass);
    CHECK_FALSE(k.feed('a', pass).has_value());
    CHECK(pass);
  }
  SECTION("an unknown letter is dropped, and the next byte is plain again") {
    k.feed(0x01, pass);
    CHECK_FALSE(k.feed('z', pass).has_value());
    CHECK_FALSE(pass);
    CHECK_FALSE(k.feed('x', pass).has_value());
    CHECK(pass);
  }
}
