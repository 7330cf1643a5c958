// The lane conversions of the CVT* instructions in one shape, Op(lane, env),
// for the conversion templates of fp_convert.cpp and fp_convert_int.cpp.
#pragma once
#include "cpu/simd/fp_lanes.hpp"

namespace gb::simd {

inline u64 cvt_f32_f64(u32 a, Env& e) { return fpu::sse::f32_to_f64(a, e); }
inline u32 cvt_i32_f32(i32 v, Env& e) { return fpu::sse::i32_to_f32(v, e); }
/// Exact: every i32 is a binary64, no exception.
inline u64 cvt_i32_f64(i32 v, Env&) { return fpu::sse::i32_to_f64(v); }
/// `kTruncate`: the CVTT forms (toward zero); otherwise MXCSR.RC.
template <bool kTruncate>
i32 cvt_f32_i32(u32 a, Env& e) {
  return fpu::sse::f32_to_i32(a, kTruncate, e);
}
template <bool kTruncate>
i32 cvt_f64_i32(u64 a, Env& e) {
  return fpu::sse::f64_to_i32(a, kTruncate, e);
}
/// The REX.W forms (64-bit mode): CVTSI2SS xmm, r/m64 may be inexact (PE);
/// CVTSI2SD xmm, r/m64 too (an i64 needs up to 63 significand bits).
inline u32 cvt_i64_f32(i64 v, Env& e) { return fpu::sse::i64_to_f32(v, e); }
inline u64 cvt_i64_f64(i64 v, Env& e) { return fpu::sse::i64_to_f64(v, e); }
/// To r64: the 64-bit integer indefinite 8000000000000000h on IE.
template <bool kTruncate>
i64 cvt_f32_i64(u32 a, Env& e) {
  return fpu::sse::f32_to_i64(a, kTruncate, e);
}
template <bool kTruncate>
i64 cvt_f64_i64(u64 a, Env& e) {
  return fpu::sse::f64_to_i64(a, kTruncate, e);
}

}  // namespace gb::simd
