// Extended-precision classification, rounding, NaN propagation, the basic
// arithmetic and comparisons (SDM Vol. 1 4.2, 4.8, 4.9, 8.5; Vol. 2 FADD,
// FSUB, FMUL, FDIV, FSQRT, FCOM).
#include "cpu/fpu/float80.hpp"

#include "cpu/fpu/round.hpp"
#include "cpu/fpu/wide.hpp"

namespace gb::fpu {

Class classify(const Float80& v) {
  const u16 e = v.exp();
  const bool j = (v.sig & kJ) != 0;
  if (e == 0) return v.sig == 0 ? Class::Zero : Class::Denormal;  // J set: pseudo-denormal
  if (!j) return Class::Unsupported;  // unnormal, pseudo-infinity, pseudo-NaN
  if (e == kExpMax) {
    if ((v.sig << 1) == 0) return Class::Infinity;
    return (v.sig & kQuiet) ? Class::QNaN : Class::SNaN;
  }
  return Class::Normal;
}

Unpacked unpack(const Float80& v) {
  Unpacked u{classify(v), v.sign(), v.exp(), v.sig};
  if (u.cls == Class::Denormal) {
    // The denormal (and pseudo-denormal) exponent is that of the smallest
    // normal, 1 (SDM Vol. 1 4.8.3.2).
    u.exp = 1;
    normalize(u.sig, u.exp);
  }
  return u;
}

Float80 pack_exact(const Unpacked& u) {
  switch (u.cls) {
    case Class::Zero: return make80(u.sign, 0, 0);
    case Class::Infinity: return make80(u.sign, kExpMax, kJ);
    case Class::Normal:
    case Class::Denormal:
      if (u.exp < 1) return make80(u.sign, 0, shr_sticky64(u.sig, static_cast<unsigned>(1 - u.exp)));
      return make80(u.sign, static_cast<u16>(u.exp), u.sig);
    default: return make80(u.sign, kExpMax, u.sig);
  }
}

// ------------------------------------------------------------ rounding

namespace {

struct RoundBits {
  u64 sig;       ///< rounded significand (kJ alone after a carry out)
  bool carry;    ///< the significand overflowed: the exponent goes up by one
  bool inexact;
  bool up;       ///< the magnitude was incremented
};

/// Rounds sig:rest at bit `shift` of sig per `rc`.
RoundBits round_bits(bool sign, u64 sig, u64 rest, unsigned shift, Rounding rc) {
  u64 frac, base;
  if (shift == 0) {
    frac = rest;
    base = sig;
  } else {
    frac = (sig << (64 - shift)) | (rest >> shift) | ((rest << (64 - shift)) != 0 ? 1u : 0u);
    base = sig >> shift;
  }
  constexpr u64 kHalf = u64{1} << 63;
  bool inc = false;
  switch (rc) {
    case Rounding::Nearest: inc = frac > kHalf || (frac == kHalf && (base & 1)); break;
    case Rounding::Down: inc = sign && frac != 0; break;
    case Rounding::Up: inc = !sign && frac != 0; break;
    case Rounding::Zero: break;
  }
  base += inc ? 1u : 0u;
  const bool carry = shift == 0 ? (inc && base == 0) : (base >> (64 - shift)) != 0;
  return {carry ? kJ : base << shift, carry, frac != 0, inc};
}

constexpr i32 kBiasAdjust = 24576;  // SDM Vol. 1 8.5.4, 8.5.5: 3 * 2^13

}  // namespace

Rounded round_to(bool sign, i32 exp, u64 sig, u64 rest, const Format& f, bool reg, Env& env) {
  const unsigned shift = 64 - f.prec;
  const RoundBits r = round_bits(sign, sig, rest, shift, env.rc);
  const i32 e = exp + (r.carry ? 1 : 0);
  auto inexact = [&](const RoundBits& rb) {
    if (rb.inexact) {
      env.raise(exc::PE);
      env.c1 = rb.up;
    }
  };
  if (e > f.emax) {
    env.raise(exc::OE);
    if (!env.masked(exc::OE) && reg && e - kBiasAdjust > f.emax) {
      // Unmasked, but even the adjusted exponent is out of range (only
      // FSCALE gets there): an infinity whatever the rounding (observed).
      env.raise(exc::PE);
      env.c1 = true;
      return {sign, f.emax + 1, kJ, true};
    }
    if (!env.masked(exc::OE)) {
      // Unmasked: the register gets the rounded significand with the
      // exponent lowered by the bias adjustment; memory gets nothing.
      if (reg) inexact(r);
      return {sign, e - kBiasAdjust, r.sig, false};
    }
    // Masked (SDM Vol. 1 Table 4-10): infinity or the largest finite value
    // of the format, by rounding direction and sign.
    env.raise(exc::PE);
    const bool to_inf = env.rc == Rounding::Nearest || (env.rc == Rounding::Up && !sign) ||
                        (env.rc == Rounding::Down && sign);
    env.c1 = to_inf;
    if (to_inf) return {sign, f.emax + 1, kJ, true};
    return {sign, f.emax, ~u64{0} << shift, false};
  }
  if (e < f.emin) {
    // Tiny after rounding with an unbounded exponent, at the precision of
    // the destination (SDM Vol. 1 4.9.1.5).
    if (!env.masked(exc::UE) && reg && e + kBiasAdjust < f.emin) {
      // The same below the range: a zero (observed).
      env.raise(exc::UE | exc::PE);
      env.c1 = false;
      return {sign, f.emin, 0, false};
    }
    if (!env.masked(exc::UE)) {
      env.raise(exc::UE);
      if (reg) inexact(r);
      return {sign, e + kBiasAdjust, r.sig, false};
    }
    // Masked: denormalize, then round at the format's fixed significand
    // position (for PC = 24/53 in a register, the position of that
    // precision's last bit, not 24/53 bits below the leading one). UE only
    // when the denormal is inexact.
    const U128 v = shr_sticky(U128{sig, rest}, static_cast<unsigned>(f.emin - exp));
    const RoundBits d = round_bits(sign, v.hi, v.lo, shift, env.rc);
    if (d.inexact) env.raise(exc::UE);
    inexact(d);
    return {sign, f.emin, d.sig, false};
  }
  inexact(r);
  return {sign, e, r.sig, false};
}

Float80 to_float80(const Rounded& r) {
  if (r.inf) return make80(r.sign, kExpMax, kJ);
  if (r.sig == 0) return make80(r.sign, 0, 0);
  if (!(r.sig & kJ)) return make80(r.sign, 0, r.sig);
  return make80(r.sign, static_cast<u16>(r.exp & 0x7FFF), r.sig);
}

Float80 round_pack_prec(bool sign, i32 exp, u64 sig, u64 rest, unsigned prec, Env& env) {
  return to_float80(round_to(sign, exp, sig, rest, Format{prec, 1, 0x7FFE}, true, env));
}

Float80 round_pack(bool sign, i32 exp, u64 sig, u64 rest, Env& env) {
  return round_pack_prec(sign, exp, sig, rest, env.prec, env);
}

// ------------------------------------------------------------------ NaNs

Float80 nan_value(const Unpacked& a) { return make80(a.sign, kExpMax, a.sig | kQuiet); }

Float80 propagate_nan(const Unpacked& a, Env& env) {
  if (a.cls == Class::SNaN) env.raise(exc::IE);
  return nan_value(a);
}

Float80 propagate_nan(const Unpacked& a, const Unpacked& b, Env& env) {
  if (a.cls == Class::SNaN || b.cls == Class::SNaN) env.raise(exc::IE);
  if (!is_nan(a.cls)) return nan_value(b);
  if (!is_nan(b.cls)) return nan_value(a);
  if (a.cls != b.cls) return nan_value(a.cls == Class::QNaN ? a : b);
  // Same kind: the larger significand; equal significands give the
  // positive one (observed on Intel hardware).
  if (a.sig != b.sig) return nan_value(a.sig > b.sig ? a : b);
  return nan_value(a.sign ? b : a);
}

namespace {

/// Common operand screening of a two-operand arithmetic instruction:
/// unsupported formats and SNaNs raise IE, NaNs propagate, denormals raise
/// DE. Returns true with `out` set when the result is decided.
bool screen(const Unpacked& a, const Unpacked& b, Env& env, Float80& out) {
  if (a.cls == Class::Unsupported || b.cls == Class::Unsupported) {
    env.raise(exc::IE);
    out = kIndefinite;
    return true;
  }
  if (is_nan(a.cls) || is_nan(b.cls)) {
    out = propagate_nan(a, b, env);
    return true;
  }
  return false;
}

bool denormal_check(const Unpacked& a, const Unpacked& b, Env& env) {
  if (a.cls == Class::Denormal || b.cls == Class::Denormal) env.raise(exc::DE);
  return env.aborted();
}

Float80 invalid(Env& env) {
  env.raise(exc::IE);
  return kIndefinite;
}

}  // namespace

// ---------------------------------------------------------- add/subtract

namespace {

Float80 add_signed(const Unpacked& a, bool bsign, const Unpacked& bu, Env& env) {
  Unpacked b = bu;
  b.sign = bsign;
  if (a.cls == Class::Infinity || b.cls == Class::Infinity) {
    if (a.cls == Class::Infinity && b.cls == Class::Infinity && a.sign != b.sign) return invalid(env);
    return make80(a.cls == Class::Infinity ? a.sign : b.sign, kExpMax, kJ);
  }
  if (a.cls == Class::Zero && b.cls == Class::Zero) {
    // Exact zero sum: the common sign, else +0 (-0 when rounding down).
    const bool s = a.sign == b.sign ? a.sign : env.rc == Rounding::Down;
    return make80(s, 0, 0);
  }
  if (a.cls == Class::Zero) return round_pack(b.sign, b.exp, b.sig, 0, env);
  if (b.cls == Class::Zero) return round_pack(a.sign, a.exp, a.sig, 0, env);
  // Both finite nonzero: align the smaller to the larger in 128 bits.
  const Unpacked* x = &a;
  const Unpacked* y = &b;
  if (y->exp > x->exp || (y->exp == x->exp && y->sig > x->sig)) std::swap(x, y);
  const unsigned d = static_cast<unsigned>(x->exp - y->exp);
  const U128 big{x->sig, 0};
  const U128 small = shr_sticky(U128{y->sig, 0}, d);
  i32 exp = x->exp;
  U128 r;
  if (x->sign == y->sign) {
    r = add(big, small);
    if (less(r, big)) {  // carry out of bit 127
      r = shr_sticky(r, 1);
      r.hi |= kJ;
      ++exp;
    }
  } else {
    r = sub(big, small);
    if (r.zero()) return make80(env.rc == Rounding::Down, 0, 0);
    const unsigned n = clz128(r);
    r = shl(r, n);
    exp -= static_cast<i32>(n);
  }
  return round_pack(x->sign, exp, r.hi, r.lo, env);
}

}  // namespace

Float80 add(const Unpacked& a, const Unpacked& b, Env& env) {
  Float80 out;
  if (screen(a, b, env, out)) return out;
  if (denormal_check(a, b, env)) return out;
  return add_signed(a, b.sign, b, env);
}

Float80 sub(const Unpacked& a, const Unpacked& b, Env& env) {
  Float80 out;
  if (screen(a, b, env, out)) return out;
  if (denormal_check(a, b, env)) return out;
  return add_signed(a, !b.sign, b, env);
}

// ------------------------------------------------------------- multiply

Float80 mul(const Unpacked& a, const Unpacked& b, Env& env) {
  Float80 out;
  if (screen(a, b, env, out)) return out;
  const bool sign = a.sign != b.sign;
  if ((a.cls == Class::Infinity && b.cls == Class::Zero) || (a.cls == Class::Zero && b.cls == Class::Infinity)) {
    return invalid(env);
  }
  if (denormal_check(a, b, env)) return out;
  if (a.cls == Class::Infinity || b.cls == Class::Infinity) return make80(sign, kExpMax, kJ);
  if (a.cls == Class::Zero || b.cls == Class::Zero) return make80(sign, 0, 0);
  U128 p = mul64(a.sig, b.sig);
  i32 exp = a.exp + b.exp - kBias + 1;
  if (!(p.hi & kJ)) {
    p = shl(p, 1);
    --exp;
  }
  return round_pack(sign, exp, p.hi, p.lo, env);
}

// --------------------------------------------------------------- divide

Float80 div(const Unpacked& a, const Unpacked& b, Env& env) {
  Float80 out;
  if (screen(a, b, env, out)) return out;
  const bool sign = a.sign != b.sign;
  if ((a.cls == Class::Infinity && b.cls == Class::Infinity) || (a.cls == Class::Zero && b.cls == Class::Zero)) {
    return invalid(env);
  }
  if (b.cls == Class::Zero && a.cls != Class::Infinity) {
    // Finite nonzero / zero: ZE, an infinity when masked (SDM Vol. 1
    // 4.9.1.3); a denormal dividend then raises no DE (observed).
    env.raise(exc::ZE);
    return make80(sign, kExpMax, kJ);
  }
  if (denormal_check(a, b, env)) return out;
  if (a.cls == Class::Infinity) return make80(sign, kExpMax, kJ);
  if (a.cls == Class::Zero || b.cls == Class::Infinity) return make80(sign, 0, 0);
  // Restoring division of the significands: 64 quotient bits, a round
  // bit and a sticky bit from the final remainder.
  i32 exp = a.exp - b.exp + kBias;
  u64 r = a.sig;
  bool top = false;  // bit 64 of the partial remainder
  if (r < b.sig) {
    top = (r >> 63) != 0;
    r <<= 1;
    --exp;
  }
  u64 q = 0;
  for (int i = 0; i < 65; ++i) {
    const bool bit = top || r >= b.sig;
    if (bit) r -= b.sig;
    if (i < 64) {
      q = (q << 1) | (bit ? 1u : 0u);
    } else {
      top = false;
      const u64 rest = (bit ? u64{1} << 63 : 0) | (r != 0 ? 1u : 0u);
      return round_pack(sign, exp, q, rest, env);
    }
    top = (r >> 63) != 0;
    r <<= 1;
  }
  return out;  // not reached
}

// ----------------------------------------------------------- square root

Float80 sqrt(const Unpacked& a, Env& env) {
  if (a.cls == Class::Unsupported) return invalid(env);
  if (is_nan(a.cls)) return propagate_nan(a, env);
  if (a.cls == Class::Zero) return make80(a.sign, 0, 0);  // sqrt(-0) = -0
  if (a.sign) return invalid(env);
  if (a.cls == Class::Denormal) env.raise(exc::DE);
  if (env.aborted()) return kIndefinite;
  if (a.cls == Class::Infinity) return kInfinity;
  // value = m * 2^E with m = sig / 2^63 in [1, 2). With N = sig * 2^63
  // (E even) or sig * 2^64 (E odd), isqrt(N) is the 64-bit significand of
  // the root and E >> 1 its exponent.
  const i32 e = a.exp - kBias;
  const bool odd = (e & 1) != 0;
  const U128 n = odd ? U128{a.sig, 0} : U128{a.sig >> 1, a.sig << 63};
  U128 rem{};
  u64 root = 0;
  for (int i = 63; i >= 0; --i) {
    // Bring down the next two bits of N.
    const unsigned pos = static_cast<unsigned>(2 * i);
    const u64 two = pos >= 64 ? (n.hi >> (pos - 64)) & 3 : (n.lo >> pos) & 3;
    rem = shl(rem, 2);
    rem.lo |= two;
    const U128 trial{root >> 62, (root << 2) | 1};
    root <<= 1;
    if (!less(rem, trial)) {
      rem = sub(rem, trial);
      root |= 1;
    }
  }
  // rem = N - root^2; the root lies above root + 1/2 exactly when rem > root
  // (it is never exactly halfway).
  const bool above_half = less(U128{0, root}, rem);
  const u64 rest = above_half ? (u64{1} << 63) | 1 : (rem.zero() ? 0u : 1u);
  return round_pack(false, (e >> 1) + kBias, root, rest, env);
}

// -------------------------------------------------------------- compare

Order compare(const Unpacked& a, const Unpacked& b, bool quiet, Env& env) {
  if (a.cls == Class::Unsupported || b.cls == Class::Unsupported) {
    env.raise(exc::IE);
    return Order::Unordered;
  }
  if (is_nan(a.cls) || is_nan(b.cls)) {
    if (!quiet || a.cls == Class::SNaN || b.cls == Class::SNaN) env.raise(exc::IE);
    return Order::Unordered;
  }
  if (a.cls == Class::Denormal || b.cls == Class::Denormal) env.raise(exc::DE);
  const bool az = a.cls == Class::Zero, bz = b.cls == Class::Zero;
  if (az && bz) return Order::Equal;
  // Magnitude order, then signs.
  auto mag = [](const Unpacked& u) -> int {  // rank: zero < finite < infinity
    return u.cls == Class::Zero ? 0 : u.cls == Class::Infinity ? 2 : 1;
  };
  int c;  // sign of |a| - |b|
  const int ra = mag(a), rb = mag(b);
  if (ra != rb) {
    c = ra < rb ? -1 : 1;
  } else if (ra != 1) {
    c = 0;
  } else if (a.exp != b.exp) {
    c = a.exp < b.exp ? -1 : 1;
  } else {
    c = a.sig == b.sig ? 0 : a.sig < b.sig ? -1 : 1;
  }
  const bool as = az ? false : a.sign, bs = bz ? false : b.sign;
  if (as != bs) return as ? Order::Less : Order::Greater;
  if (c == 0) return Order::Equal;
  return (c < 0) != as ? Order::Less : Order::Greater;
}

}  // namespace gb::fpu
