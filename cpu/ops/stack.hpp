// PUSH, POP, PUSHA, POPA, PUSHF, POPF, ENTER, LEAVE (SDM Vol. 2B).
#pragma once
#include "cpu/ops/mem_operand.hpp"

namespace gb::ops {

/// PUSH r and POP r are lean (attr::kLean): the stack slot through the
/// inline path, else the record is entered for Cpu::push/pop.
template <class T>
void push_Z(Cpu& c, const DecodedInsn& d) {
  const unsigned r = d.xrm();
  const T v = r == ESP && c.model().push_sp_pushes_new() ? static_cast<T>(c.sp() - sizeof(T)) : c.reg<T>(r);
  const u64 nsp = (c.sp() - sizeof(T)) & c.sp_mask();
  if (u8* p = c.host_at<T, true>(SS, nsp)) [[likely]] {
    store_le<T>(p, v);
    c.set_sp(nsp);
    return;
  }
  // (Straight to the checked path: the inline one just failed.)
  c.enter_record(d);
  c.write_slow<T>(SS, nsp, v);
  c.set_sp(nsp);
}
template <class T>
void pop_Z(Cpu& c, const DecodedInsn& d) {
  const u64 old = c.sp();
  if (const u8* p = c.host_at<T, false>(SS, old)) [[likely]] {
    const T v = load_le<T>(p);
    c.set_sp(old + sizeof(T));
    c.set_reg<T>(d.xrm(), v);
    return;
  }
  c.enter_record(d);
  const T v = c.read_slow<T>(SS, old);
  c.set_sp(old + sizeof(T));
  c.set_reg<T>(d.xrm(), v);
}
template <class T>
void push_I(Cpu& c, const DecodedInsn& d) { c.push<T>(imm<T>(d)); }
template <class T>
void push_E(Cpu& c, const DecodedInsn& d) {
  if (d.mod() == 3 && d.rm() == ESP && c.model().push_sp_pushes_new()) {
    c.push<T>(static_cast<T>(c.sp() - sizeof(T)));
    return;
  }
  c.push<T>(c.read_rm<T>(d));
}
/// POP Ev: ESP is incremented before the destination's address is computed
/// (SDM Vol. 2B, POP).
template <class T>
void pop_E(Cpu& c, const DecodedInsn& d) {
  const u64 old = c.sp();
  const T v = c.read<T>(SS, old);
  c.set_sp(old + sizeof(T));
  c.write_rm<T>(d, v);
}

/// PUSH/POP of a segment register; the operand size sets the stack slot.
template <unsigned kSeg, class T>
void push_S(Cpu& c, const DecodedInsn&) {
  const u16 sel = c.state().seg[kSeg].selector;
  if constexpr (sizeof(T) >= 4) {
    // 32- and 64-bit pushes of a segment register write only the low word
    // on the P6 and later (SDM Vol. 2B, PUSH): keep the slot's upper part.
    const u64 nsp = (c.sp() - sizeof(T)) & c.sp_mask();
    c.write<u16>(SS, nsp, sel);
    c.set_sp(nsp);
  } else {
    c.push<u16>(sel);
  }
}
template <unsigned kSeg, class T>
void pop_S(Cpu& c, const DecodedInsn&) {
  const u64 old = c.sp();
  const u16 sel = c.read<u16>(SS, old);
  if (kSeg == CS) {
    c.set_sp(old + sizeof(T));
    c.load_cs_real(sel, c.state().rip, false);  // 8086 POP CS
    return;
  }
  // The stack pointer steps by the stack's address size before the load:
  // POP SS from a 16-bit stack wraps SP at 64 KiB and keeps ESP[31:16],
  // even when the new SS is a 32-bit (B=1) segment (SDM Vol. 2B POP: the
  // increment follows StackAddrSize of the stack being popped). A fault in
  // the load restores ESP with the rest of the instruction.
  c.set_sp(old + sizeof(T));
  c.load_segment(kSeg, sel);
  if (kSeg == SS) c.set_interrupt_shadow();
}

template <class T>
void pusha(Cpu& c, const DecodedInsn&) {
  const T sp = static_cast<T>(c.state().gpr[ESP]);
  for (unsigned r = 0; r < 8; ++r) c.push<T>(r == ESP ? sp : c.reg<T>(r));
}
template <class T>
void popa(Cpu& c, const DecodedInsn&) {
  for (int r = 7; r >= 0; --r) {
    const T v = c.pop<T>();
    if (r != ESP) c.set_reg<T>(static_cast<unsigned>(r), v);
  }
}

/// PUSHF/POPF are IOPL-sensitive in virtual-8086 mode (SDM Vol. 3A 20.2.7).
inline void check_v86_iopl(const Cpu& c) {
  if (c.state().v86() && c.state().iopl() < 3) throw GuestFault::make(kGP, 0);
}

template <class T>
void pushf(Cpu& c, const DecodedInsn&) {
  check_v86_iopl(c);
  // VM and RF are not copied to the stack image (SDM Vol. 2B, PUSHF).
  c.push<T>(static_cast<T>(c.eflags() & ~(fl::VM | fl::RF)));
}
template <class T>
void popf(Cpu& c, const DecodedInsn&) {
  check_v86_iopl(c);
  const T v = c.pop<T>();
  // RFLAGS bits 63-32 are reserved: POPFQ loads the low 32 (SDM Vol. 2B POPF).
  const u32 mask = c.popf_mask(sizeof(T) >= 4) & (sizeof(T) >= 4 ? 0xFFFF'FFFFu : 0xFFFFu);
  c.write_eflags(static_cast<u32>(v), mask);
}

void enter16(Cpu& c, const DecodedInsn& d);
void enter32(Cpu& c, const DecodedInsn& d);
void enter64(Cpu& c, const DecodedInsn& d);
template <class T>
void leave(Cpu& c, const DecodedInsn&) {
  const u64 bp = c.state().gpr[EBP] & c.sp_mask();
  const T v = c.read<T>(SS, bp);
  c.set_sp(bp + sizeof(T));
  c.set_reg<T>(EBP, v);
}

}  // namespace gb::ops
