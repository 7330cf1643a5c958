// Segment register loads, descriptor tables, CR0.PE transitions, LLDT/LTR
// (SDM Vol. 3A ch. 3 and 5; Vol. 2B MOV, POP, LDS/LES/LFS/LGS/LSS).
#include "cpu/cpu.hpp"

namespace gb {

namespace {
GuestFault sel_fault(u8 vector, u16 selector, bool ext = false) {
  return GuestFault::make(vector, (selector & 0xFFFCu) | (ext ? 1u : 0u));
}
}  // namespace

Descriptor Cpu::fetch_descriptor(u16 selector, u8 vector, bool ext) {
  u64 base;
  u32 limit;
  if (sel_ldt(selector)) {
    // An LDT reference with a null LDTR is out of bounds (SDM Vol. 3A 3.5.1).
    if (sel_null(s_.ldtr.selector) || !s_.ldtr.present()) throw sel_fault(vector, selector, ext);
    base = s_.ldtr.base;
    limit = s_.ldtr.limit;
  } else {
    base = s_.gdtr.base;
    limit = s_.gdtr.limit;
  }
  const u32 off = selector & ~7u;
  if (off + 7 > limit) throw sel_fault(vector, selector, ext);
  const u64 lo = read_sys<u32>(base + off);
  const u64 hi = read_sys<u32>(base + off + 4);
  return Descriptor::from(lo | (hi << 32));
}

u64 Cpu::fetch_descriptor_high(u16 selector, u8 vector) {
  // 16-byte system descriptors and call gates in IA-32e mode (SDM Vol. 3A
  // 3.5.2, 5.8.3.1): the second quadword must lie within the table too.
  const bool ldt = sel_ldt(selector);
  const u64 base = ldt ? s_.ldtr.base : s_.gdtr.base;
  const u32 limit = ldt ? s_.ldtr.limit : s_.gdtr.limit;
  const u32 off = (selector & ~7u) + 8;
  if (off + 7 > limit) throw sel_fault(vector, selector);
  return read_sys<u64>(base + off);
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
  update_fast_sets();  // (EFLAGS.AC, after a state edit between runs)
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
    if (sel_null(selector)) {
      // In 64-bit mode SS can be loaded with a NULL selector at CPL 0-2
      // when RPL = CPL (SDM Vol. 2B MOV, POP, LSS: 64-bit mode exceptions).
      if (!mode64_ || cpl == 3 || rpl != cpl) throw GuestFault::make(kGP, 0);
      load_null_ss(selector);
      return;
    }
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

void Cpu::load_null_ss(u16 selector) {
  Segment& ss = s_.seg[SS];
  ss.selector = selector;
  ss.base = 0;
  ss.limit = 0;
  ss.access = static_cast<u8>(sel_rpl(selector) << 5);
  ss.flags = 0;
  ss.big = false;
  refresh_one(SS);
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
    update_mode();
  }
  // PG or WP changes flush the whole TLB, globals included (SDM Vol. 3A
  // 4.10.4.1); turning PAE paging on loads the PDPTEs.
  if ((old ^ v) & 0x8001'0000u) update_paging(TlbFlush::All);
}

u64 Cpu::system_base64(u16 selector, const Descriptor& d) {
  // IA-32e mode LDT and TSS descriptors are 16 bytes: base 63:32 in the
  // second quadword, whose type field (bits 12:8 of its upper doubleword)
  // must be 0; a non-canonical base is #GP(selector) (SDM Vol. 3A 3.5.2,
  // Vol. 2A LLDT, LTR).
  const u64 high = fetch_descriptor_high(selector);
  if ((high >> 40) & 0x1F) throw sel_fault(kGP, selector);
  const u64 base = d.base64(high);
  if (!canonical(base)) throw sel_fault(kGP, selector);
  return base;
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
  const u64 base = s_.lma() ? system_base64(selector, d) : d.base();
  s_.ldtr.selector = selector;
  s_.ldtr.base = base;
  s_.ldtr.limit = d.limit();
  s_.ldtr.access = d.access();
  s_.ldtr.flags = d.flags();
}

void Cpu::load_tr(u16 selector) {
  if (sel_null(selector)) throw GuestFault::make(kGP, 0);
  if (sel_ldt(selector)) throw sel_fault(kGP, selector);
  const Descriptor d = fetch_descriptor(selector);
  // In IA-32e mode only the 64-bit TSS (type 9) loads (SDM Vol. 2A LTR, Vol. 3A 8.7).
  const bool valid = d.type() == sys::kTss32Avail || (d.type() == sys::kTss16Avail && !s_.lma());
  if (d.is_segment() || !valid) throw sel_fault(kGP, selector);
  if (!d.present()) throw sel_fault(kNP, selector);
  const u64 base = s_.lma() ? system_base64(selector, d) : d.base();
  // LTR marks the TSS busy (SDM Vol. 2A LTR).
  write_sys<u8>(s_.gdtr.base + (selector & ~7u) + 5, static_cast<u8>(d.access() | 2));
  s_.tr.selector = selector;
  s_.tr.base = base;
  s_.tr.limit = d.limit();
  s_.tr.access = static_cast<u8>(d.access() | 2);
  s_.tr.flags = d.flags();
}

}  // namespace gb
