// SSE, SSE2 and SSE3 lane shuffles of single and double precision values
// (SDM Vol. 2 UNPCKLPS, UNPCKHPS, SHUFPS, UNPCKLPD, UNPCKHPD, SHUFPD,
// MOVMSKPS, MOVMSKPD, MOVSLDUP, MOVSHDUP, MOVDDUP). Values move as bits:
// no MXCSR flag, no NaN quieting.
#include "cpu/simd/rows.hpp"
#include "cpu/simd/simd.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

/// UNPCKL/UNPCKH: interleaves the low (`kHigh` false) or high halves of
/// Vx and Wx, destination lane first: {d[h], s[h], d[h+1], s[h+1], ...}.
template <class T, bool kHigh>
void unpack(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  constexpr unsigned kLanes = 16 / sizeof(T), kBase = kHigh ? kLanes / 2 : 0;
  const Vec128 s = read_w(c, d, 16, true);
  const Vec128 a = xmm(c, d.xreg());
  Vec128 r;
  for (unsigned i = 0; i < kLanes / 2; ++i) {
    r.set<T>(2 * i, a.get<T>(kBase + i));
    r.set<T>(2 * i + 1, s.get<T>(kBase + i));
  }
  xmm(c, d.xreg()) = r;
}

/// SHUFPS/SHUFPD: the low half of the result picks lanes of Vx, the high
/// half lanes of Wx, each by the next imm8 field (2 bits for dwords, 1 bit
/// for qwords).
template <class T>
void shuffle(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  constexpr unsigned kLanes = 16 / sizeof(T), kBits = kLanes == 4 ? 2 : 1;
  const Vec128 s = read_w(c, d, 16, true);
  const Vec128 a = xmm(c, d.xreg());
  Vec128 r;
  for (unsigned i = 0; i < kLanes; ++i) {
    const unsigned sel = (d.imm >> (kBits * i)) & (kLanes - 1);
    r.set<T>(i, (i < kLanes / 2 ? a : s).get<T>(sel));
  }
  xmm(c, d.xreg()) = r;
}

/// MOVMSKPS/MOVMSKPD Gd, Ux: the lanes' sign bits, zero-extended (to 64
/// bits in 64-bit mode, whose default operand size here is 64: the
/// doubleword write clears bits 63-32; REX.W changes nothing).
template <class T>
void movmsk(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const Vec128& v = xmm(c, d.xrm());
  u32 m = 0;
  for (unsigned i = 0; i < 16 / sizeof(T); ++i) m |= static_cast<u32>(v.get<T>(i) >> (8 * sizeof(T) - 1)) << i;
  c.set_reg<u32>(d.xreg(), m);
}

/// MOVSLDUP (`kOdd` false) / MOVSHDUP: the even (odd) dwords of Wx, each
/// twice: {s[k], s[k], s[k+2], s[k+2]}. The memory operand is 16 bytes,
/// aligned (SDM Vol. 2 MOVSLDUP: exception type 4).
template <bool kOdd>
void dup_dwords(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const Vec128 s = read_w(c, d, 16, true);
  Vec128 r;
  for (unsigned i = 0; i < 4; ++i) r.set<u32>(i, s.get<u32>((i & ~1u) + (kOdd ? 1 : 0)));
  xmm(c, d.xreg()) = r;
}

/// MOVDDUP Vx, Wx/m64: the low qword twice; 8 bytes of memory, no
/// alignment rule (exception type 5).
void movddup(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const u64 lo = read_w(c, d, 8, false).get<u64>(0);
  xmm(c, d.xreg()) = Vec128::from(lo, lo);
}

using namespace opc;
constexpr u8 RO = attr::kRegOnly;

const OpcodeRow kSseRows[] = {
    SIMD_ROW(NP | 0x114, -1, "UNPCKLPS", Vx, Wx, None, (unpack<u32, false>), 0),
    SIMD_ROW(NP | 0x115, -1, "UNPCKHPS", Vx, Wx, None, (unpack<u32, true>), 0),
    SIMD_ROW(NP | 0x1C6, -1, "SHUFPS", Vx, Wx, Ib, shuffle<u32>, 0),
    SIMD_ROW(NP | 0x150, -1, "MOVMSKPS", Gd, Ux, None, movmsk<u32>, RO),
};

const OpcodeRow kSse2Rows[] = {
    SIMD_ROW(P66 | 0x114, -1, "UNPCKLPD", Vx, Wx, None, (unpack<u64, false>), 0),
    SIMD_ROW(P66 | 0x115, -1, "UNPCKHPD", Vx, Wx, None, (unpack<u64, true>), 0),
    SIMD_ROW(P66 | 0x1C6, -1, "SHUFPD", Vx, Wx, Ib, shuffle<u64>, 0),
    SIMD_ROW(P66 | 0x150, -1, "MOVMSKPD", Gd, Ux, None, movmsk<u64>, RO),
};

const OpcodeRow kSse3Rows[] = {
    SIMD_ROW(PF3 | 0x112, -1, "MOVSLDUP", Vx, Wx, None, dup_dwords<false>, 0),
    SIMD_ROW(PF3 | 0x116, -1, "MOVSHDUP", Vx, Wx, None, dup_dwords<true>, 0),
    SIMD_ROW(PF2 | 0x112, -1, "MOVDDUP", Vx, Wx, None, movddup, 0),
};

}  // namespace

std::span<const OpcodeRow> sse_shuffle_rows() { return kSseRows; }
std::span<const OpcodeRow> sse2_shuffle_rows() { return kSse2Rows; }
std::span<const OpcodeRow> sse3_shuffle_rows() { return kSse3Rows; }

}  // namespace gb::simd
