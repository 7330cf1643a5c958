// Instruction decoder: bytes -> DecodedInsn (SDM Vol. 2A ch. 2).
#pragma once
#include <array>
#include <memory>
#include <span>
#include <vector>

#include "cpu/decode/insn.hpp"

namespace gb {

/// The opcode table, one row per opcode or group member (cpu/decode/opcodes.cpp).
std::span<const OpcodeRow> opcode_table();

/// The opcode table resolved for one CPU model: a row per (map, opcode,
/// ModR/M.reg), with the model's aliases applied, and for the opcodes
/// whose meaning depends on a mandatory prefix a row per prefix class.
class DecodeTables {
 public:
  explicit DecodeTables(const CpuModel& model);

  /// The row for `opcode` (map and byte, opc::) under ModR/M.reg `reg` and
  /// prefix class `cls` (opc::Prefix, never kAny): the class's own row,
  /// else the prefix-independent one; nullptr when neither exists.
  const OpcodeRow* row(u16 opcode, unsigned reg, unsigned cls = opc::kNP, bool mode64 = false) const {
    if (const u16 i = prefixed_index_[opcode]) {
      if (const OpcodeRow* r = prefixed_[i - 1][cls - 1][reg]) return r;
    }
    return mode64 ? (*rows64_)[opcode][reg] : rows_[opcode][reg];
  }
  bool has_modrm(u16 opcode) const { return modrm_[opcode]; }
  /// Operand size in 64-bit mode: a d64 row defaults to 64 bits, an f64
  /// row always has them (SDM Vol. 2A 2.2.1.7).
  static constexpr u8 kD64 = 1, kF64 = 2;
  u8 size64(u16 opcode, unsigned reg) const { return (*size64_)[opcode][reg]; }
  const CpuModel& model() const { return model_; }

 private:
  void add(std::span<const OpcodeRow> rows);
  void build_64();
  using RegRows = std::array<const OpcodeRow*, 8>;
  const CpuModel& model_;
  std::array<RegRows, opc::kMaps> rows_{};
  using Rows = std::array<RegRows, opc::kMaps>;
  /// rows_ as 64-bit mode sees them: i64 rows gone, o64 rows in their place
  /// (on the heap: a Cpu may live on the stack; only long-mode models use it).
  std::unique_ptr<Rows> rows64_ = std::make_unique<Rows>();
  std::unique_ptr<Rows> only64_ = std::make_unique<Rows>();  ///< o64 rows (construction only)
  std::unique_ptr<std::array<std::array<u8, 8>, opc::kMaps>> size64_ =
      std::make_unique<std::array<std::array<u8, 8>, opc::kMaps>>();
  std::array<bool, opc::kMaps> modrm_{};
  /// 1 + index into prefixed_ for opcodes with mandatory-prefix rows.
  std::array<u16, opc::kMaps> prefixed_index_{};
  std::vector<std::array<RegRows, 4>> prefixed_;  ///< [opcode][class - 1][reg]
};

/// Handler for invalid encodings: raises #UD (cpu/ops/misc.cpp).
void op_invalid(Cpu& cpu, const DecodedInsn& d);
/// Handler for an 8086 run of 15 prefix bytes: does nothing.
void op_prefixes_only(Cpu& cpu, const DecodedInsn& d);

/// The code segment's default sizes: CS.D = 0, CS.D = 1, or 64-bit mode
/// (IA-32e mode with CS.L = 1). The values are Block::mode's.
enum class CodeSize : u8 { k16 = 0, k32 = 1, k64 = 2 };

namespace decode_detail {
/// Whether an operand names a byte general register (REX renumbers 4-7).
constexpr bool byte_reg(Operand o) { return o == Operand::Eb || o == Operand::Gb || o == Operand::Zb; }
}  // namespace decode_detail

/// Decodes one instruction. `fetch(i)` returns the i-th byte at CS:RIP and
/// may throw a guest fault (#GP/#PF on the code fetch). `size` is the code
/// segment's default size; `ip` is the instruction's RIP, which 64-bit mode
/// folds into RIP-relative displacements (decoded instructions are cached
/// by linear address, and in 64-bit mode the CS base is 0). Encodings the
/// model or the mode does not have get row == nullptr and exec == op_invalid.
template <class Fetch>
void decode(const DecodeTables& t, Fetch&& fetch, CodeSize size, u64 ip, DecodedInsn& d) {
  const CpuModel& m = t.model();
  const bool i386 = m.at_least(CpuFamily::i386);
  const bool m64 = size == CodeSize::k64;
  const bool default32 = size != CodeSize::k16;
  d = DecodedInsn{};
  d.o32 = d.a32 = default32;
  d.a64 = m64;
  unsigned n = 0;
  u8 b;
  u8 rex = 0;
  for (;;) {
    if (n == 15) {
      // A run of prefixes: later CPUs fault (too_long); the 8086, which has
      // no length limit, is treated as having executed the prefixes alone.
      d.len = 15;
      d.too_long = !m.is_8086();
      d.exec = op_prefixes_only;
      return;
    }
    b = fetch(n++);
    // A REX prefix counts only right before the opcode (SDM Vol. 2A 2.2.1):
    // a legacy prefix after it cancels it.
    if (m64 && (b & 0xF0) == 0x40) {
      rex = b;
      continue;
    }
    switch (b) {
      // 64-bit mode ignores the ES, CS, SS and DS overrides (SDM Vol. 1 3.3.7.1).
      case 0x26: if (!m64) d.seg_override = 0; rex = 0; continue;
      case 0x2E: if (!m64) d.seg_override = 1; rex = 0; continue;
      case 0x36: if (!m64) d.seg_override = 2; rex = 0; continue;
      case 0x3E: if (!m64) d.seg_override = 3; rex = 0; continue;
      case 0x64: if (!i386) break; d.seg_override = 4; rex = 0; continue;
      case 0x65: if (!i386) break; d.seg_override = 5; rex = 0; continue;
      case 0x66: if (!i386) break; d.o32 = !default32; d.p66 = true; rex = 0; continue;
      case 0x67: if (!i386) break; if (m64) d.a64 = false; else d.a32 = !default32; rex = 0; continue;
      case 0xF0: d.lock = true; rex = 0; continue;
      case 0xF1: if (!m.is_8086()) break; d.lock = true; continue;  // 8086: LOCK alias
      case 0xF2: case 0xF3: d.rep = b; rex = 0; continue;
      default: break;
    }
    break;
  }
  d.rex = rex;
  u16 op = b;
  if (b == 0x0F && !m.is_8086()) {
    op = opc::kMap0F | fetch(n++);
    // The three-byte maps (SDM Vol. 2A 2.1.2), on models with any of their
    // instructions (SSSE3 and later; MOVBE on the Atom).
    if ((op == 0x138 || op == 0x13A) && (m.has(Isa::Ssse3) || m.has(Isa::Movbe))) {
      op = static_cast<u16>((op == 0x138 ? opc::kMap38 : opc::kMap3A) | fetch(n++));
    }
  }
  d.opcode = op;
  d.asize = d.a64 ? 2 : d.a32 ? 1 : 0;
  const bool a32 = d.a32;
  const unsigned rex_r = (rex & 4) << 1, rex_x = (rex & 2) << 2, rex_b = (rex & 1) << 3;
  unsigned reg = 0;
  if (t.has_modrm(op)) {
    d.has_modrm = true;
    d.modrm = fetch(n++);
    reg = d.reg();
    const unsigned mod = d.mod(), rm = d.rm();
    if (mod != 3) {
      u8 def_seg = 3;  // DS
      if (!a32) {
        // 16-bit forms (SDM Vol. 2A Table 2-1). [SI] and [DI] are held as
        // a base with no index (the sum is the same), so they take the
        // no-index handlers (Form::MemB) as [BX] and [BP] do.
        static constexpr u8 kBase[8] = {3, 3, 5, 5, 6, 7, 5, 3};
        static constexpr u8 kIndex[8] = {6, 7, 6, 7, kNone, kNone, kNone, kNone};
        d.base = kBase[rm];
        d.index = kIndex[rm];
        if (mod == 0 && rm == 6) {
          d.base = kNone;
          d.disp = fetch(n) | (fetch(n + 1) << 8);
          n += 2;
        } else if (mod == 1) {
          d.disp = static_cast<u32>(static_cast<i32>(static_cast<i8>(fetch(n++))));
        } else if (mod == 2) {
          d.disp = fetch(n) | (fetch(n + 1) << 8);
          n += 2;
        }
        if (d.base == 5) def_seg = 2;  // BP-based: SS
      } else {
        // 32- and 64-bit forms with SIB (SDM Vol. 2A Tables 2-2, 2-3, and
        // 2.2.1.2-2.2.1.6 for REX and RIP-relative addressing).
        const auto disp32 = [&] {
          const u32 v = fetch(n) | (fetch(n + 1) << 8) | (fetch(n + 2) << 16) | (u32{fetch(n + 3)} << 24);
          n += 4;
          // Sign-extended in 64-bit mode; elsewhere the address size wraps it.
          return m64 ? static_cast<u64>(static_cast<i64>(static_cast<i32>(v))) : u64{v};
        };
        unsigned base = rm | rex_b;
        bool rip_rel = false;
        if (rm == 4) {
          const u8 sib = fetch(n++);
          d.scale = sib >> 6;
          const unsigned idx = ((sib >> 3) & 7) | rex_x;
          d.index = idx == 4 ? kNone : static_cast<u8>(idx);
          base = (sib & 7) | rex_b;
          if ((sib & 7) == 5 && mod == 0) {
            d.base = kNone;
            d.disp = disp32();
            base = kNone;
          }
        } else if (rm == 5 && mod == 0) {
          base = kNone;
          d.disp = disp32();
          rip_rel = m64;
        }
        d.base = static_cast<u8>(base);
        if (mod == 1) {
          const u64 v = static_cast<u64>(static_cast<i64>(static_cast<i8>(fetch(n++))));
          d.disp = m64 ? v : static_cast<u32>(v);
        } else if (mod == 2) {
          d.disp = disp32();
        }
        if (d.base == 4 || d.base == 5) def_seg = 2;  // ESP/EBP-based: SS
        // RIP-relative: the next instruction's RIP is known once the
        // immediates are read (below).
        if (rip_rel) d.ea_base = 0xFE;
      }
      d.seg = d.seg_override != kNone ? d.seg_override : def_seg;
    }
  }
  if (d.seg_override != kNone) d.seg = d.seg_override;
  // The mandatory prefix class: F2/F3 (the last one given) before 66
  // (SDM Vol. 2A 2.1.2; with both, 66 is an operand-size prefix).
  const unsigned cls = d.rep == 0xF3 ? opc::kF3 : d.rep == 0xF2 ? opc::kF2 : d.p66 ? opc::k66 : opc::kNP;
  const OpcodeRow* row = t.row(op, reg, cls, m64);
  // 90 with REX.B is XCHG R8, rAX, not NOP (SDM Vol. 2B NOP, XCHG).
  if (m64 && op == 0x90 && (rex & 1)) row = t.row(0x91, reg, opc::kNP, true);
  d.row = row;
  d.regx = static_cast<u8>(reg | rex_r);
  d.rmx = static_cast<u8>(d.has_modrm ? (d.rm() | rex_b) : ((op & 7) | rex_b));
  if (!row) {
    d.exec = op_invalid;
  } else {
    if (m64) {
      // Operand size in 64-bit mode (SDM Vol. 2A 2.2.1.2, Table 2-4):
      // REX.W gives 64 bits, else 66h gives 16; d64 rows default to 64, f64
      // rows are always 64.
      const u8 s64 = t.size64(op, reg);
      if ((rex & 8) || s64 == DecodeTables::kF64 || (s64 == DecodeTables::kD64 && !d.p66)) {
        d.o64 = d.o32 = true;
      }
    }
    if (rex) {
      for (Operand o : row->operands) {
        if (!decode_detail::byte_reg(o)) continue;
        // With REX, encodings 4-7 of a byte register are SPL, BPL, SIL, DIL.
        if (o == Operand::Gb && d.regx >= 4 && d.regx < 8) d.regx = static_cast<u8>(d.regx + 12);
        if (o != Operand::Gb && d.rmx >= 4 && d.rmx < 8 && (o == Operand::Zb || d.mod() == 3)) {
          d.rmx = static_cast<u8>(d.rmx + 12);
        }
      }
    }
    HandlerRef h = d.o64 ? row->h64 : d.o32 ? row->h32 : row->h16;
    if (d.has_modrm && row->r16) {
      const bool r = d.mod() == 3;
      // (The index is known only now: ea_index is set below.)
      const bool b = d.index == kNone;
      h = d.o64 ? (r ? row->r64 : b ? row->b64 : row->m64)
          : d.o32 ? (r ? row->r32 : b ? row->b32 : row->m32)
                  : (r ? row->r16 : b ? row->b16 : row->m16);
    }
    d.exec = h.plain;
    bool first = true;
    for (Operand o : row->operands) {
      u32 v = 0;
      switch (o) {
        case Operand::Ib: v = fetch(n++); break;
        case Operand::sIb:
        case Operand::Jb: v = static_cast<u32>(static_cast<i32>(static_cast<i8>(fetch(n++)))); break;
        case Operand::Iw: v = fetch(n) | (fetch(n + 1) << 8); n += 2; break;
        case Operand::Iv:
        case Operand::Jv:
          if (d.o32) {
            v = fetch(n) | (fetch(n + 1) << 8) | (fetch(n + 2) << 16) | (u32{fetch(n + 3)} << 24);
            n += 4;
            // MOV r64, imm64 (REX.W B8+r) is the one full 64-bit immediate.
            if (d.o64 && (op & 0xF8) == 0xB8) {
              d.imm2 = fetch(n) | (fetch(n + 1) << 8) | (fetch(n + 2) << 16) | (u32{fetch(n + 3)} << 24);
              n += 4;
            }
          } else {
            v = fetch(n) | (fetch(n + 1) << 8);
            n += 2;
          }
          break;
        case Operand::Ob:
        case Operand::Ov:
          if (d.a64) {
            u64 a = 0;
            for (unsigned i = 0; i < 8; ++i) a |= u64{fetch(n + i)} << (8 * i);
            d.disp = a;
            n += 8;
          } else if (a32) {
            d.disp = fetch(n) | (fetch(n + 1) << 8) | (fetch(n + 2) << 16) | (u32{fetch(n + 3)} << 24);
            n += 4;
          } else {
            d.disp = fetch(n) | (fetch(n + 1) << 8);
            n += 2;
          }
          d.seg = d.seg_override != kNone ? d.seg_override : 3;
          continue;
        case Operand::Ap:
          if (d.o32) {
            d.imm = fetch(n) | (fetch(n + 1) << 8) | (fetch(n + 2) << 16) | (u32{fetch(n + 3)} << 24);
            n += 4;
          } else {
            d.imm = fetch(n) | (fetch(n + 1) << 8);
            n += 2;
          }
          d.imm2 = fetch(n) | (fetch(n + 1) << 8);
          n += 2;
          continue;
        default: continue;
      }
      (first ? d.imm : d.imm2) = v;
      first = false;
    }
    if ((d.has_modrm && (row->attrs & attr::kMemOnly) && d.mod() == 3) ||
        (d.has_modrm && (row->attrs & attr::kRegOnly) && d.mod() != 3) ||
        (d.lock && i386 && !((row->attrs & attr::kLockable) && d.mem()))) {
      d.exec = op_invalid;
    }
  }
  if (d.ea_base == 0xFE) {
    // RIP-relative: disp + the RIP after this instruction, with the address
    // size's wrap applied by Cpu::ea().
    d.disp += ip + n;
    d.base = kNone;
  }
  d.ea_base = d.base == kNone ? u8{16} : d.base;
  d.ea_index = d.index == kNone ? u8{16} : d.index;
  d.len = static_cast<u8>(n);
  if (m.max_insn_length() && n > m.max_insn_length()) d.too_long = true;
}

/// Legacy-mode form: `default32` is CS.D.
template <class Fetch>
void decode(const DecodeTables& t, Fetch&& fetch, bool default32, DecodedInsn& d) {
  decode(t, fetch, default32 ? CodeSize::k32 : CodeSize::k16, 0, d);
}

}  // namespace gb
