// Random operand values for the differential oracles (the SIMD oracle and
// the 64-bit oracle): drawn heavily from the special cases, signed zeros,
// denormals, infinities, QNaN/SNaN with payloads, the normal limits,
// integer limits and byte patterns.
#pragma once
#include <random>

#include "mmu/types.hpp"
#include "tests/simd_oracle/forms.hpp"

namespace gb::simd_oracle {

class Values {
 public:
  explicit Values(std::mt19937_64& rng) : rng_(rng) {}
  u64 bits() { return rng_(); }
  u32 r(u32 n) { return static_cast<u32>(rng_() % n); }
  /// A single-precision value (bit pattern).
  u32 f32v();
  /// A double-precision value (bit pattern).
  u64 f64v();
  /// An integer of `bytes` (1, 2, 4 or 8) bytes, zero-extended.
  u64 intv(unsigned bytes);
  /// A random MXCSR: any rounding, DAZ, FTZ and sticky flags; the masks
  /// all set unless `unmasked` (then most sequences clear some).
  u32 mxcsr(bool unmasked);
  /// `n` bytes at `p` of the given flavour (lanes of it, or raw bytes).
  void fill(u8* p, unsigned n, Val flavor);

 private:
  std::mt19937_64& rng_;
};

}  // namespace gb::simd_oracle
