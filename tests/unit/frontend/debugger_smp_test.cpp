// The debugger and the gdbstub on a four-processor machine (-smp 4): `info
// cpus`, `cpu N`, breakpoints hit on an application processor, stepping
// the current CPU, the local APIC page read through the selected CPU, and
// gdb's thread packets (one thread per CPU, ID = index + 1).
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "devices/pc/machine.hpp"
#include "frontend/debugger/debugger.hpp"
#include "frontend/debugger/panel_model.hpp"
#include "frontend/gdbstub/gdbstub.hpp"
#include "tests/unit/frontend/debugger_capture.hpp"
#include "tests/unit/frontend/tiny_machine.hpp"

using namespace gb;
using Kind = RunResult::Kind;

namespace {

/// A 64 KiB BIOS for `cpus` processors. The BSP (reset vector -> F000:0000)
/// moves its local APIC to 8000h (IA32_APIC_BASE, SDM Vol. 3A 10.4.5) so
/// real-mode code reaches it, enables it (SVR), broadcasts INIT and two
/// STARTUPs with vector FFh to all excluding self (SDM Vol. 3A 8.4.4.1),
/// then counts in AX forever (at F000:003Ah). The APs start at FF00:0000 (physical FF000h,
/// ROM offset F000h) and run `ap`, by default inc bx; inc cx; hlt; jmp back
/// (halted for good, IF is clear).
MachineConfig smp_rom(unsigned cpus, std::vector<u8> ap = {0x43, 0x41, 0xF4, 0xEB, 0xFB}) {
  MachineConfig c = test::tiny_machine();
  c.cpus = cpus;
  const u8 reset[] = {0xEA, 0x00, 0x00, 0x00, 0xF0};
  for (unsigned i = 0; i < sizeof reset; ++i) c.bios[0xFFF0 + i] = reset[i];
  const u8 bsp[] = {
      0x66, 0xB9, 0x1B, 0x00, 0x00, 0x00,              // mov ecx, 1Bh (IA32_APIC_BASE)
      0x66, 0xB8, 0x00, 0x89, 0x00, 0x00,              // mov eax, 8000h | EN | BSP
      0x66, 0x31, 0xD2,                                // xor edx, edx
      0x0F, 0x30,                                      // wrmsr
      0xB8, 0x00, 0x08,                                // mov ax, 0800h
      0x8E, 0xD8,                                      // mov ds, ax
      0x66, 0xC7, 0x06, 0xF0, 0x00, 0xFF, 0x01, 0x00, 0x00,  // mov dword [0F0h], 1FFh (SVR: enabled)
      0x66, 0xC7, 0x06, 0x00, 0x03, 0x00, 0x45, 0x0C, 0x00,  // ICR: INIT, assert, all excluding self
      0x66, 0xC7, 0x06, 0x00, 0x03, 0xFF, 0x46, 0x0C, 0x00,  // ICR: STARTUP, vector FFh
      0x66, 0xC7, 0x06, 0x00, 0x03, 0xFF, 0x46, 0x0C, 0x00,  // the second STARTUP (ignored)
      0x40,                                            // 003Ah: inc ax
      0xEB, 0xFD,                                      // jmp 003Ah
  };
  for (unsigned i = 0; i < sizeof bsp; ++i) c.bios[i] = bsp[i];
  for (unsigned i = 0; i < ap.size(); ++i) c.bios[0xF000 + i] = ap[i];
  return c;
}

struct SmpRig {
  explicit SmpRig(unsigned cpus = 4) : m{smp_rom(cpus)} {}
  explicit SmpRig(MachineConfig c) : m{std::move(c)} {}
  Machine m;
  std::FILE* f = std::tmpfile();
  Debugger d{m, f, Debugger::Options{}};
  ~SmpRig() { std::fclose(f); }
  std::string run(const std::string& cmd) { return test::capture(d, f, cmd); }
  RunResult go() { return m.run_for(0, std::chrono::seconds(5)); }
};

}  // namespace

TEST_CASE("Debugger -smp 4: info cpus, a breakpoint on each AP, cpu N", "[frontend][debugger][smp]") {
  SmpRig r;
  // At power-on: the BSP at the reset vector, the APs waiting for SIPI.
  std::string cpus = r.run("info cpus");
  CHECK_THAT(cpus, Catch::Contains("*   0        0  running        real mode                        f000:0000fff0"));
  CHECK_THAT(cpus, Catch::Contains("    1        1  wait-for-SIPI  real mode"));
  CHECK_THAT(cpus, Catch::Contains("    3        3  wait-for-SIPI  real mode"));
  CHECK_THAT(r.run("cpu"), Catch::Contains("current CPU: 0 of 4 (0-3)"));

  // inc cx of the AP code: every AP stops there, in index order (the
  // rounds run the processors in order), and becomes the current CPU.
  CHECK_THAT(r.run("break 0xff001"), Catch::Contains("breakpoint 1 at linear 000ff001"));
  for (unsigned ap = 1; ap <= 3; ++ap) {
    r.d.execute("continue");
    REQUIRE(r.go().kind == Kind::Break);
    CHECK(r.d.take_stop_message() == fmt::format("CPU {}: breakpoint 1", ap));
    CHECK(r.d.current_cpu() == ap);
    CHECK(r.m.current_cpu() == ap);
    CHECK_THAT(r.run("regs"), Catch::Contains("cs:eip=ff00:00000001 (linear 000ff001), real mode"));
    CHECK(r.d.cpu().state().gpr[EBX] == 1);  // inc bx ran, inc cx not yet
    CHECK(r.d.cpu().state().gpr[ECX] == 0);
    CHECK_THAT(r.run("info cpus"), Catch::Contains(fmt::format("* {:>3}  {:>7}  running", ap, ap)));
  }
  cpus = r.run("info cpus");
  CHECK_THAT(cpus, Catch::Contains("    1        1  halted         real mode                        ff00:00000003"));
  CHECK_THAT(cpus, Catch::Contains("    2        2  halted"));
  CHECK_THAT(cpus, Catch::Contains("*   3        3  running"));
  CHECK_THAT(cpus, Catch::Matches("(.|\n)*    0        0  running        real mode                        f000:000000(3a|3b)\n(.|\n)*"));

  // cpu N: registers, disassembly and the APIC page follow the selection.
  CHECK_THAT(r.run("cpu 0"), Catch::Contains("CPU 0 (running):"));
  CHECK(r.d.current_cpu() == 0);
  CHECK(r.m.current_cpu() == 0);
  CHECK_THAT(r.run("regs"), Catch::Contains("cs:eip=f000:"));
  // The APs' local APICs are at FEE00000h; the APIC ID register (20h)
  // holds the ID in bits 31:24 (SDM Vol. 3A 10.4.6).
  r.run("cpu 2");
  CHECK_THAT(r.run("x/1d p:0xfee00020"), Catch::Contains("p:fee00020: 02000000"));
  CHECK_THAT(r.run("info apic"), Catch::StartsWith("local APIC: ID 2 "));
  r.run("cpu 1");
  CHECK_THAT(r.run("x/1d p:0xfee00020"), Catch::Contains("p:fee00020: 01000000"));
  // (Cross builds have no Capstone: the bytes, and a note saying so.)
  CHECK_THAT(r.run("disasm 0xff002 1"), Catch::Contains("hlt") || Catch::Contains("f4               (no Capstone"));
  // set and expressions: the current CPU's registers.
  r.run("set eax = 0x77");
  CHECK(r.m.processor(1).cpu.state().gpr[EAX] == 0x77);
  CHECK(r.m.processor(0).cpu.state().gpr[EAX] != 0x77);
  CHECK_THAT(r.run("x/1b eax"), Catch::Contains("00000077:"));
  CHECK_THAT(r.run("cpu 4"), Catch::Contains("error: cpu 4: this machine has 4 CPUs (0-3)"));
  CHECK(r.d.current_cpu() == 1);
}

TEST_CASE("Debugger -smp 4: step counts the current CPU's instructions", "[frontend][debugger][smp]") {
  SmpRig r;
  r.run("break 0xff000");
  r.d.execute("continue");
  REQUIRE(r.go().kind == Kind::Break);  // AP 1 before inc bx
  CHECK(r.d.current_cpu() == 1);
  r.run("delete");
  // Step AP 1 twice: inc bx, inc cx; it stops before its HLT.
  const u64 ap_before = r.m.processor(1).cpu.instructions();
  r.d.execute("step 2");
  REQUIRE(r.go().kind == Kind::Break);
  CHECK(r.d.take_stop_message() == "step");
  CHECK(r.d.current_cpu() == 1);
  CHECK(r.m.processor(1).cpu.instructions() == ap_before + 2);
  CHECK(r.d.cpu().state().rip == 2);
  // Step the BSP: it runs one instruction; AP 1 resumes first (its turn in
  // the round) and halts, APs 2 and 3 run their share (to their HLT).
  r.run("cpu 0");
  const u64 bsp_before = r.m.processor(0).cpu.instructions();
  r.d.execute("step");
  REQUIRE(r.go().kind == Kind::Break);
  CHECK(r.d.take_stop_message() == "step");
  CHECK(r.d.current_cpu() == 0);
  CHECK(r.m.processor(0).cpu.instructions() == bsp_before + 1);
  for (unsigned ap = 1; ap <= 3; ++ap) {
    CHECK(r.m.processor(ap).cpu.state().halted);
    CHECK(r.m.processor(ap).cpu.state().gpr[ECX] == 1);
  }
}

TEST_CASE("Debugger -smp 4: break on mode a20 names the processor whose instruction changed the line", "[frontend][debugger][smp]") {
  // Each AP: in al, 92h; xor al, 2; out 92h, al (toggles A20, port 92h
  // bit 1); hlt. With a quantum of one instruction every instruction ends
  // its processor's turn: the next processor to run sees a change first.
  MachineConfig c = smp_rom(4, {0xE4, 0x92, 0x34, 0x02, 0xE6, 0x92, 0xF4, 0xEB, 0xFD});
  c.quantum = 1;
  SmpRig r(std::move(c));
  r.run("break on mode a20");
  // The APs run in lockstep: each reads port 92h before AP 1 writes it, so
  // only AP 1 changes the line (AP 2 and AP 3 write the value it wrote).
  // The change is reported before the next processor's instruction, as
  // the instruction of the one that ran it.
  r.d.execute("continue");
  REQUIRE(r.go().kind == Kind::Break);
  CHECK(r.d.take_stop_message() == "CPU 2: A20 1 -> 0 by the instruction at ff00:00000004 of CPU 1");
  CHECK(r.d.current_cpu() == 2);
  CHECK_FALSE(r.m.bus().a20());
  // Reported once: no processor takes it for its own change.
  r.d.execute("continue");
  CHECK(r.m.run_for(r.m.instructions() + 20000, std::chrono::seconds(30)).kind == Kind::InsnLimit);
  CHECK(r.d.take_stop_message().empty());
}

TEST_CASE("Debugger -smp 1: no CPU in the stop message, one line in info cpus", "[frontend][debugger][smp]") {
  SmpRig r(1);
  CHECK(r.m.cpu_count() == 1);
  r.run("break 0xf003a");  // the BSP's loop (the STARTUPs go nowhere)
  r.d.execute("continue");
  REQUIRE(r.go().kind == Kind::Break);
  CHECK(r.d.take_stop_message() == "breakpoint 1");
  const std::string cpus = r.run("info cpus");
  CHECK_THAT(cpus, Catch::Contains("*   0        0  running"));
  CHECK(std::count(cpus.begin(), cpus.end(), '\n') == 2);  // the header and CPU 0
}

TEST_CASE("Panels -smp 4: the registers compared are the current CPU's", "[frontend][panels][smp]") {
  SmpRig r;
  DebugPanels p(r.m, r.d);
  r.m.processor(0).cpu.state().gpr[EAX] = 0x1000;
  r.m.processor(1).cpu.state().gpr[EAX] = 0x1111;
  p.on_stop("interrupted");
  r.m.processor(0).cpu.state().gpr[EAX] = 0x2000;
  p.on_stop("step");
  REQUIRE(p.before() != nullptr);
  CHECK(p.before()->gpr[EAX] == 0x1000);
  r.d.select_cpu(1);
  REQUIRE(p.before() != nullptr);
  CHECK(p.before()->gpr[EAX] == 0x1111);
  // CPU 1 did not change between the stops: no row marked.
  for (const RegisterRow& row : register_rows(r.d.cpu().state(), p.before())) CHECK_FALSE(row.changed);
}

TEST_CASE("gdbstub -smp 4: one thread per CPU", "[frontend][gdbstub][smp]") {
  SmpRig r;
  GdbStub stub(r.m, r.d, "127.0.0.1", 0);
  bool resume = false, quit = false;
  const auto ask = [&](const std::string& p) { return stub.handle(p, resume, quit); };
  // A packet that resumes the guest, then the run to the next stop.
  const auto run = [&](const std::string& p) {
    CHECK(ask(p).empty());
    CHECK(resume);
    resume = false;
    return r.go().kind;
  };
  CHECK(ask("qfThreadInfo") == "m01,02,03,04");
  CHECK(ask("qsThreadInfo") == "l");
  CHECK(ask("qC") == "QC01");
  CHECK(ask("T04") == "OK");
  CHECK(ask("T05") == "E01");
  CHECK(ask("T00") == "E01");
  const auto extra = [&](const std::string& id) {
    const auto bytes = from_hex(ask("qThreadExtraInfo," + id));
    REQUIRE(bytes);
    return std::string(bytes->begin(), bytes->end());
  };
  CHECK(extra("01") == "CPU#0 [running]");
  CHECK(extra("03") == "CPU#2 [wait-for-SIPI]");
  CHECK(ask("qThreadExtraInfo,09") == "E01");
  CHECK(ask("Hc0") == "OK");
  CHECK(ask("vCont?") == "vCont;c;C;s;S");

  // A breakpoint hit on AP 2 (the second to reach it) is reported as its
  // thread, which becomes the general thread.
  CHECK(ask("Z0,ff001,1") == "OK");
  for (unsigned ap = 1; ap <= 2; ++ap) REQUIRE(run("c") == Kind::Break);
  CHECK(ask("?") == "T05thread:03;");
  CHECK(ask("qC") == "QC03");
  // The 64-bit layout (the default model has Intel 64): RIP is register
  // 10h, CS 12h.
  CHECK(ask("p10") == "0100000000000000");
  CHECK(ask("p12") == "00ff0000");
  CHECK(extra("02") == "CPU#1 [halted]");
  // Hg: registers and memory of another thread.
  CHECK(ask("Hg1") == "OK");
  CHECK(r.d.current_cpu() == 0);
  CHECK(ask("p12") == "00f00000");
  CHECK(ask("Hg3") == "OK");
  CHECK(ask("mfee00020,4") == "00000002");  // APIC ID 2, through CPU 2's APIC
  CHECK(ask("P0=0500000000000000") == "OK");  // RAX of CPU 2
  CHECK(r.m.processor(2).cpu.state().gpr[EAX] == 5);
  CHECK(r.m.processor(0).cpu.state().gpr[EAX] != 5);
  CHECK(ask("Hg5") == "E01");
  CHECK(ask("Hg0") == "OK");
  CHECK(ask("Hg-1") == "OK");
  CHECK(r.d.current_cpu() == 2);

  // Hc then s steps that thread; vCont;s:N;c the same way.
  CHECK(ask("z0,ff001,1") == "OK");
  CHECK(ask("Hc1") == "OK");
  u64 before = r.m.processor(0).cpu.instructions();
  REQUIRE(run("s") == Kind::Break);
  CHECK(r.m.processor(0).cpu.instructions() == before + 1);
  CHECK(ask("?") == "T05thread:01;");
  CHECK(ask("Hc-1") == "OK");
  CHECK(r.m.processor(3).cpu.state().halted);  // it ran its share meanwhile
  ask("Hg4");
  before = r.m.processor(0).cpu.instructions();
  REQUIRE(run("vCont;s:01;c") == Kind::Break);
  CHECK(r.m.processor(0).cpu.instructions() == before + 1);
  CHECK(ask("?") == "T05thread:01;");
  CHECK(ask("vCont;s:07") == "E01");
  CHECK(ask("vCont;x") == "E01");
  CHECK_FALSE(resume);
}
