// ADD, OR, ADC, SBB, AND, SUB, XOR, CMP, TEST, INC, DEC, NEG, NOT, XCHG
// (SDM Vol. 2A/2B). Pure width-templated ALU functions plus the operand
// forms of the opcode table.
#pragma once
#include "cpu/ops/mem_operand.hpp"

namespace gb::ops {


/// Group 1 order (ModR/M.reg of 80-83).
enum class Alu : u8 { Add, Or, Adc, Sbb, And, Sub, Xor, Cmp };

template <Alu op, class T>
inline T alu(LazyFlags& f, T a, T b) {
  constexpr unsigned n = sizeof(T);
  T r;
  if constexpr (op == Alu::Add) {
    r = static_cast<T>(a + b);
    f.set(FlagOp::Add, n, r, a, b);
  } else if constexpr (op == Alu::Adc) {
    const bool c = f.cf();
    r = static_cast<T>(a + b + c);
    f.set(FlagOp::Adc, n, r, a, b, c);
  } else if constexpr (op == Alu::Sub || op == Alu::Cmp) {
    r = static_cast<T>(a - b);
    f.set(FlagOp::Sub, n, r, a, b);
  } else if constexpr (op == Alu::Sbb) {
    const bool c = f.cf();
    r = static_cast<T>(a - b - c);
    f.set(FlagOp::Sbb, n, r, a, b, c);
  } else {
    r = op == Alu::And ? static_cast<T>(a & b) : op == Alu::Or ? static_cast<T>(a | b) : static_cast<T>(a ^ b);
    f.set(FlagOp::Logic, n, r, 0, 0);
  }
  return r;
}

template <Alu op, class T, Form F = Form::Any>
void alu_EG(Cpu& c, const DecodedInsn& d) {
  if constexpr (is_mem(F)) {
    if constexpr (op == Alu::Cmp) {
      GB_MEM_OPERAND(T, Read, alu_EG<op, T, Form::Any>);
      alu<op, T>(c.state().flags, load_le<T>(mr), c.reg<T>(d.xreg()));
    } else {
      GB_MEM_OPERAND(T, ReadWrite, alu_EG<op, T, Form::Any>);
      store_le<T>(mw, alu<op, T>(c.state().flags, load_le<T>(mr), c.reg<T>(d.xreg())));
    }
  } else {
    const T a = op == Alu::Cmp ? c.read_rm<T, F>(d) : c.read_rmw<T, F>(d);
    const T r = alu<op, T>(c.state().flags, a, c.reg<T>(d.xreg()));
    if constexpr (op != Alu::Cmp) c.write_rm<T, F>(d, r);
  }
}
template <Alu op, class T, Form F = Form::Any>
void alu_GE(Cpu& c, const DecodedInsn& d) {
  if constexpr (is_mem(F)) {
    GB_MEM_OPERAND(T, Read, alu_GE<op, T, Form::Any>);
    const T r = alu<op, T>(c.state().flags, c.reg<T>(d.xreg()), load_le<T>(mr));
    if constexpr (op != Alu::Cmp) c.set_reg<T>(d.xreg(), r);
  } else {
    const T r = alu<op, T>(c.state().flags, c.reg<T>(d.xreg()), c.read_rm<T, F>(d));
    if constexpr (op != Alu::Cmp) c.set_reg<T>(d.xreg(), r);
  }
}
template <Alu op, class T>
void alu_AI(Cpu& c, const DecodedInsn& d) {
  const T r = alu<op, T>(c.state().flags, c.reg<T>(EAX), imm<T>(d));
  if constexpr (op != Alu::Cmp) c.set_reg<T>(EAX, r);
}
template <Alu op, class T, Form F = Form::Any>
void alu_EI(Cpu& c, const DecodedInsn& d) {
  if constexpr (is_mem(F)) {
    if constexpr (op == Alu::Cmp) {
      GB_MEM_OPERAND(T, Read, alu_EI<op, T, Form::Any>);
      alu<op, T>(c.state().flags, load_le<T>(mr), imm<T>(d));
    } else {
      GB_MEM_OPERAND(T, ReadWrite, alu_EI<op, T, Form::Any>);
      store_le<T>(mw, alu<op, T>(c.state().flags, load_le<T>(mr), imm<T>(d)));
    }
  } else {
    const T a = op == Alu::Cmp ? c.read_rm<T, F>(d) : c.read_rmw<T, F>(d);
    const T r = alu<op, T>(c.state().flags, a, imm<T>(d));
    if constexpr (op != Alu::Cmp) c.write_rm<T, F>(d, r);
  }
}

template <class T, Form F = Form::Any>
void test_EG(Cpu& c, const DecodedInsn& d) {
  if constexpr (is_mem(F)) {
    GB_MEM_OPERAND(T, Read, test_EG<T, Form::Any>);
    alu<Alu::And, T>(c.state().flags, load_le<T>(mr), c.reg<T>(d.xreg()));
  } else {
    alu<Alu::And, T>(c.state().flags, c.read_rm<T, F>(d), c.reg<T>(d.xreg()));
  }
}
template <class T, Form F = Form::Any>
void test_EI(Cpu& c, const DecodedInsn& d) {
  if constexpr (is_mem(F)) {
    GB_MEM_OPERAND(T, Read, test_EI<T, Form::Any>);
    alu<Alu::And, T>(c.state().flags, load_le<T>(mr), imm<T>(d));
  } else {
    alu<Alu::And, T>(c.state().flags, c.read_rm<T, F>(d), imm<T>(d));
  }
}
template <class T>
void test_AI(Cpu& c, const DecodedInsn& d) {
  alu<Alu::And, T>(c.state().flags, c.reg<T>(EAX), imm<T>(d));
}

template <class T>
inline T inc(LazyFlags& f, T a) {
  const T r = static_cast<T>(a + 1);
  f.set(FlagOp::Inc, sizeof(T), r, a, 1);
  return r;
}
template <class T>
inline T dec(LazyFlags& f, T a) {
  const T r = static_cast<T>(a - 1);
  f.set(FlagOp::Dec, sizeof(T), r, a, 1);
  return r;
}
template <class T, Form F = Form::Any>
void inc_E(Cpu& c, const DecodedInsn& d) {
  if constexpr (is_mem(F)) {
    GB_MEM_OPERAND(T, ReadWrite, inc_E<T, Form::Any>);
    store_le<T>(mw, inc<T>(c.state().flags, load_le<T>(mr)));
  } else {
    c.write_rm<T, F>(d, inc<T>(c.state().flags, c.read_rmw<T, F>(d)));
  }
}
template <class T, Form F = Form::Any>
void dec_E(Cpu& c, const DecodedInsn& d) {
  if constexpr (is_mem(F)) {
    GB_MEM_OPERAND(T, ReadWrite, dec_E<T, Form::Any>);
    store_le<T>(mw, dec<T>(c.state().flags, load_le<T>(mr)));
  } else {
    c.write_rm<T, F>(d, dec<T>(c.state().flags, c.read_rmw<T, F>(d)));
  }
}
template <class T>
void inc_Z(Cpu& c, const DecodedInsn& d) {
  c.set_reg<T>(d.xrm(), inc<T>(c.state().flags, c.reg<T>(d.xrm())));
}
template <class T>
void dec_Z(Cpu& c, const DecodedInsn& d) {
  c.set_reg<T>(d.xrm(), dec<T>(c.state().flags, c.reg<T>(d.xrm())));
}

template <class T, Form F = Form::Any>
void not_E(Cpu& c, const DecodedInsn& d) { c.write_rm<T, F>(d, static_cast<T>(~c.read_rm<T, F>(d))); }
template <class T, Form F = Form::Any>
void neg_E(Cpu& c, const DecodedInsn& d) {
  c.write_rm<T, F>(d, alu<Alu::Sub, T>(c.state().flags, 0, c.read_rmw<T, F>(d)));
}

template <class T, Form F = Form::Any>
void xchg_EG(Cpu& c, const DecodedInsn& d) {
  const T a = c.read_rm<T, F>(d);
  const T b = c.reg<T>(d.xreg());
  c.write_rm<T, F>(d, b);
  c.set_reg<T>(d.xreg(), a);
}
template <class T>
void xchg_AZ(Cpu& c, const DecodedInsn& d) {
  const unsigned r = d.xrm();
  const T a = c.reg<T>(EAX);
  c.set_reg<T>(EAX, c.reg<T>(r));
  c.set_reg<T>(r, a);
}

}  // namespace gb::ops
