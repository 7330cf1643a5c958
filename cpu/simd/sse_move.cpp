// SSE and SSE2 whole-register and scalar moves, and MXCSR loads and stores
// (SDM Vol. 2 MOVAPS, MOVUPS, MOVSS, MOVAPD, MOVUPD, MOVSD, MOVDQA, MOVDQU,
// MOVD/MOVQ (XMM forms), LDMXCSR, STMXCSR, LDDQU).
#include "cpu/simd/rows.hpp"
#include "cpu/simd/simd.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

/// Vx <- Wx, all 16 bytes; `kAligned`: MOVAPS/MOVAPD/MOVDQA fault on a
/// misaligned memory operand (#GP(0)), the U forms do not.
template <bool kAligned>
void load128(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  xmm(c, d.xreg()) = read_w(c, d, 16, kAligned);
}

/// Wx <- Vx, all 16 bytes.
template <bool kAligned>
void store128(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const Vec128 v = xmm(c, d.xreg());
  if (d.mod() == 3) {
    xmm(c, d.xrm()) = v;
  } else {
    write_mem(c, d.seg, c.ea(d), v, 16, kAligned);
  }
}

/// MOVSS/MOVSD between registers: the low `T` lane moves, the rest of the
/// destination stays; `kToRm`: the store opcode (0F 11), whose destination
/// is ModR/M.rm.
template <class T, bool kToRm>
void mov_scalar_rr(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const unsigned dst = kToRm ? d.xrm() : d.xreg(), src = kToRm ? d.xreg() : d.xrm();
  xmm(c, dst).set<T>(0, xmm(c, src).get<T>(0));
}

/// MOVSS/MOVSD xmm, m32/m64 and MOVQ xmm, xmm/m64 (F3 0F 7E): the value,
/// zero-extended to 128 bits (SDM Vol. 2 MOVSS "clears bits 127:32").
template <unsigned kBytes>
void load_zx(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  Vec128 v = read_w(c, d, kBytes, false);
  if (d.mod() == 3) {
    Vec128 z;
    for (unsigned i = 0; i < kBytes; ++i) z[i] = v[i];
    v = z;
  }
  xmm(c, d.xreg()) = v;
}

/// MOVSS/MOVSD m32/m64, xmm (memory forms: the register forms merge, see
/// mov_scalar_rr) and MOVQ xmm2/m64, xmm1 (66 0F D6), whose register form
/// zero-extends.
template <unsigned kBytes>
void store_low(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const Vec128 v = xmm(c, d.xreg());
  if (d.mod() == 3) {
    Vec128& dst = xmm(c, d.xrm());
    dst = Vec128{};
    for (unsigned i = 0; i < kBytes; ++i) dst[i] = v[i];
  } else {
    write_mem(c, d.seg, c.ea(d), v, kBytes, false);
  }
}

/// 66 0F 6E: MOVD xmm, r/m32 (zero-extended to 128 bits); 66 REX.W 0F 6E:
/// MOVQ xmm, r/m64 (64-bit mode).
void movd_v_e(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const u64 v = d.o64 ? c.read_rm<u64>(d) : c.read_rm<u32>(d);
  xmm(c, d.xreg()) = Vec128::from(v, 0);
}

/// 66 0F 7E: MOVD r/m32, xmm; 66 REX.W 0F 7E: MOVQ r/m64, xmm.
void movd_e_v(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  if (d.o64) {
    c.write_rm<u64>(d, xmm(c, d.xreg()).get<u64>(0));
  } else {
    c.write_rm<u32>(d, xmm(c, d.xreg()).get<u32>(0));
  }
}

/// 0F AE /2: LDMXCSR m32; #GP(0) for a bit outside MXCSR_MASK. Setting a
/// flag whose mask is clear raises nothing until the next SIMD
/// floating-point instruction (SDM Vol. 2 LDMXCSR).
void ldmxcsr(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const u32 v = c.read<u32>(d.seg, c.ea(d));
  check_mxcsr(c, v);
  c.state().fpu.mxcsr = v;
}

/// 0F AE /3: STMXCSR m32.
void stmxcsr(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  c.write<u32>(d.seg, c.ea(d), c.state().fpu.mxcsr);
}

using namespace opc;
constexpr u8 MO = attr::kMemOnly;

const OpcodeRow kSseRows[] = {
    SIMD_ROW(NP | 0x110, -1, "MOVUPS", Vx, Wx, None, load128<false>, 0),
    SIMD_ROW(NP | 0x111, -1, "MOVUPS", Wx, Vx, None, store128<false>, 0),
    SIMD_ROW(NP | 0x128, -1, "MOVAPS", Vx, Wx, None, load128<true>, 0),
    SIMD_ROW(NP | 0x129, -1, "MOVAPS", Wx, Vx, None, store128<true>, 0),
    SIMD_ROW_RM(PF3 | 0x110, -1, "MOVSS", Vx, Wx, None, (mov_scalar_rr<u32, false>), load_zx<4>, 0),
    SIMD_ROW_RM(PF3 | 0x111, -1, "MOVSS", Wx, Vx, None, (mov_scalar_rr<u32, true>), store_low<4>, 0),
    SIMD_ROW(NP | 0x1AE, 2, "LDMXCSR", M, None, None, ldmxcsr, MO),
    SIMD_ROW(NP | 0x1AE, 3, "STMXCSR", M, None, None, stmxcsr, MO),
};

const OpcodeRow kSse2Rows[] = {
    SIMD_ROW(P66 | 0x110, -1, "MOVUPD", Vx, Wx, None, load128<false>, 0),
    SIMD_ROW(P66 | 0x111, -1, "MOVUPD", Wx, Vx, None, store128<false>, 0),
    SIMD_ROW(P66 | 0x128, -1, "MOVAPD", Vx, Wx, None, load128<true>, 0),
    SIMD_ROW(P66 | 0x129, -1, "MOVAPD", Wx, Vx, None, store128<true>, 0),
    SIMD_ROW_RM(PF2 | 0x110, -1, "MOVSD", Vx, Wx, None, (mov_scalar_rr<u64, false>), load_zx<8>, 0),
    SIMD_ROW_RM(PF2 | 0x111, -1, "MOVSD", Wx, Vx, None, (mov_scalar_rr<u64, true>), store_low<8>, 0),
    SIMD_ROW(P66 | 0x16F, -1, "MOVDQA", Vx, Wx, None, load128<true>, 0),
    SIMD_ROW(PF3 | 0x16F, -1, "MOVDQU", Vx, Wx, None, load128<false>, 0),
    SIMD_ROW(P66 | 0x17F, -1, "MOVDQA", Wx, Vx, None, store128<true>, 0),
    SIMD_ROW(PF3 | 0x17F, -1, "MOVDQU", Wx, Vx, None, store128<false>, 0),
    SIMD_ROW(P66 | 0x16E, -1, "MOVD", Vx, Ed, None, movd_v_e, 0),
    SIMD_ROW(P66 | 0x17E, -1, "MOVD", Ed, Vx, None, movd_e_v, 0),
    SIMD_ROW(PF3 | 0x17E, -1, "MOVQ", Vx, Wx, None, load_zx<8>, 0),
    SIMD_ROW(P66 | 0x1D6, -1, "MOVQ", Wx, Vx, None, store_low<8>, 0),
};

// LDDQU: an unaligned 16-byte load (SDM Vol. 2 LDDQU: no alignment
// check, memory operand only).
const OpcodeRow kSse3Rows[] = {
    SIMD_ROW(PF2 | 0x1F0, -1, "LDDQU", Vx, M, None, load128<false>, MO),
};

}  // namespace

std::span<const OpcodeRow> sse_move_rows() { return kSseRows; }
std::span<const OpcodeRow> sse2_move_rows() { return kSse2Rows; }
std::span<const OpcodeRow> sse3_move_rows() { return kSse3Rows; }

}  // namespace gb::simd
