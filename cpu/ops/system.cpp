#include "cpu/ops/system.hpp"

#include <fmt/format.h>

#include "cpu/cpuid.hpp"

namespace gb::ops {

u32 cr4_mask(const CpuModel& m) {
  // Pentium: VME PVI TSD DE PSE MCE; P6 adds PAE PGE PCE (SDM Vol. 3A 2.5).
  u32 mask = 0;
  if (m.at_least(CpuFamily::pentium)) mask |= 0x5F;
  if (m.at_least(CpuFamily::p6)) mask |= 0x1A0;
  if (m.fxsr) mask |= 0x200;  // OSFXSR
  if (m.has(Isa::Sse)) mask |= 0x400;  // OSXMMEXCPT
  return mask;
}

void grp7(Cpu& c, const DecodedInsn& d) {
  CpuState& s = c.state();
  const unsigned op = d.reg();
  if (op == 4) {  // SMSW Ew: a register destination gets the whole CR0 with 32-bit operand size
    if (d.mod() == 3) {
      if (d.o32) {
        c.set_reg<u32>(d.rm(), s.cr0);
      } else {
        c.set_reg<u16>(d.rm(), static_cast<u16>(s.cr0));
      }
    } else {
      c.write<u16>(d.seg, c.ea(d), static_cast<u16>(s.cr0));
    }
    return;
  }
  if (op == 6) {  // LMSW Ew: loads PE, MP, EM, TS; cannot clear PE
    c.require_cpl0();
    const u16 v = c.read_rm<u16>(d);
    c.write_cr0((s.cr0 & ~0xEu) | (v & 0xF) | (s.cr0 & 1));
    return;
  }
  if (op == 7) {  // INVLPG m: drops the TLB entry of the page holding m
    if (d.mod() == 3 || !c.model().at_least(CpuFamily::i486)) throw GuestFault::make(kUD);
    c.require_cpl0();
    c.invlpg(c.state().seg[d.seg].base + c.ea(d));
    return;
  }
  if (op == 1 && d.mod() == 3) {  // 0F 01 C8 MONITOR, C9 MWAIT (cpu/ops/monitor.cpp)
    if (d.rm() == 0) return monitor(c, d);
    if (d.rm() == 1) return mwait(c, d);
  }
  if (d.mod() == 3 || op == 5) throw GuestFault::make(kUD);
  const u32 off = c.ea(d);
  const u32 next = (off + 2) & (d.a32 ? 0xFFFF'FFFFu : 0xFFFFu);
  TableRegister& t = (op == 0 || op == 2) ? s.gdtr : s.idtr;
  if (op <= 1) {  // SGDT/SIDT: 286 stores FF in the top byte (SDM Vol. 2B, SGDT)
    c.write<u16>(d.seg, off, t.limit);
    const u32 base = c.model().family == CpuFamily::i286 ? (t.base & 0xFFFFFF) | 0xFF00'0000u : t.base;
    c.write<u32>(d.seg, next, base);
    return;
  }
  // LGDT/LIDT: privileged; 16-bit operand size loads a 24-bit base.
  c.require_cpl0();
  const u16 limit = c.read<u16>(d.seg, off);
  u32 base = c.read<u32>(d.seg, next);
  if (!d.o32) base &= 0xFFFFFF;
  t = TableRegister{base, limit};
}

void clts(Cpu& c, const DecodedInsn&) {
  c.require_cpl0();
  c.state().cr0 &= ~8u;
}

void mov_RC(Cpu& c, const DecodedInsn& d) {
  c.require_cpl0();
  const CpuState& s = c.state();
  u32 v;
  switch (d.reg()) {
    case 0: v = s.cr0; break;
    case 2: v = s.cr2; break;
    case 3: v = s.cr3; break;
    case 4:
      if (!c.model().at_least(CpuFamily::pentium)) throw GuestFault::make(kUD);
      v = s.cr4;
      break;
    default: throw GuestFault::make(kUD);
  }
  c.set_reg<u32>(d.rm(), v);
}

void mov_CR(Cpu& c, const DecodedInsn& d) {
  c.require_cpl0();
  CpuState& s = c.state();
  const u32 v = c.reg<u32>(d.rm());
  switch (d.reg()) {
    case 0: c.write_cr0(v); break;
    case 2: s.cr2 = v; break;
    case 3: c.write_cr3(v); break;
    case 4: {
      if (!c.model().at_least(CpuFamily::pentium)) throw GuestFault::make(kUD);
      if (v & ~cr4_mask(c.model())) throw GuestFault::make(kGP, 0);  // reserved bits
      const u32 old = s.cr4;
      s.cr4 = v;
      // PSE, PAE or PGE changes flush everything (SDM Vol. 3A 4.10.4.1).
      if ((old ^ v) & 0xB0) c.update_paging(Cpu::TlbFlush::All);
      if ((old ^ v) & kCr4De) c.update_breakpoints();  // I/O breakpoints come and go
      break;
    }
    default: throw GuestFault::make(kUD);
  }
}

namespace {
/// The debug register a MOV to or from DRn reaches, after its checks (SDM
/// Vol. 2B MOV—Move to/from Debug Registers; Vol. 3A 17.2.2, 17.2.4):
/// #GP(0) above CPL 0; DR4/DR5 are #UD with CR4.DE set and alias DR6/DR7
/// without it; with DR7.GD set, #DB (a fault, DR6.BD set) before the
/// access, so that an in-circuit emulator or debugger keeps its registers.
unsigned debug_reg(Cpu& c, const DecodedInsn& d) {
  c.require_cpl0();
  CpuState& s = c.state();
  const unsigned r = d.reg();
  if ((r == 4 || r == 5) && (s.cr4 & kCr4De)) throw GuestFault::make(kUD);
  if (s.dr[7] & kDr7Gd) {
    s.dr[6] |= kDr6Bd;
    throw GuestFault::make(kDB);
  }
  return r == 4 ? 6 : r == 5 ? 7 : r;
}
}  // namespace

void mov_RD(Cpu& c, const DecodedInsn& d) {
  const unsigned r = debug_reg(c, d);
  c.set_reg<u32>(d.rm(), c.state().dr[r]);
}

void mov_DR(Cpu& c, const DecodedInsn& d) {
  const unsigned r = debug_reg(c, d);
  u32 v = c.reg<u32>(d.rm());
  if (r == 6) v = (v & 0xE00F) | 0xFFFF'0FF0u;  // reserved bits read as 1
  if (r == 7) v = (v & 0xFFFF'2BFFu) | 0x400;
  c.state().dr[r] = v;
  c.update_breakpoints();
}

void cpuid(Cpu& c, const DecodedInsn&) {
  // The model's real part, less what Glassbox does not implement (cpu/cpuid.cpp).
  CpuState& s = c.state();
  const CpuidRegs r = cpuid_leaf(c.model(), s.gpr[EAX], s.gpr[ECX], (s.msr_apic_base & 0x800) != 0);
  s.gpr[EAX] = r.a;
  s.gpr[EBX] = r.b;
  s.gpr[ECX] = r.c;
  s.gpr[EDX] = r.d;
}

void rdtsc(Cpu& c, const DecodedInsn&) {
  CpuState& s = c.state();
  // CR4.TSD restricts RDTSC to CPL 0 (SDM Vol. 2B RDTSC).
  if ((s.cr4 & 4) && s.pe() && s.cpl != 0) throw GuestFault::make(kGP, 0);
  // Until the machine has a clock, the TSC counts retired instructions.
  const u64 t = s.tsc + c.instructions();
  s.gpr[EAX] = static_cast<u32>(t);
  s.gpr[EDX] = static_cast<u32>(t >> 32);
}

void ud2(Cpu&, const DecodedInsn&) { throw GuestFault::make(kUD); }

}  // namespace gb::ops
