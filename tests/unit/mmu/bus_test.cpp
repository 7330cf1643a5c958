// gb::Bus: RAM/ROM/MMIO/unmapped access, page splits, address mask, INTA.
#include <catch2/catch.hpp>

#include <ostream>
#include <vector>

#include "mmu/bus.hpp"

using namespace gb;

namespace {
struct Access {
  bool write;
  u64 offset;
  u32 value;
  Width w;
  bool operator==(const Access&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Access& a) {
  return os << (a.write ? "write " : "read ") << std::hex << a.offset << " = " << a.value << " /" << bytes(a.w);
}

// Reads return 0xA0 + offset per byte.
struct Mmio : MmioHandler {
  u32 mmio_read(u64 offset, Width w) override {
    log.push_back({false, offset, 0, w});
    u32 v = 0;
    for (unsigned i = 0; i < bytes(w); ++i) v |= static_cast<u32>(static_cast<u8>(0xA0 + offset + i)) << (8 * i);
    return v | (w == Width::Dword ? 0u : 0xEE00'0000u);  // junk above the width
  }
  void mmio_write(u64 offset, u32 value, Width w) override { log.push_back({true, offset, value, w}); }
  std::vector<Access> log;
};

struct Pic : InterruptAcknowledge {
  u8 acknowledge() override { return 0x08; }
};

struct Fixture {
  MemoryMap mem;
  IoMap io;
  Bus bus{mem, io};
  std::vector<u8> ram = std::vector<u8>(0x10'0000);
  Fixture() { mem.map_ram(0, ram); }
};
}  // namespace

TEST_CASE("Bus RAM access is little-endian", "[mmu][bus]") {
  Fixture f;
  f.bus.write<u32>(0x100, 0x1122'3344u);
  CHECK(f.ram[0x100] == 0x44);
  CHECK(f.ram[0x103] == 0x11);
  CHECK(f.bus.read<u16>(0x101) == 0x2233);
  CHECK(f.bus.read<u8>(0x102) == 0x22);
  f.bus.write<u16>(0x201, 0xBEEF);
  CHECK(f.ram[0x201] == 0xEF);
  CHECK(f.ram[0x202] == 0xBE);
  CHECK(f.bus.read<u32>(0x200) == 0x00BE'EF00u);
}

TEST_CASE("Bus drops ROM writes and reads unmapped as ones", "[mmu][bus]") {
  Fixture f;
  std::vector<u8> rom(0x1000, 0x5A);
  f.mem.map_rom(0x20'0000, rom);
  f.bus.write<u32>(0x20'0010, 0);
  f.bus.write<u8>(0x20'0020, 0);
  CHECK(rom[0x10] == 0x5A);
  CHECK(rom[0x20] == 0x5A);
  CHECK(f.bus.read<u32>(0x20'0010) == 0x5A5A'5A5Au);
  CHECK(f.bus.read<u8>(0x30'0000) == 0xFF);
  CHECK(f.bus.read<u16>(0x30'0000) == 0xFFFF);
  CHECK(f.bus.read<u32>(0xFFFF'FFF0u) == 0xFFFF'FFFFu);
  f.bus.write<u32>(0x30'0000, 0);  // no effect, no crash
  CHECK(f.bus.read<u32>(0x30'0000) == 0xFFFF'FFFFu);
}

TEST_CASE("Bus MMIO handler gets offsets relative to the region base", "[mmu][bus]") {
  Fixture f;
  Mmio h;
  f.mem.map_mmio(0xA0000, 0x2000, h);
  CHECK(f.bus.read<u16>(0xA1004) == 0xA5A4);  // offset 0x1004 -> A4, A5; junk masked
  f.bus.write<u32>(0xA0010, 0xCAFE'F00Du);
  f.bus.write<u8>(0xA1FFF, 0x77);
  const std::vector<Access> want{{false, 0x1004, 0, Width::Word},
                                 {true, 0x10, 0xCAFE'F00Du, Width::Dword},
                                 {true, 0x1FFF, 0x77, Width::Byte}};
  CHECK(h.log == want);
}

TEST_CASE("Bus splits page-crossing accesses per byte", "[mmu][bus]") {
  Fixture f;
  SECTION("RAM to RAM") {
    f.bus.write<u32>(0x0FFE, 0x4433'2211u);
    CHECK(f.ram[0x0FFE] == 0x11);
    CHECK(f.ram[0x1001] == 0x44);
    CHECK(f.bus.read<u32>(0x0FFE) == 0x4433'2211u);
    CHECK(f.bus.read<u16>(0x0FFF) == 0x3322);
  }
  SECTION("RAM to MMIO") {
    Mmio h;
    f.mem.map_mmio(0x1000, 0x1000, h);
    f.ram[0x0FFF] = 0x99;
    CHECK(f.bus.read<u32>(0x0FFF) == 0xA2A1'A099u);
    f.bus.write<u16>(0x0FFF, 0x1234);
    CHECK(f.ram[0x0FFF] == 0x34);
    const std::vector<Access> want{{false, 0, 0, Width::Byte},
                                   {false, 1, 0, Width::Byte},
                                   {false, 2, 0, Width::Byte},
                                   {true, 0, 0x12, Width::Byte}};
    CHECK(h.log == want);
  }
  SECTION("RAM to unmapped") {
    f.ram[0xFFFFF] = 0x42;
    CHECK(f.bus.read<u16>(0xFFFFF) == 0xFF42);
  }
}

TEST_CASE("Bus applies the address mask to every byte", "[mmu][bus]") {
  Fixture f;
  CHECK(f.bus.address_mask() == 0xFFFF'FFFFu);
  f.bus.set_address_mask(0x000F'FFFF);  // 20-bit bus: wraps at 1 MiB
  f.bus.write<u8>(0x10'0010, 0x5C);
  CHECK(f.ram[0x10] == 0x5C);
  f.ram[0xFFFFF] = 0x01;
  f.ram[0] = 0x02;
  CHECK(f.bus.read<u16>(0xFFFFF) == 0x0201);
  f.bus.set_address_mask(0xFFEF'FFFFu);  // A20 off
  CHECK(f.bus.read<u8>(0x10'0010) == 0x5C);
}

TEST_CASE("Bus forwards port I/O and interrupt acknowledge", "[mmu][bus]") {
  Fixture f;
  CHECK(f.bus.in(0x3F8, Width::Byte) == 0xFF);
  CHECK(f.bus.acknowledge_interrupt() == 0xFF);  // no controller: open bus
  Pic pic;
  f.bus.set_interrupt_acknowledge(&pic);
  CHECK(f.bus.acknowledge_interrupt() == 0x08);
  CHECK(&f.bus.memory() == &f.mem);
  CHECK(&f.bus.io() == &f.io);
}
