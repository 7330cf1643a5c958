// PS/2 scan-code set 2: what a host key becomes on the wire to the 8042.
// Reference: IBM Personal System/2 Hardware Interface Technical Reference
// (1988), "Keyboard and Auxiliary Device", scan-code set 2 tables.
#pragma once
#include <optional>
#include <vector>

#include "mmu/types.hpp"

namespace gb {

/// One key of the 101/102-key keyboard in set 2: its code byte, and whether
/// it is an extended key sent with an E0h prefix.
struct Set2Key {
  u8 code = 0;
  bool extended = false;
  bool operator==(const Set2Key&) const = default;
};

namespace set2 {
inline constexpr Set2Key kLeftShift{0x12}, kLeftCtrl{0x14}, kLeftAlt{0x11}, kEnter{0x5A};
inline constexpr Set2Key kUp{0x75, true}, kDown{0x72, true}, kLeft{0x6B, true}, kRight{0x74, true};
inline constexpr Set2Key kHome{0x6C, true}, kEnd{0x69, true}, kPageUp{0x7D, true}, kPageDown{0x7A, true};
inline constexpr Set2Key kInsert{0x70, true}, kDelete{0x71, true};
/// F1..F12: index 0..11.
Set2Key function_key(unsigned n);
}  // namespace set2

/// The bytes of a make (press): [E0h] code.
std::vector<u8> set2_make(Set2Key k);
/// The bytes of a break (release): [E0h] F0h code.
std::vector<u8> set2_break(Set2Key k);
/// Print Screen and Pause have multi-byte sequences of their own; Pause
/// sends no break.
std::vector<u8> set2_print_screen(bool make);
std::vector<u8> set2_pause();

/// A key typed with modifiers, as a terminal reports it.
struct Keystroke {
  Set2Key key;
  bool shift = false;
  bool ctrl = false;
};

/// The US-layout keystroke that types ASCII `c`: letters, digits and
/// punctuation (with Shift where needed), CR/LF as Enter, TAB, BS and DEL as
/// Backspace, ESC, and control characters 01h-1Ah as Ctrl+letter.
/// nullopt for anything else (bytes 80h and up, NUL, other controls).
std::optional<Keystroke> ascii_keystroke(u8 c);

/// The whole press-and-release of `k`: modifier makes, the key's make and
/// break, modifier breaks (for terminals, which report no releases).
std::vector<u8> set2_tap(const Keystroke& k);

}  // namespace gb
