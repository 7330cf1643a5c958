// The x87 transcendental functions (SDM Vol. 1 8.3.10; Vol. 2 FSIN, FCOS,
// FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1): special operands per the
// SDM's result tables, finite ones evaluated with 256-bit significands
// (cpu/fpu/bigfloat) by Taylor series after argument reduction, and
// rounded once per RC. The trigonometric arguments are reduced modulo the
// x87's own 66-bit approximation of pi, as the hardware does, so results
// near multiples of pi agree with it rather than with the exact function.
#include "cpu/fpu/transcendental.hpp"

#include "cpu/fpu/bigfloat.hpp"

namespace gb::fpu {

namespace {

// Constants to 256 bits, truncated (generated with Python's decimal module).
constexpr Big kPi = big_const(2, {0x020BBEA63B139B22u, 0x29024E088A67CC74u, 0xC4C6628B80DC1CD1u, 0xC90FDAA22168C234u});
constexpr Big kLn2 = big_const(0, {0x8A0D175B8BAAFA2Bu, 0x40F343267298B62Du, 0xC9E3B39803F2F6AFu, 0xB17217F7D1CF79ABu});
/// atan(k/8), k = 1..8.
constexpr Big kAtan[8] = {
    big_const(-3, {0xEC93577DFB6C1768u, 0x8B3957D95D9AD922u, 0xC897989F3E888EF7u, 0xFEADD4D5617B6E32u}),
    big_const(-2, {0x7A3A767C9449A765u, 0xAA7FA90388B3836Bu, 0x6DC79EF5F7A217E5u, 0xFADBAFC96406EB15u}),
    big_const(-1, {0x4733E5CA334908E0u, 0x3D843977AE5455CCu, 0x8AA32122DCFE4483u, 0xB7B0CA0F26F78473u}),
    big_const(-1, {0xE2CF16E6E9624709u, 0x6E141587261CDF00u, 0x6FE445ECBC3A8D03u, 0xED63382B0DDA7B45u}),
    big_const(0, {0xF53DA46D13389EB2u, 0x918A67E0652B375Cu, 0x5C835E1665C43747u, 0x8F005D5EF7F59F9Bu}),
    big_const(0, {0x214866658CC4EF3Au, 0xE3F08689EEB2B9E7u, 0x19A87F2A457DAC9Eu, 0xA4BC7D1934F70924u}),
    big_const(0, {0xA012155F64CAE530u, 0x3D7AECC114C79A80u, 0xCB2DA55210A4443Du, 0xB8053E2BC2319E73u}),
    big_const(0, {0x020BBEA63B139B22u, 0x29024E088A67CC74u, 0xC4C6628B80DC1CD1u, 0xC90FDAA22168C234u}),
};
/// pi/2 to 66 bits, the modulus of the x87's argument reduction: the
/// significand C90FDAA22168C234 followed by the bits 11.
constexpr Big kPio2x87 = big_const(1, {0, 0, 0xC000'0000'0000'0000u, 0xC90FDAA22168C234u}, false);

constexpr Big kBigOne = big_const(1, {0, 0, 0, u64{1} << 63}, false);
constexpr Big kHalf = big_const(0, {0, 0, 0, u64{1} << 63}, false);

/// True while `t` still matters next to `sum` at 256 bits.
bool significant(const Big& t, const Big& sum) { return !t.zero() && t.exp >= sum.exp - 270; }

/// sin(r), |r| below about 0.8: r - r^3/3! + ...
Big sin_series(const Big& r) {
  const Big r2 = mul(r, r);
  Big t = r, sum = r;
  for (u32 n = 1; n < 100; ++n) {
    t = negate(div_u32(mul(t, r2), (2 * n) * (2 * n + 1)));
    sum = add(sum, t);  // the first negligible term is added too: its sign counts
    if (!significant(t, sum)) break;
  }
  return sum;
}

/// cos(r): 1 - r^2/2! + ...
Big cos_series(const Big& r) {
  const Big r2 = mul(r, r);
  Big t = kBigOne, sum = kBigOne;
  for (u32 n = 1; n < 100; ++n) {
    t = negate(div_u32(mul(t, r2), (2 * n - 1) * (2 * n)));
    sum = add(sum, t);
    if (!significant(t, sum)) break;
  }
  return sum;
}

/// atan(u), |u| <= 1/16: u - u^3/3 + u^5/5 ...
Big atan_series(const Big& u) {
  const Big u2 = negate(mul(u, u));
  Big p = u, sum = u;
  for (u32 n = 1; n < 200; ++n) {
    p = mul(p, u2);
    const Big t = div_u32(p, 2 * n + 1);
    sum = add(sum, t);
    if (!significant(t, sum)) break;
  }
  return sum;
}

/// atanh(z) = z + z^3/3 + z^5/5 ..., |z| <= 1/2.
Big atanh_series(const Big& z) {
  const Big z2 = mul(z, z);
  Big p = z, sum = z;
  for (u32 n = 1; n < 400; ++n) {
    p = mul(p, z2);
    const Big t = div_u32(p, 2 * n + 1);
    sum = add(sum, t);
    if (!significant(t, sum)) break;
  }
  return sum;
}

/// e^t - 1 = t + t^2/2! + ..., |t| below 1.
Big expm1_series(const Big& t) {
  Big term = t, sum = t;
  for (u32 n = 2; n < 200; ++n) {
    term = div_u32(mul(term, t), n);
    sum = add(sum, term);
    if (!significant(term, sum)) break;
  }
  return sum;
}

/// atan(z) for 0 <= z <= 1: atan(c) + atan((z - c) / (1 + z c)) with c the
/// multiple of 1/8 nearest z.
Big atan01(const Big& z) {
  const u64 k = floor_u64(add(ldexp(z, 3), kHalf));  // round(8z)
  if (k == 0) return atan_series(z);
  const Big c = big_from_u64(k, -3);
  const Big u = div(sub(z, c), add(kBigOne, mul(z, c)));
  return add(kAtan[k - 1], atan_series(u));
}

/// ln(x) for a finite positive x: e ln 2 + 2 atanh((m - 1) / (m + 1)) with
/// m in [sqrt(1/2), sqrt(2)]. Exact (zero) for m = 1.
Big ln_big(const Big& x) {
  Big m = x;
  i32 e = m.exp;
  m.exp = 0;  // m in [1/2, 1)
  // To [sqrt(1/2), sqrt(2)): B504F333... is sqrt(1/2) * 2^64.
  if (m.w[3] < 0xB504'F333'F9DE'6484u) {
    m.exp = 1;
    --e;
  }
  Big l{};
  if (!(m.exp == 1 && m.w[3] == (u64{1} << 63) && m.w[2] == 0 && m.w[1] == 0 && m.w[0] == 0)) {
    l = ldexp(atanh_series(div(sub(m, kBigOne), add(m, kBigOne))), 1);
  }
  if (e != 0) {
    const Big el = mul(big_from_u64(static_cast<u64>(e < 0 ? -e : e)), kLn2);
    l = add(l, e < 0 ? negate(el) : el);
  }
  return l;
}

Float80 invalid(Env& env) {
  env.raise(exc::IE);
  return kIndefinite;
}

/// Screening of one operand: unsupported formats are invalid, NaNs
/// propagate, denormals raise DE. True when the result is decided.
bool screen1(const Unpacked& a, Env& env, Float80& out) {
  if (a.cls == Class::Unsupported) {
    out = invalid(env);
    return true;
  }
  if (is_nan(a.cls)) {
    out = propagate_nan(a, env);
    return true;
  }
  if (a.cls == Class::Denormal) env.raise(exc::DE);
  if (env.aborted()) {
    out = kIndefinite;
    return true;
  }
  return false;
}

bool screen2(const Unpacked& a, const Unpacked& b, Env& env, Float80& out) {
  if (a.cls == Class::Unsupported || b.cls == Class::Unsupported) {
    out = invalid(env);
    return true;
  }
  if (is_nan(a.cls) || is_nan(b.cls)) {
    out = propagate_nan(a, b, env);
    return true;
  }
  return false;
}

bool denormal2(const Unpacked& a, const Unpacked& b, Env& env) {
  if (a.cls == Class::Denormal || b.cls == Class::Denormal) env.raise(exc::DE);
  return env.aborted();
}

/// |a| reduced modulo the x87's pi/2: r in about [-pi/4, pi/4] and the
/// quadrant count k mod 4 (for |a| < 2^63).
struct Reduced {
  Big r;
  unsigned k = 0;
};

Reduced reduce(const Unpacked& a) {
  Big x = big_from(a);
  x.neg = false;
  if (a.exp < kBias - 1) return {x, 0};  // below 1/2: nothing to reduce
  const Big q = div(x, kPio2x87);
  const u64 k = floor_u64(add(q, kHalf));
  if (k == 0) return {x, 0};
  // x - k * pi/2 is exact: 64 + 66 significant bits fit the 256.
  return {sub(x, mul_u64(kPio2x87, k)), static_cast<unsigned>(k & 3)};
}

/// Below 2^-68 the x87 does not evaluate: sin and tan return the operand,
/// cos returns 1, inexact (PE; UE too for a denormal) and not rounded up
/// (C1 = 0) in every rounding mode (observed on Intel hardware).
constexpr i32 kTinyTrig = kBias - 68;

Float80 tiny_result(const Unpacked& a, Env& env) {
  // A denormal result underflows: with UE unmasked it is delivered
  // normalized with the exponent bias adjusted, as any other (observed).
  const Float80 r = a.cls == Class::Denormal ? round_pack_prec(a.sign, a.exp, a.sig, 0, 64, env) : pack_exact(a);
  env.raise(a.cls == Class::Denormal ? exc::PE | exc::UE : exc::PE);
  env.c1 = false;
  return r;
}

Float80 tiny_one(Env& env) {
  env.raise(exc::PE);
  env.c1 = false;
  return kOne;
}

struct Trig {
  Big sin, cos;
};

Trig trig(const Unpacked& a) {
  const Reduced red = reduce(a);
  const Big s = sin_series(red.r), c = cos_series(red.r);
  Trig t;
  switch (red.k) {
    case 0: t = {s, c}; break;
    case 1: t = {c, negate(s)}; break;
    case 2: t = {negate(s), negate(c)}; break;
    default: t = {negate(c), s}; break;
  }
  if (a.sign) t.sin = negate(t.sin);
  return t;
}

}  // namespace

Float80 sin(const Unpacked& a, Env& env) {
  Float80 out;
  if (screen1(a, env, out)) return out;
  if (a.cls == Class::Infinity) return invalid(env);
  if (a.cls == Class::Zero) return pack_exact(a);
  if (a.exp < kTinyTrig) return tiny_result(a, env);
  return round_big(trig(a).sin, env, true);
}

Float80 cos(const Unpacked& a, Env& env) {
  Float80 out;
  if (screen1(a, env, out)) return out;
  if (a.cls == Class::Infinity) return invalid(env);
  if (a.cls == Class::Zero) return kOne;
  if (a.exp < kTinyTrig) return tiny_one(env);
  return round_big(trig(a).cos, env, true);
}

SinCos sincos(const Unpacked& a, Env& env) {
  Float80 out;
  if (screen1(a, env, out)) return {out, out};
  if (a.cls == Class::Infinity) {
    const Float80 n = invalid(env);
    return {n, n};
  }
  if (a.cls == Class::Zero) return {pack_exact(a), kOne};
  if (a.exp < kTinyTrig) {
    const Float80 s = tiny_result(a, env);
    return {s, tiny_one(env)};
  }
  const Trig t = trig(a);
  SinCos r;
  r.sin = round_big(t.sin, env, true);
  r.cos = round_big(t.cos, env, true);
  return r;
}

Float80 tan(const Unpacked& a, Env& env) {
  Float80 out;
  if (screen1(a, env, out)) return out;
  if (a.cls == Class::Infinity) return invalid(env);
  if (a.cls == Class::Zero) return pack_exact(a);
  if (a.exp < kTinyTrig) return tiny_result(a, env);
  if (a.exp < kBias - 33) {
    // Up to 2^-33 Intel's FPTAN delivers |x| minus a fraction of an ulp
    // although tan(x) > x there: RZ gives the value below x (observed).
    const Big x = big_from(a);
    return round_big(sub(x, ldexp(x, -300)), env, true);
  }
  const Trig t = trig(a);
  return round_big(div(t.sin, t.cos), env, true);
}

Float80 fpatan(const Unpacked& y, const Unpacked& x, Env& env) {
  Float80 out;
  if (screen2(y, x, env, out)) return out;
  if (denormal2(y, x, env)) return kIndefinite;
  // atan2's quadrants (SDM Vol. 2 FPATAN results table).
  const Big half_pi = ldexp(kPi, -1);
  Big r;
  if (y.cls == Class::Zero) {
    if (!x.sign) return make80(y.sign, 0, 0);
    r = kPi;
  } else if (x.cls == Class::Zero) {
    r = half_pi;
  } else if (y.cls == Class::Infinity) {
    if (x.cls == Class::Infinity) {
      r = x.sign ? mul_u64(ldexp(kPi, -2), 3) : ldexp(kPi, -2);
    } else {
      r = half_pi;
    }
  } else if (x.cls == Class::Infinity) {
    if (!x.sign) return make80(y.sign, 0, 0);
    r = kPi;
  } else {
    Big by = big_from(y), bx = big_from(x);
    by.neg = bx.neg = false;
    r = cmp_abs(by, bx) <= 0 ? atan01(div(by, bx)) : sub(half_pi, atan01(div(bx, by)));
    if (x.sign) r = sub(kPi, r);
  }
  r.neg = y.sign;
  return round_big(r, env, true);
}

Float80 f2xm1(const Unpacked& a, Env& env) {
  Float80 out;
  if (screen1(a, env, out)) return out;
  switch (a.cls) {
    case Class::Zero: return pack_exact(a);
    case Class::Infinity: return a.sign ? make80(true, kBias, kJ) : kInfinity;  // -1 or +inf
    default: break;
  }
  // 2^1 - 1 and 2^-1 - 1 are exact.
  if (a.exp == kBias && a.sig == kJ) return a.sign ? make80(true, kBias - 1, kJ) : make80(false, kBias, kJ);
  const Big x = big_from(a);
  if (a.exp < kBias) return round_big(expm1_series(mul(x, kLn2)), env, true);
  // Beyond |x| = 1 the result is undefined (SDM Vol. 2 F2XM1); Intel
  // hardware returns the operand, with PE and C1 = 0 (observed).
  env.raise(exc::PE);
  env.c1 = false;
  return pack_exact(a);
}

Float80 fyl2x(const Unpacked& y, const Unpacked& x, Env& env) {
  Float80 out;
  if (screen2(y, x, env, out)) return out;
  // SDM Vol. 2 FYL2X results table.
  if (x.sign && x.cls != Class::Zero) return invalid(env);  // log of a negative number
  const bool x_one = x.cls == Class::Normal && x.exp == kBias && x.sig == kJ;
  if (x.cls == Class::Zero) {
    if (y.cls == Class::Zero) return invalid(env);
    if (denormal2(y, x, env)) return kIndefinite;
    if (y.cls != Class::Infinity) env.raise(exc::ZE);
    return make80(!y.sign, kExpMax, kJ);  // -inf * sign(y)
  }
  if (x.cls == Class::Infinity) {
    if (y.cls == Class::Zero) return invalid(env);
    if (denormal2(y, x, env)) return kIndefinite;
    return make80(y.sign, kExpMax, kJ);
  }
  if (y.cls == Class::Infinity) {
    if (x_one) return invalid(env);
    if (denormal2(y, x, env)) return kIndefinite;
    const bool below_one = x.exp < kBias;  // log2(x) < 0
    return make80(y.sign != below_one, kExpMax, kJ);
  }
  if (denormal2(y, x, env)) return kIndefinite;
  if (y.cls == Class::Zero) {
    return make80(y.sign != (x.exp < kBias), 0, 0);  // +-0 * log2(x)
  }
  if (x_one) return make80(y.sign, 0, 0);
  // log2(x) = e + log2(m): exact when x is a power of two.
  const bool pow2 = x.sig == kJ;
  Big l;
  if (pow2) {
    const i32 e = x.exp - kBias;
    l = big_from_u64(static_cast<u64>(e < 0 ? -e : e));
    l.neg = e < 0;
  } else {
    l = div(ln_big(big_from(x)), kLn2);
  }
  return round_big(mul(big_from(y), l), env, !pow2);
}

Float80 fyl2xp1(const Unpacked& y, const Unpacked& x, Env& env) {
  Float80 out;
  if (screen2(y, x, env, out)) return out;
  // SDM Vol. 2 FYL2XP1 results table (|x| < 1 - sqrt(2)/2; beyond, the
  // result is undefined and this computes y * log2(1 + x) itself).
  if (x.cls == Class::Zero) {
    if (y.cls == Class::Infinity) return invalid(env);
    if (denormal2(y, x, env)) return kIndefinite;
    return make80(y.sign != x.sign, 0, 0);
  }
  if (x.cls == Class::Infinity) {
    if (x.sign || y.cls == Class::Zero) return invalid(env);
    if (denormal2(y, x, env)) return kIndefinite;
    return make80(y.sign, kExpMax, kJ);
  }
  const Big bx = big_from(x);
  const int vs_minus1 = cmp_abs(bx, kBigOne);
  if (y.cls == Class::Infinity) {
    if (denormal2(y, x, env)) return kIndefinite;
    return make80(y.sign != x.sign, kExpMax, kJ);
  }
  if (denormal2(y, x, env)) return kIndefinite;
  if (y.cls == Class::Zero) return make80(y.sign != x.sign, 0, 0);
  if (x.sign && vs_minus1 >= 0) {
    // 1 + x <= 0: Intel hardware delivers ST(0) itself, with PE (observed).
    env.raise(exc::PE);
    env.c1 = false;
    return pack_exact(x);
  }
  // ln(1 + x) = 2 atanh(x / (2 + x)).
  const Big z = div(bx, add(big_from_u64(2), bx));
  const Big ln1p = z.exp <= -1 ? ldexp(atanh_series(z), 1) : ln_big(add(kBigOne, bx));
  return round_big(mul(big_from(y), div(ln1p, kLn2)), env, true);
}

}  // namespace gb::fpu
