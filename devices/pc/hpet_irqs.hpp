// The HPET's interrupt outputs, and the 8254's IRQ0 and the RTC's IRQ8
// that legacy replacement cuts off (IA-PC HPET 1.0a, 2.4 and table 2):
// the PIT and the RTC drive lines 0 and 8 of this sink instead of the ISA
// lines, and it passes them on while legacy replacement is off. While it
// is on, HPET timer 0 drives ISA IRQ0 in the 8254's place and timer 1
// ISA IRQ8 in the RTC's. Routed timers drive I/O APIC inputs.
//
// Table 2 puts timer 0 on input 2 of the I/O APIC: that is where chipsets
// wire the 8254 too, announcing ISA IRQ0 on INTIN2 (an interrupt source
// override). This board wires ISA IRQ0 to input 0 and SeaBIOS's MP table
// and MADT say so (no etc/irq0-override; see IsaIrqs), so timer 0 takes
// the 8254's path, input 0, where the OS looks for its timer; were IRQ0
// moved to input 2, timer 0 would follow through IsaIrqs.
#pragma once
#include "devices/hpet.hpp"
#include "devices/pc/interrupt_routing.hpp"

namespace gb {

struct HpetIrqs final : IrqSink, Hpet::Wiring {
  IsaIrqs& isa;
  IoApic* ioapic = nullptr;  ///< nullptr: no HPET (a model without APICs)
  explicit HpetIrqs(IsaIrqs& i) : isa(i) {}

  /// Line 0: the 8254's OUT0; line 8: the RTC's IRQ.
  void set_irq(unsigned line, bool level) override {
    (line == 0 ? pit_ : rtc_) = level;
    if (!hpet_.legacy_replacement) isa.set_irq(line, level);
  }

  void hpet_lines(const Hpet::Lines& l) override {
    const Hpet::Lines was = hpet_;
    hpet_ = l;
    // ISA IRQ0 and IRQ8: the PIT's and the RTC's, or timers 0 and 1.
    const bool irq0 = l.legacy_replacement ? l.timer0_legacy : pit_;
    const bool irq8 = l.legacy_replacement ? l.timer1_legacy : rtc_;
    if (irq0 != (was.legacy_replacement ? was.timer0_legacy : pit_)) isa.set_irq(0, irq0);
    if (irq8 != (was.legacy_replacement ? was.timer1_legacy : rtc_)) isa.set_irq(8, irq8);
    if (!ioapic) return;
    // The routed timers' I/O APIC inputs (Tn_INT_ROUTE_CNF).
    for (unsigned pin = 0; pin < IoApic::kPins; ++pin) {
      if ((l.ioapic ^ was.ioapic) >> pin & 1) ioapic->set_irq(pin, (l.ioapic >> pin) & 1);
    }
  }

 private:
  bool pit_ = false, rtc_ = false;
  Hpet::Lines hpet_;
};

}  // namespace gb
