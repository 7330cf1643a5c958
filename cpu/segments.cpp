// Segment register loads, descriptor tables, CR0.PE transitions, LLDT/LTR
// (SDM Vol. 3A ch. 3 and 5; Vol. 2B MOV, POP, LDS/LES/LFS/LGS/LSS).
#include "cpu/cpu.hpp"

namespace gb {

namespace {
GuestFault sel_fault(u8 vector, u16 selector) { return GuestFault::make(vector, selector & 0xFFFCu); }
}  // namespace

Descriptor Cpu::fetch_descriptor(u16 selector, u8 vector) {
  u64 base;
  u32 limit;
  if (sel_ldt(selector)) {
    // An LDT reference with a null LDTR is out of bounds (SDM Vol. 3A 3.5.1).
    if (sel_null(s_.ldtr.selector) || !s_.ldtr.present()) throw sel_fault(vector, selector);
    base = s_.ldtr.base;
    limit = s_.ldtr.limit;
  } else {
    base = s_.gdtr.base;
    limit = s_.gdtr.limit;
  }
  const u32 off = selector & ~7u;
  if (off + 7 > limit) throw sel_fault(vector, selector);
  const u64 lo = read_sys<u32>(base + off);
  const u64 hi = read_sys<u32>(base + off + 4);
  return Descriptor::from(lo | (hi << 32));
}

void Cpu::set_accessed(u16 selector, const Descriptor& d) {
  if (d.access() & 1) return;
  const u64 base = sel_ldt(selector) ? s_.ldtr.base : s_.gdtr.base;
  write_sys<u8>(base + (selector & ~7u) + 5, static_cast<u8>(d.access() | 1));
}

void Cpu::load_cache(unsigned seg, u16 selector, const Descriptor& d) {
  if (seg == CS) end_block();  // a new CS.D, CPL or base
  Segment& sg = s_.seg[seg];
  sg.selector = selector;
  sg.base = d.base();
  sg.limit = d.limit();
  sg.access = static_cast<u8>(d.access() | (d.is_segment() ? 1 : 0));
  sg.flags = d.flags();
  sg.big = d.big();
  refresh_one(seg);
}

void Cpu::refresh_segments() { update_mode(); }

void Cpu::refresh_one(unsigned seg) {
  if (seg == CS) {
    // Outside IA-32e mode CS.L means nothing: only CS and the IP width change.
    if (s_.lma()) return update_mode();
    end_block();
    s_.seg[CS].refresh(s_.protected_mode());
    ip_mask_ = s_.seg[CS].big ? 0xFFFF'FFFFu : 0xFFFFu;
    return;
  }
  s_.seg[seg].refresh(s_.protected_mode(), mode64_, seg >= FS);
  if (seg == SS) sp_mask_ = mode64_ ? ~u64{0} : s_.seg[SS].big ? 0xFFFF'FFFFu : 0xFFFFu;
}

void Cpu::update_mode() {
  end_block();
  const bool checks = s_.protected_mode();
  mode64_ = s_.mode64();
  for (unsigned i = 0; i < 6; ++i) s_.seg[i].refresh(checks, mode64_, i >= FS);
  lin_mask_ = mode64_ ? ~u64{0} : 0xFFFF'FFFFu;
  sp_mask_ = mode64_ ? ~u64{0} : s_.seg[SS].big ? 0xFFFF'FFFFu : 0xFFFFu;
  ip_mask_ = mode64_ ? ~u64{0} : s_.seg[CS].big ? 0xFFFF'FFFFu : 0xFFFFu;
}

void Cpu::load_segment(unsigned seg, u16 selector) {
  Segment& sg = s_.seg[seg];
  if (!s_.protected_mode()) {
    // Real mode: only the selector and base change; limit and attributes
    // keep what the cache holds (SDM Vol. 3A 20.1.1, "unreal mode").
    // Virtual-8086 mode: a 64 KiB read/write data segment at DPL 3 (20.2.1).
    sg.selector = selector;
    sg.base = u32{selector} << 4;
    if (s_.v86()) {
      sg.limit = 0xFFFF;
      sg.access = 0xF3;
      sg.flags = 0;
      sg.big = false;
    }
    refresh_one(seg);
    return;
  }
  const unsigned rpl = sel_rpl(selector), cpl = s_.cpl;
  if (seg == SS) {
    if (sel_null(selector)) throw GuestFault::make(kGP, 0);
    const Descriptor d = fetch_descriptor(selector);
    if (rpl != cpl || !d.is_data() || !d.writable() || d.dpl() != cpl) throw sel_fault(kGP, selector);
    if (!d.present()) throw sel_fault(kSS, selector);
    set_accessed(selector, d);
    load_cache(SS, selector, d);
    return;
  }
  if (sel_null(selector)) {
    // A null selector loads; any later access through it raises #GP(0).
    sg.selector = selector;
    sg.access = 0;
    refresh_one(seg);
    return;
  }
  const Descriptor d = fetch_descriptor(selector);
  if (!d.is_data() && !(d.is_code() && d.readable())) throw sel_fault(kGP, selector);
  if (!d.conforming() && (rpl > d.dpl() || cpl > d.dpl())) throw sel_fault(kGP, selector);
  if (!d.present()) throw sel_fault(kNP, selector);
  set_accessed(selector, d);
  load_cache(seg, selector, d);
}

void Cpu::null_inaccessible_segments() {
  // RET/IRET to an outer level: data (and non-conforming code) segments
  // more privileged than the new CPL become null (SDM Vol. 2B RET, IRET).
  for (unsigned seg : {ES, DS, FS, GS}) {
    Segment& sg = s_.seg[seg];
    const bool conforming_code = sg.is_code() && (sg.access & 4);
    if (!conforming_code && sg.dpl() < s_.cpl) {
      sg.selector = 0;
      sg.access = 0;
      refresh_one(seg);
    }
  }
}

void Cpu::write_cr0(u64 v) {
  end_block();
  // SDM Vol. 3A 2.5 and Vol. 2B MOV CR0: PG without PE, or NW without CD,
  // is #GP(0); so are bits 63-32 set. The 386 keeps ET as written; later
  // models force it to 1.
  if (v >> 32) throw GuestFault::make(kGP, 0);
  if ((v & 0x8000'0000u) && !(v & 1)) throw GuestFault::make(kGP, 0);
  if (model_.at_least(CpuFamily::i486)) {
    if ((v & 0x2000'0000u) && !(v & 0x4000'0000u)) throw GuestFault::make(kGP, 0);
    v |= 0x10;
  }
  const u64 old = s_.cr0;
  const bool pg_on = (v & ~old) & 0x8000'0000u, pg_off = (old & ~v) & 0x8000'0000u;
  // IA-32e mode activation and deactivation (SDM Vol. 3A 10.8.5, Vol. 2B
  // MOV CR): setting PG with EFER.LME needs CR4.PAE, and sets EFER.LMA;
  // clearing PG leaves IA-32e mode, which 64-bit code cannot do (#GP(0)).
  if (pg_on && (s_.efer & msr::kEferLme)) {
    if (!(s_.cr4 & 0x20)) throw GuestFault::make(kGP, 0);
    s_.efer |= msr::kEferLma;
  }
  if (pg_off && s_.lma()) {
    if (mode64_) throw GuestFault::make(kGP, 0);
    s_.efer &= ~msr::kEferLma;
  }
  s_.cr0 = v;
  if (((old ^ v) & 1) || pg_on || pg_off) {
    if ((old ^ v) & 1) s_.cpl = 0;  // entering or leaving PE happens at CPL 0
    refresh_segments();
  }
  // PG or WP changes flush the whole TLB, globals included (SDM Vol. 3A
  // 4.10.4.1); turning PAE paging on loads the PDPTEs.
  if ((old ^ v) & 0x8001'0000u) update_paging(TlbFlush::All);
}

void Cpu::load_ldt(u16 selector) {
  if (sel_null(selector)) {
    s_.ldtr = Segment{};
    s_.ldtr.selector = selector;
    s_.ldtr.access = 0;
    return;
  }
  if (sel_ldt(selector)) throw sel_fault(kGP, selector);
  const Descriptor d = fetch_descriptor(selector);
  if (d.is_segment() || d.type() != sys::kLdt) throw sel_fault(kGP, selector);
  if (!d.present()) throw sel_fault(kNP, selector);
  s_.ldtr.selector = selector;
  s_.ldtr.base = d.base();
  s_.ldtr.limit = d.limit();
  s_.ldtr.access = d.access();
  s_.ldtr.flags = d.flags();
}

void Cpu::load_tr(u16 selector) {
  if (sel_null(selector)) throw GuestFault::make(kGP, 0);
  if (sel_ldt(selector)) throw sel_fault(kGP, selector);
  const Descriptor d = fetch_descriptor(selector);
  if (d.is_segment() || (d.type() != sys::kTss16Avail && d.type() != sys::kTss32Avail)) throw sel_fault(kGP, selector);
  if (!d.present()) throw sel_fault(kNP, selector);
  // LTR marks the TSS busy (SDM Vol. 2A LTR).
  write_sys<u8>(s_.gdtr.base + (selector & ~7u) + 5, static_cast<u8>(d.access() | 2));
  s_.tr.selector = selector;
  s_.tr.base = d.base();
  s_.tr.limit = d.limit();
  s_.tr.access = static_cast<u8>(d.access() | 2);
  s_.tr.flags = d.flags();
}

}  // namespace gb
