#include "tests/oracle64/gen.hpp"

#include <algorithm>

namespace gb::oracle64 {

namespace {

using simd_oracle::Form;
using simd_oracle::Imm;
using simd_oracle::Shape;
using simd_oracle::Val;

constexpr u64 CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800, ALL = kArith;

enum Group : int {
  kAlu, kAluImm, kTest, kIncDec, kNotNeg, kShift, kMul1, kImul, kDiv, kBt, kBsf, kMovx, kMovsxd, kCmov, kSetcc,
  kBswap, kXadd, kCmpxchg, kShld, kMov, kMovImm, kMoffs, kLea, kCbw, kXchg, kPushPop, kPushfPopf, kString,
  kCmpxchgNb, kLahf, kFlagOps, kNop, kJmp, kCallRet, kLoop, kGroups
};
const char* const kGroupNames[kGroups] = {
  "ALU", "ALU-imm", "TEST", "INC/DEC", "NOT/NEG", "SHIFT/ROTATE", "MUL/IMUL-1op", "IMUL", "DIV/IDIV",
  "BT/BTS/BTR/BTC", "BSF/BSR", "MOVZX/MOVSX", "MOVSXD", "CMOVcc", "SETcc", "BSWAP", "XADD", "CMPXCHG",
  "SHLD/SHRD", "MOV", "MOV-imm", "MOV-moffs", "LEA", "CBW/CWD", "XCHG", "PUSH/POP", "PUSHF/POPF", "STRING",
  "CMPXCHG8B/16B", "LAHF/SAHF", "CLC/STC/CMC/CLD/STD", "NOP", "Jcc/JMP", "CALL/RET", "LOOP/JRCXZ"};

/// The flags condition code `cc` reads (SDM Vol. 2 Appendix B.1.4.7).
u64 cc_flags(u32 cc) {
  static constexpr u64 f[8] = {OF, CF, ZF, CF | ZF, SF, PF, SF | OF, ZF | SF | OF};
  return f[(cc >> 1) & 7];
}

/// Forms with an MMX or x87 operand: the 32-bit SIMD oracle's alone.
bool mmx_or_x87(const Form& f) {
  switch (f.shape) {
    case Shape::PQ: case Shape::QP: case Shape::MP: case Shape::PN: case Shape::NI: case Shape::PE:
    case Shape::EP: case Shape::GN: case Shape::VQ: case Shape::PW: case Shape::VN: case Shape::PU:
    case Shape::MaskQ:
      return true;
    default:
      return f.name == "FISTTP" || f.name == "EMMS";
  }
}

/// The REX.W forms that exist only in 64-bit mode (SDM Vol. 2: MOVD/MOVQ,
/// CVTSI2SS/SD, CVT(T)SS2SI/SD2SI, PEXTRQ, PINSRQ, POPCNT, CRC32, MOVNTI).
const std::vector<Form>& rex_w_forms() {
  using S = Shape;
  static const std::vector<Form> v = {
    {"MOVQ-r64", 0x66, 0x16E, -1, S::VE, 8, false, Imm::None, Val::Int},
    {"MOVQ-r64", 0x66, 0x17E, -1, S::EV, 8, false, Imm::None, Val::Int},
    {"CVTSI2SS-r64", 0xF3, 0x12A, -1, S::VE, 8, false, Imm::None, Val::Int},
    {"CVTSI2SD-r64", 0xF2, 0x12A, -1, S::VE, 8, false, Imm::None, Val::Int},
    {"CVTTSS2SI-r64", 0xF3, 0x12C, -1, S::GW, 4, false, Imm::None, Val::F32},
    {"CVTTSD2SI-r64", 0xF2, 0x12C, -1, S::GW, 8, false, Imm::None, Val::F64},
    {"CVTSS2SI-r64", 0xF3, 0x12D, -1, S::GW, 4, false, Imm::None, Val::F32},
    {"CVTSD2SI-r64", 0xF2, 0x12D, -1, S::GW, 8, false, Imm::None, Val::F64},
    {"PEXTRQ", 0x66, 0x316, -1, S::EV, 8, false, Imm::Any, Val::Int},
    {"PINSRQ", 0x66, 0x322, -1, S::VE, 8, false, Imm::Any, Val::Int},
    {"POPCNT-r64", 0xF3, 0x1B8, -1, S::GE, 8, false, Imm::None, Val::Int},
    {"CRC32-r64", 0xF2, 0x2F0, -1, S::GE, 1, false, Imm::None, Val::Int},
    {"CRC32-r64", 0xF2, 0x2F1, -1, S::GE, 8, false, Imm::None, Val::Int},
    {"MOVNTI-m64", 0, 0x1C3, -1, S::ME, 8, false, Imm::None, Val::Int},
  };
  return v;
}

std::vector<Entry> build_entries() {
  std::vector<Entry> v;
  for (int g = 0; g < kGroups; ++g) v.push_back(Entry{kGroupNames[g], g, nullptr, false});
  for (const Form& f : simd_oracle::all_forms()) {
    if (mmx_or_x87(f) || (f.flags & simd_oracle::fx::kApprox)) continue;
    v.push_back(Entry{f.name, -1, &f, false});
  }
  for (const Form& f : rex_w_forms()) v.push_back(Entry{f.name, -1, &f, true});
  return v;
}

/// SIMD forms whose result includes the arithmetic flags (all defined).
bool writes_flags(const std::string& n) {
  return n == "UCOMISS" || n == "UCOMISD" || n == "COMISS" || n == "COMISD" || n == "PTEST" || n == "PCMPESTRI" ||
         n == "PCMPESTRM" || n == "PCMPISTRI" || n == "PCMPISTRM" || n.starts_with("POPCNT");
}

}  // namespace

std::span<const Entry> all_entries() {
  static const std::vector<Entry> e = build_entries();
  return e;
}

Program Program::prefix(std::size_t n) const {
  Program p;
  p.seq.insns.assign(seq.insns.begin(), seq.insns.begin() + static_cast<std::ptrdiff_t>(n));
  p.flag_mask.assign(flag_mask.begin(), flag_mask.begin() + static_cast<std::ptrdiff_t>(n));
  p.cut_ok.assign(cut_ok.begin(), cut_ok.begin() + static_cast<std::ptrdiff_t>(n));
  p.may_fault = may_fault;
  return p;
}

Generator::Generator(u64 seed, std::vector<const Entry*> unlisted, std::vector<const Entry*> listed, bool unmasked)
    : rng_(seed), unlisted_(std::move(unlisted)), listed_(std::move(listed)), unmasked_(unmasked) {}

// ---- operands

u8 Generator::gp() {
  for (;;) {
    const u8 g = static_cast<u8>(r(16));
    if (g != 4 && g != base_ && g != index_) return g;
  }
}

u8 Generator::gp8(bool allow_high) {
  for (;;) {
    const u32 k = r(allow_high ? 20 : 16);
    const u32 full = k >= 16 ? k - 16 : k;
    if (full == 4 || full == base_ || full == index_) continue;  // never SPL (RSP), nor BH/BPL of the base
    return static_cast<u8>(k >= 16 ? kHigh + full : k);
  }
}

unsigned Generator::size() { return 8u << r(4); }
unsigned Generator::size_wide() { return 16u << r(3); }

void Generator::opsize(Parts& p, unsigned sz) {
  if (sz == 16) p.o16 = true;
  if (sz == 64) {
    p.w = true;
    if (one_in(16)) p.o16 = true;  // REX.W wins over 66 (SDM Vol. 2A 2.2.1.2)
  }
}

void Generator::reg_operand(Parts& p, unsigned sz) {
  p.modrm = true;
  if (sz == 8) {
    p.reg = gp8();
    p.bytes |= kByteReg;
  } else {
    p.reg = gp();
  }
}

void Generator::rm_reg(Parts& p, unsigned sz) {
  p.modrm = true;
  p.rm_mem = false;
  if (sz == 8) {
    p.rm = gp8();
    p.bytes |= kByteRm;
  } else {
    p.rm = gp();
  }
}

void Generator::rm_memory(Parts& p, unsigned bytes, bool aligned) {
  p.modrm = true;
  p.rm_mem = true;
  Mem m;
  const u32 k = r(16);
  // Every form stays inside the window: [base + index*8 + disp] <= +80h + 18h + 47h, 16 bytes wide.
  if (k < 6 || (aligned && k < 9)) {
    m.base = base_;
    m.disp = aligned ? 16 * (static_cast<i32>(r(15)) - 8) : static_cast<i32>(r(256)) - 128;
    if (!aligned && one_in(6)) m.disp = 0;
    m.disp32 = one_in(8);
  } else if (k < 9) {
    m.base = base_;
    m.index = index_;
    m.scale = static_cast<u8>(r(4));
    m.disp = static_cast<i32>(r(200)) - 128;
  } else if (k < 13) {
    m.kind = Mem::Kind::Rip;
    m.target = kData + (aligned ? 16 * r(0x18) : r(0x180));
  } else if (k < 14 || aligned) {
    m.disp = static_cast<i32>(kData + (aligned ? 16 * r(0x18) : r(0x180)));  // absolute [disp32]
  } else {
    m.index = index_;  // [index*scale + disp32]
    m.scale = static_cast<u8>(r(4));
    m.disp = static_cast<i32>(kData + r(0x100));
  }
  (void)bytes;
  p.mem = m;
  if (one_in(8)) p.a32 = true;  // 67: the same address computed in 32 bits (SDM Vol. 1 3.3.7)
  if (one_in(16)) {
    static constexpr u8 kSeg[4] = {0x26, 0x2E, 0x36, 0x3E};  // ignored in 64-bit mode (SDM Vol. 1 3.3.7.1)
    p.seg = kSeg[r(4)];
  }
}

void Generator::rm_any(Parts& p, unsigned sz, u32 mem_one_in) {
  if (one_in(mem_one_in)) rm_memory(p, sz / 8, false);
  else rm_reg(p, sz);
}

void Generator::rm_raw_address(Parts& p) {
  p.modrm = true;
  p.rm_mem = true;
  Mem m;
  auto disp = [&] {
    switch (r(4)) {
      case 0: return 0;
      case 1: return static_cast<i32>(r(256)) - 128;
      default: return static_cast<i32>(static_cast<u32>(bits()));
    }
  };
  auto index = [&] {
    for (;;) {
      const int i = static_cast<int>(r(16));
      if (i != 4) return i;  // SIB index 100 without REX.X means none
    }
  };
  switch (r(8)) {
    case 0:
      m.kind = Mem::Kind::RipRaw;
      m.disp = disp();
      break;
    case 1:
      m.index = one_in(3) ? -1 : index();
      m.scale = static_cast<u8>(r(4));
      m.disp = disp();
      break;
    default:
      m.base = static_cast<int>(r(16));  // RSP too: LEA reads it like any base
      m.index = one_in(2) ? -1 : index();
      m.scale = static_cast<u8>(r(4));
      m.disp = disp();
      m.disp32 = one_in(8);
      break;
  }
  p.mem = m;
  p.a32 = one_in(3);
}

void Generator::imm(Parts& p, u64 v, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i) p.imm.push_back(static_cast<u8>(v >> (8 * i)));
}

// ---- emission

void Generator::emit(const Parts& in, const std::string& name) {
  Parts p = in;
  if (!encodable(p)) {  // AH-BH next to a REX: take a byte register without one
    if (p.modrm && p.reg >= kHigh) p.reg = gp8(false);
    if (p.modrm && !p.rm_mem && p.rm >= kHigh) p.rm = gp8(false);
    if (p.opreg >= kHigh) p.opreg = gp8(false);
  }
  if (!p.rex && one_in(12)) {  // a REX with no bits set (40h): changes nothing here
    Parts q = p;
    q.rex = true;
    if (encodable(q)) p = q;
  }
  Insn insn;
  insn.name = name;
  insn.bytes = encode(p, at_);
  at_ += insn.bytes.size();
  prog_->seq.insns.push_back(std::move(insn));
  prog_->flag_mask.push_back(defined_ | kDF);
  prog_->cut_ok.push_back(true);
}

void Generator::mov_imm32(u8 reg, u32 v) {
  Parts p;
  p.op = {0xB8};
  p.opreg = reg;
  imm(p, v, 4);
  prelude(p);
}

void Generator::need(u64 f) {
  if ((defined_ & f) == f) return;
  Parts p;
  p.op = {0x39};  // CMP r/m, r
  p.modrm = true;
  p.reg = gp();
  p.rm = gp();
  p.w = one_in(2);
  flags(ALL, 0);
  prelude(p);
}

// ---- integer groups

void Generator::integer(const Entry& e) {
  const std::string& name = e.name;
  Parts p;
  switch (e.group) {
    case kAlu: {  // 00-3B: op r/m,r (d=0) and op r,r/m (d=1)
      const u32 op = r(8), sz = size(), d = r(2);
      if (op == 2 || op == 3) need(CF);
      opsize(p, sz);
      p.op = {static_cast<u8>(op << 3 | d << 1 | (sz != 8))};
      reg_operand(p, sz);
      rm_any(p, sz);
      p.lock = p.rm_mem && d == 0 && op != 7 && one_in(4);
      flags(ALL, (op == 1 || op == 4 || op == 6) ? AF : 0);
      break;
    }
    case kAluImm: {  // 04/05 (AL..RAX), 80, 81, 83
      const u32 op = r(8), sz = size(), form = r(3);
      const unsigned ib = std::min(sz, 32u) / 8;  // 64-bit forms take a sign-extended imm32
      if (op == 2 || op == 3) need(CF);
      opsize(p, sz);
      if (form == 0) {
        p.op = {static_cast<u8>(op << 3 | 4 | (sz != 8))};
        imm(p, bits(), ib);
      } else {
        const bool ib8 = form == 2 && sz != 8;
        p.op = {static_cast<u8>(sz == 8 ? 0x80 : ib8 ? 0x83 : 0x81)};
        p.modrm = true;
        p.reg = static_cast<u8>(op);
        rm_any(p, sz);
        imm(p, bits(), ib8 ? 1 : ib);
        p.lock = p.rm_mem && op != 7 && one_in(4);
      }
      flags(ALL, (op == 1 || op == 4 || op == 6) ? AF : 0);
      break;
    }
    case kTest: {  // 84/85, F6/F7 /0, A8/A9
      const u32 sz = size(), form = r(3);
      const unsigned ib = std::min(sz, 32u) / 8;
      opsize(p, sz);
      if (form == 0) {
        p.op = {static_cast<u8>(0x84 | (sz != 8))};
        reg_operand(p, sz);
        rm_any(p, sz);
      } else if (form == 1) {
        p.op = {static_cast<u8>(0xF6 | (sz != 8))};
        p.modrm = true;
        rm_any(p, sz);
        imm(p, bits(), ib);
      } else {
        p.op = {static_cast<u8>(0xA8 | (sz != 8))};
        imm(p, bits(), ib);
      }
      flags(ALL, AF);
      break;
    }
    case kIncDec: {  // FE/FF /0 /1 (40-4F are REX in 64-bit mode)
      const u32 sz = size();
      opsize(p, sz);
      p.op = {static_cast<u8>(0xFE | (sz != 8))};
      p.modrm = true;
      p.reg = static_cast<u8>(r(2));
      rm_any(p, sz);
      p.lock = p.rm_mem && one_in(4);
      flags(ALL & ~CF, 0);
      break;
    }
    case kNotNeg: {  // F6/F7 /2 /3
      const u32 sz = size(), op = 2 + r(2);
      opsize(p, sz);
      p.op = {static_cast<u8>(0xF6 | (sz != 8))};
      p.modrm = true;
      p.reg = static_cast<u8>(op);
      rm_any(p, sz);
      p.lock = p.rm_mem && one_in(4);
      if (op == 3) flags(ALL, 0);
      break;
    }
    case kShift: {  // D0/D1 (by 1), D2/D3 (by CL), C0/C1 (by imm8); /6 (SAL alias) left out
      static constexpr u8 kOps[7] = {0, 1, 2, 3, 4, 5, 7};
      const u32 op = kOps[r(7)], sz = size(), form = r(3);
      if (op == 2 || op == 3) need(CF);
      u32 c = 1;
      if (form == 1) {
        c = one_in(3) ? r(70) : r(256);
        Parts m;
        m.op = {0xB1};  // MOV CL, imm8
        imm(m, c, 1);
        prelude(m);
      }
      opsize(p, sz);
      p.modrm = true;
      p.reg = static_cast<u8>(op);
      rm_any(p, sz);
      if (form == 0) p.op = {static_cast<u8>(0xD0 | (sz != 8))};
      if (form == 1) p.op = {static_cast<u8>(0xD2 | (sz != 8))};
      if (form == 2) {
        c = one_in(3) ? r(70) : r(256);
        p.op = {static_cast<u8>(0xC0 | (sz != 8))};
        imm(p, c, 1);
      }
      // SDM Vol. 2B SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR: the count is masked to
      // 5 bits (6 with REX.W); a masked count of 0 changes no flag; OF is
      // defined for a count of 1 only, AF never for shifts, CF undefined for
      // shifts when the count is at least the operand size.
      const u32 m = c & (sz == 64 ? 63 : 31);
      if (m != 0) {
        if (op < 4) flags(CF | OF, m == 1 ? 0 : OF);
        else flags(ALL, AF | (m == 1 ? 0 : OF) | (m >= sz ? CF : 0));
      }
      break;
    }
    case kMul1: {  // F6/F7 /4 /5: RDX:RAX
      const u32 sz = size();
      opsize(p, sz);
      p.op = {static_cast<u8>(0xF6 | (sz != 8))};
      p.modrm = true;
      p.reg = static_cast<u8>(4 + r(2));
      rm_any(p, sz);
      flags(ALL, SF | ZF | AF | PF);
      break;
    }
    case kImul: {  // 0F AF, 69, 6B
      const u32 sz = size_wide(), form = r(3);
      opsize(p, sz);
      reg_operand(p, sz);
      rm_any(p, sz);
      if (form == 0) p.op = {0x0F, 0xAF};
      if (form == 1) { p.op = {0x69}; imm(p, bits(), std::min(sz, 32u) / 8); }
      if (form == 2) { p.op = {0x6B}; imm(p, bits(), 1); }
      flags(ALL, SF | ZF | AF | PF);
      break;
    }
    case kDiv: {  // F6/F7 /6 /7 by a register made nonzero (and not -1 for IDIV), or
                  // now and then by zero: #DE at that instruction, in both worlds
      const u32 sz = size();
      const bool sgn = r(2);
      const u64 all = sz == 64 ? ~u64{0} : (u64{1} << sz) - 1;
      u64 d = 0;
      if (one_in(32)) {
        prog_->may_fault = true;
      } else {
        do {
          d = v_.intv(sz / 8);
          if (one_in(2)) d &= 0x1F;
        } while (d == 0 || (sgn && d == all));
      }
      u8 dr = 0;
      do { dr = static_cast<u8>(sz == 8 ? gp8(false) : gp()); } while (dr == 0 || dr == 2);
      Parts m;  // MOV r, divisor
      opsize(m, sz);
      m.op = {static_cast<u8>(sz == 8 ? 0xB0 : 0xB8)};
      m.opreg = dr;
      if (sz == 8) m.bytes = kByteOpreg;
      imm(m, d, sz / 8);
      prelude(m);
      Parts x;  // the dividend's upper half: sign (CBW, CWD/CDQ/CQO) or zero
      if (sz == 8) {
        if (sgn) { x.o16 = true; x.op = {0x98}; }
        else { x.op = {0x0F, 0xB6}; x.modrm = true; x.reg = 0; x.rm = 0; x.bytes = kByteRm; }  // MOVZX EAX, AL
      } else if (sgn) {
        opsize(x, sz);
        x.op = {0x99};
      } else {
        x.op = {0x31};  // XOR EDX, EDX
        x.modrm = true;
        x.reg = 2;
        x.rm = 2;
      }
      prelude(x);
      opsize(p, sz);
      p.op = {static_cast<u8>(0xF6 | (sz != 8))};
      p.modrm = true;
      p.reg = sgn ? 7 : 6;
      p.rm = dr;
      if (sz == 8) p.bytes = kByteRm;
      flags(ALL, ALL);
      break;
    }
    case kBt: {  // 0F A3/AB/B3/BB (register bit base only), 0F BA /4-7 ib
      const u32 sz = size_wide(), op = r(4);
      opsize(p, sz);
      if (r(2)) {
        p.op = {0x0F, static_cast<u8>(0xA3 | op << 3)};
        reg_operand(p, sz);
        rm_reg(p, sz);
      } else {
        p.op = {0x0F, 0xBA};
        p.modrm = true;
        p.reg = static_cast<u8>(4 + op);
        rm_any(p, sz);
        imm(p, bits(), 1);
        p.lock = p.rm_mem && op != 0 && one_in(4);
      }
      flags(CF, OF | SF | AF | PF);
      break;
    }
    case kBsf: {  // OR the source with a nonzero imm, then BSF/BSR: a zero source leaves
                  // the destination undefined (Intel) or unchanged (AMD), so it never occurs
      const u32 sz = size_wide();
      u32 v = static_cast<u32>(bits());
      if (one_in(2)) v &= (1u << r(16)) | (1u << r(16));
      if ((v & (sz == 16 ? 0xFFFFu : 0xFFFF'FFFFu)) == 0) v = 0x100;
      Parts o;
      opsize(o, sz);
      o.op = {0x81};
      o.modrm = true;
      o.reg = 1;
      rm_any(o, sz);
      imm(o, v, sz == 16 ? 2 : 4);
      flags(ALL, AF);
      prelude(o);
      p = o;
      p.op = {0x0F, static_cast<u8>(0xBC | r(2))};
      p.imm.clear();
      p.reg = gp();
      flags(ALL, ALL & ~ZF);
      break;
    }
    case kMovx: {  // 0F B6/BE r16/32/64, r/m8; 0F B7/BF r32/64, r/m16
      const bool word = r(2), sx = r(2);
      const u32 dsz = word ? 32u << r(2) : size_wide();
      opsize(p, dsz);
      p.op = {0x0F, static_cast<u8>((word ? 0xB7 : 0xB6) | (sx ? 8 : 0))};
      reg_operand(p, dsz);
      rm_any(p, word ? 16 : 8);
      break;
    }
    case kMovsxd: {  // REX.W 63 /r (without REX.W it is a discouraged MOV: left out)
      p.w = true;
      p.op = {0x63};
      reg_operand(p, 64);
      rm_any(p, 32);
      break;
    }
    case kCmov: {  // 0F 40+cc: a 32-bit CMOV zero-extends its destination even when false
      const u32 sz = size_wide(), cc = r(16);
      need(cc_flags(cc));
      opsize(p, sz);
      p.op = {0x0F, static_cast<u8>(0x40 | cc)};
      reg_operand(p, sz);
      rm_any(p, sz);
      break;
    }
    case kSetcc: {
      const u32 cc = r(16);
      need(cc_flags(cc));
      p.op = {0x0F, static_cast<u8>(0x90 | cc)};
      p.modrm = true;
      rm_any(p, 8);
      break;
    }
    case kBswap: {  // 0F C8+r, 32 and 64 bits (16 bits is undefined)
      p.w = r(2);
      p.op = {0x0F, 0xC8};
      p.opreg = gp();
      break;
    }
    case kXadd: case kCmpxchg: {  // 0F C0/C1, 0F B0/B1
      const u32 sz = size();
      opsize(p, sz);
      p.op = {0x0F, static_cast<u8>((e.group == kXadd ? 0xC0 : 0xB0) | (sz != 8))};
      reg_operand(p, sz);
      rm_any(p, sz);
      p.lock = p.rm_mem && one_in(3);
      flags(ALL, 0);
      break;
    }
    case kShld: {  // 0F A4/AC ib, 0F A5/AD by CL
      const u32 sz = size_wide();
      const bool cl = r(2), right = r(2);
      u32 c = 0;
      // A 16-bit count above 16 leaves the result undefined (SDM Vol. 2B SHLD).
      do { c = one_in(3) ? r(70) : r(256); } while (sz == 16 && (c & 31) > 16);
      if (cl) {
        Parts m;
        m.op = {0xB1};
        imm(m, c, 1);
        prelude(m);
      }
      opsize(p, sz);
      p.op = {0x0F, static_cast<u8>((right ? 0xAC : 0xA4) | cl)};
      reg_operand(p, sz);
      rm_any(p, sz);
      if (!cl) imm(p, c, 1);
      const u32 m = c & (sz == 64 ? 63 : 31);
      if (m) flags(ALL, AF | (m == 1 ? 0 : OF));
      break;
    }
    case kMov: {  // 88-8B, C6/C7 (imm32 sign-extended with REX.W)
      const u32 sz = size();
      opsize(p, sz);
      if (r(3)) {
        p.op = {static_cast<u8>(0x88 | r(2) << 1 | (sz != 8))};
        reg_operand(p, sz);
        rm_any(p, sz, 2);
      } else {
        p.op = {static_cast<u8>(0xC6 | (sz != 8))};
        p.modrm = true;
        rm_any(p, sz, 2);
        imm(p, bits(), std::min(sz, 32u) / 8);
      }
      break;
    }
    case kMovImm: {  // B0+r ib, B8+r iw/id/io (REX.W: a full imm64)
      const u32 sz = size();
      opsize(p, sz);
      p.op = {static_cast<u8>(sz == 8 ? 0xB0 : 0xB8)};
      p.opreg = sz == 8 ? gp8() : gp();
      if (sz == 8) p.bytes = kByteOpreg;
      imm(p, v_.intv(sz / 8) ^ (one_in(2) ? bits() : 0), sz / 8);
      break;
    }
    case kMoffs: {  // A0-A3: the accumulator and an absolute moffs64 (moffs32 with 67)
      const u32 sz = size();
      opsize(p, sz);
      p.op = {static_cast<u8>(0xA0 | r(2) << 1 | (sz != 8))};
      p.a32 = one_in(4);
      imm(p, kData + r(0x180), p.a32 ? 4 : 8);
      break;
    }
    case kLea: {  // 8D: any registers, 64- or 32-bit address size, 16/32/64-bit destination
      const u32 sz = size_wide();
      opsize(p, sz);
      p.op = {0x8D};
      reg_operand(p, sz);
      rm_raw_address(p);
      break;
    }
    case kCbw: {  // 98 CBW/CWDE/CDQE, 99 CWD/CDQ/CQO
      opsize(p, size_wide());
      p.op = {static_cast<u8>(0x98 | r(2))};
      break;
    }
    case kXchg: {  // 86/87, 90+r (90 without REX.B is NOP: it does not zero-extend)
      if (r(3)) {
        const u32 sz = size();
        opsize(p, sz);
        p.op = {static_cast<u8>(0x86 | (sz != 8))};
        reg_operand(p, sz);
        rm_any(p, sz);
      } else {
        opsize(p, size_wide());
        p.op = {0x90};
        p.opreg = gp();
      }
      break;
    }
    case kPushPop: {  // 50+r, 58+r, FF /6, 8F /0, 6A, 68 (64-bit, or 16-bit with 66)
      // The pushes stay within the window: at most A0h bytes below the
      // initial RSP, at most 16 bytes above it.
      const bool o16 = one_in(6);
      const int n = o16 ? 2 : 8;
      bool push = depth_ + n > 0xA0 ? false : depth_ - n < -16 ? true : r(2) != 0;
      p.o16 = o16;
      p.w = !o16 && one_in(8);  // REX.W changes nothing here
      if (push) {
        switch (r(3)) {
          case 0: p.op = {0x50}; p.opreg = static_cast<int>(r(16)); break;  // RSP too: pushes its old value
          case 1: p.op = {0xFF}; p.modrm = true; p.reg = 6; rm_any(p, 64); break;
          default:
            if (r(2)) { p.op = {0x6A}; imm(p, bits(), 1); }
            else { p.op = {0x68}; imm(p, bits(), o16 ? 2 : 4); }
            break;
        }
        depth_ += n;
      } else {
        if (r(2)) { p.op = {0x58}; p.opreg = gp(); }
        else { p.op = {0x8F}; p.modrm = true; p.reg = 0; rm_any(p, 64, 2); }
        depth_ -= n;
      }
      break;
    }
    case kPushfPopf: {
      if (r(2) || depth_ > 0x90) {  // PUSH imm32 (a flags image with TF, AC clear), POPFQ
        Parts m;
        m.op = {0x68};
        imm(m, 0x202 | (bits() & ALL) | (one_in(4) ? kDF : 0), 4);
        prelude(m);
        p.op = {0x9D};
        flags(ALL, 0);
      } else {  // PUSHFQ / PUSHF (66): the image holds every flag, so all must be defined
        need(ALL);
        p.o16 = one_in(4);
        p.op = {0x9C};
        depth_ += p.o16 ? 2 : 8;
      }
      break;
    }
    case kString: {  // MOVS CMPS STOS LODS SCAS, REP/REPE/REPNE, small counts, either direction
      static constexpr u8 kOps[5] = {0xA4, 0xA6, 0xAA, 0xAC, 0xAE};
      const u8 op = kOps[r(5)];
      const bool cmp = op == 0xA6 || op == 0xAE;
      const u32 sz = size(), rep = r(3), count = r(7);
      if (op == 0xA4 || op == 0xA6) mov_imm32(6, static_cast<u32>(kData + 0x40 + r(0xC0)));  // RSI
      if (op != 0xAC) mov_imm32(7, static_cast<u32>(kData + 0x40 + r(0xC0)));               // RDI
      if (op == 0xAC) mov_imm32(6, static_cast<u32>(kData + 0x40 + r(0xC0)));
      if (rep) mov_imm32(1, count);
      opsize(p, sz);
      p.op = {static_cast<u8>(op | (sz != 8))};
      p.mand = rep == 0 ? 0 : (rep == 2 && cmp) ? 0xF2 : 0xF3;
      p.a32 = one_in(4);  // RSI/RDI/RCX as ESI/EDI/ECX
      if (cmp && (rep == 0 || count > 0)) flags(ALL, 0);
      break;
    }
    case kCmpxchgNb: {  // 0F C7 /1: CMPXCHG8B m64, REX.W CMPXCHG16B m128 (16-byte aligned)
      const bool wide = r(2);
      p.w = wide;
      p.op = {0x0F, 0xC7};
      p.reg = 1;
      rm_memory(p, wide ? 16 : 8, wide);
      p.lock = one_in(2);
      if (r(2)) {  // load RDX:RAX from the operand: the exchange succeeds
        const i32 half = wide ? 8 : 4;
        for (int k = 0; k < 2; ++k) {
          Parts m = p;
          m.lock = false;
          m.op = {0x8B};
          m.reg = k == 0 ? 0 : 2;
          if (k == 1) {
            if (m.mem.kind == Mem::Kind::Rip) m.mem.target += static_cast<u64>(half);
            else m.mem.disp += half;
          }
          prelude(m);
        }
      }
      flags(ZF, 0);
      break;
    }
    case kLahf: {
      if (r(2)) {
        need(CF | PF | AF | ZF | SF);
        p.op = {0x9F};
      } else {
        p.op = {0x9E};
        flags(CF | PF | AF | ZF | SF, 0);
      }
      break;
    }
    case kFlagOps: {  // CLC STC CMC CLD STD
      static constexpr u8 kOps[5] = {0xF8, 0xF9, 0xF5, 0xFC, 0xFD};
      const u8 op = kOps[r(5)];
      if (op == 0xF5) need(CF);
      p.op = {op};
      if (op < 0xFC) flags(CF, 0);
      break;
    }
    case kNop: {  // 0F 1F /0 (any address: never accessed), 90, 66 90
      if (r(3)) {
        opsize(p, 16u << r(2));
        p.op = {0x0F, 0x1F};
        p.reg = 0;
        rm_raw_address(p);
      } else {
        p.o16 = r(2);
        p.op = {0x90};
      }
      break;
    }
    case kJmp: {  // Jcc rel8/rel32, JMP rel8/rel32, JMP r64 (FF /4) over an instruction
      // No 66 prefix: Intel ignores it on near branches in 64-bit mode, AMD
      // truncates RIP to 16 bits (SDM Vol. 2A JMP/Jcc; AMD APM Vol. 3).
      const u32 kind = r(5);
      if (kind == 4) {
        const u8 t = gp();
        mov_imm32(t, 0);
        const std::size_t mov = prog_->seq.insns.size() - 1;
        p.op = {0xFF};
        p.modrm = true;
        p.reg = 4;
        p.rm = t;
        emit(p, name);
        prog_->cut_ok.back() = false;  // its target is past the filler
        filler();
        patch(mov, at_, 4);
        return;
      }
      if (kind < 2) {
        const u32 cc = r(16);
        need(cc_flags(cc));
        p.op = kind == 0 ? std::vector<u8>{static_cast<u8>(0x70 | cc)} : std::vector<u8>{0x0F, static_cast<u8>(0x80 | cc)};
        imm(p, 0, kind == 0 ? 1 : 4);
      } else {
        p.op = {static_cast<u8>(kind == 2 ? 0xEB : 0xE9)};
        imm(p, 0, kind == 2 ? 1 : 4);
      }
      emit(p, name);
      prog_->cut_ok.back() = false;
      const std::size_t br = prog_->seq.insns.size() - 1;
      const u64 from = at_;
      filler();
      patch(br, at_ - from, kind == 0 || kind == 2 ? 1 : 4);
      return;
    }
    case kCallRet: {  // CALL rel32 / CALL r64 to the next instruction, then POP; PUSH label, RET [imm16]
      if (depth_ + 16 > 0xA0) {
        p.op = {0x90};
        break;
      }
      const u32 kind = r(4);
      if (kind < 2) {
        u8 t = 0;
        std::size_t mov = 0;
        if (kind == 1) {
          t = gp();
          mov_imm32(t, 0);
          mov = prog_->seq.insns.size() - 1;
          p.op = {0xFF};
          p.modrm = true;
          p.reg = 2;
          p.rm = t;
        } else {
          p.op = {0xE8};
          imm(p, 0, 4);
        }
        emit(p, name);  // pushes the address of the next instruction, 64 bits
        if (kind == 1) patch(mov, at_, 4);
        Parts q;
        q.op = {0x58};
        q.opreg = gp();
        prelude(q);
        return;
      }
      const bool extra = kind == 3;  // RET imm16: pops 8 more bytes
      Parts x;
      x.op = {0x68};
      if (extra) {
        imm(x, bits(), 4);
        prelude(x);
        x.imm.clear();
      }
      imm(x, 0, 4);
      prelude(x);
      const std::size_t push = prog_->seq.insns.size() - 1;
      p.op = {static_cast<u8>(extra ? 0xC2 : 0xC3)};
      if (extra) imm(p, 8, 2);
      emit(p, name);
      patch(push, at_, 4);
      return;
    }
    case kLoop: {  // LOOPNE LOOPE LOOP JRCXZ (E0-E3) over an instruction; 67: ECX
      const u8 op = static_cast<u8>(0xE0 + r(4));
      if (op < 0xE2) need(ZF);
      p.op = {op};
      p.a32 = one_in(3);
      imm(p, 0, 1);
      emit(p, name);
      prog_->cut_ok.back() = false;
      const std::size_t br = prog_->seq.insns.size() - 1;
      const u64 from = at_;
      filler();
      patch(br, at_ - from, 1);
      return;
    }
    default:
      return;
  }
  emit(p, name);
}

void Generator::filler() {
  // Whether a branch skipped it or not, the flags defined before stay
  // defined and no other one becomes so: the mask stays as it is.
  Parts f;
  const u32 sz = size_wide();
  opsize(f, sz);
  switch (r(4)) {
    case 0: f.op = {0xB8}; f.opreg = gp(); imm(f, bits(), sz / 8); break;                          // MOV r, imm
    case 1: f.op = {0x01}; f.modrm = true; f.reg = gp(); f.rm = gp(); break;                        // ADD
    case 2: f.op = {0xF7}; f.modrm = true; f.reg = 2; f.rm = gp(); break;                          // NOT
    default: f.op = {0xFF}; f.modrm = true; f.reg = 0; f.rm = gp(); break;                        // INC
  }
  prelude(f);
}

void Generator::patch(std::size_t insn, u64 value, unsigned bytes) {
  std::vector<u8>& b = prog_->seq.insns[insn].bytes;
  for (unsigned i = 0; i < bytes; ++i) b[b.size() - bytes + i] = static_cast<u8>(value >> (8 * i));
}

// ---- SIMD forms

void Generator::simd(const Entry& e) {
  using S = Shape;
  const Form& f = *e.form;
  if ((f.flags & simd_oracle::fx::kLenRegs) && r(4) != 0) {  // PCMPESTRx lengths in RAX/RDX
    mov_imm32(0, static_cast<u32>(static_cast<i32>(r(41)) - 20));
    mov_imm32(2, static_cast<u32>(static_cast<i32>(r(41)) - 20));
  }
  if (f.shape == S::MaskDQ) mov_imm32(7, static_cast<u32>(kData + r(kMemBytes - 0x20)));  // MASKMOVDQU writes [RDI]
  Parts p;
  p.mand = f.prefix;
  if ((f.flags & simd_oracle::fx::kOpsize16) && one_in(3)) p.o16 = true;
  if (f.op >= 0x100) p.op.push_back(0x0F);
  if ((f.op & 0x300) == 0x200) p.op.push_back(0x38);
  if ((f.op & 0x300) == 0x300) p.op.push_back(0x3A);
  p.op.push_back(static_cast<u8>(f.op & 0xFF));
  p.modrm = true;
  const bool can_mem = f.mem > 0 && one_in(3);
  auto xmm_or_mem = [&] {
    if (can_mem) rm_memory(p, f.mem, f.aligned);
    else p.rm = static_cast<u8>(r(16));
  };
  auto gpr_or_mem = [&] {
    if (can_mem) rm_memory(p, f.mem, false);
    else p.rm = gp();
  };
  // REX.W changes nothing in forms without a GPR operand, nor in those
  // whose GPR destination is zero-extended anyway (SDM Vol. 2B PEXTRB/W,
  // EXTRACTPS, PMOVMSKB, MOVMSKPS).
  bool w_neutral = false;
  switch (f.shape) {
    case S::VW: case S::WV: p.reg = static_cast<u8>(r(16)); xmm_or_mem(); w_neutral = true; break;
    case S::VM: case S::MV: p.reg = static_cast<u8>(r(16)); rm_memory(p, f.mem, f.aligned); w_neutral = true; break;
    case S::VU: case S::MaskDQ: p.reg = static_cast<u8>(r(16)); p.rm = static_cast<u8>(r(16)); w_neutral = true; break;
    case S::UI: p.reg = static_cast<u8>(f.ext); p.rm = static_cast<u8>(r(16)); w_neutral = true; break;
    case S::VE: p.reg = static_cast<u8>(r(16)); gpr_or_mem(); break;
    case S::EV:
      p.reg = static_cast<u8>(r(16));
      gpr_or_mem();
      w_neutral = f.name == "PEXTRB" || f.name == "PEXTRW(0F3A)" || f.name == "EXTRACTPS";
      break;
    case S::GU: p.reg = gp(); p.rm = static_cast<u8>(r(16)); w_neutral = true; break;
    case S::GW: p.reg = gp(); xmm_or_mem(); break;
    case S::GE:
      p.reg = gp();
      if (can_mem) rm_memory(p, f.mem, false);
      else if (f.mem == 1) { p.rm = gp8(); p.bytes = kByteRm; }  // CRC32 r, r/m8: SPL-DIL with a REX, AH-BH without
      else p.rm = gp();
      break;
    case S::ME: p.reg = gp(); rm_memory(p, f.mem, false); break;
    case S::Mem: p.reg = static_cast<u8>(f.ext); rm_memory(p, f.mem, false); w_neutral = true; break;
    case S::Ldmxcsr: {
      p.reg = static_cast<u8>(f.ext);
      rm_memory(p, 4, false);
      Parts m = p;  // MOV dword [m], a valid MXCSR
      m.mand = 0;
      m.o16 = false;
      m.op = {0xC7};
      m.reg = 0;
      imm(m, v_.mxcsr(unmasked_), 4);
      prelude(m);
      break;
    }
    case S::Fixed:  // the opcode alone, or ModR/M 11 ext 000 (the fences)
      if (f.ext >= 0) { p.reg = static_cast<u8>(f.ext); p.rm = 0; }
      else p.modrm = false;
      break;
    default:
      return;  // MMX and x87 shapes: not in the 64-bit menu
  }
  p.w = e.rex_w || (w_neutral && one_in(4));
  switch (f.imm) {
    case Imm::None: break;
    case Imm::Any: imm(p, bits(), 1); break;
    case Imm::Cmp: imm(p, one_in(8) ? bits() : r(8), 1); break;
    case Imm::Shift: imm(p, one_in(3) ? bits() : r(r(2) ? 17 : 70), 1); break;
    case Imm::Round: imm(p, r(16), 1); break;
  }
  if (writes_flags(f.name)) flags(ALL, 0);
  emit(p, e.name);
}

// ---- sequences

void Generator::next(Program& prog, State& in) {
  prog.seq.insns.clear();
  prog.flag_mask.clear();
  prog.cut_ok.clear();
  prog.may_fault = false;
  prog_ = &prog;
  at_ = kSeq;
  depth_ = 0;
  defined_ = ALL;
  // The base and index registers: never RSP, nor a register some
  // instruction writes implicitly (RAX RCX RDX RSI RDI).
  static constexpr u8 kPinned[10] = {3, 5, 8, 9, 10, 11, 12, 13, 14, 15};
  base_ = kPinned[r(10)];
  do { index_ = kPinned[r(10)]; } while (index_ == base_);
  index_val_ = r(4);

  std::vector<Val> hints;
  const u32 count = 5 + r(16);
  const bool with_listed = !listed_.empty() && (unlisted_.empty() || r(2) == 0);
  const u32 listed_at = with_listed ? r(count) : count;
  for (u32 k = 0; k < count; ++k) {
    const auto& pool = (k == listed_at || unlisted_.empty()) ? listed_ : unlisted_;
    const Entry& e = *pool[r(static_cast<u32>(pool.size()))];
    if (e.form) {
      hints.push_back(e.form->val);
      simd(e);
    } else {
      hints.push_back(Val::Int);
      integer(e);
    }
  }

  auto flavor = [&] { return r(5) < 3 ? hints[r(static_cast<u32>(hints.size()))] : static_cast<Val>(r(4)); };
  in = State{};
  for (auto& x : in.xmm) {
    if (one_in(4)) {
      v_.fill(x.data(), 8, flavor());
      v_.fill(x.data() + 8, 8, flavor());
    } else {
      v_.fill(x.data(), 16, flavor());
    }
  }
  for (u64& g : in.gpr) {
    switch (r(8)) {
      case 0: g = v_.intv(8); break;
      case 1: g = static_cast<u64>(static_cast<i64>(static_cast<i32>(v_.intv(4)))); break;  // sign-extended
      case 2: g = v_.intv(4); break;                                                          // zero-extended
      case 3: g = v_.f64v(); break;
      case 4: g = static_cast<u64>(static_cast<i64>(r(41)) - 20); break;
      case 5: g = v_.f32v(); break;
      default: g = bits(); break;
    }
  }
  in.gpr[4] = kStackTop;
  in.gpr[base_] = kBase;
  in.gpr[index_] = index_val_;
  in.rflags = (bits() & ALL) | (one_in(8) ? kDF : 0);
  in.mxcsr = v_.mxcsr(unmasked_);
  for (unsigned i = 0; i < kMemBytes; i += 16) v_.fill(in.mem.data() + i, 16, flavor());
  prog_ = nullptr;
}

}  // namespace gb::oracle64
