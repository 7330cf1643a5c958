#include "frontend/debugger/simd_view.hpp"

#include <bit>

#include <fmt/format.h>

#include "cpu/model.hpp"
#include "frontend/debugger/panel_model.hpp"

namespace gb {

namespace {

std::string hex128(const Vec128& v) { return fmt::format("{:016x}{:016x}", v.hi(), v.lo()); }

// One lane for display: the shortest text that reads back as the same value.
std::string show(float f) { return fmt::format("{}", f); }
std::string show(double d) { return fmt::format("{}", d); }

constexpr const char* kTags[4] = {"valid", "zero", "special", "empty"};

}  // namespace

std::string describe_mxcsr(u32 v) {
  static constexpr const char* kFlags[6] = {"IE", "DE", "ZE", "OE", "UE", "PE"};
  static constexpr const char* kMasks[6] = {"IM", "DM", "ZM", "OM", "UM", "PM"};
  static constexpr const char* kRc[4] = {"nearest", "down", "up", "toward zero"};
  std::string flags, masks;
  for (unsigned i = 0; i < 6; ++i) {
    if (v & (1u << i)) flags += std::string(flags.empty() ? "" : " ") + kFlags[i];
    if (v & (1u << (7 + i))) masks += std::string(masks.empty() ? "" : " ") + kMasks[i];
  }
  std::string out = fmt::format("{} | masks {} | RC={}", flags.empty() ? "-" : flags, masks.empty() ? "-" : masks,
                                kRc[(v >> 13) & 3]);
  if (v & (1u << 6)) out += " | DAZ";
  if (v & (1u << 15)) out += " | FTZ";
  return out;
}

std::string xmm_listing(const CpuState& s, const CpuModel& m) {
  if (!m.has(Isa::Sse)) return fmt::format("the {} model has no XMM registers (no SSE)\n", m.name);
  std::string out;
  // XMM8-15 exist in IA-32e mode only (SDM Vol. 1 3.2.1 and 10.2.2).
  for (unsigned i = 0; i < (s.lma() ? 16u : 8u); ++i) {
    const Vec128& v = s.fpu.xmm[i];
    out += fmt::format("xmm{} {}  f32 {{{}, {}, {}, {}}}  f64 {{{}, {}}}\n", i, hex128(v),
                       show(std::bit_cast<float>(v.get<u32>(0))), show(std::bit_cast<float>(v.get<u32>(1))),
                       show(std::bit_cast<float>(v.get<u32>(2))), show(std::bit_cast<float>(v.get<u32>(3))),
                       show(std::bit_cast<double>(v.get<u64>(0))), show(std::bit_cast<double>(v.get<u64>(1))));
  }
  out += fmt::format("mxcsr={:08x} [{}]\n", s.fpu.mxcsr, describe_mxcsr(s.fpu.mxcsr));
  return out;
}

std::string mmx_listing(const CpuState& s, const CpuModel& m) {
  if (!m.has(Isa::Mmx)) return fmt::format("the {} model has no MMX registers\n", m.name);
  const FpuState& f = s.fpu;
  std::string out;
  for (unsigned i = 0; i < 8; ++i) {
    out += fmt::format("mm{} {:016x}  (R{} exponent {:04x}, tag {})\n", i, f.r[i].sig, i, f.r[i].se,
                       kTags[static_cast<unsigned>(f.tag(i))]);
  }
  const u16 tw = f.tag_word();
  const char* state = f.top() == 0 && f.full == 0xFF ? " (MMX: TOP 0, every register in use)"
                      : f.full == 0                  ? " (empty: after EMMS or FNINIT)"
                                                     : "";
  out += fmt::format("TOP={} tag word={:04x}{}\n", f.top(), tw, state);
  return out;
}

std::vector<RegisterRow> simd_register_rows(const CpuState& now, const CpuState* before, const CpuModel& m) {
  std::vector<RegisterRow> rows;
  if (!m.has(Isa::Sse)) return rows;
  for (unsigned i = 0; i < 8; ++i) {
    rows.push_back(RegisterRow{fmt::format("xmm{}", i), hex128(now.fpu.xmm[i]),
                               before && before->fpu.xmm[i] != now.fpu.xmm[i]});
  }
  rows.push_back(RegisterRow{"mxcsr", fmt::format("{:08x}", now.fpu.mxcsr), before && before->fpu.mxcsr != now.fpu.mxcsr});
  return rows;
}

}  // namespace gb
