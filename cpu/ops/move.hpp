// Data movement: MOV forms, LEA, far-pointer loads, XLAT, CBW/CWD, MOVZX/
// MOVSX, SETcc, CMOVcc, BSWAP, LAHF/SAHF (SDM Vol. 2A/2B).
#pragma once
#include "cpu/ops/mem_operand.hpp"
#include "cpu/ops/shift.hpp"

namespace gb::ops {

template <class T, Form F = Form::Any>
void mov_EG(Cpu& c, const DecodedInsn& d) {
  if constexpr (is_mem(F)) {
    GB_MEM_OPERAND(T, Write, mov_EG<T, Form::Any>);
    store_le<T>(mw, c.reg<T>(d.xreg()));
  } else {
    c.write_rm<T, F>(d, c.reg<T>(d.xreg()));
  }
}
template <class T, Form F = Form::Any>
void mov_GE(Cpu& c, const DecodedInsn& d) {
  if constexpr (is_mem(F)) {
    GB_MEM_OPERAND(T, Read, mov_GE<T, Form::Any>);
    c.set_reg<T>(d.xreg(), load_le<T>(mr));
  } else {
    c.set_reg<T>(d.xreg(), c.read_rm<T, F>(d));
  }
}
template <class T, Form F = Form::Any>
void mov_EI(Cpu& c, const DecodedInsn& d) {
  if constexpr (is_mem(F)) {
    GB_MEM_OPERAND(T, Write, mov_EI<T, Form::Any>);
    store_le<T>(mw, imm<T>(d));
  } else {
    c.write_rm<T, F>(d, imm<T>(d));
  }
}
template <class T>
void mov_ZI(Cpu& c, const DecodedInsn& d) {
  if constexpr (sizeof(T) == 8) {
    c.set_reg<T>(d.xrm(), d.imm | (u64{d.imm2} << 32));  // MOV r64, imm64
  } else {
    c.set_reg<T>(d.xrm(), static_cast<T>(d.imm));
  }
}
template <class T>
void mov_AO(Cpu& c, const DecodedInsn& d) { c.set_reg<T>(EAX, c.read<T>(d.seg, d.disp)); }
template <class T>
void mov_OA(Cpu& c, const DecodedInsn& d) { c.write<T>(d.seg, d.disp, c.reg<T>(EAX)); }

/// 8C MOV Ev, Sw: to memory always 16 bits; to a 32-bit register zero-extended
/// (SDM Vol. 2B, MOV, P6 behaviour).
template <class T>
void mov_ES(Cpu& c, const DecodedInsn& d) {
  const unsigned sr = c.model().is_8086() ? d.reg() & 3 : d.reg();
  if (sr > (c.model().at_least(CpuFamily::i386) ? 5u : 3u)) throw GuestFault::make(kUD);
  const u16 sel = c.state().seg[sr].selector;
  if (d.mod() == 3) {
    c.set_reg<T>(d.xrm(), static_cast<T>(sel));  // zero-extended to 32 or 64 bits
  } else {
    c.write<u16>(d.seg, c.ea(d), sel);
  }
}
void mov_SE(Cpu& c, const DecodedInsn& d);

template <class T>
void lea(Cpu& c, const DecodedInsn& d) { c.set_reg<T>(d.xreg(), static_cast<T>(c.ea(d))); }

/// LES/LDS/LSS/LFS/LGS Gv, Mp: offset then selector. LSS loads SS:ESP in
/// one instruction, so unlike MOV SS and POP SS it opens no interrupt
/// shadow (SDM Vol. 3A 6.8.3 names only those two).
template <unsigned kSeg, class T>
void load_far(Cpu& c, const DecodedInsn& d) {
  const u64 off = c.ea(d);
  const T v = c.read<T>(d.seg, off);
  const u16 sel = c.read<u16>(d.seg, (off + sizeof(T)) & addr_mask(d));
  c.load_segment(kSeg, sel);
  c.set_reg<T>(d.xreg(), v);
}

void xlat(Cpu& c, const DecodedInsn& d);

template <class T>
void cbw(Cpu& c, const DecodedInsn&) {
  using H = std::conditional_t<sizeof(T) == 2, i8, std::conditional_t<sizeof(T) == 4, i16, i32>>;
  c.set_reg<T>(EAX, static_cast<T>(static_cast<std::make_signed_t<T>>(static_cast<H>(c.reg<T>(EAX)))));
}
template <class T>
void cwd(Cpu& c, const DecodedInsn&) {
  const bool neg = (c.reg<T>(EAX) >> (8 * sizeof(T) - 1)) & 1;
  c.set_reg<T>(EDX, neg ? static_cast<T>(~T{0}) : T{0});
}

template <class S, bool kSigned, class T, Form F = Form::Any>
void movx(Cpu& c, const DecodedInsn& d) {
  S v;
  if constexpr (is_mem(F)) {
    GB_MEM_OPERAND(S, Read, movx<S, kSigned, T, Form::Any>);
    v = load_le<S>(mr);
  } else {
    v = c.read_rm<S, F>(d);
  }
  if constexpr (kSigned) {
    c.set_reg<T>(d.xreg(), static_cast<T>(static_cast<std::make_signed_t<T>>(static_cast<std::make_signed_t<S>>(v))));
  } else {
    c.set_reg<T>(d.xreg(), static_cast<T>(v));
  }
}

template <unsigned cc>
void setcc(Cpu& c, const DecodedInsn& d) {
  c.write_rm<u8>(d, c.state().flags.cond<cc>() ? 1 : 0);
}
template <unsigned cc, class T>
void cmovcc(Cpu& c, const DecodedInsn& d) {
  const T v = c.read_rm<T>(d);  // the source is read (and may fault) either way
  if (c.state().flags.cond<cc>()) {
    c.set_reg<T>(d.xreg(), v);
  } else if constexpr (sizeof(T) == 4) {
    c.set_reg<T>(d.xreg(), c.reg<T>(d.xreg()));
  }
}
/// 63 /r in 64-bit mode: MOVSXD r64, r/m32 with REX.W; without it a plain
/// 32- or 16-bit move (SDM Vol. 2B MOVSX/MOVSXD).
template <class T>
void movsxd(Cpu& c, const DecodedInsn& d) {
  if constexpr (sizeof(T) == 8) {
    c.set_reg<u64>(d.xreg(), static_cast<u64>(static_cast<i64>(static_cast<i32>(c.read_rm<u32>(d)))));
  } else {
    c.set_reg<T>(d.xreg(), c.read_rm<T>(d));
  }
}
void bswap(Cpu& c, const DecodedInsn& d);
void lahf(Cpu& c, const DecodedInsn& d);
void sahf(Cpu& c, const DecodedInsn& d);
void salc(Cpu& c, const DecodedInsn& d);

}  // namespace gb::ops
