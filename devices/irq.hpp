// Interrupt request lines between devices and the interrupt controller.
#pragma once

namespace gb {

/// The input side of an interrupt line (a PIC input pin, the CPU's INTR).
/// Devices drive it with set_level; edge-triggered inputs see the rising edge.
class IrqSink {
 public:
  virtual ~IrqSink() = default;
  virtual void set_irq(unsigned line, bool level) = 0;
};

/// One line of an IrqSink, as a device holds it.
class IrqLine {
 public:
  IrqLine() = default;
  IrqLine(IrqSink& sink, unsigned line) : sink_(&sink), line_(line) {}
  void set(bool level) {
    if (sink_) sink_->set_irq(line_, level);
  }
  void raise() { set(true); }
  void lower() { set(false); }
  void pulse() {
    set(true);
    set(false);
  }

 private:
  IrqSink* sink_ = nullptr;
  unsigned line_ = 0;
};

}  // namespace gb
