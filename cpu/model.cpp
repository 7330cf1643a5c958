#include "cpu/model.hpp"

#include <array>

#include "cpu/cpuid_tables.hpp"

namespace gb {

namespace {
using namespace cpuid_data;
constexpr u32 k4G = 0xFFFF'FFFF;
constexpr std::array<CpuModel, 11> kModels{{
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
     .cpuid = &kPentiumM},
    {.name = "core2duo", .description = "Intel Core 2 Duo E6750 (Conroe, family 6 model 15; SSSE3; 32-bit view)",
     .family = CpuFamily::p6, .address_mask = k4G, .cpuid_signature = 0x06FB, .nx = true, .pat = true,
     .long_mode = true, .lahf64 = true, .has_fpu = true, .fxsr = true, .apic_reenable = true, .simd = SimdLevel::Ssse3, .clflush = true,
     .monitor = true, .cpuid = &kCore2},
    {.name = "nehalem",
     .description = "Intel Core i7 920 (Nehalem, family 6 model 26; SSE4.2, POPCNT; 32-bit view)",
     .family = CpuFamily::p6, .address_mask = k4G, .cpuid_signature = 0x106A5, .nx = true, .pat = true,
     .long_mode = true, .lahf64 = true, .has_fpu = true, .fxsr = true, .apic_reenable = true, .simd = SimdLevel::Sse42, .popcnt = true,
     .clflush = true, .monitor = true, .cpuid = &kNehalem},
    {.name = "atom-n270", .description = "Intel Atom N270 (Diamondville, family 6 model 28; SSSE3, MOVBE; 32-bit)",
     .family = CpuFamily::p6, .address_mask = k4G, .cpuid_signature = 0x106C2, .nx = true, .pat = true,
     .has_fpu = true, .fxsr = true, .apic_reenable = true, .simd = SimdLevel::Ssse3, .movbe = true,
     .clflush = true, .monitor = true, .cpuid = &kAtomN270},
}};
}  // namespace

std::span<const CpuModel> cpu_models() { return kModels; }

const CpuModel* find_cpu_model(std::string_view name) {
  for (const auto& m : kModels) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

const CpuModel& default_cpu_model() { return kModels[0]; }

}  // namespace gb
