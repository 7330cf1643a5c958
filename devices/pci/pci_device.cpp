#include "devices/pci/pci_device.hpp"

#include <fmt/format.h>

#include "mmu/endian.hpp"

namespace gb {

namespace {
constexpr u8 kCommand = 0x04, kStatus = 0x06, kBar0 = 0x10, kRom = 0x30, kIntLine = 0x3C;
u8 bar_offset(unsigned index) { return index == PciDevice::kRomBar ? kRom : static_cast<u8>(kBar0 + 4 * index); }
}  // namespace

PciDevice::PciDevice(const Id& id) : id_(id) {
  store_le<u16>(&cfg_[0x00], id.vendor);
  store_le<u16>(&cfg_[0x02], id.device);
  cfg_[0x08] = id.revision;
  cfg_[0x09] = static_cast<u8>(id.class_code);
  cfg_[0x0A] = static_cast<u8>(id.class_code >> 8);
  cfg_[0x0B] = static_cast<u8>(id.class_code >> 16);
  cfg_[0x0E] = id.header_type;
  store_le<u16>(&cfg_[0x2C], id.subsystem_vendor);
  store_le<u16>(&cfg_[0x2E], id.subsystem);
  cfg_[0x3D] = id.interrupt_pin;
  // Command: I/O, memory, bus master, parity response, SERR#, INTx disable
  // (6.2.2); the interrupt line is a scratch byte for the firmware.
  wmask_[kCommand] = 0x47;
  wmask_[kCommand + 1] = 0x05;
  wmask_[kIntLine] = 0xFF;
  // Status bit 4: no capabilities list; DEVSEL medium timing (bits 9-10 = 01).
  store_le<u16>(&cfg_[kStatus], 0x0200);
  wmask_[0x0C] = 0xFF;  // cache line size
  if (!(id.header_type & 0x7F)) wmask_[0x0D] = 0xFF;  // latency timer
}

void PciDevice::reset() {
  cfg_[kCommand] = 0;
  cfg_[kCommand + 1] = 0;
  cfg_[kIntLine] = 0;
  for (unsigned i = 0; i < bars_.size(); ++i) {
    if (!bars_[i].size) continue;
    const u8 off = bar_offset(i);
    const u32 flags = i == kRomBar ? 0 : bars_[i].kind == BarKind::Io ? 1 : bars_[i].kind == BarKind::Mem32Prefetchable ? 8 : 0;
    store_le<u32>(&cfg_[off], flags);
  }
  bars_changed();
}

void PciDevice::define_bar(unsigned index, BarKind kind, u32 size) {
  bars_[index] = {kind, size};
  const u32 flags = kind == BarKind::Io ? 1 : kind == BarKind::Mem32Prefetchable ? 8 : 0;
  store_le<u32>(&cfg_[bar_offset(index)], flags);
  set_bar_masks(index);
}

void PciDevice::define_rom(u32 size) {
  bars_[kRomBar] = {BarKind::Mem32, size};
  set_bar_masks(kRomBar);
}

void PciDevice::set_bar_masks(unsigned index) {
  // Address bits below the size are hard-wired to zero, so writing all ones
  // reads back the size (6.2.5.1); ROM bit 0 is the decode enable.
  const u32 addr_mask = ~(bars_[index].size - 1) & (bars_[index].kind == BarKind::Io ? 0xFFFF'FFFCu : 0xFFFF'FFF0u);
  const u32 mask = index == kRomBar ? (~(bars_[index].size - 1) & 0xFFFF'F800u) | 1u : addr_mask;
  store_le<u32>(&wmask_[bar_offset(index)], mask);
}

u32 PciDevice::config_read(u8 offset, unsigned bytes) const {
  u32 v = 0;
  for (unsigned i = 0; i < bytes; ++i) v |= u32{cfg_[static_cast<u8>(offset + i)]} << (8 * i);
  return v;
}

void PciDevice::config_write(u8 offset, u32 value, unsigned bytes) {
  bool decode = false;
  for (unsigned i = 0; i < bytes; ++i) {
    const u8 at = static_cast<u8>(offset + i);
    const u8 b = static_cast<u8>(value >> (8 * i));
    const u8 old = cfg_[at];
    cfg_[at] = static_cast<u8>((old & ~wmask_[at]) | (b & wmask_[at]));
    if (cfg_[at] != old && (at == kCommand || (at >= kBar0 && at < 0x28) || (at >= kRom && at < kRom + 4))) decode = true;
  }
  if (decode) bars_changed();
  config_written(offset, bytes);
}

u32 PciDevice::bar_address(unsigned index) const {
  const u32 raw = load_le<u32>(&cfg_[bar_offset(index)]);
  if (index == kRomBar) return raw & 0xFFFF'F800u;
  return bars_[index].kind == BarKind::Io ? raw & 0xFFFF'FFFCu : raw & 0xFFFF'FFF0u;
}

std::string PciDevice::describe() const {
  std::string s = fmt::format("{:04x}:{:04x} class {:06x} command {:04x}", id_.vendor, id_.device, id_.class_code,
                              load_le<u16>(&cfg_[kCommand]));
  for (unsigned i = 0; i < bars_.size(); ++i) {
    if (!bars_[i].size) continue;
    s += fmt::format(" {}={:#x}+{:#x}", i == kRomBar ? std::string("rom") : fmt::format("bar{}", i), bar_address(i), bars_[i].size);
  }
  return s;
}

}  // namespace gb
