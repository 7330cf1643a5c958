// 256-bit-significand arithmetic for the transcendental functions.
#include "cpu/fpu/bigfloat.hpp"

#include <bit>

#include "cpu/fpu/wide.hpp"

namespace gb::fpu {

namespace {

/// Working significand: w[0] a guard word below the 256 bits (its bit 0
/// carries the sticky information), w[1..4] the significand.
using W5 = std::array<u64, 5>;

W5 widen(const Big& a) { return {a.sticky ? 1u : 0u, a.w[0], a.w[1], a.w[2], a.w[3]}; }

void shr5(W5& a, unsigned n) {
  if (n == 0) return;
  bool lost = false;
  if (n >= 320) {
    for (u64 x : a) lost |= x != 0;
    a = W5{lost ? 1u : 0u, 0, 0, 0, 0};
    return;
  }
  const unsigned words = n / 64, bits = n % 64;
  for (unsigned i = 0; i < words; ++i) lost |= a[i] != 0;
  if (bits) lost |= (a[words] << (64 - bits)) != 0;
  W5 r{};
  for (unsigned i = 0; i + words < 5; ++i) {
    u64 v = a[i + words] >> bits;
    if (bits && i + words + 1 < 5) v |= a[i + words + 1] << (64 - bits);
    r[i] = v;
  }
  r[0] |= lost ? 1u : 0u;
  a = r;
}

void shl5(W5& a, unsigned n) {
  if (n == 0) return;
  const unsigned words = n / 64, bits = n % 64;
  W5 r{};
  for (int i = 4; i >= static_cast<int>(words); --i) {
    const unsigned k = static_cast<unsigned>(i) - words;
    u64 v = a[k] << bits;
    if (bits && k > 0) v |= a[k - 1] >> (64 - bits);
    r[static_cast<unsigned>(i)] = v;
  }
  a = r;
}

unsigned clz5(const W5& a) {
  for (unsigned i = 5; i-- > 0;) {
    if (a[i]) return (4 - i) * 64 + static_cast<unsigned>(std::countl_zero(a[i]));
  }
  return 320;
}

/// Packs a working significand (normalized or not) with `exp` into a Big.
Big pack(bool neg, i32 exp, W5 r) {
  const unsigned n = clz5(r);
  if (n == 320) return Big{};
  shl5(r, n);
  Big b;
  b.w = {r[1], r[2], r[3], r[4]};
  b.exp = exp - static_cast<i32>(n);
  b.neg = neg;
  b.sticky = r[0] != 0;
  return b;
}

}  // namespace

Big big_from(const Unpacked& u) {
  Big b;
  if (u.sig == 0) return b;
  b.w = {0, 0, 0, u.sig};
  b.exp = u.exp - kBias + 1;
  b.neg = u.sign;
  return b;
}

Big big_from_u64(u64 v, i32 scale) {
  if (v == 0) return Big{};
  const int n = std::countl_zero(v);
  Big b;
  b.w = {0, 0, 0, v << n};
  b.exp = 64 - n + scale;
  return b;
}

Big negate(Big a) {
  a.neg = !a.neg;
  return a;
}

Big ldexp(Big a, i32 n) {
  if (!a.zero()) a.exp += n;
  return a;
}

int cmp_abs(const Big& a, const Big& b) {
  if (a.zero() || b.zero()) return a.zero() ? (b.zero() ? 0 : -1) : 1;
  if (a.exp != b.exp) return a.exp < b.exp ? -1 : 1;
  for (unsigned i = Big::kWords; i-- > 0;) {
    if (a.w[i] != b.w[i]) return a.w[i] < b.w[i] ? -1 : 1;
  }
  return 0;
}

Big add(const Big& a, const Big& b) {
  if (b.zero()) return a;
  if (a.zero()) return b;
  const bool a_big = cmp_abs(a, b) >= 0;
  const Big& x = a_big ? a : b;
  const Big& y = a_big ? b : a;
  W5 X = widen(x), Y = widen(y);
  const i64 d = i64{x.exp} - y.exp;
  shr5(Y, d > 320 ? 320u : static_cast<unsigned>(d));
  W5 r{};
  if (x.neg == y.neg) {
    u64 carry = 0;
    for (unsigned i = 0; i < 5; ++i) {
      const u64 s = X[i] + Y[i];
      const u64 c1 = s < X[i] ? 1u : 0u;
      r[i] = s + carry;
      carry = c1 + (r[i] < s ? 1u : 0u);
    }
    if (carry) {
      shr5(r, 1);
      r[4] |= u64{1} << 63;
      return pack(x.neg, x.exp + 1, r);
    }
    return pack(x.neg, x.exp, r);
  }
  u64 borrow = 0;
  for (unsigned i = 0; i < 5; ++i) {
    const u64 d1 = X[i] - Y[i];
    const u64 b1 = X[i] < Y[i] ? 1u : 0u;
    r[i] = d1 - borrow;
    borrow = b1 + (d1 < borrow ? 1u : 0u);
  }
  return pack(x.neg, x.exp, r);
}

Big sub(const Big& a, const Big& b) { return add(a, negate(b)); }

Big mul(const Big& a, const Big& b) {
  if (a.zero() || b.zero()) return Big{};
  std::array<u64, 8> p{};
  for (unsigned i = 0; i < 4; ++i) {
    u64 carry = 0;
    for (unsigned j = 0; j < 4; ++j) {
      const U128 m = mul64(a.w[i], b.w[j]);
      // p[i+j] += m.lo + carry, with the carry into m.hi.
      u64 lo = p[i + j] + m.lo;
      u64 hi = m.hi + (lo < m.lo ? 1u : 0u);
      const u64 lo2 = lo + carry;
      hi += lo2 < lo ? 1u : 0u;
      p[i + j] = lo2;
      carry = hi;
    }
    p[i + 4] = carry;
  }
  // The top 320 bits, the rest folded into the guard word's bit 0.
  const bool lost = (p[0] | p[1] | p[2]) != 0 || a.sticky || b.sticky;
  const W5 r{p[3] | (lost ? 1u : 0u), p[4], p[5], p[6], p[7]};
  return pack(a.neg != b.neg, a.exp + b.exp, r);
}

Big div(const Big& a, const Big& b) {
  if (a.zero() || b.zero()) return Big{};
  // Restoring division of the significands: 320 quotient bits (the
  // significand and the guard word), then the remainder's sticky bit.
  std::array<u64, 5> rem{a.w[0], a.w[1], a.w[2], a.w[3], 0};
  auto ge = [&]() {
    if (rem[4]) return true;
    for (unsigned i = 4; i-- > 0;) {
      if (rem[i] != b.w[i]) return rem[i] > b.w[i];
    }
    return true;
  };
  auto subtract = [&]() {
    u64 borrow = 0;
    for (unsigned i = 0; i < 5; ++i) {
      const u64 bi = i < 4 ? b.w[i] : 0;
      const u64 d1 = rem[i] - bi;
      const u64 b1 = rem[i] < bi ? 1u : 0u;
      rem[i] = d1 - borrow;
      borrow = b1 + (d1 < borrow ? 1u : 0u);
    }
  };
  auto shift = [&]() {
    for (unsigned i = 4; i > 0; --i) rem[i] = (rem[i] << 1) | (rem[i - 1] >> 63);
    rem[0] <<= 1;
  };
  W5 q{};
  for (int bit = 319; bit >= 0; --bit) {
    if (ge()) {
      subtract();
      q[static_cast<unsigned>(bit) / 64] |= u64{1} << (bit % 64);
    }
    shift();
  }
  bool nonzero = a.sticky || b.sticky;
  for (u64 x : rem) nonzero |= x != 0;
  q[0] |= nonzero ? 1u : 0u;
  // q = A/B * 2^319 with A/B in (1/2, 2): the value is q / 2^320 * 2^(ea-eb+1).
  return pack(a.neg != b.neg, a.exp - b.exp + 1, q);
}

Big mul_u64(const Big& a, u64 m) { return mul(a, big_from_u64(m)); }

Big div_u32(const Big& a, u32 d) {
  if (a.zero()) return a;
  // Long division by 32-bit digits from the top; the quotient keeps 32
  // more bits below the significand.
  std::array<u32, 10> digits{};
  for (unsigned i = 0; i < 4; ++i) {
    digits[2 + 2 * i] = static_cast<u32>(a.w[i]);
    digits[3 + 2 * i] = static_cast<u32>(a.w[i] >> 32);
  }
  u64 rem = 0;
  std::array<u32, 10> q{};
  for (unsigned i = 10; i-- > 0;) {
    const u64 cur = (rem << 32) | digits[i];
    q[i] = static_cast<u32>(cur / d);
    rem = cur % d;
  }
  W5 r{};
  for (unsigned i = 0; i < 5; ++i) r[i] = q[2 * i] | (u64{q[2 * i + 1]} << 32);
  r[0] |= (rem != 0 || a.sticky) ? 1u : 0u;
  return pack(a.neg, a.exp, r);
}

u64 floor_u64(const Big& a) {
  if (a.zero() || a.exp <= 0) return 0;
  return a.w[3] >> (64 - a.exp);
}

Float80 round_big(const Big& v, Env& env, bool inexact) {
  if (v.zero()) return make80(v.neg, 0, 0);
  const bool below = v.w[1] != 0 || v.w[0] != 0 || v.sticky || inexact;
  return round_pack_prec(v.neg, v.exp - 1 + kBias, v.w[3], v.w[2] | (below ? 1u : 0u), 64, env);
}

}  // namespace gb::fpu
