// gb::sdl_to_set2 (frontend/sdl_keymap.hpp): SDL scancode positions to set 2.
#include <catch2/catch.hpp>

#include <set>

#include "frontend/sdl_keymap.hpp"

using namespace gb;

TEST_CASE("sdl_to_set2: positions of the 102-key keyboard", "[frontend][keymap]") {
  CHECK(sdl_to_set2(SDL_SCANCODE_A) == Set2Key{0x1C});
  CHECK(sdl_to_set2(SDL_SCANCODE_Z) == Set2Key{0x1A});
  CHECK(sdl_to_set2(SDL_SCANCODE_1) == Set2Key{0x16});
  CHECK(sdl_to_set2(SDL_SCANCODE_0) == Set2Key{0x45});
  CHECK(sdl_to_set2(SDL_SCANCODE_F7) == Set2Key{0x83});
  CHECK(sdl_to_set2(SDL_SCANCODE_RETURN) == Set2Key{0x5A});
  CHECK(sdl_to_set2(SDL_SCANCODE_KP_ENTER) == Set2Key{0x5A, true});
  CHECK(sdl_to_set2(SDL_SCANCODE_RCTRL) == Set2Key{0x14, true});
  CHECK(sdl_to_set2(SDL_SCANCODE_UP) == Set2Key{0x75, true});
  CHECK(sdl_to_set2(SDL_SCANCODE_NONUSBACKSLASH) == Set2Key{0x61});
  CHECK_FALSE(sdl_to_set2(SDL_SCANCODE_PRINTSCREEN).has_value());  // its own sequence
  CHECK_FALSE(sdl_to_set2(SDL_SCANCODE_F13).has_value());          // not on a PC/AT keyboard
}

TEST_CASE("sdl_to_set2: no two keys share a code", "[frontend][keymap]") {
  std::set<std::pair<u8, bool>> seen;
  int mapped = 0;
  for (int sc = 0; sc < SDL_NUM_SCANCODES; ++sc) {
    if (sc == SDL_SCANCODE_NONUSHASH) continue;  // deliberately the same key as backslash
    if (const auto k = sdl_to_set2(static_cast<SDL_Scancode>(sc))) {
      ++mapped;
      INFO("scancode " << sc);
      CHECK(seen.insert({k->code, k->extended}).second);
    }
  }
  CHECK(mapped >= 101);
}
