// IA-32e system structures and control transfers: the 64-bit IDT and its
// frames, IST, IRETQ, 16-byte call gates and RETFQ, SYSCALL/SYSRET,
// SYSENTER/SYSEXIT, LTR and LAR with 16-byte descriptors, NULL SS (SDM Vol.
// 3A 5.8.3.1, 6.14, 8.7; Vol. 2 instruction pages).
#include "tests/unit/cpu/long_rig.hpp"

namespace gb::test {
namespace {

constexpr u32 kHandler = 0x4000;

TEST_CASE("64-bit IDT: same-level frame, 16-byte aligned, IF cleared", "[long][idt]") {
  LongRig r;
  r.gate64(0x40, LongRig::kCode64, kHandler, 0x8E);
  r.put(kHandler, {0xF4});
  r.s.eflags_rest |= fl::IF;
  r.code({0xCD, 0x40});  // INT 40h
  r.cpu.run(10);
  REQUIRE(r.s.rip == kHandler + 1);
  REQUIRE(r.s.gpr[ESP] == 0x8000 - 40);  // 8008h aligned down to 8000h first
  REQUIRE(r.qword(0x8000 - 40) == 0x1002);          // RIP
  REQUIRE(r.qword(0x8000 - 32) == LongRig::kCode64);  // CS
  REQUIRE((r.qword(0x8000 - 24) & fl::IF) != 0);      // RFLAGS
  REQUIRE(r.qword(0x8000 - 16) == 0x8008);            // RSP
  REQUIRE(r.qword(0x8000 - 8) == PmRig::kData0);      // SS
  REQUIRE((r.s.eflags_rest & fl::IF) == 0);
  REQUIRE(r.log.faults.empty());
}

TEST_CASE("64-bit IDT: IST stack at the same level, error code as a qword", "[long][idt]") {
  LongRig r;
  r.set_qword(LongRig::kTss64 + 0x24 + 8, 0xA008);  // IST2
  r.gate64(kGP, LongRig::kCode64, kHandler, 0x8F, 2);
  r.put(kHandler, {0xF4});
  r.code({0x0F, 0x00, 0xD8});  // LTR AX, AX = 0: #GP(0)
  r.s.gpr[EAX] = 0;
  r.cpu.run(10);
  REQUIRE(r.s.rip == kHandler + 1);
  REQUIRE(r.s.gpr[ESP] == 0xA000 - 48);
  REQUIRE(r.qword(0xA000 - 48) == 0);       // error code
  REQUIRE(r.qword(0xA000 - 40) == 0x1000);  // the faulting RIP
  REQUIRE(r.qword(0xA000 - 16) == 0x8008);
}

TEST_CASE("64-bit IDT: CPL 3 to CPL 0 takes RSP0, SS = NULL; IRETQ returns to CPL 3", "[long][idt]") {
  LongRig r;
  r.set_qword(LongRig::kTss64 + 4, 0x9008);  // RSP0
  r.gate64(0x40, LongRig::kCode64, kHandler, 0xEE);
  r.put(kHandler, {0x48, 0xCF});  // IRETQ
  // IRETQ from CPL 0 into CPL 3 64-bit code at 1100h: INT 40h; NOP.
  r.put(0x1100, {0xCD, 0x40, 0x90});
  r.set_qword(0x7F00, 0x1100);
  r.set_qword(0x7F08, LongRig::kCode64u | 3);
  r.set_qword(0x7F10, 0x202);
  r.set_qword(0x7F18, 0x6008);
  r.set_qword(0x7F20, LongRig::kData3 | 3);
  r.code({0x48, 0xCF});
  r.s.gpr[ESP] = 0x7F00;
  r.cpu.step();
  REQUIRE(r.s.cpl == 3);
  REQUIRE(r.s.rip == 0x1100);
  REQUIRE(r.s.gpr[ESP] == 0x6008);
  REQUIRE(r.s.seg[SS].selector == (LongRig::kData3 | 3));
  r.cpu.step();  // INT 40h
  REQUIRE(r.s.cpl == 0);
  REQUIRE(r.s.rip == kHandler);
  REQUIRE(r.s.seg[SS].selector == 0);  // NULL with RPL = 0
  REQUIRE(r.s.gpr[ESP] == 0x9000 - 40);
  REQUIRE(r.qword(0x9000 - 40) == 0x1102);
  REQUIRE(r.qword(0x9000 - 32) == (LongRig::kCode64u | 3));
  REQUIRE(r.qword(0x9000 - 16) == 0x6008);
  REQUIRE(r.qword(0x9000 - 8) == (LongRig::kData3 | 3));
  r.cpu.step();  // IRETQ back to CPL 3
  REQUIRE(r.s.cpl == 3);
  REQUIRE(r.s.rip == 0x1102);
  REQUIRE(r.s.gpr[ESP] == 0x6008);
  REQUIRE(r.s.seg[SS].selector == (LongRig::kData3 | 3));
  REQUIRE(r.log.faults.empty());
}

TEST_CASE("64-bit IDT: a task gate or a 32-bit code target is #GP", "[long][idt]") {
  LongRig r;
  r.gate64(kGP, LongRig::kCode64, kHandler, 0x8E);
  r.put(kHandler, {0xF4});
  SECTION("task gate") {
    r.gate64(0x40, LongRig::kTssSel, 0, 0x85);
    r.code({0xCD, 0x40});
    r.cpu.run(10);
    REQUIRE(r.log.faults.size() == 1);
    REQUIRE(r.log.faults[0].error == 0x40 * 8 + 2);
  }
  SECTION("32-bit code segment") {
    r.gate64(0x40, PmRig::kCode0, kHandler, 0x8E);
    r.code({0xCD, 0x40});
    r.cpu.run(10);
    REQUIRE(r.log.faults.size() == 1);
    REQUIRE(r.log.faults[0].error == PmRig::kCode0);
  }
  SECTION("non-canonical handler RIP") {
    r.gate64(0x40, LongRig::kCode64, 0x0000'8000'0000'0000ull, 0x8E);
    r.code({0xCD, 0x40});
    r.cpu.run(10);
    REQUIRE(r.log.faults.size() == 1);
    REQUIRE(r.log.faults[0].error == 0);
  }
  REQUIRE(r.s.rip == kHandler + 1);
}

TEST_CASE("64-bit IDT: a fault while delivering an exception sets EXT in its error code", "[long][idt]") {
  // SDM Vol. 3A 6.13 (EXT: "an event external to the program, such as an
  // interrupt or an earlier exception"); Vol. 2A INT n, TRAP-OR-INTERRUPT-GATE:
  // #GP(error_code(new code-segment selector,0,EXT)), #GP(EXT).
  LongRig r;
  r.gate64(kGP, LongRig::kCode64, kHandler, 0x8E);
  r.put(kHandler, {0xF4});
  u64 error = ~u64{0};
  SECTION("the gate's code selector beyond the GDT limit") {
    r.gate64(kUD, 0x100, kHandler, 0x8E);  // GDT limit FFh
    error = 0x101;
  }
  SECTION("a 32-bit code segment") {
    r.gate64(kUD, PmRig::kCode0, kHandler, 0x8E);
    error = PmRig::kCode0 | 1;
  }
  SECTION("a non-canonical handler RIP") {
    r.gate64(kUD, LongRig::kCode64, 0x0000'8000'0000'0000ull, 0x8E);
    error = 1;
  }
  r.code({0x0F, 0x0B});  // UD2
  r.cpu.run(10);
  REQUIRE(r.log.faults.size() == 1);
  REQUIRE(r.log.faults[0].vector == kUD);
  REQUIRE(r.s.rip == kHandler + 1);
  REQUIRE(r.qword(static_cast<u32>(r.s.gpr[ESP])) == error);  // the #GP's error code
  REQUIRE(r.qword(static_cast<u32>(r.s.gpr[ESP]) + 8) == LongRig::kCode);  // the faulting UD2
}

TEST_CASE("Compatibility mode: interrupts use the 64-bit IDT; IRETQ returns there", "[long][idt]") {
  LongRig r;
  r.gate64(0x40, LongRig::kCode64, kHandler, 0x8E);
  r.put(kHandler, {0x48, 0xCF});  // IRETQ
  // JMP FAR to 08h:1100h (32-bit code): INT 40h; NOP.
  r.set_qword(0x5000, 0x1100);
  store_le<u16>(&r.ram[0x5004], PmRig::kCode0);
  r.code({0xFF, 0x2C, 0x25, 0x00, 0x50, 0x00, 0x00});  // JMP FAR [5000h] (m16:32)
  r.put(0x1100, {0xCD, 0x40, 0x90});
  r.cpu.step();
  REQUIRE_FALSE(r.cpu.mode64());
  REQUIRE(r.s.rip == 0x1100);
  r.cpu.step();
  REQUIRE(r.cpu.mode64());
  REQUIRE(r.qword(0x8000 - 40) == 0x1102);
  REQUIRE(r.qword(0x8000 - 32) == PmRig::kCode0);
  r.cpu.step();
  REQUIRE_FALSE(r.cpu.mode64());
  REQUIRE(r.s.rip == 0x1102);
  REQUIRE(r.s.gpr[ESP] == 0x8008);
  REQUIRE(r.log.faults.empty());
}

TEST_CASE("IRETQ with NT set is #GP(0) in IA-32e mode", "[long][idt]") {
  LongRig r;
  r.gate64(kGP, LongRig::kCode64, kHandler, 0x8E);
  r.put(kHandler, {0xF4});
  r.s.eflags_rest |= fl::NT;
  r.code({0x48, 0xCF});
  r.cpu.run(10);
  REQUIRE(r.log.faults.size() == 1);
  REQUIRE(r.log.faults[0].vector == kGP);
  REQUIRE(r.log.faults[0].error == 0);
}

TEST_CASE("16-byte call gate: CPL 3 to CPL 0, quadword frame on RSP0; RETFQ back", "[long][callgate]") {
  LongRig r;
  r.set_qword(LongRig::kTss64 + 4, 0x9008);  // RSP0 (call gates do not align)
  r.call_gate64(0x60, LongRig::kCode64, kHandler, 3);
  r.put(kHandler, {0x48, 0xCB});  // RETFQ
  r.set_qword(0x5000, 0);
  store_le<u16>(&r.ram[0x5008], 0x63);
  // At CPL 3: CALL FAR [5000h] (REX.W, m16:64); NOP.
  r.put(0x1100, {0x48, 0xFF, 0x1C, 0x25, 0x00, 0x50, 0x00, 0x00, 0x90});
  r.set_qword(0x7F00, 0x1100);
  r.set_qword(0x7F08, LongRig::kCode64u | 3);
  r.set_qword(0x7F10, 0x202);
  r.set_qword(0x7F18, 0x6008);
  r.set_qword(0x7F20, LongRig::kData3 | 3);
  r.code({0x48, 0xCF});
  r.s.gpr[ESP] = 0x7F00;
  r.cpu.step();
  REQUIRE(r.s.cpl == 3);
  SECTION("through the gate and back") {
    r.cpu.step();
    REQUIRE(r.s.cpl == 0);
    REQUIRE(r.s.rip == kHandler);
    REQUIRE(r.s.seg[SS].selector == 0);
    REQUIRE(r.s.gpr[ESP] == 0x9008 - 32);
    REQUIRE(r.qword(0x9008 - 32) == 0x1108);
    REQUIRE(r.qword(0x9008 - 24) == (LongRig::kCode64u | 3));
    REQUIRE(r.qword(0x9008 - 16) == 0x6008);
    REQUIRE(r.qword(0x9008 - 8) == (LongRig::kData3 | 3));
    r.cpu.step();
    REQUIRE(r.s.cpl == 3);
    REQUIRE(r.s.rip == 0x1108);
    REQUIRE(r.s.gpr[ESP] == 0x6008);
    REQUIRE(r.s.seg[SS].selector == (LongRig::kData3 | 3));
    REQUIRE(r.log.faults.empty());
  }
  SECTION("a nonzero upper type field is #GP(gate)") {
    r.call_gate64(0x60, LongRig::kCode64, kHandler, 3, 0x0C);
    r.s.idtr.limit = 0;  // the #GP itself then double-faults: look at the log
    r.cpu.step();
    REQUIRE(!r.log.faults.empty());
    REQUIRE(r.log.faults[0].vector == kGP);
    REQUIRE(r.log.faults[0].error == 0x60);
  }
}

TEST_CASE("SYSCALL and SYSRET", "[long][syscall]") {
  LongRig r;
  r.s.msr.star = (u64{LongRig::kData3} << 48) | (u64{LongRig::kCode64} << 32);
  r.s.msr.lstar = kHandler;
  r.s.msr.fmask = fl::IF | fl::DF;
  r.s.eflags_rest |= fl::IF | fl::DF;
  r.gate64(kGP, LongRig::kCode64, 0x4800, 0x8E);
  r.gate64(kUD, LongRig::kCode64, 0x4800, 0x8E);
  r.put(0x4800, {0xF4});
  SECTION("round trip to 64-bit mode") {
    // Handler: MOV ECX, 1100h; SYSRETQ.
    r.put(kHandler, {0xB9, 0x00, 0x11, 0x00, 0x00, 0x48, 0x0F, 0x07});
    r.put(0x1100, {0x90});
    r.code({0x0F, 0x05});
    r.cpu.step();
    REQUIRE(r.s.rip == kHandler);
    REQUIRE(r.s.gpr[ECX] == 0x1002);
    REQUIRE((r.s.gpr[R11] & (fl::IF | fl::DF)) == (fl::IF | fl::DF));
    REQUIRE((r.s.eflags_rest & (fl::IF | fl::DF)) == 0);
    REQUIRE(r.s.seg[CS].selector == LongRig::kCode64);
    REQUIRE(r.s.seg[SS].selector == LongRig::kCode64 + 8);
    REQUIRE(r.cpu.mode64());
    r.cpu.step();
    r.cpu.step();
    REQUIRE(r.s.cpl == 3);
    REQUIRE(r.s.rip == 0x1100);
    REQUIRE(r.s.seg[CS].selector == (LongRig::kData3 + 16 | 3));
    REQUIRE(r.s.seg[SS].selector == (LongRig::kData3 + 8 | 3));
    REQUIRE(r.cpu.mode64());
    REQUIRE((r.s.eflags_rest & fl::IF) != 0);
  }
  SECTION("SYSRET without REX.W returns to compatibility mode") {
    r.put(kHandler, {0xB9, 0x00, 0x11, 0x00, 0x00, 0x0F, 0x07});
    r.code({0x0F, 0x05});
    r.cpu.run(3);
    REQUIRE(r.s.cpl == 3);
    REQUIRE_FALSE(r.cpu.mode64());
    REQUIRE(r.s.seg[CS].selector == (LongRig::kData3 | 3));
    REQUIRE(r.s.rip == 0x1100);
  }
  SECTION("SYSRETQ to a non-canonical RCX is #GP(0) at CPL 0 (Intel)") {
    r.s.gpr[ECX] = 0x0000'8000'0000'0000ull;
    r.code({0x48, 0x0F, 0x07});
    r.cpu.run(5);
    REQUIRE(r.log.faults.size() == 1);
    REQUIRE(r.log.faults[0].vector == kGP);
    REQUIRE(r.s.cpl == 0);
    REQUIRE(r.s.seg[CS].selector == LongRig::kCode64);
  }
  SECTION("EFER.SCE = 0 is #UD") {
    r.s.efer &= ~msr::kEferSce;
    r.code({0x0F, 0x05});
    r.cpu.run(5);
    REQUIRE(r.log.faults.size() == 1);
    REQUIRE(r.log.faults[0].vector == kUD);
  }
  SECTION("#UD in compatibility mode (Intel)") {
    r.set_qword(0x5000, 0x1100);
    store_le<u16>(&r.ram[0x5004], PmRig::kCode0);
    r.code({0xFF, 0x2C, 0x25, 0x00, 0x50, 0x00, 0x00});
    r.put(0x1100, {0x0F, 0x05});
    r.cpu.run(5);
    REQUIRE(r.log.faults.size() == 1);
    REQUIRE(r.log.faults[0].vector == kUD);
  }
}

TEST_CASE("SYSENTER from compatibility mode enters 64-bit mode; SYSEXIT REX.W returns to it", "[long][sysenter]") {
  LongRig r;
  r.s.msr_sysenter_cs = LongRig::kCode64;
  r.s.msr_sysenter_eip = kHandler;
  r.s.msr_sysenter_esp = 0x9000;
  r.set_qword(0x5000, 0x1100);
  store_le<u16>(&r.ram[0x5004], PmRig::kCode0);
  r.code({0xFF, 0x2C, 0x25, 0x00, 0x50, 0x00, 0x00});
  r.put(0x1100, {0x0F, 0x34});
  r.put(kHandler, {0x48, 0x0F, 0x35});  // SYSEXIT (REX.W)
  r.cpu.step();
  REQUIRE_FALSE(r.cpu.mode64());
  r.cpu.step();
  REQUIRE(r.cpu.mode64());
  REQUIRE(r.s.rip == kHandler);
  REQUIRE(r.s.gpr[ESP] == 0x9000);
  r.s.gpr[ECX] = 0x6000;
  r.s.gpr[EDX] = 0x1200;
  r.cpu.step();
  REQUIRE(r.cpu.mode64());
  REQUIRE(r.s.cpl == 3);
  REQUIRE(r.s.seg[CS].selector == (LongRig::kCode64 + 32 | 3));
  REQUIRE(r.s.seg[SS].selector == (LongRig::kCode64 + 40 | 3));
  REQUIRE(r.s.rip == 0x1200);
  REQUIRE(r.s.gpr[ESP] == 0x6000);
}

TEST_CASE("LTR reads the 16-byte TSS descriptor; LAR and STR with REX.W", "[long][descriptors]") {
  LongRig r;
  r.desc(0x60, 0x3000, 0x67, 0x89, 0);
  store_le<u32>(&r.ram[PmRig::kGdt + 0x68], 0x12);  // base 63:32
  store_le<u32>(&r.ram[PmRig::kGdt + 0x6C], 0);
  SECTION("base 63:32 from the second quadword") {
    r.s.gpr[EAX] = 0x60;
    r.code({0x0F, 0x00, 0xD8});  // LTR AX
    r.cpu.step();
    REQUIRE(r.s.tr.base == 0x12'0000'3000ull);
    r.s.gpr[ECX] = ~u64{0};
    r.code({0x48, 0x0F, 0x00, 0xC9});  // STR RCX
    r.cpu.step();
    REQUIRE(r.s.gpr[ECX] == 0x60);
  }
  SECTION("a nonzero upper type field is #GP(selector)") {
    store_le<u32>(&r.ram[PmRig::kGdt + 0x6C], 0x0900);
    r.gate64(kGP, LongRig::kCode64, kHandler, 0x8E);
    r.put(kHandler, {0xF4});
    r.s.gpr[EAX] = 0x60;
    r.code({0x0F, 0x00, 0xD8});
    r.cpu.run(5);
    REQUIRE(r.log.faults.size() == 1);
    REQUIRE(r.log.faults[0].error == 0x60);
  }
  SECTION("LAR: a 16-bit TSS is invalid in IA-32e mode, the 64-bit TSS valid") {
    r.desc(0x70, 0x3000, 0x2B, 0x81, 0);
    r.s.gpr[ECX] = 0x70;
    r.code({0x48, 0x0F, 0x02, 0xC1});  // LAR RAX, CX
    r.cpu.step();
    REQUIRE_FALSE(r.s.flags.zf());
    r.s.gpr[ECX] = LongRig::kTss64Sel;
    r.s.gpr[EAX] = ~u64{0};
    r.code({0x48, 0x0F, 0x02, 0xC1});
    r.cpu.step();
    REQUIRE(r.s.flags.zf());
    REQUIRE(r.s.gpr[EAX] == 0x0000'8B00);  // busy after LTR
  }
}

TEST_CASE("64-bit mode: MOV SS with a NULL selector at CPL 0", "[long][segments]") {
  LongRig r;
  r.s.gpr[EAX] = 0;
  r.code({0x8E, 0xD0});  // MOV SS, AX
  r.cpu.step();
  REQUIRE(r.log.faults.empty());
  REQUIRE(r.s.seg[SS].selector == 0);
  r.s.gpr[ESP] = 0x8000;
  r.code({0x50, 0x58});  // PUSH RAX; POP RAX still work
  r.cpu.step();
  r.cpu.step();
  REQUIRE(r.log.faults.empty());
  REQUIRE(r.s.gpr[ESP] == 0x8000);
}

TEST_CASE("IA-32e far transfers: L = D = 1 and task gates are #GP; RETF to compatibility mode", "[long][far]") {
  LongRig r;
  r.gate64(kGP, LongRig::kCode64, kHandler, 0x8E);
  r.put(kHandler, {0xF4});
  SECTION("JMP FAR to a code segment with L = 1 and D = 1: #GP(selector)") {
    r.desc(0x60, 0, 0xFFFFF, 0x9A, 0xE);
    r.set_qword(0x5000, 0x1100);
    store_le<u16>(&r.ram[0x5004], 0x60);
    r.code({0xFF, 0x2C, 0x25, 0x00, 0x50, 0x00, 0x00});
    r.cpu.run(5);
    REQUIRE(r.log.faults.size() == 1);
    REQUIRE(r.log.faults[0].error == 0x60);
  }
  SECTION("JMP FAR to a TSS: #GP(selector), no task switch") {
    r.set_qword(0x5000, 0);
    store_le<u16>(&r.ram[0x5004], PmRig::kTssSel);
    r.code({0xFF, 0x2C, 0x25, 0x00, 0x50, 0x00, 0x00});
    r.cpu.run(5);
    REQUIRE(r.log.faults.size() == 1);
    REQUIRE(r.log.faults[0].error == PmRig::kTssSel);
  }
  SECTION("RETF (4-byte slots) from 64-bit mode to 32-bit code at the same level") {
    r.set_qword(0x7000, (u64{PmRig::kCode0} << 32) | 0x1100);
    r.s.gpr[ESP] = 0x7000;
    r.put(0x1100, {0x90});
    r.code({0xCB});
    r.cpu.step();
    REQUIRE_FALSE(r.cpu.mode64());
    REQUIRE(r.s.rip == 0x1100);
    REQUIRE(r.s.gpr[ESP] == 0x7008);
    REQUIRE(r.log.faults.empty());
  }
  SECTION("RETFQ to a non-canonical RIP in 64-bit code: #GP(0)") {
    r.set_qword(0x7000, 0x0000'8000'0000'0000ull);
    r.set_qword(0x7008, LongRig::kCode64);
    r.s.gpr[ESP] = 0x7000;
    r.code({0x48, 0xCB});
    r.cpu.run(5);
    REQUIRE(r.log.faults.size() == 1);
    REQUIRE(r.log.faults[0].error == 0);
    REQUIRE(r.s.gpr[ESP] == 0x7000 - 48);  // the fault restored RSP = 7000h
    REQUIRE(r.qword(0x7000 - 48) == 0);     // error code
    REQUIRE(r.qword(0x7000 - 40) == 0x1000);
  }
}

TEST_CASE("LLDT reads the 16-byte LDT descriptor in IA-32e mode", "[long][descriptors]") {
  LongRig r;
  r.desc(0x60, 0x6000, 0xFF, 0x82, 0);
  store_le<u32>(&r.ram[PmRig::kGdt + 0x68], 0x7);
  store_le<u32>(&r.ram[PmRig::kGdt + 0x6C], 0);
  r.s.gpr[EAX] = 0x60;
  r.code({0x0F, 0x00, 0xD0});  // LLDT AX
  r.cpu.step();
  REQUIRE(r.s.ldtr.base == 0x7'0000'6000ull);
  REQUIRE(r.s.ldtr.selector == 0x60);
}

}  // namespace
}  // namespace gb::test
