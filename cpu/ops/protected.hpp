// Protected-mode-only instructions: SLDT, STR, LLDT, LTR, VERR, VERW (group
// 6), LAR, LSL, ARPL; MSRs, SYSENTER/SYSEXIT, SYSCALL/SYSRET; CMPXCHG8B
// (SDM Vol. 2).
#pragma once
#include "cpu/cpu.hpp"

namespace gb::ops {

void grp6(Cpu& c, const DecodedInsn& d);  ///< 0F 00 /0-/5
void lar(Cpu& c, const DecodedInsn& d);
void lsl(Cpu& c, const DecodedInsn& d);
void arpl(Cpu& c, const DecodedInsn& d);
void rdmsr(Cpu& c, const DecodedInsn& d);
void rdpmc(Cpu& c, const DecodedInsn& d);
void wrmsr(Cpu& c, const DecodedInsn& d);
void sysenter(Cpu& c, const DecodedInsn& d);
void sysexit(Cpu& c, const DecodedInsn& d);
/// 0F 05, 0F 07: 64-bit mode only (cpu/syscall.cpp).
void syscall(Cpu& c, const DecodedInsn& d);
void sysret(Cpu& c, const DecodedInsn& d);
void cmpxchg8b(Cpu& c, const DecodedInsn& d);  ///< 0F C7 /1

}  // namespace gb::ops
