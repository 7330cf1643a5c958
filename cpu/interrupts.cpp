// Interrupt and exception delivery through the IVT (real mode) and the IDT
// (protected and virtual-8086 mode), SDM Vol. 3A 6.10-6.14, 20.1.4, 20.3.
#include "cpu/cpu.hpp"

namespace gb {

namespace {
GuestFault sel_fault(u8 vector, u16 selector, bool ext) {
  return GuestFault::make(vector, (selector & 0xFFFCu) | (ext ? 1u : 0u));
}
}  // namespace

void Cpu::interrupt(u8 vector, u64 return_eip, IntSource source, bool has_error, u32 error) {
  end_block();
  // Entering a handler discards the traps the instruction had pending
  // (single step, data breakpoints): they belong to the interrupted context
  // (SDM Vol. 3A 17.3.1.4; Bochs discards them the same way).
  handler_entered_ = true;
  pending_db_ = 0;
  // The processor clears DR7.GD on entry to the #DB handler, so that the
  // handler may use the debug registers (SDM Vol. 3A 17.2.4).
  if (vector == kDB && source == IntSource::Exception) s_.dr[7] &= ~kDr7Gd;
  if (!s_.pe()) {
    interrupt_real(vector, return_eip);
    return;
  }
  // INT n (CD ib) in virtual-8086 mode is IOPL-sensitive; INT3 and INTO
  // are not (SDM Vol. 3A 20.2.7).
  if (s_.v86() && source == IntSource::Software && s_.iopl() < 3) throw GuestFault::make(kGP, 0);
  interrupt_protected(vector, return_eip, source, has_error, error);
}

void Cpu::interrupt_real(u8 vector, u64 return_eip) {
  // Real-address-mode interrupt (SDM Vol. 2A, INT n operation, REAL-ADDRESS-MODE).
  const u32 off = u32{vector} * 4;
  if (model_.checks_limits() && off + 3 > s_.idtr.limit) throw GuestFault::make(kGP);
  const u16 new_ip = read_sys<u16>(s_.idtr.base + off);
  const u16 new_cs = read_sys<u16>(s_.idtr.base + off + 2);
  push<u16>(static_cast<u16>(eflags()));
  s_.eflags_rest &= ~(fl::IF | fl::TF | fl::AC);
  update_fast_sets();
  push<u16>(s_.seg[CS].selector);
  push<u16>(static_cast<u16>(return_eip));
  s_.seg[CS].selector = new_cs;
  s_.seg[CS].base = u32{new_cs} << 4;
  refresh_one(CS);
  s_.rip = new_ip;
  wake();
}

void Cpu::interrupt_protected(u8 vector, u64 return_eip, IntSource source, bool has_error, u32 error) {
  // IA-32e mode always uses the 64-bit IDT, from compatibility mode too (SDM Vol. 3A 6.14).
  if (s_.lma()) {
    interrupt_long(vector, return_eip, source, has_error, error);
    return;
  }
  const bool soft = source == IntSource::Software || source == IntSource::SoftwareNoIopl;
  const bool ext = !soft;
  const u16 idt_sel = static_cast<u16>(u32{vector} * 8 + 2);  // IDT bit in the error code
  const u32 off = u32{vector} * 8;
  if (off + 7 > s_.idtr.limit) throw GuestFault::make(kGP, idt_sel | (ext ? 1u : 0u));
  const u64 lo = read_sys<u32>(s_.idtr.base + off);
  const u64 hi = read_sys<u32>(s_.idtr.base + off + 4);
  const Descriptor gate = Descriptor::from(lo | (hi << 32));
  const u32 gate_err = idt_sel | (ext ? 1u : 0u);
  const u8 type = gate.type();
  const bool valid = !gate.is_segment() && (type == sys::kTaskGate || type == sys::kIntGate16 || type == sys::kTrapGate16 ||
                                            type == sys::kIntGate32 || type == sys::kTrapGate32);
  if (!valid) throw GuestFault::make(kGP, gate_err);
  // Software interrupts check the gate's DPL (SDM Vol. 3A 6.12.1.1).
  if (soft && gate.dpl() < s_.cpl) throw GuestFault::make(kGP, gate_err);
  if (!gate.present()) throw GuestFault::make(kNP, gate_err);
  if (type == sys::kTaskGate) {
    const u16 tss_sel = gate.gate_selector();
    if (sel_ldt(tss_sel)) throw sel_fault(kTS, tss_sel, ext);
    const Descriptor tss = fetch_descriptor(tss_sel, kTS, ext);
    if (tss.is_segment() || (tss.type() != sys::kTss16Avail && tss.type() != sys::kTss32Avail)) {
      throw sel_fault(kTS, tss_sel, ext);
    }
    if (!tss.present()) throw sel_fault(kNP, tss_sel, ext);
    task_switch(tss_sel, tss, TaskSwitch::Interrupt, return_eip, has_error, error);
    return;
  }
  const u16 target = gate.gate_selector();
  if (sel_null(target)) throw GuestFault::make(kGP, ext ? 1 : 0);
  // Faults on the way carry EXT for an event's delivery (SDM Vol. 3A 6.13).
  const Descriptor cd = fetch_descriptor(target, kGP, ext);
  if (!cd.is_code() || cd.dpl() > s_.cpl) throw sel_fault(kGP, target, ext);
  if (!cd.present()) throw sel_fault(kNP, target, ext);
  const bool gate32 = type >= 8;
  u32 dest = gate.gate_offset();
  if (!gate32) dest &= 0xFFFF;
  const bool from_v86 = s_.v86();
  const u32 old_flags = eflags();
  const u16 old_cs = s_.seg[CS].selector, old_ss = s_.seg[SS].selector;
  const u32 old_esp = s_.gpr[ESP];
  unsigned new_cpl = s_.cpl;
  auto push_v = [&](u32 v) {
    if (gate32) {
      push<u32>(v);
    } else {
      push<u16>(static_cast<u16>(v));
    }
  };
  if ((!cd.conforming() && cd.dpl() < s_.cpl) || from_v86) {
    // Inter-privilege: the handler's stack comes from the TSS. From V86
    // mode the handler must be a nonconforming code segment at DPL 0: a
    // conforming one, or any other DPL, is #GP(selector) (SDM Vol. 3A
    // 20.3.1.1; Vol. 2A INT n, where a conforming target from VM = 1 takes
    // the same-privilege path, which faults).
    if (from_v86 && (cd.conforming() || cd.dpl() != 0)) throw sel_fault(kGP, target, ext);
    new_cpl = cd.dpl();
    const auto [new_ss, new_esp] = tss_stack(new_cpl, ext);
    if (sel_null(new_ss)) throw GuestFault::make(kTS, ext ? 1 : 0);
    const Descriptor sd = fetch_descriptor(new_ss, kTS, ext);
    if (sel_rpl(new_ss) != new_cpl || sd.dpl() != new_cpl || !sd.is_data() || !sd.writable()) {
      throw sel_fault(kTS, new_ss, ext);
    }
    if (!sd.present()) throw sel_fault(kSS, new_ss, ext);
    if (dest > cd.limit()) throw GuestFault::make(kGP, 0);
    const Segment saved_ss = s_.seg[SS];
    const u8 saved_cpl = s_.cpl;
    s_.cpl = static_cast<u8>(new_cpl);
    set_accessed(new_ss, sd);
    load_cache(SS, new_ss, sd);
    s_.gpr[ESP] = new_esp;
    try {
      if (from_v86) {
        push_v(s_.seg[GS].selector);
        push_v(s_.seg[FS].selector);
        push_v(s_.seg[DS].selector);
        push_v(s_.seg[ES].selector);
      }
      push_v(old_ss);
      push_v(old_esp);
      push_v(old_flags);
      push_v(old_cs);
      push_v(return_eip);
      if (has_error) push_v(error);
    } catch (...) {
      s_.seg[SS] = saved_ss;
      s_.gpr[ESP] = old_esp;
      s_.cpl = saved_cpl;
      throw;
    }
    if (from_v86) {
      for (unsigned seg : {ES, DS, FS, GS}) {
        s_.seg[seg].selector = 0;
        s_.seg[seg].access = 0;
      }
    }
  } else {
    if (dest > cd.limit()) throw GuestFault::make(kGP, 0);
    push_v(old_flags);
    push_v(old_cs);
    push_v(return_eip);
    if (has_error) push_v(error);
  }
  set_accessed(target, cd);
  load_cache(CS, static_cast<u16>((target & ~3u) | new_cpl), cd);
  s_.cpl = static_cast<u8>(new_cpl);
  s_.rip = dest;
  // TF, NT, RF and VM clear; an interrupt gate also clears IF (6.12.1.2).
  s_.eflags_rest &= ~(fl::TF | fl::NT | fl::RF | fl::VM);
  if (type == sys::kIntGate16 || type == sys::kIntGate32) s_.eflags_rest &= ~fl::IF;
  update_mode();
  wake();
}

void Cpu::interrupt_long(u8 vector, u64 return_rip, IntSource source, bool has_error, u32 error) {
  // SDM Vol. 3A 6.14 and Vol. 2A INT n (IA-32E-MODE): 16-byte gates, whose
  // error codes still name the vector as an 8-byte index (vector*8 + IDT bit).
  const bool soft = source == IntSource::Software || source == IntSource::SoftwareNoIopl;
  const bool ext = !soft;
  const u32 gate_err = u32{vector} * 8 + 2 + (ext ? 1u : 0u);
  const u32 off = u32{vector} * 16;
  if (off + 15 > s_.idtr.limit) throw GuestFault::make(kGP, gate_err);
  const Descriptor gate = Descriptor::from(read_sys<u64>(s_.idtr.base + off));
  const u64 high = read_sys<u64>(s_.idtr.base + off + 8);
  // Only 64-bit interrupt and trap gates (types 14, 15); a task gate, or any
  // other type, is #GP(gate): there are no task switches (SDM Vol. 3A 6.14.1, 8.7).
  const u8 type = gate.type();
  if (gate.is_segment() || (type != sys::kIntGate32 && type != sys::kTrapGate32)) {
    throw GuestFault::make(kGP, gate_err);
  }
  if (soft && gate.dpl() < s_.cpl) throw GuestFault::make(kGP, gate_err);  // 6.12.1.1
  if (!gate.present()) throw GuestFault::make(kNP, gate_err);
  const u16 target = gate.gate_selector();
  if (sel_null(target)) throw GuestFault::make(kGP, ext ? 1 : 0);
  // Beyond the table: #GP(error_code(selector,0,EXT)) (Vol. 2A INT n).
  const Descriptor cd = fetch_descriptor(target, kGP, ext);
  if (!cd.is_code() || cd.dpl() > s_.cpl) throw sel_fault(kGP, target, ext);
  if (!cd.present()) throw sel_fault(kNP, target, ext);
  // The target must be a 64-bit code segment: L = 1, D = 0 (6.14.1).
  if (!cd.long_code() || cd.big()) throw sel_fault(kGP, target, ext);
  const u64 dest = gate.gate_offset64(high);
  if (!canonical(dest)) throw GuestFault::make(kGP, ext ? 1 : 0);
  const bool raise = !cd.conforming() && cd.dpl() < s_.cpl;
  const unsigned new_cpl = raise ? cd.dpl() : s_.cpl;
  // The new RSP: TSS.ISTn when the gate names one, at any privilege level
  // (6.14.5); else TSS.RSPn on a privilege change (6.14.4); else the current
  // RSP. It is aligned down to 16 bytes before the pushes (6.14.2).
  u64 rsp = s_.gpr[ESP];
  if (gate.gate_ist() != 0) {
    rsp = tss_read64(0x1C + gate.gate_ist() * 8, ext);
  } else if (raise) {
    rsp = tss_read64(4 + new_cpl * 8, ext);
  }
  rsp &= ~u64{0xF};
  const u64 frame = rsp - (has_error ? 48 : 40);
  if (!canonical(rsp - 1) || !canonical(frame)) throw GuestFault::make(kSS, ext ? 1 : 0);
  // The frame always holds SS:RSP, RFLAGS, CS:RIP (and the error code) as
  // quadwords, written with the new CPL's rights.
  const u64 slots[6] = {return_rip, s_.seg[CS].selector, eflags(), s_.gpr[ESP], s_.seg[SS].selector, 0};
  const u8 saved_cpl = s_.cpl;
  s_.cpl = static_cast<u8>(new_cpl);
  try {
    u64 at = frame;
    if (has_error) {
      write_linear<u64>(at, error);
      at += 8;
    }
    for (unsigned i = 0; i < 5; ++i, at += 8) write_linear<u64>(at, slots[i]);
  } catch (...) {
    s_.cpl = saved_cpl;
    throw;
  }
  if (raise) {
    // SS becomes the NULL selector with RPL = the new CPL (6.14.4).
    load_null_ss(static_cast<u16>(new_cpl));
  }
  s_.gpr[ESP] = frame;
  set_accessed(target, cd);
  load_cache(CS, static_cast<u16>((target & ~3u) | new_cpl), cd);
  s_.rip = dest;
  // TF, NT, RF and VM clear; an interrupt gate also clears IF (6.12.1.2).
  s_.eflags_rest &= ~(fl::TF | fl::NT | fl::RF | fl::VM);
  if (type == sys::kIntGate32) s_.eflags_rest &= ~fl::IF;
  update_mode();
  wake();
}

}  // namespace gb
