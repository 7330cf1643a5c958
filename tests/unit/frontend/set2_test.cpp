// gb::set2_* and ascii_keystroke (frontend/set2.hpp), checked against the
// 8042's own set 2 -> set 1 translation (devices/i8042.cpp), an independent
// table: what the guest reads with translation on must be the XT codes.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "devices/i8042.hpp"
#include "frontend/set2.hpp"

using namespace gb;
using Bytes = std::vector<u8>;

namespace {

struct NoIrq final : IrqSink {
  void set_irq(unsigned, bool) override {}
};

/// Types `bytes` into a powered-on 8042 (translation on) and reads port 60h.
Bytes translated(const Bytes& bytes) {
  std::vector<u8> ram(1u << 20);
  MemoryMap memory;
  IoMap io;
  Bus bus{memory, io};
  memory.map_ram(0, ram);
  NoIrq irq;
  I8042 kbc{bus, IrqLine(irq, 1), IrqLine(irq, 12)};
  kbc.press(bytes);
  Bytes out;
  while (kbc.io_read(0x64, Width::Byte) & I8042::kStatusObf) out.push_back(static_cast<u8>(kbc.io_read(0x60, Width::Byte)));
  return out;
}

}  // namespace

TEST_CASE("set2: make and break, with the E0h prefix for extended keys", "[frontend][set2]") {
  CHECK(set2_make(Set2Key{0x1C}) == Bytes{0x1C});
  CHECK(set2_break(Set2Key{0x1C}) == Bytes{0xF0, 0x1C});
  CHECK(set2_make(set2::kUp) == Bytes{0xE0, 0x75});
  CHECK(set2_break(set2::kUp) == Bytes{0xE0, 0xF0, 0x75});
  CHECK(set2::function_key(0) == Set2Key{0x05});
  CHECK(set2::function_key(11) == Set2Key{0x07});
  CHECK(set2_pause() == Bytes{0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77});
}

TEST_CASE("set2: typed ASCII reaches the guest as the XT (set 1) codes", "[frontend][set2]") {
  // Set 1 make codes of the US layout, row by row (IBM PC/XT keyboard).
  const std::string row1 = "1234567890-=", row2 = "qwertyuiop[]", row3 = "asdfghjkl;'", row4 = "zxcvbnm,./";
  auto expect = [](char c) -> u8 {
    static const std::string r1 = "1234567890-=", r2 = "qwertyuiop[]", r3 = "asdfghjkl;'", r4 = "zxcvbnm,./";
    if (auto i = r1.find(c); i != std::string::npos) return static_cast<u8>(0x02 + i);
    if (auto i = r2.find(c); i != std::string::npos) return static_cast<u8>(0x10 + i);
    if (auto i = r3.find(c); i != std::string::npos) return static_cast<u8>(0x1E + i);
    if (auto i = r4.find(c); i != std::string::npos) return static_cast<u8>(0x2C + i);
    return 0;
  };
  for (const std::string& row : {row1, row2, row3, row4}) {
    for (const char c : row) {
      INFO("character " << c);
      const auto k = ascii_keystroke(static_cast<u8>(c));
      REQUIRE(k.has_value());
      CHECK_FALSE(k->shift);
      const u8 code = expect(c);
      CHECK(translated(set2_tap(*k)) == Bytes{code, static_cast<u8>(code | 0x80)});
    }
  }
  SECTION("shifted characters wrap the key in Left Shift (2Ah)") {
    const auto k = ascii_keystroke('A');
    REQUIRE(k.has_value());
    CHECK(k->shift);
    CHECK(translated(set2_tap(*k)) == Bytes{0x2A, 0x1E, 0x9E, 0xAA});
    CHECK(translated(set2_tap(*ascii_keystroke('?'))) == Bytes{0x2A, 0x35, 0xB5, 0xAA});
    CHECK(translated(set2_tap(*ascii_keystroke('"'))) == Bytes{0x2A, 0x28, 0xA8, 0xAA});
  }
  SECTION("controls") {
    CHECK(translated(set2_tap(*ascii_keystroke('\r'))) == Bytes{0x1C, 0x9C});
    CHECK(translated(set2_tap(*ascii_keystroke('\n'))) == Bytes{0x1C, 0x9C});
    CHECK(translated(set2_tap(*ascii_keystroke(0x7F))) == Bytes{0x0E, 0x8E});
    CHECK(translated(set2_tap(*ascii_keystroke('\t'))) == Bytes{0x0F, 0x8F});
    CHECK(translated(set2_tap(*ascii_keystroke(0x1B))) == Bytes{0x01, 0x81});
    CHECK(translated(set2_tap(*ascii_keystroke(' '))) == Bytes{0x39, 0xB9});
    // Ctrl-C: Left Ctrl (1Dh) around C (2Eh).
    CHECK(translated(set2_tap(*ascii_keystroke(0x03))) == Bytes{0x1D, 0x2E, 0xAE, 0x9D});
  }
  SECTION("bytes with no key") {
    CHECK_FALSE(ascii_keystroke(0x00).has_value());
    CHECK_FALSE(ascii_keystroke(0x80).has_value());
    CHECK_FALSE(ascii_keystroke(0x1C).has_value());
  }
  SECTION("extended keys translate to E0h-prefixed set 1 codes") {
    CHECK(translated(set2_tap(Keystroke{set2::kUp})) == Bytes{0xE0, 0x48, 0xE0, 0xC8});
    CHECK(translated(set2_tap(Keystroke{set2::kDelete})) == Bytes{0xE0, 0x53, 0xE0, 0xD3});
    CHECK(translated(set2_print_screen(true)) == Bytes{0xE0, 0x2A, 0xE0, 0x37});
  }
}
