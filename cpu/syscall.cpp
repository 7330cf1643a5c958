// SYSCALL and SYSRET (SDM Vol. 2B SYSCALL, SYSRET; Vol. 3A 5.8.8): fast
// system calls in 64-bit mode through IA32_STAR, IA32_LSTAR and IA32_FMASK.
// Intel: both are #UD outside 64-bit mode (AMD allows them in legacy and
// compatibility mode through CSTAR); Glassbox follows Intel.
#include "cpu/ops/protected.hpp"

namespace gb::ops {

namespace {

/// The fixed flat segment caches SYSCALL/SYSRET load without reading the GDT
/// (SDM Vol. 2B SYSCALL/SYSRET operation): base 0, limit 4 GiB (G = 1),
/// S = 1, P = 1, DPL `dpl`; code is type 11 (execute/read, accessed) with
/// L = 1, D = 0 (`long_code`) or L = 0, D = 1; the stack is type 3
/// (read/write, accessed) with B = 1.
void flat64(Segment& sg, u16 sel, bool code, bool long_code, unsigned dpl) {
  sg.selector = sel;
  sg.base = 0;
  sg.limit = 0xFFFF'FFFFu;
  sg.access = static_cast<u8>(0x80 | (dpl << 5) | 0x10 | (code ? 0xB : 0x3));
  sg.flags = long_code ? 0xA : 0xC;
  sg.big = !long_code;
}

void require_64(const Cpu& c) {
  if (!c.mode64() || !(c.state().efer & msr::kEferSce)) throw GuestFault::make(kUD);
}

}  // namespace

void syscall(Cpu& c, const DecodedInsn&) {
  require_64(c);
  CpuState& s = c.state();
  // RCX = the next RIP, R11 = RFLAGS (RF clear), then RFLAGS &= ~FMASK with
  // RF cleared too (SDM Vol. 2B SYSCALL; Bochs clears RF in both).
  const u32 rflags = c.eflags() & ~fl::RF;
  s.gpr[ECX] = s.rip;
  s.gpr[R11] = rflags;
  const u16 sel = static_cast<u16>(s.msr.star >> 32);
  flat64(s.seg[CS], static_cast<u16>(sel & 0xFFFC), true, true, 0);
  flat64(s.seg[SS], static_cast<u16>(sel + 8), false, false, 0);
  s.cpl = 0;
  c.write_eflags(rflags & ~static_cast<u32>(s.msr.fmask), 0xFFFF'FFFFu);
  s.rip = s.msr.lstar;
  c.update_mode();
}

void sysret(Cpu& c, const DecodedInsn& d) {
  require_64(c);
  CpuState& s = c.state();
  if (s.cpl != 0) throw GuestFault::make(kGP, 0);
  // Intel: a non-canonical RCX is #GP(0) at CPL 0, before anything changes
  // (SDM Vol. 2B SYSRET; AMD takes the fault at CPL 3).
  if (d.o64 && !c.canonical(s.gpr[ECX])) throw GuestFault::make(kGP, 0);
  const u16 sel = static_cast<u16>(s.msr.star >> 48);
  if (d.o64) {
    // Return to 64-bit mode: CS = STAR[63:48] + 16.
    flat64(s.seg[CS], static_cast<u16>((sel + 16) | 3), true, true, 3);
    s.rip = s.gpr[ECX];
  } else {
    // Return to compatibility mode: CS = STAR[63:48], 32-bit code.
    flat64(s.seg[CS], static_cast<u16>(sel | 3), true, false, 3);
    s.rip = static_cast<u32>(s.gpr[ECX]);
  }
  // SS = STAR[63:48] + 8 with RPL 3, the flat DPL 3 stack (the SDM's
  // SS.DPL = 3; RSP is unchanged).
  flat64(s.seg[SS], static_cast<u16>((sel + 8) | 3), false, false, 3);
  s.cpl = 3;
  // RFLAGS = (R11 & 3C7FD7h) | 2: RF, VM and the reserved bits clear.
  c.write_eflags((static_cast<u32>(s.gpr[R11]) & 0x3C'7FD7u) | 2, 0xFFFF'FFFFu);
  c.update_mode();
}

}  // namespace gb::ops
