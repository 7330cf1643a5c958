// The APIC bus of a multiprocessor PC (SDM Vol. 3A 10.6, 10.8; MP
// specification 1.4, 3.6): the messages between the processors' local
// APICs (IPIs) and from the I/O APIC to them, and the 8259's INT on every
// local APIC's LINT0.
#pragma once
#include <memory>
#include <vector>

#include "mmu/types.hpp"

#include "devices/apic/apic_bus.hpp"
#include "devices/pc/processor.hpp"

namespace gb {

using Processors = std::vector<std::unique_ptr<Processor>>;

class ApicFabric final : public ApicBus, public IpiBus {
 public:
  explicit ApicFabric(const Processors& procs) : procs_(procs) {}

  // I/O APIC messages. A processor whose APIC is globally disabled
  // (IA32_APIC_BASE.EN = 0) takes none of them.
  bool deliver_fixed(u8 vector, bool level_triggered, u8 dest, bool logical, bool lowest_priority) override;
  void deliver_nmi(u8 dest, bool logical) override;
  /// ExtINT through an I/O APIC pin reaches the BSP.
  void set_extint(bool asserted) override;

  /// An IPI from processor `from`'s ICR: fixed and lowest-priority go to the
  /// addressed APICs' IRR, NMI to their CPUs; INIT and STARTUP are posted
  /// to the processors (Processor::post) and the sender, if among the
  /// targets, ends its run after this instruction so they apply at once.
  /// INIT level de-assert changes nothing here (SDM Vol. 3A 10.6.1: it only
  /// resynchronises arbitration IDs). SMI and ExtINT IPIs are not supported
  /// (no SMM): dropped.
  void send_ipi(const Ipi& ipi, unsigned from) override;

 private:
  /// A set of processors: bit i is processor i (at most 32; -smp takes 16).
  using Targets = u32;
  /// `from` for the I/O APIC's messages: no processor.
  static constexpr unsigned kFromIoApic = 32;
  /// The enabled processors a physical or logical destination names.
  Targets addressed(u8 dest, bool logical) const;
  /// What a message of delivery mode `mode` (Ipi::Mode) does at `to`, from
  /// processor `from` (an IPI) or from the I/O APIC (kFromIoApic). Lowest
  /// priority picks one: the lowest TPR class, ties to the lowest index
  /// (SDM Vol. 3A 10.6.2.4 leaves the tie-break to the hardware; this one
  /// is deterministic).
  void deliver(Targets to, u8 mode, u8 vector, bool level_triggered, unsigned from);

  const Processors& procs_;
};

/// The master 8259's INT: to LINT0 of every local APIC that is enabled
/// (the MP specification's virtual wire; APs keep LINT0 masked), and to the
/// BSP's INTR while its APIC is disabled or absent.
struct PicOutput final : IrqSink {
  const Processors* procs = nullptr;
  void set_irq(unsigned, bool level) override {
    if (!procs) return;
    for (const auto& p : *procs) {
      if (p->lapic_mapped) p->lapic.set_irq(LocalApic::kLint0, level);
      else if (p->cpu.bsp()) p->intr.set_irq(0, level);
    }
  }
};

}  // namespace gb
