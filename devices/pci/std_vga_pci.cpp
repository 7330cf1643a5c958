#include "devices/pci/std_vga_pci.hpp"

#include <bit>

namespace gb {

namespace {
std::vector<u8> padded(std::vector<u8> rom) {
  size_t size = 2048;
  while (size < rom.size()) size <<= 1;
  rom.resize(size, 0xFF);
  return rom;
}
}  // namespace

StdVgaPci::StdVgaPci(Bus& bus, std::span<u8> vram, std::vector<u8> rom, PhysAddr limit)
    : PciDevice(Id{0x1234, 0x1111, 0x02, 0x030000, 0x00, 0x1AF4, 0x1100, 0}),
      bus_(bus),
      vram_(vram),
      rom_(rom.empty() ? std::vector<u8>{} : padded(std::move(rom))),
      limit_(limit) {
  define_bar(0, BarKind::Mem32Prefetchable, static_cast<u32>(std::bit_ceil(vram.size())));
  if (!rom_.empty()) define_rom(static_cast<u32>(rom_.size()));
  reset();
}

void StdVgaPci::unmap(Window& w) {
  if (w.size) bus_.memory().unmap(w.base, w.size);
  w = {};
}

void StdVgaPci::bars_changed() {
  unmap(lfb_);
  unmap(rom_window_);
  // A BAR at 0 or one reaching the system BIOS is not decoded (firmware has
  // not assigned it yet, or is sizing it with all ones).
  auto placeable = [this](u32 base, u64 size) { return base != 0 && u64{base} + size <= limit_; };
  if (memory_enabled() && placeable(bar_address(0), vram_.size())) {
    lfb_ = {bar_address(0), vram_.size()};
    bus_.memory().map_ram(lfb_.base, vram_);
  }
  if (rom_enabled() && placeable(bar_address(kRomBar), rom_.size())) {
    rom_window_ = {bar_address(kRomBar), rom_.size()};
    bus_.memory().map_rom(rom_window_.base, rom_);
  }
  bus_.memory_changed();
}

}  // namespace gb
