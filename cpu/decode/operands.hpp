// Operand codes of the opcode table, in the notation of SDM Vol. 2D
// Appendix A.2 (addressing method letter + operand type).
#pragma once
#include "mmu/types.hpp"

namespace gb {

enum class Operand : u8 {
  None,
  // ModR/M r/m operand (register or memory): byte, word, dword, word/dword by
  // operand size.
  Eb, Ew, Ed, Ev,
  // ModR/M reg field general register.
  Gb, Gw, Gd, Gv,
  // ModR/M r/m that must be memory: any size, far pointer (offset:selector),
  // pair of bounds (BOUND).
  M, Mp, Ma,
  // ModR/M reg field as segment / control / debug register; r/m as register.
  Sw, Cd, Dd, Rd,
  // Immediates: byte, word, word/dword by operand size, byte sign-extended.
  Ib, Iw, Iv, sIb,
  // Relative branch offsets: byte, word/dword by operand size.
  Jb, Jv,
  // Direct moffs: byte / word-dword at an address-size offset.
  Ob, Ov,
  // Far pointer immediate (offset then selector).
  Ap,
  // Register from the low three opcode bits.
  Zb, Zv,
  // Fixed registers and constants.
  AL, eAX, CL, DX, One,
  // String operands DS:SI (X) and ES:DI (Y).
  Xb, Xv, Yb, Yv,
  // Segment register fixed by the opcode (PUSH ES, POP DS, ...).
  ES, CS, SS, DS, FS, GS,
  // SIMD registers (SDM Vol. 2D A.2.1): MMX register from ModR/M.reg (P),
  // MMX register or memory from r/m (Q), MMX register from r/m (N); XMM
  // register from ModR/M.reg (V), XMM register or memory from r/m (W), XMM
  // register from r/m (U). The operand's width is the handler's business.
  Pq, Qq, Nq, Vx, Wx, Ux,
};

/// Whether an operand code is encoded through a ModR/M byte.
constexpr bool uses_modrm(Operand o) {
  switch (o) {
    case Operand::Eb: case Operand::Ew: case Operand::Ed: case Operand::Ev:
    case Operand::Gb: case Operand::Gw: case Operand::Gd: case Operand::Gv:
    case Operand::M: case Operand::Mp: case Operand::Ma:
    case Operand::Sw: case Operand::Cd: case Operand::Dd: case Operand::Rd:
    case Operand::Pq: case Operand::Qq: case Operand::Nq:
    case Operand::Vx: case Operand::Wx: case Operand::Ux:
      return true;
    default:
      return false;
  }
}

}  // namespace gb
