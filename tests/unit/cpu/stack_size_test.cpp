// The stack's address size (SS.B) against the operand size: POP SS across
// 16- and 32-bit stacks, ENTER with a 32-bit operand on a 16-bit stack, and
// ENTER's check of its whole new frame (SDM Vol. 2A ENTER, Vol. 2B POP).
#include "tests/unit/cpu/pm_rig.hpp"

using namespace gb;
using gb::test::PmRig;

namespace {
constexpr u16 kStack16 = 0x20;  // 16-bit (B=0) data segment, base 10000h, 64 KiB
constexpr u16 kCode3 = 0x28, kData3 = 0x30;

void stack16(PmRig& r) {
  r.desc(kStack16, 0x10000, 0xFFFF, 0x92, 0);
  r.cpu.load_segment(SS, kStack16);
}
}  // namespace

TEST_CASE("POP SS steps the stack pointer by the old stack's size", "[cpu][stack]") {
  PmRig r;
  stack16(r);
  SECTION("32-bit operand, 16-bit stack, B=1 segment loaded: SP wraps, ESP[31:16] stays") {
    // test386.asm: ESP 0002FFFCh gives 00020000h, not 00010000h.
    r.s.gpr[ESP] = 0x0002'FFFC;
    store_le<u32>(&r.ram[0x10000 + 0xFFFC], PmRig::kData0);
    r.code({0x17});  // pop ss
    r.cpu.step();
    CHECK(r.s.seg[SS].selector == PmRig::kData0);
    CHECK(r.s.gpr[ESP] == 0x0002'0000u);
  }
  SECTION("16-bit operand, 16-bit stack") {
    r.s.gpr[ESP] = 0x0002'FFFE;
    store_le<u16>(&r.ram[0x10000 + 0xFFFE], PmRig::kData0);
    r.code({0x66, 0x17});  // o16 pop ss
    r.cpu.step();
    CHECK(r.s.seg[SS].selector == PmRig::kData0);
    CHECK(r.s.gpr[ESP] == 0x0002'0000u);
  }
  SECTION("32-bit stack, B=0 segment loaded: all of ESP steps") {
    r.cpu.load_segment(SS, PmRig::kData0);
    r.s.gpr[ESP] = 0x0001'FFFC;
    store_le<u32>(&r.ram[0x1'FFFC], kStack16);
    r.code({0x17});
    r.cpu.step();
    CHECK(r.s.seg[SS].selector == kStack16);
    CHECK(r.s.gpr[ESP] == 0x0002'0000u);
  }
  SECTION("a faulting load leaves ESP alone") {
    r.s.gpr[ESP] = 0x0002'FFFC;
    store_le<u32>(&r.ram[0x10000 + 0xFFFC], 0);  // null selector: #GP(0)
    r.gate(kGP, PmRig::kCode0, 0x3000, 0x8E);
    r.code({0x17});
    r.cpu.step();
    REQUIRE(r.log.faults.size() == 1);
    CHECK(r.log.faults[0].vector == kGP);
    CHECK(r.s.seg[SS].selector == kStack16);
    // The #GP frame (error code, EIP, CS, EFLAGS) went below SP FFFCh.
    CHECK(r.s.gpr[ESP] == 0x0002'FFECu);
    CHECK(r.dword(0x10000 + 0xFFF0) == PmRig::kCode);
  }
}

TEST_CASE("ENTER with a 32-bit operand on a 16-bit stack", "[cpu][stack]") {
  // SDM Vol. 2A ENTER: FrameTemp is ESP (operand size 32); the stack's size
  // decides how SP steps. test386.asm checks these values on a real 386.
  PmRig r;
  stack16(r);
  r.s.gpr[ESP] = 0x0001'0000;  // SP 0
  r.s.gpr[EBP] = 0x0001'5678;
  SECTION("level 0") {
    r.code({0xC8, 0x08, 0x00, 0x00});  // enter 8, 0
    r.cpu.step();
    CHECK(r.s.gpr[EBP] == 0x0001'FFFCu);
    CHECK(r.s.gpr[ESP] == 0x0001'FFF4u);
    CHECK(r.dword(0x10000 + 0xFFFC) == 0x0001'5678u);
  }
  SECTION("level 1 pushes all of FrameTemp") {
    r.code({0xC8, 0x04, 0x00, 0x01});  // enter 4, 1
    r.cpu.step();
    CHECK(r.s.gpr[EBP] == 0x0001'FFFCu);
    CHECK(r.s.gpr[ESP] == 0x0001'FFF4u);
    CHECK(r.dword(0x10000 + 0xFFF8) == 0x0001'FFFCu);
  }
  SECTION("16-bit operand: BP only") {
    r.code({0x66, 0xC8, 0x08, 0x00, 0x00});  // o16 enter 8, 0
    r.cpu.step();
    CHECK(r.s.gpr[EBP] == 0x0001'FFFEu);
    CHECK(r.s.gpr[ESP] == 0x0001'FFF6u);
  }
}

TEST_CASE("ENTER faults when its final stack pointer cannot be written", "[cpu][stack]") {
  // SDM Vol. 2A ENTER, exceptions: #SS(0) when the new stack pointer is
  // outside the stack segment, #PF when a write at it would fault; nothing
  // is stored there, and the faulting ENTER changes no register.
  PmRig r;
  r.gate(kSS, PmRig::kCode0, 0x3000, 0x8E);
  r.gate(kPF, PmRig::kCode0, 0x3000, 0x8E);
  r.put(0x3000, {0xF4});
  SECTION("#SS(0): below an expand-down segment's limit") {
    r.desc(0x20, 0, 0x1000, 0x96, 0x4);  // expand-down, B=1: offsets 1001h-FFFFFFFFh
    r.cpu.load_segment(SS, 0x20);
    r.s.gpr[ESP] = 0x1010;
    r.s.gpr[EBP] = 0x1234;
    r.code({0xC8, 0x20, 0x00, 0x00});  // enter 20h, 0: EBP pushed at 100Ch, final ESP FECh
    r.cpu.step();
    REQUIRE(r.log.faults.size() == 1);
    CHECK(r.log.faults[0].vector == kSS);
    CHECK(r.log.faults[0].error == 0);
    CHECK(r.s.gpr[EBP] == 0x1234);
  }
  SECTION("#PF at CPL 3: the final ESP's page is read-only") {
    // Identity paging of the first 4 MiB, user and writable except 7000h.
    constexpr u32 kPd = 0x10'0000, kPt = 0x10'1000;
    store_le<u32>(&r.ram[kPd], kPt | 7);
    for (u32 i = 0; i < 1024; ++i) store_le<u32>(&r.ram[kPt + 4 * i], (i << 12) | (i == 7 ? 5u : 7u));
    r.s.cr3 = kPd;
    r.cpu.write_cr0(r.s.cr0 | 0x8000'0000u);
    r.desc(kCode3, 0, 0xFFFFF, 0xFA, 0xC);
    r.desc(kData3, 0, 0xFFFFF, 0xF2, 0xC);
    r.cpu.load_cache(CS, kCode3 | 3, r.cpu.fetch_descriptor(kCode3));
    r.s.cpl = 3;
    r.cpu.load_segment(SS, kData3 | 3);
    r.s.gpr[ESP] = 0x8008;
    r.s.gpr[EBP] = 0x1234;
    r.code({0xC8, 0x10, 0x00, 0x00});  // enter 10h, 0: EBP at 8004h, final ESP 7FF4h
    r.cpu.step();
    REQUIRE(r.log.faults.size() == 1);
    CHECK(r.log.faults[0].vector == kPF);
    CHECK(r.log.faults[0].error == 7);  // present, write, user
    CHECK(r.s.cr2 == 0x7FF4);
    CHECK(r.s.gpr[EBP] == 0x1234);
    CHECK(r.dword(0x7000 - 20) == PmRig::kCode);  // the #PF frame's EIP: the ENTER
  }
  SECTION("no fault when the final stack pointer is writable") {
    r.s.gpr[ESP] = 0x8000;
    r.code({0xC8, 0x10, 0x00, 0x00});
    r.cpu.step();
    CHECK(r.log.faults.empty());
    CHECK(r.s.gpr[ESP] == 0x8000 - 4 - 0x10);
  }
}
