// PCI configuration mechanism #1 (ports CF8h/CFCh) for bus 0, and the
// i440FX/PIIX3 Reset Control register at CF9h that shares the port range.
//
// References: PCI Local Bus Specification 2.1, 3.7.4.1 "Configuration
// Mechanism #1" (CONFIG_ADDRESS: enable bit 31, bus 23-16, device 15-11,
// function 10-8, register 7-2; only a dword access to CF8h is a
// CONFIG_ADDRESS access); Intel 82371SB PIIX3 datasheet, RC register (CF9h:
// bit 2 reset CPU, bit 1 system/hard reset).
#pragma once
#include <array>

#include "devices/pci/pci_device.hpp"
#include "mmu/bus.hpp"
#include "mmu/io_map.hpp"

namespace gb {

class PciHost final : public IoHandler {
 public:
  /// `bus` is told to stop the CPU when the guest requests a reset.
  explicit PciHost(Bus& bus) : bus_(bus) {}

  /// Places `dev` at device number `slot` (0-31), function `fn` (0-7).
  /// Throws std::invalid_argument if the slot/function is taken.
  void attach(unsigned slot, unsigned fn, PciDevice& dev);
  /// The function at bus 0 slot/fn, or nullptr.
  PciDevice* device(unsigned slot, unsigned fn) const { return devs_[slot & 31][fn & 7]; }

  u32 io_read(u16 port, Width w) override;
  void io_write(u16 port, u32 value, Width w) override;
  Width io_max_width() const override { return Width::Dword; }

  /// A reset requested through CF9h since the last call.
  bool take_reset() {
    const bool r = reset_;
    reset_ = false;
    return r;
  }
  u32 config_address() const { return address_; }

 private:
  /// The function CONFIG_ADDRESS selects, or nullptr (bus != 0, disabled,
  /// or no such device: reads return all ones, as a master abort does).
  PciDevice* selected() const;

  Bus& bus_;
  std::array<std::array<PciDevice*, 8>, 32> devs_{};
  u32 address_ = 0;
  u8 reset_control_ = 0;
  bool reset_ = false;
};

}  // namespace gb
