// SSE2 conversions between XMM lanes (SDM Vol. 2 CVTPS2PD, CVTPD2PS,
// CVTSS2SD, CVTSD2SS, CVTDQ2PS, CVTPS2DQ, CVTTPS2DQ, CVTDQ2PD, CVTPD2DQ,
// CVTTPD2DQ). The conversions with a general or MMX register operand are in
// fp_convert_int.cpp.
#include "cpu/simd/fp_convert.hpp"
#include "cpu/simd/rows.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

/// Vx lanes 0..kN-1 (width D) <- Op(source lane i (width S)). The source is
/// kSrcBytes of memory (16: 16-byte aligned, #GP(0) otherwise; 4 or 8: no
/// alignment rule) or an XMM register. The lanes above kN are kept
/// (`kKeep`: the scalar forms) or zeroed (CVTPD2PS, CVTPD2DQ, CVTTPD2DQ
/// zero bits 127:64).
template <class D, class S, unsigned kN, unsigned kSrcBytes, bool kKeep, D (*Op)(S, Env&)>
void cvt(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const Vec128 src = read_w(c, d, kSrcBytes, kSrcBytes == 16);
  Vec128 r = kKeep ? xmm(c, d.xreg()) : Vec128{};
  Env env = fp_env(c);
  for (unsigned i = 0; i < kN; ++i) r.set<D>(i, Op(src.get<S>(i), env));
  fp_exceptions(c, env.flags);
  xmm(c, d.xreg()) = r;
}

using namespace opc;

const OpcodeRow kSse2Rows[] = {
    // Float to float: CVTPS2PD/CVTSS2SD are exact (IE on an SNaN, DE on a
    // denormal); CVTPD2PS/CVTSD2SS round (IE, DE, OE, UE, PE).
    SIMD_ROW(NP | 0x15A, -1, "CVTPS2PD", Vx, Wx, None, (cvt<u64, u32, 2, 8, false, cvt_f32_f64>), 0),
    SIMD_ROW(P66 | 0x15A, -1, "CVTPD2PS", Vx, Wx, None, (cvt<u32, u64, 2, 16, false, fpu::sse::f64_to_f32>), 0),
    SIMD_ROW(PF3 | 0x15A, -1, "CVTSS2SD", Vx, Wx, None, (cvt<u64, u32, 1, 4, true, cvt_f32_f64>), 0),
    SIMD_ROW(PF2 | 0x15A, -1, "CVTSD2SS", Vx, Wx, None, (cvt<u32, u64, 1, 8, true, fpu::sse::f64_to_f32>), 0),
    // Doublewords and floats (PE when a binary32 cannot hold the integer;
    // to integers IE and the integer indefinite, PE).
    SIMD_ROW(NP | 0x15B, -1, "CVTDQ2PS", Vx, Wx, None, (cvt<u32, i32, 4, 16, false, cvt_i32_f32>), 0),
    SIMD_ROW(P66 | 0x15B, -1, "CVTPS2DQ", Vx, Wx, None, (cvt<i32, u32, 4, 16, false, cvt_f32_i32<false>>), 0),
    SIMD_ROW(PF3 | 0x15B, -1, "CVTTPS2DQ", Vx, Wx, None, (cvt<i32, u32, 4, 16, false, cvt_f32_i32<true>>), 0),
    SIMD_ROW(PF3 | 0x1E6, -1, "CVTDQ2PD", Vx, Wx, None, (cvt<u64, i32, 2, 8, false, cvt_i32_f64>), 0),
    SIMD_ROW(P66 | 0x1E6, -1, "CVTTPD2DQ", Vx, Wx, None, (cvt<i32, u64, 2, 16, false, cvt_f64_i32<true>>), 0),
    SIMD_ROW(PF2 | 0x1E6, -1, "CVTPD2DQ", Vx, Wx, None, (cvt<i32, u64, 2, 16, false, cvt_f64_i32<false>>), 0),
};

}  // namespace

std::span<const OpcodeRow> sse2_fp_convert_rows() { return kSse2Rows; }

}  // namespace gb::simd
