// The TSS: inner-level stacks, the I/O permission bitmap, and hardware task
// switches (SDM Vol. 3A ch. 7; Vol. 1 18.5).
#include "cpu/cpu.hpp"

namespace gb {

namespace {
GuestFault sel_fault(u8 vector, u16 selector) { return GuestFault::make(vector, selector & 0xFFFCu); }
bool tss32(const Segment& tr) { return (tr.access & 0xF) == sys::kTss32Avail || (tr.access & 0xF) == sys::kTss32Busy; }
}  // namespace

std::pair<u16, u32> Cpu::tss_stack(unsigned dpl, bool ext) {
  const Segment& tr = s_.tr;
  const GuestFault beyond = GuestFault::make(kTS, (tr.selector & 0xFFFCu) | (ext ? 1u : 0u));
  if (tss32(tr)) {
    const u32 off = 4 + dpl * 8;
    if (off + 7 > tr.limit) throw beyond;
    return {read_sys<u16>(tr.base + off + 4), read_sys<u32>(tr.base + off)};
  }
  const u32 off = 2 + dpl * 4;
  if (off + 3 > tr.limit) throw beyond;
  return {read_sys<u16>(tr.base + off + 2), read_sys<u16>(tr.base + off)};
}

u64 Cpu::tss_read64(u32 off, bool ext) {
  // The 64-bit TSS (SDM Vol. 3A 8.7, Figure 8-11): RSP0-2 at 4, 12, 20;
  // IST1-7 at 24h..54h; beyond the TSS limit is #TS(TR).
  if (off + 7 > s_.tr.limit) throw GuestFault::make(kTS, (s_.tr.selector & 0xFFFCu) | (ext ? 1u : 0u));
  return read_sys<u64>(s_.tr.base + off);
}

void Cpu::check_io(u16 port, unsigned size) {
  if (!s_.pe() || (!s_.v86() && s_.cpl <= s_.iopl())) return;
  // The I/O permission bitmap of a 32-bit TSS, or of the 64-bit TSS in
  // IA-32e mode (same type values and the same I/O map base at 66h, SDM Vol.
  // 3A 8.7): every bit of the access must be clear, and the bitmap bytes must
  // lie within the TSS limit.
  const Segment& tr = s_.tr;
  if (!tss32(tr) || tr.limit < 0x67) throw GuestFault::make(kGP, 0);
  const u32 map = read_sys<u16>(tr.base + 0x66);
  const u32 byte = map + port / 8;
  if (byte + 1 > tr.limit) throw GuestFault::make(kGP, 0);
  const u32 bits = read_sys<u16>(tr.base + byte);
  const u32 mask = ((1u << size) - 1) << (port & 7);
  if (bits & mask) throw GuestFault::make(kGP, 0);
}

void Cpu::task_switch(u16 selector, const Descriptor& nd, TaskSwitch kind, u64 return_eip, bool has_error,
                      u32 error) {
  end_block();
  const bool new32 = nd.type() == sys::kTss32Avail || nd.type() == sys::kTss32Busy;
  // SDM Vol. 3A 7.3 steps 1-14.
  if (!nd.present()) throw sel_fault(kNP, selector);
  if (nd.limit() < (new32 ? 0x67u : 0x2Bu)) throw sel_fault(kTS, selector);
  const bool busy = (nd.type() & 2) != 0;
  if (kind == TaskSwitch::Iret ? !busy : busy) throw sel_fault(kGP, selector);

  // Save the outgoing task's state into its TSS.
  const Segment old_tr = s_.tr;
  const u32 ob = old_tr.base;
  u32 old_flags = eflags();
  if (kind == TaskSwitch::Iret) old_flags &= ~fl::NT;
  if (tss32(old_tr)) {
    write_sys<u32>(ob + 0x20, return_eip);
    write_sys<u32>(ob + 0x24, old_flags);
    for (unsigned i = 0; i < 8; ++i) write_sys<u32>(ob + 0x28 + 4 * i, s_.gpr[i]);
    for (unsigned i = 0; i < 6; ++i) write_sys<u16>(ob + 0x48 + 4 * i, s_.seg[i].selector);
  } else {
    write_sys<u16>(ob + 0x0E, static_cast<u16>(return_eip));
    write_sys<u16>(ob + 0x10, static_cast<u16>(old_flags));
    for (unsigned i = 0; i < 8; ++i) write_sys<u16>(ob + 0x12 + 2 * i, static_cast<u16>(s_.gpr[i]));
    for (unsigned i = 0; i < 4; ++i) write_sys<u16>(ob + 0x22 + 2 * i, s_.seg[i].selector);
  }
  const u32 gdt = s_.gdtr.base;
  if (kind == TaskSwitch::Jmp || kind == TaskSwitch::Iret) {
    const u8 a = read_sys<u8>(gdt + (old_tr.selector & ~7u) + 5);
    write_sys<u8>(gdt + (old_tr.selector & ~7u) + 5, static_cast<u8>(a & ~2u));
  }

  // Read the incoming task's state.
  const u32 nb = nd.base();
  u32 eip, flags, cr3 = s_.cr3;
  std::array<u32, 8> gpr{};
  std::array<u16, 6> sel{};
  u16 ldt;
  if (new32) {
    cr3 = read_sys<u32>(nb + 0x1C);
    eip = read_sys<u32>(nb + 0x20);
    flags = read_sys<u32>(nb + 0x24);
    for (unsigned i = 0; i < 8; ++i) gpr[i] = read_sys<u32>(nb + 0x28 + 4 * i);
    for (unsigned i = 0; i < 6; ++i) sel[i] = read_sys<u16>(nb + 0x48 + 4 * i);
    ldt = read_sys<u16>(nb + 0x60);
  } else {
    eip = read_sys<u16>(nb + 0x0E);
    flags = read_sys<u16>(nb + 0x10) | (eflags() & 0xFFFF'0000u & ~fl::VM);
    for (unsigned i = 0; i < 8; ++i) gpr[i] = 0xFFFF'0000u | read_sys<u16>(nb + 0x12 + 2 * i);
    for (unsigned i = 0; i < 4; ++i) sel[i] = read_sys<u16>(nb + 0x22 + 2 * i);
    ldt = read_sys<u16>(nb + 0x2A);
  }
  if (kind == TaskSwitch::Call || kind == TaskSwitch::Interrupt) {
    write_sys<u16>(nb, old_tr.selector);  // back link
    flags |= fl::NT;
  }
  if (kind != TaskSwitch::Iret) {
    const u8 a = read_sys<u8>(gdt + (selector & ~7u) + 5);
    write_sys<u8>(gdt + (selector & ~7u) + 5, static_cast<u8>(a | 2));
  }

  // Switch: TR, CR0.TS, CR3, registers; then the segment loads, whose
  // faults are taken in the new task's context (SDM Vol. 3A 7.3 step 13).
  s_.tr.selector = selector;
  s_.tr.base = nb;
  s_.tr.limit = nd.limit();
  s_.tr.access = static_cast<u8>(nd.access() | (kind != TaskSwitch::Iret ? 2 : 0));
  s_.tr.flags = nd.flags();
  s_.cr0 |= 8;  // TS
  if (new32 && cr3 != s_.cr3) write_cr3(cr3);
  s_.rip = new32 ? eip : eip & 0xFFFF;
  for (unsigned i = 0; i < 8; ++i) s_.gpr[i] = gpr[i];
  s_.flags.set_all(flags);
  s_.eflags_rest = (flags & ~fl::ARITH & 0x003F'7FD7u) | 2;
  update_fast_sets();  // (EFLAGS.AC)
  for (unsigned i = 0; i < 6; ++i) s_.seg[i].selector = sel[i];
  if (s_.v86()) {
    s_.cpl = 3;
    for (unsigned i = 0; i < 6; ++i) load_segment(i, sel[i]);
    s_.seg[CS].limit = 0xFFFF;
    s_.seg[CS].access = 0xF3;
    s_.seg[CS].big = false;
    update_mode();
  } else {
    // LDT first, then CS (which sets CPL), SS and the data segments; each
    // failure is #TS(selector) (#NP/#SS for a not-present segment).
    if (!sel_null(ldt)) {
      if (sel_ldt(ldt)) throw sel_fault(kTS, ldt);
      const Descriptor ld = fetch_descriptor(ldt, kTS);
      if (ld.is_segment() || ld.type() != sys::kLdt) throw sel_fault(kTS, ldt);
      if (!ld.present()) throw sel_fault(kTS, ldt);
    }
    load_ldt(ldt);
    const u16 cs = sel[CS];
    if (sel_null(cs)) throw GuestFault::make(kTS, 0);
    const Descriptor cd = fetch_descriptor(cs, kTS);
    if (!cd.is_code() || (cd.conforming() ? cd.dpl() > sel_rpl(cs) : cd.dpl() != sel_rpl(cs))) throw sel_fault(kTS, cs);
    if (!cd.present()) throw sel_fault(kNP, cs);
    s_.cpl = static_cast<u8>(sel_rpl(cs));
    load_cache(CS, cs, cd);
    set_accessed(cs, cd);
    for (unsigned seg : {SS, DS, ES, FS, GS}) {
      if (!new32 && (seg == FS || seg == GS)) {
        load_segment(seg, 0);
        continue;
      }
      try {
        load_segment(seg, sel[seg]);
      } catch (const GuestFault& f) {
        throw GuestFault::make(f.vector == kGP ? u8{kTS} : f.vector, f.error);
      }
    }
  }
  if (has_error) {
    if (new32) {
      push<u32>(error);
    } else {
      push<u16>(static_cast<u16>(error));
    }
  }
  if (s_.rip > s_.seg[CS].limit) throw GuestFault::make(kGP, 0);
  // The debug trap flag (T, bit 0 of the word at 64h of a 32-bit TSS):
  // #DB once control is in the new task (SDM Vol. 3A 7.2.1, 17.3.1.5).
  if (new32 && (read_sys<u16>(nb + 0x64) & 1)) task_trap_ = true;
}

}  // namespace gb
