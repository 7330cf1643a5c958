// Fused instruction pairs: a flag-setting instruction and the Jcc after it
// run as one block record (cpu/block.cpp), saving a dispatch and letting the
// compiler read the flags the first one just recorded. Architecturally they
// stay two instructions: both are counted, a fault in the first is the
// first's, and the flags are left as the first one set them.
#pragma once
#include "cpu/ops/alu.hpp"

namespace gb::ops {

/// `First` (CMP, TEST, DEC, ...), then Jcc with condition `cc`: the Jcc's
/// displacement is in d.imm2 and its operand size is d.o32 (the pair is
/// fused only when both have the same), its next EIP is the pair's end.
template <Handler First, unsigned cc>
void fused_jcc(Cpu& c, const DecodedInsn& d) {
  First(c, d);
  c.count_fused();
  if (c.state().flags.cond<cc>()) {
    c.jump(d.next_ip + static_cast<u64>(static_cast<i64>(static_cast<i32>(d.imm2))), d.o32);
  }
}

/// The fused form of `first` followed by Jcc `cc` (0-15), or nullptr where
/// `first` has none (cpu/fusion.cpp).
Handler fused_jcc_form(Handler first, unsigned cc);

}  // namespace gb::ops
