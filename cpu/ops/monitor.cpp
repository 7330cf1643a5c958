// MONITOR and MWAIT (SDM Vol. 2B MONITOR, MWAIT; CPUID.01H:ECX.MONITOR):
// 0F 01 C8 and 0F 01 C9, register forms of group 7. MONITOR arms the 64-byte
// line (CPUID.05H's line size) holding its address; MWAIT waits as HLT
// does, until an interrupt, NMI or reset, or a store to the line by any
// agent (another processor, DMA, this one), which Cpu::arm_monitor tracks
// through CodePages. Linux's idle loop relies on the store: it sets a
// waiting CPU's need-resched flag without an IPI (TIF_POLLING_NRFLAG).
#include "cpu/ops/system.hpp"

namespace gb::ops {

namespace {

/// #UD on models without MONITOR/MWAIT, in virtual-8086 mode and at CPL > 0
/// (the SDM's protected-mode and V86 exception lists; IA32_MISC_ENABLE
/// cannot enable them for CPL 3 on the modelled parts).
void check_available(const Cpu& c) {
  const CpuState& s = c.state();
  if (!c.model().has(Isa::Monitor) || (s.pe() && s.cpl != 0)) throw GuestFault::make(kUD);
}

}  // namespace

void monitor(Cpu& c, const DecodedInsn& d) {
  check_available(c);
  CpuState& s = c.state();
  // ECX holds extensions; none is defined (#GP(0) for any bit of ECX).
  if (static_cast<u32>(s.gpr[ECX]) != 0) throw GuestFault::make(kGP, 0);
  // The address is DS:RAX/EAX/AX by address size (a segment override
  // applies), checked as a one-byte read: #GP(0)/#SS(0) for the segment or
  // a non-canonical address, #PF for paging.
  const unsigned seg = d.seg_override != kNone ? unsigned{d.seg_override} : unsigned{DS};
  const u64 off = s.gpr[EAX] & addr_mask(d);
  c.check_read(seg, off, 1);
  c.arm_monitor(c.linear(seg, off, 1));
}

void mwait(Cpu& c, const DecodedInsn&) {
  check_available(c);
  CpuState& s = c.state();
  // ECX extensions need CPUID.05H:ECX.EMX, which the models do not report:
  // any set bit of ECX is #GP(0).
  if (static_cast<u32>(s.gpr[ECX]) != 0) throw GuestFault::make(kGP, 0);
  if (!s.monitor_armed) return;  // triggered (or never armed): falls through
  s.in_mwait = true;
  c.set_halted();
}

}  // namespace gb::ops
