#include "cpu/model.hpp"

#include <array>

#include "cpu/cpuid_tables.hpp"

namespace gb {

namespace {
using namespace cpuid_data;
constexpr u32 k4G = 0xFFFF'FFFF;
constexpr std::array<CpuModel, 12> kModels{{
    {.name = "pentium-pro", .description = "Intel Pentium Pro (P6 family 6 model 1)", .family = CpuFamily::p6,
     .address_mask = k4G, .cpuid_signature = 0x0611, .has_fpu = true, .cpuid = &kPentiumPro},
    {.name = "8086", .description = "Intel 8086 (real mode only, no invalid opcodes)", .family = CpuFamily::i8086,
     .address_mask = 0x000F'FFFF, .cpuid_signature = 0},
    {.name = "286", .description = "Intel 80286 (24-bit address bus)", .family = CpuFamily::i286,
     .address_mask = 0x00FF'FFFF, .cpuid_signature = 0},
    {.name = "386", .description = "Intel 80386DX", .family = CpuFamily::i386, .address_mask = k4G,
     .cpuid_signature = 0},
    {.name = "486", .description = "Intel 80486DX", .family = CpuFamily::i486, .address_mask = k4G,
     .cpuid_signature = 0x0402, .has_fpu = true, .cpuid = &kBasicOnly},
    {.name = "pentium", .description = "Intel Pentium (P5)", .family = CpuFamily::pentium, .address_mask = k4G,
     .cpuid_signature = 0x0513, .has_fpu = true, .cpuid = &kBasicOnly},
    {.name = "pentium3", .description = "Intel Pentium III (Coppermine, family 6 model 8; MMX, SSE)",
     .family = CpuFamily::p6, .address_mask = k4G, .cpuid_signature = 0x0686, .pat = true, .has_fpu = true,
     .fxsr = true, .simd = SimdLevel::Sse, .mxcsr_mask = 0xFFBF, .cpuid = &kPentium3},
    {.name = "pentium-m", .description = "Intel Pentium M 760 (Dothan, family 6 model 13; NX, SSE2)",
     .family = CpuFamily::p6, .address_mask = k4G, .cpuid_signature = 0x06D8, .nx = true, .pat = true,
     .has_fpu = true, .fxsr = true, .apic_reenable = true, .simd = SimdLevel::Sse2, .clflush = true,
     .phys_addr_bits = 32, .cpuid = &kPentiumM},
    // Intel 64 with LAHF/SAHF and CMPXCHG16B in 64-bit mode; no RDTSCP, no
    // 1 GiB pages; 8 variable MTRRs (SDM Vol. 3A 12.11.2.1; the SMRR pair,
    // IA32_MTRRCAP.SMRR, is not modelled).
    {.name = "core2duo", .description = "Intel Core 2 Duo E6750 (Conroe, family 6 model 15; SSSE3, Intel 64)",
     .family = CpuFamily::p6, .address_mask = k4G, .cpuid_signature = 0x06FB, .nx = true, .pat = true,
     .has_fpu = true, .fxsr = true, .apic_reenable = true, .simd = SimdLevel::Ssse3, .clflush = true,
     .monitor = true, .long_mode = true, .syscall = true, .lahf64 = true, .cmpxchg16b = true, .mtrr_vcnt = 8,
     .phys_addr_bits = 36, .linear_addr_bits = 48, .cpuid = &kCore2},
    // 10 variable MTRRs; RDTSCP (8000_0001h EDX.27) and IA32_TSC_AUX, which
    // Linux uses in rdtsc_ordered() and vgetcpu.
    {.name = "nehalem",
     .description = "Intel Core i7 920 (Nehalem, family 6 model 26; SSE4.2, POPCNT, Intel 64)",
     .family = CpuFamily::p6, .address_mask = k4G, .cpuid_signature = 0x106A5, .nx = true, .pat = true,
     .has_fpu = true, .fxsr = true, .apic_reenable = true, .simd = SimdLevel::Sse42, .popcnt = true,
     .clflush = true, .monitor = true, .long_mode = true, .syscall = true, .lahf64 = true, .rdtscp = true,
     .cmpxchg16b = true, .mtrr_vcnt = 10, .phys_addr_bits = 36, .linear_addr_bits = 48, .cpuid = &kNehalem},
    {.name = "atom-n270", .description = "Intel Atom N270 (Diamondville, family 6 model 28; SSSE3, MOVBE; 32-bit)",
     .family = CpuFamily::p6, .address_mask = k4G, .cpuid_signature = 0x106C2, .nx = true, .pat = true,
     .has_fpu = true, .fxsr = true, .apic_reenable = true, .simd = SimdLevel::Ssse3, .movbe = true,
     .clflush = true, .monitor = true, .lahf64 = true, .phys_addr_bits = 32, .cpuid = &kAtomN270},
    // Ice Lake-SP as QEMU's TCG presents its Icelake-Server model: the real
    // part's identification (cpu/cpuid_tables.hpp) with the extensions
    // Glassbox does not implement masked out of CPUID: AVX, AVX2, AVX-512,
    // FMA, F16C, AES-NI, PCLMULQDQ, VAES, GFNI, SHA, XSAVE (and with it
    // OSXSAVE and leaf 0Dh), FSGSBASE, RDRAND, RDSEED, RDPID, BMI1/2, ADX,
    // LZCNT, PREFETCHW, CLFLUSHOPT, CLWB, PKU, x2APIC, TSC-deadline, VMX,
    // SGX, PT, the speculation controls, the performance counters. What
    // remains: SSE4.2, POPCNT, MOVBE, Intel 64 with 1 GiB pages, RDTSCP,
    // PCID/INVPCID, SMEP, SMAP, UMIP, 5-level paging (57-bit linear, 46-bit
    // physical addresses), ERMS; 10 variable MTRRs.
    {.name = "icelake-server",
     .description = "Intel Xeon Platinum 8352Y (Ice Lake-SP, family 6 model 106; LA57, PCID, SMEP, SMAP, UMIP)",
     .family = CpuFamily::p6, .address_mask = k4G, .cpuid_signature = 0x606A6, .nx = true, .pat = true,
     .has_fpu = true, .fxsr = true, .apic_reenable = true, .simd = SimdLevel::Sse42, .popcnt = true,
     .movbe = true, .clflush = true, .monitor = true, .long_mode = true, .syscall = true, .lahf64 = true,
     .page1gb = true, .rdtscp = true, .cmpxchg16b = true, .pcid = true, .invpcid = true, .smep = true,
     .smap = true, .erms = true, .umip = true, .la57 = true, .mtrr_vcnt = 10, .phys_addr_bits = 46,
     .linear_addr_bits = 57, .cpuid = &kIcelakeServer},
}};
}  // namespace

std::span<const CpuModel> cpu_models() { return kModels; }

const CpuModel* find_cpu_model(std::string_view name) {
  for (const auto& m : kModels) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

// The most capable model, as QEMU's default CPU runs 64-bit guests (issue
// 21): Intel 64 with LA57, PCID, SMEP/SMAP and UMIP. It still runs every
// 16- and 32-bit guest; -cpu pentium-pro gives the 1995 part.
const CpuModel& default_cpu_model() { return *find_cpu_model(kDefaultCpuModel); }

}  // namespace gb
