// The x87 instruction handlers, by family file (internal to cpu/ops):
// x87.cpp (arithmetic, comparisons, register operations), x87_load_store.cpp,
// x87_env.cpp (control and state), x87_transcendental.cpp.
#pragma once
#include "cpu/ops/x87_core.hpp"

namespace gb::x87 {

// ---- x87.cpp
void arith_mem(Exec& x);        ///< D8/DC/DA/DE /0,/1,/4-/7 with memory
void compare_mem(Exec& x);      ///< D8/DC/DA/DE /2,/3 with memory
void arith_st0_sti(Exec& x);    ///< D8 C0-FF: ST(0) = ST(0) op ST(i)
void arith_sti_st0(Exec& x);    ///< DC C0-FF: ST(i) = ST(i) op ST(0)
void arith_sti_st0_pop(Exec& x);  ///< DE C0-FF (and pops)
void fcom_sti(Exec& x);         ///< FCOM ST(i) and aliases
void fcomp_sti(Exec& x);        ///< FCOMP ST(i) and aliases
void fcompp(Exec& x);           ///< DE D9
void fucom_sti(Exec& x);        ///< DD E0+i
void fucomp_sti(Exec& x);       ///< DD E8+i
void fucompp(Exec& x);          ///< DA E9
void fcomi(Exec& x);            ///< DB F0+i, DB E8+i (FUCOMI), DF F0+i / E8+i (pop)
void fcmov(Exec& x);            ///< DA/DB C0-DF
void fld_sti(Exec& x);
void fxch(Exec& x);             ///< D9 C8+i and the aliases DD C8+i, DF C8+i
void fst_sti(Exec& x);          ///< DD D0+i
void fstp_sti(Exec& x);         ///< DD D8+i and the aliases DF D0+i, DF D8+i
void fstp1_sti(Exec& x);        ///< D9 D8+i, the alias FSTP1
void fnop(Exec& x);
void fchs(Exec& x);
void fabs(Exec& x);
void ftst(Exec& x);
void fxam(Exec& x);
void fld_const(Exec& x);        ///< D9 E8-EE
void fdecstp(Exec& x);
void fincstp(Exec& x);
void ffree(Exec& x);            ///< DD C0+i
void ffreep(Exec& x);           ///< DF C0+i
void fsqrt(Exec& x);
void frndint(Exec& x);

// ---- x87_load_store.cpp
void fld_m32(Exec& x);
void fld_m64(Exec& x);
void fld_m80(Exec& x);
void fst_m32(Exec& x);          ///< D9 /2, /3 (pop by ModR/M.reg)
void fst_m64(Exec& x);          ///< DD /2, /3
void fstp_m80(Exec& x);
void fild_m16(Exec& x);
void fild_m32(Exec& x);
void fild_m64(Exec& x);
void fist_m16(Exec& x);         ///< DF /2, /3
void fist_m32(Exec& x);         ///< DB /2, /3
void fistp_m64(Exec& x);        ///< DF /7
/// FISTTP m16/m32/m64 (SSE3: DF /1, DB /1, DD /1): store ST(0) as an
/// integer rounded toward zero whatever FCW.RC, then pop.
void fisttp_m16(Exec& x);
void fisttp_m32(Exec& x);
void fisttp_m64(Exec& x);
void fbld(Exec& x);
void fbstp(Exec& x);

// ---- x87_env.cpp
void fldcw(Exec& x);
void fnstcw(Exec& x);
void fnstsw_m(Exec& x);
void fnstsw_ax(Exec& x);
void fldenv(Exec& x);
void fnstenv(Exec& x);
void frstor(Exec& x);
void fnsave(Exec& x);
void fninit(Exec& x);
void fnclex(Exec& x);
void fnop_287(Exec& x);         ///< FNENI, FNDISI, FNSETPM: no-ops on the 387 and later

// ---- x87_transcendental.cpp
void f2xm1(Exec& x);
void fyl2x(Exec& x);
void fptan(Exec& x);
void fpatan(Exec& x);
void fxtract(Exec& x);
void fprem1(Exec& x);
void fprem(Exec& x);
void fyl2xp1(Exec& x);
void fsincos(Exec& x);
void fscale(Exec& x);
void fsin(Exec& x);
void fcos(Exec& x);

/// A pending unmasked exception at a waiting instruction (SDM Vol. 3A
/// 6.15 interrupt 16; Vol. 1 8.7): #MF with CR0.NE = 1; with CR0.NE = 0 the
/// CPU asserts FERR# and waits for an interrupt (returns false: the
/// instruction does not execute now) unless IGNNE# is asserted.
bool check_pending(Cpu& c, const DecodedInsn& d);
/// After an x87 instruction: FERR# follows ES once asserted.
void update_ferr(Cpu& c);

}  // namespace gb::x87
