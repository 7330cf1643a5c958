// Execute-disable (SDM Vol. 3A 4.6): on a model with NX, EFER.NXE makes bit
// 63 of PAE entries XD; an instruction fetch from such a page is #PF with
// I/D set. MSR C000_0080h only exists on that model.
#include <catch2/catch.hpp>

#include <vector>

#include "cpu/cpu.hpp"

using namespace gb;

namespace {

struct Recorder : CpuObserver {
  int vector = -1;
  u32 error = 0;
  void on_fault(const Cpu&, const GuestFault& f) override {
    if (vector < 0) {
      vector = f.vector;
      error = f.error;
    }
  }
};

struct PaeMachine {
  std::vector<u8> ram = std::vector<u8>(4u << 20);
  MemoryMap memory;
  IoMap io;
  Bus bus{memory, io};
  Cpu cpu;
  Recorder rec;

  void put64(u32 at, u64 v) {
    for (unsigned i = 0; i < 8; ++i) ram[at + i] = static_cast<u8>(v >> (8 * i));
  }

  explicit PaeMachine(const char* model) : cpu(bus, *find_cpu_model(model)) {
    memory.map_ram(0, ram);
    cpu.set_log(nullptr);
    cpu.set_observer(&rec);
    // PDPT at 0x1000 -> PD at 0x2000 -> PT at 0x3000: identity 4 KiB pages
    // for the first 2 MiB; page 0x5000 is XD.
    put64(0x1000, 0x2000 | 1);
    put64(0x2000, 0x3000 | 3);
    for (u32 i = 0; i < 512; ++i) put64(0x3000 + i * 8, (u64{i} << 12) | 3);
    put64(0x3000 + 5 * 8, (u64{1} << 63) | 0x5000 | 3);
    CpuState& s = cpu.state();
    for (unsigned i = 0; i < 6; ++i) {
      Segment& sg = s.seg[i];
      sg.selector = i == CS ? 0x08 : 0x10;
      sg.base = 0;
      sg.limit = 0xFFFF'FFFFu;
      sg.access = i == CS ? 0x9B : 0x93;
      sg.flags = 0xC;
      sg.big = true;
    }
    s.cr0 = 0x8000'0011u;
    s.cr4 = 0x20;
    s.cr3 = 0x1000;
    cpu.update_mode();
    s.gpr[ESP] = 0x9000;
    ram[0x5000] = 0x90;  // nop
  }
};

}  // namespace

TEST_CASE("XD page: fetch is #PF(P|I/D) with EFER.NXE on pentium-m", "[cpu][nx]") {
  PaeMachine m("pentium-m");
  m.cpu.state().efer = 0x800;
  m.cpu.update_paging(Cpu::TlbFlush::All);
  m.cpu.state().rip = 0x5000;
  m.cpu.step();
  CHECK(m.rec.vector == kPF);
  CHECK(m.rec.error == (1u | 16u));
  CHECK(m.cpu.state().cr2 == 0x5000);
}

TEST_CASE("XD page: bit 63 without NXE is a reserved bit", "[cpu][nx]") {
  PaeMachine m("pentium-m");
  m.cpu.update_paging(Cpu::TlbFlush::All);
  m.cpu.state().rip = 0x5000;
  m.cpu.step();
  CHECK(m.rec.vector == kPF);
  CHECK(m.rec.error == (1u | 8u));  // P | RSVD, no I/D without NXE
}

TEST_CASE("EFER exists only on the NX model", "[cpu][nx]") {
  for (const char* model : {"pentium-pro", "pentium-m"}) {
    PaeMachine m(model);
    m.ram[0x4000] = 0x0F;  // rdmsr
    m.ram[0x4001] = 0x32;
    m.cpu.state().gpr[ECX] = 0xC000'0080u;
    m.cpu.update_paging(Cpu::TlbFlush::All);
    m.cpu.state().rip = 0x4000;
    m.cpu.step();
    INFO(model);
    CHECK((m.rec.vector == kGP) == (std::string(model) == "pentium-pro"));
  }
}
