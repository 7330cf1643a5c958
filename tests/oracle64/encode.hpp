// One 64-bit-mode instruction as the 64-bit oracle's generator assembles
// it: legacy prefixes, REX, opcode, ModR/M with SIB and displacement
// (RIP-relative displacements computed from the instruction's address),
// immediate (SDM Vol. 2A 2.1 and 2.2.1).
#pragma once
#include <vector>

#include "mmu/types.hpp"

namespace gb::oracle64 {

/// A register operand: 0-15 in ModR/M order (with REX, 4-7 are SPL BPL
/// SIL DIL as byte registers), or kHigh + 0-3 for AH CH DH BH, which only
/// an instruction without REX can name (SDM Vol. 2A 2.2.1.2).
constexpr u8 kHigh = 16;

/// A memory operand.
struct Mem {
  enum class Kind : u8 {
    Base,  ///< [base + index*scale + disp] (index < 0: none; base < 0: [index*scale + disp32] or absolute [disp32])
    Rip,   ///< [rip + disp32], the displacement computed to reach `target`
    RipRaw ///< [rip + disp32] with `disp` as is (LEA, NOP)
  };
  Kind kind = Kind::Base;
  int base = -1, index = -1;
  u8 scale = 0;  ///< log2
  i32 disp = 0;
  bool disp32 = false;  ///< force a 32-bit displacement
  u64 target = 0;
};

struct Parts {
  u8 seg = 0;         ///< a segment-override prefix (2E 36 3E 26: ignored in 64-bit mode), 0 none
  bool lock = false;  ///< F0
  bool o16 = false;   ///< 66 as operand size
  bool a32 = false;   ///< 67
  u8 mand = 0;        ///< 66/F2/F3 after the others (mandatory or REP prefix)
  bool w = false;     ///< REX.W
  bool rex = false;   ///< a REX even when every bit is 0 (40h)
  std::vector<u8> op; ///< opcode bytes; with `opreg` >= 0 the last one gets its low 3 bits
  int opreg = -1;     ///< register in the opcode (B0+r, 50+r ...)
  bool modrm = false;
  u8 reg = 0;         ///< ModR/M.reg: a register (see kHigh) or an opcode extension
  bool rm_mem = false;
  u8 rm = 0;          ///< the r/m register when !rm_mem
  Mem mem;
  std::vector<u8> imm;
  u8 bytes = 0;       ///< which registers are byte registers: kByteReg | kByteRm | kByteOpreg
};

constexpr u8 kByteReg = 1, kByteRm = 2, kByteOpreg = 4;

/// Whether `p` can be encoded: no AH-BH together with a REX prefix.
bool encodable(const Parts& p);
/// The bytes of `p` placed at linear address `at`.
std::vector<u8> encode(const Parts& p, u64 at);

}  // namespace gb::oracle64
