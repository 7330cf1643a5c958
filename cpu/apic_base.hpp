// IA32_APIC_BASE (MSR 1Bh, SDM Vol. 3A 10.4.4): the local APIC's physical
// base address and its global enable bit live in the CPU; the APIC itself is
// a device of the machine, which hears every write.
#pragma once
#include "mmu/types.hpp"

namespace gb {

class ApicBaseListener {
 public:
  virtual ~ApicBaseListener() = default;
  /// The MSR's new value: bits 35-12 the base (physical), bit 11 the global
  /// enable, bit 8 BSP.
  virtual void apic_base_written(u64 value) = 0;
  /// The local APIC's TPR (offset 80h), which CR8 reads and writes in
  /// 64-bit mode (SDM Vol. 3A 10.8.6.1).
  virtual u8 tpr() = 0;
  virtual void set_tpr(u8 value) = 0;
};

}  // namespace gb
