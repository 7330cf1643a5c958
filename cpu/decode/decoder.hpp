// Instruction decoder: bytes -> DecodedInsn (SDM Vol. 2A ch. 2).
#pragma once
#include <array>
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
  const OpcodeRow* row(u16 opcode, unsigned reg, unsigned cls = opc::kNP) const {
    if (const u16 i = prefixed_index_[opcode]) {
      if (const OpcodeRow* r = prefixed_[i - 1][cls - 1][reg]) return r;
    }
    return rows_[opcode][reg];
  }
  bool has_modrm(u16 opcode) const { return modrm_[opcode]; }
  const CpuModel& model() const { return model_; }

 private:
  void add(std::span<const OpcodeRow> rows);
  using RegRows = std::array<const OpcodeRow*, 8>;
  const CpuModel& model_;
  std::array<RegRows, opc::kMaps> rows_{};
  std::array<bool, opc::kMaps> modrm_{};
  /// 1 + index into prefixed_ for opcodes with mandatory-prefix rows.
  std::array<u16, opc::kMaps> prefixed_index_{};
  std::vector<std::array<RegRows, 4>> prefixed_;  ///< [opcode][class - 1][reg]
};

/// Handler for invalid encodings: raises #UD (cpu/ops/misc.cpp).
void op_invalid(Cpu& cpu, const DecodedInsn& d);
/// Handler for an 8086 run of 15 prefix bytes: does nothing.
void op_prefixes_only(Cpu& cpu, const DecodedInsn& d);

/// Decodes one instruction. `fetch(i)` returns the i-th byte at CS:EIP and
/// may throw a guest fault (#GP/#PF on the code fetch). `default32` is the
/// code segment's D bit. Encodings the model does not have get
/// row == nullptr and exec == op_invalid.
template <class Fetch>
void decode(const DecodeTables& t, Fetch&& fetch, bool default32, DecodedInsn& d) {
  const CpuModel& m = t.model();
  const bool i386 = m.at_least(CpuFamily::i386);
  d = DecodedInsn{};
  d.o32 = d.a32 = default32;
  unsigned n = 0;
  u8 b;
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
    switch (b) {
      case 0x26: d.seg_override = 0; continue;
      case 0x2E: d.seg_override = 1; continue;
      case 0x36: d.seg_override = 2; continue;
      case 0x3E: d.seg_override = 3; continue;
      case 0x64: if (!i386) break; d.seg_override = 4; continue;
      case 0x65: if (!i386) break; d.seg_override = 5; continue;
      case 0x66: if (!i386) break; d.o32 = !default32; d.p66 = true; continue;
      case 0x67: if (!i386) break; d.a32 = !default32; continue;
      case 0xF0: d.lock = true; continue;
      case 0xF1: if (!m.is_8086()) break; d.lock = true; continue;  // 8086: LOCK alias
      case 0xF2: case 0xF3: d.rep = b; continue;
      default: break;
    }
    break;
  }
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
  const bool a32 = d.a32;
  unsigned reg = 0;
  if (t.has_modrm(op)) {
    d.has_modrm = true;
    d.modrm = fetch(n++);
    reg = d.reg();
    const unsigned mod = d.mod(), rm = d.rm();
    if (mod != 3) {
      u8 def_seg = 3;  // DS
      if (!a32) {
        // 16-bit forms (SDM Vol. 2A Table 2-1).
        static constexpr u8 kBase[8] = {3, 3, 5, 5, kNone, kNone, 5, 3};
        static constexpr u8 kIndex[8] = {6, 7, 6, 7, 6, 7, kNone, kNone};
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
        // 32-bit forms with SIB (SDM Vol. 2A Tables 2-2, 2-3).
        unsigned base = rm;
        if (rm == 4) {
          const u8 sib = fetch(n++);
          d.scale = sib >> 6;
          const unsigned idx = (sib >> 3) & 7;
          d.index = idx == 4 ? kNone : static_cast<u8>(idx);
          base = sib & 7;
          if (base == 5 && mod == 0) {
            d.base = kNone;
            d.disp = fetch(n) | (fetch(n + 1) << 8) | (fetch(n + 2) << 16) | (u32{fetch(n + 3)} << 24);
            n += 4;
            base = kNone;
          }
        } else if (rm == 5 && mod == 0) {
          base = kNone;
          d.disp = fetch(n) | (fetch(n + 1) << 8) | (fetch(n + 2) << 16) | (u32{fetch(n + 3)} << 24);
          n += 4;
        }
        d.base = static_cast<u8>(base);
        if (mod == 1) {
          d.disp = static_cast<u32>(static_cast<i32>(static_cast<i8>(fetch(n++))));
        } else if (mod == 2) {
          d.disp = fetch(n) | (fetch(n + 1) << 8) | (fetch(n + 2) << 16) | (u32{fetch(n + 3)} << 24);
          n += 4;
        }
        if (d.base == 4 || d.base == 5) def_seg = 2;  // ESP/EBP-based: SS
      }
      d.seg = d.seg_override != kNone ? d.seg_override : def_seg;
    }
  }
  if (d.seg_override != kNone) d.seg = d.seg_override;
  // The mandatory prefix class: F2/F3 (the last one given) before 66
  // (SDM Vol. 2A 2.1.2; with both, 66 is an operand-size prefix).
  const unsigned cls = d.rep == 0xF3 ? opc::kF3 : d.rep == 0xF2 ? opc::kF2 : d.p66 ? opc::k66 : opc::kNP;
  const OpcodeRow* row = t.row(op, reg, cls);
  d.row = row;
  if (!row) {
    d.exec = op_invalid;
  } else {
    HandlerRef h = d.o32 ? row->h32 : row->h16;
    if (d.has_modrm && row->r16) {
      h = d.mod() == 3 ? (d.o32 ? row->r32 : row->r16) : (d.o32 ? row->m32 : row->m16);
    }
    d.exec = h.plain;
    d.chain = h.chained;
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
          } else {
            v = fetch(n) | (fetch(n + 1) << 8);
            n += 2;
          }
          break;
        case Operand::Ob:
        case Operand::Ov:
          if (a32) {
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
      d.chain = nullptr;
    }
  }
  d.ea_base = d.base == kNone ? u8{8} : d.base;
  d.ea_index = d.index == kNone ? u8{8} : d.index;
  d.len = static_cast<u8>(n);
  if (m.max_insn_length() && n > m.max_insn_length()) d.too_long = true;
}

}  // namespace gb
