// SSE4.1 blends (SDM Vol. 2 BLENDPS, BLENDPD, PBLENDW, BLENDVPS, BLENDVPD,
// PBLENDVB): each lane of Vx is replaced by Wx's where the mask says so —
// an imm8 bit per lane, or the sign bit of the lane of the implicit XMM0.
// The 16-byte memory operand must be aligned (exception type 4).
#include "cpu/simd/rows.hpp"
#include "cpu/simd/simd.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

/// BLENDPS/BLENDPD/PBLENDW: lane i from Wx where imm8 bit i is set.
template <class T>
void blend_imm(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const Vec128 s = read_w(c, d, 16, true);
  Vec128 r = xmm(c, d.xreg());
  for (unsigned i = 0; i < 16 / sizeof(T); ++i) {
    if ((d.imm >> i) & 1) r.set<T>(i, s.get<T>(i));
  }
  xmm(c, d.xreg()) = r;
}

/// BLENDVPS/BLENDVPD/PBLENDVB: lane i from Wx where lane i of XMM0 has
/// its top bit set.
template <class T>
void blend_var(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const Vec128 s = read_w(c, d, 16, true);
  const Vec128 mask = xmm(c, 0);
  Vec128 r = xmm(c, d.xreg());
  for (unsigned i = 0; i < 16 / sizeof(T); ++i) {
    if (mask.get<T>(i) >> (8 * sizeof(T) - 1)) r.set<T>(i, s.get<T>(i));
  }
  xmm(c, d.xreg()) = r;
}

using namespace opc;

const OpcodeRow kRows[] = {
    SIMD_ROW(P66 | 0x30C, -1, "BLENDPS", Vx, Wx, Ib, blend_imm<u32>, 0),
    SIMD_ROW(P66 | 0x30D, -1, "BLENDPD", Vx, Wx, Ib, blend_imm<u64>, 0),
    SIMD_ROW(P66 | 0x30E, -1, "PBLENDW", Vx, Wx, Ib, blend_imm<u16>, 0),
    SIMD_ROW(P66 | 0x214, -1, "BLENDVPS", Vx, Wx, None, blend_var<u32>, 0),
    SIMD_ROW(P66 | 0x215, -1, "BLENDVPD", Vx, Wx, None, blend_var<u64>, 0),
    SIMD_ROW(P66 | 0x210, -1, "PBLENDVB", Vx, Wx, None, blend_var<u8>, 0),
};

}  // namespace

std::span<const OpcodeRow> sse41_blend_rows() { return kRows; }

}  // namespace gb::simd
