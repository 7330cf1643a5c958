#include "frontend/set2.hpp"

#include <array>

namespace gb {

Set2Key set2::function_key(unsigned n) {
  static constexpr std::array<u8, 12> kCodes{0x05, 0x06, 0x04, 0x0C, 0x03, 0x0B, 0x83, 0x0A, 0x01, 0x09, 0x78, 0x07};
  return {kCodes.at(n)};
}

std::vector<u8> set2_make(Set2Key k) {
  if (k.extended) return {0xE0, k.code};
  return {k.code};
}

std::vector<u8> set2_break(Set2Key k) {
  if (k.extended) return {0xE0, 0xF0, k.code};
  return {0xF0, k.code};
}

std::vector<u8> set2_print_screen(bool make) {
  // Sent as fake-Shift + E0 7C (the set 2 table's "Print Screen" row).
  if (make) return {0xE0, 0x12, 0xE0, 0x7C};
  return {0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12};
}

std::vector<u8> set2_pause() { return {0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77}; }

namespace {

u8 letter_code(char c) {
  static constexpr u8 kLetters[26] = {0x1C, 0x32, 0x21, 0x23, 0x24, 0x2B, 0x34, 0x33, 0x43, 0x3B, 0x42, 0x4B, 0x3A,
                                      0x31, 0x44, 0x4D, 0x15, 0x2D, 0x1B, 0x2C, 0x3C, 0x2A, 0x1D, 0x22, 0x35, 0x1A};
  return kLetters[c - 'a'];
}

// The unshifted and shifted characters of each non-letter key of the US
// layout, with the key's code.
struct Punct {
  char plain, shifted;
  u8 code;
};
constexpr Punct kPunct[] = {
    {'1', '!', 0x16}, {'2', '@', 0x1E}, {'3', '#', 0x26}, {'4', '$', 0x25}, {'5', '%', 0x2E}, {'6', '^', 0x36},
    {'7', '&', 0x3D}, {'8', '*', 0x3E}, {'9', '(', 0x46}, {'0', ')', 0x45}, {'`', '~', 0x0E}, {'-', '_', 0x4E},
    {'=', '+', 0x55}, {'[', '{', 0x54}, {']', '}', 0x5B}, {'\\', '|', 0x5D}, {';', ':', 0x4C}, {'\'', '"', 0x52},
    {',', '<', 0x41}, {'.', '>', 0x49}, {'/', '?', 0x4A}, {' ', ' ', 0x29},
};

}  // namespace

std::optional<Keystroke> ascii_keystroke(u8 c) {
  if (c >= 'a' && c <= 'z') return Keystroke{{letter_code(static_cast<char>(c))}};
  if (c >= 'A' && c <= 'Z') return Keystroke{{letter_code(static_cast<char>(c - 'A' + 'a'))}, true};
  switch (c) {
    case '\r':
    case '\n': return Keystroke{set2::kEnter};
    case '\t': return Keystroke{{0x0D}};
    case 0x08:
    case 0x7F: return Keystroke{{0x66}};
    case 0x1B: return Keystroke{{0x76}};
    default: break;
  }
  if (c >= 0x01 && c <= 0x1A) return Keystroke{{letter_code(static_cast<char>(c - 1 + 'a'))}, false, true};
  for (const Punct& p : kPunct) {
    if (c == static_cast<u8>(p.plain)) return Keystroke{{p.code}};
    if (c == static_cast<u8>(p.shifted)) return Keystroke{{p.code}, true};
  }
  return std::nullopt;
}

std::vector<u8> set2_tap(const Keystroke& k) {
  std::vector<u8> out;
  auto add = [&out](const std::vector<u8>& v) { out.insert(out.end(), v.begin(), v.end()); };
  if (k.ctrl) add(set2_make(set2::kLeftCtrl));
  if (k.shift) add(set2_make(set2::kLeftShift));
  add(set2_make(k.key));
  add(set2_break(k.key));
  if (k.shift) add(set2_break(set2::kLeftShift));
  if (k.ctrl) add(set2_break(set2::kLeftCtrl));
  return out;
}

}  // namespace gb
