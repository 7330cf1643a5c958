// REP STOS/MOVS page chunks (cpu/ops/string.hpp): the same memory and
// registers as element-by-element execution, across pages, backwards, with
// overlap, the 16-bit wrap, MMIO, and a fault part-way.
#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/unit/cpu/rep_rig.hpp"

using namespace gb;

namespace {

using rep_rig::Rig;

// A budget that runs each case to its HLT: each iteration counts.
constexpr u64 kRun = 1'000'000;

}  // namespace

TEST_CASE("rep stosd across pages fills exactly and leaves the registers as the element loop", "[rep]") {
  Rig r;
  r.code({0xF3, 0xAB});  // rep stosd
  r.s.gpr[EAX] = 0xA1B2C3D4;
  r.s.gpr[EDI] = 0x2FF8;  // 2 dwords in the first page, then 2.5 pages more
  r.s.gpr[ECX] = 2 + 2560 / 4 * 4;
  const u32 n = r.s.gpr[ECX];
  r.cpu.run(kRun);
  CHECK(r.s.gpr[ECX] == 0);
  CHECK(r.s.gpr[EDI] == 0x2FF8 + 4 * n);
  CHECK(load_le<u32>(&r.ram[0x2FF8]) == 0xA1B2C3D4);
  CHECK(load_le<u32>(&r.ram[0x2FF8 + 4 * (n - 1)]) == 0xA1B2C3D4);
  CHECK(load_le<u32>(&r.ram[0x2FF8 + 4 * n]) == 0);
  CHECK(r.ram[0x2FF7] == 0);
}

TEST_CASE("rep movsb backwards and overlapping forwards", "[rep]") {
  Rig r;
  for (unsigned i = 0; i < 0x3000; ++i) r.ram[0x10000 + i] = static_cast<u8>(i * 7);
  // std; rep movsb; cld : copy 3000h bytes backwards from the ends.
  r.code({0xFD, 0xF3, 0xA4, 0xFC});
  r.s.gpr[ESI] = 0x10000 + 0x2FFF;
  r.s.gpr[EDI] = 0x20000 + 0x2FFF;
  r.s.gpr[ECX] = 0x3000;
  r.cpu.run(kRun);
  CHECK(r.s.gpr[ECX] == 0);
  CHECK(r.s.gpr[ESI] == 0x10000 - 1);
  CHECK(r.s.gpr[EDI] == 0x20000 - 1);
  CHECK(std::equal(r.ram.begin() + 0x10000, r.ram.begin() + 0x13000, r.ram.begin() + 0x20000));
  // Forwards with the destination one byte above the source: the first
  // byte repeats through the whole run, as element by element.
  r.ram[0x30000] = 0x5A;
  r.code({0xF3, 0xA4});
  r.s.gpr[ESI] = 0x30000;
  r.s.gpr[EDI] = 0x30001;
  r.s.gpr[ECX] = 0x1800;
  r.cpu.run(kRun);
  CHECK(std::all_of(r.ram.begin() + 0x30000, r.ram.begin() + 0x31801, [](u8 b) { return b == 0x5A; }));
}

TEST_CASE("rep stosw with 16-bit addresses wraps DI at 64 KiB", "[rep]") {
  Rig r;
  r.code({0x67, 0xF3, 0x66, 0xAB});  // a16 rep stosw
  r.s.gpr[EAX] = 0xBEEF;
  r.s.gpr[EDI] = 0x1234'FFFC;  // DI = FFFC: two words, then wraps to 0000
  r.s.gpr[ECX] = 0xABCD'0004;
  r.cpu.run(kRun);
  CHECK(r.s.gpr[ECX] == 0xABCD'0000);
  CHECK(r.s.gpr[EDI] == 0x1234'0004);
  CHECK(load_le<u16>(&r.ram[0xFFFC]) == 0xBEEF);
  CHECK(load_le<u16>(&r.ram[0xFFFE]) == 0xBEEF);
  CHECK(load_le<u16>(&r.ram[0x0000]) == 0xBEEF);
  CHECK(load_le<u16>(&r.ram[0x0002]) == 0xBEEF);
  CHECK(load_le<u16>(&r.ram[0x10000]) == 0);
}

TEST_CASE("rep stosd into MMIO is element by element", "[rep]") {
  Rig r;
  r.code({0xF3, 0xAB});
  r.s.gpr[EAX] = 7;
  r.s.gpr[EDI] = 0x3FFF'F8;  // two dwords of RAM, then the MMIO page
  r.s.gpr[ECX] = 5;
  r.cpu.run(kRun);
  CHECK(r.s.gpr[ECX] == 0);
  CHECK(r.mmio.writes.size() == 3);
  CHECK(load_le<u32>(&r.ram[0x3FFF'FC]) == 7);
}

TEST_CASE("rep movsd faulting on the limit stops with the completed count", "[rep]") {
  Rig r;
  // ES base 100000h, limit 2FFFh (byte granular): the element at 3000h
  // faults #GP(0); the registers are those of the faulting iteration, so
  // the instruction restarts there (SDM Vol. 2B REP).
  const u8 small[] = {0xFF, 0x2F, 0, 0, 0x10, 0x92, 0x40, 0};
  std::copy(std::begin(small), std::end(small), r.ram.begin() + 0x518);
  r.s.gdtr.limit = 31;
  r.cpu.load_segment(ES, 0x18);
  // IDT at 600h with #GP -> 08:2000 (hlt).
  r.s.idtr = TableRegister{0x600, 0x7FF};
  const u8 gate[] = {0x00, 0x20, 0x08, 0x00, 0x00, 0x8E, 0x00, 0x00};
  std::copy(std::begin(gate), std::end(gate), r.ram.begin() + 0x600 + 13 * 8);
  r.ram[0x2000] = 0xF4;
  r.code({0xF3, 0xA5});
  r.s.gpr[ESI] = 0x10000;
  r.s.gpr[EDI] = 0x1000;
  r.s.gpr[ECX] = 0x1000;
  r.cpu.run(kRun);
  CHECK(r.s.gpr[EDI] == 0x3000);
  CHECK(r.s.gpr[ECX] == 0x1000 - 0x800);
  CHECK(r.s.gpr[ESI] == 0x10000 + 0x2000);
  CHECK(r.s.rip == 0x2001);  // in the #GP handler
  CHECK(load_le<u32>(&r.ram[0x100000 + 0x2FFC]) == load_le<u32>(&r.ram[0x10000 + 0x1FFC]));
}

TEST_CASE("a DR0 data breakpoint stops rep stosb after the iteration that writes it", "[rep][debug]") {
  // SDM Vol. 3A 17.3.1.2: a data breakpoint is a trap after the access's
  // iteration; a REP string instruction resumes from its EIP (it is
  // delivered with EIP at the REP).
  Rig r;
  // IDT at 700h: vector 1 -> 08:3000 (an interrupt gate), the handler hlts.
  const u8 gate[] = {0x00, 0x30, 0x08, 0x00, 0x00, 0x8E, 0x00, 0x00};
  std::copy(std::begin(gate), std::end(gate), r.ram.begin() + 0x708);
  r.s.idtr = TableRegister{0x700, 15};
  r.ram[0x3000] = 0xF4;
  r.code({0xF3, 0xAA});  // rep stosb
  r.s.gpr[EAX] = 0x77;
  r.s.gpr[EDI] = 0x20000;
  r.s.gpr[ECX] = 16;
  r.s.dr[0] = 0x20005;
  r.s.dr[7] = 0x1 | (1u << 16);  // L0, R/W0 = 01 (writes), LEN0 = 1 byte
  r.cpu.update_breakpoints();
  r.cpu.step();
  CHECK(r.s.rip == 0x3000);               // in the #DB handler
  CHECK((r.s.dr[6] & 0xF) == 1);          // B0
  CHECK(load_le<u32>(&r.ram[0x8000 - 12]) == 0x1000);  // the pushed EIP: the REP itself
  CHECK(r.s.gpr[ECX] == 10);              // 6 bytes written
  CHECK(r.s.gpr[EDI] == 0x20006);
  CHECK(r.ram[0x20005] == 0x77);
  CHECK(r.ram[0x20006] == 0);
}
