// CPUID executed by the CPU (the leaves themselves: model_test.cpp) and
// IA32_MISC_ENABLE, the MSR the Pentium M and later have (SDM Vol. 4 Table
// 2-2) and Linux's verify_cpu reads without a fault handler.
#include <catch2/catch.hpp>

#include "cpu/cpuid.hpp"
#include "tests/unit/cpu/simd_rig.hpp"

using namespace gb;
using test::SimdMachine;

TEST_CASE("CPUID instruction returns the model's leaves, ECX selecting leaf 4's subleaf", "[cpu][cpuid]") {
  SimdMachine m("nehalem");
  m.s.gpr[EAX] = 4;
  m.s.gpr[ECX] = 3;
  m.code({0x0F, 0xA2});  // CPUID
  m.run();
  REQUIRE(m.completed());
  const CpuidRegs want = cpuid_leaf(*find_cpu_model("nehalem"), 4, 3, true);
  CHECK(CpuidRegs{static_cast<u32>(m.s.gpr[EAX]), static_cast<u32>(m.s.gpr[EBX]), static_cast<u32>(m.s.gpr[ECX]),
                  static_cast<u32>(m.s.gpr[EDX])} == want);
  CHECK((m.s.gpr[EAX] & 0xFF) == 0x63);  // L3, unified
}

TEST_CASE("IA32_MISC_ENABLE from the Pentium M on", "[cpu][cpuid][msr]") {
  for (const char* name : {"pentium-m", "core2duo", "nehalem"}) {
    INFO(name);
    SimdMachine m(name);
    m.s.gpr[ECX] = 0x1A0;
    m.code({0x0F, 0x32});  // RDMSR
    m.run();
    REQUIRE(m.completed());
    const bool monitor = find_cpu_model(name)->has(Isa::Monitor);
    // Fast strings; BTS and PEBS unavailable; MONITOR FSM with MONITOR; XD
    // disable (bit 34) clear, so NX stays visible.
    CHECK(m.s.gpr[EAX] == (0x1801u | (monitor ? 0x4'0000u : 0)));
    CHECK(m.s.gpr[EDX] == 0);
  }
  // Writes: fast strings off and on again; a read-only or unimplemented bit
  // changed is #GP(0).
  SimdMachine m("nehalem");
  m.s.gpr[ECX] = 0x1A0;
  m.s.gpr[EAX] = 0x4'1800;
  m.s.gpr[EDX] = 0;
  m.code({0x0F, 0x30, 0x31, 0xC0, 0x0F, 0x32});  // WRMSR; XOR EAX, EAX; RDMSR
  m.run();
  REQUIRE(m.completed());
  CHECK(m.s.gpr[EAX] == 0x4'1800);
  for (u32 bad_edx_eax : {0x0u, 0x1u}) {
    SimdMachine w("nehalem");
    w.s.gpr[ECX] = 0x1A0;
    w.s.gpr[EAX] = bad_edx_eax ? 0x4'1801u : 0x4'0001u;  // EDX=4 sets XD disable; or bits 11/12 cleared
    w.s.gpr[EDX] = bad_edx_eax ? 4u : 0u;
    w.code({0x0F, 0x30});
    w.run();
    CHECK(w.in_handler(13));
  }
  // The P6 models before the Pentium M have no such MSR.
  for (const char* name : {"pentium-pro", "pentium3"}) {
    SimdMachine p(name);
    p.s.gpr[ECX] = 0x1A0;
    p.code({0x0F, 0x32});
    p.run();
    CHECK(p.in_handler(13));
  }
}

TEST_CASE("IA32_BIOS_SIGN_ID: the P6 family's microcode signature, no update loaded", "[cpu][cpuid][msr]") {
  for (const char* name : {"pentium-pro", "pentium3", "nehalem"}) {
    INFO(name);
    SimdMachine m(name);
    m.s.gpr[ECX] = 0x8B;
    m.s.gpr[EAX] = 0;
    m.s.gpr[EDX] = 0;
    // WRMSR 0; CPUID leaf 1; RDMSR (the SDM's sequence, Vol. 3A 9.11.7.1)
    m.code({0x0F, 0x30, 0x66, 0xB8, 0x01, 0x00, 0x00, 0x00, 0x0F, 0xA2, 0x66, 0xB9, 0x8B, 0x00, 0x00, 0x00, 0x0F, 0x32});
    m.run();
    REQUIRE(m.completed());
    CHECK(m.s.gpr[EDX] == 0);
  }
  SimdMachine p5("pentium");
  p5.s.gpr[ECX] = 0x8B;
  p5.code({0x0F, 0x32});
  p5.run();
  CHECK(p5.in_handler(13));
}

TEST_CASE("IA32_PLATFORM_ID on the P6 family, IA32_PAT with CPUID.PAT", "[cpu][cpuid][msr]") {
  SimdMachine p("pentium3");
  p.s.gpr[ECX] = 0x17;
  p.s.gpr[EAX] = p.s.gpr[EDX] = 0xFFFF'FFFFu;
  p.code({0x0F, 0x32});
  p.run();
  REQUIRE(p.completed());
  CHECK((p.s.gpr[EDX] >> 18 & 7) == 0);  // platform 0
  // PAT: the power-up value, a write read back, a reserved type #GP(0).
  SimdMachine m("nehalem");
  m.s.gpr[ECX] = 0x277;
  m.code({0x0F, 0x32});
  m.run();
  REQUIRE(m.completed());
  CHECK(m.s.gpr[EAX] == 0x0007'0406u);
  CHECK(m.s.gpr[EDX] == 0x0007'0406u);
  SimdMachine w("nehalem");
  w.s.gpr[ECX] = 0x277;
  w.s.gpr[EAX] = 0x0105'0406;  // WB WT WP WC
  w.s.gpr[EDX] = 0x0007'0406;
  w.code({0x0F, 0x30, 0x0F, 0x32});
  w.run();
  REQUIRE(w.completed());
  CHECK(w.s.gpr[EAX] == 0x0105'0406u);
  SimdMachine bad("nehalem");
  bad.s.gpr[ECX] = 0x277;
  bad.s.gpr[EAX] = 0x0002'0406;  // type 2 is reserved
  bad.s.gpr[EDX] = 0;
  bad.code({0x0F, 0x30});
  bad.run();
  CHECK(bad.in_handler(13));
  SimdMachine ppro("pentium-pro");  // no PAT
  ppro.s.gpr[ECX] = 0x277;
  ppro.code({0x0F, 0x32});
  ppro.run();
  CHECK(ppro.in_handler(13));
}
