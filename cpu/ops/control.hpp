// Control transfer: Jcc, JMP, CALL, RET, LOOP, JCXZ, INT, INTO, IRET,
// BOUND (SDM Vol. 2A/2B), real-address mode forms.
#pragma once
#include "cpu/ops/mem_operand.hpp"

namespace gb::ops {

/// Jcc / JMP rel: the offset is relative to the next instruction.
/// Jcc with condition `cc` (the low opcode nibble) fixed at decode.
template <unsigned cc>
void jcc(Cpu& c, const DecodedInsn& d) {
  if (c.state().flags.cond<cc>()) c.jump(d.next_ip + rel(d), d.o32);
}
void jmp_rel(Cpu& c, const DecodedInsn& d);
/// JMP rel that the block builder followed: its target is the block's next
/// instruction (cpu/block.cpp), so the block goes on.
void jmp_rel_in_block(Cpu& c, const DecodedInsn& d);
void jmp_far_imm(Cpu& c, const DecodedInsn& d);
template <class T, Form F = Form::Any>
void jmp_E(Cpu& c, const DecodedInsn& d) {
  if constexpr (is_mem(F)) {
    GB_MEM_OPERAND(T, Read, jmp_E<T, Form::Any>);
    c.jump(load_le<T>(mr), sizeof(T) >= 4);
  } else {
    c.jump(c.read_rm<T, F>(d), sizeof(T) >= 4);
  }
}
template <class T>
void jmp_far_mem(Cpu& c, const DecodedInsn& d) {
  const u64 off = c.ea(d);
  const T target = c.read<T>(d.seg, off);
  const u16 sel = c.read<u16>(d.seg, (off + sizeof(T)) & addr_mask(d));
  c.far_jump(sel, target, sizeof(T) >= 4, sizeof(T) == 8);
}

/// CALL rel; with `kInBlock`, one the block builder followed (see
/// jmp_rel_in_block). The target's limit check comes before the push (SDM
/// Vol. 2A CALL). Lean (attr::kLean): the stack slot through the inline
/// path, else the record is entered for Cpu::push.
template <class T, bool kInBlock = false>
void call_rel(Cpu& c, const DecodedInsn& d) {
  const u64 next = d.next_ip;
  const u64 target = next + rel(d);
  const u64 nsp = (c.sp() - sizeof(T)) & c.sp_mask();
  if (u8* p = c.host_at<T, true>(SS, nsp)) [[likely]] {
    c.template jump<kInBlock>(target, sizeof(T) >= 4);
    store_le<T>(p, static_cast<T>(next));
    c.set_sp(nsp);
    return;
  }
  c.enter_record(d);
  c.template jump<kInBlock>(target, sizeof(T) >= 4);
  c.write_slow<T>(SS, nsp, static_cast<T>(next));
  c.set_sp(nsp);
}
template <class T>
void call_E(Cpu& c, const DecodedInsn& d) {
  const T target = c.read_rm<T>(d);
  c.push<T>(static_cast<T>(c.state().rip));
  c.jump(target, sizeof(T) >= 4);
}
template <class T>
void call_far_imm(Cpu& c, const DecodedInsn& d) {
  c.far_call(static_cast<u16>(d.imm2), d.imm, sizeof(T) == 4);
}
template <class T>
void call_far_mem(Cpu& c, const DecodedInsn& d) {
  const u64 off = c.ea(d);
  const T target = c.read<T>(d.seg, off);
  const u16 sel = c.read<u16>(d.seg, (off + sizeof(T)) & addr_mask(d));
  c.far_call(sel, target, sizeof(T) >= 4, sizeof(T) == 8);
}

/// Lean (attr::kLean): the return address through the inline path, else
/// the record is entered first.
template <bool kImm, class T>
void ret_near(Cpu& c, const DecodedInsn& d) {
  const u64 old = c.sp();
  if (const u8* p = c.host_at<T, false>(SS, old)) [[likely]] {
    c.jump(load_le<T>(p), sizeof(T) >= 4);
    c.set_sp(old + sizeof(T) + (kImm ? (d.imm & 0xFFFF) : 0));
    return;
  }
  c.enter_record(d);
  const T ip = c.read_slow<T>(SS, old);
  c.jump(ip, sizeof(T) >= 4);
  c.set_sp(old + sizeof(T) + (kImm ? (d.imm & 0xFFFF) : 0));
}
/// RETF and IRET: T = u64 with REX.W (RETFQ, IRETQ: 8-byte slots).
template <bool kImm, class T>
void ret_far(Cpu& c, const DecodedInsn& d) {
  c.far_return(sizeof(T) >= 4, kImm ? (d.imm & 0xFFFF) : 0, sizeof(T) == 8);
}
template <class T>
void iret(Cpu& c, const DecodedInsn&) {
  c.iret(sizeof(T) >= 4, sizeof(T) == 8);
}

/// LOOP, LOOPE, LOOPNE, JCXZ/JECXZ: the count register follows the address size.
void loop(Cpu& c, const DecodedInsn& d);
void loope(Cpu& c, const DecodedInsn& d);
void loopne(Cpu& c, const DecodedInsn& d);
void jcxz(Cpu& c, const DecodedInsn& d);

void int3(Cpu& c, const DecodedInsn& d);
void int_ib(Cpu& c, const DecodedInsn& d);
void int1(Cpu& c, const DecodedInsn& d);
void into(Cpu& c, const DecodedInsn& d);

template <class T>
void bound(Cpu& c, const DecodedInsn& d) {
  using S = std::make_signed_t<T>;
  const u64 off = c.ea(d);
  const S lo = static_cast<S>(c.read<T>(d.seg, off));
  const S hi = static_cast<S>(c.read<T>(d.seg, (off + sizeof(T)) & addr_mask(d)));
  const S v = static_cast<S>(c.reg<T>(d.xreg()));
  if (v < lo || v > hi) throw GuestFault::make(kBR);
}

}  // namespace gb::ops
