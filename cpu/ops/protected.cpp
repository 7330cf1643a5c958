#include "cpu/ops/protected.hpp"

#include "cpu/msr.hpp"
#include "cpu/ops/mem_operand.hpp"

namespace gb::ops {

namespace {

/// Real and virtual-8086 mode do not recognise these (#UD).
void require_protected(const Cpu& c) {
  if (!c.state().protected_mode()) throw GuestFault::make(kUD);
}

/// Writes a selector-sized result: 16 bits to memory, zero-extended to a
/// 32-bit register with 32-bit operand size, and to all 64 bits with REX.W
/// (a 32-bit register write clears 63:32; SDM Vol. 2B SLDT/STR).
void store_selector(Cpu& c, const DecodedInsn& d, u16 v) {
  if (d.mod() == 3 && d.o32) {
    c.set_reg<u32>(d.xrm(), v);
  } else {
    c.write_rm<u16>(d, v);
  }
}

/// The descriptor for LAR/LSL/VERR/VERW, or nothing when the selector is
/// null or beyond its table (these instructions clear ZF instead of faulting).
bool probe(Cpu& c, u16 sel, Descriptor& out) {
  if (sel_null(sel)) return false;
  const CpuState& s = c.state();
  const u32 limit = sel_ldt(sel) ? s.ldtr.limit : s.gdtr.limit;
  if (sel_ldt(sel) && sel_null(s.ldtr.selector)) return false;
  if ((sel & ~7u) + 7 > limit) return false;
  out = c.fetch_descriptor(sel);
  return true;
}

/// Privilege test shared by LAR, LSL, VERR, VERW: conforming code passes,
/// everything else needs DPL >= CPL and DPL >= RPL.
bool visible(const Cpu& c, const Descriptor& d, u16 sel) {
  if (d.conforming()) return true;
  return d.dpl() >= c.state().cpl && d.dpl() >= sel_rpl(sel);
}

void set_zf(Cpu& c, bool v) { c.state().flags.set_some(fl::ZF, v ? fl::ZF : 0); }

}  // namespace

void grp6(Cpu& c, const DecodedInsn& d) {
  require_protected(c);
  CpuState& s = c.state();
  // CR4.UMIP: SLDT and STR at CPL > 0 are #GP(0) (SDM Vol. 3A 2.5).
  if (d.reg() <= 1 && (s.cr4 & (u64{1} << 11)) && s.cpl > 0) throw GuestFault::make(kGP, 0);
  switch (d.reg()) {
    case 0: store_selector(c, d, s.ldtr.selector); return;  // SLDT
    case 1: store_selector(c, d, s.tr.selector); return;    // STR
    case 2:                                                  // LLDT
      c.require_cpl0();
      c.load_ldt(c.read_rm<u16>(d));
      return;
    case 3:  // LTR
      c.require_cpl0();
      c.load_tr(c.read_rm<u16>(d));
      return;
    case 4:
    case 5: {  // VERR, VERW
      const u16 sel = c.read_rm<u16>(d);
      Descriptor desc;
      bool ok = probe(c, sel, desc) && desc.is_segment() && visible(c, desc, sel);
      if (ok) ok = d.reg() == 4 ? desc.readable() : desc.writable();
      set_zf(c, ok);
      return;
    }
    default: throw GuestFault::make(kUD);
  }
}

void lar(Cpu& c, const DecodedInsn& d) {
  require_protected(c);
  const u16 sel = c.read_rm<u16>(d);
  Descriptor desc;
  bool ok = probe(c, sel, desc) && visible(c, desc, sel);
  if (ok && !desc.is_segment()) {
    // Valid system types: TSSs, LDT, call and task gates (not int/trap
    // gates); in IA-32e mode only the LDT, the 64-bit TSS and the 64-bit
    // call gate (SDM Vol. 2A LAR, Table 3-61).
    static constexpr bool kValid[16] = {false, true, true, true, true, true, false, false,
                                        false, true, false, true, true, false, false, false};
    static constexpr bool kValid64[16] = {false, false, true, false, false, false, false, false,
                                          false, true, false, true, true, false, false, false};
    ok = (c.state().lma() ? kValid64 : kValid)[desc.type()];
  }
  set_zf(c, ok);
  if (!ok) return;
  // The access rights, zero-extended to 32 or 64 bits (a u32 write clears 63:32).
  const u32 hi = static_cast<u32>(desc.raw >> 32);
  if (d.o32) {
    c.set_reg<u32>(d.xreg(), hi & 0x00F0'FF00u);
  } else {
    c.set_reg<u16>(d.xreg(), static_cast<u16>(hi & 0xFF00));
  }
}

void lsl(Cpu& c, const DecodedInsn& d) {
  require_protected(c);
  const u16 sel = c.read_rm<u16>(d);
  Descriptor desc;
  bool ok = probe(c, sel, desc) && visible(c, desc, sel);
  if (ok && !desc.is_segment()) {
    // In IA-32e mode only the LDT and the 64-bit TSS (SDM Vol. 2A LSL, Table 3-63).
    const u8 t = desc.type();
    const bool tss16 = (t == sys::kTss16Avail || t == sys::kTss16Busy) && !c.state().lma();
    ok = tss16 || t == sys::kLdt || t == sys::kTss32Avail || t == sys::kTss32Busy;
  }
  set_zf(c, ok);
  if (!ok) return;
  // The limit, zero-extended to 64 bits with REX.W (a u32 write clears 63:32).
  if (d.o32) {
    c.set_reg<u32>(d.xreg(), desc.limit());
  } else {
    c.set_reg<u16>(d.xreg(), static_cast<u16>(desc.limit()));
  }
}

void arpl(Cpu& c, const DecodedInsn& d) {
  require_protected(c);
  const u16 dst = c.read_rm<u16>(d);  // (written before ZF changes)
  const u16 src = c.reg<u16>(d.xreg());
  if (sel_rpl(dst) < sel_rpl(src)) {
    c.write_rm<u16>(d, static_cast<u16>((dst & ~3u) | sel_rpl(src)));
    set_zf(c, true);
  } else {
    set_zf(c, false);
  }
}

void rdpmc(Cpu& c, const DecodedInsn&) {
  // P6: counters 0 and 1, readable at CPL > 0 only with CR4.PCE (SDM Vol. 2B
  // RDPMC). No events are modelled, so they read as zero.
  CpuState& s = c.state();
  if (s.pe() && s.cpl != 0 && !(s.cr4 & 0x100)) throw GuestFault::make(kGP, 0);
  if (s.gpr[ECX] > 1) throw GuestFault::make(kGP, 0);
  s.gpr[EAX] = 0;
  s.gpr[EDX] = 0;
}

// The MSRs themselves: cpu/msr.cpp.
void rdmsr(Cpu& c, const DecodedInsn&) {
  c.require_cpl0();
  CpuState& s = c.state();
  const u64 v = read_msr(c, s.gpr[ECX]);
  s.gpr[EAX] = static_cast<u32>(v);
  s.gpr[EDX] = static_cast<u32>(v >> 32);
}

void wrmsr(Cpu& c, const DecodedInsn&) {
  c.require_cpl0();
  const CpuState& s = c.state();
  write_msr(c, s.gpr[ECX], (u64{s.gpr[EDX]} << 32) | s.gpr[EAX]);
}

namespace {
/// Flat 4 GiB segment caches SYSENTER/SYSEXIT load without reading the GDT;
/// `long_code`: a 64-bit code segment (L = 1, D = 0; SDM Vol. 2B SYSENTER).
void flat(Segment& sg, u16 sel, bool code, unsigned dpl, bool long_code = false) {
  sg.selector = sel;
  sg.base = 0;
  sg.limit = 0xFFFF'FFFFu;
  sg.access = static_cast<u8>(0x80 | (dpl << 5) | 0x10 | (code ? 0xB : 0x3));
  sg.flags = long_code ? 0xA : 0xC;
  sg.big = !long_code;
  sg.refresh(true);
}
}  // namespace

void sysenter(Cpu& c, const DecodedInsn&) {
  // SDM Vol. 2B SYSENTER: #GP(0) in real mode or with SYSENTER_CS = 0.
  CpuState& s = c.state();
  if (!s.pe() || (s.msr_sysenter_cs & 0xFFFC) == 0) throw GuestFault::make(kGP, 0);
  s.eflags_rest &= ~(fl::VM | fl::IF | fl::RF);
  const u16 cs = static_cast<u16>(s.msr_sysenter_cs & 0xFFFC);
  // In IA-32e mode (from compatibility or 64-bit mode) SYSENTER enters
  // 64-bit mode with the full 64-bit SYSENTER_ESP/EIP.
  const bool ia32e = s.lma();
  flat(s.seg[CS], cs, true, 0, ia32e);
  flat(s.seg[SS], static_cast<u16>(cs + 8), false, 0);
  s.cpl = 0;
  s.gpr[ESP] = ia32e ? s.msr_sysenter_esp : static_cast<u32>(s.msr_sysenter_esp);
  s.rip = ia32e ? s.msr_sysenter_eip : static_cast<u32>(s.msr_sysenter_eip);
  c.update_mode();
  c.end_block();
}

void sysexit(Cpu& c, const DecodedInsn& d) {
  CpuState& s = c.state();
  if (!s.protected_mode() || s.cpl != 0 || (s.msr_sysenter_cs & 0xFFFC) == 0) throw GuestFault::make(kGP, 0);
  const u16 cs = static_cast<u16>(s.msr_sysenter_cs);
  if (d.o64) {
    // REX.W: back to 64-bit mode, CS = SYSENTER_CS + 32, SS = + 40; RCX and
    // RDX must be canonical (SDM Vol. 2B SYSEXIT).
    if (!c.canonical(s.gpr[ECX]) || !c.canonical(s.gpr[EDX])) throw GuestFault::make(kGP, 0);
    flat(s.seg[CS], static_cast<u16>((cs + 32) | 3), true, 3, true);
    flat(s.seg[SS], static_cast<u16>((cs + 40) | 3), false, 3);
    s.cpl = 3;
    s.gpr[ESP] = s.gpr[ECX];
    s.rip = s.gpr[EDX];
    c.update_mode();
    return;
  }
  flat(s.seg[CS], static_cast<u16>((cs + 16) | 3), true, 3);
  flat(s.seg[SS], static_cast<u16>((cs + 24) | 3), false, 3);
  s.cpl = 3;
  s.gpr[ESP] = static_cast<u32>(s.gpr[ECX]);
  s.rip = static_cast<u32>(s.gpr[EDX]);
  c.update_mode();
}

/// 0F C7 /1: CMPXCHG8B m64, and with REX.W CMPXCHG16B m128 (64-bit mode,
/// SDM Vol. 2A CMPXCHG8B/CMPXCHG16B). EDX:EAX (RDX:RAX) is compared with
/// the operand: equal, ECX:EBX (RCX:RBX) is stored and ZF set; else the
/// operand is loaded into EDX:EAX (RDX:RAX; the 32-bit loads clear bits
/// 63-32 in 64-bit mode) and ZF cleared. The destination is written in both
/// cases (a locked read-modify-write writes back the old value), so a
/// read-only operand faults either way. CMPXCHG16B raises #UD on a model
/// without CPUID.1:ECX.CX16 and #GP(0) on an operand not 16-byte aligned.
void cmpxchg8b(Cpu& c, const DecodedInsn& d) {
  CpuState& s = c.state();
  const u64 off = c.ea(d);
  if (d.o64) {
    if (!c.model().cmpxchg16b) return op_invalid(c, d);
    if ((s.seg[d.seg].lbase + off) & 15) throw GuestFault::make(kGP, 0);
    const u64 next = (off + 8) & addr_mask(d);
    const u64 lo = c.read<u64>(d.seg, off), hi = c.read<u64>(d.seg, next);
    c.check_write(d.seg, off, 8);
    c.check_write(d.seg, next, 8);
    const bool eq = lo == s.gpr[EAX] && hi == s.gpr[EDX];
    c.write<u64>(d.seg, off, eq ? s.gpr[EBX] : lo);
    c.write<u64>(d.seg, next, eq ? s.gpr[ECX] : hi);
    if (!eq) {
      s.gpr[EAX] = lo;
      s.gpr[EDX] = hi;
    }
    set_zf(c, eq);
    return;
  }
  const u64 next = (off + 4) & addr_mask(d);
  const u32 lo = c.read<u32>(d.seg, off), hi = c.read<u32>(d.seg, next);
  c.check_write(d.seg, off, 4);
  c.check_write(d.seg, next, 4);
  if (lo == static_cast<u32>(s.gpr[EAX]) && hi == static_cast<u32>(s.gpr[EDX])) {
    c.write<u32>(d.seg, off, static_cast<u32>(s.gpr[EBX]));
    c.write<u32>(d.seg, next, static_cast<u32>(s.gpr[ECX]));
    set_zf(c, true);
  } else {
    // The destination is written back unchanged (a locked read-modify-write).
    c.write<u32>(d.seg, off, lo);
    c.write<u32>(d.seg, next, hi);
    s.gpr[EAX] = lo;
    s.gpr[EDX] = hi;
    set_zf(c, false);
  }
}

}  // namespace gb::ops
