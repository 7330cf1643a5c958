// The SIMD floating-point instructions (cpu/simd/fp_*.cpp): SSE, SSE2, SSE3
// arithmetic, compares and conversions, SSE4.1 ROUND and DP, with the
// expected bits worked out from the SDM (Vol. 1 4.8, 4.9, 11.5; Vol. 2 per
// instruction): NaN propagation, MIN/MAX operand rules, rounding modes,
// DAZ/FTZ, integer indefinite, scalar forms keeping the upper lanes, and
// the exception rules (#XM with the destination unchanged, #UD without
// CR4.OSXMMEXCPT, #GP(0) on a misaligned packed operand).
#include <catch2/catch.hpp>
#include <cstdlib>

#include "simd_rig.hpp"

using namespace gb;
using gb::test::SimdMachine;

namespace {

// binary32 encodings.
constexpr u32 kOne = 0x3F80'0000, kTwo = 0x4000'0000, kThree = 0x4040'0000, kHalf = 0x3F00'0000;
constexpr u32 kTwoHalf = 0x4020'0000, kInf = 0x7F80'0000, kNegInf = 0xFF80'0000;
constexpr u32 kNegZero = 0x8000'0000, kMinNormal = 0x0080'0000;
constexpr u32 kQNaN = 0x7FC0'0001, kSNaN = 0x7F80'0001, kDefaultNaN = 0xFFC0'0000;
// binary64 encodings.
constexpr u64 kOneD = 0x3FF0'0000'0000'0000, kTwoD = 0x4000'0000'0000'0000;
constexpr u64 kThreeD = 0x4008'0000'0000'0000, kHalfD = 0x3FE0'0000'0000'0000;
constexpr u64 kSNaND = 0x7FF0'0000'0000'0001, kDefaultNaND = 0xFFF8'0000'0000'0000;

// MXCSR: all masked (the reset value), flags, controls.
constexpr u32 kMxcsr = 0x1F80;
constexpr u32 kMxIE = 0x01, kMxDE = 0x02, kMxZE = 0x04, kMxUE = 0x10, kMxPE = 0x20;
constexpr u32 kDAZ = 0x40, kFTZ = 0x8000;
constexpr u32 kRcDown = 1u << 13, kRcUp = 2u << 13, kRcZero = 3u << 13;
constexpr u32 kIM = 1u << 7, kZM = 1u << 9;

Vec128 v4(u32 a, u32 b, u32 c, u32 d) {
  Vec128 v;
  v.set<u32>(0, a);
  v.set<u32>(1, b);
  v.set<u32>(2, c);
  v.set<u32>(3, d);
  return v;
}

/// A machine whose first instruction is LDMXCSR [0000h] with `mxcsr`, then
/// xmm0 = a, xmm1 = b.
struct Fp : SimdMachine {
  explicit Fp(u32 mxcsr = kMxcsr, Vec128 a = {}, Vec128 b = {}, const char* model = "nehalem",
              u32 cr4 = 0x600)
      : SimdMachine(model, cr4) {
    put<u32>(0, mxcsr);
    code({0x0F, 0xAE, 0x16, 0x00, 0x00});  // LDMXCSR [0000h]
    xmm(0) = a;
    xmm(1) = b;
  }
  u32 mxcsr() const { return s.fpu.mxcsr; }
};

/// Runs the one instruction `insn` on xmm0, xmm1 and returns xmm0; the
/// instruction must complete.
Vec128 run1(std::initializer_list<u8> insn, Vec128 a, Vec128 b, u32 mxcsr = kMxcsr, u32* flags = nullptr) {
  Fp m(mxcsr, a, b);
  m.code(insn);
  m.run();
  REQUIRE(m.completed());
  if (flags) *flags = m.mxcsr() & 0x3F;
  return m.xmm(0);
}

}  // namespace

TEST_CASE("ADDPS/ADDSS/ADDPD/ADDSD: packed lanes, scalar forms keep the upper lanes", "[simd][simd_fp]") {
  u32 f = 0;
  CHECK(run1({0x0F, 0x58, 0xC1}, v4(kOne, kTwo, kNegZero, kInf), v4(kTwo, kHalf, 0, kOne), kMxcsr, &f) ==
        v4(kThree, kTwoHalf, 0, kInf));
  CHECK(f == 0);
  // ADDSS: lane 0 only.
  CHECK(run1({0xF3, 0x0F, 0x58, 0xC1}, v4(kOne, 1, 2, 3), v4(kTwo, kTwo, kTwo, kTwo)) == v4(kThree, 1, 2, 3));
  // ADDPD and ADDSD.
  CHECK(run1({0x66, 0x0F, 0x58, 0xC1}, Vec128::from(kOneD, kOneD), Vec128::from(kTwoD, kOneD)) ==
        Vec128::from(kThreeD, kTwoD));
  CHECK(run1({0xF2, 0x0F, 0x58, 0xC1}, Vec128::from(kOneD, 0x1234), Vec128::from(kTwoD, kOneD)) ==
        Vec128::from(kThreeD, 0x1234));
}

TEST_CASE("Scalar forms read 4/8 bytes of memory without alignment; packed ones fault misaligned", "[simd][simd_fp]") {
  Fp m(kMxcsr, v4(kOne, 7, 8, 9));
  m.put<u32>(0x103, kTwo);
  m.put<u32>(0x107, kSNaN);                // beyond the m32 operand: not read
  m.code({0xF3, 0x0F, 0x58, 0x06, 0x03, 0x01});  // ADDSS xmm0, [0103h]
  m.run();
  REQUIRE(m.completed());
  CHECK(m.xmm(0) == v4(kThree, 7, 8, 9));
  CHECK((m.mxcsr() & 0x3F) == 0);

  Fp sd(kMxcsr, Vec128::from(kOneD, 5));
  sd.put<u64>(0x109, kTwoD);
  sd.code({0xF2, 0x0F, 0x59, 0x06, 0x09, 0x01});  // MULSD xmm0, [0109h]
  sd.run();
  REQUIRE(sd.completed());
  CHECK(sd.xmm(0) == Vec128::from(kTwoD, 5));

  Fp mis(kMxcsr, v4(kOne, 7, 8, 9));
  mis.code({0x0F, 0x58, 0x06, 0x08, 0x01});  // ADDPS xmm0, [0108h]
  mis.run();
  CHECK(mis.in_handler(13));
  CHECK(mis.xmm(0) == v4(kOne, 7, 8, 9));
  Fp aligned(kMxcsr, v4(kOne, kOne, kOne, kOne));
  aligned.put<u32>(0x110, kTwo);
  aligned.code({0x0F, 0x58, 0x06, 0x10, 0x01});  // ADDPS xmm0, [0110h]
  aligned.run();
  REQUIRE(aligned.completed());
  CHECK(aligned.xmm(0) == v4(kThree, kOne, kOne, kOne));
  Fp dppd_mis(kMxcsr);
  dppd_mis.code({0x66, 0x0F, 0x3A, 0x41, 0x06, 0x04, 0x01, 0x31});  // DPPD xmm0, [0104h], 31h
  dppd_mis.run();
  CHECK(dppd_mis.in_handler(13));
}

TEST_CASE("NaN operands: first source's NaN, SNaN quieted with IE, the default NaN", "[simd][simd_fp]") {
  // SDM Vol. 1 Table 4-7 (SSE column) and 4.8.3.7.
  u32 f = 0;
  const Vec128 r = run1({0x0F, 0x58, 0xC1}, v4(kQNaN, kOne, kInf, 0xFF80'0005),
                        v4(0xFFC0'0002, kSNaN, kNegInf, kQNaN), kMxcsr, &f);
  CHECK(r == v4(kQNaN, 0x7FC0'0001, kDefaultNaN, 0xFFC0'0005));
  CHECK(f == kMxIE);
  // A QNaN alone raises nothing; the second source's NaN when the first is a number.
  CHECK(run1({0x0F, 0x59, 0xC1}, v4(kOne, 0, 0, 0), v4(0x7FC1'2345, 0, 0, 0), kMxcsr, &f).get<u32>(0) ==
        0x7FC1'2345);
  CHECK(f == 0);
  // SQRTPD of a negative number and of an SNaN.
  CHECK(run1({0x66, 0x0F, 0x51, 0xC1}, {}, Vec128::from(0xBFF0'0000'0000'0000, kSNaND), kMxcsr, &f) ==
        Vec128::from(kDefaultNaND, 0x7FF8'0000'0000'0001));
  CHECK(f == kMxIE);
  // 0/0 and x/0.
  CHECK(run1({0x0F, 0x5E, 0xC1}, v4(0, kOne, kNegZero, kOne), v4(0, 0, kOne, kNegZero), kMxcsr, &f) ==
        v4(kDefaultNaN, kInf, kNegZero, kNegInf));
  CHECK(f == (kMxIE | kMxZE));
}

TEST_CASE("MIN/MAX return the second operand for a NaN or two zeros; any NaN raises IE", "[simd][simd_fp]") {
  // SDM Vol. 2 MINPS/MAXPS.
  u32 f = 0;
  CHECK(run1({0x0F, 0x5D, 0xC1}, v4(kQNaN, kOne, 0, kNegZero), v4(kOne, kQNaN, kNegZero, 0), kMxcsr, &f) ==
        v4(kOne, kQNaN, kNegZero, 0));
  CHECK(f == kMxIE);
  CHECK(run1({0x0F, 0x5F, 0xC1}, v4(kOne, kTwo, 0, kNegZero), v4(kTwo, kOne, kNegZero, 0), kMxcsr, &f) ==
        v4(kTwo, kTwo, kNegZero, 0));
  CHECK(f == 0);
  // MINSD keeps the upper lane; MAXSD with an SNaN second operand returns it unquieted.
  CHECK(run1({0xF2, 0x0F, 0x5D, 0xC1}, Vec128::from(kTwoD, 9), Vec128::from(kOneD, 8)) ==
        Vec128::from(kOneD, 9));
  CHECK(run1({0xF2, 0x0F, 0x5F, 0xC1}, Vec128::from(kTwoD, 9), Vec128::from(kSNaND, 8), kMxcsr, &f) ==
        Vec128::from(kSNaND, 9));
  CHECK(f == kMxIE);
}

TEST_CASE("Rounding follows MXCSR.RC (loaded by LDMXCSR)", "[simd][simd_fp]") {
  // 1/3 = 0x3EAAAAAA.AAA...: up in the nearest and upward modes.
  const Vec128 a = v4(kOne, 0, 0, 0), b = v4(kThree, 0, 0, 0);
  const std::initializer_list<u8> divss = {0xF3, 0x0F, 0x5E, 0xC1};
  u32 f = 0;
  CHECK(run1(divss, a, b, kMxcsr, &f).get<u32>(0) == 0x3EAA'AAAB);
  CHECK(f == kMxPE);
  CHECK(run1(divss, a, b, kMxcsr | kRcDown).get<u32>(0) == 0x3EAA'AAAA);
  CHECK(run1(divss, a, b, kMxcsr | kRcUp).get<u32>(0) == 0x3EAA'AAAB);
  CHECK(run1(divss, a, b, kMxcsr | kRcZero).get<u32>(0) == 0x3EAA'AAAA);
  // -1/3 in the downward mode rounds away from zero.
  CHECK(run1(divss, v4(0xBF80'0000, 0, 0, 0), b, kMxcsr | kRcDown).get<u32>(0) == 0xBEAA'AAAB);
  // x - x is -0 only when rounding down.
  CHECK(run1({0xF3, 0x0F, 0x5C, 0xC1}, a, a, kMxcsr | kRcDown).get<u32>(0) == kNegZero);
  CHECK(run1({0xF3, 0x0F, 0x5C, 0xC1}, a, a, kMxcsr).get<u32>(0) == 0);
}

TEST_CASE("DAZ reads denormal sources as zeros; FTZ flushes tiny results with UE and PE", "[simd][simd_fp]") {
  const std::initializer_list<u8> mulss = {0xF3, 0x0F, 0x59, 0xC1};
  u32 f = 0;
  // Without DAZ: an exact denormal product, DE for the denormal operand, no UE (exact).
  CHECK(run1(mulss, v4(kOne, 0, 0, 0), v4(1, 0, 0, 0), kMxcsr, &f).get<u32>(0) == 1);
  CHECK(f == kMxDE);
  CHECK(run1(mulss, v4(kOne, 0, 0, 0), v4(0x8000'0001, 0, 0, 0), kMxcsr | kDAZ, &f).get<u32>(0) == kNegZero);
  CHECK(f == 0);
  // min normal * 0.5 is denormal: kept without FTZ (exact: no UE), flushed with it.
  CHECK(run1(mulss, v4(kMinNormal, 0, 0, 0), v4(kHalf, 0, 0, 0), kMxcsr, &f).get<u32>(0) == 0x0040'0000);
  CHECK(f == 0);
  CHECK(run1(mulss, v4(kMinNormal, 0, 0, 0), v4(kHalf, 0, 0, 0), kMxcsr | kFTZ, &f).get<u32>(0) == 0);
  CHECK(f == (kMxUE | kMxPE));
}

TEST_CASE("CMPPS/CMPSS/CMPPD/CMPSD predicates; NaN signalling by predicate", "[simd][simd_fp]") {
  const Vec128 a = v4(kOne, kOne, kQNaN, kTwo), b = v4(kOne, kTwo, kOne, kOne);
  u32 f = 0;
  CHECK(run1({0x0F, 0xC2, 0xC1, 0}, a, b, kMxcsr, &f) == v4(~0u, 0, 0, 0));  // EQ: QNaN quiet
  CHECK(f == 0);
  CHECK(run1({0x0F, 0xC2, 0xC1, 1}, a, b, kMxcsr, &f) == v4(0, ~0u, 0, 0));  // LT: QNaN raises IE
  CHECK(f == kMxIE);
  CHECK(run1({0x0F, 0xC2, 0xC1, 2}, a, b) == v4(~0u, ~0u, 0, 0));   // LE
  CHECK(run1({0x0F, 0xC2, 0xC1, 3}, a, b) == v4(0, 0, ~0u, 0));     // UNORD
  CHECK(run1({0x0F, 0xC2, 0xC1, 4}, a, b) == v4(0, ~0u, ~0u, ~0u)); // NEQ
  CHECK(run1({0x0F, 0xC2, 0xC1, 5}, a, b) == v4(~0u, 0, ~0u, ~0u)); // NLT
  CHECK(run1({0x0F, 0xC2, 0xC1, 6}, a, b) == v4(0, 0, ~0u, ~0u));   // NLE
  CHECK(run1({0x0F, 0xC2, 0xC1, 7}, a, b) == v4(~0u, ~0u, 0, ~0u)); // ORD
  // imm8 bits 7:3 are ignored by the legacy encoding: 0Dh is NLT.
  CHECK(run1({0x0F, 0xC2, 0xC1, 0x0D}, a, b) == v4(~0u, 0, ~0u, ~0u));
  // CMPSS keeps the upper lanes; CMPSD too.
  CHECK(run1({0xF3, 0x0F, 0xC2, 0xC1, 0}, v4(kOne, 5, 6, 7), v4(kOne, 0, 0, 0)) == v4(~0u, 5, 6, 7));
  CHECK(run1({0xF2, 0x0F, 0xC2, 0xC1, 1}, Vec128::from(kOneD, 3), Vec128::from(kTwoD, 0)) ==
        Vec128::from(~0ull, 3));
  CHECK(run1({0x66, 0x0F, 0xC2, 0xC1, 0}, Vec128::from(kOneD, kSNaND), Vec128::from(kOneD, kSNaND), kMxcsr,
             &f) == Vec128::from(~0ull, 0));
  CHECK(f == kMxIE);
}

TEST_CASE("COMISS/UCOMISS/COMISD set ZF PF CF, clear OF SF AF; IE by NaN kind", "[simd][simd_fp]") {
  struct Case {
    u8 op;
    u32 a, b, eflags, flags;
  };
  // SDM Vol. 2 COMISS: unordered 111, less 001, equal 100, greater 000.
  const Case cases[] = {
      {0x2F, kOne, kQNaN, fl::ZF | fl::PF | fl::CF, kMxIE},  // COMISS: IE on a QNaN
      {0x2E, kOne, kQNaN, fl::ZF | fl::PF | fl::CF, 0},    // UCOMISS: not on a QNaN
      {0x2E, kSNaN, kOne, fl::ZF | fl::PF | fl::CF, kMxIE},  // ... on an SNaN
      {0x2F, kOne, kTwo, fl::CF, 0},
      {0x2F, 0, kNegZero, fl::ZF, 0},
      {0x2F, kTwo, kOne, 0, 0},
  };
  for (const Case& k : cases) {
    Fp m(kMxcsr, v4(k.a, 0, 0, 0), v4(k.b, 0, 0, 0));
    m.code({0xB0, 0x7F, 0x04, 0x01});  // MOV AL, 7Fh; ADD AL, 1: SF, OF, AF set
    m.code({0x0F, k.op, 0xC1});
    m.run();
    REQUIRE(m.completed());
    CHECK((m.s.eflags() & fl::ARITH) == k.eflags);
    CHECK((m.mxcsr() & 0x3F) == k.flags);
  }
  Fp d(kMxcsr, Vec128::from(kOneD, 0));
  d.put<u64>(0x105, kTwoD);
  d.code({0x66, 0x0F, 0x2F, 0x06, 0x05, 0x01});  // COMISD xmm0, [0105h]
  d.run();
  REQUIRE(d.completed());
  CHECK((d.s.eflags() & fl::ARITH) == fl::CF);

  // An unmasked IE raises #XM and leaves EFLAGS as they were.
  Fp x(kMxcsr & ~kIM, v4(kOne, 0, 0, 0), v4(kQNaN, 0, 0, 0));
  x.code({0xB0, 0x7F, 0x04, 0x01, 0x0F, 0x2F, 0xC1});
  x.run();
  CHECK(x.in_handler(19));
  CHECK((x.s.eflags() & fl::ARITH) == (fl::SF | fl::OF | fl::AF));
}

TEST_CASE("Unmasked exceptions: #XM (or #UD without CR4.OSXMMEXCPT), destination unchanged", "[simd][simd_fp]") {
  // SDM Vol. 1 11.5.1, Vol. 3A 13.1.5.
  const Vec128 a = v4(kOne, kOne, kOne, kOne), b = v4(kSNaN, kOne, kOne, kOne);
  Fp m(kMxcsr & ~kIM, a, b);
  m.code({0x0F, 0x58, 0xC1});  // ADDPS xmm0, xmm1
  m.run();
  CHECK(m.in_handler(19));
  CHECK(m.xmm(0) == a);
  CHECK((m.mxcsr() & 0x3F) == kMxIE);

  Fp u(kMxcsr & ~kIM, a, b, "nehalem", 0x200);
  u.code({0x0F, 0x58, 0xC1});
  u.run();
  CHECK(u.in_handler(6));
  CHECK(u.xmm(0) == a);

  // An unmasked pre-computation exception (ZE in lane 1) reports only the
  // pre-computation flags: no PE from lane 0's inexact 1/3 (11.5.3.2).
  Fp z(kMxcsr & ~kZM, v4(kOne, kOne, 0, 0), v4(kThree, 0, kOne, kOne));
  z.code({0x0F, 0x5E, 0xC1});  // DIVPS
  z.run();
  CHECK(z.in_handler(19));
  CHECK((z.mxcsr() & 0x3F) == kMxZE);
  CHECK(z.xmm(0) == v4(kOne, kOne, 0, 0));

  // The scalar form raises only for lane 0: an SNaN in lane 1 is not an operand.
  Fp s(kMxcsr & ~kIM, a, b);
  s.xmm(1) = v4(kOne, kSNaN, 0, 0);
  s.code({0xF3, 0x0F, 0x58, 0xC1});  // ADDSS
  s.run();
  REQUIRE(s.completed());
  CHECK(s.xmm(0) == v4(kTwo, kOne, kOne, kOne));
}

TEST_CASE("RCPSS/RSQRTPS approximate within 1.5 * 2^-12 and raise nothing", "[simd][simd_fp]") {
  // All exceptions unmasked: RCP/RSQRT still complete (SDM Vol. 2 RCPPS: none).
  Fp m(0, v4(5, 6, 7, 8), v4(kThree, 0, 0, 0));
  m.code({0xF3, 0x0F, 0x53, 0xC1});  // RCPSS xmm0, xmm1
  m.code({0x0F, 0x52, 0xD1});        // RSQRTPS xmm2, xmm1
  m.run();
  REQUIRE(m.completed());
  CHECK((m.mxcsr() & 0x3F) == 0);
  // 1/3 = 0x3EAAAAAB (significand 1.333): 1.5 * 2^-12 relative error is
  // 1.5 * 1.333 * 2^11 = 4096 units in the last place.
  const i64 rcp = m.xmm(0).get<u32>(0);
  CHECK(std::abs(rcp - 0x3EAA'AAAB) <= 4096);
  CHECK(m.xmm(0).get<u32>(1) == 6);
  // 1/sqrt(3) = 0x3F13CD3A (significand 1.155: 3547 units); 1/sqrt(0) = +inf.
  const i64 rsq = m.xmm(2).get<u32>(0);
  CHECK(std::abs(rsq - 0x3F13'CD3A) <= 3547);
  CHECK(m.xmm(2).get<u32>(1) == kInf);
}

TEST_CASE("Conversions to integers: rounding, truncation, the integer indefinite", "[simd][simd_fp]") {
  // CVTTPS2DQ: 1.5, -1.5, NaN, 2^31 -> 1, -1, indefinite, indefinite (IE, PE).
  u32 f = 0;
  CHECK(run1({0xF3, 0x0F, 0x5B, 0xC1}, {}, v4(0x3FC0'0000, 0xBFC0'0000, kQNaN, 0x4F00'0000), kMxcsr, &f) ==
        v4(1, 0xFFFF'FFFF, 0x8000'0000, 0x8000'0000));
  CHECK(f == (kMxIE | kMxPE));
  // CVTPS2DQ rounds to nearest even: 2.5 -> 2, -1.5 -> -2.
  CHECK(run1({0x66, 0x0F, 0x5B, 0xC1}, {}, v4(kTwoHalf, 0xBFC0'0000, kOne, kNegZero)) ==
        v4(2, 0xFFFF'FFFE, 1, 0));
  // CVTPD2DQ / CVTTPD2DQ zero the upper half.
  CHECK(run1({0xF2, 0x0F, 0xE6, 0xC1}, v4(1, 2, 3, 4), Vec128::from(0x4004'0000'0000'0000, kHalfD)) ==
        v4(2, 0, 0, 0));
  CHECK(run1({0x66, 0x0F, 0xE6, 0xC1}, v4(1, 2, 3, 4), Vec128::from(0xC004'0000'0000'0000, kSNaND)) ==
        v4(0xFFFF'FFFE, 0x8000'0000, 0, 0));

  // CVTSS2SI / CVTTSS2SI / CVTSD2SI / CVTTSD2SI eax, xmm0.
  Fp m(kMxcsr | kRcUp, v4(kTwoHalf, 0, 0, 0), Vec128::from(0xC004'0000'0000'0000, 0));
  m.code({0xF3, 0x0F, 0x2D, 0xC0});  // CVTSS2SI eax, xmm0 (upward: 3)
  m.code({0xF3, 0x0F, 0x2C, 0xD8});  // CVTTSS2SI ebx, xmm0 (2)
  m.code({0xF2, 0x0F, 0x2D, 0xC9});  // CVTSD2SI ecx, xmm1 (upward: -2)
  m.code({0xF2, 0x0F, 0x2C, 0xD1});  // CVTTSD2SI edx, xmm1 (-2)
  m.run();
  REQUIRE(m.completed());
  CHECK(m.s.gpr[EAX] == 3);
  CHECK(m.s.gpr[EBX] == 2);
  CHECK(m.s.gpr[ECX] == 0xFFFF'FFFE);
  CHECK(m.s.gpr[EDX] == 0xFFFF'FFFE);

  // 3e9 does not fit: the indefinite and IE; unmasked, the register is kept.
  Fp big(kMxcsr, v4(0x4F32'D05E, 0, 0, 0));
  big.code({0xF3, 0x0F, 0x2C, 0xC0});
  big.run();
  REQUIRE(big.completed());
  CHECK(big.s.gpr[EAX] == 0x8000'0000);
  CHECK((big.mxcsr() & 0x3F) == kMxIE);
  Fp unmasked(kMxcsr & ~kIM, v4(0x4F32'D05E, 0, 0, 0));
  unmasked.s.gpr[EAX] = 0x1234;
  unmasked.code({0xF3, 0x0F, 0x2C, 0xC0});
  unmasked.run();
  CHECK(unmasked.in_handler(19));
  CHECK(unmasked.s.gpr[EAX] == 0x1234);
}

TEST_CASE("Conversions from integers: CVTSI2SS/SD keep the upper lanes, CVTDQ2PS/PD", "[simd][simd_fp]") {
  Fp m(kMxcsr, v4(9, 8, 7, 6), Vec128::from(5, 4));
  m.s.gpr[EAX] = 0x7FFF'FFFF;  // 2^31 - 1: rounds to 2^31 (PE)
  m.s.gpr[ECX] = 0xFFFF'FFFD;  // -3
  m.code({0xF3, 0x0F, 0x2A, 0xC0});  // CVTSI2SS xmm0, eax
  m.code({0xF2, 0x0F, 0x2A, 0xC9});  // CVTSI2SD xmm1, ecx
  m.run();
  REQUIRE(m.completed());
  CHECK(m.xmm(0) == v4(0x4F00'0000, 8, 7, 6));
  CHECK(m.xmm(1) == Vec128::from(0xC008'0000'0000'0000, 4));
  CHECK((m.mxcsr() & 0x3F) == kMxPE);

  u32 f = 0;
  CHECK(run1({0x0F, 0x5B, 0xC1}, {}, v4(1, 0xFFFF'FFFF, 0, 3), kMxcsr, &f) == v4(kOne, 0xBF80'0000, 0, kThree));
  CHECK(f == 0);
  CHECK(run1({0xF3, 0x0F, 0xE6, 0xC1}, v4(1, 1, 1, 1), v4(2, 0x8000'0000, 7, 7)) ==
        Vec128::from(kTwoD, 0xC1E0'0000'0000'0000));
}

TEST_CASE("Float format conversions: CVTPS2PD, CVTPD2PS, CVTSS2SD, CVTSD2SS", "[simd][simd_fp]") {
  u32 f = 0;
  // CVTPS2PD: an SNaN quieted with its payload moved up (IE), a denormal exact (DE).
  CHECK(run1({0x0F, 0x5A, 0xC1}, {}, v4(0xFF80'0001, 1, 0, 0), kMxcsr, &f) ==
        Vec128::from(0xFFF8'0000'2000'0000, 0x36A0'0000'0000'0000));
  CHECK(f == (kMxIE | kMxDE));
  // CVTPD2PS zeroes the upper half; 1/3 in binary64 rounds (PE).
  CHECK(run1({0x66, 0x0F, 0x5A, 0xC1}, v4(1, 2, 3, 4), Vec128::from(0x3FD5'5555'5555'5555, kTwoD), kMxcsr,
             &f) == v4(0x3EAA'AAAB, kTwo, 0, 0));
  CHECK(f == kMxPE);
  // CVTSS2SD and CVTSD2SS keep the upper lanes.
  CHECK(run1({0xF3, 0x0F, 0x5A, 0xC1}, Vec128::from(1, 2), v4(kHalf, 0, 0, 0)) == Vec128::from(kHalfD, 2));
  CHECK(run1({0xF2, 0x0F, 0x5A, 0xC1}, v4(1, 2, 3, 4), Vec128::from(kThreeD, 0)) == v4(kThree, 2, 3, 4));
  // CVTSD2SS overflow: +inf with OE and PE.
  CHECK(run1({0xF2, 0x0F, 0x5A, 0xC1}, {}, Vec128::from(0x47F0'0000'0000'0000, 0), kMxcsr, &f).get<u32>(0) ==
        kInf);
  CHECK(f == (0x08 | kMxPE));
}

TEST_CASE("MMX-operand conversions: CVTPI2PS/PD, CVTPS2PI, CVTTPD2PI and the MMX transition", "[simd][simd_fp]") {
  Fp m(kMxcsr, v4(1, 2, 3, 4));
  m.put<u64>(0x40, 0xFFFF'FFFF'0000'0002ull);  // {2, -1}
  m.code({0x0F, 0x6F, 0x0E, 0x40, 0x00});      // MOVQ mm1, [0040h]
  m.code({0x0F, 0x77, 0xD9, 0xE8});            // EMMS; FLD1: TOP = 7, only R7 valid
  m.code({0x0F, 0x2A, 0xC1});                  // CVTPI2PS xmm0, mm1
  m.run();
  REQUIRE(m.completed());
  CHECK(m.xmm(0) == v4(kTwo, 0xBF80'0000, 3, 4));
  CHECK(m.s.fpu.top() == 0);  // register source: MMX transition
  CHECK(m.s.fpu.full == 0xFF);

  // A memory source is not an MMX instruction: the x87 state stays.
  Fp mem(kMxcsr, v4(1, 2, 3, 4));
  mem.put<u64>(0x43, 0x0000'0003'FFFF'FFFEull);  // {-2, 3}
  mem.code({0xD9, 0xE8});                        // FLD1
  mem.code({0x66, 0x0F, 0x2A, 0x06, 0x43, 0x00});  // CVTPI2PD xmm0, [0043h]
  mem.run();
  REQUIRE(mem.completed());
  CHECK(mem.xmm(0) == Vec128::from(0xC000'0000'0000'0000, kThreeD));
  CHECK(mem.s.fpu.top() == 7);

  // CVTPS2PI (MXCSR rounding) and CVTTPD2PI (truncation, indefinite).
  Fp to(kMxcsr, v4(kTwoHalf, 0xC020'0000, 0, 0), Vec128::from(0xC004'0000'0000'0000, 0x7FF0'0000'0000'0000));
  to.code({0x0F, 0x2D, 0xD0});        // CVTPS2PI mm2, xmm0: 2.5 -> 2, -2.5 -> -2
  to.code({0x66, 0x0F, 0x2C, 0xD9});  // CVTTPD2PI mm3, xmm1: -2.5 -> -2, inf -> indefinite
  to.run();
  REQUIRE(to.completed());
  CHECK(to.mm(2) == 0xFFFF'FFFE'0000'0002ull);
  CHECK(to.mm(3) == 0x8000'0000'FFFF'FFFEull);
  CHECK(to.s.fpu.r[2].se == 0xFFFF);
  CHECK((to.mxcsr() & 0x3F) == (kMxIE | kMxPE));
}

TEST_CASE("SSE3 ADDSUB and horizontal add/subtract; not on an SSE2 model", "[simd][simd_fp]") {
  const Vec128 a = v4(kOne, kTwo, kThree, kHalf), b = v4(kHalf, kOne, kTwo, kThree);
  // ADDSUBPS: 1-0.5, 2+1, 3-2, 0.5+3.
  CHECK(run1({0xF2, 0x0F, 0xD0, 0xC1}, a, b) == v4(kHalf, kThree, kOne, 0x4060'0000));
  // HADDPS: 1+2, 3+0.5 | 0.5+1, 2+3.
  CHECK(run1({0xF2, 0x0F, 0x7C, 0xC1}, a, b) == v4(kThree, 0x4060'0000, 0x3FC0'0000, 0x40A0'0000));
  // HSUBPS: 1-2, 3-0.5 | 0.5-1, 2-3.
  CHECK(run1({0xF2, 0x0F, 0x7D, 0xC1}, a, b) == v4(0xBF80'0000, kTwoHalf, 0xBF00'0000, 0xBF80'0000));
  // ADDSUBPD, HADDPD, HSUBPD.
  const Vec128 ad = Vec128::from(kThreeD, kOneD), bd = Vec128::from(kOneD, kTwoD);
  CHECK(run1({0x66, 0x0F, 0xD0, 0xC1}, ad, bd) == Vec128::from(kTwoD, kThreeD));
  CHECK(run1({0x66, 0x0F, 0x7C, 0xC1}, ad, bd) == Vec128::from(0x4010'0000'0000'0000, kThreeD));
  CHECK(run1({0x66, 0x0F, 0x7D, 0xC1}, ad, bd) == Vec128::from(kTwoD, 0xBFF0'0000'0000'0000));
  // The first operand's NaN of each pair propagates.
  CHECK(run1({0xF2, 0x0F, 0x7C, 0xC1}, v4(kOne, kQNaN, 0xFFC0'0007, kQNaN), {}).get<u32>(0) == kQNaN);
  CHECK(run1({0xF2, 0x0F, 0x7C, 0xC1}, v4(kOne, kQNaN, 0xFFC0'0007, kQNaN), {}).get<u32>(1) == 0xFFC0'0007);

  Fp pm(kMxcsr, a, b, "pentium-m");
  pm.code({0xF2, 0x0F, 0x7C, 0xC1});
  pm.run();
  CHECK(pm.in_handler(6));
  Fp c2(kMxcsr, a, b, "core2duo");
  c2.code({0xF2, 0x0F, 0x7C, 0xC1});
  c2.run();
  CHECK(c2.completed());
}

TEST_CASE("SSE4.1 ROUNDPS/PD/SS/SD: imm8 modes, MXCSR.RC, PE suppression", "[simd][simd_fp]") {
  const Vec128 x = v4(kTwoHalf, 0xC020'0000, 0x3FC0'0000, kSNaN);  // 2.5, -2.5, 1.5, SNaN
  u32 f = 0;
  CHECK(run1({0x66, 0x0F, 0x3A, 0x08, 0xC1, 0x00}, {}, x, kMxcsr, &f) ==
        v4(kTwo, 0xC000'0000, kTwo, 0x7FC0'0001));  // nearest even
  CHECK(f == (kMxIE | kMxPE));
  CHECK(run1({0x66, 0x0F, 0x3A, 0x08, 0xC1, 0x01}, {}, x) == v4(kTwo, 0xC040'0000, kOne, 0x7FC0'0001));  // down
  CHECK(run1({0x66, 0x0F, 0x3A, 0x08, 0xC1, 0x02}, {}, x) == v4(kThree, 0xC000'0000, kTwo, 0x7FC0'0001));  // up
  CHECK(run1({0x66, 0x0F, 0x3A, 0x08, 0xC1, 0x03}, {}, x) == v4(kTwo, 0xC000'0000, kOne, 0x7FC0'0001));  // zero
  // imm8[2]: MXCSR.RC (upward here); imm8[3]: no PE.
  CHECK(run1({0x66, 0x0F, 0x3A, 0x08, 0xC1, 0x04}, {}, x, kMxcsr | kRcUp) ==
        v4(kThree, 0xC000'0000, kTwo, 0x7FC0'0001));
  CHECK(run1({0x66, 0x0F, 0x3A, 0x08, 0xC1, 0x08}, {}, v4(kTwoHalf, 0, 0, 0), kMxcsr, &f).get<u32>(0) == kTwo);
  CHECK(f == 0);
  // Unmasked PE raises #XM unless imm8[3] suppresses it.
  Fp pe(kMxcsr & ~(1u << 12), v4(1, 2, 3, 4), v4(kTwoHalf, 0, 0, 0));
  pe.code({0x66, 0x0F, 0x3A, 0x0A, 0xC1, 0x00});  // ROUNDSS xmm0, xmm1, 0
  pe.run();
  CHECK(pe.in_handler(19));
  CHECK(pe.xmm(0) == v4(1, 2, 3, 4));
  Fp nope(kMxcsr & ~(1u << 12), v4(1, 2, 3, 4), v4(kTwoHalf, 0, 0, 0));
  nope.code({0x66, 0x0F, 0x3A, 0x0A, 0xC1, 0x08});  // ROUNDSS xmm0, xmm1, 8
  nope.run();
  REQUIRE(nope.completed());
  CHECK(nope.xmm(0) == v4(kTwo, 2, 3, 4));
  // ROUNDSD: lane 0, upper kept; ROUNDPD.
  CHECK(run1({0x66, 0x0F, 0x3A, 0x0B, 0xC1, 0x02}, Vec128::from(0, 7), Vec128::from(0x3FF8'0000'0000'0000, 0)) ==
        Vec128::from(kTwoD, 7));
  CHECK(run1({0x66, 0x0F, 0x3A, 0x09, 0xC1, 0x01}, {}, Vec128::from(0xBFF8'0000'0000'0000, kHalfD)) ==
        Vec128::from(0xC000'0000'0000'0000, 0));
  // Not on an SSSE3 model.
  Fp c2(kMxcsr, {}, x, "core2duo");
  c2.code({0x66, 0x0F, 0x3A, 0x08, 0xC1, 0x00});
  c2.run();
  CHECK(c2.in_handler(6));
}

TEST_CASE("SSE4.1 DPPS/DPPD: selected products, pairwise sums in the SDM's order", "[simd][simd_fp]") {
  const u32 k2p24 = 0x4B80'0000, kNeg2p24 = 0xCB80'0000;
  const Vec128 ones = v4(kOne, kOne, kOne, kOne);
  u32 f = 0;
  // (2^24 + 1) + (1 - 2^24) = 2^24 + -(2^24 - 1) = 1; left to right it would be 0.
  CHECK(run1({0x66, 0x0F, 0x3A, 0x40, 0xC1, 0xF1}, v4(k2p24, kOne, kOne, kNeg2p24), ones, kMxcsr, &f) ==
        v4(kOne, 0, 0, 0));
  CHECK(f == kMxPE);
  // Products of lanes 0 and 1 only, broadcast to lanes 1 and 3.
  CHECK(run1({0x66, 0x0F, 0x3A, 0x40, 0xC1, 0x3A}, v4(kOne, kTwo, kThree, kThree), v4(kTwo, kHalf, kOne, kOne)) ==
        v4(0, kThree, 0, kThree));
  // A masked-out lane is not multiplied: its SNaN raises nothing.
  CHECK(run1({0x66, 0x0F, 0x3A, 0x40, 0xC1, 0x7F}, v4(kOne, kOne, kOne, kSNaN), ones, kMxcsr, &f) ==
        v4(kThree, kThree, kThree, kThree));
  CHECK(f == 0);
  // The stages report one after the other. min normal / 3 is a tiny
  // inexact product; with UE unmasked it raises UE alone (no PE, as on the
  // host CPU) and the sums never run, so the denormal product raises no DE.
  const Vec128 tiny = v4(kMinNormal, 0, 0, 0), third = v4(0x3EAA'AAAB, 0, 0, 0);
  Fp ue(kMxcsr & ~(1u << 11), tiny, third);
  ue.code({0x66, 0x0F, 0x3A, 0x40, 0xC1, 0x1F});  // DPPS xmm0, xmm1, 1Fh
  ue.run();
  CHECK(ue.in_handler(19));
  CHECK((ue.mxcsr() & 0x3F) == kMxUE);
  CHECK(ue.xmm(0) == tiny);
  // With UE masked and DE unmasked, the sums' DE faults with the products'
  // masked UE and PE already in MXCSR.
  Fp de(kMxcsr & ~(1u << 8), tiny, third);
  de.code({0x66, 0x0F, 0x3A, 0x40, 0xC1, 0x1F});
  de.run();
  CHECK(de.in_handler(19));
  CHECK((de.mxcsr() & 0x3F) == (kMxDE | kMxUE | kMxPE));
  CHECK(de.xmm(0) == tiny);
  // DPPD: 1*2 + 3*0.5 = 3.5 to lane 1 only.
  CHECK(run1({0x66, 0x0F, 0x3A, 0x41, 0xC1, 0x32}, Vec128::from(kOneD, kThreeD), Vec128::from(kTwoD, kHalfD)) ==
        Vec128::from(0, 0x400C'0000'0000'0000));
}

TEST_CASE("SSE2 floating-point forms need an SSE2 model", "[simd][simd_fp]") {
  Fp p3(kMxcsr, {}, {}, "pentium3");
  p3.code({0x0F, 0x58, 0xC1});  // ADDPS: SSE
  p3.run();
  CHECK(p3.completed());
  Fp p3d(kMxcsr, {}, {}, "pentium3");
  p3d.code({0x66, 0x0F, 0x58, 0xC1});  // ADDPD: SSE2
  p3d.run();
  CHECK(p3d.in_handler(6));
}
