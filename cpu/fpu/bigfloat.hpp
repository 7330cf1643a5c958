// A binary floating-point number with a 256-bit significand, for evaluating
// the x87's transcendental functions well beyond the 64 bits of the result
// (SDM Vol. 1 8.3.10), with integer arithmetic only. Results are truncated
// toward zero in magnitude; `sticky` records that nonzero bits were dropped,
// so the final rounding to 64 bits knows the value lies just above the
// stored one.
#pragma once
#include <array>

#include "cpu/fpu/float80.hpp"

namespace gb::fpu {

struct Big {
  static constexpr unsigned kWords = 4;
  /// value = (w / 2^256) * 2^exp, w[3] the most significant word, normalized
  /// (bit 63 of w[3] set) unless the value is zero.
  std::array<u64, kWords> w{};
  i32 exp = 0;
  bool neg = false;
  bool sticky = false;

  bool zero() const { return (w[0] | w[1] | w[2] | w[3]) == 0; }
};

/// An unpacked finite value (exact).
Big big_from(const Unpacked& u);
/// v * 2^scale (exact).
Big big_from_u64(u64 v, i32 scale = 0);
/// A constant given as its normalized words.
constexpr Big big_const(i32 exp, std::array<u64, 4> w, bool inexact = true) {
  Big b;
  b.w = w;
  b.exp = exp;
  b.sticky = inexact;
  return b;
}

Big negate(Big a);
Big ldexp(Big a, i32 n);
/// Compares |a| with |b|: -1, 0, 1.
int cmp_abs(const Big& a, const Big& b);
Big add(const Big& a, const Big& b);
Big sub(const Big& a, const Big& b);
Big mul(const Big& a, const Big& b);
Big div(const Big& a, const Big& b);
Big mul_u64(const Big& a, u64 m);
/// Division by a small integer (below 2^32).
Big div_u32(const Big& a, u32 d);
/// floor(|a|), for |a| < 2^64.
u64 floor_u64(const Big& a);

/// Rounds to the register format at 64 bits per env.rc (the transcendental
/// instructions are not subject to PC), with PE, UE, OE. `inexact`: the
/// value is known not to be exactly representable (a transcendental
/// result), so it rounds as if a nonzero bit followed.
Float80 round_big(const Big& v, Env& env, bool inexact);

}  // namespace gb::fpu
