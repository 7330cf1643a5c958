// The lane loop shared by the SIMD floating-point instructions: read the
// source, compute every lane of the destination into a local under one
// MXCSR environment, report the exceptions, and only then write (SDM Vol. 1
// 11.5.1: an unmasked exception leaves the destination unchanged).
#pragma once
#include "cpu/fpu/sse_float.hpp"
#include "cpu/simd/simd.hpp"

namespace gb::simd {

using fpu::sse::Env;

/// The MXCSR controls of the instruction about to compute.
inline Env fp_env(const Cpu& c) { return Env::from_mxcsr(c.state().fpu.mxcsr); }

/// The W source of a packed form (16 bytes, 16-byte aligned in memory:
/// #GP(0) otherwise, SDM Vol. 1 11.4.1) or of a scalar form (sizeof(T)
/// bytes of memory, no alignment rule; a register is read whole).
template <class T, bool kPacked>
Vec128 fp_src(Cpu& c, const DecodedInsn& d) {
  return read_w(c, d, kPacked ? 16 : sizeof(T), kPacked);
}

/// Vx <- f(Vx lane, Wx lane, env) for every lane of width T (kPacked), or
/// for lane 0 only, the other lanes of Vx kept (the SS/SD forms).
template <class T, bool kPacked, class F>
void fp_lanes(Cpu& c, const DecodedInsn& d, F f) {
  sse_begin(c);
  const Vec128 b = fp_src<T, kPacked>(c, d);
  Vec128 r = xmm(c, d.xreg());
  Env env = fp_env(c);
  constexpr unsigned kLanes = kPacked ? 16 / sizeof(T) : 1;
  for (unsigned i = 0; i < kLanes; ++i) r.set<T>(i, f(r.get<T>(i), b.get<T>(i), env));
  fp_exceptions(c, env.flags);
  xmm(c, d.xreg()) = r;
}

/// Vx <- f(Vx, Wx, env) for the packed instructions whose lanes mix (HADD,
/// HSUB, DPPS, DPPD): the source is 16 bytes, 16-byte aligned in memory.
template <class F>
void fp_vector(Cpu& c, const DecodedInsn& d, F f) {
  sse_begin(c);
  const Vec128 b = read_w(c, d, 16, true);
  Env env = fp_env(c);
  const Vec128 r = f(xmm(c, d.xreg()), b, env);
  fp_exceptions(c, env.flags);
  xmm(c, d.xreg()) = r;
}

}  // namespace gb::simd
