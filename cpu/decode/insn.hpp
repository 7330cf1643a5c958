// The decoded-instruction record: everything execution needs, decoded once.
#pragma once
#include <array>

#include "cpu/decode/operands.hpp"
#include "cpu/model.hpp"
#include "mmu/types.hpp"

namespace gb {

class Cpu;
struct DecodedInsn;
using Handler = void (*)(Cpu&, const DecodedInsn&);

/// A handler and its chained form (Cpu::chained<H>: the handler inlined
/// between the block bookkeeping, ending in a tail call to the next
/// instruction's chained form).
struct HandlerRef {
  Handler plain = nullptr;
  Handler chained = nullptr;
  constexpr explicit operator bool() const { return plain != nullptr; }
};

/// Which ModR/M r/m forms a handler was instantiated for: any (tests mod
/// at execution), register only (mod = 3) or memory only. The decoder picks
/// the specialised handler where the row has one.
enum class Form : u8 { Any, Reg, Mem };

/// Row attributes.
namespace attr {
constexpr u8 kLockable = 1;  ///< LOCK allowed when the destination is memory
constexpr u8 kMemOnly = 2;   ///< ModR/M mod == 3 is #UD (LEA, LDS, BOUND, ...)
constexpr u8 kRegOnly = 4;   ///< ModR/M mod != 3 is #UD
}  // namespace attr

/// Opcode numbers: the map in bits 9-8 (0 one-byte, 1 two-byte 0F xx,
/// 2 three-byte 0F 38 xx, 3 three-byte 0F 3A xx), the opcode byte in bits
/// 7-0, and in a row (not in DecodedInsn::opcode) the mandatory prefix in
/// bits 12-10 (SDM Vol. 2A 2.1.2: 66, F2 and F3 select the instruction).
namespace opc {
constexpr u16 kMap0F = 0x100, kMap38 = 0x200, kMap3A = 0x300;
constexpr unsigned kMaps = 0x400;  ///< opcode numbers without the prefix bits
/// Mandatory prefix classes, as stored in bits 12-10 of OpcodeRow::opcode.
enum Prefix : u8 { kAny = 0, kNP = 1, k66 = 2, kF3 = 3, kF2 = 4 };
constexpr u16 NP = kNP << 10, P66 = k66 << 10, PF3 = kF3 << 10, PF2 = kF2 << 10;
constexpr u16 number(u16 row_opcode) { return row_opcode & 0x3FF; }
constexpr Prefix prefix(u16 row_opcode) { return static_cast<Prefix>(row_opcode >> 10); }
}  // namespace opc

/// One row of the opcode table (SDM Vol. 2D Appendix A notation).
struct OpcodeRow {
  /// Opcode number (opc::) with the mandatory prefix class: rows with a
  /// class serve only that prefix; rows without (opc::kAny) serve any
  /// prefix no class row claims.
  u16 opcode;
  i8 ext;      ///< ModR/M.reg for group members; -1 when not a group
  const char* mnemonic;
  std::array<Operand, 3> operands;
  HandlerRef h16;  ///< handler for 16-bit operand size (and byte forms)
  HandlerRef h32;  ///< handler for 32-bit operand size
  CpuFamily since;
  u8 attrs;
  /// Optional form-specialised handlers (16-bit, 32-bit) for mod = 3 and
  /// for memory operands; when r16 is null, h16/h32 serve both forms.
  HandlerRef r16{}, r32{}, m16{}, m32{};
};

/// No register or no segment in an addressing form.
constexpr u8 kNone = 0xFF;

struct DecodedInsn {
  Handler exec = nullptr;
  /// exec's chained form, for block execution; nullptr where the decoder
  /// chose a handler outside the table (invalid encodings).
  Handler chain = nullptr;
  const OpcodeRow* row = nullptr;  ///< nullptr for an invalid encoding
  u32 disp = 0;  ///< displacement, or the moffs of Ob/Ov
  u32 imm = 0;   ///< first immediate (sign-extended for sIb/Jb)
  u32 imm2 = 0;  ///< second immediate: Ap selector, ENTER nesting level
  u16 opcode = 0;  ///< map and opcode byte (opc::), no prefix bits
  u8 len = 0;     ///< total length in bytes, prefixes included
  u8 modrm = 0;
  u8 seg = 3;     ///< segment of the memory operand (override or default)
  u8 seg_override = kNone;
  u8 rep = 0;     ///< 0, 0xF2 (REPNE) or 0xF3 (REP/REPE)
  u8 base = kNone, index = kNone, scale = 0;
  /// base and index for the effective address: kNone becomes the zero
  /// register (CpuState::gpr[8]).
  u8 ea_base = 8, ea_index = 8;
  bool has_modrm = false;
  bool lock = false;
  bool p66 = false;  ///< a 66h prefix was present (operand size or mandatory)
  bool o32 = false;  ///< 32-bit operand size
  bool a32 = false;  ///< 32-bit address size
  bool too_long = false;  ///< longer than the model allows

  unsigned mod() const { return modrm >> 6; }
  unsigned reg() const { return (modrm >> 3) & 7; }
  unsigned rm() const { return modrm & 7; }
  bool mem() const { return has_modrm && mod() != 3; }
};

}  // namespace gb
