// The encodings of a packed-integer instruction as handlers around one
// operation on Vec128: the MMX form (NP 0F 38 xx mm, mm/m64) and the XMM
// form (66 0F 38 xx xmm, xmm/m128) of SSSE3 share the operation, which is
// told the operand width.
#pragma once
#include <limits>

#include "cpu/simd/simd.hpp"

namespace gb::simd {

/// A packed operation: the new destination from destination `a` and source
/// `b`, both `bytes` wide (8: MMX, 16: XMM; bytes above are zero and
/// ignored), and the instruction's imm8 (0 when it has none).
using PackedOp = Vec128 (*)(const Vec128& a, const Vec128& b, unsigned bytes, u8 imm);

/// MMX form: Pq <- F(Pq, Qq). An 8-byte memory operand has no alignment
/// rule; a fault leaves the x87 state (mmx_done) and Pq unchanged. The
/// checks are the MMX ones (CR0.EM, CR0.TS, a pending x87 exception), not
/// CR4.OSFXSR: SDM Vol. 3A 6.15 (interrupt 6) exempts the 64-bit forms of
/// PALIGNR, PABS*, PHADD*, PHSUB*, PSHUFB, ... from the OSFXSR #UD, as Bochs
/// (prepareMMX) does.
template <PackedOp F>
void packed_mmx(Cpu& c, const DecodedInsn& d) {
  if (!mmx_begin(c, d)) return;
  const u64 src = read_q(c, d);
  mmx_done(c);
  const Vec128 r = F(Vec128::from(mm(c, d.reg()), 0), Vec128::from(src, 0), 8, static_cast<u8>(d.imm));
  set_mm(c, d.reg(), r.lo());
}

/// XMM form: Vx <- F(Vx, Wx). `kAligned`: a memory operand must be 16-byte
/// aligned (#GP(0)), as for every legacy SSE 16-byte operand except the
/// ones whose SDM "Exceptions" section says otherwise.
template <PackedOp F, bool kAligned = true>
void packed_xmm(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const Vec128 src = read_w(c, d, 16, kAligned);
  Vec128& dst = xmm(c, d.xreg());
  dst = F(dst, src, 16, static_cast<u8>(d.imm));
}

/// `v` clamped to the range of the integer type T (signed or unsigned
/// saturation: SDM Vol. 1 ch. 9, "Saturation and Wraparound Modes").
template <class T>
constexpr T saturate(i64 v) {
  constexpr i64 lo = static_cast<i64>(std::numeric_limits<T>::min());
  constexpr i64 hi = static_cast<i64>(std::numeric_limits<T>::max());
  return static_cast<T>(v < lo ? lo : v > hi ? hi : v);
}

}  // namespace gb::simd
