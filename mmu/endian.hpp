// Little-endian load/store helpers for guest-visible bytes.
//
// Guest memory, device registers and disk images are little-endian by
// definition. Every host access to them goes through these helpers, which use
// std::memcpy (no type punning, no unaligned host loads) and swap on a
// big-endian host, so the core runs unchanged on s390x.
#pragma once
#include <bit>
#include <cstring>
#include <type_traits>

#include "mmu/types.hpp"

namespace gb {

template <class T>
constexpr T byteswap(T v) {
  static_assert(std::is_unsigned_v<T>);
  if constexpr (sizeof(T) == 1) {
    return v;
  } else {
    T r = 0;
    for (unsigned i = 0; i < sizeof(T); ++i) {
      r = static_cast<T>((r << 8) | ((v >> (8 * i)) & 0xFF));
    }
    return r;
  }
}

/// Reads a little-endian T from `p` (any alignment).
template <class T>
inline T load_le(const u8* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  if constexpr (std::endian::native == std::endian::big) v = byteswap(v);
  return v;
}

/// Writes `v` to `p` as little-endian (any alignment).
template <class T>
inline void store_le(u8* p, T v) {
  if constexpr (std::endian::native == std::endian::big) v = byteswap(v);
  std::memcpy(p, &v, sizeof(T));
}

}  // namespace gb
