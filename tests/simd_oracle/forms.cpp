// The oracle's instruction forms (SDM Vol. 2D Appendix A, Tables,
// and each instruction's page for operand widths and alignment). A 16-byte
// memory operand of a legacy SSE instruction must be aligned (SDM Vol. 1
// 11.4.1, 12.4.1): the exceptions here are MOVUPS/MOVUPD/MOVDQU, LDDQU and
// the SSE4.2 string instructions PCMPxSTRx, whose memory operand the SDM
// (Vol. 2B, PCMPESTRI) excludes from the alignment rule (the host agrees:
// they never fault here on an unaligned [esi+disp8]).
#include "tests/simd_oracle/forms.hpp"

#include <vector>

namespace gb::simd_oracle {

namespace {

struct Op3 {
  const char* name;
  int op, x;
};

std::vector<Form> build() {
  std::vector<Form> v;
  using S = Shape;
  auto add = [&](std::string name, u8 pfx, u16 op, i8 ext, S shape, u8 mem, bool al, Imm imm, Val val, u8 flags = 0) {
    v.push_back(Form{std::move(name), pfx, op, ext, shape, mem, al, imm, val, flags});
  };
  // MMX-register (NP, mm/m64) and SSE2 XMM-register (66, xmm/m128 aligned)
  // forms of the integer instructions.
  auto both = [&](const char* name, u16 op, Imm imm = Imm::None, u8 mmx_mem = 8) {
    add(std::string(name) + "/mm", 0, op, -1, S::PQ, mmx_mem, false, imm, Val::Int);
    add(name, 0x66, op, -1, S::VW, 16, true, imm, Val::Int);
  };
  // Packed single (NP), scalar single (F3), packed double (66), scalar double (F2).
  auto fp4 = [&](const char* base, u16 op, Imm imm = Imm::None) {
    const std::string b(base);
    add(b + "PS", 0, op, -1, S::VW, 16, true, imm, Val::F32);
    add(b + "SS", 0xF3, op, -1, S::VW, 4, false, imm, Val::F32);
    add(b + "PD", 0x66, op, -1, S::VW, 16, true, imm, Val::F64);
    add(b + "SD", 0xF2, op, -1, S::VW, 8, false, imm, Val::F64);
  };
  auto ps_pd = [&](const char* ps, const char* pd, u16 op, Imm imm = Imm::None) {
    add(ps, 0, op, -1, S::VW, 16, true, imm, Val::F32);
    add(pd, 0x66, op, -1, S::VW, 16, true, imm, Val::F64);
  };
  auto x66 = [&](const char* name, u16 op, Val val = Val::Int, Imm imm = Imm::None, u8 mem = 16, bool al = true) {
    add(name, 0x66, op, -1, S::VW, mem, al && mem == 16, imm, val);
  };

  // ---- MMX and SSE2 integer (0F 60-FE).
  both("PUNPCKLBW", 0x160, Imm::None, 4);
  both("PUNPCKLWD", 0x161, Imm::None, 4);
  both("PUNPCKLDQ", 0x162, Imm::None, 4);
  for (auto [n, op] : {std::pair{"PACKSSWB", 0x163}, {"PCMPGTB", 0x164}, {"PCMPGTW", 0x165}, {"PCMPGTD", 0x166},
                       {"PACKUSWB", 0x167}, {"PUNPCKHBW", 0x168}, {"PUNPCKHWD", 0x169}, {"PUNPCKHDQ", 0x16A},
                       {"PACKSSDW", 0x16B}, {"PCMPEQB", 0x174}, {"PCMPEQW", 0x175}, {"PCMPEQD", 0x176},
                       {"PSRLW", 0x1D1}, {"PSRLD", 0x1D2}, {"PSRLQ", 0x1D3}, {"PADDQ", 0x1D4}, {"PMULLW", 0x1D5},
                       {"PSUBUSB", 0x1D8}, {"PSUBUSW", 0x1D9}, {"PMINUB", 0x1DA}, {"PAND", 0x1DB},
                       {"PADDUSB", 0x1DC}, {"PADDUSW", 0x1DD}, {"PMAXUB", 0x1DE}, {"PANDN", 0x1DF},
                       {"PAVGB", 0x1E0}, {"PSRAW", 0x1E1}, {"PSRAD", 0x1E2}, {"PAVGW", 0x1E3},
                       {"PMULHUW", 0x1E4}, {"PMULHW", 0x1E5}, {"PSUBSB", 0x1E8}, {"PSUBSW", 0x1E9},
                       {"PMINSW", 0x1EA}, {"POR", 0x1EB}, {"PADDSB", 0x1EC}, {"PADDSW", 0x1ED},
                       {"PMAXSW", 0x1EE}, {"PXOR", 0x1EF}, {"PSLLW", 0x1F1}, {"PSLLD", 0x1F2},
                       {"PSLLQ", 0x1F3}, {"PMULUDQ", 0x1F4}, {"PMADDWD", 0x1F5}, {"PSADBW", 0x1F6},
                       {"PSUBB", 0x1F8}, {"PSUBW", 0x1F9}, {"PSUBD", 0x1FA}, {"PSUBQ", 0x1FB},
                       {"PADDB", 0x1FC}, {"PADDW", 0x1FD}, {"PADDD", 0x1FE}}) {
    both(n, static_cast<u16>(op));
  }
  x66("PUNPCKLQDQ", 0x16C);
  x66("PUNPCKHQDQ", 0x16D);
  // Shifts by an immediate: 0F 71/72/73 /2 /4 /6, 66 0F 73 /3 /7.
  for (auto [n, op, ext] : std::initializer_list<Op3>{Op3{"PSRLW-ib", 0x171, 2}, {"PSRAW-ib", 0x171, 4}, {"PSLLW-ib", 0x171, 6},
                            {"PSRLD-ib", 0x172, 2}, {"PSRAD-ib", 0x172, 4}, {"PSLLD-ib", 0x172, 6},
                            {"PSRLQ-ib", 0x173, 2}, {"PSLLQ-ib", 0x173, 6}}) {
    add(std::string(n) + "/mm", 0, static_cast<u16>(op), static_cast<i8>(ext), S::NI, 0, false, Imm::Shift, Val::Int);
    add(n, 0x66, static_cast<u16>(op), static_cast<i8>(ext), S::UI, 0, false, Imm::Shift, Val::Int);
  }
  add("PSRLDQ", 0x66, 0x173, 3, S::UI, 0, false, Imm::Shift, Val::Int);
  add("PSLLDQ", 0x66, 0x173, 7, S::UI, 0, false, Imm::Shift, Val::Int);

  // ---- MMX/SSE2 data movement.
  add("MOVD/mm", 0, 0x16E, -1, S::PE, 4, false, Imm::None, Val::Int);
  add("MOVD/mm", 0, 0x17E, -1, S::EP, 4, false, Imm::None, Val::Int);
  add("MOVQ/mm", 0, 0x16F, -1, S::PQ, 8, false, Imm::None, Val::Int);
  add("MOVQ/mm", 0, 0x17F, -1, S::QP, 8, false, Imm::None, Val::Int);
  add("EMMS", 0, 0x177, -1, S::Fixed, 0, false, Imm::None, Val::Int);
  add("MOVD", 0x66, 0x16E, -1, S::VE, 4, false, Imm::None, Val::Int);
  add("MOVD", 0x66, 0x17E, -1, S::EV, 4, false, Imm::None, Val::Int);
  add("MOVQ", 0xF3, 0x17E, -1, S::VW, 8, false, Imm::None, Val::Int);
  add("MOVQ", 0x66, 0x1D6, -1, S::WV, 8, false, Imm::None, Val::Int);
  add("MOVDQA", 0x66, 0x16F, -1, S::VW, 16, true, Imm::None, Val::Int);
  add("MOVDQA", 0x66, 0x17F, -1, S::WV, 16, true, Imm::None, Val::Int);
  add("MOVDQU", 0xF3, 0x16F, -1, S::VW, 16, false, Imm::None, Val::Int);
  add("MOVDQU", 0xF3, 0x17F, -1, S::WV, 16, false, Imm::None, Val::Int);
  add("PSHUFW", 0, 0x170, -1, S::PQ, 8, false, Imm::Any, Val::Int);
  x66("PSHUFD", 0x170, Val::Int, Imm::Any);
  add("PSHUFHW", 0xF3, 0x170, -1, S::VW, 16, true, Imm::Any, Val::Int);
  add("PSHUFLW", 0xF2, 0x170, -1, S::VW, 16, true, Imm::Any, Val::Int);
  add("PINSRW/mm", 0, 0x1C4, -1, S::PE, 2, false, Imm::Any, Val::Int);
  add("PINSRW", 0x66, 0x1C4, -1, S::VE, 2, false, Imm::Any, Val::Int);
  add("PEXTRW/mm", 0, 0x1C5, -1, S::GN, 0, false, Imm::Any, Val::Int);
  add("PEXTRW", 0x66, 0x1C5, -1, S::GU, 0, false, Imm::Any, Val::Int);
  add("PMOVMSKB/mm", 0, 0x1D7, -1, S::GN, 0, false, Imm::None, Val::Int);
  add("PMOVMSKB", 0x66, 0x1D7, -1, S::GU, 0, false, Imm::None, Val::Int);
  add("MOVNTQ", 0, 0x1E7, -1, S::MP, 8, false, Imm::None, Val::Int);
  add("MOVNTDQ", 0x66, 0x1E7, -1, S::MV, 16, true, Imm::None, Val::Int);
  add("MASKMOVQ", 0, 0x1F7, -1, S::MaskQ, 0, false, Imm::None, Val::Int);
  add("MASKMOVDQU", 0x66, 0x1F7, -1, S::MaskDQ, 0, false, Imm::None, Val::Int);
  add("MOVQ2DQ", 0xF3, 0x1D6, -1, S::VN, 0, false, Imm::None, Val::Int);
  add("MOVDQ2Q", 0xF2, 0x1D6, -1, S::PU, 0, false, Imm::None, Val::Int);
  add("LDDQU", 0xF2, 0x1F0, -1, S::VM, 16, false, Imm::None, Val::Int);
  add("MOVNTI", 0, 0x1C3, -1, S::ME, 4, false, Imm::None, Val::Int);

  // ---- SSE/SSE2 floating-point moves.
  add("MOVUPS", 0, 0x110, -1, S::VW, 16, false, Imm::None, Val::F32);
  add("MOVUPS", 0, 0x111, -1, S::WV, 16, false, Imm::None, Val::F32);
  add("MOVSS", 0xF3, 0x110, -1, S::VW, 4, false, Imm::None, Val::F32);
  add("MOVSS", 0xF3, 0x111, -1, S::WV, 4, false, Imm::None, Val::F32);
  add("MOVUPD", 0x66, 0x110, -1, S::VW, 16, false, Imm::None, Val::F64);
  add("MOVUPD", 0x66, 0x111, -1, S::WV, 16, false, Imm::None, Val::F64);
  add("MOVSD", 0xF2, 0x110, -1, S::VW, 8, false, Imm::None, Val::F64);
  add("MOVSD", 0xF2, 0x111, -1, S::WV, 8, false, Imm::None, Val::F64);
  add("MOVLPS", 0, 0x112, -1, S::VM, 8, false, Imm::None, Val::F32);
  add("MOVHLPS", 0, 0x112, -1, S::VU, 0, false, Imm::None, Val::F32);
  add("MOVLPD", 0x66, 0x112, -1, S::VM, 8, false, Imm::None, Val::F64);
  add("MOVDDUP", 0xF2, 0x112, -1, S::VW, 8, false, Imm::None, Val::F64);
  add("MOVSLDUP", 0xF3, 0x112, -1, S::VW, 16, true, Imm::None, Val::F32);
  add("MOVLPS", 0, 0x113, -1, S::MV, 8, false, Imm::None, Val::F32);
  add("MOVLPD", 0x66, 0x113, -1, S::MV, 8, false, Imm::None, Val::F64);
  ps_pd("UNPCKLPS", "UNPCKLPD", 0x114);
  ps_pd("UNPCKHPS", "UNPCKHPD", 0x115);
  add("MOVHPS", 0, 0x116, -1, S::VM, 8, false, Imm::None, Val::F32);
  add("MOVLHPS", 0, 0x116, -1, S::VU, 0, false, Imm::None, Val::F32);
  add("MOVHPD", 0x66, 0x116, -1, S::VM, 8, false, Imm::None, Val::F64);
  add("MOVSHDUP", 0xF3, 0x116, -1, S::VW, 16, true, Imm::None, Val::F32);
  add("MOVHPS", 0, 0x117, -1, S::MV, 8, false, Imm::None, Val::F32);
  add("MOVHPD", 0x66, 0x117, -1, S::MV, 8, false, Imm::None, Val::F64);
  ps_pd("MOVAPS", "MOVAPD", 0x128);
  add("MOVAPS", 0, 0x129, -1, S::WV, 16, true, Imm::None, Val::F32);
  add("MOVAPD", 0x66, 0x129, -1, S::WV, 16, true, Imm::None, Val::F64);
  add("MOVNTPS", 0, 0x12B, -1, S::MV, 16, true, Imm::None, Val::F32);
  add("MOVNTPD", 0x66, 0x12B, -1, S::MV, 16, true, Imm::None, Val::F64);
  add("MOVMSKPS", 0, 0x150, -1, S::GU, 0, false, Imm::None, Val::F32);
  add("MOVMSKPD", 0x66, 0x150, -1, S::GU, 0, false, Imm::None, Val::F64);
  ps_pd("ANDPS", "ANDPD", 0x154);
  ps_pd("ANDNPS", "ANDNPD", 0x155);
  ps_pd("ORPS", "ORPD", 0x156);
  ps_pd("XORPS", "XORPD", 0x157);
  ps_pd("SHUFPS", "SHUFPD", 0x1C6, Imm::Any);

  // ---- SSE/SSE2 floating-point arithmetic, compares, conversions.
  fp4("SQRT", 0x151);
  fp4("ADD", 0x158);
  fp4("MUL", 0x159);
  fp4("SUB", 0x15C);
  fp4("MIN", 0x15D);
  fp4("DIV", 0x15E);
  fp4("MAX", 0x15F);
  fp4("CMP", 0x1C2, Imm::Cmp);
  add("RSQRTPS", 0, 0x152, -1, S::VW, 16, true, Imm::None, Val::F32, fx::kApprox);
  add("RSQRTSS", 0xF3, 0x152, -1, S::VW, 4, false, Imm::None, Val::F32, fx::kApprox);
  add("RCPPS", 0, 0x153, -1, S::VW, 16, true, Imm::None, Val::F32, fx::kApprox);
  add("RCPSS", 0xF3, 0x153, -1, S::VW, 4, false, Imm::None, Val::F32, fx::kApprox);
  add("UCOMISS", 0, 0x12E, -1, S::VW, 4, false, Imm::None, Val::F32);
  add("UCOMISD", 0x66, 0x12E, -1, S::VW, 8, false, Imm::None, Val::F64);
  add("COMISS", 0, 0x12F, -1, S::VW, 4, false, Imm::None, Val::F32);
  add("COMISD", 0x66, 0x12F, -1, S::VW, 8, false, Imm::None, Val::F64);
  add("CVTPI2PS", 0, 0x12A, -1, S::VQ, 8, false, Imm::None, Val::Int);
  add("CVTPI2PD", 0x66, 0x12A, -1, S::VQ, 8, false, Imm::None, Val::Int);
  add("CVTSI2SS", 0xF3, 0x12A, -1, S::VE, 4, false, Imm::None, Val::Int);
  add("CVTSI2SD", 0xF2, 0x12A, -1, S::VE, 4, false, Imm::None, Val::Int);
  add("CVTTPS2PI", 0, 0x12C, -1, S::PW, 8, false, Imm::None, Val::F32);
  add("CVTTPD2PI", 0x66, 0x12C, -1, S::PW, 16, true, Imm::None, Val::F64);
  add("CVTTSS2SI", 0xF3, 0x12C, -1, S::GW, 4, false, Imm::None, Val::F32);
  add("CVTTSD2SI", 0xF2, 0x12C, -1, S::GW, 8, false, Imm::None, Val::F64);
  add("CVTPS2PI", 0, 0x12D, -1, S::PW, 8, false, Imm::None, Val::F32);
  add("CVTPD2PI", 0x66, 0x12D, -1, S::PW, 16, true, Imm::None, Val::F64);
  add("CVTSS2SI", 0xF3, 0x12D, -1, S::GW, 4, false, Imm::None, Val::F32);
  add("CVTSD2SI", 0xF2, 0x12D, -1, S::GW, 8, false, Imm::None, Val::F64);
  add("CVTPS2PD", 0, 0x15A, -1, S::VW, 8, false, Imm::None, Val::F32);
  add("CVTPD2PS", 0x66, 0x15A, -1, S::VW, 16, true, Imm::None, Val::F64);
  add("CVTSS2SD", 0xF3, 0x15A, -1, S::VW, 4, false, Imm::None, Val::F32);
  add("CVTSD2SS", 0xF2, 0x15A, -1, S::VW, 8, false, Imm::None, Val::F64);
  add("CVTDQ2PS", 0, 0x15B, -1, S::VW, 16, true, Imm::None, Val::Int);
  add("CVTPS2DQ", 0x66, 0x15B, -1, S::VW, 16, true, Imm::None, Val::F32);
  add("CVTTPS2DQ", 0xF3, 0x15B, -1, S::VW, 16, true, Imm::None, Val::F32);
  add("CVTTPD2DQ", 0x66, 0x1E6, -1, S::VW, 16, true, Imm::None, Val::F64);
  add("CVTDQ2PD", 0xF3, 0x1E6, -1, S::VW, 8, false, Imm::None, Val::Int);
  add("CVTPD2DQ", 0xF2, 0x1E6, -1, S::VW, 16, true, Imm::None, Val::F64);

  // ---- SSE3.
  add("ADDSUBPD", 0x66, 0x1D0, -1, S::VW, 16, true, Imm::None, Val::F64);
  add("ADDSUBPS", 0xF2, 0x1D0, -1, S::VW, 16, true, Imm::None, Val::F32);
  add("HADDPD", 0x66, 0x17C, -1, S::VW, 16, true, Imm::None, Val::F64);
  add("HADDPS", 0xF2, 0x17C, -1, S::VW, 16, true, Imm::None, Val::F32);
  add("HSUBPD", 0x66, 0x17D, -1, S::VW, 16, true, Imm::None, Val::F64);
  add("HSUBPS", 0xF2, 0x17D, -1, S::VW, 16, true, Imm::None, Val::F32);
  // FISTTP m16/m32/m64 (DF /1, DB /1, DD /1): ST(0) truncated, popped.
  add("FISTTP", 0, 0x0DF, 1, S::Mem, 2, false, Imm::None, Val::Int);
  add("FISTTP", 0, 0x0DB, 1, S::Mem, 4, false, Imm::None, Val::Int);
  add("FISTTP", 0, 0x0DD, 1, S::Mem, 8, false, Imm::None, Val::Int);

  // ---- MXCSR, fences, cache control (0F AE, 0F 18), PAUSE.
  add("LDMXCSR", 0, 0x1AE, 2, S::Ldmxcsr, 4, false, Imm::None, Val::Int);
  add("STMXCSR", 0, 0x1AE, 3, S::Mem, 4, false, Imm::None, Val::Int);
  add("LFENCE", 0, 0x1AE, 5, S::Fixed, 0, false, Imm::None, Val::Int);
  add("MFENCE", 0, 0x1AE, 6, S::Fixed, 0, false, Imm::None, Val::Int);
  add("SFENCE", 0, 0x1AE, 7, S::Fixed, 0, false, Imm::None, Val::Int);
  add("CLFLUSH", 0, 0x1AE, 7, S::Mem, 1, false, Imm::None, Val::Int);
  for (int h = 0; h < 4; ++h) {
    static const char* kNames[4] = {"PREFETCHNTA", "PREFETCHT0", "PREFETCHT1", "PREFETCHT2"};
    add(kNames[h], 0, 0x118, static_cast<i8>(h), S::Mem, 1, false, Imm::None, Val::Int);
  }
  add("PAUSE", 0xF3, 0x090, -1, S::Fixed, 0, false, Imm::None, Val::Int);

  // ---- SSSE3 (0F 38 00-1E, 0F 3A 0F): MMX and XMM forms.
  auto ssse3 = [&](const char* name, u16 op, Imm imm = Imm::None) {
    add(std::string(name) + "/mm", 0, op, -1, S::PQ, 8, false, imm, Val::Int);
    add(name, 0x66, op, -1, S::VW, 16, true, imm, Val::Int);
  };
  for (auto [n, op] : {std::pair{"PSHUFB", 0x200}, {"PHADDW", 0x201}, {"PHADDD", 0x202}, {"PHADDSW", 0x203},
                       {"PMADDUBSW", 0x204}, {"PHSUBW", 0x205}, {"PHSUBD", 0x206}, {"PHSUBSW", 0x207},
                       {"PSIGNB", 0x208}, {"PSIGNW", 0x209}, {"PSIGND", 0x20A}, {"PMULHRSW", 0x20B},
                       {"PABSB", 0x21C}, {"PABSW", 0x21D}, {"PABSD", 0x21E}}) {
    ssse3(n, static_cast<u16>(op));
  }
  ssse3("PALIGNR", 0x30F, Imm::Any);

  // ---- SSE4.1 (66 0F 38, 66 0F 3A).
  x66("PBLENDVB", 0x210);
  x66("BLENDVPS", 0x214, Val::F32);
  x66("BLENDVPD", 0x215, Val::F64);
  x66("PTEST", 0x217);
  for (auto [n, op, mem] : std::initializer_list<Op3>{Op3{"PMOVSXBW", 0x220, 8}, {"PMOVSXBD", 0x221, 4}, {"PMOVSXBQ", 0x222, 2},
                            {"PMOVSXWD", 0x223, 8}, {"PMOVSXWQ", 0x224, 4}, {"PMOVSXDQ", 0x225, 8},
                            {"PMOVZXBW", 0x230, 8}, {"PMOVZXBD", 0x231, 4}, {"PMOVZXBQ", 0x232, 2},
                            {"PMOVZXWD", 0x233, 8}, {"PMOVZXWQ", 0x234, 4}, {"PMOVZXDQ", 0x235, 8}}) {
    x66(n, static_cast<u16>(op), Val::Int, Imm::None, static_cast<u8>(mem));
  }
  for (auto [n, op] : {std::pair{"PMULDQ", 0x228}, {"PCMPEQQ", 0x229}, {"PACKUSDW", 0x22B}, {"PCMPGTQ", 0x237},
                       {"PMINSB", 0x238}, {"PMINSD", 0x239}, {"PMINUW", 0x23A}, {"PMINUD", 0x23B},
                       {"PMAXSB", 0x23C}, {"PMAXSD", 0x23D}, {"PMAXUW", 0x23E}, {"PMAXUD", 0x23F},
                       {"PMULLD", 0x240}, {"PHMINPOSUW", 0x241}}) {
    x66(n, static_cast<u16>(op));
  }
  add("MOVNTDQA", 0x66, 0x22A, -1, S::VM, 16, true, Imm::None, Val::Int);
  x66("ROUNDPS", 0x308, Val::F32, Imm::Round);
  x66("ROUNDPD", 0x309, Val::F64, Imm::Round);
  x66("ROUNDSS", 0x30A, Val::F32, Imm::Round, 4);
  x66("ROUNDSD", 0x30B, Val::F64, Imm::Round, 8);
  x66("BLENDPS", 0x30C, Val::F32, Imm::Any);
  x66("BLENDPD", 0x30D, Val::F64, Imm::Any);
  x66("PBLENDW", 0x30E, Val::Int, Imm::Any);
  add("PEXTRB", 0x66, 0x314, -1, S::EV, 1, false, Imm::Any, Val::Int);
  add("PEXTRW(0F3A)", 0x66, 0x315, -1, S::EV, 2, false, Imm::Any, Val::Int);
  add("PEXTRD", 0x66, 0x316, -1, S::EV, 4, false, Imm::Any, Val::Int);
  add("EXTRACTPS", 0x66, 0x317, -1, S::EV, 4, false, Imm::Any, Val::F32);
  add("PINSRB", 0x66, 0x320, -1, S::VE, 1, false, Imm::Any, Val::Int);
  x66("INSERTPS", 0x321, Val::F32, Imm::Any, 4);
  add("PINSRD", 0x66, 0x322, -1, S::VE, 4, false, Imm::Any, Val::Int);
  add("DPPS", 0x66, 0x340, -1, S::VW, 16, true, Imm::Any, Val::F32, fx::kIntelNan);
  add("DPPD", 0x66, 0x341, -1, S::VW, 16, true, Imm::Any, Val::F64, fx::kIntelNan);
  x66("MPSADBW", 0x342, Val::Int, Imm::Any);

  // ---- SSE4.2, POPCNT, CRC32.
  for (auto [n, op] : {std::pair{"PCMPESTRM", 0x360}, {"PCMPESTRI", 0x361}, {"PCMPISTRM", 0x362}, {"PCMPISTRI", 0x363}}) {
    add(n, 0x66, static_cast<u16>(op), -1, S::VW, 16, false, Imm::Any, Val::Str, op < 0x362 ? fx::kLenRegs : 0);
  }
  add("POPCNT", 0xF3, 0x1B8, -1, S::GE, 4, false, Imm::None, Val::Int, fx::kOpsize16);
  add("CRC32", 0xF2, 0x2F0, -1, S::GE, 1, false, Imm::None, Val::Int);
  add("CRC32", 0xF2, 0x2F1, -1, S::GE, 4, false, Imm::None, Val::Int, fx::kOpsize16);
  return v;
}

}  // namespace

std::span<const Form> all_forms() {
  static const std::vector<Form> forms = build();
  return forms;
}

}  // namespace gb::simd_oracle
