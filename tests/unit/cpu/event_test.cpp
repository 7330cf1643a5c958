// Event delivery edge cases in protected mode: single-stepping across
// software interrupts (SDM Vol. 3A 17.3.1.4), NMI blocking until IRET
// (6.7.1), INT n from virtual-8086 mode (20.3.1.1).
#include "tests/unit/cpu/pm_rig.hpp"

using namespace gb;
using gb::test::PmRig;

namespace {
constexpr u32 kDbHandler = 0x3000, kGpHandler = 0x3020, kSoftHandler = 0x3100, kNmiHandler = 0x3200;

void event_rig(PmRig& r) {
  r.gate(kDB, PmRig::kCode0, kDbHandler, 0x8E);
  r.gate(kGP, PmRig::kCode0, kGpHandler, 0x8E);
  r.gate(kNMI, PmRig::kCode0, kNmiHandler, 0x8E);
  r.gate(kBP, PmRig::kCode0, kSoftHandler, 0xEE);
  r.gate(kOF, PmRig::kCode0, kSoftHandler, 0xEE);
  r.gate(0x21, PmRig::kCode0, kSoftHandler, 0xEE);
  r.put(kDbHandler, {0xCF});          // iret
  r.put(kGpHandler, {0xF4});          // hlt
  r.put(kSoftHandler, {0x90, 0xCF});  // nop; iret
}

/// A second 32-bit TSS (selector 48h at 680h) whose task starts at the NMI
/// handler's address with its stack below 6000h.
constexpr u32 kTss2 = 0x680;
constexpr u16 kTss2Sel = 0x48;
void second_task(PmRig& r) {
  r.desc(kTss2Sel, kTss2, 0x67, 0x89, 0);
  store_le<u32>(&r.ram[kTss2 + 0x20], kNmiHandler);  // EIP
  store_le<u32>(&r.ram[kTss2 + 0x24], 0x2);          // EFLAGS
  store_le<u32>(&r.ram[kTss2 + 0x38], 0x6000);       // ESP
  for (unsigned i = 0; i < 6; ++i) store_le<u16>(&r.ram[kTss2 + 0x48 + 4 * i], i == CS ? PmRig::kCode0 : PmRig::kData0);
}
}  // namespace

TEST_CASE("TF set: INT n, INT3 and INTO enter their handler without a single-step trap", "[cpu][debug]") {
  PmRig r;
  event_rig(r);
  r.s.dr[6] = 0xFFFF'0FF0u;
  const auto [bytes, what] = GENERATE(table<std::vector<u8>, const char*>(
      {{{0xCD, 0x21}, "INT 21h"}, {{0xCC}, "INT3"}, {{0xCE}, "INTO"}}));
  INFO(what);
  std::copy(bytes.begin(), bytes.end(), r.ram.begin() + PmRig::kCode);
  const u32 next = PmRig::kCode + static_cast<u32>(bytes.size());
  r.put(next, {0x90, 0x90});
  r.bus.host_wrote(PmRig::kCode, bytes.size());
  r.s.rip = PmRig::kCode;
  r.s.flags.set_all(fl::OF);
  r.s.eflags_rest |= fl::TF;
  r.cpu.step();  // the INT: into its handler, TF clear, no #DB
  CHECK(r.s.rip == kSoftHandler);
  CHECK((r.s.eflags_rest & fl::TF) == 0);
  CHECK((r.dword(0x8000 - 4) & fl::TF) != 0);  // the pushed EFLAGS keeps TF
  CHECK((r.s.dr[6] & kDr6Bs) == 0);
  r.cpu.step();  // the handler's NOP runs untraced
  CHECK(r.s.rip == kSoftHandler + 1);
  r.cpu.step();  // IRET restores TF; it began with TF clear: no trap
  CHECK(r.s.rip == next);
  CHECK((r.s.eflags_rest & fl::TF) != 0);
  r.cpu.step();  // the next instruction traps
  CHECK(r.s.rip == kDbHandler);
  CHECK(r.dword(0x8000 - 12) == next + 1);
  CHECK((r.s.dr[6] & kDr6Bs) != 0);
}

TEST_CASE("TF set: an instruction that faults raises no single-step trap", "[cpu][debug]") {
  PmRig r;
  event_rig(r);
  r.code({0x8E, 0xD8});   // mov ds, ax
  r.s.gpr[EAX] = 0xFFF8;  // beyond the GDT limit: #GP(FFF8h)
  r.s.eflags_rest |= fl::TF;
  r.cpu.step();
  REQUIRE(r.log.faults.size() == 1);
  CHECK(r.s.rip == kGpHandler);
}

TEST_CASE("NMIs are held from NMI delivery until the next IRET", "[cpu][nmi]") {
  PmRig r;
  event_rig(r);
  r.code({0x90, 0x90});
  SECTION("a second NMI waits for the handler's IRET") {
    r.put(kNmiHandler, {0x90, 0x90, 0xCF});  // nop; nop; iret
    r.cpu.raise_nmi();
    r.cpu.step();
    CHECK(r.s.rip == kNmiHandler);
    CHECK(r.cpu.nmi_blocked());
    r.cpu.raise_nmi();  // e.g. a self-NMI from the handler
    CHECK_FALSE(r.cpu.event_pending());
    r.cpu.step();
    CHECK(r.s.rip == kNmiHandler + 1);  // not re-entered
    CHECK(r.s.gpr[ESP] == 0x8000 - 12);
    r.cpu.step();
    r.cpu.step();  // IRET
    CHECK(r.s.rip == PmRig::kCode);
    CHECK(r.s.gpr[ESP] == 0x8000);
    CHECK(r.cpu.event_pending());
    r.cpu.step();  // the held NMI
    CHECK(r.s.rip == kNmiHandler);
    CHECK(r.s.gpr[ESP] == 0x8000 - 12);
  }
  SECTION("HLT in the handler with an NMI held stays halted") {
    r.put(kNmiHandler, {0xF4});
    r.cpu.raise_nmi();
    r.cpu.step();
    r.cpu.raise_nmi();
    CHECK(r.cpu.run(10) == StopReason::Halted);
    CHECK(r.cpu.run(10) == StopReason::Halted);
    CHECK(r.s.rip == kNmiHandler + 1);
  }
  SECTION("an IRET that faults still ends the blocking") {
    r.put(kNmiHandler, {0xCF});
    r.cpu.raise_nmi();
    r.cpu.step();
    store_le<u32>(&r.ram[0x8000 - 8], 0);  // the frame's CS: null, so IRET faults #GP(0)
    r.cpu.raise_nmi();
    r.cpu.step();
    REQUIRE(r.log.faults.size() == 1);
    CHECK(r.log.faults[0].vector == kGP);
    CHECK(r.s.rip == kGpHandler);
    CHECK_FALSE(r.cpu.nmi_blocked());
    r.cpu.step();  // the NMI, before the #GP handler's first instruction
    CHECK(r.s.rip == kNmiHandler);
  }
  SECTION("INT 2 is not an NMI: no blocking") {
    r.put(kNmiHandler, {0x90});
    r.gate(kNMI, PmRig::kCode0, kNmiHandler, 0x8E);
    r.code({0xCD, 0x02});
    r.cpu.step();
    CHECK(r.s.rip == kNmiHandler);
    CHECK_FALSE(r.cpu.nmi_blocked());
  }
}

TEST_CASE("An NMI through a task gate is held until the handler task's IRET", "[cpu][nmi]") {
  // SDM Vol. 3A 6.7.1 with 7.3: the IRET that returns from the nested NMI
  // task (EFLAGS.NT) ends the blocking like any other.
  PmRig r;
  event_rig(r);
  second_task(r);
  r.ram[PmRig::kIdt + kNMI * 8 + 2] = kTss2Sel;  // task gate: selector, type 85h
  r.ram[PmRig::kIdt + kNMI * 8 + 5] = 0x85;
  r.put(kNmiHandler, {0x90, 0xCF, 0xEB, 0xFC});  // nop; iret; jmp short back to the nop
  r.code({0x90, 0x90});
  r.cpu.raise_nmi();
  r.cpu.step();
  CHECK(r.s.tr.selector == kTss2Sel);
  CHECK(r.s.rip == kNmiHandler);
  CHECK((r.s.eflags_rest & fl::NT) != 0);
  r.cpu.raise_nmi();
  r.cpu.step();  // nop: the NMI waits
  CHECK(r.s.rip == kNmiHandler + 1);
  r.cpu.step();  // iret: back to the interrupted task
  CHECK(r.s.tr.selector == PmRig::kTssSel);
  CHECK(r.s.rip == PmRig::kCode);
  r.cpu.step();  // the held NMI: the task resumes after its IRET
  CHECK(r.s.tr.selector == kTss2Sel);
  CHECK(r.s.rip == kNmiHandler + 2);
}

TEST_CASE("A task switch into a TSS with its T flag set: #DB with DR6.BT in the new task", "[cpu][debug]") {
  // SDM Vol. 3A 17.3.1.5: after control has passed to the new task, before
  // its first instruction.
  PmRig r;
  event_rig(r);
  second_task(r);
  store_le<u16>(&r.ram[kTss2 + 0x64], 1);  // T
  r.put(kNmiHandler, {0x90});
  r.s.dr[6] = 0xFFFF'0FF0u;
  SECTION("JMP to the TSS") {
    r.code({0xEA, 0x00, 0x00, 0x00, 0x00, kTss2Sel, 0x00});  // jmp 48h:0
    r.cpu.step();
    CHECK(r.s.tr.selector == kTss2Sel);
    CHECK(r.s.rip == kDbHandler);
    CHECK(r.dword(0x6000 - 12) == kNmiHandler);  // the new task's first instruction
    CHECK((r.s.dr[6] & kDr6Bt) != 0);
  }
  SECTION("an NMI through a task gate") {
    r.ram[PmRig::kIdt + kNMI * 8 + 2] = kTss2Sel;
    r.ram[PmRig::kIdt + kNMI * 8 + 5] = 0x85;
    r.code({0x90});
    r.cpu.raise_nmi();
    r.cpu.step();
    CHECK(r.s.rip == kNmiHandler);
    r.cpu.step();  // the trap, before the handler task's first instruction
    CHECK(r.s.rip == kDbHandler);
    CHECK(r.dword(0x6000 - 12) == kNmiHandler);
    CHECK((r.s.dr[6] & kDr6Bt) != 0);
  }
  SECTION("T clear: no trap") {
    store_le<u16>(&r.ram[kTss2 + 0x64], 0);
    r.code({0xEA, 0x00, 0x00, 0x00, 0x00, kTss2Sel, 0x00});
    r.cpu.step();
    CHECK(r.s.rip == kNmiHandler);
    CHECK((r.s.dr[6] & kDr6Bt) == 0);
  }
}

TEST_CASE("INT n from virtual-8086 mode needs a nonconforming DPL 0 handler", "[cpu][v86]") {
  // SDM Vol. 3A 20.3.1.1 and Vol. 2A INT n: from VM = 1 (IOPL 3), a gate
  // to a conforming segment or to one with DPL != 0 is #GP(selector).
  PmRig r;
  event_rig(r);
  r.desc(0x38, 0, 0xFFFFF, 0x9E, 0xC);  // conforming code, DPL 0
  r.desc(0x40, 0, 0xFFFFF, 0xFA, 0xC);  // nonconforming code, DPL 3
  r.gate(0x40, 0x38, kSoftHandler, 0xEE);
  r.gate(0x41, 0x40, kSoftHandler, 0xEE);
  r.gate(0x42, PmRig::kCode0, kSoftHandler, 0xEE);
  const auto [vector, error] = GENERATE(table<u8, int>({{0x40, 0x38}, {0x41, 0x40}, {0x42, -1}}));
  INFO("INT " << int{vector});
  r.put(0x2000, {0xCD, vector});
  r.s.eflags_rest |= fl::VM | (3u << 12);
  r.s.cpl = 3;
  r.cpu.load_cs_real(0x0200, 0, false);
  for (unsigned seg : {SS, DS, ES, FS, GS}) r.cpu.load_segment(seg, 0x0700);
  r.cpu.update_mode();
  r.s.gpr[ESP] = 0x0F00;
  r.cpu.step();
  if (error < 0) {
    CHECK(r.log.faults.empty());
    CHECK(r.s.rip == kSoftHandler);
    CHECK(r.s.cpl == 0);
  } else {
    REQUIRE(r.log.faults.size() == 1);
    CHECK(r.log.faults[0].vector == kGP);
    CHECK(r.log.faults[0].error == static_cast<u32>(error));
    CHECK(r.s.rip == kGpHandler);
  }
}

TEST_CASE("A fault while delivering an exception sets EXT in its error code", "[cpu][pm]") {
  // SDM Vol. 3A 6.13 (EXT: "an event external to the program, such as an
  // interrupt or an earlier exception"); Vol. 2A INT n: #GP(error_code(new
  // code-segment selector,0,EXT)), #TS(error_code(SS selector,0,EXT)),
  // #TS(error_code(current TSS selector,0,EXT)).
  PmRig r;
  event_rig(r);
  SECTION("the gate's code selector beyond the GDT limit: #GP(selector + EXT)") {
    r.gate(kUD, 0x100, kSoftHandler, 0x8E);  // GDT limit FFh
    r.code({0x0F, 0x0B});                    // UD2
    r.cpu.run(10);
    REQUIRE(r.log.faults.size() == 1);
    REQUIRE(r.log.faults[0].vector == kUD);
    REQUIRE(r.s.rip == kGpHandler + 1);
    CHECK(r.dword(static_cast<u32>(r.s.gpr[ESP])) == 0x101);  // the #GP's error code
  }
  // From CPL 3, every delivery needs the ring-0 stack, so the bad one ends
  // in a triple fault; its last fault (delivering #DF) carries EXT.
  r.desc(0x20, 0, 0xFFFFF, 0xFA, 0xC);  // code, DPL 3
  r.desc(0x28, 0, 0xFFFFF, 0xF2, 0xC);  // data, DPL 3
  r.gate(kUD, PmRig::kCode0, kSoftHandler, 0x8E);
  r.gate(kTS, PmRig::kCode0, kSoftHandler, 0x8E);
  r.gate(kDF, PmRig::kCode0, kSoftHandler, 0x8E);
  r.code({0x0F, 0x0B});  // UD2
  auto to_cpl3 = [&r] {
    r.s.cpl = 3;
    r.s.seg[CS].selector = 0x23;
    r.s.seg[CS].access = 0xFB;
    r.s.seg[SS].selector = 0x2B;
    r.s.seg[SS].access = 0xF3;
    r.cpu.update_mode();
  };
  SECTION("TSS.SS0 beyond the GDT limit: #TS(SS0 + EXT)") {
    store_le<u16>(&r.ram[PmRig::kTss + 8], 0x100);
    to_cpl3();
    REQUIRE(r.cpu.run(10) == StopReason::Shutdown);
    CHECK(r.cpu.last_fault().vector == kTS);
    CHECK(r.cpu.last_fault().error == 0x101);
  }
  SECTION("ESP0/SS0 beyond the TSS limit: #TS(TR + EXT)") {
    r.s.tr.limit = 0x7;
    to_cpl3();
    REQUIRE(r.cpu.run(10) == StopReason::Shutdown);
    CHECK(r.cpu.last_fault().vector == kTS);
    CHECK(r.cpu.last_fault().error == (PmRig::kTssSel | 1u));
  }
}
