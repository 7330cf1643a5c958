// Code page 437, the VGA BIOS's character set, as Unicode: what a terminal
// display prints for each character byte of the text screen.
#pragma once
#include <string>

#include "mmu/types.hpp"

namespace gb {

/// The Unicode code point of CP437 byte `c`, with the IBM PC glyphs for
/// 01h-1Fh and 7Fh (smileys, card suits, arrows, house) rather than control
/// characters, and 00h and FFh as spaces (blank glyphs in the VGA font).
char32_t cp437_to_unicode(u8 c);

/// `cp` encoded as UTF-8 (1 to 4 bytes).
std::string utf8(char32_t cp);

}  // namespace gb
