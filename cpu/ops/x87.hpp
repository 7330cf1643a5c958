// The x87 FPU instructions (SDM Vol. 1 ch. 8; Vol. 2; opcode map Vol. 2D
// Tables A-7..A-22): the entry points the opcode table routes to on models
// with an FPU.
#pragma once
#include "cpu/cpu.hpp"

namespace gb::ops {

/// D8-DF: every x87 escape opcode (dispatches on the opcode and ModR/M).
void x87_esc(Cpu& c, const DecodedInsn& d);
/// 9B WAIT/FWAIT on a model with an FPU.
void x87_fwait(Cpu& c, const DecodedInsn& d);
/// 0F AE /0 and /1 (models with FXSR).
void fxsave(Cpu& c, const DecodedInsn& d);
void fxrstor(Cpu& c, const DecodedInsn& d);

}  // namespace gb::ops
