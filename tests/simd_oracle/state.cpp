#include "tests/simd_oracle/state.hpp"

#include <fmt/format.h>

namespace gb::simd_oracle {

namespace {
const char* const kGpr[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
}

std::string hex_xmm(const std::array<u8, 16>& x) {
  return fmt::format("{:016X}_{:016X}", load_le<u64>(x.data() + 8), load_le<u64>(x.data()));
}

std::string hex_row(const u8* p) {
  std::string t;
  for (unsigned k = 0; k < 16; ++k) t += fmt::format("{}{:02X}", k && k % 4 == 0 ? " " : "", p[k]);
  return t;
}

std::string describe(const State& s) {
  std::string o;
  for (unsigned i = 0; i < 8; ++i) o += fmt::format("    xmm{} {}{}", i, hex_xmm(s.xmm[i]), i % 2 ? "\n" : "");
  for (unsigned i = 0; i < 8; ++i) o += fmt::format("    mm{} {:04X}:{:016X}{}", i, s.mse[i], s.mm[i], i % 4 == 3 ? "\n" : "");
  o += "   ";
  for (unsigned r : {0u, 1u, 2u, 3u, 5u, 7u}) o += fmt::format(" {}={:08X}", kGpr[r], s.gpr[r]);
  o += fmt::format(" fl={:03X} mxcsr={:08X} fcw={:04X} fsw={:04X} ftw={:02X}\n    mem", s.eflags, s.mxcsr, s.fcw, s.fsw, s.ftw);
  for (unsigned i = 0; i < kMemBytes; ++i) o += fmt::format("{}{:02X}", i % 16 == 0 ? (i ? "\n       " : " ") : i % 4 == 0 ? " " : "", s.mem[i]);
  return o + "\n";
}

std::string describe_diff(const State& in, const State& a, const State& b, const char* an, const char* bn) {
  std::string o;
  auto line = [&](const std::string& what, const std::string& i, const std::string& x, const std::string& y) {
    o += fmt::format("    {:6} in {}\n           {:8} {}\n           {:8} {}\n", what, i, an, x, bn, y);
  };
  for (unsigned i = 0; i < 8; ++i) {
    if (a.xmm[i] != b.xmm[i]) line(fmt::format("xmm{}", i), hex_xmm(in.xmm[i]), hex_xmm(a.xmm[i]), hex_xmm(b.xmm[i]));
  }
  for (unsigned i = 0; i < 8; ++i) {
    if (a.mm[i] != b.mm[i] || a.mse[i] != b.mse[i]) {
      auto f = [&](const State& s) { return fmt::format("{:04X}:{:016X}", s.mse[i], s.mm[i]); };
      line(fmt::format("mm{}", i), f(in), f(a), f(b));
    }
  }
  for (unsigned r = 0; r < 8; ++r) {
    if (a.gpr[r] != b.gpr[r]) line(kGpr[r], fmt::format("{:08X}", in.gpr[r]), fmt::format("{:08X}", a.gpr[r]), fmt::format("{:08X}", b.gpr[r]));
  }
  auto scalar = [&](const char* what, u32 i, u32 x, u32 y, int w) {
    if (x != y) line(what, fmt::format("{:0{}X}", i, w), fmt::format("{:0{}X}", x, w), fmt::format("{:0{}X}", y, w));
  };
  scalar("eflags", in.eflags, a.eflags, b.eflags, 3);
  scalar("mxcsr", in.mxcsr, a.mxcsr, b.mxcsr, 8);
  scalar("fcw", in.fcw, a.fcw, b.fcw, 4);
  scalar("fsw", in.fsw, a.fsw, b.fsw, 4);
  scalar("ftw", in.ftw, a.ftw, b.ftw, 2);
  for (unsigned i = 0; i < kMemBytes; i += 16) {
    bool same = true;
    for (unsigned k = 0; k < 16; ++k) same = same && a.mem[i + k] == b.mem[i + k];
    if (same) continue;
    line(fmt::format("mem+{:02X}", i), hex_row(in.mem.data() + i), hex_row(a.mem.data() + i), hex_row(b.mem.data() + i));
  }
  return o;
}

}  // namespace gb::simd_oracle
