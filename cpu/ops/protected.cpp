#include "cpu/ops/protected.hpp"

#include "cpu/msr.hpp"

namespace gb::ops {

namespace {

/// Real and virtual-8086 mode do not recognise these (#UD).
void require_protected(const Cpu& c) {
  if (!c.state().protected_mode()) throw GuestFault::make(kUD);
}

/// Writes a selector-sized result: 16 bits to memory, zero-extended to a
/// 32-bit register with 32-bit operand size (SDM Vol. 2B SLDT/STR).
void store_selector(Cpu& c, const DecodedInsn& d, u16 v) {
  if (d.mod() == 3 && d.o32) {
    c.set_reg<u32>(d.rm(), v);
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
    // Valid system types: TSSs, LDT, call and task gates (not int/trap gates).
    static constexpr bool kValid[16] = {false, true, true, true, true, true, false, false,
                                        false, true, false, true, true, false, false, false};
    ok = kValid[desc.type()];
  }
  set_zf(c, ok);
  if (!ok) return;
  const u32 hi = static_cast<u32>(desc.raw >> 32);
  if (d.o32) {
    c.set_reg<u32>(d.reg(), hi & 0x00F0'FF00u);
  } else {
    c.set_reg<u16>(d.reg(), static_cast<u16>(hi & 0xFF00));
  }
}

void lsl(Cpu& c, const DecodedInsn& d) {
  require_protected(c);
  const u16 sel = c.read_rm<u16>(d);
  Descriptor desc;
  bool ok = probe(c, sel, desc) && visible(c, desc, sel);
  if (ok && !desc.is_segment()) {
    const u8 t = desc.type();
    ok = t == sys::kTss16Avail || t == sys::kLdt || t == sys::kTss16Busy || t == sys::kTss32Avail || t == sys::kTss32Busy;
  }
  set_zf(c, ok);
  if (!ok) return;
  if (d.o32) {
    c.set_reg<u32>(d.reg(), desc.limit());
  } else {
    c.set_reg<u16>(d.reg(), static_cast<u16>(desc.limit()));
  }
}

void arpl(Cpu& c, const DecodedInsn& d) {
  require_protected(c);
  const u16 dst = c.read_rm<u16>(d);
  const u16 src = c.reg<u16>(d.reg());
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
/// Flat 4 GiB segment caches SYSENTER/SYSEXIT load without reading the GDT.
void flat(Segment& sg, u16 sel, bool code, unsigned dpl) {
  sg.selector = sel;
  sg.base = 0;
  sg.limit = 0xFFFF'FFFFu;
  sg.access = static_cast<u8>(0x80 | (dpl << 5) | 0x10 | (code ? 0xB : 0x3));
  sg.flags = 0xC;
  sg.big = true;
  sg.refresh(true);
}
}  // namespace

void sysenter(Cpu& c, const DecodedInsn&) {
  // SDM Vol. 2B SYSENTER: #GP(0) in real mode or with SYSENTER_CS = 0.
  CpuState& s = c.state();
  if (!s.pe() || (s.msr_sysenter_cs & 0xFFFC) == 0) throw GuestFault::make(kGP, 0);
  s.eflags_rest &= ~(fl::VM | fl::IF | fl::RF);
  const u16 cs = static_cast<u16>(s.msr_sysenter_cs & 0xFFFC);
  flat(s.seg[CS], cs, true, 0);
  flat(s.seg[SS], static_cast<u16>(cs + 8), false, 0);
  s.cpl = 0;
  s.gpr[ESP] = static_cast<u32>(s.msr_sysenter_esp);
  s.rip = static_cast<u32>(s.msr_sysenter_eip);
  c.refresh_segments();
  c.end_block();
}

void sysexit(Cpu& c, const DecodedInsn&) {
  CpuState& s = c.state();
  if (!s.protected_mode() || s.cpl != 0 || (s.msr_sysenter_cs & 0xFFFC) == 0) throw GuestFault::make(kGP, 0);
  const u16 cs = static_cast<u16>(s.msr_sysenter_cs);
  flat(s.seg[CS], static_cast<u16>((cs + 16) | 3), true, 3);
  flat(s.seg[SS], static_cast<u16>((cs + 24) | 3), false, 3);
  s.cpl = 3;
  s.gpr[ESP] = s.gpr[ECX];
  s.rip = s.gpr[EDX];
  c.refresh_segments();
}

void cmpxchg8b(Cpu& c, const DecodedInsn& d) {
  CpuState& s = c.state();
  const u32 off = c.ea(d);
  const u32 next = d.a32 ? off + 4 : (off + 4) & 0xFFFF;
  const u32 lo = c.read<u32>(d.seg, off), hi = c.read<u32>(d.seg, next);
  c.check_write(d.seg, off, 4);
  c.check_write(d.seg, next, 4);
  if (lo == s.gpr[EAX] && hi == s.gpr[EDX]) {
    c.write<u32>(d.seg, off, s.gpr[EBX]);
    c.write<u32>(d.seg, next, s.gpr[ECX]);
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
