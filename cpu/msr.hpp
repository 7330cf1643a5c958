// Model-specific registers (SDM Vol. 4 ch. 2): RDMSR and WRMSR for the
// MSRs each CpuModel has, the values of the MSRs that only software reads
// back (MsrState), and the MSR numbers and IA32_EFER bits the CPU core uses.
#pragma once
#include <array>

#include "cpu/model.hpp"
#include "mmu/types.hpp"

namespace gb {

class Cpu;

namespace msr {
// Architectural MSR numbers (SDM Vol. 4 Table 2-2).
constexpr u32 kTsc = 0x10;               ///< IA32_TIME_STAMP_COUNTER
constexpr u32 kPlatformId = 0x17;        ///< IA32_PLATFORM_ID
constexpr u32 kApicBase = 0x1B;          ///< IA32_APIC_BASE
constexpr u32 kBiosSignId = 0x8B;        ///< IA32_BIOS_SIGN_ID
constexpr u32 kMtrrCap = 0xFE;           ///< IA32_MTRRCAP (read-only)
constexpr u32 kSysenterCs = 0x174, kSysenterEsp = 0x175, kSysenterEip = 0x176;
constexpr u32 kMiscEnable = 0x1A0;       ///< IA32_MISC_ENABLE
constexpr u32 kMtrrPhysBase0 = 0x200;    ///< IA32_MTRR_PHYSBASEn = 200h + 2n, PHYSMASKn = 201h + 2n
constexpr u32 kMtrrFix64k = 0x250;       ///< IA32_MTRR_FIX64K_00000
constexpr u32 kMtrrFix16k80 = 0x258, kMtrrFix16kA0 = 0x259;
constexpr u32 kMtrrFix4kC0 = 0x268;      ///< IA32_MTRR_FIX4K_C0000 .. _F8000 = 268h-26Fh
constexpr u32 kPat = 0x277;              ///< IA32_PAT
constexpr u32 kMtrrDefType = 0x2FF;      ///< IA32_MTRR_DEF_TYPE
constexpr u32 kEfer = 0xC000'0080u;      ///< IA32_EFER
constexpr u32 kStar = 0xC000'0081u;      ///< IA32_STAR
constexpr u32 kLstar = 0xC000'0082u;     ///< IA32_LSTAR
constexpr u32 kCstar = 0xC000'0083u;     ///< IA32_CSTAR
constexpr u32 kFmask = 0xC000'0084u;     ///< IA32_FMASK
constexpr u32 kFsBase = 0xC000'0100u;    ///< IA32_FS_BASE
constexpr u32 kGsBase = 0xC000'0101u;    ///< IA32_GS_BASE
constexpr u32 kKernelGsBase = 0xC000'0102u;  ///< IA32_KERNEL_GS_BASE
constexpr u32 kTscAux = 0xC000'0103u;    ///< IA32_TSC_AUX

// IA32_EFER bits (SDM Vol. 4 Table 2-2, Vol. 3A 2.2.1).
constexpr u64 kEferSce = 1u << 0;   ///< SYSCALL enable
constexpr u64 kEferLme = 1u << 8;   ///< IA-32e mode enable
constexpr u64 kEferLma = 1u << 10;  ///< IA-32e mode active (read-only: the CR0.PG write sets it)
constexpr u64 kEferNxe = 1u << 11;  ///< execute-disable enable
}  // namespace msr

/// The MTRRs (SDM Vol. 3A 12.11) of a model with CpuModel::mtrr_vcnt != 0.
/// Glassbox has no caches: the memory types are kept, not acted on.
struct MtrrState {
  /// IA32_MTRR_DEF_TYPE: type (7:0), FE (10), E (11); 0 at reset (MTRRs off).
  u64 def_type = 0;
  /// IA32_MTRR_PHYSBASEn / PHYSMASKn, n < CpuModel::mtrr_vcnt.
  std::array<u64, kMaxVariableMtrrs> phys_base{}, phys_mask{};
  /// FIX64K_00000, FIX16K_80000, FIX16K_A0000, FIX4K_C0000 .. FIX4K_F8000.
  std::array<u64, 11> fixed{};
};

/// The MSRs of the Intel 64 models that nothing but RDMSR reads, and the
/// MTRRs; IA32_EFER and the older MSRs stay in CpuState. Power-up values 0.
struct MsrState {
  u64 star = 0;   ///< IA32_STAR: SYSRET CS/SS (63:48), SYSCALL CS/SS (47:32)
  u64 lstar = 0;  ///< IA32_LSTAR: 64-bit mode SYSCALL target RIP (canonical)
  u64 cstar = 0;  ///< IA32_CSTAR: compatibility-mode SYSCALL target (unused on Intel)
  u64 fmask = 0;  ///< IA32_FMASK: RFLAGS bits SYSCALL clears (bits 31:0)
  u64 kernel_gs_base = 0;  ///< IA32_KERNEL_GS_BASE: SWAPGS exchanges it with GS.base
  u64 tsc_aux = 0;         ///< IA32_TSC_AUX (bits 31:0): RDTSCP's ECX
  MtrrState mtrr;
};

/// RDMSR of MSR `index` on `c`'s model (SDM Vol. 2B RDMSR; CPL is the
/// caller's check). Throws GuestFault #GP(0) for an MSR the model does
/// not have.
u64 read_msr(Cpu& c, u32 index);

/// WRMSR of `value` to MSR `index` (SDM Vol. 2B WRMSR; CPL is the
/// caller's check). Throws GuestFault #GP(0) for an MSR the model does not
/// have, a read-only MSR, a reserved bit set, a non-canonical address in
/// an address MSR, an undefined memory type, or IA32_EFER.LME changed
/// while CR0.PG = 1. Writing IA32_EFER.NXE flushes the TLB.
void write_msr(Cpu& c, u32 index, u64 value);

}  // namespace gb
