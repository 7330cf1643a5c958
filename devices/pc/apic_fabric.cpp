#include "devices/pc/apic_fabric.hpp"

namespace gb {

ApicFabric::Targets ApicFabric::addressed(u8 dest, bool logical) const {
  Targets out = 0;
  for (const auto& p : procs_) {
    if (p->lapic_mapped && p->lapic.addressed(dest, logical)) out |= Targets{1} << p->index;
  }
  return out;
}

void ApicFabric::deliver(Targets to, u8 mode, u8 vector, bool level_triggered, unsigned from) {
  if (mode == Ipi::kLowest) {
    Processor* best = nullptr;
    for (const auto& p : procs_) {
      if (!((to >> p->index) & 1)) continue;
      if (!best || (p->lapic.task_priority() & 0xF0) < (best->lapic.task_priority() & 0xF0)) best = p.get();
    }
    if (best) best->lapic.accept(vector, level_triggered);
    return;
  }
  for (const auto& p : procs_) {
    if (!((to >> p->index) & 1)) continue;
    switch (mode) {
      case Ipi::kFixed: p->lapic.accept(vector, level_triggered); break;
      case Ipi::kNmi:
        if (!p->cpu.state().wait_sipi) p->lapic.accept_nmi();  // held off while waiting for SIPI
        break;
      case Ipi::kInit:
      case Ipi::kStartup:
        p->post(static_cast<Ipi::Mode>(mode), vector);
        // The sender's own INIT: after this instruction, not in its middle.
        if (p->index == from) p->cpu.yield();
        break;
      default: break;  // SMI, ExtINT
    }
  }
}

bool ApicFabric::deliver_fixed(u8 vector, bool level_triggered, u8 dest, bool logical, bool lowest_priority) {
  const Targets to = addressed(dest, logical);
  deliver(to, lowest_priority ? Ipi::kLowest : Ipi::kFixed, vector, level_triggered, kFromIoApic);
  return to != 0;
}

void ApicFabric::deliver_nmi(u8 dest, bool logical) {
  deliver(addressed(dest, logical), Ipi::kNmi, 0, false, kFromIoApic);
}

void ApicFabric::set_extint(bool asserted) {
  if (procs_.empty()) return;
  Processor& bsp = *procs_.front();
  bsp.lapic.set_ioapic_extint(bsp.lapic_mapped && asserted);
}

void ApicFabric::send_ipi(const Ipi& ipi, unsigned from) {
  if (ipi.mode == Ipi::kInit && !ipi.assert && ipi.level_triggered) return;  // INIT level de-assert
  Targets to = 0;
  switch (ipi.shorthand) {
    case Ipi::kSelf: to = Targets{1} << from; break;
    case Ipi::kAllIncludingSelf: to = addressed(0xFF, false); break;
    case Ipi::kAllExcludingSelf: to = addressed(0xFF, false) & ~(Targets{1} << from); break;
    default: to = addressed(ipi.dest, ipi.logical); break;
  }
  deliver(to, ipi.mode, ipi.vector, ipi.level_triggered, from);
}

}  // namespace gb
