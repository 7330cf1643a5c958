// Integer moves that SSE and SSE2 added: byte-masked stores, non-temporal
// stores and the MMX <-> XMM quadword moves (SDM Vol. 2 MASKMOVQ,
// MASKMOVDQU, MOVNTQ, MOVNTDQ, MOVDQ2Q, MOVQ2DQ). The non-temporal hint has
// no effect here: there is no cache to bypass.
#include "cpu/ops/mem_operand.hpp"
#include "cpu/simd/rows.hpp"
#include "cpu/simd/simd.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

/// MASKMOVQ mm1, mm2 / MASKMOVDQU xmm1, xmm2 (register only): byte i of
/// the first operand is stored at DS:DI/EDI/RDI + i (DS overridable) where the
/// sign of byte i of the second operand (the mask) is set. No alignment
/// rule. The whole 8/16-byte destination is checked for a write before any
/// byte is written, even under an all-zero mask (the SDM leaves faults then
/// implementation dependent; Bochs checks the same way); unselected bytes
/// are not accessed.
template <unsigned kBytes>
void maskmov(Cpu& c, const DecodedInsn& d) {
  Vec128 v, mask;
  if constexpr (kBytes == 8) {
    if (!mmx_begin(c, d)) return;
    v = Vec128::from(mm(c, d.reg()), 0);
    mask = Vec128::from(mm(c, d.rm()), 0);
  } else {
    sse_begin(c);
    v = xmm(c, d.xreg());
    mask = xmm(c, d.xrm());
  }
  // DI, EDI or RDI by address size (SDM Vol. 2 MASKMOVDQU).
  const u64 off = c.state().gpr[EDI] & ops::addr_mask(d);
  c.probe_write(d.seg, off, kBytes);
  for (unsigned i = 0; i < kBytes; ++i) {
    if (mask[i] & 0x80) c.write<u8>(d.seg, off + i, v[i]);
  }
  if constexpr (kBytes == 8) mmx_done(c);
}

/// MOVNTQ m64, mm (memory only): 8 bytes, no alignment rule.
void movntq(Cpu& c, const DecodedInsn& d) {
  if (!mmx_begin(c, d)) return;
  write64(c, d.seg, c.ea(d), mm(c, d.reg()));
  mmx_done(c);
}

/// MOVNTDQ m128, xmm (memory only): 16 bytes, 16-byte aligned (#GP(0)).
void movntdq(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  write_mem(c, d.seg, c.ea(d), xmm(c, d.xreg()), 16, true);
}

/// MOVDQ2Q mm, xmm (F2 0F D6, register only): the low quadword. An SSE2
/// instruction with an MMX operand: SSE checks, then x87 state -> MMX
/// (SDM Vol. 3B Table 22-6).
void movdq2q(Cpu& c, const DecodedInsn& d) {
  if (!sse_mmx_begin(c, d)) return;
  const u64 v = xmm(c, d.xrm()).lo();
  mmx_done(c);
  set_mm(c, d.reg(), v);
}

/// MOVQ2DQ xmm, mm (F3 0F D6, register only): zero-extended to 128 bits.
void movq2dq(Cpu& c, const DecodedInsn& d) {
  if (!sse_mmx_begin(c, d)) return;
  const u64 v = mm(c, d.rm());
  mmx_done(c);
  xmm(c, d.xreg()) = Vec128::from(v, 0);
}

using namespace opc;
constexpr u8 RO = attr::kRegOnly, MO = attr::kMemOnly;

const OpcodeRow kSseRows[] = {
    SIMD_ROW(NP | 0x1F7, -1, "MASKMOVQ", Pq, Nq, None, maskmov<8>, RO),
    SIMD_ROW(NP | 0x1E7, -1, "MOVNTQ", Qq, Pq, None, movntq, MO),
};

const OpcodeRow kSse2Rows[] = {
    SIMD_ROW(P66 | 0x1F7, -1, "MASKMOVDQU", Vx, Ux, None, maskmov<16>, RO),
    SIMD_ROW(P66 | 0x1E7, -1, "MOVNTDQ", Wx, Vx, None, movntdq, MO),
    SIMD_ROW(PF2 | 0x1D6, -1, "MOVDQ2Q", Pq, Ux, None, movdq2q, RO),
    SIMD_ROW(PF3 | 0x1D6, -1, "MOVQ2DQ", Vx, Nq, None, movq2dq, RO),
};

}  // namespace

std::span<const OpcodeRow> sse_int_move_rows() { return kSseRows; }
std::span<const OpcodeRow> sse2_int_move_rows() { return kSse2Rows; }

}  // namespace gb::simd
