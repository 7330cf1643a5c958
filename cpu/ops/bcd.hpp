// Decimal and ASCII adjusts: DAA, DAS, AAA, AAS, AAM, AAD (SDM Vol. 2A).
#pragma once
#include "cpu/ops/muldiv.hpp"

namespace gb::ops {

void daa(Cpu& c, const DecodedInsn& d);
void das(Cpu& c, const DecodedInsn& d);
void aaa(Cpu& c, const DecodedInsn& d);
void aas(Cpu& c, const DecodedInsn& d);
void aam(Cpu& c, const DecodedInsn& d);
void aad(Cpu& c, const DecodedInsn& d);

}  // namespace gb::ops
