// Port I/O, flag instructions, HLT, NOP, WAIT, ESC (models without an FPU), and the
// invalid-opcode handler (SDM Vol. 2A/2B).
#pragma once
#include "cpu/cpu.hpp"

namespace gb::ops {

template <class T>
void in_I(Cpu& c, const DecodedInsn& d) { c.set_reg<T>(EAX, c.in<T>(static_cast<u16>(d.imm & 0xFF))); }
template <class T>
void in_DX(Cpu& c, const DecodedInsn&) { c.set_reg<T>(EAX, c.in<T>(c.reg<u16>(EDX))); }
template <class T>
void out_I(Cpu& c, const DecodedInsn& d) { c.out<T>(static_cast<u16>(d.imm & 0xFF), c.reg<T>(EAX)); }
template <class T>
void out_DX(Cpu& c, const DecodedInsn&) { c.out<T>(c.reg<u16>(EDX), c.reg<T>(EAX)); }

void clc(Cpu& c, const DecodedInsn& d);
void stc(Cpu& c, const DecodedInsn& d);
void cmc(Cpu& c, const DecodedInsn& d);
void cld(Cpu& c, const DecodedInsn& d);
void std_(Cpu& c, const DecodedInsn& d);
void cli(Cpu& c, const DecodedInsn& d);
void sti(Cpu& c, const DecodedInsn& d);
void hlt(Cpu& c, const DecodedInsn& d);
void nop(Cpu& c, const DecodedInsn& d);
/// 90h: NOP; F3 90h PAUSE (ends the run with Cpu::yield_on_pause); with
/// REX.B in 64-bit mode XCHG r8, rAX (SDM Vol. 2B NOP, XCHG, PAUSE).
void nop90(Cpu& c, const DecodedInsn& d);
void wait(Cpu& c, const DecodedInsn& d);
void esc(Cpu& c, const DecodedInsn& d);
/// INVD/WBINVD: no caches to act on, but privileged (SDM Vol. 2A INVD).
void invd(Cpu& c, const DecodedInsn& d);

}  // namespace gb::ops
