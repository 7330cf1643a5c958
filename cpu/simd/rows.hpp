// Row-building shorthands for the SIMD opcode tables (cpu/simd/*_rows):
// one handler for every operand size, gated per model by the group's Isa.
#pragma once
#include "cpu/cpu.hpp"
#include "cpu/decode/insn.hpp"

namespace gb::simd {

/// A handler as a table entry (HandlerRef).
template <Handler H>
inline constexpr HandlerRef R{H, &entered_form<H>};

}  // namespace gb::simd

/// A row: prefixed opcode (opc::NP | 0x1xx ...), ModR/M.reg or -1, name,
/// three operand codes, the handler and row attributes (attr::).
#define SIMD_ROW(op, ext, name, o1, o2, o3, fn, attrs)                                                       \
  OpcodeRow {                                                                                                \
    op, ext, name, {Operand::o1, Operand::o2, Operand::o3}, ::gb::simd::R<&fn>, ::gb::simd::R<&fn>,          \
        ::gb::simd::R<&fn>, CpuFamily::pentium, attrs                                                        \
  }
/// A row whose register (mod = 3) and memory forms are different handlers
/// (MOVSS xmm, xmm merges; MOVSS xmm, m32 zero-extends; MOVHLPS/MOVLPS).
#define SIMD_ROW_RM(op, ext, name, o1, o2, o3, regfn, memfn, attrs)                                          \
  OpcodeRow {                                                                                                \
    op, ext, name, {Operand::o1, Operand::o2, Operand::o3}, ::gb::simd::R<&regfn>, ::gb::simd::R<&regfn>,    \
        ::gb::simd::R<&regfn>, CpuFamily::pentium, attrs, ::gb::simd::R<&regfn>, ::gb::simd::R<&regfn>,      \
        ::gb::simd::R<&regfn>, ::gb::simd::R<&memfn>, ::gb::simd::R<&memfn>, ::gb::simd::R<&memfn>,          \
        ::gb::simd::R<&memfn>, ::gb::simd::R<&memfn>, ::gb::simd::R<&memfn>                                  \
  }
