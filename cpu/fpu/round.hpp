// Rounding to a binary format with the x87's exception responses: shared by
// the register results (float80.cpp) and the f32/f64 stores
// (float80_convert.cpp). Internal to cpu/fpu.
#pragma once
#include <bit>

#include "cpu/fpu/float80.hpp"

namespace gb::fpu {

/// A destination format, with exponents biased as in the extended format.
struct Format {
  unsigned prec;  ///< significand bits, integer bit included
  i32 emin;       ///< smallest normal exponent
  i32 emax;       ///< largest finite exponent
};
constexpr Format kExtended{64, 1, 0x7FFE};
constexpr Format kDouble{53, kBias - 1022, kBias + 1023};
constexpr Format kSingle{24, kBias - 126, kBias + 127};

/// A rounded finite value or infinity: sig == 0 is a zero; J clear (with
/// exp == emin) a denormal of the format.
struct Rounded {
  bool sign = false;
  i32 exp = 0;
  u64 sig = 0;
  bool inf = false;
};

/// Rounds sig:rest (normalized) to `f`. `reg`: the destination is a
/// register, so an unmasked OE/UE delivers the bias-adjusted result (SDM
/// Vol. 1 8.5.4, 8.5.5); for memory the value is then not stored.
Rounded round_to(bool sign, i32 exp, u64 sig, u64 rest, const Format& f, bool reg, Env& env);

/// A rounded value in register format (extended emin, exponent wrapped to
/// 15 bits as the bias adjustment leaves it in range).
Float80 to_float80(const Rounded& r);

/// The significand normalized: shifts left until bit 63 is set, lowering exp.
inline void normalize(u64& sig, i32& exp) {
  const int n = std::countl_zero(sig);
  sig <<= n;
  exp -= n;
}

}  // namespace gb::fpu
