// How interrupts travel in the PC: ISA IRQ lines to the 8259 pair and the
// I/O APIC, and each CPU's INTR and NMI inputs. The 8259's INT to the local
// APICs and the APIC messages are devices/pc/apic_fabric.hpp's.
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
