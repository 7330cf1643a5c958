// A function on PCI bus 0: its 256-byte configuration space, with the
// standard type-0 header, base address registers and expansion ROM BAR.
//
// Reference: PCI Local Bus Specification, Revision 2.1, chapter 6
// "Configuration Space" (6.1 header layout, 6.2.2 Command, 6.2.3 Status,
// 6.2.5.1 Base Address Registers and how software sizes them by writing all
// ones, 6.2.5.2 Expansion ROM Base Address).
#pragma once
#include <array>
#include <string>

#include "mmu/types.hpp"

namespace gb {

class PciDevice {
 public:
  /// Identity of the function (header bytes 00h-0Fh and 2Ch-2Fh).
  struct Id {
    u16 vendor = 0, device = 0;
    u8 revision = 0;
    u32 class_code = 0;  ///< base class << 16 | subclass << 8 | programming interface
    u8 header_type = 0;  ///< bit 7: multi-function device
    u16 subsystem_vendor = 0, subsystem = 0;
    u8 interrupt_pin = 0;  ///< 0 none, 1-4 INTA#-INTD#
  };
  enum class BarKind { Io, Mem32, Mem32Prefetchable };
  static constexpr unsigned kRomBar = 6;  ///< index of the expansion ROM BAR

  explicit PciDevice(const Id& id);
  virtual ~PciDevice() = default;
  PciDevice(const PciDevice&) = delete;
  PciDevice& operator=(const PciDevice&) = delete;

  /// Reads `bytes` (1, 2 or 4) bytes of configuration space at `offset`;
  /// accesses are within one dword (the host bridge guarantees it).
  u32 config_read(u8 offset, unsigned bytes) const;
  /// Writes through the writable-bit mask, then tells the device what
  /// changed (BAR moves, decode enables, its own registers).
  void config_write(u8 offset, u32 value, unsigned bytes);

  /// Power-on values of the writable registers (BARs 0, command 0).
  virtual void reset();

  /// The address a BAR decodes (0-5, or kRomBar), with its low flag bits
  /// cleared; valid whether or not decoding is enabled.
  u32 bar_address(unsigned index) const;
  u32 bar_size(unsigned index) const { return bars_[index].size; }
  bool io_enabled() const { return cfg_[0x04] & 0x01; }
  bool memory_enabled() const { return cfg_[0x04] & 0x02; }
  bool bus_master_enabled() const { return cfg_[0x04] & 0x04; }
  /// The expansion ROM decodes: its enable bit and memory space are on.
  bool rom_enabled() const { return memory_enabled() && (cfg_[0x30] & 1); }
  u8 interrupt_line() const { return cfg_[0x3C]; }
  const Id& id() const { return id_; }

  /// "vvvv:dddd class cccccc" and the BARs, for a debugger.
  std::string describe() const;

 protected:
  /// Declares BAR `index` (0-5) of `size` bytes (a power of two; I/O at least
  /// 4, memory at least 16).
  void define_bar(unsigned index, BarKind kind, u32 size);
  /// Declares an expansion ROM of `size` bytes (a power of two, >= 2 KiB).
  void define_rom(u32 size);
  /// Makes the bits of `mask` writable in the byte at `offset` (device
  /// registers beyond the header).
  void set_writable(u8 offset, u8 mask) { wmask_[offset] = mask; }

  /// A BAR's address or the decode enables changed: remap what it decodes.
  virtual void bars_changed() {}
  /// The guest wrote `bytes` bytes at `offset` (after the mask applied).
  virtual void config_written(u8 /*offset*/, unsigned /*bytes*/) {}

  std::array<u8, 256> cfg_{};

 private:
  struct Bar {
    BarKind kind = BarKind::Mem32;
    u32 size = 0;  ///< 0: the device has no such BAR (reads as zero)
  };
  void set_bar_masks(unsigned index);
  Id id_;
  std::array<u8, 256> wmask_{};
  std::array<Bar, 7> bars_{};
};

}  // namespace gb
