// How interrupts travel in the PC: ISA IRQ lines to the 8259 pair and the
// I/O APIC, the 8259's INT to the local APIC's LINT0 (or straight to INTR),
// the I/O APIC's messages to the local APIC, and the CPU's INTR and NMI
// inputs. Machine owns one of each and connects them.
#pragma once
#include "cpu/cpu.hpp"
#include "devices/apic/io_apic.hpp"
#include "devices/apic/local_apic.hpp"
#include "devices/irq.hpp"
#include "devices/pic8259.hpp"

namespace gb {

/// The CPU's INTR pin: driven by the local APIC, or by the PIC's INT
/// output on a model without one.
struct CpuIntr final : IrqSink {
  Cpu& cpu;
  explicit CpuIntr(Cpu& c) : cpu(c) {}
  void set_irq(unsigned, bool level) override { cpu.set_intr(level); }
};
/// The CPU's NMI input (edge: the rising level latches one NMI).
struct CpuNmi final : IrqSink {
  Cpu& cpu;
  explicit CpuNmi(Cpu& c) : cpu(c) {}
  void set_irq(unsigned, bool level) override {
    if (level) cpu.raise_nmi();
  }
};
/// The master 8259's INT: to LINT0 of the local APIC where there is one
/// (the MP specification's virtual-wire mode), else to INTR.
struct PicOutput final : IrqSink {
  CpuIntr& intr;
  LocalApic* lapic = nullptr;
  explicit PicOutput(CpuIntr& i) : intr(i) {}
  void set_irq(unsigned, bool level) override {
    if (lapic) lapic->set_irq(LocalApic::kLint0, level);
    else intr.set_irq(0, level);
  }
};
/// The I/O APIC's messages reach the one local APIC while it is enabled
/// in IA32_APIC_BASE.
struct ApicMessages final : ApicBus {
  LocalApic& lapic;
  CpuNmi& nmi;
  bool enabled = true;
  ApicMessages(LocalApic& l, CpuNmi& n) : lapic(l), nmi(n) {}
  bool deliver_fixed(u8 vector, bool level_triggered, u8 dest, bool logical) override {
    if (!enabled || !lapic.addressed(dest, logical)) return false;
    lapic.accept(vector, level_triggered);
    return true;
  }
  void deliver_nmi() override { nmi.set_irq(0, true); }
  void set_extint(bool asserted) override { lapic.set_ioapic_extint(enabled && asserted); }
};
/// ISA IRQ n goes to 8259 input n and, with the APICs, to I/O APIC pin n:
/// SeaBIOS's MP table maps ISA IRQs 0-15 to pins 0-15 (no IRQ 0 override
/// without fw_cfg's etc/irq0-override).
struct IsaIrqs final : IrqSink {
  DualPic& pic;
  IoApic* ioapic = nullptr;
  explicit IsaIrqs(DualPic& p) : pic(p) {}
  void set_irq(unsigned line, bool level) override {
    pic.set_irq(line, level);
    if (ioapic) ioapic->set_irq(line, level);
  }
};

}  // namespace gb
