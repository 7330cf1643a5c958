// Random bytes in the SIMD opcode maps (0F xx with 66/F2/F3, 0F 38 xx,
// 0F 3A xx) on the SIMD models: no host fault (this runs under ASan+UBSan
// in CI), and an encoding the SDM leaves undefined on a Nehalem-class CPU
// raises #UD (issue 20, "Bad input").
#include <catch2/catch.hpp>

#include <random>

#include "cpu/cpu.hpp"

using namespace gb;

namespace {

constexpr u16 kHandlerSeg = 0x0800;
constexpr u32 kCodeBase = 0x10000;

enum Pfx : unsigned { kPfxNone, kPfx66, kPfxF3, kPfxF2 };

bool in(u8 op, std::initializer_list<std::pair<u8, u8>> ranges) {
  for (auto [lo, hi] : ranges) {
    if (op >= lo && op <= hi) return true;
  }
  return false;
}

/// Encodings that are undefined (#UD) on a Nehalem-class CPU without VMX
/// operation, MOVBE, AES, PCLMULQDQ or SSE4A, by SDM Vol. 2D Appendix A
/// (Tables A-3 to A-5) and the instruction pages' "#UD: if the memory/
/// register form...". The 0F 38 and 0F 3A maps are listed completely; the
/// 0F map only where no mandatory-prefix form exists or the ModR/M form is
/// excluded. AMD's SSE4A (66/F2 0F 78/79 EXTRQ/INSERTQ, F2/F3 0F 2B
/// MOVNTSD/MOVNTSS) are undefined on Intel, whom Glassbox follows.
bool undefined(Pfx p, unsigned map, u8 op, u8 modrm) {
  const bool reg = (modrm >> 6) == 3;
  const unsigned ext = (modrm >> 3) & 7;
  if (map == 2) {
    switch (p) {
      case kPfxNone: return !in(op, {{0x00, 0x0B}, {0x1C, 0x1E}});
      case kPfx66:
        if (op == 0x2A) return reg;  // MOVNTDQA: memory only
        return !in(op, {{0x00, 0x0B}, {0x10, 0x10}, {0x14, 0x15}, {0x17, 0x17}, {0x1C, 0x1E}, {0x20, 0x25},
                        {0x28, 0x2B}, {0x30, 0x35}, {0x37, 0x41}});
      case kPfxF2: return !in(op, {{0xF0, 0xF1}});
      case kPfxF3: return true;
    }
  }
  if (map == 3) {
    if (p == kPfxNone) return op != 0x0F;
    if (p == kPfx66) return !in(op, {{0x08, 0x0F}, {0x14, 0x17}, {0x20, 0x22}, {0x40, 0x42}, {0x60, 0x63}});
    return true;
  }
  // The 0F map.
  switch (p) {
    case kPfxNone:
      if (in(op, {{0x6C, 0x6D}, {0x78, 0x79}, {0x7C, 0x7D}, {0xD0, 0xD0}, {0xD6, 0xD6}, {0xE6, 0xE6}, {0xF0, 0xF0}})) return true;
      if (op == 0x13 || op == 0x17 || op == 0x2B || op == 0xE7 || op == 0xC3) return reg;  // stores to memory only
      if (op == 0x50 || op == 0xC5 || op == 0xD7 || op == 0xF7) return !reg;             // register sources only
      if (op == 0x71 || op == 0x72) return !reg || !(ext == 2 || ext == 4 || ext == 6);
      if (op == 0x73) return !reg || !(ext == 2 || ext == 6);
      if (op == 0xAE && reg) return ext < 5;  // no register forms of FXSAVE..STMXCSR (no FSGSBASE in 32-bit mode)
      return false;
    case kPfx66:
      if (in(op, {{0x52, 0x53}, {0x78, 0x79}, {0xF0, 0xF0}})) return true;
      if (in(op, {{0x12, 0x13}, {0x16, 0x17}}) || op == 0x2B || op == 0xE7) return reg;
      if (op == 0x50 || op == 0xC5 || op == 0xD7 || op == 0xF7) return !reg;
      if (op == 0x71 || op == 0x72) return !reg || !(ext == 2 || ext == 4 || ext == 6);
      if (op == 0x73) return !reg || !(ext == 2 || ext == 3 || ext == 6 || ext == 7);
      return false;
    case kPfxF3:
      if (op == 0xD6) return !reg;  // MOVQ2DQ
      return in(op, {{0x13, 0x15}, {0x17, 0x17}, {0x28, 0x29}, {0x2B, 0x2B}, {0x2E, 0x2F}, {0x50, 0x50},
                     {0x54, 0x57}, {0x60, 0x6E}, {0x74, 0x76}, {0x7C, 0x7D}, {0xC4, 0xC6}, {0xD0, 0xD5},
                     {0xD7, 0xDF}, {0xE0, 0xE5}, {0xE7, 0xEF}, {0xF0, 0xFE}});
    case kPfxF2:
      if (op == 0xD6) return !reg;  // MOVDQ2Q
      if (op == 0xF0) return reg;   // LDDQU
      return in(op, {{0x13, 0x17}, {0x28, 0x29}, {0x2B, 0x2B}, {0x2E, 0x2F}, {0x50, 0x50}, {0x52, 0x57},
                     {0x5B, 0x5B}, {0x60, 0x6F}, {0x74, 0x76}, {0x78, 0x79}, {0x7E, 0x7F}, {0xC4, 0xC6},
                     {0xD1, 0xD5}, {0xD7, 0xDF}, {0xE0, 0xE5}, {0xE7, 0xEF}, {0xF1, 0xFE}});
  }
  return false;
}

struct Rig {
  std::vector<u8> ram = std::vector<u8>(1u << 20);
  MemoryMap mem;
  IoMap io;
  Bus bus{mem, io};
  Cpu cpu;
  explicit Rig(const char* model) : cpu(bus, *find_cpu_model(model)) {
    mem.map_ram(0, ram);
    cpu.set_log(nullptr);
    for (unsigned v = 0; v < 256; ++v) {
      store_le<u16>(&ram[v * 4], static_cast<u16>(v * 16));
      store_le<u16>(&ram[v * 4 + 2], kHandlerSeg);
      ram[kHandlerSeg * 16u + v * 16] = 0xF4;
    }
  }
  /// Runs `code` at 1000:0000 in real mode with CR4.OSFXSR/OSXMMEXCPT for
  /// one instruction; returns the vector raised, or -1.
  int step(const std::vector<u8>& code, std::mt19937_64& rng) {
    cpu.reset();
    CpuState& s = cpu.state();
    s.cr4 = 0x600;
    for (unsigned r = 0; r < 6; ++r) {
      const u16 sel = r == CS ? 0x1000 : static_cast<u16>(0x2000 + (rng() & 0x3FFF));
      s.seg[r].selector = sel;
      s.seg[r].base = u32{sel} << 4;
    }
    for (unsigned r = 0; r < 8; ++r) s.gpr[r] = static_cast<u32>(rng());
    s.gpr[ESP] = 0xFFF0;
    s.seg[SS].selector = 0x7000;
    s.seg[SS].base = 0x70000;
    s.rip = 0;
    for (std::size_t i = 0; i < code.size(); ++i) ram[kCodeBase + i] = code[i];
    bus.host_wrote(kCodeBase, code.size());
    cpu.run(1);
    if (s.seg[CS].selector == kHandlerSeg && s.rip % 16 == 0) return static_cast<int>(s.rip / 16);
    return -1;
  }
};

}  // namespace

TEST_CASE("Random SIMD-map encodings never crash the host; undefined ones raise #UD", "[cpu][robustness][simd]") {
  std::mt19937_64 rng(0x5EED'0020);
  static constexpr u8 kBytes[4] = {0, 0x66, 0xF3, 0xF2};
  auto encode = [&](std::vector<u8>& code, unsigned map, u8 op, u8 modrm) {
    code.push_back(0x0F);
    if (map == 2) code.push_back(0x38);
    if (map == 3) code.push_back(0x3A);
    code.push_back(op);
    code.push_back(modrm);
    for (int i = 0; i < 13; ++i) code.push_back(static_cast<u8>(rng()));
    code.push_back(0xF4);
  };
  SECTION("every opcode of the three maps under each mandatory prefix, on nehalem") {
    Rig rig("nehalem");
    int checked = 0;
    for (unsigned p = 0; p < 4; ++p) {
      for (unsigned map = 1; map <= 3; ++map) {
        for (unsigned op = 0; op < 256; ++op) {
          for (unsigned k = 0; k < 4; ++k) {
            std::vector<u8> code;
            if (rng() % 4 == 0) code.push_back(rng() % 2 ? 0x67 : 0x26);  // address size, segment: no class
            if (p) code.push_back(kBytes[p]);
            // Register forms (mod 3) with every ModR/M.reg over the four tries, then memory forms.
            const u8 modrm = static_cast<u8>(k < 2 ? 0xC0 | (rng() & 0x3F) : (rng() & 0xBF));
            encode(code, map, static_cast<u8>(op), modrm);
            const int v = rig.step(code, rng);
            if (undefined(static_cast<Pfx>(p), map, static_cast<u8>(op), modrm)) {
              ++checked;
              INFO("prefix " << int(kBytes[p]) << ", map " << map << ", opcode " << op << ", ModR/M " << int(modrm));
              CHECK(v == 6);
            }
          }
        }
      }
    }
    CHECK(checked > 4000);
  }
  SECTION("random prefix combinations on every SIMD model: the host survives") {
    for (const char* model : {"nehalem", "core2duo", "pentium-m", "pentium3"}) {
      Rig rig(model);
      for (int n = 0; n < 4000; ++n) {
        std::vector<u8> code;
        for (u64 k = rng() % 4; k > 0; --k) code.push_back(rng() % 5 == 0 ? 0x67 : kBytes[1 + rng() % 3]);
        encode(code, 1 + static_cast<unsigned>(rng() % 3), static_cast<u8>(rng()), static_cast<u8>(rng()));
        const int v = rig.step(code, rng);
        CHECK(v >= -1);
        CHECK(v < 256);
      }
    }
  }
}
