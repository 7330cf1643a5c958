// REP STOS/MOVS page chunks (cpu/ops/string.hpp): the same memory and
// registers as element-by-element execution, across pages, backwards, with
// overlap, the 16-bit wrap, MMIO, and a fault part-way.
#include <catch2/catch.hpp>

#include <algorithm>
#include <initializer_list>
#include <vector>

#include "cpu/cpu.hpp"

using namespace gb;

namespace {

struct Mmio : MmioHandler {
  std::vector<u32> writes;
  u32 mmio_read(PhysAddr, Width) override { return 0; }
  void mmio_write(PhysAddr, u32 v, Width) override { writes.push_back(v); }
};

// Flat 32-bit protected mode without paging, code at 1000h, MMIO at 400000h.
struct Rig {
  std::vector<u8> ram = std::vector<u8>(4u << 20);
  MemoryMap mem;
  IoMap io;
  Bus bus{mem, io};
  Mmio mmio;
  Cpu cpu;
  CpuState& s;
  Rig() : cpu(bus, *find_cpu_model("pentium-pro")), s(cpu.state()) {
    mem.map_ram(0, ram);
    mem.map_mmio(0x40'0000, 0x1000, mmio);
    cpu.set_log(nullptr);
    s.seg[CS].selector = 0;
    s.seg[CS].base = 0;  // out of the reset state's FFFF0000
    const u8 gdt[] = {0, 0, 0, 0, 0, 0, 0, 0,
                      0xFF, 0xFF, 0, 0, 0, 0x9A, 0xCF, 0,   // 08: code, 4 GiB, 32-bit
                      0xFF, 0xFF, 0, 0, 0, 0x92, 0xCF, 0};  // 10: data, 4 GiB
    std::copy(std::begin(gdt), std::end(gdt), ram.begin() + 0x500);
    s.gdtr = TableRegister{0x500, 23};
    cpu.write_cr0(s.cr0 | 1);
    for (unsigned r : {ES, SS, DS}) cpu.load_segment(r, 0x10);
    r_code(0x08);
    s.rip = 0x1000;
    s.gpr[ESP] = 0x8000;
  }
  void r_code(u16 sel) {
    // Far-jump once (16-bit code still) to load CS from the GDT.
    const u8 jmp[] = {0xEA, 0x00, 0x10, static_cast<u8>(sel), 0x00};
    std::copy(std::begin(jmp), std::end(jmp), ram.begin() + 0xF00);
    s.rip = 0xF00;
    cpu.step();
  }
  void code(std::initializer_list<u8> b) {
    std::copy(b.begin(), b.end(), ram.begin() + 0x1000);
    ram[0x1000 + b.size()] = 0xF4;
    bus.host_wrote(0x1000, b.size() + 1);
    s.rip = 0x1000;
    s.halted = false;
  }
};

}  // namespace

TEST_CASE("rep stosd across pages fills exactly and leaves the registers as the element loop", "[rep]") {
  Rig r;
  r.code({0xF3, 0xAB});  // rep stosd
  r.s.gpr[EAX] = 0xA1B2C3D4;
  r.s.gpr[EDI] = 0x2FF8;  // 2 dwords in the first page, then 2.5 pages more
  r.s.gpr[ECX] = 2 + 2560 / 4 * 4;
  const u32 n = r.s.gpr[ECX];
  r.cpu.run(100);
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
  r.cpu.run(100);
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
  r.cpu.run(100);
  CHECK(std::all_of(r.ram.begin() + 0x30000, r.ram.begin() + 0x31801, [](u8 b) { return b == 0x5A; }));
}

TEST_CASE("rep stosw with 16-bit addresses wraps DI at 64 KiB", "[rep]") {
  Rig r;
  r.code({0x67, 0xF3, 0x66, 0xAB});  // a16 rep stosw
  r.s.gpr[EAX] = 0xBEEF;
  r.s.gpr[EDI] = 0x1234'FFFC;  // DI = FFFC: two words, then wraps to 0000
  r.s.gpr[ECX] = 0xABCD'0004;
  r.cpu.run(100);
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
  r.cpu.run(100);
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
  r.cpu.run(100);
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
