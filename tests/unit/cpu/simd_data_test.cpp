// SIMD data movement, logic and shuffles (SSE..SSE4.1), and the non-SIMD
// instructions of those generations: PREFETCHh, the fences, PAUSE,
// CLFLUSH, MOVNTI, MONITOR/MWAIT, FISTTP. Expected values are worked out
// by hand from the SDM's Operation sections.
#include <vector>

#include <catch2/catch.hpp>

#include "pm_rig.hpp"
#include "simd_rig.hpp"

using namespace gb;
using gb::test::SimdMachine;

namespace {

Vec128 dwords(u32 a, u32 b, u32 c, u32 d) {
  Vec128 v;
  v.set<u32>(0, a);
  v.set<u32>(1, b);
  v.set<u32>(2, c);
  v.set<u32>(3, d);
  return v;
}

/// Bytes base, base+1, ... base+15.
Vec128 byte_ramp(u8 base) {
  Vec128 v;
  for (unsigned i = 0; i < 16; ++i) v[i] = static_cast<u8>(base + i);
  return v;
}


/// Runs `insn` alone on a fresh `model` machine: whether it raised `vector`.
bool raises(const std::vector<u8>& insn, u8 vector, const char* model = "nehalem") {
  SimdMachine m(model);
  for (u8 b : insn) m.code({b});
  m.run();
  return m.in_handler(vector);
}

}  // namespace

TEST_CASE("ANDPS/ANDNPS/ORPS/XORPD combine all 128 bits; the memory operand is aligned", "[simd][data]") {
  SimdMachine m;
  const Vec128 a = Vec128::from(0xFF00FF00F0F0F0F0ull, 0x123456789ABCDEF0ull);
  m.xmm(1) = Vec128::from(0x0F0F0F0F0F0F0F0Full, 0xFFFF0000FFFF0000ull);
  for (unsigned r = 2; r <= 5; ++r) m.xmm(r) = a;
  for (unsigned i = 0; i < 16; ++i) m.data(0x100)[i] = 0x5A;
  m.xmm(7) = Vec128::from(0xFFFFFFFFFFFFFFFFull, 0x00000000000000A5ull);
  m.code({0x0F, 0x54, 0xD1});                    // ANDPS xmm2, xmm1
  m.code({0x0F, 0x55, 0xD9});                    // ANDNPS xmm3, xmm1
  m.code({0x0F, 0x56, 0xE1});                    // ORPS xmm4, xmm1
  m.code({0x66, 0x0F, 0x57, 0xE9});              // XORPD xmm5, xmm1
  m.code({0x0F, 0x57, 0x3E, 0x00, 0x01});        // XORPS xmm7, [0100h]
  m.run();
  REQUIRE(m.completed());
  CHECK(m.xmm(2) == Vec128::from(0x0F000F0000000000ull, 0x123400009ABC0000ull));
  CHECK(m.xmm(3) == Vec128::from(0x000F000F0F0F0F0Full, 0xEDCB000065430000ull));
  CHECK(m.xmm(4) == Vec128::from(0xFF0FFF0FFFFFFFFFull, 0xFFFF5678FFFFDEF0ull));
  CHECK(m.xmm(5) == Vec128::from(0xF00FF00FFFFFFFFFull, 0xEDCB56786543DEF0ull));
  CHECK(m.xmm(7) == Vec128::from(0xA5A5A5A5A5A5A5A5ull, 0x5A5A5A5A5A5A5AFFull));

  SimdMachine mis;
  mis.xmm(6) = a;
  mis.code({0x66, 0x0F, 0x54, 0x36, 0x08, 0x01});  // ANDPD xmm6, [0108h]
  mis.run();
  CHECK(mis.in_handler(kGP));
  CHECK(mis.xmm(6) == a);

  SimdMachine p3("pentium3");
  p3.code({0x66, 0x0F, 0x57, 0xC1});  // XORPD: SSE2
  p3.run();
  CHECK(p3.in_handler(kUD));
}

TEST_CASE("0F 12/0F 16: MOVLPS/MOVHPS with memory, MOVHLPS/MOVLHPS with a register (ModR/M.mod)",
          "[simd][data]") {
  SimdMachine m;
  const u64 A = 0xAAAAAAAAAAAAAAAAull, B = 0xBBBBBBBBBBBBBBBBull, C = 0x0C0C0C0C0C0C0C0Cull, D = 0x0D0D0D0D0D0D0D0Dull;
  const u64 E = 0xEEEEEEEEEEEEEEEEull, F = 0xFFFFFFFF00000000ull;
  m.put<u64>(0x100, 0x1111222233334444ull);
  m.put<u64>(0x203, 0x5555666677778888ull);  // misaligned: 8-byte operands have no alignment rule
  m.xmm(0) = Vec128::from(A, B);
  m.xmm(1) = Vec128::from(C, D);
  m.xmm(2) = Vec128::from(E, F);
  m.xmm(3) = Vec128::from(E, F);
  m.xmm(4) = Vec128::from(E, F);
  m.xmm(5) = Vec128::from(E, F);
  m.code({0x0F, 0x12, 0x06, 0x00, 0x01});        // MOVLPS xmm0, [0100h]
  m.code({0x0F, 0x12, 0xD1});                    // MOVHLPS xmm2, xmm1
  m.code({0x0F, 0x16, 0x1E, 0x03, 0x02});        // MOVHPS xmm3, [0203h]
  m.code({0x0F, 0x16, 0xE1});                    // MOVLHPS xmm4, xmm1
  m.code({0x0F, 0x13, 0x0E, 0x00, 0x03});        // MOVLPS [0300h], xmm1
  m.code({0x0F, 0x17, 0x0E, 0x08, 0x03});        // MOVHPS [0308h], xmm1
  m.code({0x66, 0x0F, 0x12, 0x2E, 0x00, 0x01});  // MOVLPD xmm5, [0100h]
  m.code({0x66, 0x0F, 0x17, 0x0E, 0x11, 0x03});  // MOVHPD [0311h], xmm1
  m.code({0x66, 0x0F, 0x16, 0x2E, 0x03, 0x02});  // MOVHPD xmm5, [0203h]
  m.code({0x66, 0x0F, 0x13, 0x06, 0x20, 0x03});  // MOVLPD [0320h], xmm0
  m.run();
  REQUIRE(m.completed());
  CHECK(m.xmm(0) == Vec128::from(0x1111222233334444ull, B));
  CHECK(m.xmm(2) == Vec128::from(D, F));
  CHECK(m.xmm(3) == Vec128::from(E, 0x5555666677778888ull));
  CHECK(m.xmm(4) == Vec128::from(E, C));
  CHECK(m.get<u64>(0x300) == C);
  CHECK(m.get<u64>(0x308) == D);
  CHECK(m.get<u64>(0x311) == D);
  CHECK(m.xmm(5) == Vec128::from(0x1111222233334444ull, 0x5555666677778888ull));
  CHECK(m.get<u64>(0x320) == 0x1111222233334444ull);

  // The PD forms and the stores have no register form.
  CHECK(raises({0x66, 0x0F, 0x12, 0xC1}, kUD));
  CHECK(raises({0x66, 0x0F, 0x16, 0xC1}, kUD));
  CHECK(raises({0x0F, 0x13, 0xC1}, kUD));
  CHECK(raises({0x0F, 0x17, 0xC1}, kUD));
}

TEST_CASE("UNPCKLPS/UNPCKHPS/UNPCKLPD/UNPCKHPD interleave destination and source", "[simd][data]") {
  SimdMachine m;
  const Vec128 d = dwords(0x10, 0x11, 0x12, 0x13), s = dwords(0x20, 0x21, 0x22, 0x23);
  for (unsigned r = 1; r <= 4; ++r) m.xmm(r) = d;
  m.xmm(7) = s;
  m.code({0x0F, 0x14, 0xCF});        // UNPCKLPS xmm1, xmm7
  m.code({0x0F, 0x15, 0xD7});        // UNPCKHPS xmm2, xmm7
  m.code({0x66, 0x0F, 0x14, 0xDF});  // UNPCKLPD xmm3, xmm7
  m.code({0x66, 0x0F, 0x15, 0xE7});  // UNPCKHPD xmm4, xmm7
  m.run();
  REQUIRE(m.completed());
  CHECK(m.xmm(1) == dwords(0x10, 0x20, 0x11, 0x21));
  CHECK(m.xmm(2) == dwords(0x12, 0x22, 0x13, 0x23));
  CHECK(m.xmm(3) == dwords(0x10, 0x11, 0x20, 0x21));
  CHECK(m.xmm(4) == dwords(0x12, 0x13, 0x22, 0x23));
}

TEST_CASE("SHUFPS and SHUFPD select lanes by imm8", "[simd][data]") {
  const Vec128 d = dwords(0x10, 0x11, 0x12, 0x13), s = dwords(0x20, 0x21, 0x22, 0x23);
  struct Case {
    u8 imm;
    Vec128 want;
  };
  for (const Case& t : {Case{0x1B, dwords(0x13, 0x12, 0x21, 0x20)}, Case{0xE4, dwords(0x10, 0x11, 0x22, 0x23)},
                        Case{0x00, dwords(0x10, 0x10, 0x20, 0x20)}, Case{0xB1, dwords(0x11, 0x10, 0x23, 0x22)}}) {
    SimdMachine m;
    m.xmm(3) = d;
    m.xmm(2) = s;
    m.code({0x0F, 0xC6, 0xDA, t.imm});  // SHUFPS xmm3, xmm2, imm8
    m.run();
    REQUIRE(m.completed());
    CHECK(m.xmm(3) == t.want);
  }
  // SHUFPD: bit 0 picks the destination's qword, bit 1 the source's.
  const u64 d0 = 0x1000000000000010ull, d1 = 0x1100000000000011ull, s0 = 0x2000000000000020ull,
            s1 = 0x2100000000000021ull;
  const Vec128 want[4] = {Vec128::from(d0, s0), Vec128::from(d1, s0), Vec128::from(d0, s1), Vec128::from(d1, s1)};
  for (u8 imm = 0; imm < 4; ++imm) {
    SimdMachine m;
    m.xmm(1) = Vec128::from(d0, d1);
    m.xmm(2) = Vec128::from(s0, s1);
    m.code({0x66, 0x0F, 0xC6, 0xCA, static_cast<u8>(imm | 0xFC)});  // SHUFPD xmm1, xmm2, imm8 (bits 7-2 ignored)
    m.run();
    REQUIRE(m.completed());
    CHECK(m.xmm(1) == want[imm]);
  }
  // A memory source: 16 bytes, aligned.
  SimdMachine mem;
  mem.xmm(3) = d;
  for (unsigned i = 0; i < 4; ++i) mem.put<u32>(0x100 + 4 * i, 0x30 + i);
  mem.code({0x0F, 0xC6, 0x1E, 0x00, 0x01, 0x4E});  // SHUFPS xmm3, [0100h], 01 00 11 10b
  mem.run();
  REQUIRE(mem.completed());
  CHECK(mem.xmm(3) == dwords(0x12, 0x13, 0x30, 0x31));
  SimdMachine mis;
  mis.code({0x0F, 0xC6, 0x1E, 0x04, 0x01, 0x4E});  // SHUFPS xmm3, [0104h]
  mis.run();
  CHECK(mis.in_handler(kGP));
}

TEST_CASE("MOVMSKPS/MOVMSKPD gather the sign bits into a zero-extended GPR", "[simd][data]") {
  SimdMachine m;
  m.s.gpr[EAX] = 0xFFFFFFFF;
  m.s.gpr[ECX] = 0xFFFFFFFF;
  m.xmm(1) = dwords(0x80000000, 0x7FFFFFFF, 0xFFFFFFFF, 0x00000001);
  m.xmm(2) = Vec128::from(0x8000000000000000ull, 0x7FFFFFFFFFFFFFFFull);
  m.code({0x0F, 0x50, 0xC1});        // MOVMSKPS eax, xmm1
  m.code({0x66, 0x0F, 0x50, 0xCA});  // MOVMSKPD ecx, xmm2
  m.run();
  REQUIRE(m.completed());
  CHECK(m.s.gpr[EAX] == 5);
  CHECK(m.s.gpr[ECX] == 1);

  SimdMachine mem;
  mem.code({0x0F, 0x50, 0x06, 0x00, 0x01});  // memory form: #UD
  mem.run();
  CHECK(mem.in_handler(kUD));
}

TEST_CASE("MOVNTPS/MOVNTPD/MOVNTDQA are aligned and memory-only; MOVNTI stores a GPR", "[simd][data]") {
  SimdMachine m;
  m.xmm(1) = byte_ramp(0x40);
  m.s.gpr[EAX] = 0xCAFEF00D;
  m.code({0x0F, 0x2B, 0x0E, 0x00, 0x01});              // MOVNTPS [0100h], xmm1
  m.code({0x66, 0x0F, 0x2B, 0x0E, 0x20, 0x01});        // MOVNTPD [0120h], xmm1
  m.code({0x0F, 0xC3, 0x06, 0x43, 0x01});              // MOVNTI [0143h], eax
  m.code({0x66, 0x0F, 0x38, 0x2A, 0x16, 0x00, 0x01});  // MOVNTDQA xmm2, [0100h]
  m.run();
  REQUIRE(m.completed());
  CHECK(m.get<u64>(0x100) == 0x4746454443424140ull);
  CHECK(m.get<u64>(0x128) == 0x4F4E4D4C4B4A4948ull);
  CHECK(m.get<u32>(0x143) == 0xCAFEF00D);
  CHECK(m.xmm(2) == byte_ramp(0x40));

  CHECK(raises({0x0F, 0x2B, 0x0E, 0x08, 0x01}, kGP));              // MOVNTPS [0108h], xmm1
  CHECK(raises({0x66, 0x0F, 0x38, 0x2A, 0x16, 0x04, 0x01}, kGP));  // MOVNTDQA xmm2, [0104h]
  CHECK(raises({0x0F, 0x2B, 0xC1}, kUD));
  CHECK(raises({0x66, 0x0F, 0x38, 0x2A, 0xC1}, kUD));
  CHECK(raises({0x0F, 0xC3, 0xC0}, kUD));
  // MOVNTI touches no SSE state: it runs without CR4.OSFXSR (and is SSE2).
  SimdMachine no_osfxsr("nehalem", 0);
  no_osfxsr.s.gpr[EBX] = 0x01020304;
  no_osfxsr.code({0x0F, 0xC3, 0x1E, 0x00, 0x01});  // MOVNTI [0100h], ebx
  no_osfxsr.run();
  REQUIRE(no_osfxsr.completed());
  CHECK(no_osfxsr.get<u32>(0x100) == 0x01020304);
  SimdMachine p3("pentium3");
  p3.code({0x0F, 0xC3, 0x1E, 0x00, 0x01});
  p3.run();
  CHECK(p3.in_handler(kUD));
}

TEST_CASE("SSE3 MOVSLDUP/MOVSHDUP/MOVDDUP duplicate lanes; LDDQU loads unaligned", "[simd][data]") {
  SimdMachine m;
  m.xmm(1) = dwords(0x10, 0x11, 0x12, 0x13);
  m.put<u64>(0x103, 0x0123456789ABCDEFull);
  for (unsigned i = 0; i < 32; ++i) m.data(0x200)[i] = static_cast<u8>(i);
  m.code({0xF3, 0x0F, 0x12, 0xD1});              // MOVSLDUP xmm2, xmm1
  m.code({0xF3, 0x0F, 0x16, 0xD9});              // MOVSHDUP xmm3, xmm1
  m.code({0xF2, 0x0F, 0x12, 0x26, 0x03, 0x01});  // MOVDDUP xmm4, [0103h]
  m.code({0xF2, 0x0F, 0xF0, 0x2E, 0x01, 0x02});  // LDDQU xmm5, [0201h]
  m.code({0xF2, 0x0F, 0x12, 0xF1});              // MOVDDUP xmm6, xmm1
  m.run();
  REQUIRE(m.completed());
  CHECK(m.xmm(2) == dwords(0x10, 0x10, 0x12, 0x12));
  CHECK(m.xmm(3) == dwords(0x11, 0x11, 0x13, 0x13));
  CHECK(m.xmm(4) == Vec128::from(0x0123456789ABCDEFull, 0x0123456789ABCDEFull));
  CHECK(m.xmm(5) == byte_ramp(1));
  CHECK(m.xmm(6) == dwords(0x10, 0x11, 0x10, 0x11));

  SimdMachine mis;
  mis.code({0xF3, 0x0F, 0x12, 0x16, 0x08, 0x01});  // MOVSLDUP xmm2, [0108h]
  mis.run();
  CHECK(mis.in_handler(kGP));
  SimdMachine reg;
  reg.code({0xF2, 0x0F, 0xF0, 0xC1});  // LDDQU has no register form
  reg.run();
  CHECK(reg.in_handler(kUD));
  SimdMachine pm("pentium-m");
  pm.code({0xF3, 0x0F, 0x12, 0xD1});
  pm.run();
  CHECK(pm.in_handler(kUD));
}

TEST_CASE("SSE4.1 blends: imm8 masks and the XMM0 sign-bit masks", "[simd][data]") {
  SimdMachine m;
  const Vec128 d = dwords(0x10, 0x11, 0x12, 0x13), s = dwords(0x20, 0x21, 0x22, 0x23);
  for (unsigned r = 1; r <= 5; ++r) m.xmm(r) = d;
  m.xmm(7) = s;
  m.xmm(0) = dwords(0x80000000, 0x7FFFFFFF, 0xFFFFFFFF, 0x00000001);
  m.code({0x66, 0x0F, 0x3A, 0x0C, 0xCF, 0x05});  // BLENDPS xmm1, xmm7, 0101b
  m.code({0x66, 0x0F, 0x3A, 0x0D, 0xD7, 0x02});  // BLENDPD xmm2, xmm7, 10b
  m.code({0x66, 0x0F, 0x38, 0x14, 0xDF});        // BLENDVPS xmm3, xmm7 (XMM0)
  m.code({0x66, 0x0F, 0x38, 0x15, 0xE7});        // BLENDVPD xmm4, xmm7 (XMM0: qword signs 0, 0)
  m.run();
  REQUIRE(m.completed());
  CHECK(m.xmm(1) == dwords(0x20, 0x11, 0x22, 0x13));
  CHECK(m.xmm(2) == dwords(0x10, 0x11, 0x22, 0x23));
  CHECK(m.xmm(3) == dwords(0x20, 0x11, 0x22, 0x13));
  CHECK(m.xmm(4) == d);

  SimdMachine w;
  Vec128 a, b;
  for (unsigned i = 0; i < 8; ++i) {
    a.set<u16>(i, static_cast<u16>(0x5000 + i));
    b.set<u16>(i, static_cast<u16>(0x6000 + i));
  }
  w.xmm(5) = a;
  w.xmm(6) = b;
  w.xmm(2) = byte_ramp(0x00);
  w.xmm(3) = byte_ramp(0x80);
  w.xmm(4) = Vec128::from(0x0123456789ABCDEFull, 0xFEDCBA9876543210ull);
  Vec128 mask;  // bytes 0, 3 and 15 have their top bit set
  mask[0] = 0x80;
  mask[3] = 0xFF;
  mask[7] = 0x7F;
  mask[15] = 0x81;
  w.xmm(0) = mask;
  w.code({0x66, 0x0F, 0x3A, 0x0E, 0xEE, 0xA5});  // PBLENDW xmm5, xmm6, 10100101b
  w.code({0x66, 0x0F, 0x38, 0x10, 0xD3});        // PBLENDVB xmm2, xmm3 (XMM0)
  w.code({0x66, 0x0F, 0x38, 0x15, 0xE2});        // BLENDVPD xmm4, xmm2 (XMM0)
  w.run();
  REQUIRE(w.completed());
  Vec128 want_w;
  const u16 words[8] = {0x6000, 0x5001, 0x6002, 0x5003, 0x5004, 0x6005, 0x5006, 0x6007};
  for (unsigned i = 0; i < 8; ++i) want_w.set<u16>(i, words[i]);
  CHECK(w.xmm(5) == want_w);
  Vec128 want_b = byte_ramp(0x00);
  want_b[0] = 0x80;
  want_b[3] = 0x83;
  want_b[15] = 0x8F;
  CHECK(w.xmm(2) == want_b);
  // XMM0's qword 0 has bit 63 clear (byte 7 = 7Fh), qword 1 bit 127 set
  // (byte 15 = 81h): only the high qword comes from the (blended) xmm2.
  CHECK(w.xmm(4) == Vec128::from(0x0123456789ABCDEFull, want_b.hi()));

  SimdMachine mis;
  mis.code({0x66, 0x0F, 0x38, 0x14, 0x1E, 0x08, 0x01});  // BLENDVPS xmm3, [0108h]
  mis.run();
  CHECK(mis.in_handler(kGP));
  SimdMachine c2("core2duo");  // SSSE3: the 0F 38 map exists, SSE4.1 does not
  c2.code({0x66, 0x0F, 0x3A, 0x0C, 0xCF, 0x05});
  c2.run();
  CHECK(c2.in_handler(kUD));
}

TEST_CASE("INSERTPS (count_s, count_d, zero mask), EXTRACTPS, PEXTRB/W/D, PINSRB/D", "[simd][data]") {
  SimdMachine m;
  const Vec128 d = dwords(0x10, 0x11, 0x12, 0x13), s = dwords(0x20, 0x21, 0x22, 0x23);
  m.xmm(1) = d;
  m.xmm(2) = s;
  m.xmm(3) = d;
  m.xmm(4) = byte_ramp(0xB0);
  m.s.gpr[EAX] = 0xFFFFFFFF;
  m.s.gpr[ECX] = 0xFFFFFFFF;
  m.s.gpr[EDX] = 0xFFFFFFFF;
  m.s.gpr[EBX] = 0x11223344;
  m.s.gpr[ESI] = 0x12345678;
  m.put<u32>(0x102, 0xDEADBEEF);
  m.put<u8>(0x141, 0xEE);
  m.put<u8>(0x150, 0x9A);
  m.put<u32>(0x154, 0xCAFEF00D);
  m.code({0x66, 0x0F, 0x3A, 0x21, 0xCA, 0x99});              // INSERTPS xmm1, xmm2, 10 01 1001b
  m.code({0x66, 0x0F, 0x3A, 0x21, 0x1E, 0x02, 0x01, 0xF0});  // INSERTPS xmm3, [0102h], 11 11 0000b
  m.code({0x66, 0x0F, 0x3A, 0x17, 0xD0, 0x02});              // EXTRACTPS eax, xmm2, 2
  m.code({0x66, 0x0F, 0x3A, 0x14, 0x26, 0x40, 0x01, 0x15});  // PEXTRB [0140h], xmm4, 21 (= 5 mod 16)
  m.code({0x66, 0x0F, 0x3A, 0x14, 0xE1, 0x0F});              // PEXTRB ecx, xmm4, 15
  m.code({0x66, 0x0F, 0x3A, 0x15, 0xE2, 0x03});              // PEXTRW edx, xmm4, 3
  m.code({0x66, 0x0F, 0x3A, 0x16, 0x26, 0x44, 0x01, 0x03});  // PEXTRD [0144h], xmm4, 3
  m.code({0x66, 0x0F, 0x3A, 0x20, 0xEE, 0x03});              // PINSRB xmm5, esi, 3
  m.code({0x66, 0x0F, 0x3A, 0x20, 0x2E, 0x50, 0x01, 0x10});  // PINSRB xmm5, [0150h], 16 (= 0)
  m.code({0x66, 0x0F, 0x3A, 0x22, 0x36, 0x54, 0x01, 0x02});  // PINSRD xmm6, [0154h], 2
  m.code({0x66, 0x0F, 0x3A, 0x22, 0xF3, 0x01});              // PINSRD xmm6, ebx, 1
  m.code({0x66, 0x0F, 0x3A, 0x17, 0x16, 0x48, 0x01, 0x01});  // EXTRACTPS [0148h], xmm2, 1
  m.run();
  REQUIRE(m.completed());
  CHECK(m.xmm(1) == dwords(0, 0x22, 0x12, 0));
  CHECK(m.xmm(3) == dwords(0x10, 0x11, 0x12, 0xDEADBEEF));
  CHECK(m.s.gpr[EAX] == 0x22);
  CHECK(m.get<u8>(0x140) == 0xB5);
  CHECK(m.get<u8>(0x141) == 0xEE);  // one byte written
  CHECK(m.s.gpr[ECX] == 0xBF);      // zero-extended
  CHECK(m.s.gpr[EDX] == 0xB7B6);
  CHECK(m.get<u32>(0x144) == 0xBFBEBDBC);
  CHECK(m.xmm(5) == Vec128::from(0x000000007800009Aull, 0));
  CHECK(m.xmm(6) == dwords(0, 0x11223344, 0xCAFEF00D, 0));
  CHECK(m.get<u32>(0x148) == 0x21);
}

TEST_CASE("PREFETCHh and the 0F 18 reserved NOPs never fault, even beyond the segment limit", "[simd][data]") {
  for (const char* model : {"pentium3", "nehalem"}) {
    SimdMachine m(model, 0, false);  // no CR4.OSFXSR, CR0.TS set: no SSE state is involved
    m.s.cr0 |= 8;
    m.code({0x0F, 0x18, 0x06, 0x00, 0x01});                    // PREFETCHNTA [0100h]
    m.code({0x0F, 0x18, 0x0E, 0xFF, 0xFF});                    // PREFETCHT0 [FFFFh]
    m.code({0x0F, 0x18, 0x16, 0x00, 0x01});                    // PREFETCHT1 [0100h]
    m.code({0x0F, 0x18, 0x1E, 0x00, 0x01});                    // PREFETCHT2 [0100h]
    m.code({0x67, 0x0F, 0x18, 0x05, 0x00, 0x00, 0x10, 0x00});  // PREFETCHNTA [00100000h]: past DS's limit
    m.code({0x0F, 0x18, 0xC0});                                // register form: reserved NOP
    m.code({0x0F, 0x18, 0x26, 0x00, 0x01});                    // /4: reserved NOP
    m.code({0x66, 0x0F, 0x18, 0xF8});                          // /7 register form, with 66
    m.run();
    CHECK(m.completed());
  }
}

TEST_CASE("SFENCE/LFENCE/MFENCE and PAUSE complete; the memory forms of /5 /6 are #UD", "[simd][data]") {
  SimdMachine m("nehalem", 0x600, false);
  m.s.cr0 |= 8;  // CR0.TS: fences are not SSE-state instructions
  m.code({0x0F, 0xAE, 0xF8});  // SFENCE
  m.code({0x0F, 0xAE, 0xE8});  // LFENCE
  m.code({0x0F, 0xAE, 0xF0});  // MFENCE
  m.code({0x0F, 0xAE, 0xFF});  // SFENCE (any r/m)
  m.code({0xF3, 0x90});        // PAUSE
  m.run();
  CHECK(m.completed());

  CHECK(raises({0x0F, 0xAE, 0x26, 0x00, 0x01}, kUD));  // /4 memory (XSAVE)
  CHECK(raises({0x0F, 0xAE, 0x2E, 0x00, 0x01}, kUD));  // /5 memory (XRSTOR)
  CHECK(raises({0x0F, 0xAE, 0x36, 0x00, 0x01}, kUD));  // /6 memory (XSAVEOPT)
  CHECK(raises({0xF0, 0x0F, 0xAE, 0xF0}, kUD));        // LOCK MFENCE
  CHECK(raises({0x66, 0x0F, 0xAE, 0xE8}, kUD));        // 66 LFENCE: NP

  // The Pentium III has SFENCE (SSE) but not LFENCE/MFENCE (SSE2); its
  // F3 90 is REP NOP.
  SimdMachine p3("pentium3");
  p3.code({0x0F, 0xAE, 0xF8, 0xF3, 0x90});
  p3.run();
  CHECK(p3.completed());
  SimdMachine p3l("pentium3");
  p3l.code({0x0F, 0xAE, 0xE8});
  p3l.run();
  CHECK(p3l.in_handler(kUD));
}

TEST_CASE("CLFLUSH checks its byte like a load: segment-limit faults, #UD without CLFSH", "[simd][data]") {
  SimdMachine m("pentium-m");
  m.put<u8>(0x100, 0x77);
  m.code({0x0F, 0xAE, 0x3E, 0x00, 0x01});  // CLFLUSH [0100h]
  m.code({0x0F, 0xAE, 0x3E, 0xFF, 0xFF});  // CLFLUSH [FFFFh]: the last byte in the limit
  m.code({0x0F, 0xAE, 0xF8});              // SFENCE still decodes beside it
  m.run();
  REQUIRE(m.completed());
  CHECK(m.get<u8>(0x100) == 0x77);

  SimdMachine gp("nehalem");
  gp.code({0x67, 0x0F, 0xAE, 0x3D, 0x00, 0x00, 0x01, 0x00});  // CLFLUSH [00010000h]: DS limit is FFFFh
  gp.run();
  CHECK(gp.in_handler(kGP));
  SimdMachine ss("nehalem");
  ss.s.gpr[EBP] = 0x10000;
  ss.code({0x67, 0x0F, 0xAE, 0x7D, 0x00});  // CLFLUSH [ebp+0]: SS
  ss.run();
  CHECK(ss.in_handler(kSS));

  SimdMachine p3("pentium3");  // SSE, but no CLFLUSH (CPUID.1:EDX.19)
  p3.code({0x0F, 0xAE, 0x3E, 0x00, 0x01});
  p3.run();
  CHECK(p3.in_handler(kUD));
}

TEST_CASE("MONITOR/MWAIT: #UD on pentium-m; on nehalem MWAIT after MONITOR halts", "[simd][data]") {
  for (u8 rm : {u8{0xC8}, u8{0xC9}}) {
    SimdMachine pm("pentium-m");
    pm.code({0x0F, 0x01, rm});
    pm.run();
    CHECK(pm.in_handler(kUD));
  }

  SimdMachine m;
  m.s.gpr[EAX] = 0x100;
  m.code({0x0F, 0x01, 0xC8});  // MONITOR (DS:AX)
  m.code({0x0F, 0x01, 0xC9});  // MWAIT
  const u32 after_mwait = m.at;
  m.run();
  CHECK(m.s.halted);
  CHECK(m.s.seg[CS].selector == 0x1000);
  CHECK(m.s.rip == after_mwait);  // halted after MWAIT, not at the final HLT
  CHECK(m.s.in_mwait);
  // An NMI ends the wait (and disarms the monitor); it returns to the
  // instruction after MWAIT.
  m.cpu.raise_nmi();
  m.cpu.run(10);
  REQUIRE(m.in_handler(2));
  CHECK_FALSE(m.s.monitor_armed);
  CHECK_FALSE(m.s.in_mwait);
  CHECK(load_le<u16>(&m.ram.at(m.s.seg[SS].base + (m.s.gpr[ESP] & 0xFFFF))) == after_mwait);

  // A store to the monitored line by another agent (here a bus write, as
  // another processor's or DMA) ends the wait at once (SDM Vol. 2B MWAIT).
  SimdMachine w;
  w.s.gpr[EAX] = 0x100;
  w.code({0x0F, 0x01, 0xC8});  // MONITOR (DS:AX)
  w.code({0x0F, 0x01, 0xC9});  // MWAIT
  w.run();
  REQUIRE(w.s.halted);
  w.cpu.bus().write<u32>(w.s.seg[DS].base + 0x13C, 1);  // the same 64-byte line
  CHECK_FALSE(w.s.halted);
  CHECK_FALSE(w.s.monitor_armed);
  // A store before MWAIT triggers the monitor: MWAIT then falls through.
  SimdMachine early;
  early.s.gpr[EAX] = 0x100;
  early.code({0x0F, 0x01, 0xC8, 0xC6, 0x06, 0x20, 0x01, 0x05});  // MONITOR; mov byte [0x120], 5
  early.code({0x0F, 0x01, 0xC9});  // MWAIT
  early.run();
  CHECK(early.completed());

  // Without an armed monitor MWAIT falls through (SDM Vol. 2B MWAIT).
  SimdMachine unarmed;
  unarmed.code({0x0F, 0x01, 0xC9});
  unarmed.run();
  CHECK(unarmed.completed());

  // ECX extensions: none is reported, so any bit is #GP(0); the same for
  // MONITOR's ECX.
  for (u8 rm : {u8{0xC8}, u8{0xC9}}) {
    SimdMachine ext;
    ext.s.gpr[ECX] = 1;
    ext.code({0x0F, 0x01, rm});
    ext.run();
    CHECK(ext.in_handler(kGP));
  }
  // MONITOR's address is checked like a byte read: EAX beyond DS's limit
  // with 32-bit addressing.
  SimdMachine lim;
  lim.s.gpr[EAX] = 0x10000;
  lim.code({0x67, 0x0F, 0x01, 0xC8});
  lim.run();
  CHECK(lim.in_handler(kGP));
  // 16-bit addressing uses AX: the same EAX is offset 0.
  SimdMachine ax;
  ax.s.gpr[EAX] = 0x10000;
  ax.code({0x0F, 0x01, 0xC8});
  ax.run();
  CHECK(ax.completed());
  CHECK(ax.s.monitor_armed);
}

TEST_CASE("FISTTP stores truncated integers and pops; #UD before SSE3", "[simd][data][x87]") {
  SimdMachine m;
  m.put<u64>(0x100, 0x4006000000000000ull);  // 2.75
  m.put<u64>(0x108, 0xC006000000000000ull);  // -2.75
  m.put<u64>(0x110, 0x40E3880000000000ull);  // 40000.0: beyond m16
  m.code({0xDD, 0x06, 0x00, 0x01, 0xDF, 0x0E, 0x20, 0x01});  // FLD qword [0100h]; FISTTP word [0120h]
  m.code({0xDD, 0x06, 0x08, 0x01, 0xDB, 0x0E, 0x24, 0x01});  // FLD qword [0108h]; FISTTP dword [0124h]
  m.code({0xDD, 0x06, 0x08, 0x01, 0xDD, 0x0E, 0x28, 0x01});  // FLD qword [0108h]; FISTTP qword [0128h]
  m.code({0xDD, 0x06, 0x00, 0x01, 0xDF, 0x1E, 0x30, 0x01});  // FLD qword [0100h]; FISTP word [0130h] (rounds)
  m.code({0xDD, 0x06, 0x10, 0x01, 0xDF, 0x0E, 0x32, 0x01});  // FLD qword [0110h]; FISTTP word [0132h]
  m.run();
  REQUIRE(m.completed());
  CHECK(m.get<u16>(0x120) == 2);
  CHECK(m.get<u32>(0x124) == 0xFFFFFFFEu);
  CHECK(m.get<u64>(0x128) == 0xFFFFFFFFFFFFFFFEull);
  CHECK(m.get<u16>(0x130) == 3);
  CHECK(m.get<u16>(0x132) == 0x8000);  // the integer indefinite (IE masked)
  CHECK((m.s.fpu.fsw & 1) == 1);       // IE
  CHECK(m.s.fpu.top() == 0);           // every FISTTP popped
  CHECK(m.s.fpu.fcw == 0x037F);        // RC untouched

  SimdMachine pm("pentium-m");
  pm.put<u64>(0x100, 0x4006000000000000ull);
  pm.code({0xDD, 0x06, 0x00, 0x01, 0xDF, 0x0E, 0x20, 0x01});
  pm.run();
  CHECK(pm.in_handler(kUD));
}

namespace {

/// A protected-mode nehalem with paging: the first 4 MiB identity-mapped
/// except the not-present page at 200000h.
struct PagedRig : gb::test::PmRig {
  static constexpr u32 kHole = 0x200000;
  PagedRig() : PmRig("nehalem") {
    for (u32 i = 0; i < 1024; ++i) store_le<u32>(&ram[0x11000 + 4 * i], (i << 12) | 3);
    store_le<u32>(&ram[0x11000 + 4 * (kHole >> 12)], 0);
    store_le<u32>(&ram[0x10000], 0x11000 | 3);
    s.cr3 = 0x10000;
    cpu.write_cr0(s.cr0 | 0x8000'0000u);
    cpu.update_paging(Cpu::TlbFlush::All);
  }
  /// Runs `bytes` (then HLT): whether it reached the HLT with no fault.
  bool completes(std::initializer_list<u8> bytes) {
    code(bytes);
    cpu.run(10);
    return log.faults.empty() && s.rip == kCode + bytes.size() + 1;
  }
};

}  // namespace

TEST_CASE("Under paging PREFETCHh ignores a not-present page; CLFLUSH raises #PF as a read", "[simd][data]") {
  PagedRig prefetch;
  CHECK(prefetch.completes({0x0F, 0x18, 0x05, 0x00, 0x00, 0x20, 0x00}));  // PREFETCHNTA [200000h]
  CHECK(prefetch.completes({0x0F, 0x18, 0x0D, 0x00, 0x00, 0x20, 0x00}));  // PREFETCHT0 [200000h]

  PagedRig flush;
  CHECK(flush.completes({0x0F, 0xAE, 0x3D, 0x00, 0x10, 0x00, 0x00}));  // CLFLUSH [1000h]
  CHECK_FALSE(flush.completes({0x0F, 0xAE, 0x3D, 0x00, 0x00, 0x20, 0x00}));  // CLFLUSH [200000h]
  REQUIRE(flush.log.faults.size() == 1);
  CHECK(flush.log.faults[0].vector == kPF);
  CHECK(flush.log.faults[0].error == 0);  // not present, read, supervisor
  CHECK(flush.s.cr2 == PagedRig::kHole);
}

TEST_CASE("CLFLUSH may name an execute-only code segment, which a load may not", "[simd][data]") {
  gb::test::PmRig m("nehalem");
  m.s.seg[CS].access = 0x98;  // execute-only
  m.cpu.update_mode();
  m.code({0x2E, 0x0F, 0xAE, 0x3D, 0x00, 0x10, 0x00, 0x00});  // CLFLUSH cs:[1000h]
  m.cpu.run(10);
  CHECK(m.log.faults.empty());
  CHECK(m.s.rip == gb::test::PmRig::kCode + 9);
  m.code({0x2E, 0x8B, 0x05, 0x00, 0x10, 0x00, 0x00});  // MOV eax, cs:[1000h]
  m.cpu.run(10);
  REQUIRE(m.log.faults.size() == 1);
  CHECK(m.log.faults[0].vector == kGP);
}

TEST_CASE("MONITOR and MWAIT are #UD above CPL 0", "[simd][data]") {
  for (u8 rm : {u8{0xC8}, u8{0xC9}}) {
    gb::test::PmRig m("nehalem");
    m.s.cpl = 3;  // the check alone: CPL as a ring-3 caller would have it
    m.code({0x0F, 0x01, rm});
    m.cpu.run(1);
    REQUIRE_FALSE(m.log.faults.empty());
    CHECK(m.log.faults[0].vector == kUD);
    CHECK_FALSE(m.s.monitor_armed);
  }
}
