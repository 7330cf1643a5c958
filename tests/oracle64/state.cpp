#include "tests/oracle64/state.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "tests/simd_oracle/state.hpp"

namespace gb::oracle64 {

namespace {
const char* const kGpr[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                              "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
}

std::string describe(const State& s) {
  std::string o;
  for (unsigned i = 0; i < 16; ++i) o += fmt::format("    xmm{:<2} {}{}", i, simd_oracle::hex_xmm(s.xmm[i]), i % 2 ? "\n" : "");
  for (unsigned r = 0; r < 16; ++r) o += fmt::format("{}{}={:016X}", r % 4 == 0 ? "   " : " ", kGpr[r], s.gpr[r]) + (r % 4 == 3 ? "\n" : "");
  o += fmt::format("    rflags={:03X} mxcsr={:08X}\n    mem", s.rflags, s.mxcsr);
  for (unsigned i = 0; i < kMemBytes; ++i) o += fmt::format("{}{:02X}", i % 32 == 0 ? (i ? "\n       " : " ") : i % 4 == 0 ? " " : "", s.mem[i]);
  return o + "\n";
}

std::string describe_diff(const State& in, const State& a, const State& b, u64 flag_mask) {
  std::string o;
  auto line = [&](const std::string& what, const std::string& i, const std::string& x, const std::string& y) {
    o += fmt::format("    {:7} in {}\n            native   {}\n            glassbox {}\n", what, i, x, y);
  };
  for (unsigned i = 0; i < 16; ++i) {
    if (a.xmm[i] != b.xmm[i]) line(fmt::format("xmm{}", i), simd_oracle::hex_xmm(in.xmm[i]), simd_oracle::hex_xmm(a.xmm[i]), simd_oracle::hex_xmm(b.xmm[i]));
  }
  for (unsigned r = 0; r < 16; ++r) {
    if (a.gpr[r] != b.gpr[r]) line(kGpr[r], fmt::format("{:016X}", in.gpr[r]), fmt::format("{:016X}", a.gpr[r]), fmt::format("{:016X}", b.gpr[r]));
  }
  if ((a.rflags ^ b.rflags) & flag_mask) {
    line(fmt::format("rflags&{:03X}", flag_mask), fmt::format("{:03X}", in.rflags), fmt::format("{:03X}", a.rflags & flag_mask),
         fmt::format("{:03X}", b.rflags & flag_mask));
  }
  if (a.mxcsr != b.mxcsr) line("mxcsr", fmt::format("{:08X}", in.mxcsr), fmt::format("{:08X}", a.mxcsr), fmt::format("{:08X}", b.mxcsr));
  for (unsigned i = 0; i < kMemBytes; i += 16) {
    if (std::equal(a.mem.begin() + i, a.mem.begin() + i + 16, b.mem.begin() + i)) continue;
    line(fmt::format("mem+{:03X}", i), simd_oracle::hex_row(in.mem.data() + i), simd_oracle::hex_row(a.mem.data() + i),
         simd_oracle::hex_row(b.mem.data() + i));
  }
  return o;
}

}  // namespace gb::oracle64
