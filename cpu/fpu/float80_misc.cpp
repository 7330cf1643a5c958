// FSCALE, FXTRACT, FPREM and FPREM1 on extended values (SDM Vol. 2 FSCALE,
// FXTRACT, FPREM, FPREM1; Vol. 1 8.3.10).
#include "cpu/fpu/float80.hpp"
#include "cpu/fpu/round.hpp"

namespace gb::fpu {

namespace {

Float80 invalid(Env& env) {
  env.raise(exc::IE);
  return kIndefinite;
}

}  // namespace

Float80 scale(const Unpacked& a, const Unpacked& b, Env& env) {
  if (a.cls == Class::Unsupported || b.cls == Class::Unsupported) return invalid(env);
  if (is_nan(a.cls) || is_nan(b.cls)) return propagate_nan(a, b, env);
  // 0 * 2^+inf and inf * 2^-inf are invalid (SDM Vol. 2 FSCALE, results table).
  if (b.cls == Class::Infinity) {
    if (!b.sign && a.cls == Class::Zero) return invalid(env);
    if (b.sign && a.cls == Class::Infinity) return invalid(env);
  }
  if (a.cls == Class::Denormal || b.cls == Class::Denormal) env.raise(exc::DE);
  if (env.aborted()) return kIndefinite;
  if (a.cls == Class::Zero || a.cls == Class::Infinity) return pack_exact(a);
  if (b.cls == Class::Infinity) return b.sign ? make80(a.sign, 0, 0) : make80(a.sign, kExpMax, kJ);
  // The scale is ST(1) truncated toward zero. Beyond +-2^17 every result
  // overflows or underflows alike, so the count saturates there.
  i32 n = 0;
  if (b.cls != Class::Zero && b.exp >= kBias) {
    const i32 e = b.exp - kBias;  // 2^e <= |ST(1)|
    n = e >= 17 ? (1 << 17) : static_cast<i32>(b.sig >> (63 - e));
    if (b.sign) n = -n;
  }
  // A scale of +-0 returns the operand as it is, denormals included,
  // without UE even when unmasked; a nonzero scale below one in magnitude
  // goes through the rounding like any other (observed on Intel hardware).
  if (b.cls == Class::Zero) return pack_exact(a);
  return round_pack_prec(a.sign, a.exp + n, a.sig, 0, 64, env);
}

Extracted extract(const Unpacked& a, Env& env) {
  switch (a.cls) {
    case Class::Unsupported: env.raise(exc::IE); return {kIndefinite, kIndefinite};
    case Class::SNaN:
    case Class::QNaN: {
      const Float80 n = propagate_nan(a, env);
      return {n, n};
    }
    case Class::Zero:
      // The exponent of zero is -infinity, with a divide-by-zero (SDM Vol. 2
      // FXTRACT).
      env.raise(exc::ZE);
      return {make80(true, kExpMax, kJ), pack_exact(a)};
    case Class::Infinity: return {kInfinity, pack_exact(a)};
    case Class::Denormal: env.raise(exc::DE); break;
    default: break;
  }
  return {from_int(a.exp - kBias), make80(a.sign, static_cast<u16>(kBias), a.sig)};
}

Remainder remainder(const Unpacked& a, const Unpacked& b, bool ieee, Env& env) {
  if (a.cls == Class::Unsupported || b.cls == Class::Unsupported) return {invalid(env)};
  if (is_nan(a.cls) || is_nan(b.cls)) return {propagate_nan(a, b, env)};
  if (a.cls == Class::Infinity || b.cls == Class::Zero) return {invalid(env)};
  if (a.cls == Class::Denormal || b.cls == Class::Denormal) env.raise(exc::DE);
  if (env.aborted()) return {kIndefinite};
  if (a.cls == Class::Zero || b.cls == Class::Infinity) return {pack_exact(a), 0, false, true};
  const i32 d = a.exp - b.exp;
  if (d < 0) {
    // |a| < |b|: the quotient is 0, except for FPREM1 when |a| > |b|/2.
    if (!ieee || d < -1 || a.sig <= b.sig) return {round_pack_prec(a.sign, a.exp, a.sig, 0, 64, env), 0, false, true};
    // Quotient 1: |b| - |a| = (2 b.sig - a.sig) at a's exponent.
    u64 r = b.sig - (a.sig - b.sig);
    i32 e = a.exp;
    normalize(r, e);
    return {round_pack_prec(!a.sign, e, r, 0, 64, env), 1, false, true};
  }
  // A partial remainder when the exponents differ by 64 or more: the
  // dividend is reduced by b * 2^m with m the multiple of 32 that leaves an
  // exponent difference of 32 to 63, truncating the quotient (FPREM1 too),
  // C2 = 1 and C0, C3, C1 cleared (SDM Vol. 2 FPREM: "N is an
  // implementation-dependent number between 32 and 63"; this is Intel's).
  const bool partial = d >= 64;
  const i32 steps = partial ? 32 + ((d - 32) & 31) : d;
  // Long division of a.sig * 2^steps by b.sig; r < b.sig stays exact.
  u64 r = a.sig, q = 0;
  bool top = false;
  for (i32 i = 0; i <= steps; ++i) {
    if (i > 0) {
      top = (r >> 63) != 0;
      r <<= 1;
    }
    q <<= 1;
    if (top || r >= b.sig) {
      r -= b.sig;
      q |= 1;
    }
  }
  bool sign = a.sign;
  if (ieee && !partial) {
    // Round the quotient to nearest, ties to even: 2r against b.sig.
    const bool r_top = (r >> 63) != 0;
    const u64 r2 = r << 1;
    const bool gt = r_top || r2 > b.sig;
    const bool eq = !r_top && r2 == b.sig;
    if (gt || (eq && (q & 1))) {
      ++q;
      r = b.sig - r;
      sign = !sign;
    }
  }
  // r is in units of b's last significand bit, shifted by the part of the
  // exponent difference not consumed.
  const i32 base = b.exp + (d - steps);
  if (r == 0) return {make80(a.sign, 0, 0), static_cast<u8>(partial ? 0 : q & 7), partial, true};
  i32 e = base;
  normalize(r, e);
  const Float80 v = round_pack_prec(sign, e, r, 0, 64, env);
  return {v, static_cast<u8>(partial ? 0 : q & 7), partial, true};
}

}  // namespace gb::fpu
