// binary32/binary64 soft float with the SSE rules (see sse_float.hpp).
//
// Every finite nonzero operand is unpacked to a sign, an unbiased exponent
// and a 64-bit significand normalized to bit 63 (value = sig * 2^(exp-63));
// results come back through round_pack, which rounds such a significand
// (its bit 0 a sticky bit standing for everything below) to the format.
#include "cpu/fpu/sse_float.hpp"

#include <bit>
#include <utility>

#include "cpu/fpu/wide.hpp"

namespace gb::fpu::sse {

namespace {

struct F32 {
  using T = u32;
  static constexpr unsigned kFrac = 23;
  static constexpr i32 kBias = 127;
  static constexpr u32 kExpAll = 0xFF;
};
struct F64 {
  using T = u64;
  static constexpr unsigned kFrac = 52;
  static constexpr i32 kBias = 1023;
  static constexpr u32 kExpAll = 0x7FF;
};

template <class F>
struct Fmt {
  using T = typename F::T;
  static constexpr unsigned kBits = sizeof(T) * 8;
  static constexpr unsigned kPrec = F::kFrac + 1;  ///< significand bits with the implicit one
  static constexpr unsigned kShift = 64 - kPrec;   ///< dropped bits of a normalized sig
  static constexpr i32 kEmin = 1 - F::kBias;
  static constexpr i32 kEmax = F::kBias;
  static constexpr T kSign = T{1} << (kBits - 1);
  static constexpr T kFracMask = (T{1} << F::kFrac) - 1;
  static constexpr T kQuiet = T{1} << (F::kFrac - 1);
  static constexpr T kInf = static_cast<T>(T{F::kExpAll} << F::kFrac);

  static constexpr T sign_bit(bool s) { return s ? kSign : T{0}; }
  static constexpr T zero(bool s) { return sign_bit(s); }
  static constexpr T inf(bool s) { return sign_bit(s) | kInf; }
  static constexpr T max_finite(bool s) { return sign_bit(s) | (kInf - 1); }
  static constexpr T indefinite() { return kSign | kInf | kQuiet; }
};

enum class Kind : u8 { Zero, Finite, Inf, QNaN, SNaN };

/// An unpacked operand. `denormal`: a denormal encoding read without DAZ
/// (a denormal-operand condition); under DAZ it is a Zero instead.
struct Val {
  Kind kind = Kind::Zero;
  bool sign = false;
  bool denormal = false;
  i32 exp = 0;
  u64 sig = 0;
  u64 bits = 0;  ///< the raw encoding
  bool nan() const { return kind == Kind::QNaN || kind == Kind::SNaN; }
};

template <class F>
Val unpack(typename F::T bits, bool daz) {
  using M = Fmt<F>;
  Val v;
  v.bits = bits;
  v.sign = (bits & M::kSign) != 0;
  const u32 ex = static_cast<u32>(bits >> F::kFrac) & F::kExpAll;
  const u64 frac = bits & M::kFracMask;
  if (ex == F::kExpAll) {
    v.kind = frac == 0 ? Kind::Inf : (frac & M::kQuiet) ? Kind::QNaN : Kind::SNaN;
  } else if (ex == 0) {
    // A denormal: DAZ reads it as a zero of its sign (SDM Vol. 1 10.2.3.4).
    if (frac == 0 || daz) return v;
    v.kind = Kind::Finite;
    v.denormal = true;
    const int n = std::countl_zero(frac);
    v.sig = frac << n;
    v.exp = M::kEmin - (n - static_cast<int>(63 - F::kFrac));
  } else {
    v.kind = Kind::Finite;
    v.sig = (frac | (u64{1} << F::kFrac)) << (63 - F::kFrac);
    v.exp = static_cast<i32>(ex) - F::kBias;
  }
  return v;
}

/// The value of `v` after DAZ: a denormal read as zero becomes that zero.
template <class F>
typename F::T effective(const Val& v) {
  return v.kind == Kind::Zero ? Fmt<F>::zero(v.sign) : static_cast<typename F::T>(v.bits);
}

struct RoundOut {
  u64 m;         ///< the rounded integer (may carry into one more bit)
  bool inexact;
};

/// Rounds sig / 2^shift to an integer per `rc` (bit 0 of sig is sticky).
RoundOut round_at(u64 sig, unsigned shift, bool sign, Rounding rc) {
  if (shift == 0) return {sig, false};
  if (shift > 63) {
    sig = shr_sticky64(sig, shift - 63);
    shift = 63;
  }
  const u64 half = u64{1} << (shift - 1);
  const u64 frac = sig & ((half << 1) - 1);
  u64 m = sig >> shift;
  bool inc = false;
  switch (rc) {
    case Rounding::Nearest: inc = frac > half || (frac == half && (m & 1)); break;
    case Rounding::Down: inc = sign && frac != 0; break;
    case Rounding::Up: inc = !sign && frac != 0; break;
    case Rounding::Zero: break;
  }
  m += inc ? 1u : 0u;
  return {m, frac != 0};
}

/// Rounds (-1)^sign * sig * 2^(exp-63) (sig normalized, bit 0 sticky) to the
/// format with the SSE post-computation exceptions (SDM Vol. 1 4.9.1.4-6,
/// 10.2.3.3, 11.5.2.4-6):
/// - overflow: OE; masked, PE too and infinity or the largest finite value
///   by rounding direction (Table 4-10); unmasked, PE only when the result
///   rounded with an unbounded exponent is inexact (SDM Vol. 1 Appendix E,
///   the SIMD #O and #U tables: "#OE=1, #PE=1 if the result is inexact";
///   11.5.2.4 says no more than that OE is set).
/// - tininess is detected after rounding (the rounded result with an
///   unbounded exponent is below the smallest normal). Unmasked UE: UE, and
///   PE as for an unmasked overflow. Masked with FTZ: a zero of the sign
///   with UE and PE. Masked without FTZ: the denormal, with UE and PE only
///   when it is inexact.
/// The value returned for an unmasked OE/UE is never written (#XM).
template <class F>
typename F::T round_pack(bool sign, i32 exp, u64 sig, Env& e) {
  using M = Fmt<F>;
  using T = typename F::T;
  const RoundOut r = round_at(sig, M::kShift, sign, e.rc);
  u64 m = r.m;
  i32 ex = exp;
  if (m >> M::kPrec) {
    m >>= 1;
    ++ex;
  }
  if (ex > M::kEmax) {
    e.raise(mx::OE);
    if (!e.masked(mx::OE)) {
      if (r.inexact) e.raise(mx::PE);
      return M::inf(sign);
    }
    e.raise(mx::PE);
    const bool to_inf = e.rc == Rounding::Nearest || (e.rc == Rounding::Up && !sign) ||
                        (e.rc == Rounding::Down && sign);
    return to_inf ? M::inf(sign) : M::max_finite(sign);
  }
  if (ex >= M::kEmin) {
    if (r.inexact) e.raise(mx::PE);
    return static_cast<T>(M::sign_bit(sign) | (static_cast<T>(ex + F::kBias) << F::kFrac) |
                          (static_cast<T>(m) & M::kFracMask));
  }
  if (!e.masked(mx::UE)) {
    e.raise(mx::UE);
    if (r.inexact) e.raise(mx::PE);
  } else if (e.ftz) {
    e.raise(mx::UE | mx::PE);
    return M::zero(sign);
  }
  // The denormal: rounded at the fixed position of the smallest exponent;
  // a carry into the exponent field gives the smallest normal.
  const RoundOut d = round_at(sig, M::kShift + static_cast<unsigned>(M::kEmin - exp), sign, e.rc);
  if (d.inexact && e.masked(mx::UE)) e.raise(mx::UE | mx::PE);
  return static_cast<T>(M::sign_bit(sign) | static_cast<T>(d.m));
}

/// A normalized integer magnitude (nonzero) as a value: sig and exp.
struct Norm {
  i32 exp;
  u64 sig;
};
Norm normalize_int(u64 mag) {
  const int n = std::countl_zero(mag);
  return {63 - n, mag << n};
}

/// NaN operands of a two-operand operation (SDM Vol. 1 Table 4-7, SSE):
/// IE for an SNaN; the first NaN operand, quieted.
template <class F>
typename F::T nan_result(const Val& a, const Val& b, Env& e) {
  if (a.kind == Kind::SNaN || b.kind == Kind::SNaN) e.raise(mx::IE);
  return static_cast<typename F::T>((a.nan() ? a.bits : b.bits) | Fmt<F>::kQuiet);
}

/// The denormal-operand condition. Callers look for it only after the
/// higher-priority ones: a NaN operand, an invalid operation, division by
/// zero; any of those leaves DE clear (SDM Vol. 1 4.9.2, the SSE
/// pre-computation order of 11.5.3; the host agrees).
void denormal_check(const Val& a, const Val& b, Env& e) {
  if (a.denormal || b.denormal) e.raise(mx::DE);
}

template <class F>
typename F::T add_vals(Val a, Val b, Env& e) {
  using M = Fmt<F>;
  if (a.kind == Kind::Inf || b.kind == Kind::Inf) {
    if (a.kind == Kind::Inf && b.kind == Kind::Inf && a.sign != b.sign) {
      e.raise(mx::IE);
      return M::indefinite();
    }
    denormal_check(a, b, e);
    return M::inf(a.kind == Kind::Inf ? a.sign : b.sign);
  }
  denormal_check(a, b, e);
  if (a.kind == Kind::Zero && b.kind == Kind::Zero) {
    // Zeros of opposite signs sum to +0, or -0 rounding down (IEEE 754 6.3).
    return M::zero(a.sign == b.sign ? a.sign : e.rc == Rounding::Down);
  }
  if (a.kind == Kind::Zero) return round_pack<F>(b.sign, b.exp, b.sig, e);
  if (b.kind == Kind::Zero) return round_pack<F>(a.sign, a.exp, a.sig, e);
  if (a.exp < b.exp || (a.exp == b.exp && a.sig < b.sig)) std::swap(a, b);
  // Two bits of headroom; b aligned with its lost bits as a sticky bit.
  // Both significands have their low bits clear, so >> 2 is exact.
  const u64 sa = a.sig >> 2;
  const u64 sb = shr_sticky64(b.sig >> 2, static_cast<unsigned>(a.exp - b.exp));
  const u64 s = a.sign == b.sign ? sa + sb : sa - sb;
  if (s == 0) return M::zero(e.rc == Rounding::Down);  // exact cancellation
  const int n = std::countl_zero(s);
  return round_pack<F>(a.sign, a.exp + 2 - n, s << n, e);
}

template <class F>
typename F::T addsub(typename F::T a, typename F::T b, bool negate_b, Env& e) {
  Val va = unpack<F>(a, e.daz), vb = unpack<F>(b, e.daz);
  if (va.nan() || vb.nan()) return nan_result<F>(va, vb, e);
  vb.sign ^= negate_b;
  return add_vals<F>(va, vb, e);
}

template <class F>
typename F::T mul_op(typename F::T a, typename F::T b, Env& e) {
  using M = Fmt<F>;
  const Val va = unpack<F>(a, e.daz), vb = unpack<F>(b, e.daz);
  if (va.nan() || vb.nan()) return nan_result<F>(va, vb, e);
  const bool sign = va.sign != vb.sign;
  if ((va.kind == Kind::Inf && vb.kind == Kind::Zero) || (va.kind == Kind::Zero && vb.kind == Kind::Inf)) {
    e.raise(mx::IE);
    return M::indefinite();
  }
  denormal_check(va, vb, e);
  if (va.kind == Kind::Inf || vb.kind == Kind::Inf) return M::inf(sign);
  if (va.kind == Kind::Zero || vb.kind == Kind::Zero) return M::zero(sign);
  const U128 p = mul64(va.sig, vb.sig);
  if (p.hi >> 63) return round_pack<F>(sign, va.exp + vb.exp + 1, p.hi | (p.lo ? 1u : 0u), e);
  return round_pack<F>(sign, va.exp + vb.exp, (p.hi << 1) | (p.lo >> 63) | ((p.lo << 1) ? 1u : 0u), e);
}

template <class F>
typename F::T div_op(typename F::T a, typename F::T b, Env& e) {
  using M = Fmt<F>;
  const Val va = unpack<F>(a, e.daz), vb = unpack<F>(b, e.daz);
  if (va.nan() || vb.nan()) return nan_result<F>(va, vb, e);
  const bool sign = va.sign != vb.sign;
  if ((va.kind == Kind::Inf && vb.kind == Kind::Inf) || (va.kind == Kind::Zero && vb.kind == Kind::Zero)) {
    e.raise(mx::IE);
    return M::indefinite();
  }
  if (vb.kind == Kind::Zero && va.kind == Kind::Finite) {
    // Divide-by-zero outranks the denormal operand: no DE (SDM Vol. 1 4.9.2).
    e.raise(mx::ZE);
    return M::inf(sign);
  }
  denormal_check(va, vb, e);
  if (va.kind == Kind::Inf || vb.kind == Kind::Zero) return M::inf(sign);
  if (va.kind == Kind::Zero || vb.kind == Kind::Inf) return M::zero(sign);
  // Long division of the 53-bit significands, ten quotient bits a step:
  // 61 quotient bits, the remainder as the sticky bit.
  const u64 ma = va.sig >> 11, mb = vb.sig >> 11;
  u64 q = ma / mb, r = ma % mb;
  for (int i = 0; i < 6; ++i) {
    r <<= 10;
    q = (q << 10) | (r / mb);
    r %= mb;
  }
  const int n = std::countl_zero(q);
  return round_pack<F>(sign, va.exp - vb.exp + 3 - n, (q << n) | (r ? 1u : 0u), e);
}

/// The integer square root of m (below 2^(2 * pairs), pairs <= 60), digit
/// by digit: the root and whether it is exact. The partial remainder stays
/// below 2^62, so everything fits 64-bit words.
u64 isqrt(const U128& m, int pairs, bool& exact) {
  u64 rem = 0, root = 0;
  for (int i = pairs - 1; i >= 0; --i) {
    const unsigned s = 2 * static_cast<unsigned>(i);
    rem = (rem << 2) | ((s >= 64 ? m.hi >> (s - 64) : m.lo >> s) & 3);
    const u64 trial = (root << 2) | 1;
    const u64 take = rem >= trial ? 1u : 0u;  // branch-free: the digits are random
    rem -= trial & (0 - take);
    root = (root << 1) | take;
  }
  exact = rem == 0;
  return root;
}

template <class F>
typename F::T sqrt_op(typename F::T a, Env& e) {
  using M = Fmt<F>;
  const Val v = unpack<F>(a, e.daz);
  if (v.nan()) {
    if (v.kind == Kind::SNaN) e.raise(mx::IE);
    return static_cast<typename F::T>(v.bits | M::kQuiet);
  }
  if (v.kind == Kind::Zero) return M::zero(v.sign);  // sqrt(-0) = -0 (IEEE 754 5.4.1)
  if (v.sign) {
    e.raise(mx::IE);
    return M::indefinite();
  }
  denormal_check(v, v, e);
  if (v.kind == Kind::Inf) return M::inf(false);
  // value = m * 2^e2 with m the significand as an integer (kPrec bits);
  // widened by k bits, k making e2 - k even, the root has kPrec + 3 bits:
  // the rounding bit and more, the remainder giving the sticky bit.
  constexpr int kPrec = static_cast<int>(M::kPrec);
  const u64 m = v.sig >> M::kShift;
  const i32 e2 = v.exp - (kPrec - 1);
  const unsigned k = static_cast<unsigned>(kPrec + 5 + ((e2 - kPrec - 5) & 1));
  bool exact = false;
  const u64 root = isqrt(shl(U128{0, m}, k), kPrec + 3, exact);
  const int n = std::countl_zero(root);
  return round_pack<F>(false, (e2 - static_cast<i32>(k)) / 2 + 63 - n, (root << n) | (exact ? 0u : 1u), e);
}

/// Signed-magnitude order key of a non-NaN value (zeros of both signs equal).
i64 order_key(u64 bits, unsigned width) {
  const u64 sign = u64{1} << (width - 1);
  const i64 mag = static_cast<i64>(bits & (sign - 1));
  return (bits & sign) ? -mag : mag;
}

template <class F>
typename F::T minmax(typename F::T a, typename F::T b, bool is_max, Env& e) {
  const Val va = unpack<F>(a, e.daz), vb = unpack<F>(b, e.daz);
  if (va.nan() || vb.nan()) {
    // Any NaN raises IE (SDM Vol. 2 MINPS: "either ... SNaN or QNaN") and
    // the second operand is returned, an SNaN not quieted, a denormal read
    // as zero under DAZ (DAZ applies to the sources before the operation,
    // SDM Vol. 1 10.2.3.4).
    e.raise(mx::IE);
    return effective<F>(vb);
  }
  denormal_check(va, vb, e);
  const typename F::T ea = effective<F>(va), eb = effective<F>(vb);
  const i64 ka = order_key(ea, Fmt<F>::kBits), kb = order_key(eb, Fmt<F>::kBits);
  return (is_max ? ka > kb : ka < kb) ? ea : eb;
}

enum class Rel : u8 { Less, Equal, Greater, Unordered };

/// `signaling`: any NaN raises IE (else only an SNaN).
template <class F>
Rel compare(typename F::T a, typename F::T b, bool signaling, Env& e) {
  const Val va = unpack<F>(a, e.daz), vb = unpack<F>(b, e.daz);
  if (va.nan() || vb.nan()) {
    if (signaling || va.kind == Kind::SNaN || vb.kind == Kind::SNaN) e.raise(mx::IE);
    return Rel::Unordered;
  }
  denormal_check(va, vb, e);
  const i64 ka = order_key(effective<F>(va), Fmt<F>::kBits);
  const i64 kb = order_key(effective<F>(vb), Fmt<F>::kBits);
  return ka < kb ? Rel::Less : ka == kb ? Rel::Equal : Rel::Greater;
}

template <class F>
bool cmp(typename F::T a, typename F::T b, unsigned pred, Env& e) {
  pred &= 7;
  // LT, LE, NLT, NLE are the signaling predicates (SDM Vol. 2 Table 3-1).
  const bool signaling = pred == 1 || pred == 2 || pred == 5 || pred == 6;
  const Rel r = compare<F>(a, b, signaling, e);
  const bool un = r == Rel::Unordered;
  switch (pred) {
    case 0: return r == Rel::Equal;
    case 1: return r == Rel::Less;
    case 2: return r == Rel::Less || r == Rel::Equal;
    case 3: return un;
    case 4: return r != Rel::Equal;
    case 5: return r != Rel::Less;
    case 6: return !(r == Rel::Less || r == Rel::Equal);
    default: return !un;
  }
}

template <class F>
u32 comi(typename F::T a, typename F::T b, bool signaling, Env& e) {
  switch (compare<F>(a, b, signaling, e)) {
    case Rel::Unordered: return 0x45;
    case Rel::Less: return 0x01;
    case Rel::Equal: return 0x40;
    case Rel::Greater: return 0;
  }
  return 0;
}

/// A float to a `bits`-wide signed integer (32 or 64).
template <class F>
i64 to_int(typename F::T a, unsigned bits, bool truncate, Env& e) {
  const Val v = unpack<F>(a, e.daz);
  const i64 indefinite = static_cast<i64>(~u64{0} << (bits - 1));
  if (v.nan() || v.kind == Kind::Inf) {
    e.raise(mx::IE);
    return indefinite;
  }
  if (v.kind == Kind::Zero) return 0;
  if (v.exp >= static_cast<i32>(bits)) {
    e.raise(mx::IE);
    return indefinite;
  }
  const Rounding rc = truncate ? Rounding::Zero : e.rc;
  const RoundOut r = v.exp >= 63 ? RoundOut{v.sig, false} : round_at(v.sig, static_cast<unsigned>(63 - v.exp), v.sign, rc);
  const u64 limit = (u64{1} << (bits - 1)) - (v.sign ? 0u : 1u);
  if (r.m > limit) {
    e.raise(mx::IE);
    return indefinite;
  }
  if (r.inexact) e.raise(mx::PE);
  return v.sign ? static_cast<i64>(0 - r.m) : static_cast<i64>(r.m);
}

template <class F>
typename F::T from_int(i64 v, Env& e) {
  if (v == 0) return 0;
  const bool sign = v < 0;
  const Norm n = normalize_int(sign ? 0 - static_cast<u64>(v) : static_cast<u64>(v));
  return round_pack<F>(sign, n.exp, n.sig, e);
}

template <class F>
typename F::T round_int(typename F::T a, unsigned imm8, Env& e) {
  using M = Fmt<F>;
  const Val v = unpack<F>(a, e.daz);
  if (v.nan()) {
    if (v.kind == Kind::SNaN) e.raise(mx::IE);
    return static_cast<typename F::T>(v.bits | M::kQuiet);
  }
  if (v.kind != Kind::Finite || v.exp >= static_cast<i32>(F::kFrac)) return effective<F>(v);
  const Rounding rc = (imm8 & 4) ? e.rc : static_cast<Rounding>(imm8 & 3);
  const RoundOut r = round_at(v.sig, static_cast<unsigned>(63 - v.exp), v.sign, rc);
  if (r.inexact && !(imm8 & 8)) e.raise(mx::PE);
  if (r.m == 0) return M::zero(v.sign);
  const Norm n = normalize_int(r.m);
  Env exact;  // an integer below 2^kFrac + 1 is exact in the format
  return round_pack<F>(v.sign, n.exp, n.sig, exact);
}

}  // namespace

u32 f32_add(u32 a, u32 b, Env& e) { return addsub<F32>(a, b, false, e); }
u32 f32_sub(u32 a, u32 b, Env& e) { return addsub<F32>(a, b, true, e); }
u32 f32_mul(u32 a, u32 b, Env& e) { return mul_op<F32>(a, b, e); }
u32 f32_div(u32 a, u32 b, Env& e) { return div_op<F32>(a, b, e); }
u32 f32_sqrt(u32 a, Env& e) { return sqrt_op<F32>(a, e); }
u64 f64_add(u64 a, u64 b, Env& e) { return addsub<F64>(a, b, false, e); }
u64 f64_sub(u64 a, u64 b, Env& e) { return addsub<F64>(a, b, true, e); }
u64 f64_mul(u64 a, u64 b, Env& e) { return mul_op<F64>(a, b, e); }
u64 f64_div(u64 a, u64 b, Env& e) { return div_op<F64>(a, b, e); }
u64 f64_sqrt(u64 a, Env& e) { return sqrt_op<F64>(a, e); }

u32 f32_min(u32 a, u32 b, Env& e) { return minmax<F32>(a, b, false, e); }
u32 f32_max(u32 a, u32 b, Env& e) { return minmax<F32>(a, b, true, e); }
u64 f64_min(u64 a, u64 b, Env& e) { return minmax<F64>(a, b, false, e); }
u64 f64_max(u64 a, u64 b, Env& e) { return minmax<F64>(a, b, true, e); }

bool f32_cmp(u32 a, u32 b, unsigned pred, Env& e) { return cmp<F32>(a, b, pred, e); }
bool f64_cmp(u64 a, u64 b, unsigned pred, Env& e) { return cmp<F64>(a, b, pred, e); }
u32 f32_comi(u32 a, u32 b, bool signaling, Env& e) { return comi<F32>(a, b, signaling, e); }
u32 f64_comi(u64 a, u64 b, bool signaling, Env& e) { return comi<F64>(a, b, signaling, e); }

u64 f32_to_f64(u32 a, Env& e) {
  const Val v = unpack<F32>(a, e.daz);
  if (v.nan()) {
    if (v.kind == Kind::SNaN) e.raise(mx::IE);
    return Fmt<F64>::sign_bit(v.sign) | Fmt<F64>::kInf | Fmt<F64>::kQuiet | (u64{a & 0x7F'FFFFu} << 29);
  }
  denormal_check(v, v, e);
  if (v.kind == Kind::Inf) return Fmt<F64>::inf(v.sign);
  if (v.kind == Kind::Zero) return Fmt<F64>::zero(v.sign);
  return round_pack<F64>(v.sign, v.exp, v.sig, e);  // exact
}

u32 f64_to_f32(u64 a, Env& e) {
  const Val v = unpack<F64>(a, e.daz);
  if (v.nan()) {
    if (v.kind == Kind::SNaN) e.raise(mx::IE);
    return Fmt<F32>::sign_bit(v.sign) | Fmt<F32>::kInf | Fmt<F32>::kQuiet |
           static_cast<u32>((a & Fmt<F64>::kFracMask) >> 29);
  }
  denormal_check(v, v, e);
  if (v.kind == Kind::Inf) return Fmt<F32>::inf(v.sign);
  if (v.kind == Kind::Zero) return Fmt<F32>::zero(v.sign);
  return round_pack<F32>(v.sign, v.exp, v.sig, e);
}

u32 i32_to_f32(i32 v, Env& e) { return from_int<F32>(v, e); }
u64 i32_to_f64(i32 v) {
  Env exact;
  return from_int<F64>(v, exact);
}
u32 i64_to_f32(i64 v, Env& e) { return from_int<F32>(v, e); }
u64 i64_to_f64(i64 v, Env& e) { return from_int<F64>(v, e); }

i32 f32_to_i32(u32 a, bool truncate, Env& e) { return static_cast<i32>(to_int<F32>(a, 32, truncate, e)); }
i64 f32_to_i64(u32 a, bool truncate, Env& e) { return to_int<F32>(a, 64, truncate, e); }
i32 f64_to_i32(u64 a, bool truncate, Env& e) { return static_cast<i32>(to_int<F64>(a, 32, truncate, e)); }
i64 f64_to_i64(u64 a, bool truncate, Env& e) { return to_int<F64>(a, 64, truncate, e); }

u32 f32_round(u32 a, unsigned imm8, Env& e) { return round_int<F32>(a, imm8, e); }
u64 f64_round(u64 a, unsigned imm8, Env& e) { return round_int<F64>(a, imm8, e); }

// The approximations are computed here correctly rounded, which is within
// the SDM's bound; they ignore MXCSR (SDM Vol. 2 RCPSS: denormal sources
// are treated as zeros, tiny results are flushed to zero).
u32 f32_rcp(u32 a) {
  using M = Fmt<F32>;
  const Val v = unpack<F32>(a, true);
  if (v.nan()) return a | M::kQuiet;
  if (v.kind == Kind::Zero) return M::inf(v.sign);
  if (v.kind == Kind::Inf) return M::zero(v.sign);
  Env ftz;
  ftz.ftz = true;
  return div_op<F32>(0x3F80'0000u, a, ftz);
}

u32 f32_rsqrt(u32 a) {
  using M = Fmt<F32>;
  const Val v = unpack<F32>(a, true);
  if (v.nan()) return a | M::kQuiet;
  if (v.kind == Kind::Zero) return M::inf(v.sign);
  if (v.sign) return kIndefinite32;
  if (v.kind == Kind::Inf) return M::zero(false);
  // 1/sqrt(x) = sqrt(1/x) needs two roundings; sqrt then a division is
  // within 2^-23 of the exact value.
  Env env;
  return div_op<F32>(0x3F80'0000u, sqrt_op<F32>(a, env), env);
}

}  // namespace gb::fpu::sse
