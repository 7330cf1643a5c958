#include "cpu/ops/stack.hpp"

namespace gb::ops {

namespace {
// ENTER Iw, Ib (SDM Vol. 2A, ENTER operation). FrameTemp is ESP with a
// 32-bit operand size and SP with a 16-bit one, whatever the stack's size:
// on a 16-bit stack ENTER with a 32-bit operand keeps ESP[31:16] and loads
// EBP with all of ESP (test386.asm checks this against a real 386).
template <class T>
void enter(Cpu& c, const DecodedInsn& d) {
  const u32 size = d.imm & 0xFFFF;
  const unsigned level = d.imm2 & 0x1F;
  CpuState& s = c.state();
  c.push<T>(c.reg<T>(EBP));
  const T frame = static_cast<T>(s.gpr[ESP]);
  if (level > 0) {
    u64 bp = s.gpr[EBP] & c.sp_mask();
    for (unsigned i = 1; i < level; ++i) {
      bp = (bp - sizeof(T)) & c.sp_mask();
      c.push<T>(c.read<T>(SS, bp));
    }
    c.push<T>(frame);
  }
  // The processor checks the whole new frame before it commits: a write at
  // the final stack pointer must be possible (#SS(0) beyond the limit, #PF
  // on a page the CPL may not write), though nothing is stored there (SDM
  // Vol. 2A ENTER, Protected Mode Exceptions).
  const u64 final_sp = (c.sp() - size) & c.sp_mask();
  c.probe_write(SS, final_sp, sizeof(T));
  c.set_reg<T>(EBP, frame);
  c.set_sp(final_sp);
}
}  // namespace

void enter16(Cpu& c, const DecodedInsn& d) { enter<u16>(c, d); }
void enter32(Cpu& c, const DecodedInsn& d) { enter<u32>(c, d); }
void enter64(Cpu& c, const DecodedInsn& d) { enter<u64>(c, d); }

}  // namespace gb::ops
