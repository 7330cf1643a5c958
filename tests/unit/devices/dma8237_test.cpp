// The PC/AT 8237A pair driven through its ports on a real Bus with RAM.
// Expected values follow the Intel 8237A datasheet (register description,
// autoinitialize, TC/EOP, address generation) and the IBM PC AT Technical
// Reference (page registers, 16-bit channel addressing, cascade).
#include <catch2/catch.hpp>

#include <numeric>
#include <stdexcept>
#include <vector>

#include "devices/dma8237.hpp"

using namespace gb;

namespace {

struct Rig {
  std::vector<u8> ram = std::vector<u8>(4u << 20, 0);  // 4 MiB
  MemoryMap mem;
  IoMap io;
  Bus bus{mem, io};
  Dma8237Pair dma{bus};

  Rig() {
    mem.map_ram(0, ram);
    // What every PC BIOS does first (SeaBIOS dma_setup): master clear both
    // chips, put DMA2 channel 0 in cascade mode and unmask it.
    out(0x0D, 0);
    out(0xDA, 0);
    out(0xD6, 0xC0);
    out(0xD4, 0x00);
  }
  void out(u16 port, u8 v) { dma.io_write(port, v, Width::Byte); }
  u8 in(u16 port) { return static_cast<u8>(dma.io_read(port, Width::Byte)); }

  // Programs an 8-bit channel (0-3) the way SeaBIOS's dma_floppy does.
  void program8(unsigned ch, u32 addr, u16 count, u8 mode) {
    static constexpr u16 kPage[4] = {0x87, 0x83, 0x81, 0x82};
    out(0x0A, static_cast<u8>(0x04 | ch));  // mask
    out(0x0C, 0);                           // clear flip-flop
    out(static_cast<u16>(2 * ch), static_cast<u8>(addr));
    out(static_cast<u16>(2 * ch), static_cast<u8>(addr >> 8));
    out(0x0C, 0);
    out(static_cast<u16>(2 * ch + 1), static_cast<u8>(count));
    out(static_cast<u16>(2 * ch + 1), static_cast<u8>(count >> 8));
    out(0x0B, static_cast<u8>(mode | ch));
    out(kPage[ch], static_cast<u8>(addr >> 16));
    out(0x0A, static_cast<u8>(ch));  // unmask
  }
  // Programs a 16-bit channel (5-7): address and count in words.
  void program16(unsigned ch, u32 byte_addr, u16 words_minus_1, u8 mode) {
    static constexpr u16 kPage[4] = {0x8F, 0x8B, 0x89, 0x8A};
    const unsigned i = ch - 4;
    const u32 word_addr = (byte_addr >> 1) & 0xFFFF;
    out(0xD4, static_cast<u8>(0x04 | i));
    out(0xD8, 0);
    out(static_cast<u16>(0xC0 + 4 * i), static_cast<u8>(word_addr));
    out(static_cast<u16>(0xC0 + 4 * i), static_cast<u8>(word_addr >> 8));
    out(0xD8, 0);
    out(static_cast<u16>(0xC2 + 4 * i), static_cast<u8>(words_minus_1));
    out(static_cast<u16>(0xC2 + 4 * i), static_cast<u8>(words_minus_1 >> 8));
    out(0xD6, static_cast<u8>(mode | i));
    out(kPage[i], static_cast<u8>(byte_addr >> 16));
    out(0xD4, static_cast<u8>(i));
  }
  u16 read_addr(unsigned ch) {
    out(0x0C, 0);
    const u8 lo = in(static_cast<u16>(2 * ch));
    const u8 hi = in(static_cast<u16>(2 * ch));
    return static_cast<u16>(lo | hi << 8);
  }
  u16 read_count(unsigned ch) {
    out(0x0C, 0);
    const u8 lo = in(static_cast<u16>(2 * ch + 1));
    const u8 hi = in(static_cast<u16>(2 * ch + 1));
    return static_cast<u16>(lo | hi << 8);
  }
};

std::vector<u8> pattern(size_t n, u8 seed = 1) {
  std::vector<u8> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<u8>(seed + i * 7);
  return v;
}

// Mode bytes: single mode (01), increment, no autoinit; transfer type.
constexpr u8 kWriteSingle = 0x44;  // device -> memory
constexpr u8 kReadSingle = 0x48;   // memory -> device
constexpr u8 kVerifySingle = 0x40;

}  // namespace

TEST_CASE("dma: power-on state masks every channel", "[dma]") {
  std::vector<u8> ram(1u << 20, 0);
  MemoryMap mem;
  IoMap io;
  Bus bus(mem, io);
  mem.map_ram(0, ram);
  Dma8237Pair dma(bus);
  for (unsigned ch = 0; ch < 8; ++ch) CHECK(dma.masked(ch));
  const std::vector<u8> data(4, 0xAA);
  CHECK(dma.device_write(2, data) == 0);
  CHECK(dma.io_read(0x08, Width::Byte) == 0x00);
  CHECK(dma.io_read(0x80, Width::Byte) == 0xFF);  // POST code port: not ours
  CHECK(!dma.dump().empty());
  CHECK_THROWS_AS(dma.masked(8), std::out_of_range);
}

TEST_CASE("dma: address and count registers through the byte pointer flip-flop", "[dma]") {
  Rig r;
  r.out(0x0C, 0);
  r.out(0x04, 0x34);
  r.out(0x04, 0x12);
  r.out(0x05, 0xFF);
  r.out(0x05, 0x01);
  CHECK(r.read_addr(2) == 0x1234);
  CHECK(r.read_count(2) == 0x01FF);
  // Without clearing it, the flip-flop keeps alternating across registers.
  r.out(0x0C, 0);
  CHECK(r.in(0x04) == 0x34);
  CHECK(r.in(0x05) == 0x01);  // the high byte of the count: the pointer moved on
  // A master clear resets the flip-flop and masks everything.
  r.out(0x0D, 0);
  CHECK(r.in(0x04) == 0x34);
  CHECK(r.dma.masked(2));
  CHECK(r.in(0x0F) == 0xFF);  // all four mask bits (upper nibble reads 1)
}

TEST_CASE("dma: write transfer to memory stops at TC, sets status and the mask", "[dma]") {
  Rig r;
  r.program8(2, 0x12345, 511, kWriteSingle);
  CHECK(!r.dma.masked(2));
  const auto data = pattern(600);
  CHECK(r.dma.device_write(2, data) == 512);  // count 511 = 512 transfers
  CHECK(r.dma.terminal_count(2));
  for (size_t i = 0; i < 512; ++i) REQUIRE(r.ram[0x12345 + i] == data[i]);
  CHECK(r.ram[0x12345 + 512] == 0);
  // TC without autoinit sets the mask bit (datasheet, Mask Register).
  CHECK(r.dma.masked(2));
  CHECK(r.read_count(2) == 0xFFFF);
  CHECK(r.read_addr(2) == static_cast<u16>(0x2345 + 512));
  // Status: TC bit 2, cleared by the read.
  CHECK((r.in(0x08) & 0x0F) == 0x04);
  CHECK((r.in(0x08) & 0x0F) == 0x00);
  // Masked: nothing more moves.
  CHECK(r.dma.device_write(2, data) == 0);
  CHECK(!r.dma.terminal_count(2));
}

TEST_CASE("dma: a transfer shorter than the count does not reach TC", "[dma]") {
  Rig r;
  r.program8(1, 0x2000, 1023, kWriteSingle);
  const auto data = pattern(512);
  CHECK(r.dma.device_write(1, data) == 512);
  CHECK(!r.dma.terminal_count(1));
  CHECK(!r.dma.masked(1));
  CHECK(r.read_count(1) == 511);
  CHECK(r.dma.device_write(1, data) == 512);
  CHECK(r.dma.terminal_count(1));
  CHECK(r.ram[0x2000 + 1023] == data[511]);
}

TEST_CASE("dma: read transfer from memory to the device", "[dma]") {
  Rig r;
  const auto data = pattern(256, 9);
  std::copy(data.begin(), data.end(), r.ram.begin() + 0x30000);
  r.program8(2, 0x30000, 99, kReadSingle);
  std::vector<u8> out(256, 0);
  CHECK(r.dma.device_read(2, out) == 100);
  CHECK(r.dma.terminal_count(2));
  CHECK(std::equal(out.begin(), out.begin() + 100, data.begin()));
}

TEST_CASE("dma: verify mode runs the cycles without touching memory", "[dma]") {
  Rig r;
  r.program8(3, 0x4000, 15, kVerifySingle);
  const auto data = pattern(16);
  CHECK(r.dma.device_write(3, data) == 16);
  CHECK(r.dma.terminal_count(3));
  for (size_t i = 0; i < 16; ++i) CHECK(r.ram[0x4000 + i] == 0);
  // A channel programmed for the other direction does not write memory either.
  r.program8(3, 0x4000, 15, kReadSingle);
  CHECK(r.dma.device_write(3, data) == 16);
  CHECK(r.ram[0x4000] == 0);
  // ... and a read from a write-mode channel produces an undriven bus.
  r.program8(3, 0x4000, 3, kWriteSingle);
  std::vector<u8> out(4, 0);
  CHECK(r.dma.device_read(3, out) == 4);
  CHECK(out == std::vector<u8>(4, 0xFF));
}

TEST_CASE("dma: autoinitialize reloads the base registers at TC and stays unmasked", "[dma]") {
  Rig r;
  r.program8(1, 0x5000, 7, 0x54);  // single, autoinit, write
  const auto data = pattern(20);
  CHECK(r.dma.device_write(1, data) == 8);
  CHECK(r.dma.terminal_count(1));
  CHECK(!r.dma.masked(1));
  CHECK(r.read_addr(1) == 0x5000);
  CHECK(r.read_count(1) == 7);
  CHECK((r.in(0x08) & 0x02) == 0x02);
  // The next block lands on the same buffer again.
  const std::vector<u8> second(8, 0x5A);
  CHECK(r.dma.device_write(1, second) == 8);
  CHECK(r.ram[0x5000] == 0x5A);
  CHECK(r.ram[0x5007] == 0x5A);
}

TEST_CASE("dma: address decrement and 64K wrap within the page", "[dma]") {
  Rig r;
  r.program8(0, 0x20003, 3, 0x64);  // single, decrement, write
  const std::vector<u8> data = {1, 2, 3, 4};
  CHECK(r.dma.device_write(0, data) == 4);
  CHECK(r.ram[0x20003] == 1);
  CHECK(r.ram[0x20002] == 2);
  CHECK(r.ram[0x20001] == 3);
  CHECK(r.ram[0x20000] == 4);
  CHECK(r.read_addr(0) == 0xFFFF);
  // Incrementing past FFFFh wraps to the start of the same 64K page: the
  // page register does not count (AT Technical Reference).
  r.program8(0, 0x1FFFE, 3, kWriteSingle);
  CHECK(r.dma.device_write(0, data) == 4);
  CHECK(r.ram[0x1FFFE] == 1);
  CHECK(r.ram[0x1FFFF] == 2);
  CHECK(r.ram[0x10000] == 3);
  CHECK(r.ram[0x10001] == 4);
  CHECK(r.ram[0x20000] == 4);  // untouched since the first transfer
}

TEST_CASE("dma: 16-bit channels count words and take A23-A17 from the page", "[dma]") {
  Rig r;
  r.program16(5, 0x123456, 3, kWriteSingle);  // 4 words at byte 0x123456
  const auto data = pattern(11);
  CHECK(r.dma.device_write(5, data) == 8);  // whole words only, stops at TC
  CHECK(r.dma.terminal_count(5));
  for (size_t i = 0; i < 8; ++i) CHECK(r.ram[0x123456 + i] == data[i]);
  // Page bit 0 is ignored: page 13h with word address 0x1A2B is byte
  // address 0x120000 + 2 * 0x1A2B (A16 comes from the address register).
  r.out(0xD4, 0x05);
  r.out(0xD8, 0);
  r.out(0xC4, 0x2B);
  r.out(0xC4, 0x9A);  // word 0x9A2B: A16 = 1
  r.out(0xD8, 0);
  r.out(0xC6, 0x00);
  r.out(0xC6, 0x00);  // one word
  r.out(0xD6, static_cast<u8>(kWriteSingle | 1));
  r.out(0x8B, 0x13);
  r.out(0xD4, 0x01);
  const std::vector<u8> w = {0xCD, 0xAB};
  CHECK(r.dma.device_write(5, w) == 2);
  const u32 a = 0x120000u + 2u * 0x9A2Bu;
  CHECK(r.ram[a] == 0xCD);
  CHECK(r.ram[a + 1] == 0xAB);
  // A trailing odd byte is never consumed on a word channel.
  r.program16(6, 0x40000, 9, kWriteSingle);
  const std::vector<u8> odd = {1, 2, 3};
  CHECK(r.dma.device_write(6, odd) == 2);
  // Odd ports alias the even ones on DMA2 (SA0 is not decoded).
  r.out(0xD8, 0);
  const u8 lo_odd = r.in(0xC9);
  const u8 hi_odd = r.in(0xC9);
  r.out(0xD8, 0);
  const u8 lo_even = r.in(0xC8);
  const u8 hi_even = r.in(0xC8);
  CHECK(lo_odd == 0x01);  // word address 0000h + 1
  CHECK(lo_odd == lo_even);
  CHECK(hi_odd == hi_even);
}

TEST_CASE("dma: DMA1 needs the cascade channel of DMA2", "[dma]") {
  Rig r;
  r.program8(2, 0x1000, 3, kWriteSingle);
  const std::vector<u8> data = {1, 2, 3, 4};
  r.out(0xD4, 0x04);  // mask channel 4
  CHECK(r.dma.device_write(2, data) == 0);
  r.out(0xD4, 0x00);
  r.out(0xD6, 0x40);  // channel 4 no longer in cascade mode
  CHECK(r.dma.device_write(2, data) == 0);
  r.out(0xD6, 0xC0);
  r.out(0xD0, 0x04);  // DMA2 disabled (command bit 2)
  CHECK(r.dma.device_write(2, data) == 0);
  r.out(0xD0, 0x00);
  r.out(0x08, 0x04);  // DMA1 disabled
  CHECK(r.dma.device_write(2, data) == 0);
  r.out(0x08, 0x00);
  CHECK(r.dma.device_write(2, data) == 4);
  // A cascade channel moves no data itself.
  CHECK(r.dma.device_write(4, data) == 0);
}

TEST_CASE("dma: single, all and clear mask commands", "[dma]") {
  Rig r;
  r.out(0x0F, 0x05);
  CHECK(r.dma.masked(0));
  CHECK(!r.dma.masked(1));
  CHECK(r.dma.masked(2));
  CHECK(!r.dma.masked(3));
  CHECK(r.in(0x0F) == 0xF5);
  r.out(0x0A, 0x07);  // set mask 3
  CHECK(r.dma.masked(3));
  r.out(0x0A, 0x02);  // clear mask 2
  CHECK(!r.dma.masked(2));
  r.out(0x0E, 0);  // clear mask register
  for (unsigned ch = 0; ch < 4; ++ch) CHECK(!r.dma.masked(ch));
  r.out(0xDE, 0x0E);  // DMA2 all mask: channels 5-7
  CHECK(!r.dma.masked(4));
  CHECK(r.dma.masked(5));
  CHECK(r.dma.masked(7));
}

TEST_CASE("dma: request register shows in status bits 7-4 until TC", "[dma]") {
  Rig r;
  r.program8(1, 0x1000, 1, kWriteSingle);
  r.out(0x09, 0x05);  // set request, channel 1
  CHECK(r.in(0x08) == 0x20);
  const std::vector<u8> data = {1, 2};
  CHECK(r.dma.device_write(1, data) == 2);
  CHECK(r.in(0x08) == 0x02);  // TC 1; the request cleared at TC
  r.out(0x09, 0x07);          // set request, channel 3
  r.out(0x09, 0x03);          // reset it
  CHECK(r.in(0x08) == 0x00);
}

TEST_CASE("dma: page registers and scratch ports read back", "[dma]") {
  Rig r;
  for (u16 p = 0x81; p <= 0x8F; ++p) r.out(p, static_cast<u8>(p ^ 0x5A));
  for (u16 p = 0x81; p <= 0x8F; ++p) CHECK(r.in(p) == static_cast<u8>(p ^ 0x5A));
  // The page register of channel 7 is 8Ah, of channel 3 82h.
  r.program8(3, 0x7A000, 0, kWriteSingle);
  CHECK(r.in(0x82) == 0x07);
  const std::vector<u8> one = {0x77};
  CHECK(r.dma.device_write(3, one) == 1);
  CHECK(r.ram[0x7A000] == 0x77);
  CHECK(r.dma.dump().find("ch3") != std::string::npos);
}
