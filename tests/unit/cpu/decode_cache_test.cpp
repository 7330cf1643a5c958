// gb::DecodeCache (cpu/decode/decode_cache.hpp) and the CPU's use of it:
// a cached decode is only reused while the instruction's bytes are unchanged.
#include <catch2/catch.hpp>

#include <vector>

#include "cpu/cpu.hpp"

using namespace gb;

TEST_CASE("decode cache: a hit needs the same address, mode and bytes", "[decode_cache]") {
  DecodeCache c;
  std::vector<u8> code(32, 0x90);
  code[0] = 0xB0;  // mov al, 7
  code[1] = 0x07;
  DecodedInsn d;
  d.len = 2;
  d.opcode = 0xB0;
  c.store(0x1000, 0, code.data(), d);
  REQUIRE(c.find(0x1000, 0, code.data()) != nullptr);
  CHECK(c.find(0x1000, 0, code.data())->opcode == 0xB0);
  CHECK(c.find(0x1000, 1, code.data()) == nullptr);  // other default size
  CHECK(c.find(0x1001, 0, code.data()) == nullptr);
  code[5] = 0xCC;  // beyond the instruction: still a hit
  CHECK(c.find(0x1000, 0, code.data()) != nullptr);
  code[1] = 0x08;  // the immediate changed: a miss
  CHECK(c.find(0x1000, 0, code.data()) == nullptr);
  // A 15-byte instruction compares 15 bytes, not the 16th.
  std::vector<u8> longer(32, 0x66);
  DecodedInsn l;
  l.len = 15;
  c.store(0x2000, 1, longer.data(), l);
  longer[15] = 0x00;
  CHECK(c.find(0x2000, 1, longer.data()) != nullptr);
  longer[14] = 0x00;
  CHECK(c.find(0x2000, 1, longer.data()) == nullptr);
}

TEST_CASE("decode cache: self-modifying code and host writes to code are seen", "[decode_cache]") {
  std::vector<u8> ram(1u << 20, 0);
  MemoryMap mem;
  IoMap io;
  Bus bus(mem, io);
  mem.map_ram(0, ram);
  Cpu cpu(bus, *find_cpu_model("pentium-pro"));
  cpu.set_log(nullptr);
  CpuState& s = cpu.state();
  s.seg[CS].selector = 0;
  s.seg[CS].base = 0;
  s.seg[DS].selector = 0;
  s.seg[DS].base = 0;
  s.rip = 0x1000;
  const u8 prog[] = {0xB0, 0x07,                    // 1000: mov al, 7
                     0xC6, 0x06, 0x01, 0x10, 0x09,  // 1002: mov byte [1001h], 9
                     0xEB, 0xF7};                   // 1007: jmp 1000h
  std::copy(std::begin(prog), std::end(prog), ram.begin() + 0x1000);
  cpu.step();
  CHECK((s.gpr[EAX] & 0xFF) == 7);
  cpu.step();
  cpu.step();
  REQUIRE(s.rip == 0x1000);
  cpu.step();  // the same address, new bytes: decoded again
  CHECK((s.gpr[EAX] & 0xFF) == 9);
  // A device (DMA) writing the code behind the CPU's back.
  s.rip = 0x1000;
  bus.write<u8>(0x1001, 0x2A);
  cpu.step();
  CHECK((s.gpr[EAX] & 0xFF) == 0x2A);
  // Loops keep working from the cache.
  for (int i = 0; i < 30; ++i) cpu.step();
  CHECK(s.rip >= 0x1000);
  CHECK(s.rip < 0x1009);
  CHECK(ram[0x1001] == 9);
}
