// P6-family additions: the multi-byte NOP (0F 1F /0) and RDPMC.
#include <catch2/catch.hpp>

#include <vector>

#include "cpu/cpu.hpp"

using namespace gb;

namespace {
struct Real {
  std::vector<u8> ram = std::vector<u8>(1u << 20);
  MemoryMap memory;
  IoMap io;
  Bus bus{memory, io};
  Cpu cpu;
  explicit Real(const char* model) : cpu(bus, *find_cpu_model(model)) {
    memory.map_ram(0, ram);
    cpu.set_log(nullptr);
    CpuState& s = cpu.state();
    s.seg[CS].selector = 0;
    s.seg[CS].base = 0;
    s.rip = 0x1000;
    s.gpr[ESP] = 0x8000;
  }
};
}  // namespace

TEST_CASE("0F 1F /0 is a NOP with a ModR/M operand on the P6", "[cpu][p6]") {
  Real m("pentium-pro");
  const u8 code[] = {0x0F, 0x1F, 0x80, 0x34, 0x12};  // nop word [bx+si+1234h]
  std::copy(std::begin(code), std::end(code), m.ram.begin() + 0x1000);
  m.cpu.step();
  CHECK(m.cpu.state().rip == 0x1005);
}

TEST_CASE("0F 1F is #UD before the P6", "[cpu][p6]") {
  Real m("pentium");
  m.ram[0x1000] = 0x0F;
  m.ram[0x1001] = 0x1F;
  m.ram[0x1002] = 0xC0;
  m.ram[6 * 4] = 0x00;  // IVT[6] = 0000:2000
  m.ram[6 * 4 + 1] = 0x20;
  m.cpu.step();
  CHECK(m.cpu.state().rip == 0x2000);
}

TEST_CASE("RDPMC reads counters 0 and 1 as zero in real mode", "[cpu][p6]") {
  Real m("pentium-pro");
  m.ram[0x1000] = 0x0F;
  m.ram[0x1001] = 0x33;
  m.cpu.state().gpr[ECX] = 1;
  m.cpu.state().gpr[EAX] = 0x1234;
  m.cpu.step();
  CHECK(m.cpu.state().rip == 0x1002);
  CHECK(m.cpu.state().gpr[EAX] == 0);
}
