#include "tests/simd_oracle/check.hpp"

#include <bit>
#include <cmath>

#include <fmt/format.h>

namespace gb::simd_oracle {

namespace {

bool is_approx(const std::string& n) { return n == "RCPPS" || n == "RCPSS" || n == "RSQRTPS" || n == "RSQRTSS"; }

/// Whether `y` is an acceptable result of the approximation for source
/// lane `x` (host double arithmetic is fine in a test). Special cases from
/// SDM Vol. 2B RCPSS/RSQRTSS: a NaN source gives it quieted, ±0 and
/// denormal sources (treated as 0) give ±inf, ±inf gives ±0 (RCP), +inf
/// gives +0 and negative sources the QNaN indefinite (RSQRT); RCP flushes
/// tiny results to ±0 (sources of magnitude >= 1.11111111110100000000000B *
/// 2^125 may give 0, below that the result is normal).
bool approx_ok(bool rsqrt, u32 x, u32 y) {
  const u32 sign = x & 0x8000'0000u, mag = x & 0x7FFF'FFFFu;
  if (mag > 0x7F80'0000u) return y == (x | 0x0040'0000u);
  if (mag < 0x0080'0000u) return y == (sign | 0x7F80'0000u);
  if (rsqrt && sign) return y == 0xFFC0'0000u;
  if (mag == 0x7F80'0000u) return y == sign;
  const double xd = static_cast<double>(std::bit_cast<float>(x));
  const double exact = rsqrt ? 1.0 / std::sqrt(xd) : 1.0 / xd;
  if (!rsqrt && (y & 0x7FFF'FFFFu) == 0) return mag >= 0x7E7F'E800u && (y & 0x8000'0000u) == sign;
  if ((y & 0x7F80'0000u) == 0x7F80'0000u) return false;
  const double yd = static_cast<double>(std::bit_cast<float>(y));
  return std::fabs(yd - exact) <= 1.5 * std::ldexp(1.0, -12) * std::fabs(exact);
}

}  // namespace

bool ends_with_approx(const Sequence& seq) { return !seq.insns.empty() && is_approx(seq.insns.back().name); }

std::string insn_at(const Sequence& seq, u32 off) {
  u32 at = 0;
  for (std::size_t i = 0; i < seq.insns.size(); ++i) {
    if (off >= at && off < at + seq.insns[i].bytes.size()) {
      const std::string& n = seq.insns[i].name;
      return fmt::format("insn {} ({})", i, n.empty() ? "mov" : n);
    }
    at += static_cast<u32>(seq.insns[i].bytes.size());
  }
  return fmt::format("offset {:#x}, outside the sequence", off);
}

std::string compare(const Sequence& seq, const State& in, const Outcome& no, const State& n, const Outcome& go,
                    const State& g, const State* pre) {
  auto outcome = [&](const Outcome& o) {
    if (o.completed) return std::string("completed");
    if (o.vector < 0) return std::string("did not reach the end (no exception handler reached)");
    return fmt::format("exception {} at {}", o.vector, insn_at(seq, o.fault_offset));
  };
  State a = n, b = g;
  std::string why;
  if (no.completed && ends_with_approx(seq) && pre) {
    // The last instruction: [F3] 0F 52/53 ModR/M [disp8]. The native lanes
    // are checked even when Glassbox failed (they check the checker).
    const Insn& last = seq.insns.back();
    const bool scalar = last.bytes[0] == 0xF3;
    const bool rsqrt = last.name[1] == 'S';
    const u8 modrm = last.bytes[scalar ? 3 : 2];
    const unsigned dst = (modrm >> 3) & 7;
    for (unsigned lane = 0; lane < (scalar ? 1u : 4u); ++lane) {
      const u32 x = (modrm >> 6) == 3 ? load_le<u32>(pre->xmm[modrm & 7].data() + 4 * lane)
                                      : load_le<u32>(pre->mem.data() + last.bytes[scalar ? 4 : 3] + 4 * lane);
      const u32 yn = load_le<u32>(a.xmm[dst].data() + 4 * lane), yg = load_le<u32>(b.xmm[dst].data() + 4 * lane);
      if (!approx_ok(rsqrt, x, yn)) why += fmt::format("    {} lane {}: source {:08X}: native {:08X} is outside the SDM bound (checker error?)\n", last.name, lane, x, yn);
      if (go.completed && !approx_ok(rsqrt, x, yg)) why += fmt::format("    {} lane {}: source {:08X}: glassbox {:08X} is outside the SDM bound (native {:08X})\n", last.name, lane, x, yg, yn);
      store_le<u32>(b.xmm[dst].data() + 4 * lane, yn);
    }
  }
  if (no.completed != go.completed || (!no.completed && (no.vector != go.vector || no.fault_offset != go.fault_offset))) {
    return why + fmt::format("    outcome: native {}, glassbox {}\n", outcome(no), outcome(go));
  }
  if (!(a == b)) why += describe_diff(in, a, b, "native", "glassbox");
  return why;
}

}  // namespace gb::simd_oracle
