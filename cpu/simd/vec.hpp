// A 128-bit XMM value (or a 64-bit MMX value in its low half) as the 16
// bytes it has in memory: lane i of width T is bytes [i*sizeof(T), ...),
// little-endian, so the same code gives the same bits on a big-endian host
// and FXSAVE's image is the storage itself (SDM Vol. 1 10.2.2 Figure 10-2).
#pragma once
#include <array>
#include <type_traits>

#include "mmu/endian.hpp"

namespace gb {

struct Vec128 {
  std::array<u8, 16> b{};

  /// Lane `i` of width sizeof(T) (T any 1-, 2-, 4- or 8-byte integer).
  template <class T>
  T get(unsigned i) const {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(load_le<U>(b.data() + i * sizeof(T)));
  }
  template <class T>
  void set(unsigned i, T v) {
    using U = std::make_unsigned_t<T>;
    store_le<U>(b.data() + i * sizeof(T), static_cast<U>(v));
  }
  u64 lo() const { return get<u64>(0); }
  u64 hi() const { return get<u64>(1); }
  u8& operator[](unsigned i) { return b[i]; }
  u8 operator[](unsigned i) const { return b[i]; }
  static Vec128 from(u64 lo, u64 hi) {
    Vec128 v;
    v.set<u64>(0, lo);
    v.set<u64>(1, hi);
    return v;
  }
  friend bool operator==(const Vec128&, const Vec128&) = default;
};

}  // namespace gb
