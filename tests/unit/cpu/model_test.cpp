// cpu_models(), find_cpu_model(), default_cpu_model() and per-model quirks.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <string_view>

#include "cpu/cpuid.hpp"
#include "cpu/model.hpp"

using namespace gb;

TEST_CASE("cpu_models lists every model once, the default first", "[cpu][model]") {
  const auto models = cpu_models();
  REQUIRE(models.size() >= 6);
  CHECK(models.front().name == "pentium-pro");
  CHECK(&default_cpu_model() == &models.front());
  CHECK(default_cpu_model().name == "pentium-pro");
  std::set<std::string_view> names;
  for (const auto& m : models) {
    CHECK(names.insert(m.name).second);
    CHECK_FALSE(m.description.empty());
    CHECK(find_cpu_model(m.name) == &m);
  }
  for (std::string_view n : {"8086", "286", "386", "486", "pentium", "pentium-pro"}) CHECK(names.count(n) == 1);
}

TEST_CASE("find_cpu_model returns nullptr for unknown names", "[cpu][model]") {
  CHECK(find_cpu_model("") == nullptr);
  CHECK(find_cpu_model("80386") == nullptr);
  CHECK(find_cpu_model("Pentium-Pro") == nullptr);  // names are case-sensitive
  CHECK(find_cpu_model("386 ") == nullptr);
}

TEST_CASE("Model data: families, bus widths, CPUID", "[cpu][model]") {
  const CpuModel& m86 = *find_cpu_model("8086");
  const CpuModel& m286 = *find_cpu_model("286");
  const CpuModel& m386 = *find_cpu_model("386");
  const CpuModel& p6 = *find_cpu_model("pentium-pro");
  CHECK(m86.family == CpuFamily::i8086);
  CHECK(m86.address_mask == 0xF'FFFF);
  CHECK(m286.address_mask == 0xFF'FFFF);
  CHECK(m386.address_mask == 0xFFFF'FFFFu);
  CHECK(m386.cpuid_signature == 0);  // no CPUID before the late 486
  CHECK(((p6.cpuid_signature >> 8) & 0xF) == 6);
  CHECK(((find_cpu_model("pentium")->cpuid_signature >> 8) & 0xF) == 5);
  CHECK(m386.at_least(CpuFamily::i286));
  CHECK_FALSE(m286.at_least(CpuFamily::i386));
  CHECK(p6.at_least(CpuFamily::i8086));
}

TEST_CASE("Model quirks", "[cpu][model]") {
  const CpuModel& m86 = *find_cpu_model("8086");
  const CpuModel& m286 = *find_cpu_model("286");
  const CpuModel& m386 = *find_cpu_model("386");
  CHECK(m86.shift_count_mask() == 0xFF);
  CHECK(m286.shift_count_mask() == 0x1F);
  CHECK(m86.push_sp_pushes_new());
  CHECK_FALSE(m286.push_sp_pushes_new());
  CHECK(m86.divide_error_is_trap());
  CHECK_FALSE(m386.divide_error_is_trap());
  CHECK_FALSE(m86.has_invalid_opcode());
  CHECK(m286.has_invalid_opcode());
  CHECK(m86.max_insn_length() == 0);
  CHECK(m286.max_insn_length() == 10);
  CHECK(m386.max_insn_length() == 15);
  CHECK_FALSE(m86.checks_limits());
  CHECK(m286.checks_limits());
}

// CPUID of the SIMD models: the real part's identification (cited in
// cpu/cpuid_tables.hpp) with exactly the features Glassbox implements.
namespace {
CpuidRegs leaf(std::string_view model, u32 eax, u32 ecx = 0) {
  return cpuid_leaf(*find_cpu_model(model), eax, ecx, true);
}
std::string brand(std::string_view model) {
  std::string s;
  for (u32 l = 0x8000'0002u; l <= 0x8000'0004u; ++l) {
    const CpuidRegs r = leaf(model, l);
    for (u32 v : {r.a, r.b, r.c, r.d}) {
      for (int k = 0; k < 4; ++k) s += static_cast<char>((v >> (8 * k)) & 0xFF);
    }
  }
  return s.substr(0, s.find('\0'));
}
constexpr CpuidRegs kVendor0{0, 0x756e'6547, 0x6c65'746e, 0x4965'6e69};
CpuidRegs vendor(u32 max) { return {max, kVendor0.b, kVendor0.c, kVendor0.d}; }
// Leaf 1 EDX common to the P6 models: FPU DE PSE TSC MSR PAE CX8 APIC SEP PGE
// CMOV PAT: the real Pentium III's 0383F9FFh less VME MCE MTRR MCA PSE-36
// and the SIMD bits, which each model adds.
constexpr u32 kP6Edx = 0x0001'AB7D;
}  // namespace

TEST_CASE("CPUID leaves 0 and 1 of the SIMD models", "[cpu][model][cpuid]") {
  // Pentium III Coppermine: MMX FXSR SSE; brand index 2; no CLFLUSH.
  CHECK(leaf("pentium3", 0) == vendor(2));
  CHECK(leaf("pentium3", 1) == CpuidRegs{0x0686, 0x0000'0002, 0, kP6Edx | 0x0380'0000});
  // Pentium M Dothan: + CLFSH SSE2; brand index 16h, 64-byte CLFLUSH; ECX has
  // only EST and TM2 on the real part (both left out).
  CHECK(leaf("pentium-m", 0) == vendor(2));
  CHECK(leaf("pentium-m", 1) == CpuidRegs{0x06D8, 0x0000'0816, 0, kP6Edx | 0x0788'0000});
  // Core 2 Duo: + SSE3 MONITOR SSSE3 (real ECX 0000E3FDh less DTES64 DS-CPL
  // VMX SMX EST TM2 CX16 xTPR PDCM); one logical processor.
  CHECK(leaf("core2duo", 0) == vendor(0xA));
  CHECK(leaf("core2duo", 1) == CpuidRegs{0x06FB, 0x0001'0800, 0x0000'0209, kP6Edx | 0x0788'0000});
  // Core i7 920: + SSE4.1 SSE4.2 POPCNT (real ECX 0098E3BDh, same omissions).
  CHECK(leaf("nehalem", 0) == vendor(0xB));
  CHECK(leaf("nehalem", 1) == CpuidRegs{0x106A5, 0x0001'0800, 0x0098'0209, kP6Edx | 0x0788'0000});
}

TEST_CASE("CPUID leaf 1 feature bits follow the model fields", "[cpu][model][cpuid]") {
  for (const auto& m : cpu_models()) {
    if (m.cpuid == nullptr) continue;
    const CpuidRegs r = cpuid_leaf(m, 1, 0, true);
    INFO(m.name);
    CHECK(((r.d >> 23) & 1) == m.has(Isa::Mmx));
    CHECK(((r.d >> 24) & 1) == m.fxsr);
    CHECK(((r.d >> 25) & 1) == m.has(Isa::Sse));
    CHECK(((r.d >> 26) & 1) == m.has(Isa::Sse2));
    CHECK(((r.d >> 19) & 1) == m.clflush);
    CHECK((r.c & 1) == m.has(Isa::Sse3));
    CHECK(((r.c >> 3) & 1) == m.has(Isa::Monitor));
    CHECK(((r.c >> 9) & 1) == m.has(Isa::Ssse3));
    CHECK(((r.c >> 19) & 1) == m.has(Isa::Sse41));
    CHECK(((r.c >> 20) & 1) == m.has(Isa::Sse42));
    CHECK(((r.c >> 22) & 1) == m.has(Isa::Movbe));
    CHECK(((r.c >> 23) & 1) == m.has(Isa::Popcnt));
    // Never: VME MCE MTRR MCA PSE-36 PSN DS ACPI SS HTT TM PBE; CX16 VMX EST ...
    CHECK((r.d & 0xB866'5082u) == 0);
    CHECK((r.c & 0x0000'E1B4u) == 0);
    // The CLFLUSH line size is reported exactly with CLFSH (8 = 64 bytes).
    CHECK(((r.b >> 8) & 0xFF) == (m.clflush ? 8u : 0u));
    // APIC follows IA32_APIC_BASE[11] on the P6 models.
    if (m.at_least(CpuFamily::p6)) CHECK(((cpuid_leaf(m, 1, 0, false).d >> 9) & 1) == 0);
  }
}

TEST_CASE("CPUID brand strings and extended leaves", "[cpu][model][cpuid]") {
  CHECK(brand("pentium-m") == "        Intel(R) Pentium(R) M processor 2.00GHz");
  CHECK(brand("core2duo") == "Intel(R) Core(TM)2 Duo CPU     E6750  @ 2.66GHz");
  CHECK(brand("nehalem") == "Intel(R) Core(TM) i7 CPU         920  @ 2.67GHz");
  // The registers as the dumps print them.
  CHECK(leaf("core2duo", 0x8000'0003u) == CpuidRegs{0x4420'3229, 0x4320'6F75, 0x2020'5550, 0x4520'2020});
  CHECK(leaf("nehalem", 0x8000'0004u) == CpuidRegs{0x3032'3920, 0x2040'2020, 0x3736'2E32, 0x007A'4847});
  for (std::string_view m : {"pentium-m", "core2duo", "nehalem"}) {
    INFO(m);
    CHECK(leaf(m, 0x8000'0000u).a == 0x8000'0008u);
    // NX, no LM (32-bit view), no SYSCALL/RDTSCP; LAHF on the Core parts.
    CHECK(leaf(m, 0x8000'0001u) == CpuidRegs{0, 0, m == "pentium-m" ? 0u : 1u, 0x0010'0000});
  }
  CHECK(leaf("pentium-m", 0x8000'0006u).c == 0x0800'6040);
  CHECK(leaf("pentium-m", 0x8000'0008u).a == 0x2020);
  CHECK(leaf("core2duo", 0x8000'0006u).c == 0x1000'8040);
  CHECK(leaf("nehalem", 0x8000'0006u).c == 0x0100'6040);
  CHECK(leaf("nehalem", 0x8000'0008u).a == 0x3024);
  CHECK(cpuid_maxphyaddr(*find_cpu_model("pentium-m")) == 32);
  CHECK(cpuid_maxphyaddr(*find_cpu_model("nehalem")) == 36);
  CHECK(cpuid_maxphyaddr(*find_cpu_model("pentium-pro")) == 36);
  // The Pentium III has no extended leaves: they read its highest basic leaf.
  CHECK(leaf("pentium3", 0x8000'0000u) == leaf("pentium3", 2));
  CHECK(leaf("nehalem", 0x8000'0009u) == leaf("nehalem", 0xB));
}

TEST_CASE("CPUID cache leaves 2 and 4", "[cpu][model][cpuid]") {
  CHECK(leaf("pentium-pro", 2) == CpuidRegs{0x0302'0101, 0, 0, 0x0604'0A42});
  CHECK(leaf("pentium3", 2) == CpuidRegs{0x0302'0101, 0, 0, 0x0C04'0882});
  CHECK(leaf("pentium-m", 2) == CpuidRegs{0x02B3'B001, 0xF0, 0, 0x2C04'307D});
  CHECK(leaf("core2duo", 2) == CpuidRegs{0x05B0'B101, 0x0056'57F0, 0, 0x2CB4'3049});
  CHECK(leaf("nehalem", 2) == CpuidRegs{0x5503'5A01, 0x00F0'B2E4, 0, 0x09CA'212C});
  // Leaf 4: L1D, L1I, L2 (and L3), then type 0; sizes from the parameters.
  auto size = [](const CpuidRegs& r) {
    return (((r.b >> 22) & 0x3FF) + 1) * (((r.b >> 12) & 0x3FF) + 1) * ((r.b & 0xFFF) + 1) * (r.c + 1);
  };
  CHECK(size(leaf("core2duo", 4, 0)) == 32 * 1024);
  CHECK(size(leaf("core2duo", 4, 2)) == 4 * 1024 * 1024);
  CHECK((leaf("core2duo", 4, 3).a & 0x1F) == 0);
  CHECK(size(leaf("nehalem", 4, 1)) == 32 * 1024);
  CHECK(size(leaf("nehalem", 4, 2)) == 256 * 1024);
  CHECK(size(leaf("nehalem", 4, 3)) == 8 * 1024 * 1024);
  CHECK(((leaf("nehalem", 4, 3).a >> 5) & 7) == 3);  // level 3
  CHECK((leaf("nehalem", 4, 4).a & 0x1F) == 0);
  // Leaf 4 is beyond the Pentium M's maximum: its leaf 2 data.
  CHECK(leaf("pentium-m", 4) == leaf("pentium-m", 2));
  // MONITOR line sizes.
  CHECK(leaf("nehalem", 5) == CpuidRegs{0x40, 0x40, 0, 0});
}
