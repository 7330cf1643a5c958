// CPU models as runtime data: which instructions exist and the quirks each
// generation has. Nothing here is chosen with #if.
#pragma once
#include <span>
#include <string_view>

#include "mmu/types.hpp"

namespace gb {
struct CpuidTable;
}

namespace gb {

enum class CpuFamily : u8 { i8086, i286, i386, i486, pentium, p6 };

/// The SIMD generations (CPUID.1:EDX.MMX/SSE/SSE2, ECX.SSE3/SSSE3/SSE4_1/
/// SSE4_2), each including the ones before it.
enum class SimdLevel : u8 { None, Mmx, Sse, Sse2, Sse3, Ssse3, Sse41, Sse42 };

/// Instruction-set extensions an opcode row may need (the row tables of
/// cpu/simd are enabled per model by CpuModel::has).
enum class Isa : u8 {
  Mmx, Sse, Sse2, Sse3, Ssse3, Sse41, Sse42,
  Popcnt,   ///< CPUID.1:ECX.23
  Movbe,    ///< CPUID.1:ECX.22
  Clflush,  ///< CPUID.1:EDX.19
  Monitor,  ///< MONITOR/MWAIT, CPUID.1:ECX.3
  Cmpxchg16b,  ///< CMPXCHG16B (REX.W 0F C7 /1), CPUID.1:ECX.13
  Rdtscp,      ///< RDTSCP, CPUID 8000_0001h EDX.27
  LahfSahf64,  ///< LAHF/SAHF in 64-bit mode, CPUID 8000_0001h ECX.0
  Invpcid,     ///< INVPCID, CPUID.(7,0):EBX.10
  Smap,        ///< STAC/CLAC and CR4.SMAP, CPUID.(7,0):EBX.20
};

/// The most variable-range MTRR pairs a model may have (IA32_MTRRCAP.VCNT).
inline constexpr unsigned kMaxVariableMtrrs = 10;

struct CpuModel {
  std::string_view name;
  std::string_view description;
  CpuFamily family;
  /// Width of the address bus: 20 bits (8086), 24 (286), 32 (386 and later).
  u32 address_mask;
  /// CPUID leaf 1 EAX (family/model/stepping); 0 where there is no CPUID.
  u32 cpuid_signature;
  /// The execute-disable bit: IA32_EFER with NXE, CPUID 8000_0001h EDX.20
  /// (SDM Vol. 3A 4.1.4). Only later P6-family parts have it.
  bool nx = false;
  /// The page attribute table (CPUID.1:EDX.16); Pentium III and later.
  bool pat = false;
  /// An on-chip x87 FPU (CPUID.1:EDX.0): the 486DX and later. Without it
  /// the ESC opcodes D8-DF keep the coprocessor-less behaviour.
  bool has_fpu = false;
  /// FXSAVE/FXRSTOR and CR4.OSFXSR (CPUID.1:EDX.24); Pentium II and later.
  bool fxsr = false;
  /// The local APIC talks on the front-side bus (Pentium M, Pentium 4 and
  /// later) rather than the 3-wire APIC bus (Pentium Pro, II, III): setting
  /// IA32_APIC_BASE[11] again re-enables a globally disabled APIC, in its
  /// power-up state; on the 3-wire parts it stays disabled until reset
  /// (SDM Vol. 3A 10.4.3).
  bool apic_reenable = false;
  /// The SIMD generation (MMX .. SSE4.2); see Isa for the rest.
  SimdLevel simd = SimdLevel::None;
  bool popcnt = false;
  bool movbe = false;
  bool clflush = false;
  bool monitor = false;
  // Intel 64 (SDM Vol. 2A CPUID, Tables 3-8 and 3-10; Vol. 3A ch. 2-6).
  /// IA-32e mode: EFER.LME/LMA, CS.L, 64-bit mode (CPUID 8000_0001h EDX.29).
  bool long_mode = false;
  /// SYSCALL/SYSRET in 64-bit mode and EFER.SCE (8000_0001h EDX.11, which
  /// Intel parts report only while EFER.LMA is set).
  bool syscall = false;
  /// LAHF/SAHF in 64-bit mode (8000_0001h ECX.0; the early Intel 64 parts
  /// lacked them). Reported as the real part does, also without long_mode.
  bool lahf64 = false;
  /// 1 GiB pages in 4- and 5-level paging (8000_0001h EDX.26).
  bool page1gb = false;
  /// RDTSCP and IA32_TSC_AUX (8000_0001h EDX.27).
  bool rdtscp = false;
  /// CMPXCHG16B (CPUID.1:ECX.13); an Intel 64 instruction (REX.W).
  bool cmpxchg16b = false;
  /// Process-context identifiers, CR4.PCIDE (CPUID.1:ECX.17).
  bool pcid = false;
  /// INVPCID (CPUID.(EAX=7,ECX=0):EBX.10).
  bool invpcid = false;
  /// Supervisor-mode execution prevention, CR4.SMEP (CPUID.(7,0):EBX.7).
  bool smep = false;
  /// Supervisor-mode access prevention, CR4.SMAP, STAC/CLAC (CPUID.(7,0):EBX.20).
  bool smap = false;
  /// Enhanced REP MOVSB/STOSB (CPUID.(7,0):EBX.9): a performance hint that
  /// only asks software to prefer REP MOVSB; the instructions are unchanged.
  bool erms = false;
  /// User-mode instruction prevention, CR4.UMIP (CPUID.(7,0):ECX.2).
  bool umip = false;
  /// 5-level paging, CR4.LA57 (CPUID.(7,0):ECX.16).
  bool la57 = false;
  /// The memory type range registers (CPUID.1:EDX.12): IA32_MTRRCAP.VCNT,
  /// the number of variable-range pairs (at most kMaxVariableMtrrs); 0 =
  /// no MTRRs. Every model with MTRRs has the fixed ranges and WC.
  u8 mtrr_vcnt = 0;
  /// MAXPHYADDR, CPUID 8000_0008h EAX[7:0]; 0 on the parts without that
  /// leaf: 36 bits with PAE (the P6 family), else 32 (see maxphyaddr()).
  u8 phys_addr_bits = 0;
  /// Linear-address width, CPUID 8000_0008h EAX[15:8]: 32 without long
  /// mode, 48 (4-level paging) or 57 (with LA57). Canonical checks of
  /// addresses loaded into MSRs use it whatever CR4.LA57 says.
  u8 linear_addr_bits = 32;
  /// MXCSR_MASK as FXSAVE stores it (SDM Vol. 1 11.6.6): FFBFh without
  /// MXCSR.DAZ (the first Pentium III steppings), FFFFh with it.
  u32 mxcsr_mask = 0xFFFF;
  /// The real part's CPUID identification data (cpu/cpuid_tables.hpp);
  /// nullptr where there is no CPUID.
  const CpuidTable* cpuid = nullptr;

  bool at_least(CpuFamily f) const { return family >= f; }
  /// The display model (SDM Vol. 2A CPUID, Figure 3-6): model plus the
  /// extended model in bits 7-4 (family 6).
  unsigned model_number() const { return ((cpuid_signature >> 4) & 0xF) | ((cpuid_signature >> 12) & 0xF0); }
  /// IA32_MISC_ENABLE (MSR 1A0h) exists from the Pentium M on, family 6
  /// model 0Dh (SDM Vol. 4 Table 2-2; Linux's verify_cpu reads it there
  /// without a fault handler).
  bool has_misc_enable() const { return family == CpuFamily::p6 && model_number() >= 0xD; }
  bool has(Isa i) const {
    switch (i) {
      case Isa::Popcnt: return popcnt;
      case Isa::Movbe: return movbe;
      case Isa::Clflush: return clflush;
      case Isa::Monitor: return monitor;
      case Isa::Cmpxchg16b: return cmpxchg16b;
      case Isa::Rdtscp: return rdtscp;
      case Isa::LahfSahf64: return lahf64;
      case Isa::Invpcid: return invpcid;
      case Isa::Smap: return smap;
      default: return static_cast<unsigned>(simd) >= static_cast<unsigned>(i) + 1;
    }
  }
  /// MAXPHYADDR in bits (SDM Vol. 3A 4.1.4).
  unsigned maxphyaddr() const {
    if (phys_addr_bits != 0) return phys_addr_bits;
    return at_least(CpuFamily::p6) ? 36 : 32;
  }
  bool is_8086() const { return family == CpuFamily::i8086; }
  /// FCMOVcc, FCOMI, FUCOMI(P): the P6 family with CMOV and an FPU.
  bool has_fcmov() const { return has_fpu && at_least(CpuFamily::p6); }
  /// 8086: shift and rotate counts are not masked (SDM Vol. 2B, SAL/SAR/SHL/SHR
  /// "IA-32 Architecture Compatibility": the 8086 does not mask the count).
  u32 shift_count_mask() const { return is_8086() ? 0xFF : 0x1F; }
  /// 8086: PUSH SP pushes the decremented SP (SDM Vol. 2B, PUSH, "IA-32
  /// Architecture Compatibility"); the 286 and later push the old value.
  bool push_sp_pushes_new() const { return is_8086(); }
  /// 8086: #DE pushes the address of the next instruction; 286 and later the
  /// faulting one (SingleStepTests 80286 notes; SDM Vol. 3A 6.5 fault class).
  bool divide_error_is_trap() const { return is_8086(); }
  /// 8086: no invalid opcodes; undefined encodings do something.
  bool has_invalid_opcode() const { return !is_8086(); }
  /// Longest legal instruction: none on 8086, 10 bytes on 286, 15 after.
  unsigned max_insn_length() const { return is_8086() ? 0 : family == CpuFamily::i286 ? 10 : 15; }
  /// 286 and later check segment limits in real mode (limit 0xFFFF).
  bool checks_limits() const { return !is_8086(); }
};

/// The name of the default model.
inline constexpr std::string_view kDefaultCpuModel = "icelake-server";
/// Every model Glassbox knows, oldest family first.
std::span<const CpuModel> cpu_models();
/// The model named `name`, or nullptr.
const CpuModel* find_cpu_model(std::string_view name);
/// The default model (kDefaultCpuModel, icelake-server).
const CpuModel& default_cpu_model();

}  // namespace gb
