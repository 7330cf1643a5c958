// Chained dispatch: each instruction of a block runs in a copy of its
// handler that does the block bookkeeping itself and ends with a tail call
// to the next instruction's copy, so the host predicts each handler's
// successor from its own indirect jump instead of one shared call site.
// A block has at most BlockCache::kMaxInsns instructions, so where the
// compiler does not turn the tail call into a jump the stack still stays
// shallow. Selected by the meson option `dispatch` (cpu/block.cpp).
#pragma once
#include "cpu/cpu.hpp"

namespace gb {

template <Handler H>
void Cpu::chained(Cpu& c, const DecodedInsn& d) {
  const u64 eip = c.s_.rip;
  c.insn_eip_ = eip;
  c.start_esp_ = c.s_.gpr[ESP];
  const u64 next = (eip + d.len) & c.eip_mask_;
  c.s_.rip = next;
  H(c, d);
  ++c.insns_;
  if (--c.chain_left_ == 0 || c.s_.rip != next || c.stop_) return;
  const DecodedInsn& n = (&d)[1];
  return n.chain(c, n);
}

}  // namespace gb
