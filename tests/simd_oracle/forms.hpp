// The instruction forms the SIMD oracle draws from: every MMX, SSE, SSE2,
// SSE3, SSSE3, SSE4.1 and SSE4.2 instruction (and POPCNT, CRC32, the fences,
// PREFETCHh, CLFLUSH, PAUSE, FISTTP) in the encodings that mean the same in
// 32-bit and 64-bit mode: no REX, registers XMM0-7 / MM0-7 / the six GPRs
// the integer oracle uses, memory [esi+disp8] (SDM Vol. 2 opcode tables).
#pragma once
#include <span>
#include <string>

#include "mmu/types.hpp"
#include "tests/host_cpu.hpp"

namespace gb::simd_oracle {

/// Operand shapes, in SDM Vol. 2D A.2 letters (first = ModR/M.reg side
/// unless said otherwise).
enum class Shape : u8 {
  VW,      ///< xmm, xmm/mem
  WV,      ///< xmm/mem, xmm (store forms: destination in r/m)
  VM,      ///< xmm, mem only
  MV,      ///< mem only, xmm (stores)
  VU,      ///< xmm, xmm register only
  PQ,      ///< mm, mm/mem
  QP,      ///< mm/mem, mm
  MP,      ///< mem only, mm (MOVNTQ)
  PN,      ///< mm, mm register only
  NI,      ///< group shift: mm register in r/m, /ext, imm8
  UI,      ///< group shift: xmm register in r/m, /ext, imm8
  PE,      ///< mm, r32/mem
  EP,      ///< r32/mem, mm
  VE,      ///< xmm, r32/mem
  EV,      ///< r32/mem, xmm
  GU,      ///< r32, xmm register only
  GN,      ///< r32, mm register only
  GW,      ///< r32, xmm/mem
  VQ,      ///< xmm, mm/mem
  PW,      ///< mm, xmm/mem
  VN,      ///< xmm, mm register only
  PU,      ///< mm, xmm register only
  GE,      ///< r32, r/m (POPCNT: 16/32-bit; CRC32: mem bytes = source width)
  ME,      ///< mem only, r32 (MOVNTI)
  Mem,     ///< mem only, /ext (PREFETCHh, CLFLUSH, FISTTP)
  Fixed,   ///< the opcode bytes alone (EMMS, PAUSE), or with ModR/M 11 ext 000 when ext >= 0 (fences)
  MaskQ,   ///< MASKMOVQ mm, mm: writes DS:EDI (the generator points EDI at the buffer)
  MaskDQ,  ///< MASKMOVDQU xmm, xmm
  Ldmxcsr, ///< MOV [esi+d], imm32 (a valid MXCSR) then LDMXCSR [esi+d]
};

enum class Imm : u8 { None, Any, Cmp, Shift, Round };

/// What the sequence's register and memory values should favour.
enum class Val : u8 { Int, F32, F64, Str };

/// Extra rules.
namespace fx {
constexpr u8 kApprox = 1;    ///< RCPxS/RSQRTxS: bound check, last instruction only
constexpr u8 kLenRegs = 2;   ///< PCMPESTRx: EAX/EDX are lengths (often small)
constexpr u8 kOpsize16 = 4;  ///< also emitted with a 66 operand-size prefix (POPCNT, CRC32 F1)
/// DPPS, DPPD: which NaN comes out follows an operand order that Intel and
/// AMD differ in (cpu/simd/fp_dot.cpp); compared live on Intel hosts only.
constexpr u8 kIntelNan = 8;
/// Whether a live run on this host compares form `flags` (off x86 there
/// are no live runs: the replay compares recorded vectors).
inline bool live_on_host(u8 flags) { return !(flags & kIntelNan) || test::intel_host(); }
}  // namespace fx

struct Form {
  std::string name;  ///< mnemonic; MMX-register forms of instructions that also have an XMM form end in "/mm"
  u8 prefix;         ///< mandatory prefix: 0, 0x66, 0xF2, 0xF3
  u16 op;            ///< 0x1xx = 0F xx, 0x2xx = 0F 38 xx, 0x3xx = 0F 3A xx, 0x0xx = one byte
  i8 ext;            ///< ModR/M.reg for groups, -1
  Shape shape;
  u8 mem;            ///< memory operand bytes (0: register only)
  bool aligned;      ///< a 16-byte memory operand that must be 16-byte aligned
  Imm imm;
  Val val;
  u8 flags = 0;      ///< fx::
};

/// Every form, in table order.
std::span<const Form> all_forms();

}  // namespace gb::simd_oracle
