// 80-bit double extended-precision soft float, exact to the bit of the x87
// (SDM Vol. 1 ch. 4 and ch. 8). Integer arithmetic only: no host floating
// point, so results are the same on every host.
//
// Values are kept in the register format (SDM Vol. 1 Figure 4-3): a 64-bit
// significand with an explicit integer bit (J, bit 63), a 15-bit exponent
// biased by 16383 and a sign. Operations take their operands unpacked
// (`Unpacked`: class, sign, exponent, normalized significand), so operands
// from memory formats keep the class they had there (an f32 denormal is a
// denormal operand, DE, even though it is normal once extended).
//
// Exceptions (SDM Vol. 1 4.9, 8.5): each operation ORs the flags it raises
// into `Env::flags` and returns what the x87 would deliver to a register:
// the masked response for masked exceptions; for an unmasked OE/UE the
// result with its exponent adjusted by 24576 (SDM Vol. 1 8.5.4, 8.5.5);
// for an unmasked IE, DE or ZE the caller must leave the destination
// unchanged (`Env::aborted()`), and the returned value is meaningless.
#pragma once
#include <array>

#include "mmu/types.hpp"

namespace gb::fpu {

struct Float80 {
  u64 sig = 0;  ///< significand, J bit 63
  u16 se = 0;   ///< bit 15 sign, bits 14-0 biased exponent

  constexpr bool sign() const { return (se & 0x8000) != 0; }
  constexpr u16 exp() const { return se & 0x7FFF; }
  friend constexpr bool operator==(const Float80&, const Float80&) = default;
};

constexpr i32 kBias = 16383;
constexpr u16 kExpMax = 0x7FFF;
constexpr u64 kJ = u64{1} << 63;       ///< the explicit integer bit
constexpr u64 kQuiet = u64{1} << 62;   ///< the quiet bit of a NaN significand

constexpr Float80 make80(bool sign, u16 exp, u64 sig) {
  return Float80{sig, static_cast<u16>((sign ? 0x8000u : 0u) | exp)};
}
/// The real indefinite: the QNaN FFFF C000000000000000h (SDM Vol. 1 4.8.3.7).
constexpr Float80 kIndefinite = make80(true, kExpMax, kJ | kQuiet);
constexpr Float80 kPlusZero{};
constexpr Float80 kOne = make80(false, kBias, kJ);
constexpr Float80 kInfinity = make80(false, kExpMax, kJ);

/// Operand classes. Pseudo-denormals (exponent 0, J = 1) are denormals
/// here: the 387 and later accept them as denormal operands (SDM Vol. 1
/// 8.2.2). Unnormals, pseudo-NaNs and pseudo-infinities are Unsupported and
/// make arithmetic raise IE (SDM Vol. 1 8.2.2, Table 8-3).
enum class Class : u8 { Zero, Denormal, Normal, Infinity, QNaN, SNaN, Unsupported };

Class classify(const Float80& v);
constexpr bool is_nan(Class c) { return c == Class::QNaN || c == Class::SNaN; }

/// An operand ready for arithmetic. Finite nonzero values are normalized:
/// value = sig * 2^(exp - 16383 - 63) with bit 63 of sig set (exp may be
/// below 1 for denormals). NaNs keep their significand in register layout.
struct Unpacked {
  Class cls = Class::Zero;
  bool sign = false;
  i32 exp = 0;
  u64 sig = 0;
};

Unpacked unpack(const Float80& v);
Unpacked unpack_f32(u32 bits);
Unpacked unpack_f64(u64 bits);
Unpacked unpack_int(i64 v);
/// Packs an unpacked value back without rounding (sig must fit; finite
/// values with exp < 1 become denormals by shifting, exactly).
Float80 pack_exact(const Unpacked& u);

/// Exception flags, in their status-word bit positions (SDM Vol. 1 8.1.3.1).
namespace exc {
constexpr u8 IE = 0x01, DE = 0x02, ZE = 0x04, OE = 0x08, UE = 0x10, PE = 0x20;
constexpr u8 kAll = 0x3F;
}  // namespace exc

/// The FCW RC field (SDM Vol. 1 Table 4-8).
enum class Rounding : u8 { Nearest = 0, Down = 1, Up = 2, Zero = 3 };

/// Rounding controls in, exception flags and the round-up indicator out.
struct Env {
  Rounding rc = Rounding::Nearest;
  unsigned prec = 64;  ///< significand bits of register results: 24, 53 or 64
  u8 masks = exc::kAll;
  u8 flags = 0;
  bool c1 = false;  ///< the last inexact result was rounded up in magnitude (C1)

  /// From the control word: masks (bits 0-5), PC (bits 8-9: 00 24-bit, 10
  /// 53-bit, 11 64-bit; the reserved 01 rounds to 64 bits on Intel
  /// hardware), RC (bits 10-11). SDM Vol. 1 8.1.5.
  static Env from_fcw(u16 fcw) {
    Env e;
    e.masks = static_cast<u8>(fcw & exc::kAll);
    const unsigned pc = (fcw >> 8) & 3;
    e.prec = pc == 0 ? 24 : pc == 2 ? 53 : 64;
    e.rc = static_cast<Rounding>((fcw >> 10) & 3);
    return e;
  }
  void raise(u8 f) { flags |= f; }
  bool masked(u8 f) const { return (masks & f) == f; }
  /// An unmasked IE, DE or ZE was raised: the operation is not performed
  /// and its destination must stay unchanged (SDM Vol. 1 4.9.2, 8.5).
  bool aborted() const { return (flags & ~masks & (exc::IE | exc::DE | exc::ZE)) != 0; }
};

/// Rounds (-1)^sign * (sig + rest / 2^64) * 2^(exp - 16383 - 63) to
/// env.prec significand bits with the extended exponent range, with the
/// x87's overflow and underflow responses. sig must be normalized (bit 63
/// set); rest holds the bits below it (any nonzero bits are inexact).
Float80 round_pack(bool sign, i32 exp, u64 sig, u64 rest, Env& env);
/// The same at a given precision (64 for operations PC does not control).
Float80 round_pack_prec(bool sign, i32 exp, u64 sig, u64 rest, unsigned prec, Env& env);

/// NaN propagation for two operands, at least one a NaN (SDM Vol. 1 Table
/// 4-7, x87 column): an SNaN raises IE; a QNaN wins over an SNaN; of two
/// NaNs of the same kind the larger significand wins; the result is quiet.
Float80 propagate_nan(const Unpacked& a, const Unpacked& b, Env& env);
/// One NaN operand: IE for an SNaN, the result is the quieted NaN.
Float80 propagate_nan(const Unpacked& a, Env& env);
Float80 nan_value(const Unpacked& a);  ///< the NaN, quieted, as a register value

// ---- Arithmetic (SDM Vol. 2 FADD, FSUB, FMUL, FDIV, FSQRT). PC applies.
Float80 add(const Unpacked& a, const Unpacked& b, Env& env);
Float80 sub(const Unpacked& a, const Unpacked& b, Env& env);
Float80 mul(const Unpacked& a, const Unpacked& b, Env& env);
Float80 div(const Unpacked& a, const Unpacked& b, Env& env);
Float80 sqrt(const Unpacked& a, Env& env);

// ---- Comparisons (FCOM, FUCOM, FCOMI, FTST, FICOM).
enum class Order : u8 { Less, Equal, Greater, Unordered };
/// `quiet` (FUCOM): only SNaNs raise IE; otherwise any NaN does.
Order compare(const Unpacked& a, const Unpacked& b, bool quiet, Env& env);

// ---- Integer results (FRNDINT, FIST, FBSTP).
/// Rounds a finite value to an integer magnitude per env.rc: `big` when
/// the magnitude does not fit 64 bits. Sets PE and C1 when inexact.
struct IntMagnitude {
  u64 mag = 0;
  bool big = false;
};
IntMagnitude round_int_magnitude(const Unpacked& a, Env& env);
Float80 round_to_int(const Unpacked& a, Env& env);  ///< FRNDINT
/// FIST/FISTP to a `bits`-wide integer (16, 32, 64); out of range, NaN or
/// infinity raise IE and give the integer indefinite (the most negative
/// value) as the masked response.
i64 to_int(const Unpacked& a, unsigned bits, Env& env);
Float80 from_int(i64 v);

// ---- Memory formats.
/// FLD m32/m64 and the memory operands of arithmetic: SNaN raises IE and is
/// quieted, a denormal raises DE.
Float80 load_f32(u32 bits, Env& env);
Float80 load_f64(u64 bits, Env& env);
/// FST m32/m64: rounds per RC to the format (PC does not apply), with OE,
/// UE and PE; the caller stores nothing when OE/UE/IE is unmasked.
u32 store_f32(const Unpacked& a, Env& env);
u64 store_f64(const Unpacked& a, Env& env);

/// Packed BCD (SDM Vol. 1 4.7): 18 digits, sign in bit 7 of byte 9.
using Bcd = std::array<u8, 10>;
Float80 from_bcd(const Bcd& b);
/// FBSTP: rounds per RC; beyond 18 digits, NaN or infinity raise IE and
/// give the packed BCD indefinite (FFFF C000 0000 0000 0000h).
Bcd to_bcd(const Unpacked& a, Env& env);

// ---- FSCALE, FXTRACT, FPREM, FPREM1 (cpu/fpu/float80_misc.cpp).
Float80 scale(const Unpacked& a, const Unpacked& b, Env& env);
struct Extracted {
  Float80 exponent;
  Float80 significand;
};
Extracted extract(const Unpacked& a, Env& env);
struct Remainder {
  Float80 value;
  u8 quotient = 0;       ///< the low three bits of the quotient (Q2 Q1 Q0)
  bool partial = false;  ///< C2: the reduction is incomplete
  bool computed = false; ///< a remainder (not a NaN or invalid result): C0-C3 are set
};
/// FPREM (truncating quotient) or FPREM1 (`ieee`: nearest-even quotient).
Remainder remainder(const Unpacked& a, const Unpacked& b, bool ieee, Env& env);

}  // namespace gb::fpu
