// System instructions reachable in real-address mode: LGDT, LIDT, SGDT,
// SIDT, SMSW, LMSW, CLTS, MOV to/from CRn and DRn, CPUID, RDTSC, INVD,
// WBINVD (SDM Vol. 2). Protected mode itself arrives with issue 4: setting
// CR0.PE raises #UD and is logged until then.
#pragma once
#include "cpu/ops/mem_operand.hpp"

namespace gb::ops {

void grp7(Cpu& c, const DecodedInsn& d);  ///< 0F 01 /0-/7
/// 0F 01 C8 MONITOR, 0F 01 C9 MWAIT (cpu/ops/monitor.cpp): #UD on models
/// without Isa::Monitor and at CPL > 0, #GP(0) for ECX != 0; MONITOR checks
/// DS:EAX as a byte read (#GP(0)/#SS(0)/#PF), MWAIT halts until an event.
void monitor(Cpu& c, const DecodedInsn& d);
void mwait(Cpu& c, const DecodedInsn& d);
void clts(Cpu& c, const DecodedInsn& d);
void mov_RC(Cpu& c, const DecodedInsn& d);
void mov_CR(Cpu& c, const DecodedInsn& d);
void mov_RD(Cpu& c, const DecodedInsn& d);
void mov_DR(Cpu& c, const DecodedInsn& d);
void cpuid(Cpu& c, const DecodedInsn& d);
void rdtsc(Cpu& c, const DecodedInsn& d);
void ud2(Cpu& c, const DecodedInsn& d);

}  // namespace gb::ops
