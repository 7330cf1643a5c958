// The machine state the SIMD oracle sets before a sequence and compares
// after it, the same in the native helper and in Glassbox; its fixed-size
// little-endian serialisation (the record/replay vectors) and FXSAVE's
// image of it (SDM Vol. 2A FXSAVE, Table 3-53, 32-bit format).
#pragma once
#include <array>
#include <string>

#include "mmu/endian.hpp"
#include "mmu/types.hpp"

namespace gb::simd_oracle {

constexpr u32 kBuf = 0x0020'0000u;  ///< data buffer, at the same linear address natively and in the guest
constexpr u32 kMemBytes = 0xA0;     ///< the part of it operands reach ([esi+0..7Fh], 16 bytes wide) and compared
constexpr u32 kArith = 0x8D5;       ///< CF PF AF ZF SF OF
constexpr std::array<u8, 6> kR32{0, 1, 2, 3, 5, 7};  ///< EAX ECX EDX EBX EBP EDI: never ESP, ESI (= kBuf)

struct State {
  std::array<std::array<u8, 16>, 8> xmm{};
  std::array<u64, 8> mm{};   ///< x87 physical registers R0-R7: significand (= MMi)
  std::array<u16, 8> mse{};  ///< and sign/exponent
  u16 fcw = 0x037F;
  u16 fsw = 0;
  u8 ftw = 0;  ///< abridged tag word: bit i set = physical register i not empty
  u32 mxcsr = 0x1F80;
  std::array<u32, 8> gpr{};  ///< EAX..EDI (ESP unused, ESI = kBuf)
  u32 eflags = 0;            ///< arithmetic flags only
  std::array<u8, kMemBytes> mem{};

  friend bool operator==(const State&, const State&) = default;
};

constexpr std::size_t kStateBytes = 16 * 8 + 10 * 8 + 2 + 2 + 1 + 4 + 4 * 8 + 4 + kMemBytes;

inline void serialize(const State& s, u8* p) {
  for (const auto& x : s.xmm) { for (u8 b : x) *p++ = b; }
  for (unsigned i = 0; i < 8; ++i) { store_le<u64>(p, s.mm[i]); store_le<u16>(p + 8, s.mse[i]); p += 10; }
  store_le<u16>(p, s.fcw); store_le<u16>(p + 2, s.fsw); p[4] = s.ftw; store_le<u32>(p + 5, s.mxcsr); p += 9;
  for (u32 g : s.gpr) { store_le<u32>(p, g); p += 4; }
  store_le<u32>(p, s.eflags); p += 4;
  for (u8 b : s.mem) *p++ = b;
}

inline State deserialize(const u8* p) {
  State s;
  for (auto& x : s.xmm) { for (u8& b : x) b = *p++; }
  for (unsigned i = 0; i < 8; ++i) { s.mm[i] = load_le<u64>(p); s.mse[i] = load_le<u16>(p + 8); p += 10; }
  s.fcw = load_le<u16>(p); s.fsw = load_le<u16>(p + 2); s.ftw = p[4]; s.mxcsr = load_le<u32>(p + 5); p += 9;
  for (u32& g : s.gpr) { g = load_le<u32>(p); p += 4; }
  s.eflags = load_le<u32>(p); p += 4;
  for (u8& b : s.mem) b = *p++;
  return s;
}

/// The FXRSTOR image of `s` (512 bytes): the x87 registers in stack order
/// (slot i = ST(i) = R[(TOP + i) mod 8]), MXCSR, XMM0-7; the rest zero.
inline void to_fxsave(const State& s, u8* img) {
  for (unsigned i = 0; i < 512; ++i) img[i] = 0;
  store_le<u16>(img + 0, s.fcw);
  store_le<u16>(img + 2, s.fsw);
  img[4] = s.ftw;
  store_le<u32>(img + 24, s.mxcsr);
  const unsigned top = (s.fsw >> 11) & 7;
  for (unsigned i = 0; i < 8; ++i) {
    const unsigned p = (top + i) & 7;
    store_le<u64>(img + 32 + 16 * i, s.mm[p]);
    store_le<u16>(img + 40 + 16 * i, s.mse[p]);
  }
  for (unsigned i = 0; i < 8; ++i) {
    for (unsigned b = 0; b < 16; ++b) img[160 + 16 * i + b] = s.xmm[i][b];
  }
}

/// The FPU/SSE part of `s` from an FXSAVE image (GPRs, flags, memory stay).
inline void from_fxsave(const u8* img, State& s) {
  s.fcw = load_le<u16>(img + 0);
  s.fsw = load_le<u16>(img + 2);
  s.ftw = img[4];
  s.mxcsr = load_le<u32>(img + 24);
  const unsigned top = (s.fsw >> 11) & 7;
  for (unsigned i = 0; i < 8; ++i) {
    const unsigned p = (top + i) & 7;
    s.mm[p] = load_le<u64>(img + 32 + 16 * i);
    s.mse[p] = load_le<u16>(img + 40 + 16 * i);
  }
  for (unsigned i = 0; i < 8; ++i) {
    for (unsigned b = 0; b < 16; ++b) s.xmm[i][b] = img[160 + 16 * i + b];
  }
}

/// "xmm3 00112233...FF" style text: a 16-byte register as two 64-bit halves, high first.
std::string hex_xmm(const std::array<u8, 16>& x);
/// 16 bytes at `p` as hex, in groups of 4 (a memory row of a diff).
std::string hex_row(const u8* p);
/// The fields where `a` and `b` differ, one per line, with `in` for reference.
std::string describe_diff(const State& in, const State& a, const State& b, const char* an, const char* bn);
/// The whole state, a few lines (the inputs of a mismatch).
std::string describe(const State& s);

}  // namespace gb::simd_oracle
