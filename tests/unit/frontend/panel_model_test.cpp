// What the debugger panels show (frontend/debugger/panel_model.hpp):
// register rows marked where they changed since the previous stop, memory
// and stack rows, and the disassembly listing's anchoring.
#include <catch2/catch.hpp>

#include <algorithm>

#include "devices/pc/machine.hpp"
#include "frontend/debugger/debugger.hpp"
#include "frontend/debugger/panel_model.hpp"
#include "frontend/debugger/simd_view.hpp"
#include "tests/unit/frontend/tiny_machine.hpp"

using namespace gb;

namespace {

const RegisterRow& row(const std::vector<RegisterRow>& rows, const std::string& name) {
  const auto it = std::find_if(rows.begin(), rows.end(), [&](const RegisterRow& r) { return r.name == name; });
  REQUIRE(it != rows.end());
  return *it;
}

}  // namespace

TEST_CASE("Panels: register rows mark what changed since the previous stop", "[frontend][panels]") {
  CpuState a{}, b{};
  a.gpr[EAX] = 1;
  a.rip = 0x7C00;
  a.seg[CS].selector = 0x0008;
  b = a;
  b.gpr[EAX] = 2;
  b.cr0 = 1;
  const auto first = register_rows(a, nullptr);
  CHECK(first.size() == 20);  // 8 GPRs, EIP, EFLAGS, 6 selectors, CR0 CR2 CR3 CR4
  CHECK(std::none_of(first.begin(), first.end(), [](const RegisterRow& r) { return r.changed; }));
  CHECK(row(first, "eip").value == "00007c00");
  CHECK(row(first, "cs").value == "0008");
  const auto rows = register_rows(b, &a);
  CHECK(row(rows, "eax").changed);
  CHECK(row(rows, "eax").value == "00000002");
  CHECK(row(rows, "cr0").changed);
  CHECK_FALSE(row(rows, "eip").changed);
  CHECK(std::count_if(rows.begin(), rows.end(), [](const RegisterRow& r) { return r.changed; }) == 2);
}

TEST_CASE("Panels: on_stop keeps the previous stop's registers for the comparison", "[frontend][panels]") {
  Machine m(test::tiny_machine());
  Debugger d(m, stdout, Debugger::Options{});
  DebugPanels p(m, d);
  CHECK(p.before() == nullptr);
  p.on_stop("before the first instruction");
  CHECK(p.stopped());
  CHECK(p.before() == nullptr);  // one stop: nothing to compare with
  m.cpu().state().gpr[EBX] = 0x1234;
  p.on_resume();
  CHECK_FALSE(p.stopped());
  p.on_stop("step");
  REQUIRE(p.before() != nullptr);
  const auto rows = register_rows(m.cpu().state(), p.before());
  CHECK(row(rows, "ebx").changed);
  CHECK(p.stop_message() == "step");
  p.push_command("step");
  CHECK(p.take_commands() == std::vector<std::string>{"step"});
  CHECK(p.take_commands().empty());
}

TEST_CASE("Panels: memory and stack rows; unmapped memory shows ??", "[frontend][panels]") {
  Machine m(test::tiny_machine());
  Debugger d(m, stdout, Debugger::Options{});
  const char text[] = "Hello, panels!!!";
  for (unsigned i = 0; i < 16; ++i) d.target().write_phys(0x500 + i, static_cast<u8>(text[i]));
  const auto rows = memory_rows(d.target(), 0x500, false, 2);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == "00000500  48 65 6c 6c 6f 2c 20 70 61 6e 65 6c 73 21 21 21  Hello, panels!!!");
  CHECK(memory_rows(d.target(), 0x200000, true, 1)[0].starts_with("p:00200000  ?? ??"));  // beyond RAM
  CpuState& s = m.cpu().state();
  s.seg[SS].base = 0;
  s.gpr[ESP] = 0x500;  // real mode: words at SS:SP
  const auto st = stack_rows(d.target(), s, 2);
  REQUIRE(st.size() == 2);
  CHECK(st[0] == "sp+0   0000:0500  6548");
  CHECK(st[1] == "sp+2   0000:0502  6c6c");
}

TEST_CASE("Panels: the listing keeps its start while EIP stays in its first lines", "[frontend][panels]") {
  const std::vector<u64> shown = {0x100, 0x102, 0x105, 0x106, 0x10A, 0x10C, 0x10E, 0x110};
  CHECK(listing_start(0x105, shown, 8) == 0x100);  // stepping inside: the context before EIP stays
  CHECK(listing_start(0x10C, shown, 8) == 0x10C);  // near the end: restart at EIP
  CHECK(listing_start(0x200, shown, 8) == 0x200);  // elsewhere
  CHECK(listing_start(0x100, {}, 8) == 0x100);
}

TEST_CASE("Panels: XMM rows and MXCSR on the SSE models only", "[frontend][panels]") {
  CpuState a{}, b{};
  b = a;
  b.fpu.xmm[5] = Vec128::from(0x1122'3344'5566'7788ull, 0x99AA'BBCC'DDEE'FF00ull);
  b.fpu.mxcsr = 0x1F81;
  const CpuModel& nehalem = *find_cpu_model("nehalem");
  const auto rows = simd_register_rows(b, &a, nehalem);
  CHECK(rows.size() == 9);  // xmm0-7, mxcsr
  CHECK(row(rows, "xmm5").value == "99aabbccddeeff001122334455667788");
  CHECK(row(rows, "xmm5").changed);
  CHECK_FALSE(row(rows, "xmm4").changed);
  CHECK(row(rows, "mxcsr").value == "00001f81");
  CHECK(row(rows, "mxcsr").changed);
  CHECK(simd_register_rows(b, nullptr, nehalem)[5].changed == false);
  CHECK(simd_register_rows(b, &a, *find_cpu_model("pentium-pro")).empty());
  CHECK(describe_mxcsr(0x1F80) == "- | masks IM DM ZM OM UM PM | RC=nearest");
}
