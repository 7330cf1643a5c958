// The debugger, the panels' register rows and the gdbstub with the CPU in
// IA-32e mode: a Core 2 machine put into 64-bit mode by setting its state
// (4-level paging, a 64-bit code segment, a 64-bit TSS, a 64-bit IDT), code
// at linear 1_0000_0000h (above 4 GiB, mapped to physical 200000h).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <unistd.h>

#include "cpu/msr.hpp"
#include "devices/pc/machine.hpp"
#include "frontend/debugger/debugger.hpp"
#include "frontend/debugger/panel_model.hpp"
#include "frontend/gdbstub/gdbstub.hpp"
#include "tests/unit/frontend/debugger_capture.hpp"
#include "tests/unit/frontend/tiny_machine.hpp"

using namespace gb;
using Kind = RunResult::Kind;

namespace {

constexpr u64 kCodeLin = 0x1'0000'0000ull;  // -> physical 200000h
constexpr u32 kCodePhys = 0x200000;
constexpr u32 kGdt = 0x500, kTss = 0x3000, kIdt = 0x4000, kPml4 = 0x10000;
constexpr u16 kCode64 = 0x08, kData = 0x10, kTssSel = 0x18, kLdtSel = 0x28, kGateSel = 0x38;

struct LongRig {
  Machine m{config()};
  std::FILE* f = std::tmpfile();
  Debugger d{m, f, Debugger::Options{}};

  static MachineConfig config() {
    MachineConfig c = test::tiny_machine();
    c.ram_mib = 4;
    c.cpu = find_cpu_model("core2duo");
    return c;
  }
  u8* ram(u32 a) { return m.bus().memory().page(a).host_write + (a & 0xFFF); }
  void put(u32 a, std::initializer_list<u8> b) {
    for (u8 x : b) *ram(a++) = x;
  }
  void put64(u32 a, u64 v) { store_le<u64>(ram(a), v); }

  LongRig() {
    CpuState& s = m.cpu().state();
    // GDT: 64-bit code (L, G), data, a 64-bit TSS (16 bytes), an LDT with
    // base bits 63:32 set (16 bytes), a 64-bit call gate (16 bytes).
    put64(kGdt + kCode64, 0x00AF'9A00'0000'FFFFull);
    put64(kGdt + kData, 0x00CF'9200'0000'FFFFull);
    put64(kGdt + kTssSel, 0x0000'8900'3000'0067ull);  // base 3000h, limit 67h, available
    put64(kGdt + kTssSel + 8, 0);
    put64(kGdt + kLdtSel, 0xAB00'8212'3400'00FFull);  // base 1_AB12_3400h, limit FFh
    put64(kGdt + kLdtSel + 8, 1);
    put64(kGdt + kGateSel, 0x8765'EC00'0008'4321ull);  // 08h:FFFF_FFFF_8765_4321, DPL 3
    put64(kGdt + kGateSel + 8, 0xFFFF'FFFFull);
    s.gdtr = TableRegister{kGdt, 0x47};
    // The 64-bit TSS: RSP0, IST1, I/O map base.
    put64(kTss + 4, 0xFFFF'8000'0000'9000ull);
    put64(kTss + 0x24, 0xFFFF'8000'0000'A000ull);
    store_le<u16>(ram(kTss + 0x66), 0x68);
    s.tr.selector = kTssSel;
    s.tr.base = kTss;
    s.tr.limit = 0x67;
    s.tr.access = 0x8B;
    // IDT: vector 14, a 64-bit interrupt gate to 08h:FFFF_FFFF_8000_1234
    // with IST 2.
    put64(kIdt + 14 * 16, 0x8000'8E02'0008'1234ull);
    put64(kIdt + 14 * 16 + 8, 0xFFFF'FFFFull);
    s.idtr = TableRegister{kIdt, 0xFFF};
    // 4-level paging: the first 8 MiB identity-mapped by 2 MiB pages, and
    // 1_0000_0000h -> 200000h.
    put64(kPml4, 0x11000 | 3);
    put64(0x11000, 0x12000 | 3);
    put64(0x11000 + 4 * 8, 0x13000 | 3);
    for (u32 i = 0; i < 4; ++i) put64(0x12000 + i * 8, (u64{i} << 21) | 0x83);
    put64(0x13000, kCodePhys | 0x83);
    s.cr3 = kPml4;
    s.cr4 |= 0x20;  // PAE
    s.efer |= msr::kEferLme | msr::kEferLma;
    s.cr0 = 0x8000'0011u;  // PG, ET, PE
    const auto seg = [&](unsigned r, u16 sel, u8 access, u8 flags, bool big) {
      Segment& g = s.seg[r];
      g.selector = sel;
      g.base = 0;
      g.limit = 0xFFFF'FFFFu;
      g.access = access;
      g.flags = flags;
      g.big = big;
    };
    seg(CS, kCode64, 0x9B, 0xA, false);
    for (unsigned r : {ES, SS, DS, FS, GS}) seg(r, kData, 0x93, 0xC, true);
    s.seg[GS].base = 0xFFFF'8880'0000'0000ull;
    m.cpu().update_paging(Cpu::TlbFlush::All);
    m.cpu().update_mode();
    // mov rax, [rip + 10h]; mov r15, rax; mov [8000h], rax; hlt
    // (the quadword at 1_0000_0017h).
    put(kCodePhys, {0x48, 0x8B, 0x05, 0x10, 0x00, 0x00, 0x00, 0x49, 0x89, 0xC7, 0x48, 0x89, 0x04, 0x25, 0x00, 0x80, 0x00, 0x00, 0xF4});
    put64(kCodePhys + 0x17, 0x1122'3344'5566'7788ull);
    m.bus().host_wrote(kCodePhys, 0x20);
    s.rip = kCodeLin;
    s.gpr[ESP] = 0x7000;
  }
  ~LongRig() { std::fclose(f); }
  std::string run(const std::string& cmd) { return test::capture(d, f, cmd); }
  Kind go() { return m.run_for(0, std::chrono::seconds(5)).kind; }
};

}  // namespace

TEST_CASE("Debugger, IA-32e: regs shows RAX..R15, RIP and RFLAGS", "[frontend][debugger][long]") {
  LongRig r;
  REQUIRE(r.m.cpu().state().mode64());
  r.m.cpu().state().gpr[15] = 0xFEDC'BA98'7654'3210ull;
  const std::string regs = r.run("regs");
  CHECK_THAT(regs, Catch::Contains("r15=fedcba9876543210"));
  CHECK_THAT(regs, Catch::Contains("rsp=0000000000007000"));
  CHECK_THAT(regs, Catch::Contains("rip=0000000100000000 rflags=0000000000000002"));
  CHECK_THAT(regs, Catch::Contains("cs:rip=0008:0000000100000000 (linear 0000000100000000), 64-bit mode, CPL 0"));
  // Register names in expressions and set.
  r.run("set r9 = 0x123456789abcdef0");
  CHECK(r.m.cpu().state().gpr[9] == 0x1234'5678'9ABC'DEF0ull);
  r.run("set r9d = 0x11");
  CHECK(r.m.cpu().state().gpr[9] == 0x1234'5678'0000'0011ull);  // the debugger merges
  r.run("set rax = r15");
  CHECK(r.m.cpu().state().gpr[EAX] == 0xFEDC'BA98'7654'3210ull);
  CHECK_THAT(r.run("set eax = 0x100000000"), Catch::Contains("does not fit in 32 bits"));
  // Compatibility mode (CS.L clear) keeps the 64-bit register view.
  r.m.cpu().state().seg[CS].flags = 0xC;
  r.m.cpu().state().seg[CS].big = true;
  CHECK_THAT(r.run("regs"), Catch::Contains("compatibility mode, 32-bit code"));
  CHECK_THAT(r.run("regs"), Catch::Contains("r15=fedcba9876543210"));
}

TEST_CASE("Debugger, IA-32e: disasm decodes 64-bit code at 64-bit addresses", "[frontend][debugger][long]") {
  LongRig r;
  const std::string d = r.run("disasm");
  // (Cross builds have no Capstone: the bytes, and a note saying so.)
  if (d.find("no Capstone") == std::string::npos) {
    CHECK_THAT(d, Catch::Contains(">  0000000100000000 0008:0000000100000000  488b0510000000   mov rax, qword ptr [rip + 0x10]"));
    CHECK_THAT(d, Catch::Contains("0000000100000007 0008:0000000100000007  4989c7           mov r15, rax"));
    CHECK_THAT(d, Catch::Contains("mov qword ptr [0x8000], rax"));
    // The same bytes in a 32-bit code segment (compatibility mode) are
    // another instruction: 48 is DEC EAX.
    r.m.cpu().state().seg[CS].flags = 0xC;
    r.m.cpu().state().seg[CS].big = true;
    CHECK_THAT(r.run("disasm 0x100000000 1"), Catch::Contains("dec eax"));
  }
}

TEST_CASE("Debugger, IA-32e: breakpoints and watchpoints above 4 GiB", "[frontend][debugger][long]") {
  LongRig r;
  CHECK_THAT(r.run("break 0x100000007"), Catch::Contains("breakpoint 1 at linear 100000007"));
  // The same low 32 bits must not match.
  r.run("break 0x7");
  CHECK_THAT(r.run("watch r 0x100000017 8"), Catch::Contains("watchpoint 3: read of linear 100000017 length 8"));
  CHECK_THAT(r.run("info break"), Catch::Contains("linear 100000007"));
  // The read of the quadword stops after the first instruction (the
  // watchpoint reports first: it is the instruction that ran).
  r.run("continue");
  CHECK(r.go() == Kind::Break);
  CHECK_THAT(r.d.take_stop_message(),
             Catch::Contains("watchpoint 3: read of 8 bytes at linear 100000017 by the instruction at 0008:100000000: value 1122334455667788"));
  CHECK(r.m.cpu().state().rip == kCodeLin + 7);
  CHECK(r.d.stop_watch() == std::optional{std::pair{Watchpoint::kRead, kCodeLin + 0x17}});
  r.run("delete 3");
  // Stopped at 1_0000_0007h, the breakpoint's address: continuing first
  // steps off it, then the watchpoint on the store stops.
  r.run("watch 0x8000 8");
  r.run("continue");
  CHECK(r.go() == Kind::Break);
  CHECK_THAT(r.d.take_stop_message(), Catch::Contains("watchpoint 4: write of 8 bytes at linear 00008000"));
  CHECK(r.m.cpu().state().gpr[15] == 0x1122'3344'5566'7788ull);
  // A breakpoint at a 64-bit address from the start.
  LongRig r2;
  r2.run("break 0x10000000a");
  r2.run("continue");
  CHECK(r2.go() == Kind::Break);
  CHECK(r2.d.take_stop_message() == "breakpoint 1");
  CHECK(r2.m.cpu().state().rip == kCodeLin + 10);
  CHECK(r2.m.cpu().state().gpr[15] == 0x1122'3344'5566'7788ull);
  // Offsets in SEG:OFF form are 64-bit too (CS's base does not count).
  CHECK(r2.d.linear_of(r2.d.parse_address("cs:0x100000012")) == kCodeLin + 0x12);
  CHECK(r2.d.linear_of(r2.d.parse_address("gs:0x10")) == 0xFFFF'8880'0000'0010ull);
}

TEST_CASE("Debugger, IA-32e: info gdt, idt and tss decode the 16-byte entries and the 64-bit TSS", "[frontend][debugger][long]") {
  LongRig r;
  const std::string gdt = r.run("info gdt");
  CHECK_THAT(gdt, Catch::Contains("0008  00af9a000000ffff  code 64-bit, execute/read"));
  CHECK_THAT(gdt, Catch::Contains("0018  0000890030000067 0000000000000000  64-bit TSS (available), base 0000000000003000, limit 00000067"));
  CHECK_THAT(gdt, Catch::Contains("LDT, base 00000001ab123400, limit 000000ff"));
  CHECK_THAT(gdt, Catch::Contains("64-bit call gate -> 0008:ffffffff87654321, DPL 3"));
  // The upper halves are not listed as descriptors of their own.
  CHECK_THAT(gdt, !Catch::Contains("  0020  "));
  CHECK_THAT(gdt, !Catch::Contains("  0030  "));
  const std::string idt = r.run("info idt");
  CHECK_THAT(idt, Catch::Contains("(256 entries, IA-32e mode)"));
  CHECK_THAT(idt, Catch::Contains("vector  14  80008e0200081234 00000000ffffffff  64-bit interrupt gate -> 0008:ffffffff80001234, IST2, DPL 0"));
  CHECK_THAT(r.run("sregs"), Catch::Contains("code 64-bit, execute/read"));
  const std::string cregs = r.run("cregs");
  CHECK_THAT(cregs, Catch::Contains("cr3=0000000000010000 [PML4 base 0000000000010000]"));
  CHECK_THAT(cregs, Catch::Contains("efer=0000000000000500 [LME LMA]"));
  CHECK_THAT(cregs, Catch::Contains("cr8=0"));
  CHECK_THAT(r.run("x/2g 0x100000017"), Catch::Contains("100000017: 1122334455667788 0000000000000000"));
  // translate: a 64-bit SEG:OFF address walks the 4 levels.
  CHECK_THAT(r.run("translate cs:rip"), Catch::Contains("  PDE   at 00013000 = 0000000000200083  [P RW S PS]\n  physical 00200000 (2 MiB page"));
  // XMM8-15 exist in IA-32e mode.
  r.m.cpu().state().fpu.xmm[15] = Vec128::from(0x1234, 0);
  CHECK_THAT(r.run("xmm"), Catch::Contains("xmm15 00000000000000000000000000001234"));
  const std::string tss = r.run("info tss");
  CHECK_THAT(tss, Catch::Contains("TR 0018: 64-bit TSS at linear 0000000000003000, limit 00000067"));
  CHECK_THAT(tss, Catch::Contains("rsp0=ffff800000009000"));
  CHECK_THAT(tss, Catch::Contains("ist1=ffff80000000a000"));
  CHECK_THAT(tss, Catch::Contains("iomap base=0068"));
}

TEST_CASE("Panels, IA-32e: 64-bit register rows, changes marked", "[frontend][panels][long]") {
  LongRig r;
  const CpuState before = r.m.cpu().state();
  r.m.cpu().state().gpr[13] = 0x1'0000'0000ull;  // a change above bit 31
  const auto rows = register_rows(r.m.cpu().state(), &before);
  const auto row = [&](const std::string& name) {
    for (const RegisterRow& x : rows) {
      if (x.name == name) return x;
    }
    FAIL("no row " << name);
    return RegisterRow{};
  };
  CHECK(row("r13").value == "0000000100000000");
  CHECK(row("r13").changed);
  CHECK_FALSE(row("r12").changed);
  CHECK(row("rip").value == "0000000100000000");
  CHECK(row("gsbase").value == "ffff888000000000");
  CHECK(std::count_if(rows.begin(), rows.end(), [](const RegisterRow& x) { return x.changed; }) == 1);
  store_le<u64>(r.ram(0x7008), 0xFEED'FACE'CAFE'BEEFull);
  const auto stack = stack_rows(r.d.target(), r.m.cpu().state(), 2);
  CHECK(stack[1] == "rsp+8   feedfacecafebeef");
}

TEST_CASE("gdbstub: the i386:x86-64 description on a model with Intel 64", "[frontend][gdbstub][long]") {
  LongRig r;
  GdbStub stub(r.m, r.d, "127.0.0.1", 0);
  bool resume = false, quit = false;
  const auto ask = [&](const std::string& p) { return stub.handle(p, resume, quit); };
  const std::string xml = ask("qXfer:features:read:target.xml:0,4000");
  CHECK_THAT(xml, Catch::Contains("<architecture>i386:x86-64</architecture>"));
  CHECK_THAT(xml, Catch::Contains(R"(<reg name="r15" bitsize="64" type="int64" regnum="15"/>)"));
  CHECK_THAT(xml, Catch::Contains(R"(<reg name="rip" bitsize="64" type="code_ptr" regnum="16"/>)"));
  CHECK_THAT(xml, Catch::Contains(R"(<reg name="xmm15" bitsize="128" type="vec128" regnum="55"/>)"));
  CHECK_THAT(xml, Catch::Contains(R"(<feature name="org.gnu.gdb.i386.segments"><reg name="fs_base")"));
  // g: 16 GPRs and RIP (8 bytes), EFLAGS and 6 selectors (4), ST0-7 (10),
  // 8 x87 control registers (4), XMM0-15 (16), MXCSR (4), fs_base and
  // gs_base (8), CR0 CR2 CR3 CR4 CR8 (8), EFER and k_gs_base (8).
  const size_t bytes = 17 * 8 + 7 * 4 + 8 * 10 + 8 * 4 + 16 * 16 + 4 + 2 * 8 + 5 * 8 + 2 * 8;
  r.m.cpu().state().gpr[15] = 0x0102'0304'0506'0708ull;
  const std::string g = ask("g");
  CHECK(g.size() == 2 * bytes);
  CHECK(g.substr(15 * 16, 16) == "0807060504030201");  // R15
  CHECK(g.substr(16 * 16, 16) == "0000000001000000");  // RIP 1_0000_0000h
  CHECK(ask("p10") == "0000000001000000");
  CHECK(ask("p3a") == "000000008088ffff");  // gs_base
  r.m.cpu().state().msr.kernel_gs_base = 0xFFFF'8880'1234'5678ull;
  CHECK(ask("p41") == "785634128088ffff");  // k_gs_base, the last
  CHECK(ask("P10=0700000001000000") == "OK");
  CHECK(r.m.cpu().state().rip == kCodeLin + 7);
  // Memory and breakpoints at 64-bit addresses.
  CHECK(ask("m100000007,3") == "4989c7");
  CHECK(ask("Z0,10000000a,1") == "OK");
  CHECK(r.d.break_at(kCodeLin + 10).has_value());
  CHECK_FALSE(r.d.break_at(10).has_value());
  CHECK(ask("z0,10000000a,1") == "OK");
  CHECK(ask("Z2,100000017,8") == "OK");
  CHECK(ask("z2,100000017,8") == "OK");
}

TEST_CASE("gdbstub: the i386 description on a 32-bit model is unchanged", "[frontend][gdbstub]") {
  MachineConfig c = test::tiny_machine();
  c.cpu = find_cpu_model("pentium-pro");
  Machine m{std::move(c)};
  std::FILE* f = std::tmpfile();
  {
    Debugger d{m, f, Debugger::Options{}};
    GdbStub stub(m, d, "127.0.0.1", 0);
    bool resume = false, quit = false;
    CHECK_THAT(stub.handle("qXfer:features:read:target.xml:0,4000", resume, quit), Catch::Contains("<architecture>i386</architecture>"));
    // 8 GPRs, EIP, EFLAGS, 6 selectors (4), ST0-7 (10), 8 x87 (4), XMM0-7
    // (16), MXCSR (4), CR0 CR2 CR3 CR4 (4), EFER (8).
    CHECK(stub.handle("g", resume, quit).size() == 2 * (16 * 4 + 8 * 10 + 8 * 4 + 8 * 16 + 4 + 4 * 4 + 8));
    CHECK(stub.handle("p8", resume, quit) == "f0ff0000");  // EIP at reset
    CHECK(stub.handle("m100000000,1", resume, quit) == "E01");  // no 64-bit addresses
    CHECK(stub.handle("Z0,100000000,1", resume, quit) == "E01");
  }
  std::fclose(f);
}
