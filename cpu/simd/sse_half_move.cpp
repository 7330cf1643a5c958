// SSE and SSE2 moves of one 64-bit half of an XMM register (SDM Vol. 2
// MOVLPS, MOVHPS, MOVHLPS, MOVLHPS, MOVLPD, MOVHPD): the other half of the
// destination register stays. The memory operands are 8 bytes, with no
// alignment rule (exception type 5). The register forms of 0F 12/0F 16 are
// different instructions (MOVHLPS, MOVLHPS); the PD forms have none (#UD).
#include "cpu/simd/rows.hpp"
#include "cpu/simd/simd.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

/// MOVLPS/MOVLPD xmm, m64 (kHalf 0) and MOVHPS/MOVHPD xmm, m64 (kHalf 1):
/// the memory qword into that half of Vx.
template <unsigned kHalf>
void load_half(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const u64 v = read64(c, d.seg, c.ea(d));
  xmm(c, d.xreg()).set<u64>(kHalf, v);
}

/// MOVLPS/MOVLPD m64, xmm (kHalf 0) and MOVHPS/MOVHPD m64, xmm (kHalf 1).
template <unsigned kHalf>
void store_half(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  write64(c, d.seg, c.ea(d), xmm(c, d.xreg()).get<u64>(kHalf));
}

/// MOVHLPS Vx, Ux (kFrom 1, kTo 0): the source's high qword into the
/// destination's low one; MOVLHPS (kFrom 0, kTo 1) the other way.
template <unsigned kFrom, unsigned kTo>
void move_half_rr(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  xmm(c, d.xreg()).set<u64>(kTo, xmm(c, d.xrm()).get<u64>(kFrom));
}

using namespace opc;
constexpr u8 MO = attr::kMemOnly;

const OpcodeRow kSseRows[] = {
    SIMD_ROW_RM(NP | 0x112, -1, "MOVLPS", Vx, Wx, None, (move_half_rr<1, 0>), load_half<0>, 0),
    SIMD_ROW(NP | 0x113, -1, "MOVLPS", M, Vx, None, store_half<0>, MO),
    SIMD_ROW_RM(NP | 0x116, -1, "MOVHPS", Vx, Wx, None, (move_half_rr<0, 1>), load_half<1>, 0),
    SIMD_ROW(NP | 0x117, -1, "MOVHPS", M, Vx, None, store_half<1>, MO),
};

const OpcodeRow kSse2Rows[] = {
    SIMD_ROW(P66 | 0x112, -1, "MOVLPD", Vx, M, None, load_half<0>, MO),
    SIMD_ROW(P66 | 0x113, -1, "MOVLPD", M, Vx, None, store_half<0>, MO),
    SIMD_ROW(P66 | 0x116, -1, "MOVHPD", Vx, M, None, load_half<1>, MO),
    SIMD_ROW(P66 | 0x117, -1, "MOVHPD", M, Vx, None, store_half<1>, MO),
};

}  // namespace

std::span<const OpcodeRow> sse_half_move_rows() { return kSseRows; }
std::span<const OpcodeRow> sse2_half_move_rows() { return kSse2Rows; }

}  // namespace gb::simd
