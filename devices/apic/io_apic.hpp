// The I/O APIC (Intel 82093AA I/O Advanced Programmable Interrupt
// Controller datasheet, order 290566-001): 24 interrupt input pins, each
// with a 64-bit redirection table entry, reached through the indirect
// register window at FEC00000h (IOREGSEL at +00h, IOWIN at +10h).
// Messages go to the one local APIC: fixed and lowest-priority as fixed
// interrupts, NMI to its NMI input, ExtINT as the 8259's interrupt.
//
// Pins carry the asserted state of their line (the polarity bit is kept
// and read back but not applied: devices here drive lines as asserted or
// not). Edge-triggered pins send on the asserting edge; level-triggered
// ones send while asserted with Remote IRR clear, set it, and send again
// after the local APIC's EOI for the vector if still asserted.
#pragma once
#include <array>
#include <string>

#include "devices/apic/apic_bus.hpp"
#include "devices/irq.hpp"
#include "mmu/mmio.hpp"

namespace gb {

class IoApic final : public MmioHandler, public IrqSink, public EoiListener {
 public:
  static constexpr PhysAddr kDefaultBase = 0xFEC0'0000;
  static constexpr unsigned kPins = 24;
  /// Version register: version 11h, maximum redirection entry 17h (82093AA).
  static constexpr u32 kVersionValue = 0x0017'0011;

  explicit IoApic(ApicBus& bus) : bus_(bus) { reset(); }
  void reset();

  u32 mmio_read(u64 offset, Width w) override;
  void mmio_write(u64 offset, u32 value, Width w) override;
  std::optional<u32> mmio_peek(u64 offset, Width w) const override;
  /// Pin `line` (0-23) asserted or not.
  void set_irq(unsigned line, bool level) override;
  /// The local APIC's EOI for `vector` (level-triggered interrupts): clears
  /// Remote IRR of the entries with that vector.
  void eoi(u8 vector) override;

  u64 entry(unsigned pin) const { return redir_[pin]; }
  std::string dump() const;

 private:
  u32 read_reg(u8 index) const;
  void write_reg(u8 index, u32 value);
  /// Sends pin `pin`'s message if its state calls for one.
  void service(unsigned pin);

  ApicBus& bus_;
  u8 select_ = 0;
  u32 id_ = 0;
  std::array<u64, kPins> redir_{};
  std::array<bool, kPins> level_{};
};

}  // namespace gb
