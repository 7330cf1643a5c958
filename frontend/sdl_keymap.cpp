#include "frontend/sdl_keymap.hpp"

namespace gb {

std::optional<Set2Key> sdl_to_set2(SDL_Scancode sc) {
  // Letters and digits are contiguous in SDL's (USB HID) numbering.
  static constexpr u8 kLetters[26] = {0x1C, 0x32, 0x21, 0x23, 0x24, 0x2B, 0x34, 0x33, 0x43, 0x3B, 0x42, 0x4B, 0x3A,
                                      0x31, 0x44, 0x4D, 0x15, 0x2D, 0x1B, 0x2C, 0x3C, 0x2A, 0x1D, 0x22, 0x35, 0x1A};
  static constexpr u8 kDigits[10] = {0x16, 0x1E, 0x26, 0x25, 0x2E, 0x36, 0x3D, 0x3E, 0x46, 0x45};  // 1..9, 0
  if (sc >= SDL_SCANCODE_A && sc <= SDL_SCANCODE_Z) return Set2Key{kLetters[sc - SDL_SCANCODE_A]};
  if (sc >= SDL_SCANCODE_1 && sc <= SDL_SCANCODE_0) return Set2Key{kDigits[sc - SDL_SCANCODE_1]};
  if (sc >= SDL_SCANCODE_F1 && sc <= SDL_SCANCODE_F12) return set2::function_key(sc - SDL_SCANCODE_F1);
  switch (sc) {
    case SDL_SCANCODE_RETURN: return Set2Key{0x5A};
    case SDL_SCANCODE_ESCAPE: return Set2Key{0x76};
    case SDL_SCANCODE_BACKSPACE: return Set2Key{0x66};
    case SDL_SCANCODE_TAB: return Set2Key{0x0D};
    case SDL_SCANCODE_SPACE: return Set2Key{0x29};
    case SDL_SCANCODE_MINUS: return Set2Key{0x4E};
    case SDL_SCANCODE_EQUALS: return Set2Key{0x55};
    case SDL_SCANCODE_LEFTBRACKET: return Set2Key{0x54};
    case SDL_SCANCODE_RIGHTBRACKET: return Set2Key{0x5B};
    case SDL_SCANCODE_BACKSLASH: return Set2Key{0x5D};
    case SDL_SCANCODE_NONUSHASH: return Set2Key{0x5D};  // same position on ISO boards
    case SDL_SCANCODE_SEMICOLON: return Set2Key{0x4C};
    case SDL_SCANCODE_APOSTROPHE: return Set2Key{0x52};
    case SDL_SCANCODE_GRAVE: return Set2Key{0x0E};
    case SDL_SCANCODE_COMMA: return Set2Key{0x41};
    case SDL_SCANCODE_PERIOD: return Set2Key{0x49};
    case SDL_SCANCODE_SLASH: return Set2Key{0x4A};
    case SDL_SCANCODE_CAPSLOCK: return Set2Key{0x58};
    case SDL_SCANCODE_SCROLLLOCK: return Set2Key{0x7E};
    case SDL_SCANCODE_INSERT: return set2::kInsert;
    case SDL_SCANCODE_HOME: return set2::kHome;
    case SDL_SCANCODE_PAGEUP: return set2::kPageUp;
    case SDL_SCANCODE_DELETE: return set2::kDelete;
    case SDL_SCANCODE_END: return set2::kEnd;
    case SDL_SCANCODE_PAGEDOWN: return set2::kPageDown;
    case SDL_SCANCODE_RIGHT: return set2::kRight;
    case SDL_SCANCODE_LEFT: return set2::kLeft;
    case SDL_SCANCODE_DOWN: return set2::kDown;
    case SDL_SCANCODE_UP: return set2::kUp;
    case SDL_SCANCODE_NUMLOCKCLEAR: return Set2Key{0x77};
    case SDL_SCANCODE_KP_DIVIDE: return Set2Key{0x4A, true};
    case SDL_SCANCODE_KP_MULTIPLY: return Set2Key{0x7C};
    case SDL_SCANCODE_KP_MINUS: return Set2Key{0x7B};
    case SDL_SCANCODE_KP_PLUS: return Set2Key{0x79};
    case SDL_SCANCODE_KP_ENTER: return Set2Key{0x5A, true};
    case SDL_SCANCODE_KP_1: return Set2Key{0x69};
    case SDL_SCANCODE_KP_2: return Set2Key{0x72};
    case SDL_SCANCODE_KP_3: return Set2Key{0x7A};
    case SDL_SCANCODE_KP_4: return Set2Key{0x6B};
    case SDL_SCANCODE_KP_5: return Set2Key{0x73};
    case SDL_SCANCODE_KP_6: return Set2Key{0x74};
    case SDL_SCANCODE_KP_7: return Set2Key{0x6C};
    case SDL_SCANCODE_KP_8: return Set2Key{0x75};
    case SDL_SCANCODE_KP_9: return Set2Key{0x7D};
    case SDL_SCANCODE_KP_0: return Set2Key{0x70};
    case SDL_SCANCODE_KP_PERIOD: return Set2Key{0x71};
    case SDL_SCANCODE_NONUSBACKSLASH: return Set2Key{0x61};  // the 102nd key
    case SDL_SCANCODE_APPLICATION: return Set2Key{0x2F, true};
    case SDL_SCANCODE_LCTRL: return set2::kLeftCtrl;
    case SDL_SCANCODE_LSHIFT: return set2::kLeftShift;
    case SDL_SCANCODE_LALT: return set2::kLeftAlt;
    case SDL_SCANCODE_LGUI: return Set2Key{0x1F, true};
    case SDL_SCANCODE_RCTRL: return Set2Key{0x14, true};
    case SDL_SCANCODE_RSHIFT: return Set2Key{0x59};
    case SDL_SCANCODE_RALT: return Set2Key{0x11, true};
    case SDL_SCANCODE_RGUI: return Set2Key{0x27, true};
    default: return std::nullopt;
  }
}

}  // namespace gb
