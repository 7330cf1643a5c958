#include "tests/simd_oracle/values.hpp"

#include <bit>

#include "mmu/endian.hpp"

namespace gb::simd_oracle {

u32 Values::mxcsr(bool unmasked) {
  u32 m = 0x1F80 | (r(4) << 13);
  if (r(2)) m |= 0x40;    // DAZ
  if (r(2)) m |= 0x8000;  // FTZ
  if (r(4) == 0) m |= static_cast<u32>(bits()) & 0x3F;  // sticky flags already set
  if (unmasked && r(4) != 0) m &= ~((static_cast<u32>(bits()) & 0x3F) << 7);
  return m;
}

u32 Values::f32v() {
  const u32 sign = r(2) ? 0x8000'0000u : 0;
  const u32 frac = static_cast<u32>(bits()) & 0x7F'FFFF;
  switch (r(18)) {
    case 0: return sign;                                                      // ±0
    case 1: {                                                                 // denormal
      const u32 k = r(4);
      return sign | (k == 0 ? 1 : k == 1 ? 0x7F'FFFF : (frac >> r(23)) | 1);
    }
    case 2: return sign | 0x7F80'0000u;                                       // ±inf
    case 3: return r(4) == 0 ? 0xFFC0'0000u : sign | 0x7FC0'0000u | (frac >> r(23));  // QNaN (indefinite)
    case 4: return sign | 0x7F80'0000u | ((frac & 0x3F'FFFF) >> r(22)) | (r(2) ? 1 : 0) | 1;  // SNaN
    case 5: return sign | (r(2) ? 0x0080'0000u : 0x7F7F'FFFFu);             // min/max normal
    case 6: {                                                                 // small integers, halves
      const float f = static_cast<float>(r(12)) + (r(2) ? 0.5f : 0.0f);
      return sign | std::bit_cast<u32>(f);
    }
    case 7: return sign | ((127u + 29 + r(36)) << 23) | (r(2) ? 0 : frac >> r(23));  // near the integer limits
    case 8: return sign | ((1u + r(24)) << 23) | frac;                        // tiny: products underflow
    case 9: return sign | ((0xF0u + r(15)) << 23) | frac;                     // huge: sums overflow
    case 10: return sign | ((125u + r(5)) << 23) | (frac & (0xFFu << r(16)));  // few significant bits
    case 11: {                                                                // 1.0 and its neighbours
      static constexpr u32 k[4] = {0x3F80'0000u, 0x3F80'0001u, 0x3F7F'FFFFu, 0x3FFF'FFFFu};
      return sign | k[r(4)];
    }
    default: return sign | ((0x60u + r(0x40)) << 23) | frac;                  // ordinary
  }
}

u64 Values::f64v() {
  const u64 sign = r(2) ? u64{1} << 63 : 0;
  const u64 frac = bits() & ((u64{1} << 52) - 1);
  auto e = [](u64 x) { return x << 52; };
  switch (r(18)) {
    case 0: return sign;
    case 1: {
      const u32 k = r(4);
      return sign | (k == 0 ? 1 : k == 1 ? (u64{1} << 52) - 1 : (frac >> r(52)) | 1);
    }
    case 2: return sign | e(0x7FF);
    case 3: return r(4) == 0 ? 0xFFF8'0000'0000'0000u : sign | e(0x7FF) | (u64{1} << 51) | (frac >> r(52));
    case 4: return sign | e(0x7FF) | ((frac & ((u64{1} << 51) - 1)) >> r(51)) | 1;
    case 5: return sign | (r(2) ? e(1) : e(0x7FE) | ((u64{1} << 52) - 1));
    case 6: {
      const double d = static_cast<double>(r(12)) + (r(2) ? 0.5 : 0.0);
      return sign | std::bit_cast<u64>(d);
    }
    case 7: return sign | e(1023u + 29 + r(36)) | (r(2) ? 0 : frac >> r(52));
    case 8: return sign | e(1u + r(53)) | frac;
    case 9: return sign | e(0x7F0u + r(15)) | frac;
    case 10: return sign | e(1021u + r(5)) | (frac & (~u64{0} << (30 + r(22))));
    case 11: {
      static constexpr u64 k[4] = {0x3FF0'0000'0000'0000u, 0x3FF0'0000'0000'0001u, 0x3FEF'FFFF'FFFF'FFFFu,
                                   0x3FFF'FFFF'FFFF'FFFFu};
      return sign | k[r(4)];
    }
    // Doubles whose conversion to single rounds, overflows or underflows.
    case 12: return sign | e(1023u - 150 + r(30)) | frac;
    case 13: return sign | e(1023u + 120 + r(10)) | frac;
    default: return sign | e(0x3C0u + r(0x80)) | frac;
  }
}

u64 Values::intv(unsigned bytes) {
  const unsigned bits_n = 8 * bytes;
  const u64 all = bits_n == 64 ? ~u64{0} : (u64{1} << bits_n) - 1;
  switch (r(9)) {
    case 0: return 0;
    case 1: return all;
    case 2: return u64{1} << (bits_n - 1);                  // the signed minimum
    case 3: return (u64{1} << (bits_n - 1)) - 1;            // the signed maximum
    case 4: return static_cast<u64>(static_cast<i64>(r(7)) - 3) & all;  // small
    case 5: {                                               // byte patterns
      static constexpr u8 k[6] = {0x00, 0x01, 0x7F, 0x80, 0xFF, 0x55};
      u64 v = 0;
      for (unsigned i = 0; i < bytes; ++i) v |= u64{k[r(6)]} << (8 * i);
      return v;
    }
    default: return bits() & all;
  }
}

void Values::fill(u8* p, unsigned n, Val flavor) {
  const unsigned kind = r(10);
  if (kind == 0) {  // raw random bytes
    for (unsigned i = 0; i < n; ++i) p[i] = static_cast<u8>(bits());
    return;
  }
  switch (flavor) {
    case Val::F32:
      for (unsigned i = 0; i + 4 <= n; i += 4) store_le<u32>(p + i, f32v());
      break;
    case Val::F64:
      for (unsigned i = 0; i + 8 <= n; i += 8) store_le<u64>(p + i, f64v());
      break;
    case Val::Str: {
      // Short strings over a small alphabet, with terminating zeros now and then.
      static constexpr u8 k[8] = {'a', 'b', 'c', 'd', 'A', 0x80, 0xFF, 0};
      for (unsigned i = 0; i < n; ++i) p[i] = k[r(r(4) == 0 ? 8 : 4)];
      if (r(2)) p[r(n)] = 0;
      break;
    }
    case Val::Int: {
      const unsigned w = 1u << r(4);
      for (unsigned i = 0; i + w <= n; i += w) {
        const u64 v = intv(w);
        for (unsigned b = 0; b < w; ++b) p[i + b] = static_cast<u8>(v >> (8 * b));
      }
      break;
    }
  }
}

}  // namespace gb::simd_oracle
