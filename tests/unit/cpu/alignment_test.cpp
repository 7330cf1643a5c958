// #AC (interrupt 17): misaligned data accesses at CPL 3 with CR0.AM and
// EFLAGS.AC set (SDM Vol. 3A 6.15).
#include <catch2/catch.hpp>

#include <vector>

#include "cpu/cpu.hpp"

using namespace gb;

namespace {

struct Recorder : CpuObserver {
  int vector = -1;
  void on_fault(const Cpu&, const GuestFault& f) override {
    if (vector < 0) vector = f.vector;
  }
};

struct FlatRing3 {
  std::vector<u8> ram = std::vector<u8>(1u << 20);
  MemoryMap memory;
  IoMap io;
  Bus bus{memory, io};
  Cpu cpu{bus, default_cpu_model()};
  Recorder rec;

  FlatRing3() {
    memory.map_ram(0, ram);
    cpu.set_log(nullptr);
    cpu.set_observer(&rec);
    CpuState& s = cpu.state();
    s.cr0 = 0x11;
    for (unsigned i = 0; i < 6; ++i) {
      Segment& sg = s.seg[i];
      sg.selector = i == CS ? 0x1B : 0x23;
      sg.base = 0;
      sg.limit = 0xFFFF'FFFFu;
      sg.access = i == CS ? 0xFB : 0xF3;
      sg.flags = 0xC;
      sg.big = true;
    }
    s.cpl = 3;
    cpu.update_mode();
    s.gpr[ESP] = 0x8000;
    s.rip = 0x1000;
    ram[0x1000] = 0x8B;  // mov eax, [0x2001]
    ram[0x1001] = 0x05;
    ram[0x1002] = 0x01;
    ram[0x1003] = 0x20;
    ram[0x1004] = 0;
    ram[0x1005] = 0;
  }
};

}  // namespace

TEST_CASE("#AC on a misaligned load at CPL 3 with CR0.AM and EFLAGS.AC", "[cpu][protected]") {
  FlatRing3 m;
  m.cpu.state().cr0 |= 0x4'0000u;  // AM
  m.cpu.state().eflags_rest |= fl::AC;
  m.cpu.step();
  CHECK(m.rec.vector == kAC);
}

TEST_CASE("no #AC without CR0.AM, without EFLAGS.AC, or when aligned", "[cpu][protected]") {
  SECTION("AM clear") {
    FlatRing3 m;
    m.cpu.state().eflags_rest |= fl::AC;
    m.cpu.step();
    CHECK(m.rec.vector == -1);
    CHECK(m.cpu.state().rip == 0x1006);
  }
  SECTION("AC clear") {
    FlatRing3 m;
    m.cpu.state().cr0 |= 0x4'0000u;
    m.cpu.step();
    CHECK(m.rec.vector == -1);
  }
  SECTION("aligned") {
    FlatRing3 m;
    m.cpu.state().cr0 |= 0x4'0000u;
    m.cpu.state().eflags_rest |= fl::AC;
    m.ram[0x1002] = 0x00;  // mov eax, [0x2000]
    m.cpu.step();
    CHECK(m.rec.vector == -1);
  }
}

TEST_CASE("PUSH CS at CPL 3 pushes the selector with RPL 3", "[cpu][protected]") {
  FlatRing3 m;
  m.ram[0x1000] = 0x0E;  // push cs
  m.cpu.step();
  CHECK(m.cpu.state().gpr[ESP] == 0x8000 - 4);
  CHECK(m.ram[0x8000 - 4] == 0x1B);
}
