#include "cpu/model.hpp"

#include <array>

#include "cpu/cpuid_tables.hpp"

namespace gb {

namespace {
using namespace cpuid_data;
constexpr u32 k4G = 0xFFFF'FFFF;
constexpr std::array<CpuModel, 10> kModels{{
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
     .has_fpu = true, .fxsr = true, .apic_reenable = true, .simd = SimdLevel::Ssse3, .clflush = true,
     .monitor = true, .cpuid = &kCore2},
    {.name = "nehalem",
     .description = "Intel Core i7 920 (Nehalem, family 6 model 26; SSE4.2, POPCNT; 32-bit view)",
     .family = CpuFamily::p6, .address_mask = k4G, .cpuid_signature = 0x106A5, .nx = true, .pat = true,
     .has_fpu = true, .fxsr = true, .apic_reenable = true, .simd = SimdLevel::Sse42, .popcnt = true,
     .clflush = true, .monitor = true, .cpuid = &kNehalem},
constexpr std::array<CpuModel, 11> kModels{{
    {"pentium-pro", "Intel Pentium Pro (P6 family 6 model 1)", CpuFamily::p6, 0xFFFF'FFFF, 0x0611, false, false, true},
    {"8086", "Intel 8086 (real mode only, no invalid opcodes)", CpuFamily::i8086, 0x000F'FFFF, 0},
    {"286", "Intel 80286 (24-bit address bus)", CpuFamily::i286, 0x00FF'FFFF, 0},
    {"386", "Intel 80386DX", CpuFamily::i386, 0xFFFF'FFFF, 0},
    {"486", "Intel 80486DX", CpuFamily::i486, 0xFFFF'FFFF, 0x0402, false, false, true},
    {"pentium", "Intel Pentium (P5)", CpuFamily::pentium, 0xFFFF'FFFF, 0x0513, false, false, true},
    {"pentium3", "Intel Pentium III (P6 family 6 model 8, SSE)", CpuFamily::p6, 0xFFFF'FFFF, 0x0686, false, true, true, true, false,
     SimdLevel::Sse, false, false, false, false, 0xFFBF},
    {"pentium-m", "Intel Pentium M (P6 family 6 model 13, with NX, SSE2)", CpuFamily::p6, 0xFFFF'FFFF, 0x06D8, true, true, true, true, true,
     SimdLevel::Sse2, false, false, true, false, 0xFFFF},
    {"core2duo", "Intel Core 2 Duo (family 6 model 15, SSSE3; 32-bit view)", CpuFamily::p6, 0xFFFF'FFFF, 0x06FB, true, true, true, true, true,
     SimdLevel::Ssse3, false, false, true, true, 0xFFFF},
    {"nehalem", "Intel Core i7 (Nehalem, family 6 model 26, SSE4.2, POPCNT; 32-bit view)", CpuFamily::p6, 0xFFFF'FFFF, 0x106A5, true, true, true, true, true,
     SimdLevel::Sse42, true, false, true, true, 0xFFFF},
    {"atom-n270", "Intel Atom N270 (Diamondville, family 6 model 28, SSSE3, MOVBE)", CpuFamily::p6, 0xFFFF'FFFF, 0x106C2, true, true, true, true, true,
     SimdLevel::Ssse3, false, true, true, true, 0xFFFF},
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
