#include "cpu/ops/stack.hpp"

namespace gb::ops {

namespace {
// ENTER Iw, Ib (SDM Vol. 2A, ENTER operation).
template <class T>
void enter(Cpu& c, const DecodedInsn& d) {
  const u32 size = d.imm & 0xFFFF;
  const unsigned level = d.imm2 & 0x1F;
  CpuState& s = c.state();
  c.push<T>(c.reg<T>(EBP));
  const u32 frame = c.sp();
  if (level > 0) {
    u32 bp = s.seg[SS].big ? s.gpr[EBP] : s.gpr[EBP] & 0xFFFF;
    for (unsigned i = 1; i < level; ++i) {
      bp = (bp - sizeof(T)) & c.sp_mask();
      c.push<T>(c.read<T>(SS, bp));
    }
    c.push<T>(static_cast<T>(frame));
  }
  c.set_reg<T>(EBP, static_cast<T>(frame));
  c.set_sp(c.sp() - size);
}
}  // namespace

void enter16(Cpu& c, const DecodedInsn& d) { enter<u16>(c, d); }
void enter32(Cpu& c, const DecodedInsn& d) { enter<u32>(c, d); }

}  // namespace gb::ops
