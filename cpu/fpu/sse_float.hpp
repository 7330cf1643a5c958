// IEEE 754 binary32/binary64 soft float with the SSE/SSE2 semantics of an
// Intel CPU (SDM Vol. 1 4.8, 4.9, 10.2.3, 11.5; Vol. 2 per instruction):
// MXCSR rounding, DAZ and FTZ, the six exception flags, the SSE rules for
// NaN operands (SDM Vol. 1 Table 4-7) and tininess detected after rounding.
// Integer arithmetic only: the bits are the same on every host.
//
// Values travel as their raw encodings (u32 binary32, u64 binary64). Each
// operation ORs the exceptions it detects into `Env::flags` and returns the
// masked response. When an exception is unmasked the instruction handler
// must not write any destination and raises #XM (or #UD without
// CR4.OSXMMEXCPT); `Env::unmasked()` and `Env::reported()` decide that.
#pragma once

#include "cpu/fpu/float80.hpp"
#include "mmu/types.hpp"

namespace gb::fpu::sse {

namespace mx {  // MXCSR bits (SDM Vol. 1 10.2.3)
constexpr u32 IE = 0x1, DE = 0x2, ZE = 0x4, OE = 0x8, UE = 0x10, PE = 0x20, kFlags = 0x3F;
constexpr u32 DAZ = 0x40, kMaskShift = 7, kRcShift = 13, FTZ = 0x8000;
/// The pre-computation exceptions (SDM Vol. 1 11.5.3): detected on the
/// operands before any result is computed.
constexpr u32 kPre = IE | DE | ZE;
}  // namespace mx

/// The controls of one SIMD floating-point instruction in, its exceptions out.
struct Env {
  Rounding rc = Rounding::Nearest;  ///< MXCSR.RC (SDM Vol. 1 Table 4-8)
  bool daz = false;                 ///< MXCSR.DAZ: denormal sources read as signed zeros
  bool ftz = false;                 ///< MXCSR.FTZ: masked tiny results become signed zeros
  u8 masks = 0x3F;  ///< MXCSR bits 7-12 shifted down to the IE..PE positions
  u8 flags = 0;     ///< exceptions raised, ORed in (IE..PE positions)

  static Env from_mxcsr(u32 mxcsr) {
    Env e;
    e.rc = static_cast<Rounding>((mxcsr >> mx::kRcShift) & 3);
    e.daz = (mxcsr & mx::DAZ) != 0;
    e.ftz = (mxcsr & mx::FTZ) != 0;
    e.masks = static_cast<u8>((mxcsr >> mx::kMaskShift) & mx::kFlags);
    return e;
  }
  void raise(u32 f) { flags |= static_cast<u8>(f); }
  bool masked(u32 f) const { return (masks & f) == f; }
  /// Some raised exception is unmasked: the instruction writes no
  /// destination and raises #XM (SDM Vol. 1 11.5.3.2).
  bool unmasked() const { return (flags & ~masks & mx::kFlags) != 0; }
  /// The flags the instruction leaves in MXCSR (to OR into bits 0-5): when
  /// an unmasked pre-computation exception (IE, DE, ZE) stops it, the
  /// post-computation ones (OE, UE, PE) are never looked for (SDM Vol. 1
  /// 11.5.3.2, steps 1 and 5); otherwise all of them.
  u8 reported() const {
    if (flags & ~masks & mx::kPre) return static_cast<u8>(flags & mx::kPre);
    return flags;
  }
};

/// The real indefinite QNaNs (SDM Vol. 1 4.8.3.7) and the integer
/// indefinites (SDM Vol. 1 4.8.3.8: the most negative integer).
constexpr u32 kIndefinite32 = 0xFFC0'0000u;
constexpr u64 kIndefinite64 = 0xFFF8'0000'0000'0000u;
constexpr i32 kIntIndefinite32 = static_cast<i32>(0x8000'0000u);
constexpr i64 kIntIndefinite64 = static_cast<i64>(0x8000'0000'0000'0000u);

// ---- Arithmetic (ADDPS/ADDSS/ADDPD/ADDSD, SUB, MUL, DIV, SQRT; also the
// lanes of ADDSUB, HADD, HSUB): correctly rounded per env.rc. A NaN
// operand gives the first NaN quieted (IE if either is an SNaN); invalid
// operations (inf - inf, 0 * inf, 0/0, inf/inf, sqrt of a negative) give
// the real indefinite with IE; x/0 gives a signed infinity with ZE.
// DPPS/DPPD compose f32_mul/f32_add in the SDM's order ((p0 + p1) + (p2 +
// p3)) with one Env: the products are operands of the sums (a denormal
// product raises DE, or reads as zero under DAZ), as the host does.
u32 f32_add(u32 a, u32 b, Env& e);
u32 f32_sub(u32 a, u32 b, Env& e);
u32 f32_mul(u32 a, u32 b, Env& e);
u32 f32_div(u32 a, u32 b, Env& e);
u32 f32_sqrt(u32 a, Env& e);
u64 f64_add(u64 a, u64 b, Env& e);
u64 f64_sub(u64 a, u64 b, Env& e);
u64 f64_mul(u64 a, u64 b, Env& e);
u64 f64_div(u64 a, u64 b, Env& e);
u64 f64_sqrt(u64 a, Env& e);

// ---- MINPS/MAXPS/MINSS/.../MAXSD (SDM Vol. 2 MINPS): a < b ? a : b (or
// a > b ? a : b); a NaN in either operand, or two zeros of any signs,
// return the second operand b unchanged. Any NaN raises IE.
u32 f32_min(u32 a, u32 b, Env& e);
u32 f32_max(u32 a, u32 b, Env& e);
u64 f64_min(u64 a, u64 b, Env& e);
u64 f64_max(u64 a, u64 b, Env& e);

// ---- CMPPS/CMPSS/CMPPD/CMPSD predicates 0-7 (imm8 bits 2:0): EQ, LT, LE,
// UNORD, NEQ, NLT, NLE, ORD. An SNaN raises IE; LT, LE, NLT and NLE raise
// IE on a QNaN too (SDM Vol. 2 CMPPS, Table 3-1). Predicates 8-31 of the
// VEX forms are not for SSE; pred is taken modulo 8.
bool f32_cmp(u32 a, u32 b, unsigned pred, Env& e);
bool f64_cmp(u64 a, u64 b, unsigned pred, Env& e);

// ---- COMISS/COMISD (`signaling`: IE on any NaN) and UCOMISS/UCOMISD (IE on
// an SNaN only). Returns the EFLAGS ZF|PF|CF bits: unordered 0x45, less
// 0x01, equal 0x40, greater 0 (the instruction clears OF, SF and AF).
u32 f32_comi(u32 a, u32 b, bool signaling, Env& e);
u32 f64_comi(u64 a, u64 b, bool signaling, Env& e);

// ---- Conversions between formats (CVTSS2SD/CVTPS2PD exact;
// CVTSD2SS/CVTPD2PS rounded with OE/UE/PE). An SNaN raises IE and is
// quieted; a NaN keeps its sign and the top bits of its significand.
u64 f32_to_f64(u32 a, Env& e);
u32 f64_to_f32(u64 a, Env& e);

// ---- Integer to float (CVTSI2SS/SD, CVTDQ2PS/PD, CVTPI2PS/PD): PE when
// rounding was needed. i32 to binary64 is always exact.
u32 i32_to_f32(i32 v, Env& e);
u64 i32_to_f64(i32 v);
u32 i64_to_f32(i64 v, Env& e);
u64 i64_to_f64(i64 v, Env& e);

// ---- Float to integer (CVTSS2SI, CVTPS2DQ, CVTPS2PI, ... and the
// truncating CVTT forms, `truncate`): rounded per env.rc or toward zero; PE
// when inexact. A NaN, an infinity or a value out of range raises IE and
// gives the integer indefinite.
i32 f32_to_i32(u32 a, bool truncate, Env& e);
i64 f32_to_i64(u32 a, bool truncate, Env& e);
i32 f64_to_i32(u64 a, bool truncate, Env& e);
i64 f64_to_i64(u64 a, bool truncate, Env& e);

// ---- ROUNDPS/ROUNDPD/ROUNDSS/ROUNDSD (SSE4.1) with the instruction's imm8:
// bits 1:0 the rounding mode, bit 2 use MXCSR.RC instead, bit 3 suppress
// PE. An SNaN raises IE and is quieted.
u32 f32_round(u32 a, unsigned imm8, Env& e);
u64 f64_round(u64 a, unsigned imm8, Env& e);

// ---- RCPPS/RCPSS and RSQRTPS/RSQRTSS: approximations with a relative error
// of at most 1.5 * 2^-12 (SDM Vol. 2 RCPPS). They raise no exception and
// ignore MXCSR: a denormal operand counts as a zero (giving an infinity of
// its sign), a tiny reciprocal is flushed to a zero of its sign; rsqrt of a
// negative nonzero value gives the real indefinite.
u32 f32_rcp(u32 a);
u32 f32_rsqrt(u32 a);

}  // namespace gb::fpu::sse
