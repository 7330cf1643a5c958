// gb::Debugger (frontend/debugger/debugger.hpp) on a tiny machine: address
// parsing, run control counted in instructions, breakpoints, state views
// and bad input.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <algorithm>
#include <utility>
#include <unistd.h>

#include "devices/pc/machine.hpp"
#include "frontend/debugger/debugger.hpp"
#include "tests/unit/frontend/debugger_capture.hpp"
#include "tests/unit/frontend/tiny_machine.hpp"

using namespace gb;
using Kind = RunResult::Kind;

namespace {

/// A BIOS at F000: the reset vector jumps to F000:0000, which runs
/// inc ax; inc bx; inc cx; inc dx; then jmp back to F000:0000.
MachineConfig tiny() {
  MachineConfig c = test::tiny_machine();
  const u8 reset[] = {0xEA, 0x00, 0x00, 0x00, 0xF0};
  for (unsigned i = 0; i < sizeof reset; ++i) c.bios[0xFFF0 + i] = reset[i];
  const u8 body[] = {0x40, 0x43, 0x41, 0x42, 0xEB, 0xFA};
  for (unsigned i = 0; i < sizeof body; ++i) c.bios[i] = body[i];
  return c;
}

MachineConfig tiny(const char* model) {
  MachineConfig c = tiny();
  c.cpu = find_cpu_model(model);
  return c;
}

/// The debugger with its output captured.
struct Rig {
  Rig() = default;
  explicit Rig(const char* model) : m{tiny(model)} {}
  Machine m{tiny()};
  std::FILE* f = std::tmpfile();
  Debugger d{m, f, Debugger::Options{}};
  ~Rig() { std::fclose(f); }
  std::string run(const std::string& cmd) { return test::capture(d, f, cmd); }
  /// Runs until the debugger stops the CPU.
  RunResult go() { return m.run_for(0, std::chrono::seconds(5)); }
};

}  // namespace

TEST_CASE("Debugger: addresses as SEG:OFF, p:ADDR, linear, registers", "[frontend][debugger]") {
  Rig r;
  DebugAddress a = r.d.parse_address("0000:7c00");
  CHECK(a.kind == DebugAddress::Kind::SegOff);
  CHECK(a.selector == 0);
  CHECK(a.offset == 0x7C00);
  a = r.d.parse_address("p:0x1000");
  CHECK(a.kind == DebugAddress::Kind::Physical);
  CHECK(a.offset == 0x1000);
  a = r.d.parse_address("0x7c00");
  CHECK(a.kind == DebugAddress::Kind::Linear);
  CHECK(a.offset == 0x7C00);
  CHECK(r.d.parse_address("31").offset == 31);
  CHECK(r.d.parse_address("7c00h").offset == 0x7C00);
  a = r.d.parse_address("cs:eip");  // at reset: F000:FFF0, CS base FFFF0000
  CHECK(a.selector == 0xF000);
  CHECK(a.offset == 0xFFF0);
  CHECK(r.d.linear_of(a) == 0xFFFFFFF0u);
  CHECK(r.d.linear_of(r.d.parse_address("1000:0010")) == 0x10010u);  // real mode: seg * 16
  CHECK_THROWS_AS(r.d.parse_address("zz:1"), std::invalid_argument);
  CHECK_THROWS_AS(r.d.parse_address("banana"), std::invalid_argument);
  // Beyond 32 bits on a model without long mode.
  CHECK_THROWS_AS(Rig("pentium-pro").d.parse_address("0x1FFFFFFFF"), std::invalid_argument);
}

TEST_CASE("Debugger: step N runs exactly N instructions; breakpoints stop before the instruction", "[frontend][debugger]") {
  Rig r;
  r.d.break_at_start();
  CHECK(r.go().kind == Kind::Break);
  CHECK(r.m.cpu().instructions() == 0);
  CHECK_THAT(r.d.take_stop_message(), Catch::Contains("reset vector"));
  CHECK(r.d.execute("step 3") == Debugger::Next::Resume);
  CHECK(r.go().kind == Kind::Break);
  CHECK(r.m.cpu().instructions() == 3);  // jmp far, inc ax, inc bx
  CHECK(r.m.cpu().state().gpr[EBX] == 1);
  r.run("break 0xf0003");  // linear: inc dx
  CHECK(r.d.execute("continue") == Debugger::Next::Resume);
  CHECK(r.go().kind == Kind::Break);
  CHECK(r.m.cpu().state().rip == 3);
  CHECK(r.d.take_stop_message() == "breakpoint 1");
  // Continuing from a breakpoint does not stop on it again at once: one
  // loop later (4 instructions), the same breakpoint.
  const u64 at = r.m.cpu().instructions();
  r.run("continue");
  CHECK(r.go().kind == Kind::Break);
  CHECK(r.m.cpu().instructions() == at + 5);
  r.run("delete 1");
  CHECK_THAT(r.run("info break"), Catch::Contains("no breakpoints"));
  r.run("until f000:0001");
  CHECK(r.go().kind == Kind::Break);
  CHECK(r.m.cpu().state().rip == 1);
}

TEST_CASE("Debugger: state views", "[frontend][debugger]") {
  Rig r;
  const std::string regs = r.run("regs");
  CHECK_THAT(regs, Catch::Contains("eip=0000fff0"));
  CHECK_THAT(regs, Catch::Contains("cs:eip=f000:0000fff0 (linear fffffff0), real mode, CPL 0"));
  CHECK_THAT(r.run("cregs"), Catch::Contains("cr0=60000010 [ET NW CD]"));
  CHECK_THAT(r.run("sregs"), Catch::Contains("cs   f000  base=ffff0000"));
  // (Cross builds have no Capstone: the bytes, and a note saying so.)
  CHECK_THAT(r.run("disasm"), Catch::Contains("ljmp 0xf000:0") || Catch::Contains("ea00 (no Capstone") ||
                                  Catch::Contains("(no Capstone in this build)"));
  CHECK_THAT(r.run("x/2b p:0xf0000"), Catch::Contains("000f0000: 40 43"));
  CHECK_THAT(r.run("translate 0x1234"), Catch::Contains("paging off"));
  // 64-bit linear addresses only in 4/5-level paging.
  CHECK_THAT(r.run("translate 0x100000000"), Catch::Contains("does not fit in 32 bits"));
  CHECK_THAT(r.run("info tab"), Catch::Contains("paging is off"));
  CHECK_THAT(r.run("info idt"), Catch::Contains("interrupt vector table"));
  CHECK_THAT(r.run("info pic"), Catch::Contains("master"));
  CHECK_THAT(r.run("info pm"), Catch::Contains("PIIX4 PM (00:01.3): 8086:7113") && Catch::Contains("block off"));
  CHECK_THAT(r.run("info hpet"), Catch::Contains("HPET at fed00000: counter 0000000000000000 (halted)") &&
                                     Catch::Contains("timer 2: config 0000 edge disabled one-shot route 0"));
  CHECK_THAT(r.run("x/1d p:0xfed00000"), Catch::Contains("8086a201"));  // the HPET's peek
  // The VGA window reads through its side-effect-free peek (here FFh: the
  // RAM enable bit is clear at power-on); nothing mapped shows ??.
  CHECK_THAT(r.run("x/1b p:0xa0000"), Catch::Contains("p:000a0000: ff"));
  CHECK_THAT(r.run("x/1b p:0x200000"), Catch::Contains("??"));
}

TEST_CASE("Debugger: set changes registers and RAM", "[frontend][debugger]") {
  Rig r;
  r.run("set eax = 0x12345678");
  CHECK(r.m.cpu().state().gpr[EAX] == 0x12345678u);
  r.run("set bx = 0xbeef");
  CHECK((r.m.cpu().state().gpr[EBX] & 0xFFFF) == 0xBEEF);
  r.run("set eflags = 0x203");
  CHECK((r.m.cpu().eflags() & 0x201) == 0x201);
  r.run("set mem/d p:0x500 = 0xcafef00d");
  CHECK_THAT(r.run("x/1d 0x500"), Catch::Contains("cafef00d"));
}

TEST_CASE("Debugger: bad input is one error line and changes nothing", "[frontend][debugger]") {
  Rig r;
  for (const char* bad : {"frobnicate", "step 0", "step lots", "break", "break on nothing 1", "break on exception 300",
                          "x/4q 0", "x", "disasm 0 0", "set", "set eax 5", "set cr9 = 1", "info", "info nothing",
                          "delete 99", "translate", "until", "trace on /nonexistent/dir/file", "set mem p:0xa0000 = 1"}) {
    INFO("command: " << bad);
    const std::string out = r.run(bad);
    CHECK(out.rfind("error: ", 0) == 0);
    CHECK(std::count(out.begin(), out.end(), '\n') == 1);
  }
  CHECK(r.m.cpu().instructions() == 0);
  CHECK_THAT(r.run("info break"), Catch::Contains("no breakpoints"));
}

TEST_CASE("Debugger: break on mode pe stops after MOV CR0", "[frontend][debugger]") {
  MachineConfig c = tiny();
  // F000:0000: mov eax, cr0; or al, 1; mov cr0, eax; hlt
  const u8 body[] = {0x0F, 0x20, 0xC0, 0x0C, 0x01, 0x0F, 0x22, 0xC0, 0xF4};
  for (unsigned i = 0; i < sizeof body; ++i) c.bios[i] = body[i];
  Machine m(std::move(c));
  std::FILE* f = std::tmpfile();
  {
    Debugger d(m, f, Debugger::Options{});
    d.execute("break on mode pe");
    CHECK(m.run_for(0, std::chrono::seconds(5)).kind == Kind::Break);
    CHECK_THAT(d.take_stop_message(), Catch::Contains("CR0.PE 0 -> 1 by the instruction at f000:00000005"));
    CHECK(m.cpu().state().rip == 8);
  }
  std::fclose(f);
}

TEST_CASE("Debugger: watchpoints stop after the access, with the values", "[frontend][debugger]") {
  MachineConfig c = tiny("pentium-pro");  // 32-bit addresses: one of the bad commands is beyond them
  // F000:0000 (DS = ES = 0 at reset):
  //   mov ax, 1234h; mov [0500h], ax; mov bx, [0500h]; mov byte [0600h], 7
  //   mov di, 0700h; mov cx, 8; mov al, 0AAh; rep stosb; hlt
  const u8 body[] = {0xB8, 0x34, 0x12, 0xA3, 0x00, 0x05, 0x8B, 0x1E, 0x00, 0x05, 0xC6, 0x06, 0x00, 0x06, 0x07,
                     0xBF, 0x00, 0x07, 0xB9, 0x08, 0x00, 0xB0, 0xAA, 0xF3, 0xAA, 0xF4};
  for (unsigned i = 0; i < sizeof body; ++i) c.bios[i] = body[i];
  Machine m(std::move(c));
  std::FILE* f = std::tmpfile();
  {
    Debugger d(m, f, Debugger::Options{});
    const auto go = [&] { return m.run_for(0, std::chrono::seconds(5)).kind; };
    d.execute("watch 0x500 2");
    d.execute("watch r 0x501");
    d.execute("watch p:0x600");
    d.execute("watch w 0x704");
    CHECK(go() == Kind::Break);
    CHECK(d.take_stop_message() ==
          "watchpoint 1: write of 2 bytes at linear 00000500 by the instruction at f000:00000003: 0000 -> 1234");
    CHECK(m.cpu().state().rip == 6);  // after the writing instruction
    CHECK(d.stop_watch() == std::optional{std::pair{Watchpoint::kWrite, u64{0x500}}});
    // A write-only watchpoint ignores the read; the read watchpoint on the
    // second byte takes it.
    d.execute("continue");
    CHECK(go() == Kind::Break);
    CHECK(d.take_stop_message() ==
          "watchpoint 2: read of 2 bytes at linear 00000500 by the instruction at f000:00000006: value 1234");
    CHECK(m.cpu().state().rip == 0xA);
    CHECK(d.stop_watch() == std::optional{std::pair{Watchpoint::kRead, u64{0x501}}});
    d.execute("continue");
    CHECK(go() == Kind::Break);
    CHECK(d.take_stop_message() ==
          "watchpoint 3: write of 1 byte at linear 00000600 by the instruction at f000:0000000a: 00 -> 07");
    // REP STOSB stops after the iteration that wrote 704h, on the REP.
    d.execute("continue");
    CHECK(go() == Kind::Break);
    CHECK(d.take_stop_message() ==
          "watchpoint 4: write of 1 byte at linear 00000704 by the instruction at f000:00000017: 00 -> aa");
    CHECK(m.cpu().state().rip == 0x17);
    CHECK((m.cpu().state().gpr[ECX] & 0xFFFF) == 3);
    d.execute("info break");
    d.execute("delete 4");
    d.execute("step");
    CHECK(go() == Kind::Break);
    CHECK(m.cpu().state().rip == 0x19);
    CHECK((m.cpu().state().gpr[ECX] & 0xFFFF) == 0);
    // Bad watch commands.
    for (const char* bad : {"watch", "watch r", "watch 0x500 0", "watch 0xffffffff 2", "watch q 0x500", "delete 4"}) {
      INFO("command: " << bad);
      d.execute(bad);
    }
  }
  std::fflush(f);
  std::rewind(f);
  std::string out;
  for (int ch; (ch = std::fgetc(f)) != EOF;) out += static_cast<char>(ch);
  std::fclose(f);
  CHECK_THAT(out, Catch::Contains("watchpoint 1: write of linear 00000500 length 2"));
  CHECK_THAT(out, Catch::Contains("watchpoint 2: read of linear 00000501 length 1"));
  CHECK_THAT(out, Catch::Contains("watchpoint 3: write of physical 00000600 length 1"));
  CHECK_THAT(out, Catch::Contains("  4  watch write of linear 00000704 length 1"));
  CHECK_THAT(out, Catch::Contains("deleted watchpoint 4"));
  // Six bad commands, six error lines.
  size_t errors = 0;
  for (size_t p = 0; (p = out.find("error: ", p)) != std::string::npos; ++p) ++errors;
  CHECK(errors == 6);
}

TEST_CASE("Debugger: xmm and mmx show the SIMD registers, MXCSR decoded", "[frontend][debugger]") {
  MachineConfig c = tiny();
  c.cpu = find_cpu_model("nehalem");
  Machine m{std::move(c)};
  std::FILE* f = std::tmpfile();
  Debugger d{m, f, Debugger::Options{}};
  const auto run = [&](const std::string& cmd) { return test::capture(d, f, cmd); };
  FpuState& fpu = m.cpu().state().fpu;
  // xmm1 = {1.0f, -2.5f, 0, +inf} as binary32 lanes; xmm2 = {1.5, -0.0} as binary64.
  fpu.xmm[1] = Vec128::from(0xC020'0000'3F80'0000ull, 0x7F80'0000'0000'0000ull);
  fpu.xmm[2] = Vec128::from(0x3FF8'0000'0000'0000ull, 0x8000'0000'0000'0000ull);
  fpu.mxcsr = 0x1F80 | 0x04 | 0x40 | 0x6000 | 0x8000;  // ZE, DAZ, RC toward zero, FTZ
  const std::string x = run("xmm");
  CHECK_THAT(x, Catch::Contains("xmm1 7f80000000000000c02000003f800000"));
  CHECK_THAT(x, Catch::Contains("f32 {1, -2.5, 0, inf}"));
  CHECK_THAT(x, Catch::Contains("f64 {1.5, -0}"));
  CHECK_THAT(x, Catch::Contains("mxcsr=0000ffc4 [ZE | masks IM DM ZM OM UM PM | RC=toward zero | DAZ | FTZ]"));
  // MMX view: MM3 is R3's significand; MMX code leaves TOP 0 and every tag valid.
  fpu.r[3].sig = 0x0123'4567'89AB'CDEFull;
  fpu.r[3].se = 0xFFFF;
  fpu.full = 0xFF;
  fpu.set_top(0);
  const std::string mm = run("mmx");
  CHECK_THAT(mm, Catch::Contains("mm3 0123456789abcdef  (R3 exponent ffff, tag special)"));
  CHECK_THAT(mm, Catch::Contains("TOP=0"));
  CHECK_THAT(mm, Catch::Contains("(MMX: TOP 0, every register in use)"));
  fpu.full = 0;  // EMMS
  CHECK_THAT(run("mmx"), Catch::Contains("tag word=ffff (empty: after EMMS or FNINIT)"));
  CHECK_THAT(run("help"), Catch::Contains("xmm "));
  std::fclose(f);
  // A model without SSE says so.
  Rig r("pentium-pro");
  CHECK_THAT(r.run("xmm"), Catch::Contains("the pentium-pro model has no XMM registers"));
  CHECK_THAT(r.run("mmx"), Catch::Contains("the pentium-pro model has no MMX registers"));
}
