// Far control transfers: JMP, CALL (direct, call gates, task gates, TSS),
// RET and IRET, in real, virtual-8086 and protected mode (SDM Vol. 2A JMP,
// CALL; Vol. 2B RET, IRET; Vol. 3A 5.8).
#include "cpu/cpu.hpp"

namespace gb {

namespace {
GuestFault sel_fault(u8 vector, u16 selector) { return GuestFault::make(vector, selector & 0xFFFCu); }
}  // namespace

void Cpu::load_cs_real(u16 selector, u64 offset, bool o32) {
  end_block();
  if (!o32) offset &= 0xFFFF;
  if (model_.checks_limits() && offset > s_.seg[CS].limit) throw GuestFault::make(kGP, 0);
  Segment& cs = s_.seg[CS];
  cs.selector = selector;
  cs.base = u32{selector} << 4;
  if (s_.v86()) {
    cs.limit = 0xFFFF;
    cs.access = 0xF3;
    cs.big = false;
  }
  refresh_one(CS);
  s_.rip = offset;
}

void Cpu::far_jump(u16 selector, u64 offset, bool o32, bool o64) {
  if (!s_.protected_mode()) {
    load_cs_real(selector, offset, o32);
    return;
  }
  far_transfer_protected(selector, offset, o32, false, o64);
}

void Cpu::far_call(u16 selector, u64 offset, bool o32, bool o64) {
  if (!s_.protected_mode()) {
    const u16 cs = s_.seg[CS].selector;
    const u32 eip = s_.rip;
    if (o32) {
      push<u32>(cs);
      push<u32>(eip);
    } else {
      push<u16>(cs);
      push<u16>(static_cast<u16>(eip));
    }
    load_cs_real(selector, offset, o32);
    return;
  }
  far_transfer_protected(selector, offset, o32, true, o64);
}

void Cpu::far_transfer_protected(u16 selector, u64 offset, bool o32, bool call, bool o64) {
  if (sel_null(selector)) throw GuestFault::make(kGP, 0);
  const unsigned cpl = s_.cpl, rpl = sel_rpl(selector);
  const Descriptor d = fetch_descriptor(selector);
  if (d.is_segment()) {
    // Direct transfer to a code segment at the same privilege level.
    if (!d.is_code()) throw sel_fault(kGP, selector);
    if (d.conforming() ? d.dpl() > cpl : (rpl > cpl || d.dpl() != cpl)) throw sel_fault(kGP, selector);
    // IA-32e mode: L = 1 with D = 1 is reserved (SDM Vol. 2A CALL, JMP).
    const bool to64 = s_.lma() && d.long_code();
    if (to64 && d.big()) throw sel_fault(kGP, selector);
    if (!d.present()) throw sel_fault(kNP, selector);
    if (!o32) offset &= 0xFFFF;
    // A 64-bit target has no limit but a canonical RIP (SDM Vol. 2A JMP).
    if (to64 ? !canonical(offset) : offset > d.limit()) throw GuestFault::make(kGP, 0);
    if (call) {
      const u16 cs = s_.seg[CS].selector;
      const u64 eip = s_.rip;
      if (o64) {
        push<u64>(cs);
        push<u64>(eip);
      } else if (o32) {
        push<u32>(cs);
        push<u32>(eip);
      } else {
        push<u16>(cs);
        push<u16>(static_cast<u16>(eip));
      }
    }
    set_accessed(selector, d);
    load_cache(CS, static_cast<u16>((selector & ~3u) | cpl), d);
    s_.rip = offset;
    return;
  }
  if (s_.lma()) {
    // IA-32e mode: only 64-bit call gates; task gates and TSSs are #GP
    // (no task switches, SDM Vol. 3A 8.7; Vol. 2A CALL, JMP).
    if (d.type() != sys::kCallGate32) throw sel_fault(kGP, selector);
    call_gate_long(selector, d, call);
    return;
  }
  switch (d.type()) {
    case sys::kCallGate16:
    case sys::kCallGate32: break;
    case sys::kTaskGate: {
      if (d.dpl() < cpl || d.dpl() < rpl) throw sel_fault(kGP, selector);
      if (!d.present()) throw sel_fault(kNP, selector);
      const u16 tss_sel = d.gate_selector();
      if (sel_ldt(tss_sel)) throw sel_fault(kGP, tss_sel);
      const Descriptor tss = fetch_descriptor(tss_sel);
      if (tss.is_segment() || (tss.type() != sys::kTss16Avail && tss.type() != sys::kTss32Avail)) {
        throw sel_fault(kGP, tss_sel);
      }
      task_switch(tss_sel, tss, call ? TaskSwitch::Call : TaskSwitch::Jmp, s_.rip);
      return;
    }
    case sys::kTss16Avail:
    case sys::kTss32Avail:
      if (d.dpl() < cpl || d.dpl() < rpl) throw sel_fault(kGP, selector);
      if (!d.present()) throw sel_fault(kNP, selector);
      task_switch(selector, d, call ? TaskSwitch::Call : TaskSwitch::Jmp, s_.rip);
      return;
    default: throw sel_fault(kGP, selector);
  }
  // Call gate (SDM Vol. 3A 5.8.4).
  if (d.dpl() < cpl || d.dpl() < rpl) throw sel_fault(kGP, selector);
  if (!d.present()) throw sel_fault(kNP, selector);
  const u16 target = d.gate_selector();
  if (sel_null(target)) throw GuestFault::make(kGP, 0);
  const Descriptor cd = fetch_descriptor(target);
  if (!cd.is_code() || cd.dpl() > cpl) throw sel_fault(kGP, target);
  if (!call && !cd.conforming() && cd.dpl() != cpl) throw sel_fault(kGP, target);
  if (!cd.present()) throw sel_fault(kNP, target);
  const bool gate32 = d.type() == sys::kCallGate32;
  u32 dest = d.gate_offset();
  if (!gate32) dest &= 0xFFFF;
  if (dest > cd.limit()) throw GuestFault::make(kGP, 0);
  const u16 old_cs = s_.seg[CS].selector;
  const u32 old_eip = s_.rip;
  if (call && !cd.conforming() && cd.dpl() < cpl) {
    // More privileged: switch to the inner stack from the TSS, copy the
    // parameters, then push the return address (SDM Vol. 3A 5.8.5, 5.8.6).
    const unsigned new_cpl = cd.dpl();
    const auto [new_ss, new_esp] = tss_stack(new_cpl);
    if (sel_null(new_ss)) throw GuestFault::make(kTS, 0);
    const Descriptor sd = fetch_descriptor(new_ss, kTS);
    if (sel_rpl(new_ss) != new_cpl || sd.dpl() != new_cpl || !sd.is_data() || !sd.writable()) {
      throw sel_fault(kTS, new_ss);
    }
    if (!sd.present()) throw sel_fault(kSS, new_ss);
    const u16 old_ss = s_.seg[SS].selector;
    const u32 old_esp = s_.gpr[ESP];
    const Segment old_ss_cache = s_.seg[SS];
    const unsigned params = d.gate_params();
    const unsigned psize = gate32 ? 4 : 2;
    u32 param[32];
    const u32 osp = sp();
    for (unsigned i = 0; i < params; ++i) {
      param[i] = gate32 ? read<u32>(SS, (osp + i * 4) & sp_mask()) : read<u16>(SS, (osp + i * 2) & sp_mask());
    }
    set_accessed(new_ss, sd);
    load_cache(SS, new_ss, sd);
    s_.gpr[ESP] = new_esp;
    try {
      if (gate32) {
        push<u32>(old_ss);
        push<u32>(old_esp);
        for (unsigned i = params; i-- > 0;) push<u32>(param[i]);
        push<u32>(old_cs);
        push<u32>(old_eip);
      } else {
        push<u16>(old_ss);
        push<u16>(static_cast<u16>(old_esp));
        for (unsigned i = params; i-- > 0;) push<u16>(static_cast<u16>(param[i]));
        push<u16>(old_cs);
        push<u16>(static_cast<u16>(old_eip));
      }
    } catch (...) {
      s_.seg[SS] = old_ss_cache;
      s_.gpr[ESP] = old_esp;
      throw;
    }
    (void)psize;
    s_.cpl = static_cast<u8>(new_cpl);
    set_accessed(target, cd);
    load_cache(CS, static_cast<u16>((target & ~3u) | new_cpl), cd);
    s_.rip = dest;
    return;
  }
  if (call) {
    if (gate32) {
      push<u32>(old_cs);
      push<u32>(old_eip);
    } else {
      push<u16>(old_cs);
      push<u16>(static_cast<u16>(old_eip));
    }
  }
  set_accessed(target, cd);
  load_cache(CS, static_cast<u16>((target & ~3u) | cpl), cd);
  s_.rip = dest;
}

void Cpu::far_return(bool o32, u32 pop_extra, bool o64) {
  if (s_.lma() && s_.protected_mode()) {
    far_return_long(o32, pop_extra, o64);
    return;
  }
  const unsigned sz = o32 ? 4 : 2;
  const u32 m = sp_mask();
  const u32 osp = sp();
  const u32 ip = o32 ? read<u32>(SS, osp) : read<u16>(SS, osp);
  const u16 cs = o32 ? static_cast<u16>(read<u32>(SS, (osp + sz) & m)) : read<u16>(SS, (osp + sz) & m);
  if (!s_.protected_mode()) {
    load_cs_real(cs, ip, o32);
    set_sp(osp + 2 * sz + pop_extra);
    return;
  }
  if (sel_null(cs)) throw GuestFault::make(kGP, 0);
  const unsigned rpl = sel_rpl(cs);
  if (rpl < s_.cpl) throw sel_fault(kGP, cs);
  const Descriptor d = fetch_descriptor(cs);
  if (!d.is_code() || (d.conforming() ? d.dpl() > rpl : d.dpl() != rpl)) throw sel_fault(kGP, cs);
  if (!d.present()) throw sel_fault(kNP, cs);
  const u32 target = o32 ? ip : ip & 0xFFFF;
  if (rpl == s_.cpl) {
    if (target > d.limit()) throw GuestFault::make(kGP, 0);
    set_accessed(cs, d);
    load_cache(CS, cs, d);
    s_.rip = target;
    set_sp(osp + 2 * sz + pop_extra);
    return;
  }
  // Return to an outer level: the outer SS:ESP follows the parameters.
  const u32 at = osp + 2 * sz + pop_extra;
  const u32 new_esp = o32 ? read<u32>(SS, at & m) : read<u16>(SS, at & m);
  const u16 new_ss = o32 ? static_cast<u16>(read<u32>(SS, (at + sz) & m)) : read<u16>(SS, (at + sz) & m);
  if (sel_null(new_ss)) throw GuestFault::make(kGP, 0);
  const Descriptor sd = fetch_descriptor(new_ss);
  if (sel_rpl(new_ss) != rpl || !sd.is_data() || !sd.writable() || sd.dpl() != rpl) throw sel_fault(kGP, new_ss);
  if (!sd.present()) throw sel_fault(kSS, new_ss);
  if (target > d.limit()) throw GuestFault::make(kGP, 0);
  set_accessed(cs, d);
  load_cache(CS, cs, d);
  s_.cpl = static_cast<u8>(rpl);
  set_accessed(new_ss, sd);
  load_cache(SS, new_ss, sd);
  s_.rip = target;
  const u32 nsp = new_esp + pop_extra;
  s_.gpr[ESP] = sd.big() ? nsp : (s_.gpr[ESP] & 0xFFFF'0000u) | (nsp & 0xFFFF);
  null_inaccessible_segments();
}

void Cpu::iret(bool o32, bool o64) {
  // Any IRET ends NMI blocking, even one that then faults (SDM Vol. 3A
  // 6.7.1): a fault below leaves it lifted.
  nmi_blocked_ = false;
  if (s_.lma()) {
    iret_long(o32, o64);
    return;
  }
  const unsigned sz = o32 ? 4 : 2;
  const u32 m = sp_mask();
  if (!s_.pe() || s_.v86()) {
    // Virtual-8086 mode: IRET is IOPL-sensitive (SDM Vol. 3A 20.2.7).
    if (s_.v86() && s_.iopl() < 3) throw GuestFault::make(kGP, 0);
    const u32 osp = sp();
    const u32 ip = o32 ? read<u32>(SS, osp) : read<u16>(SS, osp);
    const u16 cs = o32 ? static_cast<u16>(read<u32>(SS, (osp + sz) & m)) : read<u16>(SS, (osp + sz) & m);
    const u32 flags = o32 ? read<u32>(SS, (osp + 2 * sz) & m) : read<u16>(SS, (osp + 2 * sz) & m);
    load_cs_real(cs, ip, o32);
    set_sp(osp + 3 * sz);
    // Real mode IRET restores FLAGS like POPF; IRETD also leaves VM, VIP
    // and VIF alone, and in V86 mode IOPL too (SDM Vol. 2A IRET).
    u32 mask = popf_mask(o32) | (o32 ? fl::RF : 0);
    if (s_.v86()) mask &= ~fl::IOPL;
    write_eflags(flags, mask & (o32 ? 0xFFFF'FFFFu : 0xFFFFu));
    return;
  }
  if (s_.eflags_rest & fl::NT) {
    // Return from a nested task through the back link (SDM Vol. 3A 7.3).
    const u16 link = read_sys<u16>(s_.tr.base);
    if (sel_ldt(link)) throw sel_fault(kTS, link);
    const Descriptor tss = fetch_descriptor(link, kTS);
    if (tss.is_segment() || (tss.type() != sys::kTss16Busy && tss.type() != sys::kTss32Busy)) throw sel_fault(kTS, link);
    if (!tss.present()) throw sel_fault(kNP, link);
    task_switch(link, tss, TaskSwitch::Iret, s_.rip);
    return;
  }
  const u32 osp = sp();
  const u32 ip = o32 ? read<u32>(SS, osp) : read<u16>(SS, osp);
  const u16 cs = o32 ? static_cast<u16>(read<u32>(SS, (osp + sz) & m)) : read<u16>(SS, (osp + sz) & m);
  const u32 flags = o32 ? read<u32>(SS, (osp + 2 * sz) & m) : read<u16>(SS, (osp + 2 * sz) & m);
  if (o32 && (flags & fl::VM) && s_.cpl == 0) {
    // Return to virtual-8086 mode (SDM Vol. 2A IRET, RETURN-TO-VIRTUAL-8086-MODE).
    const u32 esp = read<u32>(SS, (osp + 12) & m);
    const u16 ss = static_cast<u16>(read<u32>(SS, (osp + 16) & m));
    const u16 es = static_cast<u16>(read<u32>(SS, (osp + 20) & m));
    const u16 ds = static_cast<u16>(read<u32>(SS, (osp + 24) & m));
    const u16 fs = static_cast<u16>(read<u32>(SS, (osp + 28) & m));
    const u16 gs = static_cast<u16>(read<u32>(SS, (osp + 32) & m));
    s_.flags.set_all(flags);
    s_.eflags_rest = (flags & ~fl::ARITH & 0x003F'7FD7u) | 2;
    update_fast_sets();  // (EFLAGS.AC)
    s_.cpl = 3;
    load_cs_real(cs, ip & 0xFFFF, false);
    for (auto [seg, sel] : {std::pair<unsigned, u16>{SS, ss}, {ES, es}, {DS, ds}, {FS, fs}, {GS, gs}}) load_segment(seg, sel);
    s_.gpr[ESP] = esp;
    update_mode();
    return;
  }
  if (sel_null(cs)) throw GuestFault::make(kGP, 0);
  const unsigned rpl = sel_rpl(cs);
  if (rpl < s_.cpl) throw sel_fault(kGP, cs);
  const Descriptor d = fetch_descriptor(cs);
  if (!d.is_code() || (d.conforming() ? d.dpl() > rpl : d.dpl() != rpl)) throw sel_fault(kGP, cs);
  if (!d.present()) throw sel_fault(kNP, cs);
  const u32 target = o32 ? ip : ip & 0xFFFF;
  if (target > d.limit()) throw GuestFault::make(kGP, 0);
  // EFLAGS as POPF at the old CPL: IOPL only at CPL 0, IF only when
  // CPL <= IOPL; VM, VIP and VIF only at CPL 0 (SDM Vol. 2A IRET).
  const unsigned old_cpl = s_.cpl;
  u32 mask = fl::ARITH | fl::TF | fl::DF | fl::NT;
  if (old_cpl <= s_.iopl()) mask |= fl::IF;
  if (old_cpl == 0) mask |= fl::IOPL;
  if (o32) {
    mask |= fl::RF;
    if (model_.at_least(CpuFamily::i486)) mask |= fl::AC;
    if (model_.at_least(CpuFamily::pentium)) mask |= fl::ID;
    if (old_cpl == 0 && model_.at_least(CpuFamily::pentium)) mask |= fl::VIF | fl::VIP;
  } else {
    mask &= 0xFFFF;
  }
  if (rpl == old_cpl) {
    set_accessed(cs, d);
    load_cache(CS, cs, d);
    s_.rip = target;
    set_sp(osp + 3 * sz);
    write_eflags(flags, mask);
    return;
  }
  const u32 new_esp = o32 ? read<u32>(SS, (osp + 3 * sz) & m) : read<u16>(SS, (osp + 3 * sz) & m);
  const u16 new_ss = o32 ? static_cast<u16>(read<u32>(SS, (osp + 4 * sz) & m)) : read<u16>(SS, (osp + 4 * sz) & m);
  if (sel_null(new_ss)) throw GuestFault::make(kGP, 0);
  const Descriptor sd = fetch_descriptor(new_ss);
  if (sel_rpl(new_ss) != rpl || !sd.is_data() || !sd.writable() || sd.dpl() != rpl) throw sel_fault(kGP, new_ss);
  if (!sd.present()) throw sel_fault(kSS, new_ss);
  set_accessed(cs, d);
  load_cache(CS, cs, d);
  s_.cpl = static_cast<u8>(rpl);
  set_accessed(new_ss, sd);
  load_cache(SS, new_ss, sd);
  s_.rip = target;
  if (sd.big()) {
    s_.gpr[ESP] = new_esp;
  } else {
    s_.gpr[ESP] = (s_.gpr[ESP] & 0xFFFF'0000u) | (new_esp & 0xFFFF);
  }
  write_eflags(flags, mask);
  null_inaccessible_segments();
}

}  // namespace gb
