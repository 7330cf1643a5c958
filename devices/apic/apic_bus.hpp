// The messages between the APICs: what the I/O APIC sends to the local
// APIC, and the local APIC's EOI back to the I/O APIC (SDM Vol. 3A 10.8.5,
// 10.11; 82093AA datasheet 3.2.4).
#pragma once
#include "mmu/types.hpp"

namespace gb {

/// Where the I/O APIC's messages go (the local APIC).
class ApicBus {
 public:
  virtual ~ApicBus() = default;
  /// A fixed interrupt for the processor(s) `dest` names (physical: an APIC
  /// ID, FFh all; logical: an MDA), false where none is addressed.
  virtual bool deliver_fixed(u8 vector, bool level_triggered, u8 dest, bool logical) = 0;
  virtual void deliver_nmi() = 0;
  /// ExtINT: the 8259's interrupt through this pin, while `asserted`.
  virtual void set_extint(bool asserted) = 0;
};

/// Told of an EOI for a level-triggered interrupt (the I/O APIC, whose
/// Remote IRR it clears; SDM Vol. 3A 10.8.5).
class EoiListener {
 public:
  virtual ~EoiListener() = default;
  virtual void eoi(u8 vector) = 0;
};

}  // namespace gb
