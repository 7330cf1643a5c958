// The x87 through the CPU (cpu/ops/x87*.cpp): stack faults, #MF and FERR#,
// #NM, the environment layouts, FXSAVE, the opcode map's corners, and the
// models with and without an FPU. Real-mode code at 1000:0000, data at
// DS = 2000h; interrupt vector v runs a HLT at 0800:v*16.
#include <catch2/catch.hpp>

#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "cpu/cpu.hpp"

using namespace gb;
using fpu::Float80;

namespace {

constexpr u16 kHandlerSeg = 0x0800;
constexpr u32 kData = 0x20000;  // DS base

struct Pic : InterruptAcknowledge {
  u8 vector = 0x20;
  u8 acknowledge() override { return vector; }
};

struct FerrLog : FerrListener {
  std::vector<bool> events;
  void ferr_changed(bool asserted) override { events.push_back(asserted); }
};

struct Machine {
  std::vector<u8> ram = std::vector<u8>(1u << 20);
  MemoryMap mem;
  IoMap io;
  Bus bus{mem, io};
  Pic pic;
  FerrLog ferr;
  Cpu cpu;
  CpuState& s;
  FpuState& f;
  u32 at = 0;  // next code byte (CS offset)

  /// The FPU powers up with every register full and every exception
  /// unmasked (FCW 0040h): the test code starts with FNINIT unless `init`
  /// is false.
  explicit Machine(const std::string& model = "pentium-pro", bool init = true)
      : cpu(bus, *find_cpu_model(model)), s(cpu.state()), f(cpu.state().fpu) {
    mem.map_ram(0, ram);
    bus.set_interrupt_acknowledge(&pic);
    cpu.set_log(nullptr);
    cpu.set_ferr_listener(&ferr);
    seg(CS, 0x1000);
    seg(DS, 0x2000);
    seg(ES, 0x2000);
    seg(SS, 0x3000);
    s.gpr[ESP] = 0xFFFE;
    s.rip = 0;
    for (unsigned v = 0; v < 256; ++v) {
      store_le<u16>(&ram[v * 4], static_cast<u16>(v * 16));
      store_le<u16>(&ram[v * 4 + 2], kHandlerSeg);
      ram[kHandlerSeg * 16u + v * 16] = 0xF4;  // HLT
    }
    if (init && cpu.model().has_fpu) code({0xDB, 0xE3});
  }
  void seg(unsigned r, u16 sel) {
    s.seg[r].selector = sel;
    s.seg[r].base = u32{sel} << 4;
  }
  /// Appends code at CS:at.
  void code(std::initializer_list<u8> bytes) {
    for (u8 b : bytes) ram.at(s.seg[CS].base + at++) = b;
  }
  /// Runs to the HLT that ends the test code (appended here).
  StopReason run(unsigned limit = 200) {
    code({0xF4});
    return cpu.run(limit);
  }
  bool in_handler(u8 v) const { return s.seg[CS].selector == kHandlerSeg && s.rip == v * 16u + 1; }
  u16 stack_word(unsigned i) const { return load_le<u16>(&ram[s.seg[SS].base + (s.gpr[ESP] & 0xFFFF) + 2 * i]); }
  u16 w16(u32 off) const { return load_le<u16>(&ram[kData + off]); }
  u32 w32(u32 off) const { return load_le<u32>(&ram[kData + off]); }
  u64 w64(u32 off) const { return load_le<u64>(&ram[kData + off]); }
  void put16(u32 off, u16 v) { store_le<u16>(&ram[kData + off], v); }
  Float80 f80(u32 off) const { return Float80{w64(off), w16(off + 8)}; }
  u16 fsw() const { return f.fsw; }
};

/// FLDCW [disp16] with `cw` stored at DS:0xF00 first (ModR/M 2E, disp16).
void fldcw(Machine& m, u16 cw) {
  m.put16(0xF00, cw);
  m.code({0xD9, 0x2E, 0x00, 0x0F});
}

constexpr u16 IE = 0x01, ZE = 0x04, SF = 0x40, kEs = 0x80, C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000,
              B = 0x8000;

}  // namespace

TEST_CASE("x87 state at power-up and after FNINIT (SDM Vol. 3A Table 9-1)", "[x87]") {
  Machine m("pentium-pro", false);
  CHECK(m.f.fcw == 0x0040);
  CHECK(m.f.fsw == 0);
  CHECK(m.f.tag_word() == 0x5555);  // every register +0.0, tagged zero
  CHECK(m.f.st(0) == fpu::kPlusZero);
  m.code({0xDB, 0xE3});  // FNINIT
  m.run();
  CHECK(m.f.fcw == 0x037F);
  CHECK(m.f.tag_word() == 0xFFFF);
  CHECK_FALSE(m.cpu.ferr());
}

TEST_CASE("CPUID reports the FPU, and FXSR on pentium-m only", "[x87]") {
  for (const char* name : {"pentium", "pentium-pro", "pentium-m"}) {
    Machine m(name);
    m.s.gpr[EAX] = 1;
    m.code({0x0F, 0xA2});  // CPUID
    m.run();
    CHECK((m.s.gpr[EDX] & 1) == 1);
    CHECK(((m.s.gpr[EDX] >> 24) & 1) == (std::string(name) == "pentium-m" ? 1u : 0u));
  }
  // CR4.OSFXSR exists with FXSR only.
  Machine p6("pentium-pro");
  p6.s.gpr[EAX] = 0x200;
  p6.code({0x0F, 0x22, 0xE0});  // MOV CR4, EAX
  p6.run();
  CHECK(p6.in_handler(13));
  Machine pm("pentium-m");
  pm.s.gpr[EAX] = 0x200;
  pm.code({0x0F, 0x22, 0xE0});
  pm.run();
  CHECK(pm.s.cr4 == 0x200);
}

TEST_CASE("Models without an FPU keep their ESC behaviour", "[x87]") {
  Machine m386("386");
  m386.code({0xD8, 0xC1});  // FADD ST0, ST1: #UD without a coprocessor
  m386.run();
  CHECK(m386.in_handler(6));
  for (const char* name : {"8086", "286"}) {
    Machine m(name);
    m.code({0xD8, 0x06, 0x00, 0x01, 0x9B});  // ESC with a memory operand, WAIT: no-ops
    CHECK(m.run() == StopReason::Halted);
    CHECK(m.s.seg[CS].selector == 0x1000);
    CHECK(m.s.rip == 6);
  }
}

TEST_CASE("Arithmetic through the register stack", "[x87]") {
  Machine m;
  m.code({0xD9, 0xE8, 0xD9, 0xE8, 0xDE, 0xC1});  // FLD1; FLD1; FADDP
  m.code({0xD9, 0xEB, 0xDE, 0xC9});              // FLDPI; FMULP
  m.code({0xDD, 0x1E, 0x00, 0x01});              // FSTP qword [0100h]
  m.run();
  CHECK(m.w64(0x100) == 0x4019'21FB'5444'2D18u);  // 2 pi
  CHECK(m.f.tag_word() == 0xFFFF);
  // Memory operands of every integer and real size.
  Machine n;
  n.put16(0x10, 7);
  store_le<u32>(&n.ram[kData + 0x20], 0x4040'0000u);  // 3.0f
  n.code({0xDF, 0x06, 0x10, 0x00});                   // FILD word [10h]
  n.code({0xD8, 0x26, 0x20, 0x00});                   // FSUB dword [20h]: 7 - 3
  n.code({0xDA, 0x0E, 0x10, 0x00});                   // FIMUL dword [10h] (7): 28
  n.code({0xDF, 0x16, 0x30, 0x00});                   // FIST word [30h]
  n.run();
  CHECK(n.w16(0x30) == 28);
}

TEST_CASE("FCOM with FNSTSW AX, and FCOMI", "[x87]") {
  Machine m;
  m.code({0xD9, 0xE8, 0xD9, 0xEE});  // FLD1; FLDZ
  m.code({0xD8, 0xD1, 0xDF, 0xE0});  // FCOM ST1; FNSTSW AX: 0 < 1
  m.run();
  CHECK((m.s.gpr[EAX] & (C3 | C2 | C0)) == C0);
  Machine n;
  n.cpu.write_eflags(fl::OF | fl::SF | fl::AF | fl::ZF, fl::ARITH);
  n.code({0xD9, 0xE8, 0xD9, 0xEE, 0xDB, 0xF1});  // FLD1; FLDZ; FCOMI ST1
  n.run();
  CHECK((n.cpu.eflags() & fl::ARITH) == fl::CF);
  // Unordered: ZF PF CF.
  Machine u;
  u.code({0xD9, 0xE8, 0xD9, 0xEE, 0xD8, 0xF0, 0xDB, 0xE9});  // FLD1; FLDZ; FDIV ST0,ST0 (indefinite); FUCOMI ST1
  u.run();
  CHECK((u.cpu.eflags() & fl::ARITH) == (fl::ZF | fl::PF | fl::CF));
}

TEST_CASE("Stack overflow and underflow (SDM Vol. 1 8.5.1.1)", "[x87]") {
  Machine m;
  for (int i = 0; i < 9; ++i) m.code({0xD9, 0xE8});  // 9 x FLD1
  m.run();
  CHECK((m.fsw() & (IE | SF | C1)) == (IE | SF | C1));
  CHECK(m.f.st(0) == fpu::kIndefinite);
  Machine u;
  u.code({0xDB, 0xE3, 0xD8, 0xC1});  // FNINIT; FADD ST0, ST1 on an empty stack
  u.run();
  CHECK((u.fsw() & (IE | SF | C1)) == (IE | SF));
  CHECK(u.f.st(0) == fpu::kIndefinite);
  CHECK_FALSE(u.f.empty(0));
  // Unmasked: nothing changes but the flags, ES and B.
  Machine w;
  w.code({0xDB, 0xE3});
  fldcw(w, 0x037E);
  w.code({0xD8, 0xC1});
  w.run();
  CHECK((w.fsw() & (IE | SF | kEs | B)) == (IE | SF | kEs | B));
  CHECK(w.f.empty(0));
}

TEST_CASE("#MF at the next waiting instruction with CR0.NE = 1", "[x87]") {
  Machine m;
  m.s.cr0 |= 0x20;
  fldcw(m, 0x037B);  // ZE unmasked
  m.code({0xD9, 0xEE, 0xD9, 0xE8});  // FLDZ; FLD1
  const u32 fdiv = m.at;
  m.code({0xD8, 0xF1});  // FDIV ST0, ST1: 1/0
  CHECK(m.cpu.run(5) == StopReason::Budget);
  CHECK((m.fsw() & (ZE | kEs | B)) == (ZE | kEs | B));
  CHECK(m.f.st(0) == fpu::kOne);  // unmasked ZE: the destination is unchanged
  const u32 fnop = m.at;
  m.code({0xD9, 0xD0});  // FNOP: waiting, so #MF here
  m.run();
  CHECK(m.in_handler(16));
  CHECK(m.stack_word(0) == fnop);  // a fault: the return address is the FNOP
  CHECK(m.f.fip == fdiv);          // the pointers still name the FDIV
  CHECK(m.f.fop == 0x0F1);
  CHECK(m.f.fcs == 0x1000);
  CHECK_FALSE(m.cpu.ferr());
  // The no-wait forms do not check.
  Machine n;
  n.s.cr0 |= 0x20;
  fldcw(n, 0x037B);
  n.code({0xD9, 0xEE, 0xD9, 0xE8, 0xD8, 0xF1, 0xDF, 0xE0, 0xDB, 0xE2, 0x9B});  // ..., FNSTSW AX, FNCLEX, FWAIT
  n.run();
  CHECK(n.s.seg[CS].selector == 0x1000);
  CHECK((n.s.gpr[EAX] & 0xFFFF & (ZE | kEs | B)) == (ZE | kEs | B));
  CHECK((n.fsw() & (ZE | kEs | B)) == 0);
}

TEST_CASE("FLDCW unmasking a flagged exception makes it pending", "[x87]") {
  Machine m;
  m.s.cr0 |= 0x20;
  m.code({0xD9, 0xEE, 0xD9, 0xE8, 0xD8, 0xF1});  // masked 1/0: ZE set
  fldcw(m, 0x037B);
  m.code({0xD9, 0xE8});  // FLD1: #MF
  m.run();
  CHECK(m.in_handler(16));
}

TEST_CASE("FERR# with CR0.NE = 0: the P6 asserts it at the faulting instruction", "[x87]") {
  Machine m;
  fldcw(m, 0x037B);
  m.code({0xD9, 0xEE, 0xD9, 0xE8, 0xD8, 0xF1});  // 1/0 with ZE unmasked
  CHECK(m.cpu.run(5) == StopReason::Budget);
  CHECK(m.cpu.ferr());
  CHECK(m.ferr.events == std::vector<bool>{true});
  // The next waiting instruction waits for an interrupt, here IRQ 13's
  // handler at vector 75h: FNCLEX; IRET.
  const u32 fwait = m.at;
  m.code({0x9B});
  CHECK(m.run() == StopReason::Halted);
  CHECK(m.s.seg[CS].selector == 0x1000);
  CHECK(m.s.rip == fwait);
  m.ram[kHandlerSeg * 16u + 0x75 * 16] = 0xDB;
  m.ram[kHandlerSeg * 16u + 0x75 * 16 + 1] = 0xE2;  // FNCLEX
  m.ram[kHandlerSeg * 16u + 0x75 * 16 + 2] = 0xCF;  // IRET
  m.s.eflags_rest |= fl::IF;
  m.pic.vector = 0x75;
  m.cpu.set_intr(true);
  m.cpu.run(1);  // the interrupt
  m.cpu.set_intr(false);
  CHECK(m.cpu.run(10) == StopReason::Halted);
  CHECK(m.s.seg[CS].selector == 0x1000);
  CHECK(m.s.rip == fwait + 2);  // the FWAIT ran, then the final HLT
  CHECK(m.ferr.events == std::vector<bool>{true, false});
}

TEST_CASE("FERR# on the 486: asserted when it freezes; IGNNE# ignores the error", "[x87]") {
  Machine m("486");
  fldcw(m, 0x037B);
  m.code({0xD9, 0xEE, 0xD9, 0xE8, 0xD8, 0xF1});
  CHECK(m.cpu.run(5) == StopReason::Budget);
  CHECK_FALSE(m.cpu.ferr());
  m.code({0x9B});
  CHECK(m.run() == StopReason::Halted);
  CHECK(m.cpu.ferr());
  CHECK(m.s.rip == m.at - 2);  // at the FWAIT
  CHECK(m.cpu.run(10) == StopReason::Halted);  // frozen until an interrupt
  CHECK(m.s.rip == m.at - 2);
  m.cpu.reset();
  CHECK_FALSE(m.cpu.ferr());
  CHECK(m.ferr.events == std::vector<bool>{true, false});
  // With IGNNE# asserted the waiting instruction ignores the error.
  Machine n("486");
  n.cpu.set_ignne(true);
  fldcw(n, 0x037B);
  n.code({0xD9, 0xEE, 0xD9, 0xE8, 0xD8, 0xF1, 0x9B, 0xD9, 0xE8});  // ..., FWAIT, FLD1
  CHECK(n.run() == StopReason::Halted);
  CHECK(n.s.rip == n.at);  // past the final HLT
  CHECK(n.f.st(0) == fpu::kOne);
  CHECK((n.fsw() & (ZE | kEs)) == (ZE | kEs));
}

TEST_CASE("#NM: CR0.EM, CR0.TS, and WAIT with MP (SDM Vol. 3A Table 2-2)", "[x87]") {
  struct Row {
    u32 cr0;
    bool esc_nm, wait_nm;
  };
  for (const Row& r : {Row{0x4, true, false}, Row{0x8, true, false}, Row{0xA, true, true}, Row{0x2, false, false}}) {
    Machine m("pentium-pro", false);
    m.s.cr0 = (m.s.cr0 & ~0xEu) | r.cr0;
    m.code({0xDB, 0xE3});  // FNINIT: #NM too
    m.run();
    CHECK(m.in_handler(7) == r.esc_nm);
    Machine w("pentium-pro", false);
    w.s.cr0 = (w.s.cr0 & ~0xEu) | r.cr0;
    w.code({0x9B});
    w.run();
    CHECK(w.in_handler(7) == r.wait_nm);
  }
  // Undefined escape encodings are #NM too when EM is set.
  Machine u("pentium-pro", false);
  u.s.cr0 |= 4;
  u.code({0xD9, 0xD1});
  u.run();
  CHECK(u.in_handler(7));
  // FXSAVE: EM is #UD, TS #NM.
  Machine x("pentium-m", false);
  x.s.cr0 |= 4;
  x.code({0x0F, 0xAE, 0x06, 0x00, 0x02});
  x.run();
  CHECK(x.in_handler(6));
  Machine t("pentium-m", false);
  t.s.cr0 |= 8;
  t.code({0x0F, 0xAE, 0x06, 0x00, 0x02});
  t.run();
  CHECK(t.in_handler(7));
}

TEST_CASE("The opcode map's undefined encodings, no-ops and P6-only forms", "[x87]") {
  for (u8 second : {u8{0xD1}, u8{0xE2}, u8{0xEF}}) {
    Machine m;
    m.code({0xD9, second});
    m.run();
    CHECK(m.in_handler(6));
  }
  for (std::initializer_list<u8> bytes : {std::initializer_list<u8>{0xDB, 0x0E, 0x00, 0x01},  // FISTTP m32 (SSE3)
                                          std::initializer_list<u8>{0xDD, 0x0E, 0x00, 0x01},  // FISTTP m64
                                          std::initializer_list<u8>{0xDF, 0xE1},              // DF E1
                                          std::initializer_list<u8>{0xDE, 0xD8}}) {           // DE D8
    Machine m;
    m.code(bytes);
    m.run();
    CHECK(m.in_handler(6));
  }
  // An undefined opcode does not look at a pending exception.
  Machine p;
  p.s.cr0 |= 0x20;
  fldcw(p, 0x037B);
  p.code({0xD9, 0xEE, 0xD9, 0xE8, 0xD8, 0xF1, 0xD9, 0xD1});
  p.run();
  CHECK(p.in_handler(6));
  // FNENI, FNDISI, FNSETPM do nothing on the 387 and later.
  Machine n;
  n.code({0xDB, 0xE0, 0xDB, 0xE1, 0xDB, 0xE4});
  n.run();
  CHECK(n.s.seg[CS].selector == 0x1000);
  CHECK(n.f.fcw == 0x037F);
  // FCMOVcc and FCOMI: P6 only.
  Machine m486("486");
  m486.code({0xDA, 0xC1});
  m486.run();
  CHECK(m486.in_handler(6));
  Machine p6;
  p6.cpu.write_eflags(fl::CF, fl::ARITH);
  p6.code({0xD9, 0xE8, 0xD9, 0xEE, 0xDA, 0xC1});  // FLD1; FLDZ; FCMOVB ST0, ST1
  p6.run();
  CHECK(p6.f.st(0) == fpu::kOne);
  // The FSTP1 alias (D9 D8+i) stores and pops like FSTP.
  Machine a;
  a.code({0xD9, 0xEE, 0xD9, 0xE8, 0xD9, 0xD9});  // FLDZ; FLD1; FSTP1 ST1
  a.run();
  CHECK(a.f.st(0) == fpu::kOne);
  CHECK(a.f.top() == 7);
  // LOCK is #UD.
  Machine l;
  l.code({0xF0, 0xD8, 0x06, 0x00, 0x01});
  l.run();
  CHECK(l.in_handler(6));
}

TEST_CASE("FNSAVE/FRSTOR in real mode, 16- and 32-bit layouts (SDM Vol. 1 Figures 8-10, 8-12)", "[x87]") {
  Machine m;
  m.code({0xD9, 0xE8});  // FLD1
  const u32 fldpi = m.at;
  m.code({0xD9, 0xEB});              // FLDPI
  m.code({0xDD, 0x36, 0x00, 0x01});  // FNSAVE [0100h] (94 bytes)
  m.code({0x66, 0xDD, 0x36, 0x00, 0x02});  // FNSAVE [0200h] (o32: 108 bytes), of the reset state
  m.run();
  const u32 lin = 0x10000 + fldpi;
  CHECK(m.w16(0x100) == 0x037F);
  CHECK(m.w16(0x102) == 0x3000);  // TOP = 6
  CHECK(m.w16(0x104) == 0x0FFF);  // R6, R7 valid
  CHECK(m.w16(0x106) == (lin & 0xFFFF));
  CHECK(m.w16(0x108) == (((lin >> 4) & 0xF000) | 0x1EB));  // FIP 19:16 and FOP (D9 EB)
  CHECK(m.f80(0x10E) == Float80{0xC90F'DAA2'2168'C235u, 0x4000});  // ST(0) at 14
  CHECK(m.f80(0x118) == fpu::kOne);                                 // ST(1)
  // FNSAVE initialized the FPU: the second image is FNINIT's state.
  CHECK(m.w32(0x200) == 0xFFFF'037Fu);
  CHECK(m.w32(0x204) == 0xFFFF'0000u);
  CHECK(m.w32(0x208) == 0xFFFF'FFFFu);
  CHECK(m.f.tag_word() == 0xFFFF);
  // FRSTOR brings the first image back.
  Machine r;
  std::memcpy(&r.ram[kData + 0x100], &m.ram[kData + 0x100], 94);
  r.code({0xDD, 0x26, 0x00, 0x01});  // FRSTOR [0100h]
  r.run();
  CHECK(r.f.top() == 6);
  CHECK(r.f.st(0) == Float80{0xC90F'DAA2'2168'C235u, 0x4000});
  CHECK(r.f.st(1) == fpu::kOne);
  CHECK(r.f.empty(2));
  CHECK(r.f.fop == 0x1EB);
  CHECK(r.f.fip == lin);
  // The 32-bit real-mode layout: FIP 31:16 at bits 27:12 of dword 4.
  Machine w;
  const u32 fld1 = w.at;
  w.code({0xD9, 0xE8, 0x66, 0xD9, 0x36, 0x00, 0x01});  // FLD1; FNSTENV [0100h] (o32)
  w.run();
  CHECK(w.w32(0x100) == 0xFFFF'037Fu);
  CHECK(w.w32(0x10C) == (0xFFFF'0000u | fld1));  // FIP 15:0 of 1000:fld1
  CHECK(w.w32(0x110) == ((0x1u << 12) | 0x1E8));  // FIP 31:16 = 1, FOP D9 E8
  CHECK(w.f.fcw == 0x037F);                         // FSTENV masks every exception
}

TEST_CASE("FNSTENV and FLDENV in 32-bit and 16-bit protected mode (Figures 8-9, 8-11)", "[x87]") {
  Machine m;
  // Flat 32-bit protected mode, CS = 08h, DS = 10h.
  m.s.cr0 |= 1;
  for (unsigned sg = 0; sg < 6; ++sg) {
    Segment& x = m.s.seg[sg];
    x.selector = sg == CS ? 0x08 : 0x10;
    x.base = 0;
    x.limit = 0xFFFF'FFFFu;
    x.access = sg == CS ? 0x9B : 0x93;
    x.flags = 0xC;
    x.big = true;
  }
  m.cpu.update_mode();
  m.s.rip = 0x10000;
  m.at = 0x10000;
  m.s.gpr[ESI] = kData;
  m.code({0xDB, 0xE3});  // FNINIT
  const u32 fld = m.at;
  m.code({0xD9, 0x46, 0x40});  // FLD dword [esi+40h]
  m.code({0xD9, 0x36});        // FNSTENV [esi]
  m.code({0x66, 0xD9, 0x76, 0x20});  // FNSTENV [esi+20h] (o16: 14 bytes)
  store_le<u32>(&m.ram[kData + 0x40], 0x3F80'0000u);
  m.run();
  CHECK(m.w32(0x00) == 0xFFFF'037Fu);
  CHECK(m.w32(0x0C) == fld);
  CHECK(m.w32(0x10) == ((0x146u << 16) | 0x08));  // FOP (D9 46) and FCS
  CHECK(m.w32(0x14) == kData + 0x40);             // FDP
  CHECK(m.w32(0x18) == 0xFFFF'0010u);             // FDS
  CHECK(m.w16(0x26) == static_cast<u16>(fld));
  CHECK(m.w16(0x28) == 0x08);  // FCS
  CHECK(m.w16(0x2A) == 0x40);  // FDP 15:0
  CHECK(m.w16(0x2C) == 0x10);  // FDS
  // FLDENV loads the words; the tag word keeps only empty/non-empty.
  Machine n;
  n.put16(0x00, 0x0C7F);
  n.put16(0x02, 0x3800);
  n.put16(0x04, 0x7FFF);  // R7 "zero", the rest empty
  n.code({0xD9, 0x26, 0x00, 0x00});  // FLDENV [0] (16-bit real mode)
  n.run();
  CHECK(n.f.fcw == 0x0C7F);
  CHECK(n.f.top() == 7);
  CHECK_FALSE(n.f.empty(0));
  CHECK(n.f.tag_word() == 0x7FFF);  // R7 holds +0.0 from power-up: zero
}

TEST_CASE("FXSAVE and FXRSTOR on pentium-m (SDM Vol. 1 Table 10-2)", "[x87]") {
  Machine m("pentium-m");
  m.code({0xD9, 0xE8});                    // FLD1
  m.code({0x0F, 0xAE, 0x06, 0x00, 0x02});  // FXSAVE [0200h]
  m.code({0xDB, 0xE3});                    // FNINIT
  m.code({0x0F, 0xAE, 0x0E, 0x00, 0x02});  // FXRSTOR [0200h]
  m.run();
  CHECK(m.w16(0x200) == 0x037F);
  CHECK(m.w16(0x202) == 0x3800);
  CHECK(m.ram[kData + 0x204] == 0x80);  // abridged tag: R7 only
  CHECK(m.w16(0x206) == 0x1E8);         // FOP
  CHECK(m.w32(0x208) == 2);             // FIP: the FLD1 after the FNINIT
  CHECK(m.w16(0x20C) == 0x1000);        // FCS
  CHECK(m.w32(0x218) == 0x1F80);        // MXCSR
  CHECK(m.w32(0x21C) == 0xFFFF);        // MXCSR_MASK
  CHECK(m.f80(0x220) == fpu::kOne);     // ST(0)
  CHECK(m.f.st(0) == fpu::kOne);
  CHECK(m.f.top() == 7);
  CHECK(m.f.full == 0x80);
  // Misaligned: #GP(0).
  Machine a("pentium-m");
  a.code({0x0F, 0xAE, 0x06, 0x08, 0x02});
  a.run();
  CHECK(a.in_handler(13));
  // Not on the Pentium Pro.
  Machine p("pentium-pro");
  p.code({0x0F, 0xAE, 0x06, 0x00, 0x02});
  p.run();
  CHECK(p.in_handler(6));
  // With CR4.OSFXSR, reserved MXCSR bits are #GP(0).
  Machine r("pentium-m");
  r.s.cr4 = 0x200;
  store_le<u32>(&r.ram[kData + 0x218], 0x0001'0000u);
  r.code({0x0F, 0xAE, 0x0E, 0x00, 0x02});
  r.run();
  CHECK(r.in_handler(13));
}

TEST_CASE("FLD constants round per RC (SDM Vol. 1 8.3.8)", "[x87]") {
  Machine m;
  m.code({0xD9, 0xEB});  // FLDPI, nearest
  fldcw(m, 0x077F);      // RC down
  m.code({0xD9, 0xEB, 0xD9, 0xE9});  // FLDPI; FLDL2T
  m.run();
  CHECK(m.f.st(2).sig == 0xC90F'DAA2'2168'C235u);
  CHECK(m.f.st(1).sig == 0xC90F'DAA2'2168'C234u);
  CHECK(m.f.st(0).sig == 0xD49A'784B'CD1B'8AFEu);
  CHECK((m.fsw() & 0x3F) == 0);  // no PE
}

TEST_CASE("FIST out of range, FISTP m64, FBSTP and FBLD", "[x87]") {
  Machine m;
  store_le<u64>(&m.ram[kData + 0x10], 0x4415'AF1D'78B5'8C40u);  // 1e20
  m.code({0xDD, 0x06, 0x10, 0x00});  // FLD qword [10h]
  m.code({0xDF, 0x16, 0x20, 0x00});  // FIST word [20h]: 8000h, IE
  m.code({0xDF, 0x3E, 0x30, 0x00});  // FISTP qword [30h]: out of range too
  m.run();
  CHECK(m.w16(0x20) == 0x8000);
  CHECK(m.w64(0x30) == 0x8000'0000'0000'0000u);
  CHECK((m.fsw() & IE) == IE);
  Machine b;
  b.put16(0x10, 12345);
  b.code({0xDF, 0x06, 0x10, 0x00, 0xD9, 0xE0});  // FILD word [10h]; FCHS
  b.code({0xDF, 0x36, 0x20, 0x00});              // FBSTP [20h]
  b.code({0xDF, 0x26, 0x20, 0x00});              // FBLD [20h]
  b.run();
  CHECK(b.w32(0x20) == 0x0001'2345u);
  CHECK(b.ram[kData + 0x29] == 0x80);
  CHECK(b.f.st(0) == fpu::from_int(-12345));
}

TEST_CASE("FXAM, FFREE, FFREEP, FINCSTP, FDECSTP", "[x87]") {
  Machine m;
  m.code({0xDB, 0xE3, 0xD9, 0xE5, 0xDF, 0xE0});  // FNINIT; FXAM; FNSTSW AX (empty)
  m.code({0x89, 0xC3});                          // MOV BX, AX
  m.code({0xD9, 0xE8, 0xD9, 0xE0, 0xD9, 0xE5, 0xDF, 0xE0});  // FLD1; FCHS; FXAM; FNSTSW AX
  m.run();
  CHECK((m.s.gpr[EBX] & (C3 | C2 | C0)) == (C3 | C0));
  CHECK((m.s.gpr[EAX] & (C3 | C2 | C1 | C0)) == (C2 | C1));  // normal, negative
  Machine n;
  n.code({0xDB, 0xE3, 0xD9, 0xE8, 0xD9, 0xEE});  // FNINIT; FLD1; FLDZ
  n.code({0xDD, 0xC1});                          // FFREE ST1
  n.run();
  CHECK(n.f.empty(1));
  CHECK(n.f.top() == 6);
  Machine p;
  p.code({0xDB, 0xE3, 0xD9, 0xE8, 0xD9, 0xEE, 0xDF, 0xC0});  // ...; FFREEP ST0
  p.code({0xD9, 0xF7, 0xD9, 0xF6, 0xD9, 0xF6});              // FINCSTP; FDECSTP; FDECSTP
  p.run();
  CHECK(p.f.top() == 6);
  CHECK(p.f.empty(0));
  CHECK(p.f.st(1) == fpu::kOne);
}

TEST_CASE("The last instruction pointers skip control instructions (SDM Vol. 1 8.1.8)", "[x87]") {
  Machine m;
  const u32 fld = m.at;
  m.code({0xD9, 0x06, 0x40, 0x00});  // FLD dword [40h]
  m.code({0xD9, 0x3E, 0x50, 0x00});  // FNSTCW [50h]
  fldcw(m, 0x037F);
  m.run();
  CHECK(m.f.fip == fld);
  CHECK(m.f.fdp == 0x40);
  CHECK(m.f.fds == 0x2000);
  CHECK(m.f.fop == 0x106);
  Machine n;
  n.code({0xD9, 0x06, 0x40, 0x00});
  const u32 fincstp = n.at;
  n.code({0xD9, 0xF7});  // FINCSTP: not a control instruction for the pointers
  n.run();
  CHECK(n.f.fip == fincstp);
  CHECK(n.f.fop == 0x1F7);
  CHECK(n.f.fdp == 0x40);  // no memory operand: the data pointer stays
}
