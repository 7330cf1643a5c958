// Multi-word unsigned integer helpers for the soft-float code: a 128-bit
// value as two 64-bit halves, built from 32-bit partial products so that
// the same code runs on every host and compiler (no __int128).
#pragma once
#include <bit>

#include "mmu/types.hpp"

namespace gb::fpu {

struct U128 {
  u64 hi = 0;
  u64 lo = 0;

  constexpr bool zero() const { return (hi | lo) == 0; }
  friend constexpr bool operator==(const U128&, const U128&) = default;
};

constexpr bool less(const U128& a, const U128& b) { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo); }

constexpr U128 add(const U128& a, const U128& b) {
  const u64 lo = a.lo + b.lo;
  return {a.hi + b.hi + (lo < a.lo ? 1u : 0u), lo};
}

constexpr U128 sub(const U128& a, const U128& b) {
  return {a.hi - b.hi - (a.lo < b.lo ? 1u : 0u), a.lo - b.lo};
}

/// The full 128-bit product of two 64-bit values.
constexpr U128 mul64(u64 a, u64 b) {
  const u64 a0 = a & 0xFFFF'FFFFu, a1 = a >> 32, b0 = b & 0xFFFF'FFFFu, b1 = b >> 32;
  const u64 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const u64 mid = (p00 >> 32) + (p01 & 0xFFFF'FFFFu) + (p10 & 0xFFFF'FFFFu);
  return {p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32), (mid << 32) | (p00 & 0xFFFF'FFFFu)};
}

constexpr U128 shl(const U128& a, unsigned n) {
  if (n == 0) return a;
  if (n >= 128) return {};
  if (n >= 64) return {a.lo << (n - 64), 0};
  return {(a.hi << n) | (a.lo >> (64 - n)), a.lo << n};
}

constexpr U128 shr(const U128& a, unsigned n) {
  if (n == 0) return a;
  if (n >= 128) return {};
  if (n >= 64) return {0, a.hi >> (n - 64)};
  return {a.hi >> n, (a.lo >> n) | (a.hi << (64 - n))};
}

/// Right shift that ORs every bit shifted out into bit 0 (a sticky bit), so
/// rounding still sees that the value was inexact.
constexpr U128 shr_sticky(const U128& a, unsigned n) {
  if (n == 0) return a;
  if (n >= 128) return {0, a.zero() ? 0u : 1u};
  const U128 r = shr(a, n);
  const bool lost = !(shl(r, n) == a);
  return {r.hi, r.lo | (lost ? 1u : 0u)};
}

/// Leading zero bits of a 128-bit value (128 for zero).
constexpr unsigned clz128(const U128& a) {
  return a.hi ? static_cast<unsigned>(std::countl_zero(a.hi)) : 64 + static_cast<unsigned>(std::countl_zero(a.lo));
}

/// Right shift of a 64-bit value with a sticky bit 0.
constexpr u64 shr_sticky64(u64 v, unsigned n) {
  if (n == 0) return v;
  if (n >= 64) return v ? 1u : 0u;
  return (v >> n) | ((v & ((u64{1} << n) - 1)) ? 1u : 0u);
}

}  // namespace gb::fpu
