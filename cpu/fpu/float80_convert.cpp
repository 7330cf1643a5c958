// Conversions between the extended format and f32, f64, integers and
// packed BCD; rounding to an integer (SDM Vol. 1 4.2, 4.7, 4.8.3.7, 4.9;
// Vol. 2 FLD, FST, FILD, FIST, FBLD, FBSTP, FRNDINT).
#include "cpu/fpu/float80.hpp"
#include "cpu/fpu/round.hpp"

namespace gb::fpu {

namespace {

/// Unpacks an IEEE binary format with `frac_bits` fraction bits and an
/// exponent field of `exp_max` at most (all ones), bias `bias`.
Unpacked unpack_ieee(u64 bits, unsigned frac_bits, u32 exp_max, i32 bias) {
  const unsigned total = frac_bits + (exp_max == 0xFF ? 8 : 11);
  const bool sign = ((bits >> total) & 1) != 0;
  const u32 e = static_cast<u32>((bits >> frac_bits) & exp_max);
  const u64 frac = bits & ((u64{1} << frac_bits) - 1);
  const unsigned up = 63 - frac_bits;  // fraction to register position
  Unpacked u{Class::Normal, sign, 0, 0};
  if (e == exp_max) {
    if (frac == 0) {
      u.cls = Class::Infinity;
      u.sig = kJ;
    } else {
      u.sig = kJ | (frac << up);
      u.cls = (u.sig & kQuiet) ? Class::QNaN : Class::SNaN;
    }
    u.exp = kExpMax;
  } else if (e == 0) {
    if (frac == 0) {
      u.cls = Class::Zero;
    } else {
      u.cls = Class::Denormal;
      u.sig = frac << up;
      u.exp = kBias - bias + 1;
      normalize(u.sig, u.exp);
    }
  } else {
    u.sig = kJ | (frac << up);
    u.exp = static_cast<i32>(e) - bias + kBias;
  }
  return u;
}

Float80 load_ieee(const Unpacked& u, Env& env) {
  if (u.cls == Class::SNaN) env.raise(exc::IE);
  if (u.cls == Class::Denormal) env.raise(exc::DE);
  if (is_nan(u.cls)) return nan_value(u);
  return pack_exact(u);
}

/// Rounds a register value to an IEEE memory format.
u64 store_ieee(const Unpacked& a, const Format& f, unsigned frac_bits, u64 exp_max, i32 bias, u64 indefinite,
               Env& env) {
  const unsigned total = frac_bits + (exp_max == 0xFF ? 8 : 11);
  const u64 sign = a.sign ? u64{1} << total : 0;
  const unsigned down = 63 - frac_bits;
  const u64 frac_mask = (u64{1} << frac_bits) - 1;
  switch (a.cls) {
    case Class::Unsupported: env.raise(exc::IE); return indefinite;
    case Class::SNaN:
    case Class::QNaN:
      // The NaN's significand is truncated and quieted (SDM Vol. 1 4.8.3.5).
      if (a.cls == Class::SNaN) env.raise(exc::IE);
      return sign | (exp_max << frac_bits) | (((a.sig | kQuiet) >> down) & frac_mask);
    case Class::Infinity: return sign | (exp_max << frac_bits);
    case Class::Zero: return sign;
    default: break;
  }
  const Rounded r = round_to(a.sign, a.exp, a.sig, 0, f, false, env);
  if (r.inf) return sign | (exp_max << frac_bits);
  if (r.sig == 0) return sign;
  if (!(r.sig & kJ)) return sign | (r.sig >> down);
  const u64 e = static_cast<u64>(r.exp - kBias + bias);
  return sign | ((e & exp_max) << frac_bits) | ((r.sig >> down) & frac_mask);
}

}  // namespace

Unpacked unpack_f32(u32 bits) { return unpack_ieee(bits, 23, 0xFF, 127); }
Unpacked unpack_f64(u64 bits) { return unpack_ieee(bits, 52, 0x7FF, 1023); }

Float80 load_f32(u32 bits, Env& env) { return load_ieee(unpack_f32(bits), env); }
Float80 load_f64(u64 bits, Env& env) { return load_ieee(unpack_f64(bits), env); }

u32 store_f32(const Unpacked& a, Env& env) {
  return static_cast<u32>(store_ieee(a, kSingle, 23, 0xFF, 127, 0xFFC0'0000u, env));
}

u64 store_f64(const Unpacked& a, Env& env) {
  return store_ieee(a, kDouble, 52, 0x7FF, 1023, 0xFFF8'0000'0000'0000u, env);
}

// ------------------------------------------------------------- integers

Unpacked unpack_int(i64 v) {
  if (v == 0) return Unpacked{};
  const bool sign = v < 0;
  u64 mag = sign ? ~static_cast<u64>(v) + 1 : static_cast<u64>(v);
  i32 exp = kBias + 63;
  normalize(mag, exp);
  return Unpacked{Class::Normal, sign, exp, mag};
}

Float80 from_int(i64 v) { return pack_exact(unpack_int(v)); }

IntMagnitude round_int_magnitude(const Unpacked& a, Env& env) {
  // f fraction bits below the binary point within sig.
  const i32 f = kBias + 63 - a.exp;
  if (f < 0) return {0, true};
  if (f == 0) return {a.sig, false};
  u64 base, frac;
  if (f < 64) {
    base = a.sig >> f;
    frac = a.sig << (64 - f);
  } else {
    base = 0;
    frac = f == 64 ? a.sig : 1;  // below one half: only "nonzero" matters
  }
  constexpr u64 kHalf = u64{1} << 63;
  bool inc = false;
  switch (env.rc) {
    case Rounding::Nearest: inc = frac > kHalf || (frac == kHalf && (base & 1)); break;
    case Rounding::Down: inc = a.sign; break;
    case Rounding::Up: inc = !a.sign; break;
    case Rounding::Zero: break;
  }
  if (frac != 0) {
    env.raise(exc::PE);
    env.c1 = inc;
  } else {
    inc = false;
  }
  return {base + (inc ? 1u : 0u), false};
}

Float80 round_to_int(const Unpacked& a, Env& env) {
  switch (a.cls) {
    case Class::Unsupported: env.raise(exc::IE); return kIndefinite;
    case Class::SNaN:
    case Class::QNaN: return propagate_nan(a, env);
    case Class::Zero:
    case Class::Infinity: return pack_exact(a);
    case Class::Denormal:
      env.raise(exc::DE);
      if (env.aborted()) return kIndefinite;
      break;
    default: break;
  }
  if (a.exp >= kBias + 63) return pack_exact(a);  // already an integer
  const IntMagnitude m = round_int_magnitude(a, env);
  if (m.mag == 0) return make80(a.sign, 0, 0);
  u64 sig = m.mag;  // below 2^63 + 1: at least one fraction bit was dropped
  i32 exp = kBias + 63;
  normalize(sig, exp);
  return make80(a.sign, static_cast<u16>(exp), sig);
}

i64 to_int(const Unpacked& a, unsigned bits, Env& env) {
  const i64 indefinite = static_cast<i64>(~u64{0} << (bits - 1));  // 8000...h
  switch (a.cls) {
    case Class::Zero: return 0;
    case Class::Normal:
    case Class::Denormal: break;
    default: env.raise(exc::IE); return indefinite;  // NaN, infinity, unsupported
  }
  Env e = env;
  const IntMagnitude m = round_int_magnitude(a, e);
  const u64 limit = u64{1} << (bits - 1);  // |most negative|
  if (m.big || m.mag > limit || (m.mag == limit && !a.sign)) {
    // Out of range: IE only (SDM Vol. 1 4.8.3.7: the integer indefinite).
    env.raise(exc::IE);
    return indefinite;
  }
  env = e;
  return a.sign ? static_cast<i64>(~m.mag + 1) : static_cast<i64>(m.mag);
}

// ------------------------------------------------------------ packed BCD

Float80 from_bcd(const Bcd& b) {
  // Digits with the value A-F are not BCD; the result is undefined (SDM
  // Vol. 2 FBLD) and here simply weighs the nibble's binary value.
  u64 mag = 0;
  for (int i = 8; i >= 0; --i) {
    mag = mag * 10 + (b[static_cast<unsigned>(i)] >> 4);
    mag = mag * 10 + (b[static_cast<unsigned>(i)] & 0xF);
  }
  const bool sign = (b[9] & 0x80) != 0;
  if (mag == 0) return make80(sign, 0, 0);
  i32 exp = kBias + 63;
  normalize(mag, exp);
  return make80(sign, static_cast<u16>(exp), mag);
}

Bcd to_bcd(const Unpacked& a, Env& env) {
  static constexpr Bcd kBcdIndefinite{0, 0, 0, 0, 0, 0, 0, 0xC0, 0xFF, 0xFF};
  Bcd out{};
  out[9] = a.sign ? 0x80 : 0;
  switch (a.cls) {
    case Class::Zero: return out;
    case Class::Normal:
    case Class::Denormal: break;
    default: env.raise(exc::IE); return kBcdIndefinite;
  }
  Env e = env;
  IntMagnitude m = round_int_magnitude(a, e);
  if (m.big || m.mag > 999'999'999'999'999'999u) {
    env.raise(exc::IE);
    return kBcdIndefinite;
  }
  env = e;
  for (unsigned i = 0; i < 9; ++i) {
    const u64 lo = m.mag % 10;
    m.mag /= 10;
    const u64 hi = m.mag % 10;
    m.mag /= 10;
    out[i] = static_cast<u8>((hi << 4) | lo);
  }
  return out;
}

}  // namespace gb::fpu
