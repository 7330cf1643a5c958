#include "cpu/ops/protected.hpp"

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

namespace msr {
constexpr u32 kEfer = 0xC000'0080u;
constexpr u32 kTsc = 0x10, kApicBase = 0x1B, kSysenterCs = 0x174, kSysenterEsp = 0x175, kSysenterEip = 0x176;
constexpr u32 kMiscEnable = 0x1A0;
constexpr u32 kBiosSignId = 0x8B;  // IA32_BIOS_SIGN_ID
constexpr u32 kPlatformId = 0x17;  // IA32_PLATFORM_ID
constexpr u32 kPat = 0x277;        // IA32_PAT

// IA32_PAT (SDM Vol. 3A 11.12.2): eight memory types, one per byte; 2, 3
// and 8-FFh are reserved (#GP(0) on WRMSR). Glassbox has no caches: the
// types are kept, not acted on.
bool pat_valid(u64 v) {
  for (unsigned i = 0; i < 8; ++i) {
    const unsigned t = (v >> (8 * i)) & 0xFF;
    if (t == 2 || t == 3 || t > 7) return false;
  }
  return true;
}

// IA32_MISC_ENABLE (SDM Vol. 4 Table 2-2): bit 0 fast strings and, with
// MONITOR, bit 18 ENABLE MONITOR FSM are writable; bits 11 (branch trace
// storage unavailable) and 12 (PEBS unavailable) read 1; the rest read 0:
// no thermal control, performance monitoring, Enhanced SpeedStep, CPUID
// limit or XD disable (bits 3, 7, 16, 22, 34), which Glassbox lacks.
u64 misc_enable_writable(const CpuModel& m) { return m.has(Isa::Monitor) ? 0x4'0001 : 0x1; }
u64 misc_enable(const CpuState& s, const CpuModel& m) {
  return (s.msr_misc_enable & misc_enable_writable(m)) | (1u << 11) | (1u << 12);
}
}

void rdmsr(Cpu& c, const DecodedInsn&) {
  c.require_cpl0();
  CpuState& s = c.state();
  const bool p6 = c.model().at_least(CpuFamily::p6);
  u64 v;
  switch (s.gpr[ECX]) {
    case msr::kTsc: v = s.tsc + c.instructions(); break;
    case msr::kApicBase:
      if (!p6) throw GuestFault::make(kGP, 0);
      v = s.msr_apic_base;
      break;
    case msr::kSysenterCs: if (!p6) throw GuestFault::make(kGP, 0); v = s.msr_sysenter_cs; break;
    case msr::kSysenterEsp: if (!p6) throw GuestFault::make(kGP, 0); v = s.msr_sysenter_esp; break;
    case msr::kSysenterEip: if (!p6) throw GuestFault::make(kGP, 0); v = s.msr_sysenter_eip; break;
    case msr::kEfer:
      if (!c.model().nx) throw GuestFault::make(kGP, 0);
      v = s.efer;
      break;
    case msr::kMiscEnable:
      if (!c.model().has_misc_enable()) throw GuestFault::make(kGP, 0);
      v = msr::misc_enable(s, c.model());
      break;
    case msr::kBiosSignId:
      // The P6 family's microcode update signature (SDM Vol. 3A 9.11.7.1):
      // EDX the revision after CPUID; no update is ever loaded: 0.
      if (!p6) throw GuestFault::make(kGP, 0);
      v = 0;
      break;
    case msr::kPlatformId:
      // Bits 52-50 the platform (socket) ID, which microcode updates are
      // matched against (SDM Vol. 3A 9.11.4): platform 0.
      if (!p6) throw GuestFault::make(kGP, 0);
      v = 0;
      break;
    case msr::kPat:
      if (!c.model().pat) throw GuestFault::make(kGP, 0);
      v = s.msr_pat;
      break;
    default: throw GuestFault::make(kGP, 0);  // not an MSR of this model
  }
  s.gpr[EAX] = static_cast<u32>(v);
  s.gpr[EDX] = static_cast<u32>(v >> 32);
}

void wrmsr(Cpu& c, const DecodedInsn&) {
  c.require_cpl0();
  CpuState& s = c.state();
  const bool p6 = c.model().at_least(CpuFamily::p6);
  const u64 v = (u64{s.gpr[EDX]} << 32) | s.gpr[EAX];
  switch (s.gpr[ECX]) {
    case msr::kTsc: s.tsc = v - c.instructions(); break;
    case msr::kApicBase: {
      // Bits 35-12 the base, 11 the global enable, 8 BSP (read-only: this is
      // the BSP); the others are reserved: #GP(0). With the 3-wire APIC bus
      // (Pentium Pro, II, III) a globally disabled APIC stays so until
      // reset; later models enable it again, the machine having put it in
      // its power-up state (SDM Vol. 3A 10.4.3, 10.4.4). The physical
      // address space here is 32 bits, so bits 35-32 are dropped.
      if (!p6 || (v & ~u64{0xF'FFFF'F900})) throw GuestFault::make(kGP, 0);
      const u64 enable = v & (c.model().apic_reenable ? 0x800 : s.msr_apic_base) & 0x800;
      c.write_apic_base((v & 0xFFFF'F000u) | enable | 0x100);
      break;
    }
    case msr::kSysenterCs: if (!p6) throw GuestFault::make(kGP, 0); s.msr_sysenter_cs = v & 0xFFFF; break;
    case msr::kSysenterEsp: if (!p6) throw GuestFault::make(kGP, 0); s.msr_sysenter_esp = v & 0xFFFF'FFFFu; break;
    case msr::kSysenterEip: if (!p6) throw GuestFault::make(kGP, 0); s.msr_sysenter_eip = v & 0xFFFF'FFFFu; break;
    case msr::kEfer: {
      // Only NXE is writable here (no long mode, no SYSCALL); any other bit
      // is reserved: #GP(0) (SDM Vol. 4 IA32_EFER).
      if (!c.model().nx || (v & ~u64{0x800})) throw GuestFault::make(kGP, 0);
      const bool changed = ((s.efer ^ v) & 0x800) != 0;
      s.efer = v;
      if (changed) c.update_paging(Cpu::TlbFlush::All);
      break;
    }
    case msr::kBiosSignId:
      // Software writes 0 before CPUID to read the signature; nothing to keep.
      if (!p6) throw GuestFault::make(kGP, 0);
      break;
    case msr::kPat:
      if (!c.model().pat || !msr::pat_valid(v)) throw GuestFault::make(kGP, 0);
      s.msr_pat = v;
      break;
    case msr::kMiscEnable: {
      // The read-only and unimplemented bits must keep their values.
      const CpuModel& m = c.model();
      const u64 rw = msr::misc_enable_writable(m);
      if (!m.has_misc_enable() || (v & ~rw) != (msr::misc_enable(s, m) & ~rw)) throw GuestFault::make(kGP, 0);
      s.msr_misc_enable = v & rw;
      break;
    }
    default: throw GuestFault::make(kGP, 0);
  }
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
