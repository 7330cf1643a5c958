// The PCI face of the Bochs/QEMU "stdvga" adapter (1234h:1111h) at 00:02.0:
// BAR 0 is the linear framebuffer (prefetchable memory) and the expansion
// ROM BAR holds the VGA BIOS, which firmware copies to C0000h and runs.
// The legacy VGA ports and the A0000h window are decoded regardless of the
// command register (PCI 2.1, 6.2.2, VGA compatibility: a VGA device at boot
// responds before it is configured).
#pragma once
#include <span>
#include <vector>

#include "devices/pci/pci_device.hpp"
#include "mmu/bus.hpp"

namespace gb {

class StdVgaPci final : public PciDevice {
 public:
  /// `vram` is mapped as RAM at BAR 0 (its size, a power of two); `rom` is
  /// the VGA BIOS image, padded to a power of two for the ROM BAR. BARs are
  /// decoded only below `limit` (where the system BIOS begins), so a BAR
  /// left at all ones by a sizing probe never hides the reset vector.
  StdVgaPci(Bus& bus, std::span<u8> vram, std::vector<u8> rom, PhysAddr limit);

 private:
  void bars_changed() override;
  /// Moves a mapping: unmaps the old range, maps the new one.
  struct Window {
    PhysAddr base = 0;
    u64 size = 0;
  };
  void unmap(Window& w);

  Bus& bus_;
  std::span<u8> vram_;
  std::vector<u8> rom_;
  PhysAddr limit_;
  Window lfb_, rom_window_;
};

}  // namespace gb
