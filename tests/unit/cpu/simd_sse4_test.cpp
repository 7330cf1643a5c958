// SSSE3, the SSE4.1 integer instructions, SSE4.2 (PCMPGTQ, PCMPxSTRx,
// CRC32), POPCNT and MOVBE (cpu/simd/ssse3.cpp, sse41_int.cpp,
// string_compare.cpp, crc32.cpp, bits_ext.cpp): hand-computed cases, the
// PCMPxSTRx ones after SDM Vol. 2B 4.1.
#include <catch2/catch.hpp>

#include <array>
#include <cstring>
#include <initializer_list>

#include "simd_rig.hpp"

using namespace gb;
using gb::test::SimdMachine;

namespace {

/// A vector from its lanes, lane 0 first; missing lanes are zero.
template <class T>
Vec128 lanes(std::initializer_list<T> v) {
  Vec128 r;
  unsigned i = 0;
  for (T x : v) r.set<T>(i++, x);
  return r;
}
Vec128 b8(std::initializer_list<u8> v) { return lanes<u8>(v); }
Vec128 w16(std::initializer_list<u16> v) { return lanes<u16>(v); }
Vec128 d32(std::initializer_list<u32> v) { return lanes<u32>(v); }
/// Bytes first, first + 1, ... (16 of them).
Vec128 ramp(u8 first) {
  Vec128 r;
  for (unsigned i = 0; i < 16; ++i) r[i] = static_cast<u8>(first + i);
  return r;
}
/// A string's bytes, zero-padded to 16 (no terminator when it has 16).
Vec128 str(const char* s) {
  Vec128 r;
  std::memcpy(r.b.data(), s, std::min<std::size_t>(std::strlen(s), 16));
  return r;
}

/// Runs `insn` (whose ModR/M names xmm0, xmm1) with xmm0 = `dst`, xmm1 =
/// `src` on `model`; returns xmm0.
Vec128 xx(std::initializer_list<u8> insn, const Vec128& dst, const Vec128& src, const char* model = "nehalem") {
  SimdMachine m(model);
  m.xmm(0) = dst;
  m.xmm(1) = src;
  m.code(insn);
  m.run();
  REQUIRE(m.completed());
  return m.xmm(0);
}
/// 66 0F 38 `op` C1: op xmm0, xmm1.
Vec128 x38(u8 op, const Vec128& dst, const Vec128& src) { return xx({0x66, 0x0F, 0x38, op, 0xC1}, dst, src); }

/// Runs NP 0F 38 `op` C1 (op mm0, mm1) with mm0 = `dst`, mm1 = `src`; returns mm0.
u64 mm38(u8 op, u64 dst, u64 src) {
  SimdMachine m("core2duo");
  m.s.fpu.r[0].sig = dst;
  m.s.fpu.r[1].sig = src;
  m.code({0x0F, 0x38, op, 0xC1});
  m.run();
  REQUIRE(m.completed());
  return m.mm(0);
}

}  // namespace

// ---- SSSE3

TEST_CASE("PSHUFB: a set bit 7 zeroes the byte; the index uses 4 (XMM) or 3 (MMX) bits", "[simd][ssse3]") {
  const Vec128 sel = b8({0x0F, 0x80, 0x01, 0x8F, 0x10, 0x7E, 0x00, 0xFF, 0x03, 0x03, 0x03, 0x03, 0x20, 0x21, 0x22, 0x23});
  CHECK(x38(0x00, ramp(0x40), sel) ==
        b8({0x4F, 0, 0x41, 0, 0x40, 0x4E, 0x40, 0, 0x43, 0x43, 0x43, 0x43, 0x40, 0x41, 0x42, 0x43}));
  // Selector bytes 07 08 80 0F 01 7A 00 FF.
  CHECK(mm38(0x00, 0x4746454443424140ull, 0xFF007A010F800807ull) == 0x0040424147004047ull);
}

TEST_CASE("PHADDW/PHADDD/PHADDSW/PHSUBW/PHSUBD/PHSUBSW: destination pairs low, source pairs high", "[simd][ssse3]") {
  const Vec128 a = w16({1, 2, 3, 4, 5, 6, 7, 8});
  const Vec128 b = w16({0x7FFF, 1, 10, 20, 0xFFFF, 1, 100, 200});
  CHECK(x38(0x01, a, b) == w16({3, 7, 11, 15, 0x8000, 30, 0, 300}));
  CHECK(x38(0x03, a, b) == w16({3, 7, 11, 15, 0x7FFF, 30, 0, 300}));
  CHECK(x38(0x05, a, b) == w16({0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0x7FFE, 0xFFF6, 0xFFFE, 0xFF9C}));
  const Vec128 s = w16({0x8000, 1, 0x7FFF, 0xFFFF, 0, 0, 5, 3});
  CHECK(x38(0x07, a, s) == w16({0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0x8000, 0x7FFF, 0, 2}));
  const Vec128 da = d32({1, 2, 0xFFFFFFFF, 1}), db = d32({10, 20, 0x80000000, 0x80000000});
  CHECK(x38(0x02, da, db) == d32({3, 0, 30, 0}));
  CHECK(x38(0x06, da, db) == d32({0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFF6, 0}));
  // MMX forms: 4 words / 2 dwords.
  CHECK(mm38(0x01, 0x0004000300020001ull, 0x0008000700060005ull) == 0x000F000B00070003ull);
  CHECK(mm38(0x02, 0x0000000200000001ull, 0x0000000400000003ull) == 0x0000000700000003ull);
  CHECK(mm38(0x07, 0x0000000100028000ull, 0x7FFFFFFF00050003ull) == 0x8000FFFE00018000ull);
}

TEST_CASE("PMADDUBSW: unsigned destination bytes x signed source bytes, pair sums saturated", "[simd][ssse3]") {
  const Vec128 a = b8({255, 255, 1, 2, 0x80, 0, 255, 255});
  const Vec128 b = b8({127, 127, 0xFF, 3, 0x80, 5, 0x80, 0x80});
  CHECK(x38(0x04, a, b) == w16({0x7FFF, 5, 0xC000, 0x8000}));
  CHECK(mm38(0x04, a.lo(), b.lo()) == 0x8000C00000057FFFull);
}

TEST_CASE("PSIGNB/W/D negate, zero or keep by the source's sign", "[simd][ssse3]") {
  CHECK(x38(0x08, b8({5, 5, 5, 0x80, 7}), b8({0xFF, 0, 7, 0xFF, 0x80})) == b8({0xFB, 0, 5, 0x80, 0xF9}));
  CHECK(x38(0x09, w16({0x1234, 0x1234, 0x8000, 0x1234}), w16({0xFFFF, 1, 0x8000, 0})) ==
        w16({0xEDCC, 0x1234, 0x8000, 0}));
  CHECK(x38(0x0A, d32({100, 100, 100, 100}), d32({0xFFFFFFFB, 0, 5, 0x80000000})) ==
        d32({0xFFFFFF9C, 0, 100, 0xFFFFFF9C}));
  CHECK(mm38(0x0A, 0x0000006400000064ull, 0x00000000FFFFFFFFull) == 0x00000000FFFFFF9Cull);
}

TEST_CASE("PMULHRSW rounds the scaled product; 8000h x 8000h gives 8000h", "[simd][ssse3]") {
  const Vec128 a = w16({0x4000, 0x8000, 0x7FFF, 0xFFFF, 0xC000});
  const Vec128 b = w16({0x4000, 0x8000, 0x7FFF, 0x0001, 0x0003});
  CHECK(x38(0x0B, a, b) == w16({0x2000, 0x8000, 0x7FFE, 0, 0xFFFF}));
  CHECK(mm38(0x0B, a.lo(), b.lo()) == 0x00007FFE80002000ull);
}

TEST_CASE("PABSB/W/D: the most negative value stays", "[simd][ssse3]") {
  CHECK(x38(0x1C, ramp(0), b8({0x80, 0xFF, 0x7F, 0, 0xF6})) == b8({0x80, 1, 0x7F, 0, 10}));
  CHECK(x38(0x1D, ramp(0), w16({0x8000, 0xFFFE, 3})) == w16({0x8000, 2, 3}));
  CHECK(x38(0x1E, ramp(0), d32({0x80000000, 0xFFFFFFFF, 5})) == d32({0x80000000, 1, 5}));
  CHECK(mm38(0x1D, ~0ull, 0x8000FFFE0003FFFFull) == 0x8000000200030001ull);
}

TEST_CASE("PALIGNR: shifts of the concatenation, zero from 32 (XMM) or 16 (MMX) bytes on", "[simd][ssse3]") {
  auto xmm_palignr = [](u8 imm) {
    return xx({0x66, 0x0F, 0x3A, 0x0F, 0xC1, imm}, ramp(0x20), ramp(0x10));
  };
  CHECK(xmm_palignr(0) == ramp(0x10));
  CHECK(xmm_palignr(5) == b8({0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x21, 0x22,
                              0x23, 0x24}));
  CHECK(xmm_palignr(16) == ramp(0x20));
  CHECK(xmm_palignr(20) == b8({0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F}));
  CHECK(xmm_palignr(31) == b8({0x2F}));
  CHECK(xmm_palignr(32) == Vec128{});
  CHECK(xmm_palignr(255) == Vec128{});

  auto mmx_palignr = [](u8 imm) {
    SimdMachine m("core2duo");
    m.s.fpu.r[2].sig = 0x2726252423222120ull;
    m.s.fpu.r[3].sig = 0x1716151413121110ull;
    m.code({0x0F, 0x3A, 0x0F, 0xD3, imm});  // PALIGNR mm2, mm3, imm
    m.run();
    REQUIRE(m.completed());
    return m.mm(2);
  };
  CHECK(mmx_palignr(3) == 0x2221201716151413ull);
  CHECK(mmx_palignr(8) == 0x2726252423222120ull);
  CHECK(mmx_palignr(12) == 0x0000000027262524ull);
  CHECK(mmx_palignr(16) == 0);
  CHECK(mmx_palignr(200) == 0);
}

TEST_CASE("SSSE3: aligned XMM memory operands, unaligned MMX ones; MMX state; model gating", "[simd][ssse3]") {
  SimdMachine m("core2duo");
  for (unsigned i = 0; i < 16; ++i) m.data(0x100)[i] = static_cast<u8>(0xF0 - i);
  m.xmm(3) = ramp(0);
  m.code({0x66, 0x0F, 0x38, 0x1C, 0x1E, 0x00, 0x01});  // PABSB xmm3, [0100h]
  m.code({0xD9, 0xE8});                                // FLD1 (TOP = 7)
  m.code({0x0F, 0x38, 0x1C, 0x26, 0x03, 0x01});        // PABSB mm4, [0103h]
  m.run();
  REQUIRE(m.completed());
  CHECK(m.xmm(3) == ramp(16));  // F0h EFh ... E1h
  CHECK(m.mm(4) == 0x1A19181716151413ull);  // EDh ... E6h
  CHECK(m.s.fpu.top() == 0);
  CHECK(m.s.fpu.r[4].se == 0xFFFF);

  SimdMachine mis("core2duo");
  mis.code({0x66, 0x0F, 0x38, 0x00, 0x06, 0x08, 0x01});  // PSHUFB xmm0, [0108h]
  mis.run();
  CHECK(mis.in_handler(13));

  SimdMachine pm("pentium-m");  // SSE2 only: no 0F 38 map
  pm.code({0x66, 0x0F, 0x38, 0x00, 0xC1});
  pm.run();
  CHECK(pm.in_handler(6));

  SimdMachine f3;  // F3 0F 38 00 is undefined
  f3.code({0xF3, 0x0F, 0x38, 0x00, 0xC1});
  f3.run();
  CHECK(f3.in_handler(6));
}

// ---- SSE4.1

TEST_CASE("PMOVSX/PMOVZX read only the source width from memory, unaligned", "[simd][sse41]") {
  // The six forms BW BD BQ WD WQ DQ (base + 0..5) into xmm0..xmm5 from [0101h].
  auto pmov = [](u8 base) {
    SimdMachine m;
    const u8 src[8] = {0x80, 0x7F, 0xFF, 0x01, 0x00, 0x81, 0x02, 0xFE};
    std::memcpy(m.data(0x101), src, 8);
    for (u8 i = 0; i < 6; ++i) m.code({0x66, 0x0F, 0x38, static_cast<u8>(base + i), static_cast<u8>(0x06 | i << 3), 0x01, 0x01});
    m.run();
    REQUIRE(m.completed());
    return std::array<Vec128, 6>{m.xmm(0), m.xmm(1), m.xmm(2), m.xmm(3), m.xmm(4), m.xmm(5)};
  };
  const auto sx = pmov(0x20);
  CHECK(sx[0] == w16({0xFF80, 0x007F, 0xFFFF, 0x0001, 0x0000, 0xFF81, 0x0002, 0xFFFE}));
  CHECK(sx[1] == d32({0xFFFFFF80, 0x7F, 0xFFFFFFFF, 1}));
  CHECK(sx[2] == Vec128::from(0xFFFFFFFFFFFFFF80ull, 0x7F));
  CHECK(sx[3] == d32({0x7F80, 0x01FF, 0xFFFF8100, 0xFFFFFE02}));
  CHECK(sx[4] == Vec128::from(0x7F80, 0x01FF));
  CHECK(sx[5] == Vec128::from(0x01FF7F80, 0xFFFFFFFFFE028100ull));
  const auto zx = pmov(0x30);
  CHECK(zx[0] == w16({0x80, 0x7F, 0xFF, 0x01, 0x00, 0x81, 0x02, 0xFE}));
  CHECK(zx[1] == d32({0x80, 0x7F, 0xFF, 1}));
  CHECK(zx[2] == Vec128::from(0x80, 0x7F));
  CHECK(zx[3] == d32({0x7F80, 0x01FF, 0x8100, 0xFE02}));
  CHECK(zx[4] == Vec128::from(0x7F80, 0x01FF));
  CHECK(zx[5] == Vec128::from(0x01FF7F80, 0xFE028100ull));

  // Register form; and a 2-byte source at the segment's last word: no #GP.
  CHECK(x38(0x23, ramp(0), w16({0x8000, 5})) == d32({0xFFFF8000, 5, 0, 0}));
  SimdMachine edge;
  edge.put<u16>(0xFFFE, 0x80FF);
  edge.code({0x66, 0x0F, 0x38, 0x22, 0x06, 0xFE, 0xFF});  // PMOVSXBQ xmm0, [FFFEh]
  edge.run();
  REQUIRE(edge.completed());
  CHECK(edge.xmm(0) == Vec128::from(~0ull, 0xFFFFFFFFFFFFFF80ull));
  SimdMachine over;
  over.code({0x66, 0x0F, 0x38, 0x21, 0x06, 0xFE, 0xFF});  // PMOVSXBD xmm0, [FFFEh]: 4 bytes
  over.run();
  CHECK(over.in_handler(13));
}

TEST_CASE("PMULDQ, PMULLD, PCMPEQQ, PCMPGTQ, PACKUSDW", "[simd][sse41]") {
  CHECK(x38(0x28, d32({0xFFFFFFFE, 9, 0x7FFFFFFF, 9}), d32({3, 9, 0x7FFFFFFF, 9})) ==
        Vec128::from(0xFFFFFFFFFFFFFFFAull, 0x3FFFFFFF00000001ull));
  CHECK(x38(0x40, d32({0x10000, 0xFFFFFFFF, 7, 0x12345678}), d32({0x10000, 0xFFFFFFFF, 0xFFFFFFFD, 0x10})) ==
        d32({0, 1, 0xFFFFFFEB, 0x23456780}));
  const Vec128 qa = Vec128::from(2, 0x8000000000000000ull), qb = Vec128::from(1, 0x8000000000000000ull);
  CHECK(x38(0x29, qa, qb) == Vec128::from(0, ~0ull));
  CHECK(x38(0x37, qa, qb) == Vec128::from(~0ull, 0));
  CHECK(x38(0x37, Vec128::from(0x8000000000000000ull, 5), Vec128::from(1, 0xFFFFFFFFFFFFFFFFull)) ==
        Vec128::from(0, ~0ull));
  CHECK(x38(0x2B, d32({0xFFFFFFFF, 0x10000, 0xFFFF, 5}), d32({0x7FFFFFFF, 0x80000000, 0, 0x1234})) ==
        w16({0, 0xFFFF, 0xFFFF, 5, 0xFFFF, 0, 0, 0x1234}));
}

TEST_CASE("PMINSB/SD/UW/UD and PMAXSB/SD/UW/UD: signed and unsigned lanes", "[simd][sse41]") {
  const Vec128 ba = b8({0x80, 0x7F, 3}), bb = b8({0x01, 0xFF, 3});
  CHECK(x38(0x38, ba, bb) == b8({0x80, 0xFF, 3}));
  CHECK(x38(0x3C, ba, bb) == b8({0x01, 0x7F, 3}));
  const Vec128 wa = w16({0x8000, 1}), wb = w16({0x7FFF, 2});
  CHECK(x38(0x3A, wa, wb) == w16({0x7FFF, 1}));
  CHECK(x38(0x3E, wa, wb) == w16({0x8000, 2}));
  const Vec128 da = d32({0x80000000, 5}), db = d32({1, 0xFFFFFFFF});
  CHECK(x38(0x39, da, db) == d32({0x80000000, 0xFFFFFFFF}));
  CHECK(x38(0x3D, da, db) == d32({1, 5}));
  CHECK(x38(0x3B, da, db) == d32({1, 5}));
  CHECK(x38(0x3F, da, db) == d32({0x80000000, 0xFFFFFFFF}));
}

TEST_CASE("PHMINPOSUW: the minimum and its lowest index", "[simd][sse41]") {
  CHECK(x38(0x41, ramp(0x55), w16({5, 3, 9, 3, 0xFFFF, 4, 3, 7})) == w16({3, 1}));
  CHECK(x38(0x41, ramp(0x55), w16({9, 9, 9, 9, 9, 9, 9, 2})) == w16({2, 7}));
  CHECK(x38(0x41, ramp(0x55), Vec128::from(~0ull, ~0ull)) == w16({0xFFFF, 0}));
}

TEST_CASE("PTEST sets ZF and CF and clears the other arithmetic flags", "[simd][sse41]") {
  auto ptest = [](const Vec128& a, const Vec128& b) {
    SimdMachine m;
    m.xmm(0) = a;
    m.xmm(1) = b;
    m.code({0xB0, 0x7F, 0x04, 0x01});              // MOV AL, 7Fh; ADD AL, 1: OF SF AF set
    m.code({0x66, 0x0F, 0x38, 0x17, 0xC1});        // PTEST xmm0, xmm1
    m.run();
    REQUIRE(m.completed());
    return m.s.flags.all();
  };
  const Vec128 lo = Vec128::from(0x0F0F0F0F0F0F0F0Full, 0x0F0F0F0F0F0F0F0Full);
  const Vec128 hi = Vec128::from(0xF0F0F0F0F0F0F0F0ull, 0xF0F0F0F0F0F0F0F0ull);
  CHECK(ptest(lo, hi) == fl::ZF);                              // lo AND hi = 0; hi AND NOT lo != 0
  CHECK(ptest(lo, Vec128::from(0, 0x0100000000000000ull)) == fl::CF);  // a subset, not disjoint
  CHECK(ptest(lo, Vec128{}) == (fl::ZF | fl::CF));
  CHECK(ptest(lo, Vec128::from(0x11, 0)) == 0);
}

TEST_CASE("MPSADBW: source block imm8[1:0], destination offset imm8[2]", "[simd][sse41]") {
  const Vec128 a = ramp(0);
  const Vec128 b = b8({0, 0, 0, 0, 10, 20, 30, 40, 1, 1, 1, 1, 255, 0, 255, 0});
  auto mpsadbw = [&](u8 imm) { return xx({0x66, 0x0F, 0x3A, 0x42, 0xC1, imm}, a, b); };
  CHECK(mpsadbw(0) == w16({6, 10, 14, 18, 22, 26, 30, 34}));
  CHECK(mpsadbw(5) == w16({78, 74, 70, 66, 62, 58, 54, 52}));
  CHECK(mpsadbw(3) == w16({512, 512, 512, 512, 512, 512, 512, 512}));
  CHECK(mpsadbw(2) == w16({4, 6, 10, 14, 18, 22, 26, 30}));
  CHECK(mpsadbw(0xFA) == mpsadbw(2));  // imm8[7:3] ignored
}

TEST_CASE("SSE4.1 needs the model and aligned 16-byte operands", "[simd][sse41]") {
  SimdMachine c2("core2duo");
  c2.code({0x66, 0x0F, 0x38, 0x40, 0xC1});  // PMULLD
  c2.run();
  CHECK(c2.in_handler(6));
  SimdMachine mis;
  mis.code({0x66, 0x0F, 0x38, 0x17, 0x06, 0x04, 0x01});  // PTEST xmm0, [0104h]
  mis.run();
  CHECK(mis.in_handler(13));
}

// ---- SSE4.2 PCMPxSTRx (SDM Vol. 2B 4.1)

namespace {

struct StrResult {
  u32 ecx;
  Vec128 xmm0;
  u32 flags;  ///< the six arithmetic flags
};

/// 66 0F 3A `op` CA ib: op xmm1, xmm2, imm8 with xmm1 = `a`, xmm2 = `b`,
/// EAX/EDX the explicit lengths.
StrResult pcmpstr(u8 op, u8 imm, const Vec128& a, const Vec128& b, u32 eax = 0, u32 edx = 0) {
  SimdMachine m;
  m.xmm(0) = Vec128::from(0x5555555555555555ull, 0x5555555555555555ull);
  m.xmm(1) = a;
  m.xmm(2) = b;
  m.s.gpr[EAX] = eax;
  m.s.gpr[EDX] = edx;
  m.s.gpr[ECX] = 0xDEADBEEF;
  m.code({0x66, 0x0F, 0x3A, op, 0xCA, imm});
  m.run();
  REQUIRE(m.completed());
  return {static_cast<u32>(m.s.gpr[ECX]), m.xmm(0), m.s.flags.all()};
}
constexpr u8 kEstrm = 0x60, kEstri = 0x61, kIstrm = 0x62, kIstri = 0x63;
constexpr u32 kCZSO = fl::CF | fl::ZF | fl::SF | fl::OF;

}  // namespace

TEST_CASE("PCMPISTRx Equal Any (unsigned bytes): polarity, masked negative, LSB/MSB, masks", "[simd][sse42]") {
  const Vec128 set = str("aeiou"), text = str("hello world");  // e@1 o@4 o@7, null at 11
  StrResult r = pcmpstr(kIstri, 0x00, set, text);
  CHECK(r.ecx == 1);
  CHECK(r.flags == (fl::CF | fl::ZF | fl::SF));
  CHECK(pcmpstr(kIstri, 0x40, set, text).ecx == 7);
  r = pcmpstr(kIstrm, 0x00, set, text);
  CHECK(r.xmm0 == w16({0x0092}));
  CHECK(pcmpstr(kIstrm, 0x40, set, text).xmm0 == b8({0, 0xFF, 0, 0, 0xFF, 0, 0, 0xFF}));
  // Negative: every bit inverted (FF6Dh), so bit 0 and OF.
  r = pcmpstr(kIstrm, 0x10, set, text);
  CHECK(r.xmm0 == w16({0xFF6D}));
  CHECK(r.flags == kCZSO);
  // Masked negative: only the 11 valid elements of the text inverted.
  r = pcmpstr(kIstrm, 0x30, set, text);
  CHECK(r.xmm0 == w16({0x076D}));
  CHECK(pcmpstr(kIstri, 0x70, set, text).ecx == 10);
  // Masked positive is positive.
  CHECK(pcmpstr(kIstrm, 0x20, set, text).xmm0 == w16({0x0092}));
  // Nothing found: ECX = 16, CF clear.
  r = pcmpstr(kIstri, 0x00, str("xyz"), text);
  CHECK(r.ecx == 16);
  CHECK(r.flags == (fl::ZF | fl::SF));
}

TEST_CASE("PCMPESTRx Ranges with signed and unsigned words", "[simd][sse42]") {
  // xmm1: ranges [-10, 10] and [100, 200]; xmm2: 5 -20 150 300 -10 0 | 0 0.
  const Vec128 ranges = w16({0xFFF6, 10, 100, 200, 0x5555, 0x5555, 0x5555, 0x5555});
  const Vec128 text = w16({5, 0xFFEC, 150, 300, 0xFFF6, 0, 0, 0});
  StrResult r = pcmpstr(kEstri, 0x07, ranges, text, 4, static_cast<u32>(-6));
  CHECK(r.ecx == 0);
  CHECK(r.flags == kCZSO);
  CHECK(pcmpstr(kEstri, 0x47, ranges, text, 4, static_cast<u32>(-6)).ecx == 5);
  CHECK(pcmpstr(kEstrm, 0x07, ranges, text, 4, 6).xmm0 == w16({0x35}));
  CHECK(pcmpstr(kEstrm, 0x47, ranges, text, 4, 6).xmm0 == w16({0xFFFF, 0, 0xFFFF, 0, 0xFFFF, 0xFFFF}));
  // Unsigned: FFF6h..10 is empty; only 150 lies in [100, 200].
  r = pcmpstr(kEstri, 0x05, ranges, text, 4, 6);
  CHECK(r.ecx == 2);
  CHECK(r.flags == (fl::CF | fl::ZF | fl::SF));
  // An odd length leaves the last lower bound without its upper one: [-10, 10] only.
  CHECK(pcmpstr(kEstrm, 0x07, ranges, text, 3, 6).xmm0 == w16({0x31}));
}

TEST_CASE("PCMPxSTRx Ranges with signed and unsigned bytes", "[simd][sse42]") {
  // "az" ranges over a text with a byte above 7Fh: unsigned 'a'..'z'; the
  // range 80h..7Fh is -128..127 signed (everything), empty unsigned.
  const Vec128 text = b8({'a', 'B', 'z', 0xE0, '{', '0'});
  CHECK(pcmpstr(kIstrm, 0x04, str("az"), text).xmm0 == w16({0x05}));
  CHECK(pcmpstr(kIstrm, 0x06, b8({0x80, 0x7F}), text).xmm0 == w16({0x3F}));
  StrResult r = pcmpstr(kIstrm, 0x04, b8({0x80, 0x7F}), text);
  CHECK(r.xmm0 == Vec128{});
  CHECK(r.flags == (fl::ZF | fl::SF));
}

TEST_CASE("PCMPESTRx Equal Each: invalid pairs; strcmp-style negative polarity", "[simd][sse42]") {
  const Vec128 a = str("abcdefghijklmnop"), b = str("abXdefghijklmnop");
  // Lengths 5 and 7: pairs 0-4 compared, 5-6 one side invalid (false), 7-15 both invalid (true).
  StrResult r = pcmpstr(kEstrm, 0x08, a, b, 5, 7);
  CHECK(r.xmm0 == w16({0xFF9B}));
  CHECK(r.flags == kCZSO);
  r = pcmpstr(kEstrm, 0x58, a, b, 5, 7);  // negative, expanded
  CHECK(r.xmm0 == b8({0, 0, 0xFF, 0, 0, 0xFF, 0xFF}));
  CHECK(pcmpstr(kEstri, 0x18, a, b, 5, 7).ecx == 2);   // first difference
  CHECK(pcmpstr(kEstri, 0x58, a, b, 5, 7).ecx == 6);   // last difference
  // Masked negative: only the 7 valid pairs of xmm2 inverted.
  CHECK(pcmpstr(kEstrm, 0x38, a, b, 5, 7).xmm0 == w16({0xFFE4}));
  // Lengths saturate at 16 from |EAX|, |EDX|, INT_MIN included.
  r = pcmpstr(kEstrm, 0x08, a, a, 0x80000000, static_cast<u32>(-100));
  CHECK(r.xmm0 == w16({0xFFFF}));
  CHECK(r.flags == (fl::CF | fl::OF));
  CHECK(pcmpstr(kEstrm, 0x08, a, a, 17, static_cast<u32>(-16)).flags == (fl::CF | fl::OF));
  // Words: 8 elements, length 9 saturates to 8.
  r = pcmpstr(kEstri, 0x19, w16({1, 2, 3, 4, 5, 6, 7, 8}), w16({1, 2, 3, 4, 5, 6, 7, 0}), 9, 8);
  CHECK(r.ecx == 7);
  CHECK(r.flags == fl::CF);
}

TEST_CASE("PCMPxSTRx Equal Ordered: substring search, partial match at the end", "[simd][sse42]") {
  // Signed bytes (imm8 0Eh): "lo" in "hello world lo" at 3 and 12.
  StrResult r = pcmpstr(kIstri, 0x0E, str("lo"), str("hello world lo"));
  CHECK(r.ecx == 3);
  CHECK(r.flags == (fl::CF | fl::ZF | fl::SF));
  CHECK(pcmpstr(kIstri, 0x4E, str("lo"), str("hello world lo")).ecx == 12);
  CHECK(pcmpstr(kIstrm, 0x0C, str("lo"), str("hello world lo")).xmm0 == w16({0x1008}));
  // A full 16-byte text: a needle running past its end still matches.
  r = pcmpstr(kIstrm, 0x0C, str("lo"), str("xxxxxxxxxxxxxxxl"));
  CHECK(r.xmm0 == w16({0x8000}));
  CHECK(r.flags == (fl::CF | fl::SF));
  // An empty needle matches everywhere.
  r = pcmpstr(kIstri, 0x0C, Vec128{}, str("abc"));
  CHECK(r.ecx == 0);
  CHECK(pcmpstr(kIstrm, 0x0C, Vec128{}, str("abc")).xmm0 == w16({0xFFFF}));
  // Explicit lengths with unsigned words: needle 2 elements.
  CHECK(pcmpstr(kEstrm, 0x0D, w16({7, 8, 9}), w16({8, 7, 8, 7, 8, 9, 7, 8}), 2, 8).xmm0 == w16({0x4A}));
}

TEST_CASE("PCMPxSTRx Equal Any with words; the memory operand needs no alignment; ECX written whole", "[simd][sse42]") {
  StrResult r = pcmpstr(kEstrm, 0x01, w16({0x1234, 0xFFFF}), w16({0, 0xFFFF, 0x1234, 5, 0x1234, 6, 7, 8}), 2, 8);
  CHECK(r.xmm0 == w16({0x16}));
  CHECK(r.flags == (fl::CF | fl::SF));
  CHECK(pcmpstr(kEstrm, 0x41, w16({0x1234, 0xFFFF}), w16({0, 0xFFFF, 0x1234, 5, 0x1234, 6, 7, 8}), 2, 8).xmm0 ==
        w16({0, 0xFFFF, 0xFFFF, 0, 0xFFFF}));
  // Signed words: FFFFh is -1 on both sides, the same element.
  CHECK(pcmpstr(kEstri, 0x03, w16({0xFFFF}), w16({1, 2, 0xFFFF}), 1, 3).ecx == 2);

  SimdMachine m;
  m.xmm(0) = str("aeiou");
  std::memcpy(m.data(0x103), "hello world", 12);
  m.s.gpr[ECX] = 0xFFFFFFFF;
  m.code({0x66, 0x0F, 0x3A, 0x63, 0x06, 0x03, 0x01, 0x40});  // PCMPISTRI xmm0, [0103h], 40h
  m.code({0x66, 0x0F, 0x3A, 0x62, 0x06, 0x03, 0x01, 0x00});  // PCMPISTRM xmm0, [0103h], 00h
  m.run();
  REQUIRE(m.completed());
  CHECK(m.s.gpr[ECX] == 7);
  CHECK(m.xmm(0) == w16({0x92}));

  SimdMachine c2("core2duo");
  c2.code({0x66, 0x0F, 0x3A, 0x63, 0xC1, 0x00});
  c2.run();
  CHECK(c2.in_handler(6));
}

// ---- CRC32, POPCNT, MOVBE

TEST_CASE("CRC32: CRC-32C steps, byte, word and dword sources", "[simd][sse42]") {
  // CRC-32C("123456789") = E3069283h with init FFFFFFFFh and final NOT, so
  // the instruction steps from FFFFFFFFh give its complement 1CF96D7Ch.
  SimdMachine m;
  std::memcpy(m.data(0x100), "123456789", 9);
  m.s.gpr[EAX] = 0xFFFFFFFF;
  m.s.gpr[EBX] = 0xFFFFFFFF;
  m.s.gpr[EDX] = 0xFFFFFFFF;
  m.code({0x66, 0xF2, 0x0F, 0x38, 0xF1, 0x06, 0x00, 0x01});  // CRC32 EAX, dword [0100h]
  m.code({0xF2, 0x66, 0x0F, 0x38, 0xF1, 0x06, 0x04, 0x01});  // CRC32 EAX, dword [0104h] (66 after F2)
  m.code({0xF2, 0x0F, 0x38, 0xF0, 0x06, 0x08, 0x01});        // CRC32 EAX, byte [0108h]
  for (u8 off = 0; off < 8; off += 2) m.code({0xF2, 0x0F, 0x38, 0xF1, 0x1E, off, 0x01});  // CRC32 EBX, word
  m.code({0xF2, 0x0F, 0x38, 0xF0, 0x1E, 0x08, 0x01});        // CRC32 EBX, byte [0108h]
  for (u8 off = 0; off < 9; ++off) {
    m.code({0x8A, 0x0E, off, 0x01});                         // MOV CL, [0100h + off]
    m.code({0xF2, 0x0F, 0x38, 0xF0, 0xD1});                  // CRC32 EDX, CL
  }
  m.run(400);
  REQUIRE(m.completed());
  CHECK(m.s.gpr[EAX] == 0x1CF96D7C);
  CHECK(static_cast<u32>(~m.s.gpr[EAX]) == 0xE3069283);
  CHECK(m.s.gpr[EBX] == 0x1CF96D7C);
  CHECK(m.s.gpr[EDX] == 0x1CF96D7C);

  // iSCSI test vector (RFC 3720 B.4): 32 zero bytes give CRC-32C 8A9136AAh.
  SimdMachine z;
  z.s.gpr[ESI] = 0xFFFFFFFF;
  for (int i = 0; i < 8; ++i) z.code({0x66, 0xF2, 0x0F, 0x38, 0xF1, 0x36, 0x00, 0x02});  // CRC32 ESI, dword [0200h]
  z.run();
  REQUIRE(z.completed());
  CHECK(static_cast<u32>(~z.s.gpr[ESI]) == 0x8A9136AA);

  SimdMachine c2("core2duo");
  c2.code({0xF2, 0x0F, 0x38, 0xF0, 0xC1});
  c2.run();
  CHECK(c2.in_handler(6));
}

TEST_CASE("POPCNT: 16 and 32 bits, ZF by the source, other flags cleared; 0F B8 alone is #UD", "[simd][popcnt]") {
  SimdMachine m;
  m.s.gpr[ECX] = 0xF0F0'8001;
  m.s.gpr[EBX] = 0xFFFF'FFFF;
  m.code({0xB0, 0x7F, 0x04, 0x01});        // MOV AL, 7Fh; ADD AL, 1: OF SF AF set
  m.code({0xF3, 0x0F, 0xB8, 0xD1});        // POPCNT DX, CX
  m.code({0x66, 0xF3, 0x0F, 0xB8, 0xF9});  // POPCNT EDI, ECX
  m.code({0x66, 0xF3, 0x0F, 0xB8, 0xEB});  // POPCNT EBP, EBX
  m.run();
  REQUIRE(m.completed());
  CHECK((m.s.gpr[EDX] & 0xFFFF) == 2);
  CHECK(m.s.gpr[EDI] == 10);
  CHECK(m.s.gpr[EBP] == 32);
  CHECK(m.s.flags.all() == 0);

  SimdMachine z;
  z.put<u16>(0x10, 0);
  z.s.gpr[EAX] = 0x1234'5678;
  z.code({0xF9});                          // STC
  z.code({0xF3, 0x0F, 0xB8, 0x06, 0x10, 0x00});  // POPCNT AX, [0010h]
  z.run();
  REQUIRE(z.completed());
  CHECK(z.s.gpr[EAX] == 0x1234'0000);
  CHECK(z.s.flags.all() == fl::ZF);

  SimdMachine plain;
  plain.code({0x0F, 0xB8, 0xD1});
  plain.run();
  CHECK(plain.in_handler(6));
  SimdMachine c2("core2duo");
  c2.code({0xF3, 0x0F, 0xB8, 0xD1});
  c2.run();
  CHECK(c2.in_handler(6));
}

TEST_CASE("MOVBE on the Atom: byte-reversed loads and stores, memory only; #UD elsewhere", "[simd][movbe]") {
  SimdMachine m("atom-n270");
  m.put<u32>(0x100, 0x11223344);
  m.s.gpr[EBX] = 0xAABBCCDD;
  m.s.gpr[ECX] = 0xFFFF'0102;
  m.code({0x66, 0x0F, 0x38, 0xF0, 0x06, 0x00, 0x01});  // MOVBE EAX, [0100h]
  m.code({0x0F, 0x38, 0xF0, 0x16, 0x00, 0x01});        // MOVBE DX, [0100h]
  m.code({0x66, 0x0F, 0x38, 0xF1, 0x1E, 0x10, 0x01});  // MOVBE [0110h], EBX
  m.code({0x0F, 0x38, 0xF1, 0x0E, 0x20, 0x01});        // MOVBE [0120h], CX
  m.run();
  REQUIRE(m.completed());
  CHECK(m.s.gpr[EAX] == 0x44332211);
  CHECK((m.s.gpr[EDX] & 0xFFFF) == 0x4433);
  CHECK(m.get<u32>(0x110) == 0xDDCCBBAA);
  CHECK(m.get<u16>(0x120) == 0x0201);
  CHECK(m.get<u16>(0x122) == 0);

  SimdMachine reg("atom-n270");
  reg.code({0x0F, 0x38, 0xF0, 0xC1});  // register form
  reg.run();
  CHECK(reg.in_handler(6));
  SimdMachine f2("atom-n270");  // CRC32 needs SSE4.2
  f2.code({0xF2, 0x0F, 0x38, 0xF0, 0x06, 0x00, 0x01});
  f2.run();
  CHECK(f2.in_handler(6));
  SimdMachine ssse3("atom-n270");  // the Atom has SSSE3
  ssse3.xmm(1) = b8({0x80, 0x7F});
  ssse3.code({0x66, 0x0F, 0x38, 0x1C, 0xC1});
  ssse3.run();
  REQUIRE(ssse3.completed());
  CHECK(ssse3.xmm(0) == b8({0x80, 0x7F}));
  for (const char* model : {"nehalem", "core2duo"}) {
    SimdMachine no(model);
    no.code({0x0F, 0x38, 0xF0, 0x06, 0x00, 0x01});
    no.run();
    CHECK(no.in_handler(6));
  }
}
