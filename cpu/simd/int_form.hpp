// The shapes shared by the integer SIMD instructions that exist on MMX
// registers (8 bytes, NP rows; MMX and SSE) and on XMM registers (16 bytes,
// 66 rows; SSE2): each operation is written once over the register width in
// bytes and instantiated for both forms (SDM Vol. 1 9.4, 10.4.4, 11.4.3).
#pragma once
#include <limits>

#include "cpu/simd/simd.hpp"

namespace gb::simd {

/// An integer operation on a register `bytes` wide (8: MMX, in the low half
/// of the Vec128s, the high half zero; 16: XMM): `dst` is the destination's
/// old value, `src` the second operand, `imm` the Ib operand (0 without one).
/// Returns the whole new destination value (its high half ignored for MMX).
using IntOp = Vec128 (*)(const Vec128& dst, const Vec128& src, unsigned bytes, u8 imm);

/// The IntOp applying F lane by lane on lanes of type T.
template <class T, T (*F)(T, T)>
Vec128 lanes(const Vec128& a, const Vec128& b, unsigned bytes, u8) {
  Vec128 r;
  for (unsigned i = 0; i < bytes / sizeof(T); ++i) r.set<T>(i, F(a.get<T>(i), b.get<T>(i)));
  return r;
}

/// `v` (computed in a wider signed type) clamped to T's range: the signed
/// and unsigned saturation of SDM Vol. 1 4.6.2.
template <class T, class W>
constexpr T saturate(W v) {
  constexpr W lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
  return static_cast<T>(v < lo ? lo : v > hi ? hi : v);
}

/// Pq, Qq (NP rows): MMX register ModR/M.reg = F(itself, MMX register or
/// `kMemBytes` of memory). 8 bytes, no alignment rule; 4 for the low
/// unpacks, whose memory operand is m32 (SDM Vol. 2 PUNPCKLBW). Exceptions
/// as SDM Vol. 3B Table 22-7 (no CR4.OSFXSR check, also for the SSE/SSE2
/// instructions on MMX registers). The x87 state becomes MMX state after
/// the last access that can fault.
template <IntOp F, unsigned kMemBytes = 8>
void mmx_op(Cpu& c, const DecodedInsn& d) {
  if (!mmx_begin(c, d)) return;
  const u64 src = d.mod() == 3 ? mm(c, d.rm()) : read_mem(c, d.seg, c.ea(d), kMemBytes, false).lo();
  const Vec128 r = F(Vec128::from(mm(c, d.reg()), 0), Vec128::from(src, 0), 8, static_cast<u8>(d.imm));
  mmx_done(c);
  set_mm(c, d.reg(), r.lo());
}

/// Vx, Wx (66/F2/F3 rows): XMM register ModR/M.reg = F(itself, XMM register
/// or 16 bytes of memory that must be 16-byte aligned (#GP(0))).
template <IntOp F>
void xmm_op(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const Vec128 src = read_w(c, d, 16, true);
  Vec128& dst = xmm(c, d.xreg());
  dst = F(dst, src, 16, static_cast<u8>(d.imm));
}

/// Nq, Ib (register only): MMX register ModR/M.rm = F(itself, Ib as a
/// 64-bit second operand) — the shift-by-immediate groups 0F 71-73.
template <IntOp F>
void mmx_rm_imm(Cpu& c, const DecodedInsn& d) {
  if (!mmx_begin(c, d)) return;
  const Vec128 r = F(Vec128::from(mm(c, d.rm()), 0), Vec128::from(d.imm & 0xFF, 0), 8, static_cast<u8>(d.imm));
  mmx_done(c);
  set_mm(c, d.rm(), r.lo());
}

/// Ux, Ib (register only): the XMM form of mmx_rm_imm.
template <IntOp F>
void xmm_rm_imm(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  Vec128& dst = xmm(c, d.xrm());
  dst = F(dst, Vec128::from(d.imm & 0xFF, 0), 16, static_cast<u8>(d.imm));
}

}  // namespace gb::simd

/// The row of an IntOp (a named constant, not a template-id with commas):
/// Pq, Qq on MMX (NP rows), Vx, Wx on XMM (66 rows).
#define INT_MMX_ROW(op, name, fn) SIMD_ROW(::gb::opc::NP | (op), -1, name, Pq, Qq, None, ::gb::simd::mmx_op<fn>, 0)
#define INT_XMM_ROW(op, name, fn) SIMD_ROW(::gb::opc::P66 | (op), -1, name, Vx, Wx, None, ::gb::simd::xmm_op<fn>, 0)
/// The same with a comma, for X-macro lists of (opcode, name, IntOp): one
/// list gives both the MMX table and SSE2's XMM table.
#define INT_MMX_ROWS(op, name, fn) INT_MMX_ROW(op, name, fn),
#define INT_XMM_ROWS(op, name, fn) INT_XMM_ROW(op, name, fn),
