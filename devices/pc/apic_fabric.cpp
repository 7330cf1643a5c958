#include "devices/pc/apic_fabric.hpp"

namespace gb {

std::vector<Processor*> ApicFabric::addressed(u8 dest, bool logical) const {
  std::vector<Processor*> out;
  for (const auto& p : procs_) {
    if (p->lapic_mapped && p->lapic.addressed(dest, logical)) out.push_back(p.get());
  }
  return out;
}

Processor* ApicFabric::lowest(const std::vector<Processor*>& targets) {
  Processor* best = nullptr;
  for (Processor* p : targets) {
    if (!best || (p->lapic.task_priority() & 0xF0) < (best->lapic.task_priority() & 0xF0)) best = p;
  }
  return best;
}

bool ApicFabric::deliver_fixed(u8 vector, bool level_triggered, u8 dest, bool logical, bool lowest_priority) {
  const std::vector<Processor*> to = addressed(dest, logical);
  if (to.empty()) return false;
  if (lowest_priority) {
    lowest(to)->lapic.accept(vector, level_triggered);
  } else {
    for (Processor* p : to) p->lapic.accept(vector, level_triggered);
  }
  return true;
}

void ApicFabric::deliver_nmi(u8 dest, bool logical) {
  for (Processor* p : addressed(dest, logical)) {
    if (!p->cpu.state().wait_sipi) p->lapic.accept_nmi();
  }
}

void ApicFabric::set_extint(bool asserted) {
  if (procs_.empty()) return;
  Processor& bsp = *procs_.front();
  bsp.lapic.set_ioapic_extint(bsp.lapic_mapped && asserted);
}

void ApicFabric::send_ipi(const Ipi& ipi, unsigned from) {
  std::vector<Processor*> to;
  switch (ipi.shorthand) {
    case Ipi::kSelf: to.push_back(procs_[from].get()); break;
    case Ipi::kAllIncludingSelf:
    case Ipi::kAllExcludingSelf:
      for (const auto& p : procs_) {
        if (p->lapic_mapped && (ipi.shorthand == Ipi::kAllIncludingSelf || p->index != from)) to.push_back(p.get());
      }
      break;
    default: to = addressed(ipi.dest, ipi.logical); break;
  }
  if (to.empty()) return;
  switch (ipi.mode) {
    case Ipi::kFixed:
      for (Processor* p : to) p->lapic.accept(ipi.vector, ipi.level_triggered);
      break;
    case Ipi::kLowest: lowest(to)->lapic.accept(ipi.vector, ipi.level_triggered); break;
    case Ipi::kNmi:
      for (Processor* p : to) {
        if (!p->cpu.state().wait_sipi) p->lapic.accept_nmi();  // held off while waiting for SIPI
      }
      break;
    case Ipi::kInit:
      if (!ipi.assert && ipi.level_triggered) break;  // INIT level de-assert
      [[fallthrough]];
    case Ipi::kStartup:
      for (Processor* p : to) {
        p->post(static_cast<Ipi::Mode>(ipi.mode), ipi.vector);
        // The sender's own INIT: after this instruction, not in its middle.
        if (p->index == from) p->cpu.yield();
      }
      break;
    default: break;  // SMI, ExtINT
  }
}

}  // namespace gb
