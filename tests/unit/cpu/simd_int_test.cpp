// The integer SIMD instructions (cpu/simd/int_*.cpp): MMX, SSE's MMX-register
// additions, SSE2's XMM forms. Expected values worked out by hand from the
// SDM Vol. 2 pages (lane by lane, little-endian: lane 0 is the low bits).
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "simd_rig.hpp"

using namespace gb;
using gb::test::SimdMachine;

namespace {

void emit(SimdMachine& m, const std::vector<u8>& bytes) {
  for (u8 b : bytes) m.code({b});
}

/// Runs `insn` with mm0 = a, mm1 = b (the rig's FNINIT leaves register
/// contents alone) and returns mm0.
u64 run_mm(const std::vector<u8>& insn, u64 a, u64 b) {
  SimdMachine m;
  m.s.fpu.r[0].sig = a;
  m.s.fpu.r[1].sig = b;
  emit(m, insn);
  m.run();
  REQUIRE(m.completed());
  return m.mm(0);
}

/// Runs `insn` with xmm0 = a, xmm1 = b and returns xmm0.
Vec128 run_xmm(const std::vector<u8>& insn, const Vec128& a, const Vec128& b) {
  SimdMachine m;
  m.xmm(0) = a;
  m.xmm(1) = b;
  emit(m, insn);
  m.run();
  REQUIRE(m.completed());
  return m.xmm(0);
}

/// Whether `insn` raises exception `vector` (FNINIT first unless CR0 is
/// given: FNINIT would fault itself under CR0.EM or TS).
bool raises(const std::vector<u8>& insn, u8 vector, const char* model = "nehalem", u32 cr4 = 0x600, u32 cr0_set = 0) {
  SimdMachine m(model, cr4, cr0_set == 0);
  m.s.cr0 |= cr0_set;
  emit(m, insn);
  m.run();
  return m.in_handler(vector);
}

/// `op` (the byte after 0F) as "op mm0, mm1" on (a, b) gives e, and as
/// "op xmm0, xmm1" (66 prefix) gives e in both halves from a and b in both.
void lanes(u8 op, u64 a, u64 b, u64 e) {
  INFO("0F " << std::hex << unsigned{op});
  CHECK(run_mm({0x0F, op, 0xC1}, a, b) == e);
  CHECK(run_xmm({0x66, 0x0F, op, 0xC1}, Vec128::from(a, a), Vec128::from(b, b)) == Vec128::from(e, e));
}

/// A pack `op` on MMX registers (a, b) gives e: a's lanes packed in its low
/// dword, b's in the high one; on XMM registers (a, a), (b, b) the low
/// quadword is a's packed twice, the high b's.
void packs(u8 op, u64 a, u64 b, u64 e) {
  INFO("0F " << std::hex << unsigned{op});
  CHECK(run_mm({0x0F, op, 0xC1}, a, b) == e);
  const u64 pa = e & 0xFFFF'FFFF, pb = e >> 32;
  CHECK(run_xmm({0x66, 0x0F, op, 0xC1}, Vec128::from(a, a), Vec128::from(b, b)) ==
        Vec128::from(pa | pa << 32, pb | pb << 32));
}

}  // namespace

namespace Catch {
template <>
struct StringMaker<gb::Vec128> {
  static std::string convert(const gb::Vec128& v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%016llx:%016llx", static_cast<unsigned long long>(v.hi()),
                  static_cast<unsigned long long>(v.lo()));
    return buf;
  }
};
}  // namespace Catch

TEST_CASE("PADD/PSUB wrap around; the S and US forms saturate", "[simd][simd-int]") {
  // Bytes, low to high: a = 00 80 FF FF 01 FF 80 7F, b = 00 80 01 00 02 01 80 01.
  const u64 a = 0x7F80FF01FFFF8000ull, b = 0x0180010200018000ull;
  lanes(0xFC, a, b, 0x80000003FF000000ull);  // PADDB: 80+80, FF+01 wrap to 00
  lanes(0xEC, a, b, 0x7F800003FF008000ull);  // PADDSB: -128-128 -> -128, 127+1 -> 127
  lanes(0xDC, a, b, 0x80FFFF03FFFFFF00ull);  // PADDUSB: 80+80, FF+01 -> FF
  lanes(0xF8, a, b, 0x7E00FEFFFFFE0000ull);  // PSUBB: 01-02 wraps to FF
  lanes(0xE8, a, b, 0x7E00FEFFFFFE0000ull);  // PSUBSB: no saturation here
  lanes(0xD8, a, b, 0x7E00FE00FFFE0000ull);  // PSUBUSB: 01-02 -> 00
  lanes(0xE8, 0x7F80ull, 0x0180ull, 0x7E00ull);  // PSUBSB: -128-(-128) = 0, 127-1
  lanes(0xE8, 0x807Full, 0x01FFull, 0x807Full);  // PSUBSB: 127-(-1) -> 127, -128-1 -> -128
  lanes(0xFE, a, b, 0x8101000300010000ull);  // PADDD: low dwords carry out and wrap
  lanes(0xFA, a, b, 0x7E00FDFFFFFE0000ull);  // PSUBD
  // Words, low to high: a = 8000 7FFF 0005 FFFF, b = 0001 FFFF 0007 8000.
  const u64 aw = 0xFFFF00057FFF8000ull, bw = 0x80000007FFFF0001ull;
  lanes(0xFD, aw, bw, 0x7FFF000C7FFE8001ull);  // PADDW: FFFF+8000 wraps to 7FFF
  lanes(0xED, aw, bw, 0x8000000C7FFE8001ull);  // PADDSW: -1 + -32768 -> -32768
  lanes(0xDD, aw, bw, 0xFFFF000CFFFF8001ull);  // PADDUSW: 7FFF+FFFF -> FFFF
  lanes(0xF9, aw, bw, 0x7FFFFFFE80007FFFull);  // PSUBW
  lanes(0xE9, aw, bw, 0x7FFFFFFE7FFF8000ull);  // PSUBSW: -32768-1 -> -32768, 32767+1 -> 32767
  lanes(0xD9, aw, bw, 0x7FFF000000007FFFull);  // PSUBUSW: 7FFF-FFFF, 5-7 -> 0
  // PADDQ/PSUBQ (SSE2, MMX and XMM forms): a carry crosses the dword boundary.
  lanes(0xD4, a, b, 0x8101000400010000ull);
  lanes(0xD4, ~0ull, 2, 1);
  lanes(0xFB, 0, 1, ~0ull);
  lanes(0xFB, a, b, 0x7E00FDFFFFFE0000ull);
}

TEST_CASE("PAVG rounds up; PMINUB/PMAXUB unsigned, PMINSW/PMAXSW signed", "[simd][simd-int]") {
  // Bytes a = FF 00 80 01 .., b = FE 01 7F 01 ..: (FF+FE+1)/2 = FF, (0+1+1)/2 = 1, (80+7F+1)/2 = 80.
  lanes(0xE0, 0x000000000180'00FFull, 0x00000000017F'01FEull, 0x000000000180'01FFull);
  // Words a = FFFF 0000 0003, b = FFFF 0001 0006: FFFF (17-bit sum), 1, 5.
  lanes(0xE3, 0x00000003'0000'FFFFull, 0x00000006'0001'FFFFull, 0x00000005'0001'FFFFull);
  lanes(0xDA, 0x807Full, 0x7F80ull, 0x7F7Full);      // PMINUB: 7F < 80
  lanes(0xDE, 0x807Full, 0x7F80ull, 0x8080ull);      // PMAXUB
  lanes(0xEA, 0x8000'7FFFull, 0x7FFF'8000ull, 0x8000'8000ull);  // PMINSW: -32768 < 32767
  lanes(0xEE, 0x8000'7FFFull, 0x7FFF'8000ull, 0x7FFF'7FFFull);  // PMAXSW
}

TEST_CASE("PCMPEQ/PCMPGT give all-ones lanes; PCMPGT is signed; logic ops", "[simd][simd-int]") {
  // Bytes a = 80 01 05 .., b = 7F FF 05 ..: -128 > 127 no, 1 > -1 yes, 5 > 5 no.
  lanes(0x64, 0x050180ull, 0x05FF7Full, 0xFF00ull);  // PCMPGTB (the zero bytes: equal, not greater)
  lanes(0x74, 0x050180ull, 0x05FF7Full, 0xFFFFFFFF'FFFF0000ull);  // PCMPEQB
  lanes(0x65, 0x0001'8000ull, 0xFFFF'7FFFull, 0x0000'0000'FFFF'0000ull);  // PCMPGTW
  lanes(0x75, 0x0001'8000ull, 0x0001'7FFFull, 0xFFFF'FFFF'FFFF'0000ull);  // PCMPEQW
  lanes(0x66, 0x00000001'80000000ull, 0xFFFFFFFF'7FFFFFFFull, 0xFFFFFFFF'00000000ull);  // PCMPGTD
  lanes(0x76, 0x00000001'80000000ull, 0x00000001'7FFFFFFFull, 0xFFFFFFFF'00000000ull);  // PCMPEQD
  const u64 a = 0xFF00FF00'F0F0CCCCull, b = 0x0F0F0F0F'FF00AAAAull;
  lanes(0xDB, a, b, 0x0F000F00'F0008888ull);  // PAND
  lanes(0xDF, a, b, 0x000F000F'0F002222ull);  // PANDN: ~a & b
  lanes(0xEB, a, b, 0xFF0FFF0F'FFF0EEEEull);  // POR
  lanes(0xEF, a, b, 0xF00FF00F'0FF06666ull);  // PXOR
}

TEST_CASE("PMULLW/PMULHW/PMULHUW, PMADDWD, PMULUDQ, PSADBW", "[simd][simd-int]") {
  // Words a = FFFF 8000 7FFF 1234, b = FFFF 8000 8000 0010. Products: signed
  // 1, 40000000h, C0008000h (32767 * -32768), 12340h; unsigned FFFE0001h,
  // 40000000h, 3FFF8000h, 12340h.
  const u64 a = 0x1234'7FFF'8000'FFFFull, b = 0x0010'8000'8000'FFFFull;
  lanes(0xD5, a, b, 0x2340'8000'0000'0001ull);  // PMULLW
  lanes(0xE5, a, b, 0x0001'C000'4000'0000ull);  // PMULHW
  lanes(0xE4, a, b, 0x0001'3FFF'4000'FFFEull);  // PMULHUW
  // PMADDWD: 1 + 40000000h; C0008000h + 12340h.
  lanes(0xF5, a, b, 0xC001A340'40000001ull);
  // The one overflowing case: 2 * 8000h * 8000h = 2^31 wraps to 8000_0000h.
  lanes(0xF5, 0x80008000'80008000ull, 0x80008000'80008000ull, 0x80000000'80000000ull);
  // PMULUDQ: the low dwords, unsigned: FFFFFFFFh^2 = FFFFFFFE_00000001h.
  lanes(0xF4, 0x12345678'FFFFFFFFull, 0xABCDEF01'FFFFFFFFull, 0xFFFFFFFE'00000001ull);
  // PSADBW: |00-FF| + |FF-00| + |10-20| + |20-10| + 4 * 1 = 222h.
  lanes(0xF6, 0x0201'7F80'2010'FF00ull, 0x0102'807F'1020'00FFull, 0x222);
  // XMM: each quadword gives its own sum.
  CHECK(run_xmm({0x66, 0x0F, 0xF6, 0xC1}, Vec128::from(0x0201'7F80'2010'FF00ull, 0xFFFF'FFFF'FFFF'FFFFull),
                Vec128::from(0x0102'807F'1020'00FFull, 0)) == Vec128::from(0x222, 0x7F8));
}

TEST_CASE("Shifts: count from a register, memory or Ib; counts >= width clear or fill the sign", "[simd][simd-int]") {
  const u64 w = 0x8421'7FFF'8000'0001ull;
  lanes(0xF1, w, 4, 0x4210'FFF0'0000'0010ull);   // PSLLW by 4
  lanes(0xD1, w, 4, 0x0842'07FF'0800'0000ull);   // PSRLW by 4
  lanes(0xE1, w, 4, 0xF842'07FF'F800'0000ull);   // PSRAW by 4
  lanes(0xF1, w, 16, 0);                          // PSLLW by 16: all zero
  lanes(0xD1, w, 1ull << 32, 0);                  // the whole 64-bit count counts
  lanes(0xE1, w, 17, 0xFFFF'0000'FFFF'0000ull);  // PSRAW by 17: sign fill
  lanes(0xE1, w, 1ull << 63, 0xFFFF'0000'FFFF'0000ull);
  lanes(0xF2, 0x80000001'00000003ull, 31, 0x80000000'80000000ull);  // PSLLD
  lanes(0xD2, 0x80000001'00000003ull, 31, 0x00000001'00000000ull);  // PSRLD
  lanes(0xE2, 0x80000001'00000003ull, 32, 0xFFFFFFFF'00000000ull);  // PSRAD by 32
  lanes(0xF3, 0x8000'0000'0000'0001ull, 63, 0x8000'0000'0000'0000ull);  // PSLLQ
  lanes(0xD3, 0x8000'0000'0000'0001ull, 63, 1);                          // PSRLQ
  lanes(0xD3, 0x8000'0000'0000'0001ull, 64, 0);

  // Immediate forms: 0F 71/72/73 /2 /4 /6 on mm1 (ModR/M D1, E1, F1), and
  // the XMM forms on xmm1.
  auto imm_mm = [](u8 op, u8 modrm, u8 n, u64 v) {
    SimdMachine m;
    m.s.fpu.r[1].sig = v;
    emit(m, {0x0F, op, modrm, n});
    m.run();
    REQUIRE(m.completed());
    return m.mm(1);
  };
  auto imm_xmm = [](u8 op, u8 modrm, u8 n, const Vec128& v) {
    SimdMachine m;
    m.xmm(1) = v;
    emit(m, {0x66, 0x0F, op, modrm, n});
    m.run();
    REQUIRE(m.completed());
    return m.xmm(1);
  };
  CHECK(imm_mm(0x71, 0xD1, 4, w) == 0x0842'07FF'0800'0000ull);  // PSRLW
  CHECK(imm_mm(0x71, 0xE1, 200, w) == 0xFFFF'0000'FFFF'0000ull);  // PSRAW by 200
  CHECK(imm_mm(0x71, 0xF1, 4, w) == 0x4210'FFF0'0000'0010ull);  // PSLLW
  CHECK(imm_mm(0x72, 0xD1, 31, 0x80000001'00000003ull) == 0x00000001'00000000ull);  // PSRLD
  CHECK(imm_mm(0x72, 0xE1, 1, 0x80000001'00000003ull) == 0xC0000000'00000001ull);   // PSRAD
  CHECK(imm_mm(0x72, 0xF1, 32, 0x80000001'00000003ull) == 0);                       // PSLLD
  CHECK(imm_mm(0x73, 0xD1, 4, 0x8000'0000'0000'0001ull) == 0x0800'0000'0000'0000ull);  // PSRLQ
  CHECK(imm_mm(0x73, 0xF1, 4, 0x8000'0000'0000'0001ull) == 0x10);                      // PSLLQ
  const Vec128 v = Vec128::from(0x0706050403020100ull, 0x0F0E0D0C0B0A0908ull);
  CHECK(imm_xmm(0x71, 0xE1, 8, Vec128::from(w, w)) == Vec128::from(0xFF84'007F'FF80'0000ull, 0xFF84'007F'FF80'0000ull));
  CHECK(imm_xmm(0x73, 0xD1, 8, v) == Vec128::from(0x0007060504030201ull, 0x000F0E0D0C0B0A09ull));  // PSRLQ
  CHECK(imm_xmm(0x73, 0xD9, 3, v) == Vec128::from(0x0A09080706050403ull, 0x0000000F0E0D0C0Bull));  // PSRLDQ 3
  CHECK(imm_xmm(0x73, 0xF9, 3, v) == Vec128::from(0x0403020100000000ull, 0x0C0B0A0908070605ull));  // PSLLDQ 3
  CHECK(imm_xmm(0x73, 0xF9, 16, v) == Vec128{});  // PSLLDQ 16: cleared
  CHECK(imm_xmm(0x73, 0xD9, 255, v) == Vec128{});

  // The count from memory: PSRLW mm0, [0040h] (8 bytes; the high dword counts).
  SimdMachine m;
  m.s.fpu.r[0].sig = w;
  m.put<u32>(0x40, 4);
  m.put<u32>(0x44, 1);
  m.code({0x0F, 0xD1, 0x06, 0x40, 0x00});
  m.run();
  REQUIRE(m.completed());
  CHECK(m.mm(0) == 0);

  // No MMX PSRLDQ/PSLLDQ: 0F 73 /3 without 66 is #UD.
  CHECK(raises({0x0F, 0x73, 0xD9, 0x01}, 6));
}

TEST_CASE("PACKSS/PACKUS saturate; PUNPCK interleave", "[simd][simd-int]") {
  // Words a = 0080 FF7F 0001 FFFF (128, -129, 1, -1), b = 7FFF 8000 007F FF80.
  const u64 a = 0xFFFF'0001'FF7F'0080ull, b = 0xFF80'007F'8000'7FFFull;
  packs(0x63, a, b, 0x807F807F'FF01807Full);  // PACKSSWB: 7F 80 01 FF | 7F 80 7F 80
  packs(0x67, a, b, 0x007F00FF'00010080ull);  // PACKUSWB: 80 00 01 00 | FF 00 7F 00
  // Dwords a = 00008000h (32768), FFFF7FFFh (-32769); b = 1, -1.
  packs(0x6B, 0xFFFF7FFF'00008000ull, 0xFFFFFFFF'00000001ull, 0xFFFF'0001'8000'7FFFull);  // PACKSSDW
  // XMM: the destination's eight words, then the source's.
  CHECK(run_xmm({0x66, 0x0F, 0x63, 0xC1}, Vec128::from(a, 0x0001'0001'0001'0001ull), Vec128::from(b, 0)) ==
        Vec128::from(0x01010101'FF01807Full, 0x00000000'807F807Full));

  const u64 x = 0x8877665544332211ull, y = 0xFFEEDDCCBBAA9988ull;
  CHECK(run_mm({0x0F, 0x60, 0xC1}, x, y) == 0xBB44AA3399228811ull);  // PUNPCKLBW
  CHECK(run_mm({0x0F, 0x68, 0xC1}, x, y) == 0xFF88EE77DD66CC55ull);  // PUNPCKHBW
  CHECK(run_mm({0x0F, 0x61, 0xC1}, x, y) == 0xBBAA4433'99882211ull);  // PUNPCKLWD
  CHECK(run_mm({0x0F, 0x69, 0xC1}, x, y) == 0xFFEE8877'DDCC6655ull);  // PUNPCKHWD
  CHECK(run_mm({0x0F, 0x62, 0xC1}, x, y) == 0xBBAA9988'44332211ull);  // PUNPCKLDQ
  CHECK(run_mm({0x0F, 0x6A, 0xC1}, x, y) == 0xFFEEDDCC'88776655ull);  // PUNPCKHDQ
  const Vec128 vx = Vec128::from(x, 0x0706050403020100ull), vy = Vec128::from(y, 0x1716151413121110ull);
  CHECK(run_xmm({0x66, 0x0F, 0x60, 0xC1}, vx, vy) == Vec128::from(0xBB44AA3399228811ull, 0xFF88EE77DD66CC55ull));
  CHECK(run_xmm({0x66, 0x0F, 0x68, 0xC1}, vx, vy) == Vec128::from(0x1303120211011000ull, 0x1707160615051404ull));
  CHECK(run_xmm({0x66, 0x0F, 0x62, 0xC1}, vx, vy) == Vec128::from(0xBBAA9988'44332211ull, 0xFFEEDDCC'88776655ull));
  CHECK(run_xmm({0x66, 0x0F, 0x6A, 0xC1}, vx, vy) == Vec128::from(0x13121110'03020100ull, 0x17161514'07060504ull));
  CHECK(run_xmm({0x66, 0x0F, 0x6C, 0xC1}, vx, vy) == Vec128::from(x, y));  // PUNPCKLQDQ
  CHECK(run_xmm({0x66, 0x0F, 0x6D, 0xC1}, vx, vy) == Vec128::from(vx.hi(), vy.hi()));  // PUNPCKHQDQ

  // The MMX low unpacks read only 4 bytes of memory (m32): at DS:FFFCh the
  // access ends at the segment limit; the high unpacks read 8 and fault.
  SimdMachine m;
  m.s.fpu.r[0].sig = x;
  m.put<u32>(0xFFFC, 0xBBAA9988u);
  m.code({0x0F, 0x60, 0x06, 0xFC, 0xFF});  // PUNPCKLBW mm0, [FFFCh]
  m.run();
  REQUIRE(m.completed());
  CHECK(m.mm(0) == 0xBB44AA3399228811ull);
  CHECK(raises({0x0F, 0x68, 0x06, 0xFC, 0xFF}, 13));  // PUNPCKHBW mm0, [FFFCh]
}

TEST_CASE("PSHUFW/PSHUFD/PSHUFLW/PSHUFHW select lanes by Ib", "[simd][simd-int]") {
  // Ib = 1Bh (00 01 10 11b) reverses four lanes; 0 broadcasts lane 0.
  CHECK(run_mm({0x0F, 0x70, 0xC1, 0x1B}, 0, 0x4444'3333'2222'1111ull) == 0x1111'2222'3333'4444ull);
  CHECK(run_mm({0x0F, 0x70, 0xC1, 0x00}, 0, 0x4444'3333'2222'1111ull) == 0x1111'1111'1111'1111ull);
  const Vec128 v = Vec128::from(0x4444'3333'2222'1111ull, 0x8888'7777'6666'5555ull);
  CHECK(run_xmm({0x66, 0x0F, 0x70, 0xC1, 0x1B}, {}, v) ==
        Vec128::from(0x6666'5555'8888'7777ull, 0x2222'1111'4444'3333ull));  // PSHUFD
  CHECK(run_xmm({0xF2, 0x0F, 0x70, 0xC1, 0x1B}, {}, v) ==
        Vec128::from(0x1111'2222'3333'4444ull, 0x8888'7777'6666'5555ull));  // PSHUFLW
  CHECK(run_xmm({0xF3, 0x0F, 0x70, 0xC1, 0x1B}, {}, v) ==
        Vec128::from(0x4444'3333'2222'1111ull, 0x5555'6666'7777'8888ull));  // PSHUFHW
}

TEST_CASE("PEXTRW, PINSRW, PMOVMSKB on MMX and XMM registers", "[simd][simd-int]") {
  SimdMachine m;
  m.s.fpu.r[1].sig = 0x4444'3333'2222'1111ull;
  m.xmm(1) = Vec128::from(0x4444'3333'2222'1111ull, 0x8888'7777'6666'5555ull);
  m.s.gpr[EAX] = 0xFFFF'FFFF;
  m.s.gpr[EBX] = 0xDEAD'BEEF;
  m.put<u16>(0xFFFE, 0xCAFE);
  m.s.fpu.r[2].sig = 0;
  m.code({0x0F, 0xC5, 0xC1, 0x06});              // PEXTRW eax, mm1, 6 (6 mod 4 = 2)
  m.code({0x66, 0x0F, 0xC5, 0xD1, 0x07});        // PEXTRW edx, xmm1, 7
  m.code({0x0F, 0xC4, 0xD3, 0x01});              // PINSRW mm2, ebx, 1 (the low word)
  m.code({0x0F, 0xC4, 0x16, 0xFE, 0xFF, 0x03});  // PINSRW mm2, [FFFEh], 3 (m16: ends at the limit)
  m.code({0x66, 0x0F, 0xC4, 0xCB, 0x0D});        // PINSRW xmm1, ebx, 13 (13 mod 8 = 5)
  m.run();
  REQUIRE(m.completed());
  CHECK(m.s.gpr[EAX] == 0x3333);
  CHECK(m.s.gpr[EDX] == 0x8888);
  CHECK(m.mm(2) == 0xCAFE'0000'BEEF'0000ull);
  CHECK(m.xmm(1) == Vec128::from(0x4444'3333'2222'1111ull, 0x8888'7777'BEEF'5555ull));

  SimdMachine k;
  k.s.fpu.r[1].sig = 0x80'7F'FF'00'01'80'00'FFull;
  k.xmm(1) = Vec128::from(0x80'7F'FF'00'01'80'00'FFull, 0xFF'00'00'00'00'00'00'80ull);
  k.s.gpr[EAX] = k.s.gpr[ECX] = 0xFFFF'FFFF;
  k.code({0x0F, 0xD7, 0xC1});        // PMOVMSKB eax, mm1
  k.code({0x66, 0x0F, 0xD7, 0xC9});  // PMOVMSKB ecx, xmm1
  k.run();
  REQUIRE(k.completed());
  CHECK(k.s.gpr[EAX] == 0b1010'0101);
  CHECK(k.s.gpr[ECX] == 0b1000'0001'1010'0101);

  // PEXTRW and PMOVMSKB have no memory form.
  CHECK(raises({0x0F, 0xD7, 0x06, 0x00, 0x00}, 6));
  CHECK(raises({0x66, 0x0F, 0xC5, 0x06, 0x00, 0x00, 0x01}, 6));
}

TEST_CASE("MASKMOVQ/MASKMOVDQU store the selected bytes at DS:(E)DI", "[simd][simd-int]") {
  SimdMachine m;
  for (u32 i = 0; i < 0x40; ++i) m.data(0x100)[i] = 0xEE;
  m.s.fpu.r[0].sig = 0x8877665544332211ull;
  m.s.fpu.r[1].sig = 0x80'00'7F'FF'00'00'00'80ull;  // bytes 0, 4, 7 selected (7Fh is not)
  m.xmm(2) = Vec128::from(0x0706050403020100ull, 0x0F0E0D0C0B0A0908ull);
  m.xmm(3) = Vec128::from(0, 0x80'00'00'00'00'00'00'FFull);  // bytes 8 and 15
  m.s.gpr[EDI] = 0x100;
  m.s.gpr[ESI] = 0x123;
  m.code({0x0F, 0xF7, 0xC1});  // MASKMOVQ mm0, mm1
  m.code({0x87, 0xF7});        // XCHG esi, edi (a misaligned EDI: no rule)
  m.code({0x66, 0x0F, 0xF7, 0xD3});  // MASKMOVDQU xmm2, xmm3
  m.run();
  REQUIRE(m.completed());
  CHECK(m.get<u64>(0x100) == 0x88EEEE55EEEEEE11ull);
  CHECK(m.get<u64>(0x123) == 0xEEEEEEEEEEEEEEEEull);
  CHECK(m.get<u64>(0x12B) == 0x0FEEEEEEEEEEEE08ull);
  CHECK(m.s.fpu.top() == 0);
  CHECK(m.s.fpu.full == 0xFF);

  // The whole 8 bytes must be writable: at DS:FFFCh the store faults
  // (#GP in real mode) and writes nothing.
  SimdMachine lim;
  lim.put<u32>(0xFFFC, 0x11111111u);
  lim.s.fpu.r[1].sig = 0x80ull;
  lim.s.gpr[EDI] = 0xFFFC;
  lim.code({0x0F, 0xF7, 0xC1});
  lim.run();
  CHECK(lim.in_handler(13));
  CHECK(lim.get<u32>(0xFFFC) == 0x11111111u);

  // Register only: a memory ModR/M is #UD.
  CHECK(raises({0x0F, 0xF7, 0x06, 0x00, 0x00}, 6));
}

TEST_CASE("MOVNTQ/MOVNTDQ store; MOVDQ2Q/MOVQ2DQ move between MMX and XMM", "[simd][simd-int]") {
  SimdMachine m;
  m.s.fpu.r[0].sig = 0x0123456789ABCDEFull;
  m.xmm(1) = Vec128::from(0x1111111122222222ull, 0x3333333344444444ull);
  m.s.fpu.r[3].sig = 0xFEDCBA9876543210ull;
  m.xmm(5) = Vec128::from(~0ull, ~0ull);
  m.code({0x0F, 0xE7, 0x06, 0x43, 0x00});        // MOVNTQ [0043h], mm0 (no alignment rule)
  m.code({0x66, 0x0F, 0xE7, 0x0E, 0x60, 0x00});  // MOVNTDQ [0060h], xmm1
  m.code({0xF2, 0x0F, 0xD6, 0xE1});              // MOVDQ2Q mm4, xmm1
  m.code({0xF3, 0x0F, 0xD6, 0xEB});              // MOVQ2DQ xmm5, mm3
  m.run();
  REQUIRE(m.completed());
  CHECK(m.get<u64>(0x43) == 0x0123456789ABCDEFull);
  CHECK(m.get<u64>(0x60) == 0x1111111122222222ull);
  CHECK(m.get<u64>(0x68) == 0x3333333344444444ull);
  CHECK(m.mm(4) == 0x1111111122222222ull);
  CHECK(m.xmm(5) == Vec128::from(0xFEDCBA9876543210ull, 0));

  CHECK(raises({0x66, 0x0F, 0xE7, 0x0E, 0x68, 0x00}, 13));  // MOVNTDQ [0068h], xmm1
  CHECK(raises({0x0F, 0xE7, 0xC1}, 6));                     // MOVNTQ has no register form
}

TEST_CASE("16-byte memory operands must be aligned (#GP(0)); MMX ones need not be", "[simd][simd-int]") {
  SimdMachine m;
  m.put<u64>(0x100, 0x0101010101010101ull);
  m.put<u64>(0x108, 0x0202020202020202ull);
  m.put<u64>(0x110, 0x0303030303030303ull);
  m.xmm(0) = Vec128::from(0x10, 0x20);
  m.s.fpu.r[0].sig = 0x10;
  m.code({0x66, 0x0F, 0xFC, 0x06, 0x00, 0x01});  // PADDB xmm0, [0100h]
  m.code({0x0F, 0xFC, 0x06, 0x03, 0x01});        // PADDB mm0, [0103h]
  m.run();
  REQUIRE(m.completed());
  CHECK(m.xmm(0) == Vec128::from(0x0101010101010111ull, 0x0202020202020222ull));
  CHECK(m.mm(0) == 0x0202020101010111ull);

  for (std::vector<u8> insn : {std::vector<u8>{0x66, 0x0F, 0xFC, 0x06, 0x08, 0x01},     // PADDB
                               std::vector<u8>{0x66, 0x0F, 0x70, 0x06, 0x04, 0x01, 0},  // PSHUFD
                               std::vector<u8>{0x66, 0x0F, 0xF1, 0x06, 0x01, 0x01},     // PSLLW
                               std::vector<u8>{0x66, 0x0F, 0x60, 0x06, 0x08, 0x01}}) {  // PUNPCKLBW
    SimdMachine mis;
    mis.xmm(0) = Vec128::from(1, 2);
    emit(mis, insn);
    mis.run();
    CHECK(mis.in_handler(13));
    CHECK(mis.xmm(0) == Vec128::from(1, 2));
  }
}

TEST_CASE("MMX forms make the x87 state MMX state; exception classes; model gating", "[simd][simd-int]") {
  SimdMachine m;
  m.code({0xD9, 0xE8});        // FLD1: TOP = 7, one register valid
  m.code({0x0F, 0xDB, 0xC1});  // PAND mm0, mm1
  m.run();
  REQUIRE(m.completed());
  CHECK(m.s.fpu.top() == 0);
  CHECK(m.s.fpu.full == 0xFF);
  CHECK((m.s.fpu.r[0].se & 0xFFFF) == 0xFFFF);

  // A fault leaves the x87 state alone (TOP stays 7).
  SimdMachine f;
  f.code({0xD9, 0xE8});                    // FLD1
  f.code({0x0F, 0xFC, 0x06, 0xFC, 0xFF});  // PADDB mm0, [FFFCh]: beyond the limit
  f.run();
  CHECK(f.in_handler(13));
  CHECK(f.s.fpu.top() == 7);

  // SSE's instructions on MMX registers follow the MMX rules (SDM Vol. 3B
  // Table 22-7): no CR4.OSFXSR needed; MOVQ2DQ (an XMM operand, Table
  // 22-6) needs it; CR0.EM is #UD and CR0.TS #NM for all.
  SimdMachine no_fx("nehalem", 0);
  no_fx.code({0x0F, 0xE0, 0xC1});  // PAVGB mm0, mm1
  no_fx.code({0x0F, 0xD4, 0xC1});  // PADDQ mm0, mm1
  no_fx.run();
  CHECK(no_fx.completed());
  CHECK(raises({0xF3, 0x0F, 0xD6, 0xC1}, 6, "nehalem", 0));  // MOVQ2DQ xmm0, mm1
  CHECK(raises({0x0F, 0xFC, 0xC1}, 6, "nehalem", 0x600, 4));  // CR0.EM
  CHECK(raises({0x0F, 0xE0, 0xC1}, 7, "nehalem", 0x600, 8));  // CR0.TS

  // The Pentium III has MMX and SSE (PAVGB mm) but not SSE2 (PADDQ mm, the
  // XMM forms).
  SimdMachine p3("pentium3");
  p3.code({0x0F, 0xFC, 0xC1, 0x0F, 0xE0, 0xC1});
  p3.run();
  CHECK(p3.completed());
  CHECK(raises({0x0F, 0xD4, 0xC1}, 6, "pentium3"));
  CHECK(raises({0x66, 0x0F, 0xFC, 0xC1}, 6, "pentium3"));
}
