// MMX data transfer and state management (SDM Vol. 2 MOVD/MOVQ, EMMS;
// Vol. 1 9.4.2, 9.6): MOVD Pq,Ed / Ed,Pq (MOVQ Pq,Eq / Eq,Pq with REX.W in
// 64-bit mode), MOVQ Pq,Qq / Qq,Pq, EMMS.
#include "cpu/simd/rows.hpp"
#include "cpu/simd/simd.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

// 0F 6E: MOVD mm, r/m32 (zero-extended to 64 bits); REX.W 0F 6E: MOVQ mm,
// r/m64. The general register is REX.B-extended, the MMX one is not.
void movd_p_e(Cpu& c, const DecodedInsn& d) {
  if (!mmx_begin(c, d)) return;
  const u64 v = d.o64 ? c.read_rm<u64>(d) : c.read_rm<u32>(d);
  mmx_done(c);
  set_mm(c, d.reg(), v);
}

// 0F 7E: MOVD r/m32, mm (the low doubleword); REX.W 0F 7E: MOVQ r/m64, mm.
void movd_e_p(Cpu& c, const DecodedInsn& d) {
  if (!mmx_begin(c, d)) return;
  if (d.o64) {
    c.write_rm<u64>(d, mm(c, d.reg()));
  } else {
    c.write_rm<u32>(d, static_cast<u32>(mm(c, d.reg())));
  }
  mmx_done(c);
}

// 0F 6F: MOVQ mm, mm/m64.
void movq_p_q(Cpu& c, const DecodedInsn& d) {
  if (!mmx_begin(c, d)) return;
  const u64 v = read_q(c, d);
  mmx_done(c);
  set_mm(c, d.reg(), v);
}

// 0F 7F: MOVQ mm/m64, mm.
void movq_q_p(Cpu& c, const DecodedInsn& d) {
  if (!mmx_begin(c, d)) return;
  const u64 v = mm(c, d.reg());
  if (d.mod() == 3) {
    set_mm(c, d.rm(), v);
  } else {
    write64(c, d.seg, c.ea(d), v);
  }
  mmx_done(c);
}

// 0F 77: EMMS marks every x87 register empty (tag word FFFFh), so x87
// code can follow MMX code (SDM Vol. 2 EMMS). Same checks as MMX
// instructions, pending x87 exceptions included.
void emms(Cpu& c, const DecodedInsn& d) {
  if (!mmx_begin(c, d)) return;
  mmx_done(c);
  c.state().fpu.full = 0;
}

using namespace opc;
const OpcodeRow kRows[] = {
    SIMD_ROW(NP | 0x16E, -1, "MOVD", Pq, Ed, None, movd_p_e, 0),
    SIMD_ROW(NP | 0x17E, -1, "MOVD", Ed, Pq, None, movd_e_p, 0),
    SIMD_ROW(NP | 0x16F, -1, "MOVQ", Pq, Qq, None, movq_p_q, 0),
    SIMD_ROW(NP | 0x17F, -1, "MOVQ", Qq, Pq, None, movq_q_p, 0),
    SIMD_ROW(NP | 0x177, -1, "EMMS", None, None, None, emms, 0),
};

}  // namespace

std::span<const OpcodeRow> mmx_move_rows() { return kRows; }

}  // namespace gb::simd
