// x87 dispatch (the D8-DF opcode map, SDM Vol. 2D Tables A-7..A-22),
// arithmetic, comparisons and register-stack operations (SDM Vol. 2 FADD
// .. FXCH; Vol. 1 8.3, 8.5).
#include "cpu/ops/x87.hpp"

#include "cpu/ops/misc.hpp"
#include "cpu/ops/x87_insns.hpp"

namespace gb::x87 {

void Exec::finish() {
  f.fsw |= env.flags;
  const bool c1 = c1_override ? c1_value : c1_keep ? (f.fsw & fsw::kC1) != 0 : env.c1;
  f.fsw = static_cast<u16>(c1 ? f.fsw | fsw::kC1 : f.fsw & ~fsw::kC1);
  f.update_es();
  // P6 family: FERR# goes up when the faulting instruction completes (SDM
  // Vol. 3A, IA-32 Architecture Compatibility, "Assertion of the FERR#
  // Pin"); the 486 and Pentium assert it when they freeze at the next
  // waiting instruction (check_pending).
  if (f.pending() && !(cpu.state().cr0 & 0x20) && cpu.model().at_least(CpuFamily::p6)) cpu.set_ferr(true);
}

// ------------------------------------------------------------ arithmetic

namespace {

/// ModR/M.reg of D8/DC/DA/DE: 0 add, 1 mul, 4 x-y, 5 y-x, 6 x/y, 7 y/x,
/// with x = ST(0) and y the other operand (for DC/DE, where ST(i) is the
/// destination, the SDM names 4 FSUBR and 5 FSUB; the arithmetic is the same).
Float80 compute(unsigned reg, const Unpacked& x, const Unpacked& y, fpu::Env& env) {
  switch (reg) {
    case 0: return fpu::add(x, y, env);
    case 1: return fpu::mul(x, y, env);
    case 4: return fpu::sub(x, y, env);
    case 5: return fpu::sub(y, x, env);
    case 6: return fpu::div(x, y, env);
    default: return fpu::div(y, x, env);
  }
}

/// The memory operand of D8 (m32fp), DC (m64fp), DA (m32int), DE (m16int).
Unpacked mem_operand(Exec& x) {
  switch (x.d.opcode) {
    case 0xD8: return fpu::unpack_f32(x.read32());
    case 0xDC: return fpu::unpack_f64(x.read64());
    case 0xDA: return fpu::unpack_int(static_cast<i32>(x.read32()));
    default: return fpu::unpack_int(static_cast<i16>(x.read16()));
  }
}

/// dest = ST(0) op y (or y op ST(0)); `ready`: the operands were present.
void arith(Exec& x, unsigned dest, bool ready, const Unpacked& y, bool pop) {
  if (!ready) {
    if (x.stack_fault(false)) {
      x.put(dest, fpu::kIndefinite);
      if (pop) x.pop();
    }
    x.finish();
    return;
  }
  const Float80 r = compute(x.d.reg(), x.op(0), y, x.env);
  if (!x.aborted()) {
    x.put(dest, r);
    if (pop) x.pop();
  }
  x.finish();
}

}  // namespace

void arith_mem(Exec& x) {
  const Unpacked y = mem_operand(x);
  arith(x, 0, !x.empty(0), y, false);
}

void arith_st0_sti(Exec& x) {
  const unsigned i = x.rm();
  arith(x, 0, !x.empty(0) && !x.empty(i), x.op(i), false);
}

void arith_sti_st0(Exec& x) {
  const unsigned i = x.rm();
  arith(x, i, !x.empty(0) && !x.empty(i), x.op(i), false);
}

void arith_sti_st0_pop(Exec& x) {
  const unsigned i = x.rm();
  arith(x, i, !x.empty(0) && !x.empty(i), x.op(i), true);
}

void fsqrt(Exec& x) {
  if (x.empty(0)) {
    if (x.stack_fault(false)) x.put(0, fpu::kIndefinite);
  } else {
    const Float80 r = fpu::sqrt(x.op(0), x.env);
    if (!x.aborted()) x.put(0, r);
  }
  x.finish();
}

void frndint(Exec& x) {
  if (x.empty(0)) {
    if (x.stack_fault(false)) x.put(0, fpu::kIndefinite);
  } else {
    const Float80 r = fpu::round_to_int(x.op(0), x.env);
    if (!x.aborted()) x.put(0, r);
  }
  x.finish();
}

// ----------------------------------------------------------- comparisons

namespace {

/// Compares ST(0) with `b` and pops `pops` times: C3 C2 C0 = 000 greater,
/// 001 less, 100 equal, 111 unordered (SDM Vol. 2 FCOM), C1 = 0.
void compare(Exec& x, bool ready, const Unpacked& b, bool quiet, unsigned pops) {
  // The codes are written even with an unmasked IE (stack faults included;
  // observed on Intel hardware); only the pops are then skipped.
  fpu::Order o = fpu::Order::Unordered;
  if (!ready) {
    x.stack_fault(false);
  } else {
    o = fpu::compare(x.op(0), b, quiet, x.env);
  }
  x.set_c320(o == fpu::Order::Equal || o == fpu::Order::Unordered, o == fpu::Order::Unordered,
             o == fpu::Order::Less || o == fpu::Order::Unordered);
  x.set_c1(false);
  if (!x.aborted()) {
    for (unsigned n = 0; n < pops; ++n) x.pop();
  }
  x.finish();
}

}  // namespace

void compare_mem(Exec& x) {
  const Unpacked b = mem_operand(x);
  compare(x, !x.empty(0), b, false, x.d.reg() == 3 ? 1 : 0);
}

void fcom_sti(Exec& x) { compare(x, !x.empty(0) && !x.empty(x.rm()), x.op(x.rm()), false, 0); }
void fcomp_sti(Exec& x) { compare(x, !x.empty(0) && !x.empty(x.rm()), x.op(x.rm()), false, 1); }
void fcompp(Exec& x) { compare(x, !x.empty(0) && !x.empty(1), x.op(1), false, 2); }
void fucom_sti(Exec& x) { compare(x, !x.empty(0) && !x.empty(x.rm()), x.op(x.rm()), true, 0); }
void fucomp_sti(Exec& x) { compare(x, !x.empty(0) && !x.empty(x.rm()), x.op(x.rm()), true, 1); }
void fucompp(Exec& x) { compare(x, !x.empty(0) && !x.empty(1), x.op(1), true, 2); }

void ftst(Exec& x) { compare(x, !x.empty(0), Unpacked{}, false, 0); }

void fcomi(Exec& x) {
  // DB E8+i FUCOMI, DB F0+i FCOMI, DF E8+i FUCOMIP, DF F0+i FCOMIP: ZF PF CF
  // = 000 greater, 001 less, 100 equal, 111 unordered; OF SF AF cleared
  // (SDM Vol. 2 FCOMI).
  const unsigned i = x.rm();
  const bool quiet = x.d.reg() == 5;
  const bool pop = x.d.opcode == 0xDF;
  fpu::Order o = fpu::Order::Unordered;
  if (x.empty(0) || x.empty(i)) {
    x.stack_fault(false);
  } else {
    // The flags are written even when an unmasked IE is raised, stack
    // faults included (observed on Intel hardware); C1 changes only on a
    // stack fault.
    o = fpu::compare(x.op(0), x.op(i), quiet, x.env);
    x.c1_keep = true;
  }
  u32 fl = 0;
  if (o == fpu::Order::Equal || o == fpu::Order::Unordered) fl |= fl::ZF;
  if (o == fpu::Order::Unordered) fl |= fl::PF;
  if (o == fpu::Order::Less || o == fpu::Order::Unordered) fl |= fl::CF;
  x.cpu.state().flags.set_all(fl);
  if (pop && !x.aborted()) x.pop();
  x.finish();
}

void fxam(Exec& x) {
  // C3 C2 C0 (SDM Vol. 2 FXAM): 000 unsupported, 001 NaN, 010 normal,
  // 011 infinity, 100 zero, 101 empty, 110 denormal; C1 = the sign.
  const Float80& v = x.st(0);
  bool c3, c2, c0;
  if (x.empty(0)) {
    c3 = true, c2 = false, c0 = true;
  } else {
    switch (fpu::classify(v)) {
      case fpu::Class::Unsupported: c3 = false, c2 = false, c0 = false; break;
      case fpu::Class::QNaN:
      case fpu::Class::SNaN: c3 = false, c2 = false, c0 = true; break;
      case fpu::Class::Normal: c3 = false, c2 = true, c0 = false; break;
      case fpu::Class::Infinity: c3 = false, c2 = true, c0 = true; break;
      case fpu::Class::Zero: c3 = true, c2 = false, c0 = false; break;
      default: c3 = true, c2 = true, c0 = false; break;  // denormal
    }
  }
  x.set_c320(c3, c2, c0);
  x.set_c1(v.sign());
  x.finish();
}

// ------------------------------------------------------ register moves

void fld_sti(Exec& x) {
  const unsigned i = x.rm();
  if (x.empty(i)) {
    // Underflow wins over a full stack: C1 = 0 (observed on Intel hardware).
    if (x.stack_fault(false)) {
      x.f.set_top(x.f.top() - 1);
      x.put(0, fpu::kIndefinite);
    }
  } else {
    x.push(x.st(i));
  }
  x.finish();
}

void fst_sti(Exec& x) {
  if (x.empty(0)) {
    if (x.stack_fault(false)) x.put(x.rm(), fpu::kIndefinite);
  } else {
    x.put(x.rm(), x.st(0));
    x.set_c1(false);
  }
  x.finish();
}

void fstp_sti(Exec& x) {
  if (x.empty(0)) {
    if (x.stack_fault(false)) {
      x.put(x.rm(), fpu::kIndefinite);
      x.pop();
    }
  } else {
    x.put(x.rm(), x.st(0));
    x.set_c1(false);
    x.pop();
  }
  x.finish();
}

void fstp1_sti(Exec& x) {
  // D9 D8+i, the undocumented alias of FSTP ST(i): on Intel hardware an
  // empty ST(0) raises nothing, stores nothing and is popped; C1 = 0
  // (observed).
  if (x.empty(0)) {
    x.pop();
    x.finish();
    return;
  }
  fstp_sti(x);
}

void fxch(Exec& x) {
  const unsigned i = x.rm();
  if (x.empty(0) || x.empty(i)) {
    // Masked response: the empty register(s) take the real indefinite, then
    // the exchange happens (SDM Vol. 2 FXCH).
    if (!x.stack_fault(false)) {
      x.finish();
      return;
    }
    if (x.empty(0)) x.put(0, fpu::kIndefinite);
    if (x.empty(i)) x.put(i, fpu::kIndefinite);
  } else {
    x.set_c1(false);
  }
  const Float80 t = x.st(0);
  x.st(0) = x.st(i);
  x.st(i) = t;
  x.finish();
}

void fcmov(Exec& x) {
  // DA: B, E, BE, U; DB: NB, NE, NBE, NU (SDM Vol. 2 FCMOVcc).
  const LazyFlags& fl = x.cpu.state().flags;
  bool cond;
  switch (x.d.reg() & 3) {
    case 0: cond = fl.cf(); break;
    case 1: cond = fl.zf(); break;
    case 2: cond = fl.cf() || fl.zf(); break;
    default: cond = fl.pf(); break;
  }
  if (x.d.opcode == 0xDB) cond = !cond;
  const unsigned i = x.rm();
  if (x.empty(0) || x.empty(i)) {
    // Masked: ST(0) gets the real indefinite whatever the condition.
    if (x.stack_fault(false)) x.put(0, fpu::kIndefinite);
  } else {
    x.c1_keep = true;
    if (cond) x.put(0, x.st(i));
  }
  x.finish();
}

void fnop(Exec& x) {
  x.c1_keep = true;
  x.finish();
}

void fchs(Exec& x) {
  if (x.empty(0)) {
    if (x.stack_fault(false)) x.put(0, fpu::kIndefinite);
  } else {
    x.st(0).se ^= 0x8000;
    x.set_c1(false);
  }
  x.finish();
}

void fabs(Exec& x) {
  if (x.empty(0)) {
    if (x.stack_fault(false)) x.put(0, fpu::kIndefinite);
  } else {
    x.st(0).se &= 0x7FFF;
    x.set_c1(false);
  }
  x.finish();
}

void fld_const(Exec& x) {
  // The constants to 128 bits, rounded per RC without PE (SDM Vol. 1
  // 8.3.8; the x87 rounds its 66-bit-or-better internal values, which for
  // these constants gives the correctly rounded value in every mode).
  struct Const {
    u16 exp;
    u64 sig, rest;
  };
  static constexpr Const kConsts[7] = {
      {0x3FFF, 0x8000'0000'0000'0000u, 0},                       // FLD1
      {0x4000, 0xD49A'784B'CD1B'8AFEu, 0x492B'F6FF'4DAF'DB4Cu},  // FLDL2T log2(10)
      {0x3FFF, 0xB8AA'3B29'5C17'F0BBu, 0xBE87'FED0'691D'3E88u},  // FLDL2E log2(e)
      {0x4000, 0xC90F'DAA2'2168'C234u, 0xC4C6'628B'80DC'1CD1u},  // FLDPI
      {0x3FFD, 0x9A20'9A84'FBCF'F798u, 0x8F89'59AC'0B7C'9178u},  // FLDLG2 log10(2)
      {0x3FFE, 0xB172'17F7'D1CF'79ABu, 0xC9E3'B398'03F2'F6AFu},  // FLDLN2 ln(2)
      {0, 0, 0},                                                 // FLDZ
  };
  const Const& k = kConsts[x.rm()];
  Float80 v{};
  if (k.sig != 0) {
    fpu::Env e = x.env;  // the rounding only; no flags
    e.masks = exc::kAll;
    v = fpu::round_pack_prec(false, k.exp, k.sig, k.rest, 64, e);
  }
  x.push(v);
  x.finish();
}

void fdecstp(Exec& x) {
  x.f.set_top(x.f.top() - 1);
  x.set_c1(false);
  x.finish();
}

void fincstp(Exec& x) {
  x.f.set_top(x.f.top() + 1);
  x.set_c1(false);
  x.finish();
}

void ffree(Exec& x) {
  x.f.set_full(x.rm(), false);
  x.finish();
}

void ffreep(Exec& x) {
  x.f.set_full(x.rm(), false);
  x.pop();
  x.finish();
}

// --------------------------------------------------------------- dispatch

namespace {

enum class Kind : u8 {
  Undefined,  ///< #UD, with no check for pending exceptions (SDM Vol. 3A, IA-32
              ///< Architecture Compatibility, "FPU Error Signals")
  Normal,     ///< waiting; records FIP/FCS/FOP (and FDP/FDS for memory)
  Control,    ///< waiting; the pointers stay (FLDCW, FLDENV, FRSTOR)
  NoWait,     ///< FNINIT, FNCLEX, FNSTENV, FNSAVE, FNSTSW, FNSTCW, FNENI..
};

struct Entry {
  void (*fn)(Exec&) = nullptr;
  Kind kind = Kind::Undefined;
};

constexpr Entry N(void (*fn)(Exec&)) { return {fn, Kind::Normal}; }
constexpr Entry C(void (*fn)(Exec&)) { return {fn, Kind::Control}; }
constexpr Entry W(void (*fn)(Exec&)) { return {fn, Kind::NoWait}; }
constexpr Entry U{};

Entry lookup_mem(const CpuModel& m, unsigned op, unsigned reg) {
  // /1 of DB, DD and DF is FISTTP on SSE3 models, undefined before.
  const bool sse3 = m.has(Isa::Sse3);
  switch (op) {
    case 0:
    case 2:
    case 4:
    case 6: return N(reg == 2 || reg == 3 ? compare_mem : arith_mem);
    case 1: {
      constexpr Entry t[8] = {N(fld_m32), U, N(fst_m32), N(fst_m32), C(fldenv), C(fldcw), W(fnstenv), W(fnstcw)};
      return t[reg];
    }
    case 3: {
      constexpr Entry t[8] = {N(fild_m32), U, N(fist_m32), N(fist_m32), U, N(fld_m80), U, N(fstp_m80)};
      return reg == 1 && sse3 ? N(fisttp_m32) : t[reg];
    }
    case 5: {
      constexpr Entry t[8] = {N(fld_m64), U, N(fst_m64), N(fst_m64), C(frstor), U, W(fnsave), W(fnstsw_m)};
      return reg == 1 && sse3 ? N(fisttp_m64) : t[reg];
    }
    default: {
      constexpr Entry t[8] = {N(fild_m16), U, N(fist_m16), N(fist_m16), N(fbld), N(fild_m64), N(fbstp), N(fistp_m64)};
      return reg == 1 && sse3 ? N(fisttp_m16) : t[reg];
    }
  }
}

Entry lookup_reg(const CpuModel& m, unsigned op, unsigned modrm) {
  const unsigned reg = (modrm >> 3) & 7;
  const bool p6 = m.has_fcmov();
  switch (op) {
    case 0: return N(reg == 2 ? fcom_sti : reg == 3 ? fcomp_sti : arith_st0_sti);
    case 1:
      switch (reg) {
        case 0: return N(fld_sti);
        case 1: return N(fxch);
        case 2: return modrm == 0xD0 ? N(fnop) : U;
        case 3: return N(fstp1_sti);  // FSTP1 alias (opcode map footnote)
        case 4: {
          constexpr Entry t[8] = {N(fchs), N(fabs), U, U, N(ftst), N(fxam), U, U};
          return t[modrm & 7];
        }
        case 5: return (modrm & 7) == 7 ? U : N(fld_const);
        case 6: {
          constexpr Entry t[8] = {N(f2xm1), N(fyl2x), N(fptan), N(fpatan), N(fxtract), N(fprem1), N(fdecstp), N(fincstp)};
          return t[modrm & 7];
        }
        default: {
          constexpr Entry t[8] = {N(fprem), N(fyl2xp1), N(fsqrt), N(fsincos), N(frndint), N(fscale), N(fsin), N(fcos)};
          return t[modrm & 7];
        }
      }
    case 2:
      if (reg < 4) return p6 ? N(fcmov) : U;
      return modrm == 0xE9 ? N(fucompp) : U;
    case 3:
      if (reg < 4) return p6 ? N(fcmov) : U;
      switch (modrm) {
        case 0xE0:  // FNENI
        case 0xE1:  // FNDISI
        case 0xE4: return W(fnop_287);  // FNSETPM
        case 0xE2: return W(fnclex);
        case 0xE3: return W(fninit);
        default: break;
      }
      return (reg == 5 || reg == 6) && p6 ? N(fcomi) : U;
    case 4:  // DC D0+i / D8+i: FCOM2 / FCOMP3 aliases
      return N(reg == 2 ? fcom_sti : reg == 3 ? fcomp_sti : arith_sti_st0);
    case 5: {
      constexpr Entry t[8] = {N(ffree), N(fxch), N(fst_sti), N(fstp_sti), N(fucom_sti), N(fucomp_sti), U, U};
      return t[reg];  // /1: FXCH4 alias
    }
    case 6:
      if (reg == 2) return N(fcomp_sti);  // FCOMP5 alias
      if (reg == 3) return modrm == 0xD9 ? N(fcompp) : U;
      return N(arith_sti_st0_pop);
    default:
      switch (reg) {
        case 0: return N(ffreep);
        case 1: return N(fxch);  // FXCH7 alias
        case 2:
        case 3: return N(fstp_sti);  // FSTP8, FSTP9 aliases
        case 4: return modrm == 0xE0 ? W(fnstsw_ax) : U;
        case 5:
        case 6: return p6 ? N(fcomi) : U;  // FUCOMIP, FCOMIP
        default: return U;
      }
  }
}

}  // namespace

void update_ferr(Cpu& c) {
  if (c.ferr() && !c.state().fpu.pending()) c.set_ferr(false);
}

}  // namespace gb::x87

namespace gb::ops {

void x87_esc(Cpu& c, const DecodedInsn& d) {
  using namespace x87;
  CpuState& s = c.state();
  // CR0.EM or CR0.TS: #NM for every escape opcode, defined or not (SDM
  // Vol. 3A 2.5, Table 2-2).
  if (s.cr0 & 0xC) throw GuestFault::make(kNM);
  const unsigned op = d.opcode & 7;
  const Entry e = d.mem() ? lookup_mem(c.model(), op, d.reg()) : lookup_reg(c.model(), op, d.modrm);
  if (e.kind == Kind::Undefined) op_invalid(c, d);
  FpuState& f = s.fpu;
  if (e.kind == Kind::NoWait) {
    // The 486 and Pentium pulse FERR# at a no-wait instruction with an
    // exception pending (SDM Vol. 1 D.2.1.3).
    if (f.pending() && !(s.cr0 & 0x20) && !c.ignne() && !c.ferr() && !c.model().at_least(CpuFamily::p6)) {
      c.set_ferr(true);
      c.set_ferr(false);
    }
  } else if (!check_pending(c, d)) {
    return;
  }
  if (e.kind == Kind::Normal) {
    // The last instruction and data pointers (SDM Vol. 1 8.1.8, 8.1.9).
    f.fop = static_cast<u16>((op << 8) | d.modrm);
    f.fip = c.insn_eip(d);
    f.fcs = s.seg[CS].selector;
    if (d.mem()) {
      f.fdp = c.ea(d);
      f.fds = s.seg[d.seg].selector;
    }
  }
  Exec x(c, d);
  e.fn(x);
  update_ferr(c);
}

}  // namespace gb::ops
