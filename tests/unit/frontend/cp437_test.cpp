// gb::cp437_to_unicode and gb::utf8 (frontend/cp437.hpp).
#include <catch2/catch.hpp>

#include <set>

#include "frontend/cp437.hpp"

using namespace gb;

TEST_CASE("cp437: ASCII, the PC glyphs below 20h, and the upper half", "[frontend][cp437]") {
  for (unsigned c = 0x20; c < 0x7F; ++c) CHECK(cp437_to_unicode(static_cast<u8>(c)) == c);
  CHECK(cp437_to_unicode(0x01) == U'\u263A');  // smiley
  CHECK(cp437_to_unicode(0x03) == U'\u2665');  // heart
  CHECK(cp437_to_unicode(0x7F) == U'\u2302');  // house
  CHECK(cp437_to_unicode(0x80) == U'\u00C7');  // C cedilla
  CHECK(cp437_to_unicode(0xB3) == U'\u2502');  // box drawing, light vertical
  CHECK(cp437_to_unicode(0xC9) == U'\u2554');  // double down and right
  CHECK(cp437_to_unicode(0xDB) == U'\u2588');  // full block
  CHECK(cp437_to_unicode(0xE1) == U'\u00DF');  // sharp s (beta)
  CHECK(cp437_to_unicode(0xFE) == U'\u25A0');  // black square
  CHECK(cp437_to_unicode(0x00) == U' ');
  CHECK(cp437_to_unicode(0xFF) == U' ');
  // Every byte but the two blanks has its own code point.
  std::set<char32_t> seen;
  for (unsigned c = 1; c < 0xFF; ++c) seen.insert(cp437_to_unicode(static_cast<u8>(c)));
  CHECK(seen.size() == 254);  // 01h-FEh
}

TEST_CASE("utf8: one to four bytes", "[frontend][cp437]") {
  CHECK(utf8(U'A') == "A");
  CHECK(utf8(U'\u00E9') == "\xC3\xA9");
  CHECK(utf8(U'\u2554') == "\xE2\x95\x94");
  CHECK(utf8(U'\U0001F600') == "\xF0\x9F\x98\x80");
}
