// The messages between the APICs: what the I/O APIC sends to the local
// APIC, and the local APIC's EOI back to the I/O APIC (SDM Vol. 3A 10.8.5,
// 10.11; 82093AA datasheet 3.2.4).
#pragma once
#include "mmu/types.hpp"

namespace gb {

/// Where the I/O APIC's messages go (the local APICs).
class ApicBus {
 public:
  virtual ~ApicBus() = default;
  /// A fixed interrupt for the processor(s) `dest` names (physical: an APIC
  /// ID, FFh all; logical: an MDA), false where none is addressed. With
  /// `lowest_priority` only one of them takes it (SDM Vol. 3A 10.6.2.4).
  virtual bool deliver_fixed(u8 vector, bool level_triggered, u8 dest, bool logical, bool lowest_priority) = 0;
  /// An NMI for the processor(s) `dest` names.
  virtual void deliver_nmi(u8 dest, bool logical) = 0;
  /// ExtINT: the 8259's interrupt through this pin, while `asserted`.
  virtual void set_extint(bool asserted) = 0;
};

/// An interprocessor interrupt as a local APIC's ICR sends it (SDM Vol. 3A
/// 10.6.1, figure 10-12).
struct Ipi {
  enum Mode : u8 { kFixed = 0, kLowest = 1, kSmi = 2, kNmi = 4, kInit = 5, kStartup = 6, kExtInt = 7 };
  enum Shorthand : u8 { kNone = 0, kSelf = 1, kAllIncludingSelf = 2, kAllExcludingSelf = 3 };
  u8 vector = 0;
  u8 mode = kFixed;
  u8 shorthand = kNone;
  u8 dest = 0;              ///< ICR[63:56]: an APIC ID, FFh all, or a logical MDA
  bool logical = false;     ///< ICR bit 11
  bool assert = true;       ///< ICR bit 14 (level): 0 with INIT is "INIT level de-assert"
  bool level_triggered = false;  ///< ICR bit 15
};

/// Where a local APIC's IPIs go: the machine's processors.
class IpiBus {
 public:
  virtual ~IpiBus() = default;
  /// `from` is the sending processor's index in the machine.
  virtual void send_ipi(const Ipi& ipi, unsigned from) = 0;
};

/// Told of an EOI for a level-triggered interrupt (the I/O APIC, whose
/// Remote IRR it clears; SDM Vol. 3A 10.8.5).
class EoiListener {
 public:
  virtual ~EoiListener() = default;
  virtual void eoi(u8 vector) = 0;
};

}  // namespace gb
