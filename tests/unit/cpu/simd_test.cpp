// The SIMD framework (cpu/simd/simd.*, the decoder's mandatory prefixes and
// maps): exception checks (CR0.EM/TS, CR4.OSFXSR), alignment, the MMX/x87
// aliasing, MXCSR loads, model gating; with the moves as the instructions.
#include <catch2/catch.hpp>

#include "simd_rig.hpp"

using namespace gb;
using gb::test::SimdMachine;

TEST_CASE("MOVUPS/MOVAPS load and store; MOVAPS faults on a misaligned operand", "[simd]") {
  SimdMachine m;
  for (unsigned i = 0; i < 16; ++i) m.data(0x100)[i] = static_cast<u8>(0xA0 + i);
  m.code({0x0F, 0x10, 0x06, 0x00, 0x01});  // MOVUPS xmm0, [0100h]
  m.code({0x0F, 0x29, 0x06, 0x20, 0x01});  // MOVAPS [0120h], xmm0
  m.code({0x0F, 0x28, 0x0E, 0x20, 0x01});  // MOVAPS xmm1, [0120h]
  m.run();
  REQUIRE(m.completed());
  CHECK(m.xmm(0).get<u64>(0) == 0xA7A6A5A4A3A2A1A0ull);
  CHECK(m.xmm(1) == m.xmm(0));
  CHECK(m.get<u64>(0x128) == 0xAFAEADACABAAA9A8ull);

  SimdMachine mis;
  mis.code({0x0F, 0x28, 0x06, 0x08, 0x01});  // MOVAPS xmm0, [0108h]
  mis.run();
  CHECK(mis.in_handler(13));
  SimdMachine unaligned_ok;
  unaligned_ok.code({0x0F, 0x10, 0x06, 0x08, 0x01});  // MOVUPS xmm0, [0108h]
  unaligned_ok.run();
  CHECK(unaligned_ok.completed());
}

TEST_CASE("SSE needs CR4.OSFXSR and CR0.EM clear (#UD), CR0.TS clear (#NM)", "[simd]") {
  SimdMachine no_osfxsr("nehalem", 0);
  no_osfxsr.code({0x0F, 0x28, 0xC1});  // MOVAPS xmm0, xmm1
  no_osfxsr.run();
  CHECK(no_osfxsr.in_handler(6));

  SimdMachine em("nehalem", 0x600, false);
  em.s.cr0 |= 4;
  em.code({0x0F, 0x28, 0xC1});
  em.run();
  CHECK(em.in_handler(6));

  SimdMachine ts("nehalem", 0x600, false);
  ts.s.cr0 |= 8;
  ts.code({0x0F, 0x28, 0xC1});
  ts.run();
  CHECK(ts.in_handler(7));
}

TEST_CASE("Mandatory prefixes select the instruction; models gate the extensions", "[simd]") {
  SimdMachine m;
  m.xmm(1) = Vec128::from(0x1111111122222222ull, 0x3333333344444444ull);
  m.xmm(0) = Vec128::from(0xAAAAAAAABBBBBBBBull, 0xCCCCCCCCDDDDDDDDull);
  m.code({0xF3, 0x0F, 0x10, 0xC1});  // MOVSS xmm0, xmm1: merges the low dword
  m.run();
  REQUIRE(m.completed());
  CHECK(m.xmm(0) == Vec128::from(0xAAAAAAAA22222222ull, 0xCCCCCCCCDDDDDDDDull));

  SimdMachine p3("pentium3");
  p3.code({0x66, 0x0F, 0x28, 0xC1});  // MOVAPD: SSE2, not on the Pentium III
  p3.run();
  CHECK(p3.in_handler(6));
  SimdMachine ppro("pentium-pro");
  ppro.code({0x0F, 0x6F, 0xC1});  // MOVQ mm0, mm1: no MMX on the Pentium Pro
  ppro.run();
  CHECK(ppro.in_handler(6));
}

TEST_CASE("MMX instructions alias the x87 registers: TOP = 0, all valid; EMMS empties", "[simd]") {
  SimdMachine m;
  m.put<u64>(0x40, 0x0123456789ABCDEFull);
  m.code({0xD9, 0xE8});              // FLD1 (TOP becomes 7)
  m.code({0x0F, 0x6F, 0x1E, 0x40, 0x00});  // MOVQ mm3, [0040h]
  m.run();
  REQUIRE(m.completed());
  CHECK(m.s.fpu.top() == 0);
  CHECK(m.s.fpu.full == 0xFF);
  CHECK(m.mm(3) == 0x0123456789ABCDEFull);
  CHECK(m.s.fpu.r[3].se == 0xFFFF);

  SimdMachine e;
  e.code({0x0F, 0x6E, 0xC0});  // MOVD mm0, eax
  e.code({0x0F, 0x77});        // EMMS
  e.run();
  REQUIRE(e.completed());
  CHECK(e.s.fpu.full == 0);
  CHECK(e.s.fpu.tag_word() == 0xFFFF);
}

TEST_CASE("LDMXCSR: #GP(0) on bits outside MXCSR_MASK (DAZ only with it)", "[simd]") {
  SimdMachine m;
  m.put<u32>(0x10, 0x9FC0);  // FTZ, DAZ, all masks, RC = nearest
  m.code({0x0F, 0xAE, 0x16, 0x10, 0x00});  // LDMXCSR [0010h]
  m.code({0x0F, 0xAE, 0x1E, 0x14, 0x00});  // STMXCSR [0014h]
  m.run();
  REQUIRE(m.completed());
  CHECK(m.s.fpu.mxcsr == 0x9FC0);
  CHECK(m.get<u32>(0x14) == 0x9FC0);

  SimdMachine reserved;
  reserved.put<u32>(0x10, 0x11F80);
  reserved.code({0x0F, 0xAE, 0x16, 0x10, 0x00});
  reserved.run();
  CHECK(reserved.in_handler(13));

  SimdMachine p3("pentium3");  // MXCSR_MASK FFBFh: no DAZ
  p3.put<u32>(0x10, 0x1FC0);
  p3.code({0x0F, 0xAE, 0x16, 0x10, 0x00});
  p3.run();
  CHECK(p3.in_handler(13));
}
