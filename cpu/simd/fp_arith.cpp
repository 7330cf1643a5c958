// SSE/SSE2 floating-point arithmetic, lane by lane (SDM Vol. 2 ADDPS ...
// MAXSD, SQRTPS ... SQRTSD, RCPPS/RCPSS, RSQRTPS/RSQRTSS): PS/PD on every
// lane of a 16-byte aligned source, SS/SD on lane 0 of a 4/8-byte source
// with the destination's other lanes kept.
#include "cpu/simd/fp_lanes.hpp"
#include "cpu/simd/rows.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

namespace sf = fpu::sse;

/// dst = Op(dst, src): ADD, SUB, MUL, DIV, MIN, MAX (the NaN and zero
/// rules, e.g. MIN/MAX returning the second operand, are sse_float's).
template <class T, bool kPacked, T (*Op)(T, T, Env&)>
void binary(Cpu& c, const DecodedInsn& d) {
  fp_lanes<T, kPacked>(c, d, [](T a, T b, Env& e) { return Op(a, b, e); });
}

/// dst = Op(src): SQRT.
template <class T, bool kPacked, T (*Op)(T, Env&)>
void unary(Cpu& c, const DecodedInsn& d) {
  fp_lanes<T, kPacked>(c, d, [](T, T b, Env& e) { return Op(b, e); });
}

/// dst = Op(src) for RCP/RSQRT: approximations that ignore MXCSR and raise
/// no SIMD floating-point exception (SDM Vol. 2 RCPPS, RSQRTPS).
template <bool kPacked, u32 (*Op)(u32)>
void approx(Cpu& c, const DecodedInsn& d) {
  fp_lanes<u32, kPacked>(c, d, [](u32, u32 b, Env&) { return Op(b); });
}

using namespace opc;

#define FP_ROWS32(op, name, fn32)                                                   \
  SIMD_ROW(NP | (op), -1, name "PS", Vx, Wx, None, (binary<u32, true, fn32>), 0), \
      SIMD_ROW(PF3 | (op), -1, name "SS", Vx, Wx, None, (binary<u32, false, fn32>), 0)
#define FP_ROWS64(op, name, fn64)                                                   \
  SIMD_ROW(P66 | (op), -1, name "PD", Vx, Wx, None, (binary<u64, true, fn64>), 0), \
      SIMD_ROW(PF2 | (op), -1, name "SD", Vx, Wx, None, (binary<u64, false, fn64>), 0)

const OpcodeRow kSseRows[] = {
    FP_ROWS32(0x158, "ADD", sf::f32_add),
    FP_ROWS32(0x159, "MUL", sf::f32_mul),
    FP_ROWS32(0x15C, "SUB", sf::f32_sub),
    FP_ROWS32(0x15D, "MIN", sf::f32_min),
    FP_ROWS32(0x15E, "DIV", sf::f32_div),
    FP_ROWS32(0x15F, "MAX", sf::f32_max),
    SIMD_ROW(NP | 0x151, -1, "SQRTPS", Vx, Wx, None, (unary<u32, true, sf::f32_sqrt>), 0),
    SIMD_ROW(PF3 | 0x151, -1, "SQRTSS", Vx, Wx, None, (unary<u32, false, sf::f32_sqrt>), 0),
    SIMD_ROW(NP | 0x152, -1, "RSQRTPS", Vx, Wx, None, (approx<true, sf::f32_rsqrt>), 0),
    SIMD_ROW(PF3 | 0x152, -1, "RSQRTSS", Vx, Wx, None, (approx<false, sf::f32_rsqrt>), 0),
    SIMD_ROW(NP | 0x153, -1, "RCPPS", Vx, Wx, None, (approx<true, sf::f32_rcp>), 0),
    SIMD_ROW(PF3 | 0x153, -1, "RCPSS", Vx, Wx, None, (approx<false, sf::f32_rcp>), 0),
};

const OpcodeRow kSse2Rows[] = {
    FP_ROWS64(0x158, "ADD", sf::f64_add),
    FP_ROWS64(0x159, "MUL", sf::f64_mul),
    FP_ROWS64(0x15C, "SUB", sf::f64_sub),
    FP_ROWS64(0x15D, "MIN", sf::f64_min),
    FP_ROWS64(0x15E, "DIV", sf::f64_div),
    FP_ROWS64(0x15F, "MAX", sf::f64_max),
    SIMD_ROW(P66 | 0x151, -1, "SQRTPD", Vx, Wx, None, (unary<u64, true, sf::f64_sqrt>), 0),
    SIMD_ROW(PF2 | 0x151, -1, "SQRTSD", Vx, Wx, None, (unary<u64, false, sf::f64_sqrt>), 0),
};

#undef FP_ROWS32
#undef FP_ROWS64

}  // namespace

std::span<const OpcodeRow> sse_fp_arith_rows() { return kSseRows; }
std::span<const OpcodeRow> sse2_fp_arith_rows() { return kSse2Rows; }

}  // namespace gb::simd
