#include "cpu/cpuid.hpp"

#include "cpu/model.hpp"

namespace gb {

namespace {

// Leaf 1 EDX and ECX bits (SDM Vol. 2A Tables 3-10 and 3-11).
namespace edx1 {
constexpr u32 FPU = 1u << 0, DE = 1u << 2, PSE = 1u << 3, TSC = 1u << 4, MSR = 1u << 5, PAE = 1u << 6,
              CX8 = 1u << 8, APIC = 1u << 9, SEP = 1u << 11, MTRR = 1u << 12, PGE = 1u << 13, CMOV = 1u << 15,
              PAT = 1u << 16, CLFSH = 1u << 19, MMX = 1u << 23, FXSR = 1u << 24, SSE = 1u << 25, SSE2 = 1u << 26;
}
namespace ecx1 {
constexpr u32 SSE3 = 1u << 0, MONITOR = 1u << 3, SSSE3 = 1u << 9, CX16 = 1u << 13, PCID = 1u << 17,
              SSE41 = 1u << 19, SSE42 = 1u << 20, MOVBE = 1u << 22, POPCNT = 1u << 23;
}
// Leaf 7 subleaf 0 (SDM Vol. 2A Table 3-8).
namespace leaf7 {
constexpr u32 SMEP = 1u << 7, ERMS = 1u << 9, INVPCID = 1u << 10, SMAP = 1u << 20;  // EBX
constexpr u32 UMIP = 1u << 2, LA57 = 1u << 16;                                     // ECX
}
// Leaf 8000_0001h.
namespace ext1 {
constexpr u32 LAHF = 1u << 0;  // ECX
constexpr u32 SYSCALL = 1u << 11, NX = 1u << 20, PAGE1GB = 1u << 26, RDTSCP = 1u << 27, LM = 1u << 29;  // EDX
}

// Leaf 1 EDX: the features of the model that Glassbox implements. Left out
// although the real parts have them, because Glassbox does not implement
// them: VME (1), MCE (7), MCA (14), PSE-36 (17), PSN (18), DS (21),
// ACPI (22), SS (27), HTT (28: Glassbox runs one logical processor), TM
// (29), PBE (31); MTRR (12) only on the models given MTRRs (mtrr_vcnt).
u32 leaf1_edx(const CpuModel& m, bool apic_enabled) {
  using namespace edx1;
  // PSE, TSC, MSR, CX8; DE from the Pentium on, which brought the debug
  // extensions and CR4 (SDM Vol. 3A 17.2): the late 486's CPUID lacks it.
  u32 d = PSE | TSC | MSR | CX8;
  if (m.at_least(CpuFamily::pentium)) d |= DE;
  if (m.at_least(CpuFamily::p6)) {
    d |= PAE | SEP | PGE | CMOV;
    // The APIC flag reads 0 once IA32_APIC_BASE has disabled the local APIC
    // (SDM Vol. 3A 10.4.3).
    if (apic_enabled) d |= APIC;
  }
  if (m.mtrr_vcnt != 0) d |= MTRR;
  if (m.pat) d |= PAT;
  if (m.has_fpu) d |= FPU;
  if (m.fxsr) d |= FXSR;
  if (m.clflush) d |= CLFSH;
  if (m.has(Isa::Mmx)) d |= MMX;
  if (m.has(Isa::Sse)) d |= SSE;
  if (m.has(Isa::Sse2)) d |= SSE2;
  return d;
}

// Leaf 1 ECX. Left out although the Core 2, Nehalem and Ice Lake parts
// have them: PCLMULQDQ (1), DTES64 (2), DS-CPL (4), VMX (5), SMX (6), EST
// (7), TM2 (8), SDBG (11), FMA (12), xTPR (14), PDCM (15), DCA (18),
// x2APIC (21), TSC-deadline (24), AES (25), XSAVE (26), OSXSAVE (27), AVX
// (28), F16C (29), RDRAND (30).
u32 leaf1_ecx(const CpuModel& m) {
  using namespace ecx1;
  u32 c = 0;
  if (m.has(Isa::Sse3)) c |= SSE3;
  if (m.has(Isa::Monitor)) c |= MONITOR;
  if (m.has(Isa::Ssse3)) c |= SSSE3;
  if (m.cmpxchg16b) c |= CX16;
  if (m.pcid) c |= PCID;
  if (m.has(Isa::Sse41)) c |= SSE41;
  if (m.has(Isa::Sse42)) c |= SSE42;
  if (m.has(Isa::Movbe)) c |= MOVBE;
  if (m.has(Isa::Popcnt)) c |= POPCNT;
  return c;
}

// Four brand-string bytes from offset `i`, little-endian, NUL beyond the end.
u32 brand_dword(std::string_view s, std::size_t i) {
  u32 v = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    const u32 ch = i + k < s.size() ? static_cast<u8>(s[i + k]) : 0;
    v |= ch << (8 * k);
  }
  return v;
}

// Leaf 7 subleaf 0: EAX = 0 (no further subleaves), the structured
// extended features Glassbox implements. Everything else the Ice Lake part
// reports is left out (FSGSBASE, TSC_ADJUST, BMI1/2, AVX2, AVX-512, RDSEED,
// ADX, CLFLUSHOPT, CLWB, PT, SHA, PKU, GFNI, VAES, VPCLMULQDQ, RDPID, FSRM,
// MD_CLEAR, PCONFIG, the speculation controls and IA32_ARCH_CAPABILITIES).
CpuidRegs leaf7_0(const CpuModel& m) {
  using namespace leaf7;
  CpuidRegs r{};
  if (m.smep) r.b |= SMEP;
  if (m.erms) r.b |= ERMS;
  if (m.invpcid) r.b |= INVPCID;
  if (m.smap) r.b |= SMAP;
  if (m.umip) r.c |= UMIP;
  if (m.la57) r.c |= LA57;
  return r;
}

// Leaf 8000_0001h. ECX: LAHF/SAHF; LZCNT (5) and PREFETCHW (8), which the
// Ice Lake part reports, are not implemented (F3 0F BD stays BSR, as on the
// parts without LZCNT). EDX: SYSCALL only while IA32_EFER.LMA is set (Intel
// parts report it only in 64-bit mode; QEMU's TCG does the same for Intel
// models).
CpuidRegs ext_leaf1(const CpuModel& m, bool lma) {
  using namespace ext1;
  CpuidRegs r{};
  if (m.lahf64) r.c |= LAHF;
  if (m.syscall && lma) r.d |= SYSCALL;
  if (m.nx) r.d |= NX;
  if (m.page1gb) r.d |= PAGE1GB;
  if (m.rdtscp) r.d |= RDTSCP;
  if (m.long_mode) r.d |= LM;
  return r;
}

CpuidRegs basic_leaf(const CpuModel& m, const CpuidTable& t, u32 leaf, u32 subleaf, bool apic_enabled) {
  switch (leaf) {
    case 0: return {t.max_leaf, 0x756e'6547, 0x6c65'746e, 0x4965'6e69};  // "GenuineIntel" in EBX, EDX, ECX
    case 1: return {m.cpuid_signature, t.leaf1_ebx, leaf1_ecx(m), leaf1_edx(m, apic_enabled)};
    case 2: return t.leaf2;
    case 4: return subleaf < t.leaf4.size() ? t.leaf4[subleaf] : CpuidRegs{};
    case 5: return t.leaf5;
    case 7: return subleaf == 0 ? leaf7_0(m) : CpuidRegs{};
    // Leaf 3 (the serial number, disabled), 6 (thermal and power: no
    // sensor), 8, 9, 0Ah (no architectural performance monitoring), 0Bh
    // (EBX = 0: no x2APIC topology, SDM Vol. 2A CPUID leaf 0BH), 0Dh (no
    // XSAVE) and the leaves of what Glassbox lacks (0Fh-10h RDT, 12h SGX,
    // 14h PT, 15h-16h frequencies not enumerated, 18h TLB parameters, 1Bh
    // PCONFIG) read zero.
    default: return {};
  }
}

CpuidRegs extended_leaf(const CpuModel& m, const CpuidTable& t, u32 leaf, bool lma) {
  switch (leaf) {
    case 0x8000'0000u: return {t.max_ext, 0, 0, 0};
    case 0x8000'0001u: return ext_leaf1(m, lma);
    case 0x8000'0002u:
    case 0x8000'0003u:
    case 0x8000'0004u: {
      const std::size_t i = (leaf - 0x8000'0002u) * 16;
      return {brand_dword(t.brand, i), brand_dword(t.brand, i + 4), brand_dword(t.brand, i + 8),
              brand_dword(t.brand, i + 12)};
    }
    case 0x8000'0006u: return {0, 0, t.ext6_ecx, 0};
    // Linear (15:8) and physical (7:0) address bits; EBX (WBNOINVD on the
    // Ice Lake part) not implemented.
    case 0x8000'0008u: return {u32{m.linear_addr_bits} << 8 | m.maxphyaddr(), 0, 0, 0};
    default: return {};  // 8000_0005h, 8000_0007h: reserved on Intel (zero)
  }
}

}  // namespace

CpuidRegs cpuid_leaf(const CpuModel& m, u32 leaf, u32 subleaf, bool apic_enabled, bool lma) {
  if (m.cpuid == nullptr) return {};
  const CpuidTable& t = *m.cpuid;
  if (leaf >= 0x8000'0000u && t.max_ext != 0 && leaf <= t.max_ext) return extended_leaf(m, t, leaf, lma);
  // Beyond the highest basic or extended leaf: the highest basic leaf's data
  // (SDM Vol. 2A CPUID: "If a value entered for CPUID.EAX is higher than the
  // maximum input value ... the data for the highest basic information leaf
  // is returned").
  if (leaf > t.max_leaf) leaf = t.max_leaf;
  return basic_leaf(m, t, leaf, subleaf, apic_enabled);
}

unsigned cpuid_maxphyaddr(const CpuModel& m) { return m.maxphyaddr(); }

}  // namespace gb
