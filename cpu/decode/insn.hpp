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

/// An opcode table's handler (null: no handler for this form): `plain`,
/// and `entered`, the same after Cpu::enter_record(), which a block runs
/// for every record of a row not marked attr::kLean (cpu/block.cpp).
struct HandlerRef {
  Handler plain = nullptr;
  Handler entered = nullptr;
  constexpr explicit operator bool() const { return plain != nullptr; }
};

/// Which ModR/M r/m forms a handler was instantiated for: any (tests mod
/// at execution), register only (mod = 3), memory only, or memory with no
/// index register (MemB: the effective address is a base, or none, plus
/// the displacement). The decoder picks the specialised handler where the
/// row has one.
enum class Form : u8 { Any, Reg, Mem, MemB };
/// A memory-only form (Form::Mem or Form::MemB).
constexpr bool is_mem(Form f) { return f == Form::Mem || f == Form::MemB; }

/// Row attributes.
namespace attr {
constexpr u8 kLockable = 1;  ///< LOCK allowed when the destination is memory
constexpr u8 kMemOnly = 2;   ///< ModR/M mod == 3 is #UD (LEA, LDS, BOUND, ...)
constexpr u8 kRegOnly = 4;   ///< ModR/M mod != 3 is #UD
/// Every handler of the row is lean: in a block it runs without
/// Cpu::enter_record(), so RIP, the record Cpu::instructions() counts to
/// and the ESP a fault restores are not updated for it (cpu/block.cpp).
/// Such a handler reads no RIP (it has d.next_ip), calls nothing that reads
/// the clock, leaves ESP alone until its last possible fault, and ends no
/// block other than by Cpu::jump(); its only slower path is
/// GB_MEM_OPERAND's fallback, which enters the record first.
constexpr u8 kLean = 16;
/// o64 (SDM Vol. 2D Table A-1): the row exists in 64-bit mode only, replacing
/// any legacy one (MOVSXD for ARPL, SYSCALL, SYSRET). The i64, d64 and f64
/// opcodes are listed in DecodeTables::build_64.
constexpr u8 kOnly64 = 8;
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
  HandlerRef h64;  ///< handler for 64-bit operand size (REX.W, d64/f64 rows)
  CpuFamily since;
  u8 attrs;
  /// Optional form-specialised handlers (16-, 32-, 64-bit) for mod = 3,
  /// for memory operands, and for memory operands with no index register;
  /// when r16 is null, h16/h32/h64 serve all forms.
  HandlerRef r16{}, r32{}, r64{}, m16{}, m32{}, m64{}, b16{}, b32{}, b64{};
};

/// No register or no segment in an addressing form.
constexpr u8 kNone = 0xFF;

struct DecodedInsn {
  Handler exec = nullptr;
  /// In a block (cpu/block.cpp): the EIP after this record (after both
  /// instructions of a fused pair), as the block loop sets RIP before the
  /// handler runs. Valid only where the block runs at its Block::eip0.
  u64 next_ip = 0;
  const OpcodeRow* row = nullptr;  ///< nullptr for an invalid encoding
  /// Displacement (sign-extended to 64 bits in 64-bit mode, where a
  /// RIP-relative form also has the next instruction's RIP added), or the
  /// moffs of Ob/Ov.
  u64 disp = 0;
  u32 imm = 0;   ///< first immediate (sign-extended for sIb/Jb)
  /// Second immediate: Ap selector, ENTER nesting level; bits 63-32 of
  /// MOV r64, imm64.
  u32 imm2 = 0;
  u16 opcode = 0;  ///< map and opcode byte (opc::), no prefix bits
  u8 len = 0;     ///< total length in bytes, prefixes included
  u8 modrm = 0;
  u8 seg = 3;     ///< segment of the memory operand (override or default)
  u8 seg_override = kNone;
  u8 rep = 0;     ///< 0, 0xF2 (REPNE) or 0xF3 (REP/REPE)
  u8 base = kNone, index = kNone, scale = 0;
  /// base and index for the effective address: kNone becomes the zero
  /// register (CpuState::gpr[kZeroReg] = gpr[16]).
  u8 ea_base = 16, ea_index = 16;
  /// The REX prefix (40h-4Fh) in 64-bit mode, or 0.
  u8 rex = 0;
  /// Register numbers from ModR/M.reg and ModR/M.r/m (or the opcode's low
  /// three bits for Zb/Zv), extended by REX.R and REX.B; byte registers
  /// numbered as Cpu::reg<u8> expects (SPL-DIL = 16-19 with a REX prefix).
  u8 regx = 0, rmx = 0;
  bool has_modrm = false;
  bool lock = false;
  bool p66 = false;  ///< a 66h prefix was present (operand size or mandatory)
  bool o32 = false;  ///< 32-bit operand size (also set with o64: "not 16-bit")
  bool a32 = false;  ///< 32-bit address size (also set with a64)
  bool o64 = false;  ///< 64-bit operand size
  bool a64 = false;  ///< 64-bit address size
  bool too_long = false;  ///< longer than the model allows
  /// The address size as 0 (16-bit), 1 (32-bit) or 2 (64-bit): Cpu::ea's
  /// mask index, set with a32 and a64.
  u8 asize = 0;

  unsigned mod() const { return modrm >> 6; }
  /// ModR/M.reg and r/m as encoded (group members, segment registers,
  /// ST(i), MMX registers: what REX does not extend).
  unsigned reg() const { return (modrm >> 3) & 7; }
  unsigned rm() const { return modrm & 7; }
  /// General or XMM register operands, REX-extended (see regx, rmx).
  unsigned xreg() const { return regx; }
  unsigned xrm() const { return rmx; }
  bool rex_w() const { return (rex & 8) != 0; }
  bool mem() const { return has_modrm && mod() != 3; }
};

}  // namespace gb
