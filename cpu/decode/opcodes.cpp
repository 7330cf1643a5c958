// THE opcode table: one row per opcode or group member, in the notation of
// SDM Vol. 2D Appendix A (one-byte map, two-byte map, groups
// Decoding, dispatch and the debugger's names all come from here.
#include "cpu/cpu.hpp"
#include "cpu/decode/decoder.hpp"
#include "cpu/ops/alu.hpp"
#include "cpu/ops/bcd.hpp"
#include "cpu/ops/bits.hpp"
#include "cpu/ops/control.hpp"
#include "cpu/ops/misc.hpp"
#include "cpu/ops/move.hpp"
#include "cpu/ops/protected.hpp"
#include "cpu/ops/muldiv.hpp"
#include "cpu/ops/shift.hpp"
#include "cpu/ops/stack.hpp"
#include "cpu/ops/string.hpp"
#include "cpu/ops/system.hpp"
#include "cpu/ops/x87.hpp"
#include "cpu/simd/tables.hpp"

namespace gb {

namespace {

using namespace ops;
using O = Operand;

constexpr CpuFamily K86 = CpuFamily::i8086, K286 = CpuFamily::i286, K386 = CpuFamily::i386,
                    K486 = CpuFamily::i486, KP5 = CpuFamily::pentium, KP6 = CpuFamily::p6;
constexpr u8 LK = attr::kLockable, MO = attr::kMemOnly, LN = attr::kLean;

// A handler as a table entry (HandlerRef).
template <Handler H>
constexpr HandlerRef R{H, &entered_form<H>};

// Handler triples (16-, 32-, 64-bit operand size). V32: rows with no
// 64-bit form (REX.W is ignored, or the row is #UD in 64-bit mode).
#define B(fn, ...) R<&fn<__VA_ARGS__ __VA_OPT__(, ) u8>>, R<&fn<__VA_ARGS__ __VA_OPT__(, ) u8>>, R<&fn<__VA_ARGS__ __VA_OPT__(, ) u8>>
#define V(fn, ...) R<&fn<__VA_ARGS__ __VA_OPT__(, ) u16>>, R<&fn<__VA_ARGS__ __VA_OPT__(, ) u32>>, R<&fn<__VA_ARGS__ __VA_OPT__(, ) u64>>
#define V32(fn, ...) R<&fn<__VA_ARGS__ __VA_OPT__(, ) u16>>, R<&fn<__VA_ARGS__ __VA_OPT__(, ) u32>>, R<&fn<__VA_ARGS__ __VA_OPT__(, ) u32>>
#define W(fn, ...) R<&fn<__VA_ARGS__ __VA_OPT__(, ) u16>>, R<&fn<__VA_ARGS__ __VA_OPT__(, ) u16>>, R<&fn<__VA_ARGS__ __VA_OPT__(, ) u16>>
#define F(fn) R<&fn>, R<&fn>, R<&fn>
// Form-specialised handlers (OpcodeRow::r16..m64) for byte and word/dword/qword rows.
#define BF(fn, ...)                                                                               \
  R<&fn<__VA_ARGS__ __VA_OPT__(, ) u8, Form::Reg>>, R<&fn<__VA_ARGS__ __VA_OPT__(, ) u8, Form::Reg>>, \
      R<&fn<__VA_ARGS__ __VA_OPT__(, ) u8, Form::Reg>>, R<&fn<__VA_ARGS__ __VA_OPT__(, ) u8, Form::Mem>>, \
      R<&fn<__VA_ARGS__ __VA_OPT__(, ) u8, Form::Mem>>, R<&fn<__VA_ARGS__ __VA_OPT__(, ) u8, Form::Mem>>, \
      R<&fn<__VA_ARGS__ __VA_OPT__(, ) u8, Form::MemB>>, R<&fn<__VA_ARGS__ __VA_OPT__(, ) u8, Form::MemB>>, \
      R<&fn<__VA_ARGS__ __VA_OPT__(, ) u8, Form::MemB>>
#define VF(fn, ...)                                                                                 \
  R<&fn<__VA_ARGS__ __VA_OPT__(, ) u16, Form::Reg>>, R<&fn<__VA_ARGS__ __VA_OPT__(, ) u32, Form::Reg>>, \
      R<&fn<__VA_ARGS__ __VA_OPT__(, ) u64, Form::Reg>>, R<&fn<__VA_ARGS__ __VA_OPT__(, ) u16, Form::Mem>>, \
      R<&fn<__VA_ARGS__ __VA_OPT__(, ) u32, Form::Mem>>, R<&fn<__VA_ARGS__ __VA_OPT__(, ) u64, Form::Mem>>, \
      R<&fn<__VA_ARGS__ __VA_OPT__(, ) u16, Form::MemB>>, R<&fn<__VA_ARGS__ __VA_OPT__(, ) u32, Form::MemB>>, \
      R<&fn<__VA_ARGS__ __VA_OPT__(, ) u64, Form::MemB>>
#define P(f16, f32) R<&f16>, R<&f32>, R<&f32>
#define P3(f16, f32, f64) R<&f16>, R<&f32>, R<&f64>

#define ALU_ROWS(base, name, op)                                         \
  {base + 0, -1, name, {O::Eb, O::Gb, O::None}, B(alu_EG, op), K86, LK | LN, BF(alu_EG, op)}, \
  {base + 1, -1, name, {O::Ev, O::Gv, O::None}, V(alu_EG, op), K86, LK | LN, VF(alu_EG, op)}, \
  {base + 2, -1, name, {O::Gb, O::Eb, O::None}, B(alu_GE, op), K86, LN, BF(alu_GE, op)},  \
  {base + 3, -1, name, {O::Gv, O::Ev, O::None}, V(alu_GE, op), K86, LN, VF(alu_GE, op)},  \
  {base + 4, -1, name, {O::AL, O::Ib, O::None}, B(alu_AI, op), K86, LN},  \
  {base + 5, -1, name, {O::eAX, O::Iv, O::None}, V(alu_AI, op), K86, LN}

#define GRP1_ROWS(opc, dst, src, width, op, name, ext) \
  {opc, ext, name, {dst, src, O::None}, width(alu_EI, op), K86, static_cast<u8>((ext == 7 ? 0 : LK) | LN), width##F(alu_EI, op)}

#define GRP1(opc, dst, src, width)                           \
  GRP1_ROWS(opc, dst, src, width, Alu::Add, "ADD", 0),       \
  GRP1_ROWS(opc, dst, src, width, Alu::Or, "OR", 1),         \
  GRP1_ROWS(opc, dst, src, width, Alu::Adc, "ADC", 2),       \
  GRP1_ROWS(opc, dst, src, width, Alu::Sbb, "SBB", 3),       \
  GRP1_ROWS(opc, dst, src, width, Alu::And, "AND", 4),       \
  GRP1_ROWS(opc, dst, src, width, Alu::Sub, "SUB", 5),       \
  GRP1_ROWS(opc, dst, src, width, Alu::Xor, "XOR", 6),       \
  GRP1_ROWS(opc, dst, src, width, Alu::Cmp, "CMP", 7)

#define GRP2_ROW(opc, dst, src, width, cnt, op, name, ext, since) \
  {opc, ext, name, {dst, src, O::None}, width(shift_E, op, cnt), since, LN, width##F(shift_E, op, cnt)}

#define GRP2(opc, dst, src, width, cnt, since)                               \
  GRP2_ROW(opc, dst, src, width, cnt, Shift::Rol, "ROL", 0, since),          \
  GRP2_ROW(opc, dst, src, width, cnt, Shift::Ror, "ROR", 1, since),          \
  GRP2_ROW(opc, dst, src, width, cnt, Shift::Rcl, "RCL", 2, since),          \
  GRP2_ROW(opc, dst, src, width, cnt, Shift::Rcr, "RCR", 3, since),          \
  GRP2_ROW(opc, dst, src, width, cnt, Shift::Shl, "SHL", 4, since),          \
  GRP2_ROW(opc, dst, src, width, cnt, Shift::Shr, "SHR", 5, since),          \
  GRP2_ROW(opc, dst, src, width, cnt, Shift::Sal, "SAL", 6, since),          \
  GRP2_ROW(opc, dst, src, width, cnt, Shift::Sar, "SAR", 7, since)

#define EIGHT_A(base, name, ops, since, at, ...)                                                       \
  {base + 0, -1, name, ops, __VA_ARGS__, since, at}, {base + 1, -1, name, ops, __VA_ARGS__, since, at}, \
  {base + 2, -1, name, ops, __VA_ARGS__, since, at}, {base + 3, -1, name, ops, __VA_ARGS__, since, at}, \
  {base + 4, -1, name, ops, __VA_ARGS__, since, at}, {base + 5, -1, name, ops, __VA_ARGS__, since, at}, \
  {base + 6, -1, name, ops, __VA_ARGS__, since, at}, {base + 7, -1, name, ops, __VA_ARGS__, since, at}
#define EIGHT(base, name, ops, since, ...) EIGHT_A(base, name, ops, since, 0, __VA_ARGS__)

// Sixteen condition-code rows (Jcc, SETcc, CMOVcc) with `fn<cc>` handlers
// (CC16) or `fn<cc, u16>` / `fn<cc, u32>` (CC16V).
#define CC_ROW(base, n, name, ops, since, h16, h32, h64, attrs) {base + n, -1, name, ops, h16, h32, h64, since, attrs}
#define CC16_WITH(base, name, ops, since, H)                                                       \
  H(base, 0, name, ops, since), H(base, 1, name, ops, since), H(base, 2, name, ops, since),       \
  H(base, 3, name, ops, since), H(base, 4, name, ops, since), H(base, 5, name, ops, since),       \
  H(base, 6, name, ops, since), H(base, 7, name, ops, since), H(base, 8, name, ops, since),       \
  H(base, 9, name, ops, since), H(base, 10, name, ops, since), H(base, 11, name, ops, since),     \
  H(base, 12, name, ops, since), H(base, 13, name, ops, since), H(base, 14, name, ops, since),    \
  H(base, 15, name, ops, since)
#define JCC_H(base, n, name, ops, since) CC_ROW(base, n, name, ops, since, R<&jcc<n>>, R<&jcc<n>>, R<&jcc<n>>, LN)
#define SETCC_H(base, n, name, ops, since) CC_ROW(base, n, name, ops, since, R<&setcc<n>>, R<&setcc<n>>, R<&setcc<n>>, 0)
#define CMOV_H(base, n, name, ops, since) \
  CC_ROW(base, n, name, ops, since, (R<&cmovcc<n, u16>>), (R<&cmovcc<n, u32>>), (R<&cmovcc<n, u64>>), 0)

#define SIXTEEN(base, name, ops, since, ...) \
  EIGHT(base, name, ops, since, __VA_ARGS__), EIGHT(base + 8, name, ops, since, __VA_ARGS__)

constexpr std::array<Operand, 3> N0{O::None, O::None, O::None};

const OpcodeRow kTable[] = {
    // ---- One-byte map (SDM Vol. 2D Table A-2) ----
    ALU_ROWS(0x00, "ADD", Alu::Add),
    {0x06, -1, "PUSH", {O::ES}, V(push_S, ES), K86, 0},
    {0x07, -1, "POP", {O::ES}, V(pop_S, ES), K86, 0},
    ALU_ROWS(0x08, "OR", Alu::Or),
    {0x0E, -1, "PUSH", {O::CS}, V(push_S, CS), K86, 0},
    {0x0F, -1, "POP", {O::CS}, V(pop_S, CS), K86, 0},  // 8086 only: 0F escapes later
    ALU_ROWS(0x10, "ADC", Alu::Adc),
    {0x16, -1, "PUSH", {O::SS}, V(push_S, SS), K86, 0},
    {0x17, -1, "POP", {O::SS}, V(pop_S, SS), K86, 0},
    ALU_ROWS(0x18, "SBB", Alu::Sbb),
    {0x1E, -1, "PUSH", {O::DS}, V(push_S, DS), K86, 0},
    {0x1F, -1, "POP", {O::DS}, V(pop_S, DS), K86, 0},
    ALU_ROWS(0x20, "AND", Alu::And),
    {0x27, -1, "DAA", N0, F(daa), K86, 0},
    ALU_ROWS(0x28, "SUB", Alu::Sub),
    {0x2F, -1, "DAS", N0, F(das), K86, 0},
    ALU_ROWS(0x30, "XOR", Alu::Xor),
    {0x37, -1, "AAA", N0, F(aaa), K86, 0},
    ALU_ROWS(0x38, "CMP", Alu::Cmp),
    {0x3F, -1, "AAS", N0, F(aas), K86, 0},
    EIGHT_A(0x40, "INC", {O::Zv}, K86, LN, V(inc_Z)),
    EIGHT_A(0x48, "DEC", {O::Zv}, K86, LN, V(dec_Z)),
    EIGHT_A(0x50, "PUSH", {O::Zv}, K86, LN, V(push_Z)),
    EIGHT_A(0x58, "POP", {O::Zv}, K86, LN, V(pop_Z)),
    {0x60, -1, "PUSHA", N0, V(pusha), K286, 0},
    {0x61, -1, "POPA", N0, V(popa), K286, 0},
    {0x62, -1, "BOUND", {O::Gv, O::Ma}, V(bound), K286, MO},
    {0x63, -1, "ARPL", {O::Ew, O::Gw}, F(arpl), K286, 0},
    {0x63, -1, "MOVSXD", {O::Gv, O::Ed}, V(movsxd), K386, attr::kOnly64},
    {0x68, -1, "PUSH", {O::Iv}, V(push_I), K286, 0},
    {0x69, -1, "IMUL", {O::Gv, O::Ev, O::Iv}, V(imul_GE, true), K286, LN, VF(imul_GE, true)},
    {0x6A, -1, "PUSH", {O::sIb}, V(push_I), K286, 0},
    {0x6B, -1, "IMUL", {O::Gv, O::Ev, O::sIb}, V(imul_GE, true), K286, LN, VF(imul_GE, true)},
    {0x6C, -1, "INS", {O::Yb, O::DX}, B(ins), K286, 0},
    {0x6D, -1, "INS", {O::Yv, O::DX}, V(ins), K286, 0},
    {0x6E, -1, "OUTS", {O::DX, O::Xb}, B(outs), K286, 0},
    {0x6F, -1, "OUTS", {O::DX, O::Xv}, V(outs), K286, 0},
    CC16_WITH(0x70, "Jcc", {O::Jb}, K86, JCC_H),
    GRP1(0x80, O::Eb, O::Ib, B),
    GRP1(0x81, O::Ev, O::Iv, V),
    GRP1(0x82, O::Eb, O::Ib, B),
    GRP1(0x83, O::Ev, O::sIb, V),
    {0x84, -1, "TEST", {O::Eb, O::Gb}, B(test_EG), K86, LN, BF(test_EG)},
    {0x85, -1, "TEST", {O::Ev, O::Gv}, V(test_EG), K86, LN, VF(test_EG)},
    {0x86, -1, "XCHG", {O::Eb, O::Gb}, B(xchg_EG), K86, LK, BF(xchg_EG)},
    {0x87, -1, "XCHG", {O::Ev, O::Gv}, V(xchg_EG), K86, LK, VF(xchg_EG)},
    {0x88, -1, "MOV", {O::Eb, O::Gb}, B(mov_EG), K86, LN, BF(mov_EG)},
    {0x89, -1, "MOV", {O::Ev, O::Gv}, V(mov_EG), K86, LN, VF(mov_EG)},
    {0x8A, -1, "MOV", {O::Gb, O::Eb}, B(mov_GE), K86, LN, BF(mov_GE)},
    {0x8B, -1, "MOV", {O::Gv, O::Ev}, V(mov_GE), K86, LN, VF(mov_GE)},
    {0x8C, -1, "MOV", {O::Ev, O::Sw}, V(mov_ES), K86, 0},
    {0x8D, -1, "LEA", {O::Gv, O::M}, V(lea), K86, MO | LN},
    {0x8E, -1, "MOV", {O::Sw, O::Ew}, F(mov_SE), K86, 0},
    {0x8F, 0, "POP", {O::Ev}, V(pop_E), K86, 0},
    {0x90, -1, "NOP", N0, F(nop90), K86, 0},
    {0x91, -1, "XCHG", {O::Zv, O::eAX}, V(xchg_AZ), K86, 0},
    {0x92, -1, "XCHG", {O::Zv, O::eAX}, V(xchg_AZ), K86, 0},
    {0x93, -1, "XCHG", {O::Zv, O::eAX}, V(xchg_AZ), K86, 0},
    {0x94, -1, "XCHG", {O::Zv, O::eAX}, V(xchg_AZ), K86, 0},
    {0x95, -1, "XCHG", {O::Zv, O::eAX}, V(xchg_AZ), K86, 0},
    {0x96, -1, "XCHG", {O::Zv, O::eAX}, V(xchg_AZ), K86, 0},
    {0x97, -1, "XCHG", {O::Zv, O::eAX}, V(xchg_AZ), K86, 0},
    {0x98, -1, "CBW", N0, V(cbw), K86, LN},
    {0x99, -1, "CWD", N0, V(cwd), K86, LN},
    {0x9A, -1, "CALLF", {O::Ap}, V(call_far_imm), K86, 0},
    {0x9B, -1, "WAIT", N0, F(wait), K86, 0},
    {0x9C, -1, "PUSHF", N0, V(pushf), K86, 0},
    {0x9D, -1, "POPF", N0, V(popf), K86, 0},
    {0x9E, -1, "SAHF", N0, F(sahf), K86, 0},
    {0x9F, -1, "LAHF", N0, F(lahf), K86, 0},
    {0xA0, -1, "MOV", {O::AL, O::Ob}, B(mov_AO), K86, 0},
    {0xA1, -1, "MOV", {O::eAX, O::Ov}, V(mov_AO), K86, 0},
    {0xA2, -1, "MOV", {O::Ob, O::AL}, B(mov_OA), K86, 0},
    {0xA3, -1, "MOV", {O::Ov, O::eAX}, V(mov_OA), K86, 0},
    {0xA4, -1, "MOVS", {O::Yb, O::Xb}, B(movs), K86, 0},
    {0xA5, -1, "MOVS", {O::Yv, O::Xv}, V(movs), K86, 0},
    {0xA6, -1, "CMPS", {O::Xb, O::Yb}, B(cmps), K86, 0},
    {0xA7, -1, "CMPS", {O::Xv, O::Yv}, V(cmps), K86, 0},
    {0xA8, -1, "TEST", {O::AL, O::Ib}, B(test_AI), K86, LN},
    {0xA9, -1, "TEST", {O::eAX, O::Iv}, V(test_AI), K86, LN},
    {0xAA, -1, "STOS", {O::Yb, O::AL}, B(stos), K86, 0},
    {0xAB, -1, "STOS", {O::Yv, O::eAX}, V(stos), K86, 0},
    {0xAC, -1, "LODS", {O::AL, O::Xb}, B(lods), K86, 0},
    {0xAD, -1, "LODS", {O::eAX, O::Xv}, V(lods), K86, 0},
    {0xAE, -1, "SCAS", {O::AL, O::Yb}, B(scas), K86, 0},
    {0xAF, -1, "SCAS", {O::eAX, O::Yv}, V(scas), K86, 0},
    EIGHT_A(0xB0, "MOV", (std::array<Operand, 3>{O::Zb, O::Ib, O::None}), K86, LN, B(mov_ZI)),
    EIGHT_A(0xB8, "MOV", (std::array<Operand, 3>{O::Zv, O::Iv, O::None}), K86, LN, V(mov_ZI)),
    GRP2(0xC0, O::Eb, O::Ib, B, Count::Ib, K286),
    GRP2(0xC1, O::Ev, O::Ib, V, Count::Ib, K286),
    {0xC2, -1, "RET", {O::Iw}, V(ret_near, true), K86, LN},
    {0xC3, -1, "RET", N0, V(ret_near, false), K86, LN},
    {0xC4, -1, "LES", {O::Gv, O::Mp}, V(load_far, ES), K86, MO},
    {0xC5, -1, "LDS", {O::Gv, O::Mp}, V(load_far, DS), K86, MO},
    {0xC6, 0, "MOV", {O::Eb, O::Ib}, B(mov_EI), K86, LN, BF(mov_EI)},
    {0xC7, 0, "MOV", {O::Ev, O::Iv}, V(mov_EI), K86, LN, VF(mov_EI)},
    {0xC8, -1, "ENTER", {O::Iw, O::Ib}, P(enter16, enter32), K286, 0},
    {0xC9, -1, "LEAVE", N0, V(leave), K286, 0},
    {0xCA, -1, "RETF", {O::Iw}, V(ret_far, true), K86, 0},
    {0xCB, -1, "RETF", N0, V(ret_far, false), K86, 0},
    {0xCC, -1, "INT3", N0, F(int3), K86, 0},
    {0xCD, -1, "INT", {O::Ib}, F(int_ib), K86, 0},
    {0xCE, -1, "INTO", N0, F(into), K86, 0},
    {0xCF, -1, "IRET", N0, V(iret), K86, 0},
    GRP2(0xD0, O::Eb, O::One, B, Count::One, K86),
    GRP2(0xD1, O::Ev, O::One, V, Count::One, K86),
    GRP2(0xD2, O::Eb, O::CL, B, Count::CL, K86),
    GRP2(0xD3, O::Ev, O::CL, V, Count::CL, K86),
    {0xD4, -1, "AAM", {O::Ib}, F(aam), K86, 0},
    {0xD5, -1, "AAD", {O::Ib}, F(aad), K86, 0},
    {0xD6, -1, "SALC", N0, F(salc), K86, 0},  // undocumented, every model
    {0xD7, -1, "XLAT", N0, F(xlat), K86, 0},
    EIGHT(0xD8, "ESC", {O::Ev}, K86, F(esc)),
    {0xE0, -1, "LOOPNE", {O::Jb}, F(loopne), K86, LN},
    {0xE1, -1, "LOOPE", {O::Jb}, F(loope), K86, LN},
    {0xE2, -1, "LOOP", {O::Jb}, F(loop), K86, LN},
    {0xE3, -1, "JCXZ", {O::Jb}, F(jcxz), K86, LN},
    {0xE4, -1, "IN", {O::AL, O::Ib}, B(in_I), K86, 0},
    {0xE5, -1, "IN", {O::eAX, O::Ib}, V(in_I), K86, 0},
    {0xE6, -1, "OUT", {O::Ib, O::AL}, B(out_I), K86, 0},
    {0xE7, -1, "OUT", {O::Ib, O::eAX}, V(out_I), K86, 0},
    {0xE8, -1, "CALL", {O::Jv}, V(call_rel), K86, LN},
    {0xE9, -1, "JMP", {O::Jv}, F(jmp_rel), K86, LN},
    {0xEA, -1, "JMPF", {O::Ap}, F(jmp_far_imm), K86, 0},
    {0xEB, -1, "JMP", {O::Jb}, F(jmp_rel), K86, LN},
    {0xEC, -1, "IN", {O::AL, O::DX}, B(in_DX), K86, 0},
    {0xED, -1, "IN", {O::eAX, O::DX}, V(in_DX), K86, 0},
    {0xEE, -1, "OUT", {O::DX, O::AL}, B(out_DX), K86, 0},
    {0xEF, -1, "OUT", {O::DX, O::eAX}, V(out_DX), K86, 0},
    {0xF1, -1, "INT1", N0, F(int1), K386, 0},
    {0xF4, -1, "HLT", N0, F(hlt), K86, 0},
    {0xF5, -1, "CMC", N0, F(cmc), K86, LN},
    {0xF6, 0, "TEST", {O::Eb, O::Ib}, B(test_EI), K86, LN, BF(test_EI)},
    {0xF6, 1, "TEST", {O::Eb, O::Ib}, B(test_EI), K86, 0},  // undocumented alias
    {0xF6, 2, "NOT", {O::Eb}, B(not_E), K86, LK, BF(not_E)},
    {0xF6, 3, "NEG", {O::Eb}, B(neg_E), K86, LK, BF(neg_E)},
    {0xF6, 4, "MUL", {O::Eb}, B(mul_E), K86, 0},
    {0xF6, 5, "IMUL", {O::Eb}, B(imul_E), K86, 0},
    {0xF6, 6, "DIV", {O::Eb}, B(div_E), K86, 0},
    {0xF6, 7, "IDIV", {O::Eb}, B(idiv_E), K86, 0},
    {0xF7, 0, "TEST", {O::Ev, O::Iv}, V(test_EI), K86, LN, VF(test_EI)},
    {0xF7, 1, "TEST", {O::Ev, O::Iv}, V(test_EI), K86, 0},
    {0xF7, 2, "NOT", {O::Ev}, V(not_E), K86, LK, VF(not_E)},
    {0xF7, 3, "NEG", {O::Ev}, V(neg_E), K86, LK, VF(neg_E)},
    {0xF7, 4, "MUL", {O::Ev}, V(mul_E), K86, 0},
    {0xF7, 5, "IMUL", {O::Ev}, V(imul_E), K86, 0},
    {0xF7, 6, "DIV", {O::Ev}, V(div_E), K86, 0},
    {0xF7, 7, "IDIV", {O::Ev}, V(idiv_E), K86, 0},
    {0xF8, -1, "CLC", N0, F(clc), K86, LN},
    {0xF9, -1, "STC", N0, F(stc), K86, LN},
    {0xFA, -1, "CLI", N0, F(cli), K86, 0},
    {0xFB, -1, "STI", N0, F(sti), K86, 0},
    {0xFC, -1, "CLD", N0, F(cld), K86, LN},
    {0xFD, -1, "STD", N0, F(std_), K86, LN},
    {0xFE, 0, "INC", {O::Eb}, B(inc_E), K86, LK | LN, BF(inc_E)},
    {0xFE, 1, "DEC", {O::Eb}, B(dec_E), K86, LK | LN, BF(dec_E)},
    {0xFF, 0, "INC", {O::Ev}, V(inc_E), K86, LK | LN, VF(inc_E)},
    {0xFF, 1, "DEC", {O::Ev}, V(dec_E), K86, LK | LN, VF(dec_E)},
    {0xFF, 2, "CALL", {O::Ev}, V(call_E), K86, 0},
    {0xFF, 3, "CALLF", {O::Mp}, V(call_far_mem), K86, MO},
    {0xFF, 4, "JMP", {O::Ev}, V(jmp_E), K86, LN, VF(jmp_E)},
    {0xFF, 5, "JMPF", {O::Mp}, V(jmp_far_mem), K86, MO},
    {0xFF, 6, "PUSH", {O::Ev}, V(push_E), K86, 0},

    // ---- Two-byte map, 0F xx (SDM Vol. 2D Table A-3) ----
    {0x100, -1, "GRP6", {O::Ew}, F(grp6), K286, 0},
    {0x101, -1, "GRP7", {O::M}, F(grp7), K286, 0},
    {0x102, -1, "LAR", {O::Gv, O::Ew}, F(lar), K286, 0},
    {0x103, -1, "LSL", {O::Gv, O::Ew}, F(lsl), K286, 0},
    {0x106, -1, "CLTS", N0, F(clts), K286, 0},
    {0x108, -1, "INVD", N0, F(invd), K486, 0},
    {0x109, -1, "WBINVD", N0, F(invd), K486, 0},
    {0x10B, -1, "UD2", N0, F(ud2), K286, 0},
    // 0F 19-0F 1F: multi-byte NOP (0F 1F /0) and the reserved-NOP hint
    // space, executed as NOP by every P6-family and later part (SDM Vol. 2B
    // NOP; Vol. 2D Table A-3). Later extensions live here, so parts without
    // them run ENDBR64 (F3 0F 1E FA), BNDCL etc. as NOPs, as real ones do.
    {0x119, -1, "NOP", {O::Ev}, F(nop), KP6, 0},
    {0x11A, -1, "NOP", {O::Ev}, F(nop), KP6, 0},
    {0x11B, -1, "NOP", {O::Ev}, F(nop), KP6, 0},
    {0x11C, -1, "NOP", {O::Ev}, F(nop), KP6, 0},
    {0x11D, -1, "NOP", {O::Ev}, F(nop), KP6, 0},
    {0x11E, -1, "NOP", {O::Ev}, F(nop), KP6, 0},
    {0x11F, -1, "NOP", {O::Ev}, F(nop), KP6, 0},
    {0x120, -1, "MOV", {O::Rd, O::Cd}, F(mov_RC), K386, 0},
    {0x121, -1, "MOV", {O::Rd, O::Dd}, F(mov_RD), K386, 0},
    {0x122, -1, "MOV", {O::Cd, O::Rd}, F(mov_CR), K386, 0},
    {0x123, -1, "MOV", {O::Dd, O::Rd}, F(mov_DR), K386, 0},
    {0x130, -1, "WRMSR", N0, F(wrmsr), KP5, 0},
    {0x131, -1, "RDTSC", N0, F(rdtsc), KP5, 0},
    {0x132, -1, "RDMSR", N0, F(rdmsr), KP5, 0},
    {0x133, -1, "RDPMC", N0, F(rdpmc), KP6, 0},
    // SYSCALL/SYSRET: 64-bit mode only on Intel (SDM Vol. 2B; #UD elsewhere).
    {0x105, -1, "SYSCALL", N0, F(syscall), KP6, attr::kOnly64},
    {0x107, -1, "SYSRET", N0, F(sysret), KP6, attr::kOnly64},
    {0x134, -1, "SYSENTER", N0, F(sysenter), KP6, 0},
    {0x135, -1, "SYSEXIT", N0, F(sysexit), KP6, 0},
    CC16_WITH(0x140, "CMOVcc", (std::array<Operand, 3>{O::Gv, O::Ev, O::None}), KP6, CMOV_H),
    CC16_WITH(0x180, "Jcc", {O::Jv}, K386, JCC_H),
    CC16_WITH(0x190, "SETcc", {O::Eb}, K386, SETCC_H),
    {0x1A0, -1, "PUSH", {O::FS}, V(push_S, FS), K386, 0},
    {0x1A1, -1, "POP", {O::FS}, V(pop_S, FS), K386, 0},
    {0x1A2, -1, "CPUID", N0, F(cpuid), KP5, 0},
    {0x1A3, -1, "BT", {O::Ev, O::Gv}, V(bt, BitOp::Bt, false), K386, 0},
    {0x1A4, -1, "SHLD", {O::Ev, O::Gv, O::Ib}, V(shxd, true, Count::Ib), K386, 0},
    {0x1A5, -1, "SHLD", {O::Ev, O::Gv, O::CL}, V(shxd, true, Count::CL), K386, 0},
    {0x1A8, -1, "PUSH", {O::GS}, V(push_S, GS), K386, 0},
    {0x1A9, -1, "POP", {O::GS}, V(pop_S, GS), K386, 0},
    {0x1AB, -1, "BTS", {O::Ev, O::Gv}, V(bt, BitOp::Bts, false), K386, LK},
    {0x1AC, -1, "SHRD", {O::Ev, O::Gv, O::Ib}, V(shxd, false, Count::Ib), K386, 0},
    {0x1AD, -1, "SHRD", {O::Ev, O::Gv, O::CL}, V(shxd, false, Count::CL), K386, 0},
    {0x1AF, -1, "IMUL", {O::Gv, O::Ev}, V(imul_GE, false), K386, LN, VF(imul_GE, false)},
    {0x1B0, -1, "CMPXCHG", {O::Eb, O::Gb}, B(cmpxchg), K486, LK},
    {0x1B1, -1, "CMPXCHG", {O::Ev, O::Gv}, V(cmpxchg), K486, LK},
    {0x1B2, -1, "LSS", {O::Gv, O::Mp}, V(load_far, SS), K386, MO},
    {0x1B3, -1, "BTR", {O::Ev, O::Gv}, V(bt, BitOp::Btr, false), K386, LK},
    {0x1B4, -1, "LFS", {O::Gv, O::Mp}, V(load_far, FS), K386, MO},
    {0x1B5, -1, "LGS", {O::Gv, O::Mp}, V(load_far, GS), K386, MO},
    {0x1B6, -1, "MOVZX", {O::Gv, O::Eb}, V(movx, u8, false), K386, LN, VF(movx, u8, false)},
    {0x1B7, -1, "MOVZX", {O::Gv, O::Ew}, V(movx, u16, false), K386, LN, VF(movx, u16, false)},
    {0x1BA, 4, "BT", {O::Ev, O::Ib}, V(bt, BitOp::Bt, true), K386, 0},
    {0x1BA, 5, "BTS", {O::Ev, O::Ib}, V(bt, BitOp::Bts, true), K386, LK},
    {0x1BA, 6, "BTR", {O::Ev, O::Ib}, V(bt, BitOp::Btr, true), K386, LK},
    {0x1BA, 7, "BTC", {O::Ev, O::Ib}, V(bt, BitOp::Btc, true), K386, LK},
    {0x1BB, -1, "BTC", {O::Ev, O::Gv}, V(bt, BitOp::Btc, false), K386, LK},
    {0x1BC, -1, "BSF", {O::Gv, O::Ev}, V(bsx, false), K386, 0},
    {0x1BD, -1, "BSR", {O::Gv, O::Ev}, V(bsx, true), K386, 0},
    {0x1BE, -1, "MOVSX", {O::Gv, O::Eb}, V(movx, u8, true), K386, LN, VF(movx, u8, true)},
    {0x1BF, -1, "MOVSX", {O::Gv, O::Ew}, V(movx, u16, true), K386, LN, VF(movx, u16, true)},
    {0x1C0, -1, "XADD", {O::Eb, O::Gb}, B(xadd), K486, LK},
    {0x1C1, -1, "XADD", {O::Ev, O::Gv}, V(xadd), K486, LK},
    {0x1C7, 1, "CMPXCHG8B", {O::M}, F(cmpxchg8b), KP5, LK | MO},
    {opc::P66 | opc::kMap38 | 0x82, -1, "INVPCID", {O::Gv, O::M}, F(invpcid), KP6, MO},
    EIGHT(0x1C8, "BSWAP", {O::Zv}, K486, F(bswap)),
};

// ---- The x87 (models with an FPU: 486 and later). One row per escape
// opcode and ModR/M.reg, named by the memory form (SDM Vol. 2D Tables
// A-7..A-22); the register forms and the undefined encodings are sorted out
// by ops::x87_esc. They replace the ESC rows above, and 9B becomes FWAIT.
#define X87(opc, n0, n1, n2, n3, n4, n5, n6, n7)                                                  \
  {opc, 0, n0, {O::Ev}, F(x87_esc), K486, 0}, {opc, 1, n1, {O::Ev}, F(x87_esc), K486, 0},          \
  {opc, 2, n2, {O::Ev}, F(x87_esc), K486, 0}, {opc, 3, n3, {O::Ev}, F(x87_esc), K486, 0},          \
  {opc, 4, n4, {O::Ev}, F(x87_esc), K486, 0}, {opc, 5, n5, {O::Ev}, F(x87_esc), K486, 0},          \
  {opc, 6, n6, {O::Ev}, F(x87_esc), K486, 0}, {opc, 7, n7, {O::Ev}, F(x87_esc), K486, 0}

const OpcodeRow kX87Table[] = {
    X87(0xD8, "FADD", "FMUL", "FCOM", "FCOMP", "FSUB", "FSUBR", "FDIV", "FDIVR"),
    X87(0xD9, "FLD", "ESC", "FST", "FSTP", "FLDENV", "FLDCW", "FNSTENV", "FNSTCW"),
    X87(0xDA, "FIADD", "FIMUL", "FICOM", "FICOMP", "FISUB", "FISUBR", "FIDIV", "FIDIVR"),
    X87(0xDB, "FILD", "ESC", "FIST", "FISTP", "ESC", "FLD", "ESC", "FSTP"),
    X87(0xDC, "FADD", "FMUL", "FCOM", "FCOMP", "FSUB", "FSUBR", "FDIV", "FDIVR"),
    X87(0xDD, "FLD", "ESC", "FST", "FSTP", "FRSTOR", "ESC", "FNSAVE", "FNSTSW"),
    X87(0xDE, "FIADD", "FIMUL", "FICOM", "FICOMP", "FISUB", "FISUBR", "FIDIV", "FIDIVR"),
    X87(0xDF, "FILD", "ESC", "FIST", "FISTP", "FBLD", "FILD", "FBSTP", "FISTP"),
    {0x9B, -1, "FWAIT", N0, F(x87_fwait), K486, 0},
};

// FXSAVE/FXRSTOR: models with FXSR (CPUID.1:EDX.24).
const OpcodeRow kFxsrTable[] = {
    {0x1AE, 0, "FXSAVE", {O::M}, F(fxsave), KP6, MO},
    {0x1AE, 1, "FXRSTOR", {O::M}, F(fxrstor), KP6, MO},
};

#undef X87
#undef B
#undef V
#undef W
#undef F
#undef P

}  // namespace

std::span<const OpcodeRow> opcode_table() { return kTable; }

void DecodeTables::add(std::span<const OpcodeRow> rows) {
  for (const OpcodeRow& r : rows) {
    if (!model_.at_least(r.since)) continue;
    if ((r.attrs & attr::kOnly64) && !model_.long_mode) continue;
    const u16 op = opc::number(r.opcode);
    const unsigned cls = opc::prefix(r.opcode);
    RegRows* dst = (r.attrs & attr::kOnly64) ? &(*only64_)[op] : &rows_[op];
    if (cls != opc::kAny) {
      if (!prefixed_index_[op]) {
        prefixed_.emplace_back();
        prefixed_index_[op] = static_cast<u16>(prefixed_.size());
      }
      dst = &prefixed_[prefixed_index_[op] - 1][cls - 1];
    }
    for (unsigned ext = 0; ext < 8; ++ext) {
      if (r.ext < 0 || static_cast<unsigned>(r.ext) == ext) (*dst)[ext] = &r;
    }
    for (Operand o : r.operands) {
      if (uses_modrm(o)) modrm_[op] = true;
    }
  }
}

DecodeTables::DecodeTables(const CpuModel& model) : model_(model) {
  add(kTable);
  if (model.has_fpu) add(kX87Table);
  if (model.fxsr) add(kFxsrTable);
  for (const SimdRowGroup& g : simd_row_groups()) {
    if (model.has(g.isa)) add(g.rows);
  }
  if (model.is_8086()) {
    // 8086 aliases (SingleStepTests 8086 notes): 60-6F decode as 70-7F,
    // C0/C1 as C2/C3, C8/C9 as CA/CB; C6/C7/8F ignore ModR/M.reg; FF /7 is
    // PUSH like FF /6.
    auto alias = [&](u16 from, u16 to) {
      rows_[from] = rows_[to];
      modrm_[from] = modrm_[to];
    };
    for (u16 i = 0; i < 16; ++i) alias(0x60 + i, 0x70 + i);
    alias(0xC0, 0xC2);
    alias(0xC1, 0xC3);
    alias(0xC8, 0xCA);
    alias(0xC9, 0xCB);
    for (u16 op : {u16{0xC6}, u16{0xC7}, u16{0x8F}}) {
      for (unsigned ext = 1; ext < 8; ++ext) rows_[op][ext] = rows_[op][0];
    }
    rows_[0xFF][7] = rows_[0xFF][6];
  }
  build_64();
}

void DecodeTables::build_64() {
  if (!model_.long_mode) return;
  Rows& rows64 = *rows64_;
  const Rows& only64 = *only64_;
  auto& size64 = *size64_;
  // 64-bit mode (SDM Vol. 2D Table A-2 superscripts, Vol. 2A 2.2.1.7 and
  // Table 2-4): i64 opcodes are #UD, o64 rows replace legacy ones; d64
  // rows default to 64-bit operand size, f64 rows always have it.
  rows64 = rows_;
  static constexpr u16 kInvalid[] = {
      0x06, 0x07, 0x0E, 0x16, 0x17, 0x1E, 0x1F,  // PUSH/POP ES, CS, SS, DS
      0x27, 0x2F, 0x37, 0x3F,                    // DAA, DAS, AAA, AAS
      0x60, 0x61, 0x62,                          // PUSHA, POPA, BOUND (EVEX on AVX-512 parts)
      0x82,                                      // Group 1 alias of 80
      0x9A, 0xEA,                                // CALL/JMP far ptr16:32
      0xC4, 0xC5,                                // LES, LDS (VEX prefixes; no AVX here)
      0xCE, 0xD4, 0xD5, 0xD6,                    // INTO, AAM, AAD, SALC
  };
  for (u16 op : kInvalid) rows64[op] = RegRows{};
  if (!model_.lahf64) rows64[0x9E] = rows64[0x9F] = RegRows{};  // CPUID.80000001H:ECX.LAHF-SAHF
  for (u16 op = 0; op < opc::kMaps; ++op) {
    for (unsigned reg = 0; reg < 8; ++reg) {
      if (only64[op][reg]) rows64[op][reg] = only64[op][reg];
    }
  }
  auto set = [&](u16 op, int reg, u8 v) {
    for (unsigned r = 0; r < 8; ++r) {
      if (reg < 0 || static_cast<unsigned>(reg) == r) size64[op][r] = v;
    }
  };
  for (u16 op = 0x50; op <= 0x5F; ++op) set(op, -1, kD64);  // PUSH/POP r64
  for (u16 op : {u16{0x68}, u16{0x6A}, u16{0x9C}, u16{0x9D}, u16{0xC8}, u16{0xC9}, u16{0x1A0}, u16{0x1A1},
                 u16{0x1A8}, u16{0x1A9}}) {
    set(op, -1, kD64);  // PUSH imm, PUSHF/POPF, ENTER/LEAVE, PUSH/POP FS/GS
  }
  set(0x8F, 0, kD64);  // POP r/m64
  set(0xFF, 6, kD64);  // PUSH r/m64
  // Near branches: 64-bit whatever 66h says (Intel; AMD honours 66h).
  for (u16 op = 0x70; op <= 0x7F; ++op) set(op, -1, kF64);
  for (u16 op = 0x180; op <= 0x18F; ++op) set(op, -1, kF64);
  for (u16 op : {u16{0xC2}, u16{0xC3}, u16{0xE0}, u16{0xE1}, u16{0xE2}, u16{0xE3}, u16{0xE8}, u16{0xE9}, u16{0xEB}}) {
    set(op, -1, kF64);
  }
  set(0xFF, 2, kF64);  // CALL r/m64
  set(0xFF, 4, kF64);  // JMP r/m64
}

}  // namespace gb
