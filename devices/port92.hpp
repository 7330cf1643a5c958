// System control port A (port 0x92, "fast A20 and reset"), as on PS/2 and
// PIIX-class chipsets: bit 1 gates address line 20, writing 1 to bit 0
// pulses the CPU's reset line (Intel 82371 PIIX3 datasheet, port 92h).
#pragma once
#include "mmu/bus.hpp"

namespace gb {

class Port92 final : public IoHandler {
 public:
  explicit Port92(Bus& bus) : bus_(bus) {}

  /// Bit 1: A20 enabled; bit 0 reads back 0 (the reset pulse is over).
  u32 io_read(u16, Width) override { return bus_.a20() ? 0x02 : 0x00; }
  void io_write(u16, u32 value, Width) override {
    bus_.set_a20((value & 2) != 0);
    if (value & 1) {
      reset_ = true;
      bus_.request_stop();
    }
  }

  /// Whether the guest asked for a reset since the last call.
  bool take_reset() {
    const bool r = reset_;
    reset_ = false;
    return r;
  }

 private:
  Bus& bus_;
  bool reset_ = false;
};

}  // namespace gb
