// cpu_models(), find_cpu_model(), default_cpu_model() and per-model quirks.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <string_view>

#include "cpu/cpuid.hpp"
#include "cpu/model.hpp"

using namespace gb;

TEST_CASE("cpu_models lists every model once; the default is the most capable", "[cpu][model]") {
  const auto models = cpu_models();
  REQUIRE(models.size() >= 6);
  CHECK(models.front().name == "pentium-pro");
  CHECK(&default_cpu_model() == find_cpu_model("icelake-server"));
  CHECK(default_cpu_model().name == kDefaultCpuModel);
  // The most capable: Intel 64 with 5-level paging (the widest linear address).
  for (const auto& m : models) CHECK(m.linear_addr_bits <= default_cpu_model().linear_addr_bits);
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
  // Core 2 Duo: + SSE3 MONITOR SSSE3 CX16, MTRR (real ECX 0000E3FDh less
  // DTES64 DS-CPL VMX SMX EST TM2 xTPR PDCM); one logical processor.
  constexpr u32 kMtrr = 0x1000;
  CHECK(leaf("core2duo", 0) == vendor(0xA));
  CHECK(leaf("core2duo", 1) == CpuidRegs{0x06FB, 0x0001'0800, 0x0000'2209, kP6Edx | kMtrr | 0x0788'0000});
  // Core i7 920: + SSE4.1 SSE4.2 POPCNT (real ECX 0098E3BDh, same omissions).
  CHECK(leaf("nehalem", 0) == vendor(0xB));
  CHECK(leaf("nehalem", 1) == CpuidRegs{0x106A5, 0x0001'0800, 0x0098'2209, kP6Edx | kMtrr | 0x0788'0000});
  // Xeon Platinum 8352Y: + PCID MOVBE; the real ECX (FEDA3223h with
  // MONITOR, which a Hyper-V guest's dump hides) less PCLMULQDQ VMX FMA
  // AES XSAVE OSXSAVE AVX F16C RDRAND x2APIC TSC-deadline.
  CHECK(leaf("icelake-server", 0) == vendor(0x1B));
  CHECK(leaf("icelake-server", 1) == CpuidRegs{0x606A6, 0x0001'0800, 0x00DA'2209, kP6Edx | kMtrr | 0x0788'0000});
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
    CHECK(((r.d >> 12) & 1) == (m.mtrr_vcnt != 0));
    CHECK((r.c & 1) == m.has(Isa::Sse3));
    CHECK(((r.c >> 3) & 1) == m.has(Isa::Monitor));
    CHECK(((r.c >> 9) & 1) == m.has(Isa::Ssse3));
    CHECK(((r.c >> 13) & 1) == m.has(Isa::Cmpxchg16b));
    CHECK(((r.c >> 17) & 1) == m.pcid);
    CHECK(((r.c >> 19) & 1) == m.has(Isa::Sse41));
    CHECK(((r.c >> 20) & 1) == m.has(Isa::Sse42));
    CHECK(((r.c >> 22) & 1) == m.has(Isa::Movbe));
    CHECK(((r.c >> 23) & 1) == m.has(Isa::Popcnt));
    // Never: VME MCE MCA PSE-36 PSN DS ACPI SS HTT TM PBE; PCLMULQDQ DTES64
    // DS-CPL VMX SMX EST TM2 SDBG FMA xTPR PDCM DCA x2APIC TSC-deadline AES
    // XSAVE OSXSAVE AVX F16C RDRAND.
    CHECK((r.d & 0xB866'4082u) == 0);
    CHECK((r.c & 0x7F24'D9F6u) == 0);
    // The CLFLUSH line size is reported exactly with CLFSH (8 = 64 bytes).
    CHECK(((r.b >> 8) & 0xFF) == (m.clflush ? 8u : 0u));
    // APIC follows IA32_APIC_BASE[11] on the P6 models.
    if (m.at_least(CpuFamily::p6)) CHECK(((cpuid_leaf(m, 1, 0, false).d >> 9) & 1) == 0);
  }
}

TEST_CASE("CPUID leaf 7 and 8000_0001h/8000_0008h follow the model fields", "[cpu][model][cpuid]") {
  for (const auto& m : cpu_models()) {
    if (m.cpuid == nullptr) continue;
    INFO(m.name);
    // Leaf 7 subleaf 0: SMEP ERMS INVPCID SMAP in EBX, UMIP LA57 in ECX,
    // nothing else (no FSGSBASE, AVX2, AVX-512, ...), no further subleaves.
    const CpuidRegs l7 = cpuid_leaf(m, 7, 0, true);
    if (m.cpuid->max_leaf >= 7) {
      CHECK(l7 == CpuidRegs{0, (m.smep ? 0x80u : 0u) | (m.erms ? 0x200u : 0u) | (m.invpcid ? 0x400u : 0u) |
                                   (m.smap ? 0x10'0000u : 0u),
                            (m.umip ? 0x4u : 0u) | (m.la57 ? 0x1'0000u : 0u), 0});
      CHECK(cpuid_leaf(m, 7, 1, true) == CpuidRegs{});
    }
    CHECK(m.has(Isa::Invpcid) == m.invpcid);
    CHECK(m.has(Isa::Smap) == m.smap);
    // Leaf 0Dh (XSAVE) is empty on every model: no XSAVE.
    if (m.cpuid->max_leaf >= 0xD) CHECK(cpuid_leaf(m, 0xD, 0, true) == CpuidRegs{});
    if (m.cpuid->max_ext < 0x8000'0008u) continue;
    for (bool lma : {false, true}) {
      const CpuidRegs e = cpuid_leaf(m, 0x8000'0001u, 0, true, lma);
      CHECK(e.a == 0);
      CHECK(e.b == 0);
      CHECK(e.c == (m.lahf64 ? 1u : 0u));
      CHECK(((e.d >> 29) & 1) == m.long_mode);
      CHECK(((e.d >> 27) & 1) == m.has(Isa::Rdtscp));
      CHECK(((e.d >> 26) & 1) == m.page1gb);
      CHECK(((e.d >> 20) & 1) == m.nx);
      // SYSCALL only in IA-32e mode on Intel parts.
      CHECK(((e.d >> 11) & 1) == (m.syscall && lma));
      CHECK((e.d & ~0x3C10'0800u) == 0);
    }
    CHECK(cpuid_leaf(m, 0x8000'0008u, 0, true) ==
          CpuidRegs{(u32{m.linear_addr_bits} << 8) | m.maxphyaddr(), 0, 0, 0});
  }
}

TEST_CASE("CPUID brand strings and extended leaves", "[cpu][model][cpuid]") {
  CHECK(brand("pentium-m") == "        Intel(R) Pentium(R) M processor 2.00GHz");
  CHECK(brand("core2duo") == "Intel(R) Core(TM)2 Duo CPU     E6750  @ 2.66GHz");
  CHECK(brand("nehalem") == "Intel(R) Core(TM) i7 CPU         920  @ 2.67GHz");
  CHECK(brand("icelake-server") == "Intel(R) Xeon(R) Platinum 8352Y CPU @ 2.20GHz");
  // The registers as the dumps print them.
  CHECK(leaf("core2duo", 0x8000'0003u) == CpuidRegs{0x4420'3229, 0x4320'6F75, 0x2020'5550, 0x4520'2020});
  CHECK(leaf("nehalem", 0x8000'0004u) == CpuidRegs{0x3032'3920, 0x2040'2020, 0x3736'2E32, 0x007A'4847});
  CHECK(leaf("icelake-server", 0x8000'0002u) == CpuidRegs{0x6574'6E49, 0x2952'286C, 0x6F65'5820, 0x2952'286E});
  for (std::string_view m : {"pentium-m", "core2duo", "nehalem", "icelake-server"}) {
    INFO(m);
    CHECK(leaf(m, 0x8000'0000u).a == 0x8000'0008u);
  }
  // 8000_0001h as the real parts report it in 64-bit mode (EFER.LMA = 1):
  // Pentium M NX; Core 2 LM XD SYSCALL, LAHF; Core i7 the same until RDTSCP
  // executes (the real part: 28100800h); Ice Lake + RDTSCP, 1 GiB pages (its
  // LZCNT and PREFETCHW in ECX are not implemented).
  auto ext1 = [](std::string_view model, bool lma) {
    return cpuid_leaf(*find_cpu_model(model), 0x8000'0001u, 0, true, lma);
  };
  CHECK(ext1("pentium-m", true) == CpuidRegs{0, 0, 0, 0x0010'0000});
  CHECK(ext1("core2duo", true) == CpuidRegs{0, 0, 1, 0x2010'0800});
  CHECK(ext1("nehalem", true) == CpuidRegs{0, 0, 1, 0x2810'0800});  // + RDTSCP
  CHECK(ext1("icelake-server", true) == CpuidRegs{0, 0, 1, 0x2C10'0800});
  CHECK(ext1("icelake-server", false) == CpuidRegs{0, 0, 1, 0x2C10'0000});
  CHECK(ext1("atom-n270", false) == CpuidRegs{0, 0, 1, 0x0010'0000});  // LAHF, no LM
  CHECK(leaf("pentium-m", 0x8000'0006u).c == 0x0800'6040);
  CHECK(leaf("pentium-m", 0x8000'0008u).a == 0x2020);
  CHECK(leaf("atom-n270", 0x8000'0008u).a == 0x2020);
  CHECK(leaf("core2duo", 0x8000'0006u).c == 0x1000'8040);
  CHECK(leaf("core2duo", 0x8000'0008u).a == 0x3024);
  CHECK(leaf("nehalem", 0x8000'0006u).c == 0x0100'6040);
  CHECK(leaf("nehalem", 0x8000'0008u).a == 0x3024);
  CHECK(leaf("icelake-server", 0x8000'0006u).c == 0x0100'6040);
  CHECK(leaf("icelake-server", 0x8000'0008u).a == 0x392E);  // 46 physical, 57 linear
  CHECK(cpuid_maxphyaddr(*find_cpu_model("pentium-m")) == 32);
  CHECK(cpuid_maxphyaddr(*find_cpu_model("nehalem")) == 36);
  CHECK(cpuid_maxphyaddr(*find_cpu_model("pentium-pro")) == 36);
  CHECK(cpuid_maxphyaddr(*find_cpu_model("icelake-server")) == 46);
  CHECK(cpuid_maxphyaddr(*find_cpu_model("486")) == 32);
  // The Pentium III has no extended leaves: they read its highest basic leaf.
  CHECK(leaf("pentium3", 0x8000'0000u) == leaf("pentium3", 2));
  CHECK(leaf("nehalem", 0x8000'0009u) == leaf("nehalem", 0xB));
  // Ice Lake: leaf 7 (SMEP ERMS INVPCID SMAP; UMIP LA57), as the real
  // part's EBX D09F2FB9h / ECX less everything Glassbox lacks.
  CHECK(leaf("icelake-server", 7) == CpuidRegs{0, 0x0010'0680, 0x0001'0004, 0});
  CHECK(leaf("nehalem", 7) == CpuidRegs{});
  CHECK(leaf("icelake-server", 0x1C) == leaf("icelake-server", 0x1B));
}

TEST_CASE("Intel 64 capabilities of the models", "[cpu][model]") {
  // The 64-bit parts and only those; the older models unchanged.
  for (const auto& m : cpu_models()) {
    INFO(m.name);
    const bool is64 = m.name == "core2duo" || m.name == "nehalem" || m.name == "icelake-server";
    CHECK(m.long_mode == is64);
    CHECK(m.syscall == is64);
    CHECK(m.cmpxchg16b == is64);
    CHECK(m.linear_addr_bits == (is64 ? (m.la57 ? 57 : 48) : 32));
    CHECK((m.mtrr_vcnt != 0) == is64);
    CHECK(m.mtrr_vcnt <= kMaxVariableMtrrs);
  }
  const CpuModel& icx = *find_cpu_model("icelake-server");
  CHECK((icx.la57 && icx.pcid && icx.invpcid && icx.smep && icx.smap && icx.umip && icx.rdtscp && icx.page1gb));
  CHECK(icx.model_number() == 0x6A);
  CHECK(icx.has_misc_enable());
  const CpuModel& c2 = *find_cpu_model("core2duo");
  CHECK_FALSE((c2.rdtscp || c2.page1gb || c2.pcid || c2.smep || c2.la57));
  CHECK_FALSE(find_cpu_model("nehalem")->page1gb);
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
  CHECK(leaf("icelake-server", 2) == CpuidRegs{0x00FE'FF01, 0xF0, 0, 0});
  CHECK(size(leaf("icelake-server", 4, 0)) == 48 * 1024);
  CHECK(size(leaf("icelake-server", 4, 1)) == 32 * 1024);
  CHECK(size(leaf("icelake-server", 4, 2)) == 1280 * 1024);
  CHECK(size(leaf("icelake-server", 4, 3)) == 48 * 1024 * 1024);
  CHECK((leaf("icelake-server", 4, 4).a & 0x1F) == 0);
  // Leaf 4 is beyond the Pentium M's maximum: its leaf 2 data.
  CHECK(leaf("pentium-m", 4) == leaf("pentium-m", 2));
  // MONITOR line sizes.
  CHECK(leaf("nehalem", 5) == CpuidRegs{0x40, 0x40, 0, 0});
}
