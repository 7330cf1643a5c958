// The PC/AT's coprocessor-error path: the x87's FERR# output, latched by the
// chipset onto IRQ 13, and port F0h, whose write clears the latch (the
// "clear math coprocessor busy" port of the IBM PC/AT Technical Reference,
// "Math Coprocessor" and I/O address map; Intel SDM Vol. 1 8.7, "Handling
// x87 FPU Exceptions in Software", MS-DOS compatibility mode with CR0.NE = 0).
// In the machine layer because it joins the CPU (FerrListener) to a device
// interrupt line.
#pragma once
#include "cpu/cpu.hpp"
#include "devices/irq.hpp"
#include "mmu/io_map.hpp"

namespace gb {

class FerrIrq13 final : public FerrListener, public IoHandler {
 public:
  FerrIrq13(Cpu& cpu, IrqLine irq13) : cpu_(cpu), irq_(irq13) {}

  /// FERR# asserted: IRQ 13 rises and stays up until port F0h is written
  /// (or FERR# deasserts, when the handler clears the x87 exception flags,
  /// which also releases IGNNE#).
  void ferr_changed(bool asserted) override {
    irq_.set(asserted);
    if (!asserted) cpu_.set_ignne(false);
  }

  /// Port F0h: reads float; a write drops IRQ 13 and, while FERR# is
  /// asserted, asserts IGNNE# so the handler's next x87 instruction runs
  /// (the 486-and-later chipset logic of SDM Vol. 1 8.7, Figure 8-10).
  u32 io_read(u16, Width w) override { return width_mask(w); }
  void io_write(u16, u32, Width) override {
    irq_.lower();
    if (cpu_.ferr()) cpu_.set_ignne(true);
  }

 private:
  Cpu& cpu_;
  IrqLine irq_;
};

}  // namespace gb
