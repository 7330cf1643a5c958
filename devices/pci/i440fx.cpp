#include "devices/pci/i440fx.hpp"

namespace gb {

namespace {
constexpr u8 kPam0 = 0x59;
constexpr PhysAddr kShadowBase = 0xC0000;
constexpr PhysAddr kBiosBase = 0xF0000;
}  // namespace

I440fx::I440fx(Bus& bus, std::span<u8> ram, std::span<u8> bios_low)
    : PciDevice(Id{0x8086, 0x1237, 0x02, 0x060000, 0x00, 0x1AF4, 0x1100, 0}), bus_(bus), ram_(ram), bios_low_(bios_low) {
  for (u8 r = kPam0; r <= kPam0 + 6; ++r) set_writable(r, r == kPam0 ? 0x30 : 0x33);
  for (u8 r = 0x60; r <= 0x67; ++r) set_writable(r, 0xFF);  // DRB0-7
  set_writable(0x50, 0xFF);  // PMCCFG
  set_writable(0x57, 0xFF);  // DRAMC
  set_writable(0x58, 0xFF);  // DRAMT
  set_writable(0x72, 0x78);  // SMRAM: D_OPEN, D_CLS, D_LCK, G_SMRAME (no SMM here)
  reset();
}

void I440fx::reset() {
  PciDevice::reset();
  for (u8 r = kPam0; r <= kPam0 + 6; ++r) cfg_[r] = 0;  // all segments to the PCI/ROM side
  cfg_[0x72] = 0x02;  // SMRAM: C_BASE_SEG = 010b (A0000h)
  apply_pam();
}

unsigned I440fx::pam_attribute(PhysAddr addr) const {
  if (addr >= kBiosBase) return (cfg_[kPam0] >> 4) & 3;
  const unsigned seg = static_cast<unsigned>((addr - kShadowBase) >> 14);  // 16 KiB segments from C0000h
  const u8 reg = cfg_[kPam0 + 1 + seg / 2];
  return (seg & 1 ? reg >> 4 : reg) & 3;
}

void I440fx::config_written(u8 offset, unsigned bytes) {
  if (offset + bytes > kPam0 && offset <= kPam0 + 6) apply_pam();
}

void I440fx::apply_pam() {
  MemoryMap& m = bus_.memory();
  for (PhysAddr a = kShadowBase; a < 0x100000; a += 0x4000) {
    const unsigned attr = pam_attribute(a);
    u8* dram = ram_.size() >= 0x100000 ? ram_.data() + a : nullptr;
    // The PCI side: the BIOS ROM in E0000h-FFFFFh; nothing (an open bus,
    // where a legacy option ROM would sit) below.
    u8* rom = nullptr;
    const PhysAddr rom_base = 0x100000 - bios_low_.size();
    if (a >= rom_base) rom = bios_low_.data() + (a - rom_base);
    m.map_split(a, 0x4000, (attr & 1) ? dram : rom, (attr & 2) ? dram : nullptr);
  }
  bus_.memory_changed();
}

}  // namespace gb
