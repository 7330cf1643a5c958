// PCI configuration mechanism #1, BAR sizing, the i440FX PAM shadow-RAM
// map and the PIIX3 functions, through ports CF8h/CFCh as firmware sees them.
#include <catch2/catch.hpp>

#include <vector>

#include "devices/pci/i440fx.hpp"
#include "devices/pci/pci_host.hpp"
#include "devices/pci/piix3.hpp"
#include "devices/pci/std_vga_pci.hpp"

using namespace gb;

namespace {
struct Rig {
  MemoryMap mem;
  IoMap io;
  Bus bus{mem, io};
  std::vector<u8> ram = std::vector<u8>(2 << 20, 0);
  std::vector<u8> bios = std::vector<u8>(128 << 10, 0xB1);
  PciHost host{bus};
  I440fx nb{bus, ram, bios};
  Piix3Isa isa;
  Piix3Ide ide;
  Rig() {
    mem.map_ram(0, ram);
    nb.reset();
    io.map(0xCF8, 0xCFF, host);
    host.attach(0, 0, nb);
    host.attach(1, 0, isa);
    host.attach(1, 1, ide);
  }
  static u32 addr(unsigned dev, unsigned fn, unsigned reg) { return 0x8000'0000u | dev << 11 | fn << 8 | reg; }
  u32 read(unsigned dev, unsigned fn, unsigned reg, Width w = Width::Dword) {
    io.write(0xCF8, addr(dev, fn, reg & 0xFC), Width::Dword);
    return io.read(static_cast<u16>(0xCFC + (reg & 3)), w);
  }
  void write(unsigned dev, unsigned fn, unsigned reg, u32 v, Width w = Width::Dword) {
    io.write(0xCF8, addr(dev, fn, reg & 0xFC), Width::Dword);
    io.write(static_cast<u16>(0xCFC + (reg & 3)), v, w);
  }
};
}  // namespace

TEST_CASE("pci: configuration mechanism #1 finds the i440FX and PIIX3", "[pci]") {
  Rig r;
  CHECK(r.read(0, 0, 0) == 0x1237'8086u);
  CHECK(r.read(0, 0, 0x2C) == 0x1100'1AF4u);  // QEMU's subsystem IDs
  CHECK(r.read(1, 0, 0) == 0x7000'8086u);
  CHECK(r.read(1, 1, 0) == 0x7010'8086u);
  CHECK(r.read(1, 1, 0x08) >> 8 == 0x010180u);  // IDE, compatibility mode, bus-master capable
  CHECK(r.read(1, 0, 0x0E, Width::Byte) == 0x80);  // multi-function
  CHECK(r.read(2, 0, 0) == 0xFFFF'FFFFu);  // empty slot: master abort
  CHECK(r.read(0, 1, 0) == 0xFFFF'FFFFu);  // function 1 of a single-function device
  // CONFIG_ADDRESS reads back; the enable bit gates data accesses.
  r.io.write(0xCF8, 0x8000'0804u, Width::Dword);
  CHECK(r.io.read(0xCF8, Width::Dword) == 0x8000'0804u);
  r.io.write(0xCF8, 0x0000'0000u, Width::Dword);
  CHECK(r.io.read(0xCFC, Width::Dword) == 0xFFFF'FFFFu);
  // Byte accesses at CFCh+n select byte n of the dword.
  CHECK(r.read(0, 0, 0x02, Width::Word) == 0x1237);
  CHECK(r.read(0, 0, 0x01, Width::Byte) == 0x80);
}

TEST_CASE("pci: CF9h reset control requests a reset on bit 2", "[pci]") {
  Rig r;
  r.io.write(0xCF9, 0x02, Width::Byte);
  CHECK_FALSE(r.host.take_reset());
  r.io.write(0xCF9, 0x06, Width::Byte);
  CHECK(r.host.take_reset());
  CHECK(r.bus.take_stop());
}

TEST_CASE("pci: PAM sends C0000h-FFFFFh reads and writes to ROM or shadow RAM", "[pci]") {
  Rig r;
  // Power-on: reads of F0000h come from the BIOS ROM, writes are dropped.
  CHECK(r.bus.read<u8>(0xF0000) == 0xB1);
  r.bus.write<u8>(0xF0000, 0x42);
  CHECK(r.ram[0xF0000] == 0);
  CHECK(r.bus.read<u8>(0xC0000) == 0xFF);  // nothing on the PCI side
  // PAM0 = 20h (WE only): reads still from ROM, writes fill the shadow RAM.
  r.write(0, 0, 0x59, 0x20, Width::Byte);
  r.bus.write<u8>(0xF0010, 0x42);
  CHECK(r.ram[0xF0010] == 0x42);
  CHECK(r.bus.read<u8>(0xF0010) == 0xB1);
  // PAM0 = 10h (RE only): reads from RAM, writes dropped (shadow write-protect).
  r.write(0, 0, 0x59, 0x10, Width::Byte);
  CHECK(r.bus.read<u8>(0xF0010) == 0x42);
  r.bus.write<u8>(0xF0010, 0x99);
  CHECK(r.ram[0xF0010] == 0x42);
  // PAM1 high nibble = 3: C4000h-C7FFFh is RAM both ways, C0000h untouched.
  r.write(0, 0, 0x5A, 0x30, Width::Byte);
  CHECK(r.nb.pam_attribute(0xC4000) == 3);
  CHECK(r.nb.pam_attribute(0xC0000) == 0);
  r.bus.write<u8>(0xC4000, 0x5A);
  CHECK(r.bus.read<u8>(0xC4000) == 0x5A);
  r.bus.write<u8>(0xC0000, 0x5A);
  CHECK(r.bus.read<u8>(0xC0000) == 0xFF);
  // Reserved PAM bits do not stick; reset restores the ROM.
  r.write(0, 0, 0x59, 0xFF, Width::Byte);
  CHECK(r.read(0, 0, 0x59, Width::Byte) == 0x30);
  r.nb.reset();
  CHECK(r.bus.read<u8>(0xF0010) == 0xB1);
}

TEST_CASE("pci: BAR sizing and the stdvga's framebuffer and ROM windows", "[pci]") {
  Rig r;
  std::vector<u8> vram(16 << 20, 0);
  std::vector<u8> rom(39936, 0x55);
  StdVgaPci vga(r.bus, vram, rom, 0xFFFC'0000u);
  r.host.attach(2, 0, vga);
  CHECK(r.read(2, 0, 0) == 0x1111'1234u);
  // Writing all ones reads back the size mask (PCI 2.1 6.2.5.1).
  r.write(2, 0, 0x10, 0xFFFF'FFFFu);
  CHECK(r.read(2, 0, 0x10) == 0xFF00'0008u);  // 16 MiB, prefetchable memory
  r.write(2, 0, 0x30, 0xFFFF'FFFFu);
  CHECK(r.read(2, 0, 0x30) == 0xFFFF'0001u);  // 64 KiB ROM (39936 bytes padded)
  // Sizing left the BARs at the top of 4 GiB: nothing is decoded over the BIOS.
  r.write(2, 0, 0x04, 0x0002, Width::Word);
  CHECK(r.bus.memory().page(0xFFFF'0000u).host_read == nullptr);
  r.write(2, 0, 0x10, 0xE000'0000u);
  r.write(2, 0, 0x30, 0xE100'0001u);
  r.bus.write<u32>(0xE000'1000u, 0x1234'5678u);
  CHECK(vram[0x1000] == 0x78);
  CHECK(r.bus.read<u8>(0xE100'0000u) == 0x55);
  CHECK(r.bus.read<u8>(0xE100'9C00u) == 0xFF);  // padding past the image
  // Memory decode off: the windows disappear.
  r.write(2, 0, 0x04, 0x0000, Width::Word);
  CHECK(r.bus.read<u8>(0xE000'1000u) == 0xFF);
  CHECK(r.bus.read<u8>(0xE100'0000u) == 0xFF);
}

TEST_CASE("pci: PIIX3 PIRQ routing registers", "[pci]") {
  Rig r;
  CHECK(r.isa.pirq_route(0) == -1);  // 80h at reset: disabled
  r.write(1, 0, 0x60, 0x0B0A0905u);
  CHECK(r.isa.pirq_route(0) == 5);
  CHECK(r.isa.pirq_route(1) == 9);
  CHECK(r.isa.pirq_route(2) == 10);
  CHECK(r.isa.pirq_route(3) == 11);
  r.write(1, 0, 0x61, 0x08, Width::Byte);  // IRQ 8 is reserved
  CHECK(r.isa.pirq_route(1) == -1);
  // IDE decode enable bits (IDETIM bit 15).
  CHECK_FALSE(r.ide.decode_enabled(0));
  r.write(1, 1, 0x40, 0x8000'8000u);
  CHECK(r.ide.decode_enabled(0));
  CHECK(r.ide.decode_enabled(1));
}
