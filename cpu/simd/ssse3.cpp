// SSSE3 (SDM Vol. 2 PSHUFB, PHADDW/PHADDD, PHADDSW, PMADDUBSW, PHSUBW/
// PHSUBD, PHSUBSW, PSIGNB/PSIGNW/PSIGND, PMULHRSW, PABSB/PABSW/PABSD,
// PALIGNR): each in the MMX form (NP 0F 38 xx / NP 0F 3A 0F) and the XMM
// form (66 prefix, 16-byte memory operands aligned).
#include "cpu/simd/packed_forms.hpp"
#include "cpu/simd/rows.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

/// PSHUFB: byte i is 0 when bit 7 of the source byte i is set, else the
/// destination byte the source's low 3 (MMX) or 4 (XMM) bits select.
Vec128 pshufb(const Vec128& a, const Vec128& b, unsigned n, u8) {
  Vec128 r;
  for (unsigned i = 0; i < n; ++i) r[i] = (b[i] & 0x80) ? 0 : a[b[i] & (n - 1)];
  return r;
}

/// The horizontal operations: lane k of the result is f(pair k) of the
/// destination for the low half of the lanes and of the source for the
/// high half, a pair being lanes 2k and 2k+1.
template <class T, T (*f)(T, T)>
Vec128 horizontal(const Vec128& a, const Vec128& b, unsigned n, u8) {
  const unsigned lanes = n / sizeof(T), half = lanes / 2;
  Vec128 r;
  for (unsigned k = 0; k < lanes; ++k) {
    const Vec128& s = k < half ? a : b;
    const unsigned p = 2 * (k % half);
    r.set<T>(k, f(s.get<T>(p), s.get<T>(p + 1)));
  }
  return r;
}

template <class T>
T add_wrap(T x, T y) {
  return static_cast<T>(u32{x} + y);
}
template <class T>
T sub_wrap(T x, T y) {
  return static_cast<T>(u32{x} - y);
}
i16 add_sat(i16 x, i16 y) { return saturate<i16>(i64{x} + y); }
i16 sub_sat(i16 x, i16 y) { return saturate<i16>(i64{x} - y); }

/// PMADDUBSW: word i = SaturateToSignedWord(unsigned byte 2i+1 of the
/// destination × signed byte 2i+1 of the source + the same for bytes 2i).
Vec128 pmaddubsw(const Vec128& a, const Vec128& b, unsigned n, u8) {
  Vec128 r;
  for (unsigned i = 0; i < n / 2; ++i) {
    const i64 sum = i64{a.get<u8>(2 * i)} * b.get<i8>(2 * i) + i64{a.get<u8>(2 * i + 1)} * b.get<i8>(2 * i + 1);
    r.set<i16>(i, saturate<i16>(sum));
  }
  return r;
}

/// PSIGNB/W/D: the destination lane negated where the source lane is
/// negative, zeroed where it is zero, kept where it is positive.
template <class T>
Vec128 psign(const Vec128& a, const Vec128& b, unsigned n, u8) {
  using U = std::make_unsigned_t<T>;
  Vec128 r;
  for (unsigned i = 0; i < n / sizeof(T); ++i) {
    const T s = b.get<T>(i);
    const U x = a.get<U>(i);
    r.set<U>(i, s < 0 ? static_cast<U>(0u - x) : s == 0 ? U{0} : x);
  }
  return r;
}

/// PMULHRSW: the signed product's bits 30-15 rounded: ((a×b >> 14) + 1) >> 1,
/// truncated to 16 bits (8000h × 8000h gives 8000h).
Vec128 pmulhrsw(const Vec128& a, const Vec128& b, unsigned n, u8) {
  Vec128 r;
  for (unsigned i = 0; i < n / 2; ++i) {
    const i32 t = ((i32{a.get<i16>(i)} * b.get<i16>(i)) >> 14) + 1;
    r.set<u16>(i, static_cast<u16>(t >> 1));
  }
  return r;
}

/// PABSB/W/D: the unsigned absolute value of each source lane (the most
/// negative value stays, read as unsigned: 80h for bytes).
template <class T>
Vec128 pabs(const Vec128&, const Vec128& b, unsigned n, u8) {
  using U = std::make_unsigned_t<T>;
  Vec128 r;
  for (unsigned i = 0; i < n / sizeof(T); ++i) {
    const T s = b.get<T>(i);
    r.set<U>(i, s < 0 ? static_cast<U>(0u - static_cast<U>(s)) : static_cast<U>(s));
  }
  return r;
}

/// PALIGNR: the destination:source concatenation (destination high, 2n
/// bytes) shifted right by imm8 bytes, the low n bytes kept; shifts of 2n
/// and more give zero.
Vec128 palignr(const Vec128& a, const Vec128& b, unsigned n, u8 imm) {
  Vec128 r;
  for (unsigned i = 0; i < n; ++i) {
    const unsigned k = i + imm;
    r[i] = k < n ? b[k] : k < 2 * n ? a[k - n] : 0;
  }
  return r;
}

/// A row pair: the MMX form (NP) and the XMM form (66) of 0F 38 `op`.
#define SSSE3_ROWS(op, name, fn)                                                          \
  SIMD_ROW(opc::NP | opc::kMap38 | (op), -1, name, Pq, Qq, None, packed_mmx<fn>, 0),       \
      SIMD_ROW(opc::P66 | opc::kMap38 | (op), -1, name, Vx, Wx, None, packed_xmm<fn>, 0)

const OpcodeRow kRows[] = {
    SSSE3_ROWS(0x00, "PSHUFB", pshufb),
    SSSE3_ROWS(0x01, "PHADDW", (horizontal<u16, add_wrap<u16>>)),
    SSSE3_ROWS(0x02, "PHADDD", (horizontal<u32, add_wrap<u32>>)),
    SSSE3_ROWS(0x03, "PHADDSW", (horizontal<i16, add_sat>)),
    SSSE3_ROWS(0x04, "PMADDUBSW", pmaddubsw),
    SSSE3_ROWS(0x05, "PHSUBW", (horizontal<u16, sub_wrap<u16>>)),
    SSSE3_ROWS(0x06, "PHSUBD", (horizontal<u32, sub_wrap<u32>>)),
    SSSE3_ROWS(0x07, "PHSUBSW", (horizontal<i16, sub_sat>)),
    SSSE3_ROWS(0x08, "PSIGNB", psign<i8>),
    SSSE3_ROWS(0x09, "PSIGNW", psign<i16>),
    SSSE3_ROWS(0x0A, "PSIGND", psign<i32>),
    SSSE3_ROWS(0x0B, "PMULHRSW", pmulhrsw),
    SSSE3_ROWS(0x1C, "PABSB", pabs<i8>),
    SSSE3_ROWS(0x1D, "PABSW", pabs<i16>),
    SSSE3_ROWS(0x1E, "PABSD", pabs<i32>),
    SIMD_ROW(opc::NP | opc::kMap3A | 0x0F, -1, "PALIGNR", Pq, Qq, Ib, packed_mmx<palignr>, 0),
    SIMD_ROW(opc::P66 | opc::kMap3A | 0x0F, -1, "PALIGNR", Vx, Wx, Ib, packed_xmm<palignr>, 0),
};

#undef SSSE3_ROWS

}  // namespace

std::span<const OpcodeRow> ssse3_rows() { return kRows; }

}  // namespace gb::simd
