// Debug extensions and general detect (SDM Vol. 3A 17.2): CPUID.1:EDX.DE,
// CR4.DE turning DR4/DR5 into #UD and enabling I/O breakpoints, DR7.GD.
#include <string_view>

#include "tests/unit/cpu/pm_rig.hpp"

using namespace gb;
using gb::test::PmRig;

namespace {
constexpr u32 kDbHandler = 0x3000;

/// #DB, #UD and #GP gates to HLTs at 3000h, 3010h, 3020h.
void debug_rig(PmRig& r) {
  r.gate(kDB, PmRig::kCode0, kDbHandler, 0x8E);
  r.gate(kUD, PmRig::kCode0, 0x3010, 0x8E);
  r.gate(kGP, PmRig::kCode0, 0x3020, 0x8E);
  r.put(kDbHandler, {0xF4});
  r.put(0x3010, {0xF4});
  r.put(0x3020, {0xF4});
}

/// Sets DR7 and DR0 as MOV DRn would.
void set_dr(PmRig& r, u32 dr0, u32 dr7) {
  r.s.dr[0] = dr0;
  r.s.dr[7] = dr7 | 0x400;
  r.cpu.update_breakpoints();
}
}  // namespace

TEST_CASE("CPUID.1:EDX.DE from the Pentium on, not on the 486", "[cpu][debug]") {
  for (const char* model : {"486", "pentium", "pentium-pro", "pentium-m"}) {
    INFO(model);
    PmRig r(model);
    r.s.gpr[EAX] = 1;
    r.code({0x0F, 0xA2});  // cpuid
    r.cpu.step();
    CHECK(((r.s.gpr[EDX] & 4) != 0) == (std::string_view(model) != "486"));
  }
}

TEST_CASE("DR4/DR5: aliases of DR6/DR7 with CR4.DE clear, #UD with it set", "[cpu][debug]") {
  PmRig r;
  debug_rig(r);
  r.s.dr[6] = 0xFFFF'4FF0u;
  SECTION("CR4.DE = 0") {
    r.code({0x0F, 0x21, 0xE0});  // mov eax, dr4
    r.cpu.step();
    CHECK(r.s.gpr[EAX] == 0xFFFF'4FF0u);
    CHECK(r.log.faults.empty());
  }
  SECTION("CR4.DE = 1: MOV from DR4") {
    r.s.cr4 |= kCr4De;
    r.code({0x0F, 0x21, 0xE0});
    r.cpu.step();
    REQUIRE(r.log.faults.size() == 1);
    CHECK(r.log.faults[0].vector == kUD);
  }
  SECTION("CR4.DE = 1: MOV to DR5") {
    r.s.cr4 |= kCr4De;
    r.s.gpr[EAX] = 0x401;
    r.code({0x0F, 0x23, 0xE8});  // mov dr5, eax
    r.cpu.step();
    REQUIRE(r.log.faults.size() == 1);
    CHECK(r.log.faults[0].vector == kUD);
    CHECK(r.s.dr[7] == 0x400);
  }
}

TEST_CASE("DR7.GD: #DB before any MOV DRn, DR6.BD set, GD cleared for the handler", "[cpu][debug]") {
  PmRig r;
  debug_rig(r);
  set_dr(r, 0, kDr7Gd);
  r.s.dr[6] = 0xFFFF'0FF0u;
  r.code({0x0F, 0x21, 0xC0});  // mov eax, dr0
  r.s.gpr[EAX] = 0x1234;
  r.cpu.step();
  REQUIRE(r.log.faults.size() == 1);
  CHECK(r.log.faults[0].vector == kDB);
  CHECK(r.s.rip == kDbHandler);
  CHECK(r.dword(0x8000 - 12) == PmRig::kCode);  // a fault: EIP of the MOV
  CHECK(r.s.gpr[EAX] == 0x1234);                // the MOV did not run
  CHECK((r.s.dr[6] & kDr6Bd) != 0);
  CHECK((r.s.dr[7] & kDr7Gd) == 0);
  // The handler may now use the debug registers.
  r.code({0x0F, 0x21, 0xC0});
  r.cpu.step();
  CHECK(r.log.faults.size() == 1);
  CHECK(r.s.gpr[EAX] == 0);
}

TEST_CASE("I/O breakpoints (R/W = 10b) with CR4.DE", "[cpu][debug]") {
  PmRig r;
  debug_rig(r);
  r.s.dr[6] = 0xFFFF'0FF0u;
  r.s.cr4 |= kCr4De;
  // DR1 on port 80h, 1 byte: L1, R/W1 = 10b, LEN1 = 00.
  r.s.dr[1] = 0x80;
  r.s.dr[7] = 0x400 | (1u << 2) | (2u << 20);
  r.cpu.update_breakpoints();
  SECTION("OUT imm8 traps after the instruction with DR6.B1") {
    r.code({0xE6, 0x80, 0x90});  // out 80h, al; nop
    r.cpu.step();
    CHECK(r.s.rip == kDbHandler);
    CHECK(r.dword(0x8000 - 12) == PmRig::kCode + 2);  // a trap: the next instruction
    CHECK((r.s.dr[6] & 0xF) == 2);
  }
  SECTION("IN from DX, a word covering the port") {
    r.s.gpr[EDX] = 0x7F;
    r.code({0x66, 0xED});  // in ax, dx: ports 7Fh-80h
    r.cpu.step();
    CHECK(r.s.rip == kDbHandler);
    CHECK((r.s.dr[6] & 0xF) == 2);
  }
  SECTION("REP OUTSB stops after the iteration that hit") {
    r.s.gpr[EDX] = 0x80;
    r.s.gpr[ESI] = 0x2000;
    r.s.gpr[ECX] = 4;
    r.code({0xF3, 0x6E});  // rep outsb
    r.cpu.step();
    CHECK(r.s.rip == kDbHandler);
    CHECK(r.s.gpr[ECX] == 3);
    CHECK((r.s.dr[6] & 0xF) == 2);
  }
  SECTION("INSB") {
    r.s.gpr[EDX] = 0x80;
    r.s.gpr[EDI] = 0x2000;
    r.code({0x6C});  // insb
    r.cpu.step();
    CHECK(r.s.rip == kDbHandler);
  }
  SECTION("another port: no trap") {
    r.code({0xE6, 0x81});  // out 81h, al
    r.cpu.step();
    CHECK(r.s.rip == PmRig::kCode + 2);
  }
  SECTION("CR4.DE clear: R/W = 10b breaks nothing") {
    r.s.gpr[EAX] = 0;
    r.code({0x0F, 0x22, 0xE0,  // mov cr4, eax (DE off)
            0xE6, 0x80});      // out 80h, al
    r.cpu.step();
    r.cpu.step();
    CHECK(r.s.rip == PmRig::kCode + 5);
    CHECK((r.s.dr[6] & 0xF) == 0);
  }
}
