// Far control transfers in IA-32e mode: 16-byte call gates, RETF and IRET
// with 8-byte stack slots, returns to 64-bit and compatibility mode (SDM
// Vol. 3A 5.8.3.1, 5.8.5, 6.14.3; Vol. 2A CALL, JMP; Vol. 2B RET, IRET).
#include "cpu/cpu.hpp"

namespace gb {

namespace {
GuestFault sel_fault(u8 vector, u16 selector) { return GuestFault::make(vector, selector & 0xFFFCu); }
}  // namespace

void Cpu::call_gate_long(u16 selector, const Descriptor& d, bool call) {
  // SDM Vol. 2A CALL (CALL-GATE with IA32_EFER.LMA = 1), Vol. 3A 5.8.3.1.
  const unsigned cpl = s_.cpl, rpl = sel_rpl(selector);
  if (d.dpl() < cpl || d.dpl() < rpl) throw sel_fault(kGP, selector);
  if (!d.present()) throw sel_fault(kNP, selector);
  // The gate's second quadword: within the table, its type field 0.
  const u64 high = fetch_descriptor_high(selector);
  if ((high >> 40) & 0x1F) throw sel_fault(kGP, selector);
  const u16 target = d.gate_selector();
  if (sel_null(target)) throw GuestFault::make(kGP, 0);
  const Descriptor cd = fetch_descriptor(target);
  if (!cd.is_code() || cd.dpl() > cpl) throw sel_fault(kGP, target);
  // The target must be 64-bit code (L = 1, D = 0).
  if (!cd.long_code() || cd.big()) throw sel_fault(kGP, target);
  if (!call && !cd.conforming() && cd.dpl() != cpl) throw sel_fault(kGP, target);
  if (!cd.present()) throw sel_fault(kNP, target);
  const u64 dest = d.gate_offset64(high);
  if (!canonical(dest)) throw GuestFault::make(kGP, 0);
  const u64 old_cs = s_.seg[CS].selector, old_rip = s_.rip;
  const u64 old_ss = s_.seg[SS].selector, old_rsp = s_.gpr[ESP];
  const bool inner = call && !cd.conforming() && cd.dpl() < cpl;
  const unsigned new_cpl = inner ? cd.dpl() : cpl;
  if (call) {
    // The pushes are quadwords at RSP (no SS base: the target runs in
    // 64-bit mode). A privilege change takes RSPn from the 64-bit TSS and
    // pushes the old SS:RSP first; parameters are not copied (5.8.5, 5.8.6).
    u64 rsp = inner ? tss_read64(4 + new_cpl * 8, false) : old_rsp;
    const unsigned n = inner ? 4 : 2;
    const u64 frame = rsp - 8 * n;
    if (!canonical(rsp - 1) || !canonical(frame)) throw GuestFault::make(kSS, 0);
    const u64 slots[4] = {old_rip, old_cs, old_rsp, old_ss};
    const u8 saved_cpl = s_.cpl;
    s_.cpl = static_cast<u8>(new_cpl);
    try {
      for (unsigned i = 0; i < n; ++i) write_linear<u64>(frame + 8 * i, slots[i]);
    } catch (...) {
      s_.cpl = saved_cpl;
      throw;
    }
    rsp = frame;
    if (inner) {
      // SS becomes a NULL selector with RPL = the new CPL.
      load_null_ss(static_cast<u16>(new_cpl));
    }
    s_.gpr[ESP] = rsp;
  }
  set_accessed(target, cd);
  load_cache(CS, static_cast<u16>((target & ~3u) | new_cpl), cd);
  s_.rip = dest;
  update_mode();
}

namespace {
/// A stack slot of `size` bytes at SS:`at`.
u64 read_slot(Cpu& c, unsigned size, u64 at) {
  at &= c.sp_mask();
  return size == 8 ? c.read<u64>(SS, at) : size == 4 ? c.read<u32>(SS, at) : c.read<u16>(SS, at);
}
}  // namespace

/// The popped CS of RETF/IRET in IA-32e mode: null, RPL below CPL, not code,
/// the wrong DPL, or L = D = 1 is #GP; not present #NP (SDM Vol. 2B RET, IRET).
static Descriptor check_return_cs(Cpu& c, u16 cs) {
  if (sel_null(cs)) throw GuestFault::make(kGP, 0);
  const unsigned rpl = sel_rpl(cs);
  if (rpl < c.state().cpl) throw sel_fault(kGP, cs);
  const Descriptor d = c.fetch_descriptor(cs);
  if (!d.is_code() || (d.conforming() ? d.dpl() > rpl : d.dpl() != rpl)) throw sel_fault(kGP, cs);
  if (d.long_code() && d.big()) throw sel_fault(kGP, cs);
  if (!d.present()) throw sel_fault(kNP, cs);
  return d;
}

void Cpu::far_return_long(bool o32, u32 pop_extra, bool o64) {
  // SDM Vol. 2B RET (far, IA-32E-MODE): 8-byte slots with REX.W (RETFQ).
  const unsigned sz = o64 ? 8 : o32 ? 4 : 2;
  const u64 osp = sp();
  u64 ip = read_slot(*this, sz, osp);
  const u16 cs = static_cast<u16>(read_slot(*this, sz, osp + sz));
  const Descriptor d = check_return_cs(*this, cs);
  const unsigned rpl = sel_rpl(cs);
  const bool to64 = d.long_code();
  // A 64-bit target needs a canonical RIP, a compatibility-mode one the limit.
  if (to64 ? !canonical(ip) : ip > d.limit()) throw GuestFault::make(kGP, 0);
  if (rpl == s_.cpl) {
    set_accessed(cs, d);
    load_cache(CS, cs, d);
    s_.rip = ip;
    set_sp(osp + 2 * sz + pop_extra);
    return;
  }
  // Return to an outer level: SS:RSP follow the parameters. A NULL SS is
  // allowed only returning to 64-bit mode at CPL < 3.
  const u64 at = osp + 2 * sz + pop_extra;
  const u64 new_rsp = read_slot(*this, sz, at);
  const u16 new_ss = static_cast<u16>(read_slot(*this, sz, at + sz));
  Descriptor sd;
  const bool null_ss = check_return_ss(new_ss, rpl, to64, sd);
  set_accessed(cs, d);
  s_.cpl = static_cast<u8>(rpl);
  load_cache(CS, cs, d);
  load_return_ss(new_ss, null_ss, sd, new_rsp + pop_extra, to64);
  s_.rip = ip;
  null_inaccessible_segments();
}

bool Cpu::check_return_ss(u16 selector, unsigned rpl, bool to64, Descriptor& sd) {
  // A NULL SS only returning to 64-bit mode at CPL < 3 (SDM Vol. 2B RET, IRET).
  if (sel_null(selector)) {
    if (!to64 || rpl == 3) throw GuestFault::make(kGP, 0);
    return true;
  }
  sd = fetch_descriptor(selector);
  if (sel_rpl(selector) != rpl || !sd.is_data() || !sd.writable() || sd.dpl() != rpl) throw sel_fault(kGP, selector);
  if (!sd.present()) throw sel_fault(kSS, selector);
  return false;
}

void Cpu::load_return_ss(u16 selector, bool null_ss, const Descriptor& sd, u64 rsp, bool to64) {
  if (null_ss) {
    load_null_ss(selector);
  } else {
    set_accessed(selector, sd);
    load_cache(SS, selector, sd);
  }
  // RSP in full for 64-bit mode; else ESP or SP by SS.B.
  if (to64 || (!null_ss && sd.big())) {
    s_.gpr[ESP] = to64 ? rsp : static_cast<u32>(rsp);
  } else {
    s_.gpr[ESP] = (s_.gpr[ESP] & ~u64{0xFFFF}) | (rsp & 0xFFFF);
  }
}

void Cpu::iret_long(bool o32, bool o64) {
  // SDM Vol. 2B IRET (IA-32E-MODE) and Vol. 3A 6.14.3: no task switches,
  // so NT = 1 is #GP(0); 64-bit mode always pops SS:RSP.
  if (s_.eflags_rest & fl::NT) throw GuestFault::make(kGP, 0);
  const unsigned sz = o64 ? 8 : o32 ? 4 : 2;
  const u64 osp = sp();
  const u64 ip = read_slot(*this, sz, osp);
  const u16 cs = static_cast<u16>(read_slot(*this, sz, osp + sz));
  const u32 flags = static_cast<u32>(read_slot(*this, sz, osp + 2 * sz));
  const Descriptor d = check_return_cs(*this, cs);
  const unsigned rpl = sel_rpl(cs);
  const bool to64 = d.long_code();
  if (to64 ? !canonical(ip) : ip > d.limit()) throw GuestFault::make(kGP, 0);
  // RFLAGS as POPF at the old CPL: IOPL only at CPL 0, IF only when CPL <=
  // IOPL, VIF/VIP at CPL 0; VM stays clear in IA-32e mode.
  const unsigned old_cpl = s_.cpl;
  u32 mask = fl::ARITH | fl::TF | fl::DF | fl::NT;
  if (old_cpl <= s_.iopl()) mask |= fl::IF;
  if (old_cpl == 0) mask |= fl::IOPL;
  if (sz >= 4) {
    mask |= fl::RF | fl::AC | fl::ID;
    if (old_cpl == 0) mask |= fl::VIF | fl::VIP;
  } else {
    mask &= 0xFFFF;
  }
  if (!mode64_ && rpl == old_cpl) {
    // From compatibility mode to the same level: SS:ESP stay.
    set_accessed(cs, d);
    load_cache(CS, cs, d);
    s_.rip = ip;
    set_sp(osp + 3 * sz);
    write_eflags(flags, mask);
    return;
  }
  const u64 new_rsp = read_slot(*this, sz, osp + 3 * sz);
  const u16 new_ss = static_cast<u16>(read_slot(*this, sz, osp + 4 * sz));
  Descriptor sd;
  const bool null_ss = check_return_ss(new_ss, rpl, to64, sd);
  set_accessed(cs, d);
  s_.cpl = static_cast<u8>(rpl);
  load_cache(CS, cs, d);
  load_return_ss(new_ss, null_ss, sd, new_rsp, to64);
  s_.rip = ip;
  write_eflags(flags, mask);
  if (rpl > old_cpl) null_inaccessible_segments();
}

}  // namespace gb
