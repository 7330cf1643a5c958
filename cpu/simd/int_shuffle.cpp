// Word and doubleword shuffles, word extraction and insertion, and the byte
// sign mask on MMX and XMM registers (SDM Vol. 2 PSHUFW, PSHUFD, PSHUFHW,
// PSHUFLW, PEXTRW, PINSRW, PMOVMSKB).
#include "cpu/simd/int_form.hpp"
#include "cpu/simd/rows.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

/// `count` T lanes from `first` on: lane first + i of the result is lane
/// first + imm[2i+1:2i] of the source; the other lanes are the source's.
/// PSHUFW (words, MMX), PSHUFD (dwords), PSHUFLW and PSHUFHW (the low or
/// high four words of an XMM register).
template <class T, unsigned kFirst, unsigned kCount>
Vec128 shuffle(const Vec128&, const Vec128& b, unsigned, u8 imm) {
  Vec128 r = b;
  for (unsigned i = 0; i < kCount; ++i) r.set<T>(kFirst + i, b.get<T>(kFirst + ((imm >> (2 * i)) & 3)));
  return r;
}

constexpr IntOp kPshufw = shuffle<u16, 0, 4>, kPshufd = shuffle<u32, 0, 4>, kPshuflw = shuffle<u16, 0, 4>,
                kPshufhw = shuffle<u16, 4, 4>;

/// PEXTRW r32/r64, mm/xmm, imm8 (register only): the word imm8 selects
/// (mod 4 or mod 8), zero-extended to the whole register.
template <unsigned kBytes>
void pextrw(Cpu& c, const DecodedInsn& d) {
  u16 w;
  if constexpr (kBytes == 8) {
    if (!mmx_begin(c, d)) return;
    w = Vec128::from(mm(c, d.rm()), 0).get<u16>(d.imm & 3);
    mmx_done(c);
  } else {
    sse_begin(c);
    w = xmm(c, d.xrm()).get<u16>(d.imm & 7);
  }
  c.set_reg<u32>(d.xreg(), w);
}

/// PINSRW mm/xmm, r32/m16, imm8: the low word of the register, or 16 bits
/// of memory, replaces the word imm8 selects (mod 4 or mod 8).
template <unsigned kBytes>
void pinsrw(Cpu& c, const DecodedInsn& d) {
  if constexpr (kBytes == 8) {
    if (!mmx_begin(c, d)) return;
    const u16 w = c.read_rm<u16>(d);
    Vec128 v = Vec128::from(mm(c, d.reg()), 0);
    v.set<u16>(d.imm & 3, w);
    mmx_done(c);
    set_mm(c, d.reg(), v.lo());
  } else {
    sse_begin(c);
    const u16 w = c.read_rm<u16>(d);
    xmm(c, d.xreg()).set<u16>(d.imm & 7, w);
  }
}

/// PMOVMSKB r32/r64, mm/xmm (register only): bit i is the sign of byte i;
/// the upper bits are zero (bits 63-32 too: the doubleword write clears
/// them, SDM Vol. 2 PMOVMSKB "64-bit mode").
template <unsigned kBytes>
void pmovmskb(Cpu& c, const DecodedInsn& d) {
  Vec128 v;
  if constexpr (kBytes == 8) {
    if (!mmx_begin(c, d)) return;
    v = Vec128::from(mm(c, d.rm()), 0);
    mmx_done(c);
  } else {
    sse_begin(c);
    v = xmm(c, d.xrm());
  }
  u32 mask = 0;
  for (unsigned i = 0; i < kBytes; ++i) mask |= static_cast<u32>(v[i] >> 7) << i;
  c.set_reg<u32>(d.xreg(), mask);
}

using namespace opc;
constexpr u8 RO = attr::kRegOnly;

// SSE's additions on MMX registers (SDM Vol. 1 10.4.4).
const OpcodeRow kSseRows[] = {
    SIMD_ROW(NP | 0x170, -1, "PSHUFW", Pq, Qq, Ib, mmx_op<kPshufw>, 0),
    SIMD_ROW(NP | 0x1C5, -1, "PEXTRW", Gd, Nq, Ib, pextrw<8>, RO),
    SIMD_ROW(NP | 0x1C4, -1, "PINSRW", Pq, Ed, Ib, pinsrw<8>, 0),
    SIMD_ROW(NP | 0x1D7, -1, "PMOVMSKB", Gd, Nq, None, pmovmskb<8>, RO),
};

const OpcodeRow kSse2Rows[] = {
    SIMD_ROW(P66 | 0x170, -1, "PSHUFD", Vx, Wx, Ib, xmm_op<kPshufd>, 0),
    SIMD_ROW(PF2 | 0x170, -1, "PSHUFLW", Vx, Wx, Ib, xmm_op<kPshuflw>, 0),
    SIMD_ROW(PF3 | 0x170, -1, "PSHUFHW", Vx, Wx, Ib, xmm_op<kPshufhw>, 0),
    SIMD_ROW(P66 | 0x1C5, -1, "PEXTRW", Gd, Ux, Ib, pextrw<16>, RO),
    SIMD_ROW(P66 | 0x1C4, -1, "PINSRW", Vx, Ed, Ib, pinsrw<16>, 0),
    SIMD_ROW(P66 | 0x1D7, -1, "PMOVMSKB", Gd, Ux, None, pmovmskb<16>, RO),
};

}  // namespace

std::span<const OpcodeRow> sse_int_shuffle_rows() { return kSseRows; }
std::span<const OpcodeRow> sse2_int_shuffle_rows() { return kSse2Rows; }

}  // namespace gb::simd
