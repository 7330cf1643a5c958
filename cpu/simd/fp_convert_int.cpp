// SSE/SSE2 conversions with a general-purpose or MMX register operand (SDM
// Vol. 2 CVTPI2PS, CVTPI2PD, CVTSI2SS, CVTSI2SD, CVTPS2PI, CVTTPS2PI,
// CVTPD2PI, CVTTPD2PI, CVTSS2SI, CVTTSS2SI, CVTSD2SI, CVTTSD2SI). To an
// integer: rounded per MXCSR.RC or truncated (CVTT), IE and the integer
// indefinite 80000000h (8000000000000000h for r64) for a NaN, an infinity
// or a value out of range, PE when inexact. In 64-bit mode REX.W selects
// the r/m64 source of CVTSI2SS/SD and the r64 destination of CVT(T)SS2SI
// and CVT(T)SD2SI (SDM Vol. 2 CVTSI2SS ... "REX.W"); without it a general
// register destination is written as a doubleword (bits 63-32 cleared).
// REX.R/REX.B extend the XMM and general register numbers.
#include "cpu/simd/fp_convert.hpp"
#include "cpu/simd/rows.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

/// CVTPI2PS/CVTPI2PD xmm, mm/m64: the two doublewords of the source to
/// lanes 0 and 1 of width D; CVTPI2PS keeps lanes 2 and 3 (`kKeep`). Only a
/// register source is an MMX instruction (x87 pending-exception check,
/// then TOP = 0 and all tags valid); the memory form is not (SDM Vol. 2
/// CVTPI2PS, CVTPI2PD: "For operands xmm, m64: the instruction does not
/// cause a transition to MMX technology and does not take x87 FPU
/// exceptions").
template <class D, bool kKeep, D (*Op)(i32, Env&)>
void cvt_from_mm(Cpu& c, const DecodedInsn& d) {
  const bool mmx = d.mod() == 3;
  if (mmx) {
    if (!sse_mmx_begin(c, d)) return;
  } else {
    sse_begin(c);
  }
  Vec128 src;
  src.set<u64>(0, read_q(c, d));
  Vec128 r = kKeep ? xmm(c, d.xreg()) : Vec128{};
  Env env = fp_env(c);
  for (unsigned i = 0; i < 2; ++i) r.set<D>(i, Op(src.get<i32>(i), env));
  // The x87 -> MMX transition comes before the #XM check: a handler of an
  // unmasked exception sees TOP = 0 and every tag valid (the hardware at
  // hand, tests/simd_oracle --unmasked; the SDM does not order the two).
  if (mmx) mmx_done(c);
  fp_exceptions(c, env.flags);
  xmm(c, d.xreg()) = r;
}

/// CVT(T)PS2PI mm, xmm/m64 and CVT(T)PD2PI mm, xmm/m128 (16-byte aligned):
/// lanes 0 and 1 to two doublewords in the MMX register (an MMX
/// instruction whatever the source).
template <class S, unsigned kSrcBytes, i32 (*Op)(S, Env&)>
void cvt_to_mm(Cpu& c, const DecodedInsn& d) {
  if (!sse_mmx_begin(c, d)) return;
  const Vec128 src = read_w(c, d, kSrcBytes, kSrcBytes == 16);
  Env env = fp_env(c);
  Vec128 r;
  for (unsigned i = 0; i < 2; ++i) r.set<i32>(i, Op(src.get<S>(i), env));
  mmx_done(c);  // before the #XM check, as in cvt_from_mm
  fp_exceptions(c, env.flags);
  set_mm(c, d.reg(), r.lo());
}

/// CVTSI2SS/CVTSI2SD xmm, r/m32 (r/m64 with REX.W, `Op64`): lane 0, the
/// other lanes kept.
template <class D, D (*Op)(i32, Env&), D (*Op64)(i64, Env&)>
void cvt_from_gpr(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  Env env = fp_env(c);
  D v;
  if (d.o64) {
    v = Op64(static_cast<i64>(c.read_rm<u64>(d)), env);
  } else {
    v = Op(static_cast<i32>(c.read_rm<u32>(d)), env);
  }
  Vec128 r = xmm(c, d.xreg());
  r.set<D>(0, v);
  fp_exceptions(c, env.flags);
  xmm(c, d.xreg()) = r;
}

/// CVT(T)SS2SI r32/r64, xmm/m32 and CVT(T)SD2SI r32/r64, xmm/m64: lane 0 to
/// a general register (left unchanged on #XM).
template <class S, i32 (*Op)(S, Env&), i64 (*Op64)(S, Env&)>
void cvt_to_gpr(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const S a = read_w(c, d, sizeof(S), false).template get<S>(0);
  Env env = fp_env(c);
  if (d.o64) {
    const i64 v = Op64(a, env);
    fp_exceptions(c, env.flags);
    c.set_reg<u64>(d.xreg(), static_cast<u64>(v));
  } else {
    const i32 v = Op(a, env);
    fp_exceptions(c, env.flags);
    c.set_reg<u32>(d.xreg(), static_cast<u32>(v));
  }
}

using namespace opc;

const OpcodeRow kSseRows[] = {
    SIMD_ROW(NP | 0x12A, -1, "CVTPI2PS", Vx, Qq, None, (cvt_from_mm<u32, true, cvt_i32_f32>), 0),
    SIMD_ROW(PF3 | 0x12A, -1, "CVTSI2SS", Vx, Ed, None, (cvt_from_gpr<u32, cvt_i32_f32, cvt_i64_f32>), 0),
    SIMD_ROW(NP | 0x12C, -1, "CVTTPS2PI", Pq, Wx, None, (cvt_to_mm<u32, 8, cvt_f32_i32<true>>), 0),
    SIMD_ROW(PF3 | 0x12C, -1, "CVTTSS2SI", Gd, Wx, None, (cvt_to_gpr<u32, cvt_f32_i32<true>, cvt_f32_i64<true>>), 0),
    SIMD_ROW(NP | 0x12D, -1, "CVTPS2PI", Pq, Wx, None, (cvt_to_mm<u32, 8, cvt_f32_i32<false>>), 0),
    SIMD_ROW(PF3 | 0x12D, -1, "CVTSS2SI", Gd, Wx, None, (cvt_to_gpr<u32, cvt_f32_i32<false>, cvt_f32_i64<false>>), 0),
};

const OpcodeRow kSse2Rows[] = {
    SIMD_ROW(P66 | 0x12A, -1, "CVTPI2PD", Vx, Qq, None, (cvt_from_mm<u64, false, cvt_i32_f64>), 0),
    SIMD_ROW(PF2 | 0x12A, -1, "CVTSI2SD", Vx, Ed, None, (cvt_from_gpr<u64, cvt_i32_f64, cvt_i64_f64>), 0),
    SIMD_ROW(P66 | 0x12C, -1, "CVTTPD2PI", Pq, Wx, None, (cvt_to_mm<u64, 16, cvt_f64_i32<true>>), 0),
    SIMD_ROW(PF2 | 0x12C, -1, "CVTTSD2SI", Gd, Wx, None, (cvt_to_gpr<u64, cvt_f64_i32<true>, cvt_f64_i64<true>>), 0),
    SIMD_ROW(P66 | 0x12D, -1, "CVTPD2PI", Pq, Wx, None, (cvt_to_mm<u64, 16, cvt_f64_i32<false>>), 0),
    SIMD_ROW(PF2 | 0x12D, -1, "CVTSD2SI", Gd, Wx, None, (cvt_to_gpr<u64, cvt_f64_i32<false>, cvt_f64_i64<false>>), 0),
};

}  // namespace

std::span<const OpcodeRow> sse_fp_convert_int_rows() { return kSseRows; }
std::span<const OpcodeRow> sse2_fp_convert_int_rows() { return kSse2Rows; }

}  // namespace gb::simd
