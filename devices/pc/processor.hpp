// One processor of the PC: the CPU core, its INTR and NMI pins, and its
// local APIC, with what the machine keeps per processor (where the APIC is
// mapped, the INIT and STARTUP IPIs waiting for the processor's turn).
#pragma once
#include <vector>

#include "cpu/cpu.hpp"
#include "devices/apic/local_apic.hpp"
#include "devices/pc/interrupt_routing.hpp"

namespace gb {

class Processor;

/// Hears a processor's WRMSR to IA32_APIC_BASE (the machine, which maps the
/// APIC's registers).
class ApicBaseOwner {
 public:
  virtual ~ApicBaseOwner() = default;
  virtual void apic_base_written(Processor& p, u64 value) = 0;
};

class Processor final : ApicBaseListener {
 public:
  /// Processor `index` (its initial APIC ID; 0 is the BSP) on `bus`.
  /// `extint` answers INTA for ExtINT (the 8259 pair), `apic_bus_period`
  /// is the APIC timer's input clock period in ps.
  Processor(Bus& bus, const CpuModel& model, Scheduler& sched, InterruptAcknowledge& extint, unsigned index,
            Picos apic_bus_period)
      : cpu(bus, model),
        lapic(sched, extint, LocalApic::CpuPins{IrqLine(intr, 0), IrqLine(nmi, 0)}, apic_bus_period,
              static_cast<u8>(index), index == 0),
        index(index) {
    cpu.set_bsp(index == 0);
    cpu.set_apic_id(static_cast<u8>(index));
    cpu.reset();
  }
  Processor(const Processor&) = delete;
  Processor& operator=(const Processor&) = delete;

  /// Routes IA32_APIC_BASE writes and CR8 (the TPR) through this processor.
  void attach_apic(ApicBaseOwner& owner) {
    owner_ = &owner;
    cpu.set_apic_base_listener(this);
  }

  /// An INIT or STARTUP IPI arrives: it takes effect before the processor's
  /// next instruction (Machine::apply_pending), never in the middle of the
  /// instruction that sent it.
  void post(Ipi::Mode mode, u8 vector) { pending.push_back({mode, vector}); }
  bool has_pending() const { return !pending.empty(); }
  /// Forgets the IPIs not yet applied (a RESET overrides them).
  void clear_pending() { pending.clear(); }
  /// Applies the INIT and STARTUP IPIs that arrived, in order.
  void apply_pending() {
    for (const Pending& e : pending) {
      if (e.mode == Ipi::kInit) {
        cpu.init();
        lapic.init();
      } else {
        cpu.startup(e.vector);
      }
    }
    pending.clear();
  }

  /// Whether the processor has anything to execute now: not waiting for
  /// SIPI, and not halted with nothing to wake it.
  bool runnable() const {
    const CpuState& s = cpu.state();
    return !s.wait_sipi && (!s.halted || cpu.event_pending());
  }

  Cpu cpu;
  CpuIntr intr{cpu};
  CpuNmi nmi{cpu};
  LocalApic lapic;
  const unsigned index;
  PhysAddr lapic_base = LocalApic::kDefaultBase;
  bool lapic_mapped = false;  ///< IA32_APIC_BASE.EN: the APIC's registers answer at lapic_base

 private:
  void apic_base_written(u64 value) override { owner_->apic_base_written(*this, value); }
  u8 tpr() override { return lapic.task_priority(); }
  void set_tpr(u8 value) override { lapic.mmio_write(LocalApic::kTpr, value, Width::Dword); }

  struct Pending {
    Ipi::Mode mode;
    u8 vector;
  };
  std::vector<Pending> pending;
  ApicBaseOwner* owner_ = nullptr;
};

}  // namespace gb
