// glassbox-pm-fuzz: runs random instruction bytes in 32-bit protected mode
// (issue 4, "Bad input"): any byte sequence must give a defined result
// (#UD, #GP, a triple fault, ...) and never a host crash or hang. Run under
// the sanitizer build in CI.
//   glassbox-pm-fuzz [INSTRUCTIONS] [SEED]
#include <cstdlib>
#include <random>
#include <vector>

#include <fmt/format.h>

#include "cpu/cpu.hpp"

using namespace gb;

namespace {

u64 descriptor(u32 base, u32 limit, u8 access, u8 flags) {
  flags &= 0xF;
  return (limit & 0xFFFF) | (u64{base & 0xFFFFFF} << 16) | (u64{access} << 40) |
         (u64{(limit >> 16) & 0xF} << 48) | (u64{flags} << 52) | (u64{base >> 24} << 56);
}

void put64(std::vector<u8>& ram, u32 at, u64 v) {
  for (unsigned i = 0; i < 8; ++i) ram[at + i] = static_cast<u8>(v >> (8 * i));
}

}  // namespace

int main(int argc, char** argv) {
  const u64 target = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const u32 seed = argc > 2 ? static_cast<u32>(std::strtoul(argv[2], nullptr, 10)) : 12345;
  std::mt19937 rng(seed);
  std::vector<u8> ram(4u << 20);
  MemoryMap memory;
  memory.map_ram(0, ram);
  IoMap io;
  Bus bus(memory, io);
  Cpu cpu(bus, default_cpu_model());
  cpu.set_log(nullptr);

  constexpr u32 kGdt = 0x1000, kIdt = 0x2000, kTss = 0x3000, kCode = 0x10000, kCodeSize = 0x10000;
  u64 executed = 0, rounds = 0, shutdowns = 0, bytes = 0;
  while (executed < target) {
    ++rounds;
    // Random code and data, then the tables: a few valid flat descriptors
    // among random ones, random IDT gates (some valid), a TSS.
    for (u32 i = 0; i < ram.size(); i += 4) {
      const u32 r = rng();
      for (unsigned k = 0; k < 4; ++k) ram[i + k] = static_cast<u8>(r >> (8 * k));
    }
    bytes += kCodeSize;
    for (u32 i = 0; i < 32; ++i) {
      const u64 raw = (u64{rng()} << 32) | rng();
      put64(ram, kGdt + i * 8, raw);
    }
    put64(ram, kGdt + 0x00, 0);
    put64(ram, kGdt + 0x08, descriptor(0, 0xFFFFF, 0x9B, 0xC));  // ring 0 code
    put64(ram, kGdt + 0x10, descriptor(0, 0xFFFFF, 0x93, 0xC));  // ring 0 data
    put64(ram, kGdt + 0x18, descriptor(0, 0xFFFFF, 0xFB, 0xC));  // ring 3 code
    put64(ram, kGdt + 0x20, descriptor(0, 0xFFFFF, 0xF3, 0xC));  // ring 3 data
    put64(ram, kGdt + 0x28, descriptor(kTss, 0x67, 0x89, 0));    // 32-bit TSS
    for (u32 v = 0; v < 256; ++v) {
      if (rng() % 4) {
        const u32 off = kCode + rng() % kCodeSize;
        const u8 type = (rng() & 1) ? 0x8E : 0xEF;  // interrupt gate DPL0 / trap gate DPL3
        put64(ram, kIdt + v * 8, (off & 0xFFFF) | (u64{0x08} << 16) | (u64{type} << 40) | (u64{off >> 16} << 48));
      }
    }
    ram[kTss + 4] = 0x00; ram[kTss + 5] = 0xF0; ram[kTss + 6] = 0x3F; ram[kTss + 7] = 0;  // ESP0 = 0x3FF000
    ram[kTss + 8] = 0x10; ram[kTss + 9] = 0;                                              // SS0
    cpu.reset();
    CpuState& s = cpu.state();
    s.cr0 = 0x11;
    s.gdtr = TableRegister{kGdt, 32 * 8 - 1};
    s.idtr = TableRegister{kIdt, 256 * 8 - 1};
    s.tr.selector = 0x28;
    s.tr.base = kTss;
    s.tr.limit = 0x67;
    s.tr.access = 0x8B;
    const bool user = rng() & 1;
    for (unsigned seg = 0; seg < 6; ++seg) {
      Segment& sg = s.seg[seg];
      sg.selector = seg == CS ? (user ? 0x1B : 0x08) : (user ? 0x23 : 0x10);
      sg.base = 0;
      sg.limit = 0xFFFF'FFFFu;
      sg.access = seg == CS ? (user ? 0xFB : 0x9B) : (user ? 0xF3 : 0x93);
      sg.flags = 0xC;
      sg.big = true;
    }
    s.cpl = user ? 3 : 0;
    cpu.update_mode();
    for (unsigned r = 0; r < 8; ++r) s.gpr[r] = rng() % (4u << 20);
    s.gpr[ESP] = 0x200000 + rng() % 0x100000;
    s.rip = kCode + rng() % kCodeSize;
    const u64 before = cpu.instructions();
    const StopReason why = cpu.run(4000);
    if (why == StopReason::Shutdown) ++shutdowns;
    executed += cpu.instructions() - before + 1;
  }
  fmt::print("pm-fuzz: {} instructions in {} rounds ({} random code bytes), {} triple faults, no host fault\n",
             executed, rounds, bytes, shutdowns);
  fmt::print("1 passed, 0 failed\n");
  return 0;
}
