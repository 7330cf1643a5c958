// The SSE4.1 packed-integer instructions and SSE4.2's PCMPGTQ (SDM Vol. 2
// PMOVSX/PMOVZX, PMULDQ, PCMPEQQ, PACKUSDW, PMINSB/SD/UW/UD, PMAXSB/SD/UW/
// UD, PMULLD, PHMINPOSUW, PTEST, MPSADBW, PCMPGTQ), all 66 0F 38 xx or
// 66 0F 3A xx ib with XMM operands. 16-byte memory operands follow the
// legacy SSE alignment rule (exception type 4); the PMOVSX/PMOVZX memory
// operand is as wide as the source lanes and has none (type 5).
#include "cpu/simd/packed_forms.hpp"
#include "cpu/simd/rows.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

/// PMOVSX/PMOVZX: the low lanes of the source (S: signed for SX, unsigned
/// for ZX) extended to the D lanes of the destination. The memory form
/// reads just the 2, 4 or 8 bytes used.
template <class S, class D>
void pmov_extend(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  constexpr unsigned lanes = 16 / sizeof(D), bytes = lanes * sizeof(S);
  Vec128 src;
  if (d.mod() == 3) {
    src = xmm(c, d.xrm());
  } else if constexpr (bytes == 2) {
    src.set<u16>(0, c.read<u16>(d.seg, c.ea(d)));
  } else {
    src = read_mem(c, d.seg, c.ea(d), bytes, false);
  }
  Vec128 r;
  for (unsigned i = 0; i < lanes; ++i) r.set<D>(i, static_cast<D>(src.get<S>(i)));
  xmm(c, d.xreg()) = r;
}

/// PMULDQ: the signed doublewords 0 and 2 of both operands multiplied into
/// the two signed quadwords.
Vec128 pmuldq(const Vec128& a, const Vec128& b, unsigned, u8) {
  Vec128 r;
  for (unsigned i = 0; i < 2; ++i) r.set<i64>(i, i64{a.get<i32>(2 * i)} * b.get<i32>(2 * i));
  return r;
}

/// PCMPEQQ/PCMPGTQ: all ones where the quadword comparison holds.
template <bool kGreater>
Vec128 pcmpq(const Vec128& a, const Vec128& b, unsigned, u8) {
  Vec128 r;
  for (unsigned i = 0; i < 2; ++i) {
    const i64 x = a.get<i64>(i), y = b.get<i64>(i);
    r.set<u64>(i, (kGreater ? x > y : x == y) ? ~u64{0} : 0);
  }
  return r;
}

/// PACKUSDW: the destination's then the source's four signed doublewords,
/// each saturated to an unsigned word.
Vec128 packusdw(const Vec128& a, const Vec128& b, unsigned, u8) {
  Vec128 r;
  for (unsigned i = 0; i < 4; ++i) {
    r.set<u16>(i, saturate<u16>(a.get<i32>(i)));
    r.set<u16>(i + 4, saturate<u16>(b.get<i32>(i)));
  }
  return r;
}

/// PMINxx/PMAXxx: lane by lane, T says signed or unsigned.
template <class T, bool kMax>
Vec128 minmax(const Vec128& a, const Vec128& b, unsigned, u8) {
  Vec128 r;
  for (unsigned i = 0; i < 16 / sizeof(T); ++i) {
    const T x = a.get<T>(i), y = b.get<T>(i);
    r.set<T>(i, (kMax ? x < y : y < x) ? y : x);
  }
  return r;
}

/// PMULLD: the low doubleword of each signed product (the low 32 bits do
/// not depend on signedness).
Vec128 pmulld(const Vec128& a, const Vec128& b, unsigned, u8) {
  Vec128 r;
  for (unsigned i = 0; i < 4; ++i) r.set<u32>(i, a.get<u32>(i) * b.get<u32>(i));
  return r;
}

/// PHMINPOSUW: the smallest unsigned word of the source in word 0, its index
/// (the lowest on ties) in bits 18-16, zero above.
Vec128 phminposuw(const Vec128&, const Vec128& b, unsigned, u8) {
  unsigned at = 0;
  for (unsigned i = 1; i < 8; ++i) {
    if (b.get<u16>(i) < b.get<u16>(at)) at = i;
  }
  Vec128 r;
  r.set<u16>(0, b.get<u16>(at));
  r.set<u16>(1, static_cast<u16>(at));
  return r;
}

/// MPSADBW: word i (0-7) is the sum of absolute differences of the four
/// destination bytes from offset imm8[2]×4 + i with the four source bytes
/// at imm8[1:0]×4.
Vec128 mpsadbw(const Vec128& a, const Vec128& b, unsigned, u8 imm) {
  const unsigned src_off = (imm & 3) * 4, dst_off = ((imm >> 2) & 1) * 4;
  Vec128 r;
  for (unsigned i = 0; i < 8; ++i) {
    unsigned sum = 0;
    for (unsigned j = 0; j < 4; ++j) {
      const int x = a[dst_off + i + j], y = b[src_off + j];
      sum += static_cast<unsigned>(x > y ? x - y : y - x);
    }
    r.set<u16>(i, static_cast<u16>(sum));
  }
  return r;
}

/// PTEST: ZF when destination AND source is zero, CF when source AND NOT
/// destination is zero; AF, OF, PF and SF cleared (SDM Vol. 2 PTEST).
void ptest(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const Vec128 b = read_w(c, d, 16, true);
  const Vec128& a = xmm(c, d.xreg());
  const bool zf = ((a.lo() & b.lo()) | (a.hi() & b.hi())) == 0;
  const bool cf = ((~a.lo() & b.lo()) | (~a.hi() & b.hi())) == 0;
  c.state().flags.set_all((zf ? fl::ZF : 0) | (cf ? fl::CF : 0));
}

using namespace opc;
#define XMM_ROW(op, name, fn) SIMD_ROW(P66 | kMap38 | (op), -1, name, Vx, Wx, None, packed_xmm<fn>, 0)

const OpcodeRow kSse41Rows[] = {
    SIMD_ROW(P66 | kMap38 | 0x20, -1, "PMOVSXBW", Vx, Wx, None, (pmov_extend<i8, i16>), 0),
    SIMD_ROW(P66 | kMap38 | 0x21, -1, "PMOVSXBD", Vx, Wx, None, (pmov_extend<i8, i32>), 0),
    SIMD_ROW(P66 | kMap38 | 0x22, -1, "PMOVSXBQ", Vx, Wx, None, (pmov_extend<i8, i64>), 0),
    SIMD_ROW(P66 | kMap38 | 0x23, -1, "PMOVSXWD", Vx, Wx, None, (pmov_extend<i16, i32>), 0),
    SIMD_ROW(P66 | kMap38 | 0x24, -1, "PMOVSXWQ", Vx, Wx, None, (pmov_extend<i16, i64>), 0),
    SIMD_ROW(P66 | kMap38 | 0x25, -1, "PMOVSXDQ", Vx, Wx, None, (pmov_extend<i32, i64>), 0),
    SIMD_ROW(P66 | kMap38 | 0x30, -1, "PMOVZXBW", Vx, Wx, None, (pmov_extend<u8, u16>), 0),
    SIMD_ROW(P66 | kMap38 | 0x31, -1, "PMOVZXBD", Vx, Wx, None, (pmov_extend<u8, u32>), 0),
    SIMD_ROW(P66 | kMap38 | 0x32, -1, "PMOVZXBQ", Vx, Wx, None, (pmov_extend<u8, u64>), 0),
    SIMD_ROW(P66 | kMap38 | 0x33, -1, "PMOVZXWD", Vx, Wx, None, (pmov_extend<u16, u32>), 0),
    SIMD_ROW(P66 | kMap38 | 0x34, -1, "PMOVZXWQ", Vx, Wx, None, (pmov_extend<u16, u64>), 0),
    SIMD_ROW(P66 | kMap38 | 0x35, -1, "PMOVZXDQ", Vx, Wx, None, (pmov_extend<u32, u64>), 0),
    SIMD_ROW(P66 | kMap38 | 0x17, -1, "PTEST", Vx, Wx, None, ptest, 0),
    XMM_ROW(0x28, "PMULDQ", pmuldq),
    XMM_ROW(0x29, "PCMPEQQ", pcmpq<false>),
    XMM_ROW(0x2B, "PACKUSDW", packusdw),
    XMM_ROW(0x38, "PMINSB", (minmax<i8, false>)),
    XMM_ROW(0x39, "PMINSD", (minmax<i32, false>)),
    XMM_ROW(0x3A, "PMINUW", (minmax<u16, false>)),
    XMM_ROW(0x3B, "PMINUD", (minmax<u32, false>)),
    XMM_ROW(0x3C, "PMAXSB", (minmax<i8, true>)),
    XMM_ROW(0x3D, "PMAXSD", (minmax<i32, true>)),
    XMM_ROW(0x3E, "PMAXUW", (minmax<u16, true>)),
    XMM_ROW(0x3F, "PMAXUD", (minmax<u32, true>)),
    XMM_ROW(0x40, "PMULLD", pmulld),
    XMM_ROW(0x41, "PHMINPOSUW", phminposuw),
    SIMD_ROW(P66 | kMap3A | 0x42, -1, "MPSADBW", Vx, Wx, Ib, packed_xmm<mpsadbw>, 0),
};

const OpcodeRow kSse42Rows[] = {
    XMM_ROW(0x37, "PCMPGTQ", pcmpq<true>),
};

#undef XMM_ROW

}  // namespace

std::span<const OpcodeRow> sse41_int_rows() { return kSse41Rows; }
std::span<const OpcodeRow> sse42_int_rows() { return kSse42Rows; }

}  // namespace gb::simd
