// Intel 82441FX PCI and Memory Controller (PMC), the host bridge of the
// i440FX chipset at PCI 00:00.0, as far as firmware sees it: identity, DRAM
// row boundaries, and the Programmable Attribute Map (PAM) registers that
// switch 0C0000h-0FFFFFh between the ROM/PCI side and shadow DRAM.
//
// Reference: Intel 440FX PCIset 82441FX PMC and 82442FX DBX datasheet
// (order no. 290549), 3.2.11 PAM0-PAM6 (59h-5Fh: per 16 KiB segment, RE =
// reads from DRAM, WE = writes to DRAM; PAM0 bits 5:4 cover the whole
// 0F0000h-0FFFFFh BIOS area), 3.2.12 DRB, 3.2.16 SMRAM (72h).
// The subsystem IDs are QEMU's (1AF4h:1100h): SeaBIOS's QEMU build checks
// them to recognise the machine and then reads the RAM size from CMOS.
#pragma once
#include <span>

#include "devices/pci/pci_device.hpp"
#include "mmu/bus.hpp"

namespace gb {

class I440fx final : public PciDevice {
 public:
  /// `ram` is all of guest RAM (at physical 0, at least 1 MiB); `bios_low`
  /// the ROM bytes that decode at 0E0000h-0FFFFFh when PAM sends reads to
  /// the PCI side (128 KiB, or 64 KiB at 0F0000h). The device maps
  /// 0C0000h-0FFFFFh itself and calls bus.memory_changed() on every change.
  I440fx(Bus& bus, std::span<u8> ram, std::span<u8> bios_low);

  void reset() override;
  /// PAM attribute (0-3: bit 0 RE, bit 1 WE) of the segment holding
  /// physical address `addr` (0C0000h-0FFFFFh).
  unsigned pam_attribute(PhysAddr addr) const;

 private:
  void config_written(u8 offset, unsigned bytes) override;
  void apply_pam();

  Bus& bus_;
  std::span<u8> ram_;
  std::span<u8> bios_low_;
};

}  // namespace gb
