// The HPET's interrupt outputs, and the 8254's IRQ0 and the RTC's IRQ8
// that legacy replacement cuts off (IA-PC HPET 1.0a, 2.4 and table 2):
// the PIT and the RTC drive lines 0 and 8 of this sink instead of the ISA
// lines, and it passes them on while legacy replacement is off. While it
// is on, HPET timer 0 drives IRQ0 of the 8259 and input 2 of the I/O APIC,
// timer 1 IRQ8 and input 8. Routed timers drive I/O APIC inputs.
#pragma once
#include "devices/hpet.hpp"
#include "devices/pc/interrupt_routing.hpp"

namespace gb {

struct HpetIrqs final : IrqSink, Hpet::Wiring {
  IsaIrqs& isa;
  DualPic& pic;
  IoApic* ioapic = nullptr;  ///< nullptr: no HPET (a model without APICs)
  explicit HpetIrqs(IsaIrqs& i, DualPic& p) : isa(i), pic(p) {}

  /// Line 0: the 8254's OUT0; line 8: the RTC's IRQ.
  void set_irq(unsigned line, bool level) override {
    (line == 0 ? pit_ : rtc_) = level;
    if (!hpet_.legacy_replacement) isa.set_irq(line, level);
  }

  void hpet_lines(const Hpet::Lines& l) override {
    const Hpet::Lines was = hpet_;
    hpet_ = l;
    // IRQ0: the PIT's (through the ISA lines, so 8259 IRQ0 and I/O APIC
    // input 0 as IsaIrqs routes it), or timer 0's (8259 IRQ0 and input 2).
    const bool t0 = l.legacy_replacement && l.timer0_legacy;
    const bool t0_was = was.legacy_replacement && was.timer0_legacy;
    if (l.legacy_replacement && !was.legacy_replacement) isa.set_irq(0, false);
    if (t0 != t0_was) pic.set_irq(0, t0);
    if (!l.legacy_replacement && was.legacy_replacement) isa.set_irq(0, pit_);
    // IRQ8: the RTC's or timer 1's, to the same places.
    const bool irq8 = l.legacy_replacement ? l.timer1_legacy : rtc_;
    const bool irq8_was = was.legacy_replacement ? was.timer1_legacy : rtc_;
    if (irq8 != irq8_was) isa.set_irq(8, irq8);
    if (!ioapic) return;
    // The routed timers' I/O APIC inputs, and timer 0's legacy input 2.
    const u32 pins = l.ioapic | (t0 ? 1u << 2 : 0);
    const u32 pins_was = was.ioapic | (t0_was ? 1u << 2 : 0);
    for (unsigned pin = 0; pin < IoApic::kPins; ++pin) {
      if ((pins ^ pins_was) >> pin & 1) ioapic->set_irq(pin, (pins >> pin) & 1);
    }
  }

 private:
  bool pit_ = false, rtc_ = false;
  Hpet::Lines hpet_;
};

}  // namespace gb
