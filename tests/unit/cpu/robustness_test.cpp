// No guest byte sequence crashes the host: random programs on every model.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cpu/cpu.hpp"

using namespace gb;

namespace {

struct Rig {
  std::vector<u8> ram = std::vector<u8>(1u << 20);
  MemoryMap mem;
  IoMap io;
  Bus bus{mem, io};
  Rig() { mem.map_ram(0, ram); }
};

// Fills RAM (and so the IVT at 0) with random bytes, 8 at a time.
void fill(std::vector<u8>& ram, std::mt19937_64& rng) {
  for (size_t i = 0; i < ram.size(); i += 8) {
    const u64 v = rng();
    std::memcpy(&ram[i], &v, 8);
  }
}

void randomize(Cpu& cpu, std::mt19937_64& rng) {
  CpuState& s = cpu.state();
  for (unsigned i = 0; i < 8; ++i) s.gpr[i] = static_cast<u32>(rng());
  // Real-mode segments: selector and base agree, limits stay 64 KiB.
  for (auto& sg : s.seg) {
    sg.selector = static_cast<u16>(rng());
    sg.base = u32{sg.selector} << 4;
  }
  s.rip = static_cast<u32>(rng()) & 0xFFFF;
  // Random arithmetic flags and DF/TF; IF so an INTR could be taken.
  cpu.write_eflags(static_cast<u32>(rng()), fl::ARITH | fl::DF | fl::TF | fl::IF);
  // Sometimes an interrupt request or NMI is pending too.
  const u64 ev = rng() % 8;
  cpu.set_intr(ev == 0);
  if (ev == 1) cpu.raise_nmi();
}

}  // namespace

TEST_CASE("No guest byte sequence crashes the host", "[cpu][robustness]") {
  constexpr int kPrograms = 300;
  constexpr u64 kBudget = 2000;
  u64 seed = 0x600d'5eed;
  for (const char* name : {"8086", "286", "386", "pentium-pro", "pentium3", "nehalem"}) {
    const CpuModel* model = find_cpu_model(name);
    REQUIRE(model != nullptr);
    std::mt19937_64 rng(seed++);
    Rig rig;
    Cpu cpu(rig.bus, *model);
    cpu.set_log(nullptr);
    int halted = 0, shutdown = 0, budget = 0, other = 0;
    for (int p = 0; p < kPrograms; ++p) {
      fill(rig.ram, rng);
      cpu.reset();
      randomize(cpu, rng);
      INFO("model " << name << ", program " << p);
      const StopReason why = cpu.run(kBudget);
      switch (why) {
        case StopReason::Halted: ++halted; break;  // and continue no further
        case StopReason::Shutdown: ++shutdown; break;
        case StopReason::Budget: ++budget; break;
        default: ++other; break;
      }
    }
    // All that is required is that every run returned.
    INFO("model " << name << ": " << halted << " halted, " << shutdown << " shutdown, " << budget << " budget, "
                  << other << " other");
    CHECK(halted + shutdown + budget + other == kPrograms);
  }
}
