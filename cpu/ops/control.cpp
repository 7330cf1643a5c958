#include "cpu/ops/control.hpp"

namespace gb::ops {


void jmp_rel(Cpu& c, const DecodedInsn& d) { c.jump(d.next_ip + rel(d), d.o32); }
void jmp_rel_in_block(Cpu& c, const DecodedInsn& d) { c.jump<true>(d.next_ip + rel(d), d.o32); }

void jmp_far_imm(Cpu& c, const DecodedInsn& d) { c.far_jump(static_cast<u16>(d.imm2), d.imm, d.o32); }

namespace {
// Decrements the count register (CX, ECX or RCX by address size); returns the new value.
u64 dec_count(Cpu& c, const DecodedInsn& d) {
  CpuState& s = c.state();
  if (d.a64) return --s.gpr[ECX];
  if (d.a32) return s.gpr[ECX] = static_cast<u32>(s.gpr[ECX] - 1);
  const u16 cx = static_cast<u16>(s.gpr[ECX] - 1);
  c.set_reg<u16>(ECX, cx);
  return cx;
}
}  // namespace

void loop(Cpu& c, const DecodedInsn& d) {
  if (dec_count(c, d) != 0) c.jump(d.next_ip + rel(d), d.o32);
}
void loope(Cpu& c, const DecodedInsn& d) {
  if (dec_count(c, d) != 0 && c.state().flags.zf()) c.jump(d.next_ip + rel(d), d.o32);
}
void loopne(Cpu& c, const DecodedInsn& d) {
  if (dec_count(c, d) != 0 && !c.state().flags.zf()) c.jump(d.next_ip + rel(d), d.o32);
}
void jcxz(Cpu& c, const DecodedInsn& d) {
  const u64 cx = c.state().gpr[ECX] & addr_mask(d);
  if (cx == 0) c.jump(d.next_ip + rel(d), d.o32);
}

void int3(Cpu& c, const DecodedInsn&) { c.interrupt(kBP, c.state().rip, Cpu::IntSource::SoftwareNoIopl); }
void int_ib(Cpu& c, const DecodedInsn& d) { c.interrupt(static_cast<u8>(d.imm), c.state().rip); }
// INT1 (ICEBP) is delivered like a debug exception: no gate DPL or IOPL
// check (SDM Vol. 2A INT n/INTO/INT3/INT1).
void int1(Cpu& c, const DecodedInsn&) { c.interrupt(kDB, c.state().rip, Cpu::IntSource::Exception); }
void into(Cpu& c, const DecodedInsn&) {
  if (c.state().flags.of()) c.interrupt(kOF, c.state().rip, Cpu::IntSource::SoftwareNoIopl);
}

}  // namespace gb::ops
