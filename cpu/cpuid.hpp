// CPUID as the model's real part reports it (SDM Vol. 2A CPUID), reduced to
// what Glassbox implements: the feature bits come from the CpuModel fields
// (so CPUID and the decoder cannot disagree), the identification data
// (cache descriptors, brand string, ...) from the model's CpuidTable.
#pragma once
#include <span>
#include <string_view>

#include "mmu/types.hpp"

namespace gb {

struct CpuModel;

/// EAX, EBX, ECX, EDX of one CPUID leaf.
struct CpuidRegs {
  u32 a = 0, b = 0, c = 0, d = 0;
  bool operator==(const CpuidRegs&) const = default;
};

/// The identification data of a real part that the feature fields of
/// CpuModel do not give. Each table cites its source in cpuid.cpp.
struct CpuidTable {
  /// Leaf 0 EAX: the highest basic leaf.
  u32 max_leaf = 1;
  /// Leaf 1 EBX: brand index (7:0), CLFLUSH line size in 8-byte units
  /// (15:8), logical processor count (23:16); initial APIC ID 0 (31:24).
  u32 leaf1_ebx = 0;
  /// Leaf 2: cache and TLB descriptors (SDM Vol. 2A Table 3-12).
  CpuidRegs leaf2{};
  /// Leaf 4: deterministic cache parameters, subleaf 0 up; a subleaf past
  /// the end reads cache type 0 ("no more caches").
  std::span<const CpuidRegs> leaf4{};
  /// Leaf 5: MONITOR/MWAIT line sizes in bytes (EAX, EBX).
  CpuidRegs leaf5{};
  /// Leaf 8000_0000h EAX: the highest extended leaf; 0 = none (the
  /// extended range then reads the highest basic leaf, as on the Pentium III).
  u32 max_ext = 0;
  /// Leaves 8000_0002h-8000_0004h: the brand string, at most 47 characters
  /// (NUL-padded to 48 bytes).
  std::string_view brand{};
  /// Leaf 8000_0006h ECX: L2 size in KiB (31:16), associativity (15:12),
  /// line size in bytes (7:0).
  u32 ext6_ecx = 0;
  // Leaf 8000_0001h and 8000_0008h EAX (address widths) come from the
  // CpuModel fields.
};

/// CPUID leaf `leaf` (subleaf `subleaf` for leaf 4) of model `m`.
/// `apic_enabled`: IA32_APIC_BASE[11], which CPUID.1:EDX.APIC follows
/// (SDM Vol. 3A 10.4.3). A leaf above the highest basic or extended leaf
/// reads the highest basic leaf (SDM Vol. 2A CPUID, "INPUT EAX = 0").
/// `lma`: IA32_EFER.LMA; Intel parts report SYSCALL (8000_0001h EDX.11)
/// only in IA-32e mode (as QEMU's TCG does for Intel models).
/// Models without CPUID (cpuid_signature 0) are the caller's business.
CpuidRegs cpuid_leaf(const CpuModel& m, u32 leaf, u32 subleaf, bool apic_enabled, bool lma = false);

/// MAXPHYADDR, the physical-address width in bits (SDM Vol. 3A 4.1.4):
/// CPUID.8000_0008h:EAX[7:0] where the part has that leaf, else 36 with PAE
/// (the P6 family), else 32. The same as CpuModel::maxphyaddr().
unsigned cpuid_maxphyaddr(const CpuModel& m);

}  // namespace gb
