#include "cpu/ops/system.hpp"

#include <fmt/format.h>

#include "cpu/cpuid.hpp"

namespace gb::ops {

namespace cr4 {
// CR4 bits (SDM Vol. 3A 2.5).
constexpr u64 kPse = 1u << 4, kPae = 1u << 5, kPge = 1u << 7, kUmip = 1u << 11, kLa57 = 1u << 12,
              kPcide = 1u << 17, kSmep = 1u << 20, kSmap = 1u << 21;
}  // namespace cr4

u64 cr4_mask(const CpuModel& m) {
  // Pentium: VME PVI TSD DE PSE MCE; P6 adds PAE PGE PCE (SDM Vol. 3A 2.5).
  u64 mask = 0;
  if (m.at_least(CpuFamily::pentium)) mask |= 0x5F;
  if (m.at_least(CpuFamily::p6)) mask |= 0x1A0;
  if (m.fxsr) mask |= 0x200;  // OSFXSR
  if (m.has(Isa::Sse)) mask |= 0x400;  // OSXMMEXCPT
  if (m.umip) mask |= cr4::kUmip;
  if (m.la57) mask |= cr4::kLa57;
  if (m.pcid) mask |= cr4::kPcide;
  if (m.smep) mask |= cr4::kSmep;
  if (m.smap) mask |= cr4::kSmap;
  return mask;
}

namespace {
/// The general register operand of MOV CRn/DRn: 64 bits in 64-bit mode
/// (REX.W ignored), else 32 (SDM Vol. 2B MOV—Move to/from Control Registers).
u64 cr_operand(Cpu& c, const DecodedInsn& d) { return c.mode64() ? c.reg<u64>(d.xrm()) : c.reg<u32>(d.xrm()); }
void set_cr_operand(Cpu& c, const DecodedInsn& d, u64 v) {
  if (c.mode64()) {
    c.set_reg<u64>(d.xrm(), v);
  } else {
    c.set_reg<u32>(d.xrm(), static_cast<u32>(v));
  }
}
/// UMIP: SGDT, SIDT, SLDT, SMSW and STR at CPL > 0 are #GP(0) (SDM Vol. 3A 2.5).
void check_umip(const Cpu& c) {
  if ((c.state().cr4 & cr4::kUmip) && c.state().pe() && c.state().cpl > 0) throw GuestFault::make(kGP, 0);
}
}  // namespace

void grp7(Cpu& c, const DecodedInsn& d) {
  CpuState& s = c.state();
  const unsigned op = d.reg();
  if (op == 4) {  // SMSW Ew: a register destination gets the whole CR0 with 32-bit operand size
    check_umip(c);
    if (d.mod() == 3) {
      if (d.o64) {
        c.set_reg<u64>(d.xrm(), s.cr0);
      } else if (d.o32) {
        c.set_reg<u32>(d.xrm(), static_cast<u32>(s.cr0));
      } else {
        c.set_reg<u16>(d.xrm(), static_cast<u16>(s.cr0));
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
  if (op == 7 && d.mod() == 3) {
    // 0F 01 F8 SWAPGS: 64-bit mode, CPL 0 (SDM Vol. 2B SWAPGS); 0F 01 F9
    // RDTSCP: TSC in EDX:EAX, IA32_TSC_AUX in ECX (SDM Vol. 2B RDTSCP).
    if (d.rm() == 0 && c.mode64()) {
      c.require_cpl0();
      std::swap(s.seg[GS].base, s.msr.kernel_gs_base);
      c.refresh_one(GS);
      return;
    }
    if (d.rm() == 1 && c.model().rdtscp) {
      rdtsc(c, d);
      s.gpr[ECX] = static_cast<u32>(s.msr.tsc_aux);
      return;
    }
    throw GuestFault::make(kUD);
  }
  if (op == 7) {  // INVLPG m: drops the TLB entry of the page holding m
    if (!c.model().at_least(CpuFamily::i486)) throw GuestFault::make(kUD);
    c.require_cpl0();
    // A non-canonical address invalidates nothing and does not fault (SDM Vol. 2A INVLPG).
    c.invlpg(c.mode64() ? s.seg[d.seg].lbase + c.ea(d) : static_cast<u32>(s.seg[d.seg].lbase + c.ea(d)));
    return;
  }
  if (op == 1 && d.mod() == 3) {  // 0F 01 C8 MONITOR, C9 MWAIT (cpu/ops/monitor.cpp)
    if (d.rm() == 0) return monitor(c, d);
    if (d.rm() == 1) return mwait(c, d);
    if ((d.rm() == 2 || d.rm() == 3) && c.model().smap) {
      // 0F 01 CA CLAC, CB STAC: EFLAGS.AC for SMAP; #UD at CPL > 0
      // (SDM Vol. 2A CLAC, Vol. 2B STAC).
      if (s.cpl > 0) throw GuestFault::make(kUD);
      c.write_eflags(d.rm() == 3 ? fl::AC : 0, fl::AC);
      return;
    }
  }
  if (d.mod() == 3 || op == 5) throw GuestFault::make(kUD);
  const u64 off = c.ea(d);
  const u64 next = (off + 2) & addr_mask(d);
  TableRegister& t = (op == 0 || op == 2) ? s.gdtr : s.idtr;
  if (op <= 1) {  // SGDT/SIDT: 286 stores FF in the top byte (SDM Vol. 2B, SGDT)
    check_umip(c);
    c.write<u16>(d.seg, off, t.limit);
    if (c.mode64()) {  // 64-bit mode: an 8-byte base, whatever the operand size
      c.write<u64>(d.seg, next, t.base);
      return;
    }
    const u32 base = c.model().family == CpuFamily::i286 ? (static_cast<u32>(t.base) & 0xFFFFFF) | 0xFF00'0000u
                                                           : static_cast<u32>(t.base);
    c.write<u32>(d.seg, next, base);
    return;
  }
  // LGDT/LIDT: privileged; 16-bit operand size loads a 24-bit base; 64-bit
  // mode loads an 8-byte base, #GP(0) when not canonical (SDM Vol. 2A LGDT).
  c.require_cpl0();
  const u16 limit = c.read<u16>(d.seg, off);
  if (c.mode64()) {
    const u64 base = c.read<u64>(d.seg, next);
    if (!c.canonical(base)) throw GuestFault::make(kGP, 0);
    t = TableRegister{base, limit};
    return;
  }
  u32 base = c.read<u32>(d.seg, next);
  if (!d.o32) base &= 0xFFFFFF;
  t = TableRegister{base, limit};
}

/// 66 0F 38 82 INVPCID r64/r32, m128 (SDM Vol. 2A INVPCID): the type in
/// the register (64 bits in 64-bit mode), a descriptor with the PCID in bits
/// 11:0 and a linear address in bits 127:64.
void invpcid(Cpu& c, const DecodedInsn& d) {
  if (!c.model().invpcid) throw GuestFault::make(kUD);
  c.require_cpl0();
  CpuState& s = c.state();
  const u64 type = c.mode64() ? c.reg<u64>(d.xreg()) : c.reg<u32>(d.xreg());
  const u64 off = c.ea(d);
  const u64 pcid = c.read<u64>(d.seg, off);
  const u64 lin = c.read<u64>(d.seg, (off + 8) & addr_mask(d));
  if (type > 3 || (pcid >> 12)) throw GuestFault::make(kGP, 0);
  const bool pcide = (s.cr4 & (u64{1} << 17)) != 0;
  if (type == 0 && !c.canonical(lin)) throw GuestFault::make(kGP, 0);
  // Without CR4.PCIDE only PCID 0 may be named (types 0 and 1).
  if (type <= 1 && !pcide && pcid != 0) throw GuestFault::make(kGP, 0);
  c.invpcid(static_cast<InvpcidType>(type), lin);
}

void clts(Cpu& c, const DecodedInsn&) {
  c.require_cpl0();
  c.state().cr0 &= ~8u;
}

void mov_RC(Cpu& c, const DecodedInsn& d) {
  c.require_cpl0();
  const CpuState& s = c.state();
  u64 v;
  switch (d.xreg()) {
    case 0: v = s.cr0; break;
    case 2: v = s.cr2; break;
    case 3: v = s.cr3; break;
    case 4:
      if (!c.model().at_least(CpuFamily::pentium)) throw GuestFault::make(kUD);
      v = s.cr4;
      break;
    case 8:  // REX.R: CR8 exists in 64-bit mode only
      if (!c.mode64()) throw GuestFault::make(kUD);
      v = c.cr8();
      break;
    default: throw GuestFault::make(kUD);
  }
  set_cr_operand(c, d, v);
}

void mov_CR(Cpu& c, const DecodedInsn& d) {
  c.require_cpl0();
  CpuState& s = c.state();
  const u64 v = cr_operand(c, d);
  switch (d.xreg()) {
    case 0: c.write_cr0(v); break;
    case 2: s.cr2 = v; break;
    case 3: c.write_cr3(v); break;
    case 4: {
      if (!c.model().at_least(CpuFamily::pentium)) throw GuestFault::make(kUD);
      if (v & ~cr4_mask(c.model())) throw GuestFault::make(kGP, 0);  // reserved bits
      const u64 old = s.cr4;
      // IA-32e mode: PAE cannot be cleared nor LA57 changed; PCIDE can be
      // set only in IA-32e mode with CR3[11:0] = 0 (SDM Vol. 2B MOV CR, Vol. 3A 4.10.1).
      if (s.lma() && (!(v & cr4::kPae) || ((old ^ v) & cr4::kLa57))) throw GuestFault::make(kGP, 0);
      if ((v & ~old & cr4::kPcide) && (!s.lma() || (s.cr3 & 0xFFF))) throw GuestFault::make(kGP, 0);
      s.cr4 = v;
      // PSE, PAE, PGE, PCIDE, SMEP or SMAP changes flush everything (SDM Vol. 3A 4.10.4.1).
      if ((old ^ v) & (cr4::kPse | cr4::kPae | cr4::kPge | cr4::kPcide | cr4::kSmep | cr4::kSmap | cr4::kLa57)) {
        c.update_paging(Cpu::TlbFlush::All);
      }
      if ((old ^ v) & kCr4De) c.update_breakpoints();  // I/O breakpoints come and go
      break;
    }
    case 8:
      if (!c.mode64()) throw GuestFault::make(kUD);
      if (v >> 4) throw GuestFault::make(kGP, 0);  // CR8 bits 63:4 are reserved
      c.write_cr8(v);
      break;
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
  const unsigned r = d.xreg();
  if (r > 7) throw GuestFault::make(kUD);  // DR8-DR15 (REX.R)
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
  set_cr_operand(c, d, c.state().dr[r]);
}

void mov_DR(Cpu& c, const DecodedInsn& d) {
  const unsigned r = debug_reg(c, d);
  u64 v = cr_operand(c, d);
  // 64-bit mode: DR6/DR7 bits 63:32 must be 0 (#GP(0), SDM Vol. 2B MOV DR).
  if ((r == 6 || r == 7) && (v >> 32)) throw GuestFault::make(kGP, 0);
  if (r == 6) v = (v & 0xE00F) | 0xFFFF'0FF0u;  // reserved bits read as 1
  if (r == 7) v = (v & 0xFFFF'2BFFu) | 0x400;
  c.state().dr[r] = v;
  c.update_breakpoints();
}

void cpuid(Cpu& c, const DecodedInsn&) {
  // The model's real part, less what Glassbox does not implement (cpu/cpuid.cpp).
  CpuState& s = c.state();
  const u32 leaf = static_cast<u32>(s.gpr[EAX]);
  CpuidRegs r = cpuid_leaf(c.model(), leaf, static_cast<u32>(s.gpr[ECX]), (s.msr_apic_base & 0x800) != 0, s.lma());
  // Leaf 1: EBX[31:24] is this processor's initial APIC ID (SDM Vol. 2A CPUID).
  if (leaf == 1) r.b = (r.b & 0x00FF'FFFFu) | (u32{c.apic_id()} << 24);
  s.gpr[EAX] = r.a;
  s.gpr[EBX] = r.b;
  s.gpr[ECX] = r.c;
  s.gpr[EDX] = r.d;
}

void rdtsc(Cpu& c, const DecodedInsn&) {
  CpuState& s = c.state();
  // CR4.TSD restricts RDTSC to CPL 0 (SDM Vol. 2B RDTSC).
  if ((s.cr4 & 4) && s.pe() && s.cpl != 0) throw GuestFault::make(kGP, 0);
  // The TSC counts retired instructions, or with several processors the
  // machine's shared clock (Cpu::set_tsc_clock).
  const u64 t = s.tsc + c.tsc_base();
  s.gpr[EAX] = static_cast<u32>(t);
  s.gpr[EDX] = static_cast<u32>(t >> 32);
}

void ud2(Cpu&, const DecodedInsn&) { throw GuestFault::make(kUD); }

}  // namespace gb::ops
