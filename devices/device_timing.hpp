// How closely the PC's devices follow their datasheets where guests written
// against emulators rely on something gentler (the xv6 teaching kernel, for
// one, runs on QEMU and Bochs and hangs on a strict drive and UART).
#pragma once
#include <optional>
#include <string_view>

#include "mmu/types.hpp"

namespace gb {

enum class DeviceTiming : u8 {
  /// As QEMU (and Bochs) behave: an ATA/ATAPI drive asks for the data of a
  /// PIO data-out command at once (no BSY window in which the words a host
  /// writes are lost) and answers IDENTIFY at once; a 16550 transmits a
  /// byte the moment THR is written (none is lost, LSR.THRE is set again at
  /// once); a UART's interrupt reaches the PIC whatever MCR.OUT2 says.
  Qemu,
  /// As the datasheets and the PC board: BSY for the device's command delay
  /// before every DRQ block; transmission at the programmed baud rate, with
  /// THR writes to a full transmitter lost; the UART's INTR gated by OUT2.
  Datasheet,
};

/// Parses "qemu" or "datasheet"; nullopt otherwise.
inline std::optional<DeviceTiming> parse_device_timing(std::string_view s) {
  if (s == "qemu") return DeviceTiming::Qemu;
  if (s == "datasheet") return DeviceTiming::Datasheet;
  return std::nullopt;
}

}  // namespace gb
