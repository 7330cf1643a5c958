#include "cpu/cpu.hpp"

#include <cstring>

#include <fmt/format.h>

namespace gb {

Cpu::Cpu(Bus& bus, const CpuModel& model) : bus_(bus), model_(model), tables_(model) {
  bus_.set_memory_listener(this);
  update_fast_sets();
  reset();
}

void Cpu::reset() {
  s_ = CpuState{};
  for (auto& sg : s_.seg) sg = Segment{};
  if (model_.is_8086()) {
    // 8086: CS = FFFF, IP = 0; FLAGS bits 12-15 always read as 1.
    s_.seg[CS].selector = 0xFFFF;
    s_.seg[CS].base = 0xFFFF0;
    s_.rip = 0;
    s_.eflags_rest = 0xF002;
  } else {
    // SDM Vol. 3A 9.1.4: the first instruction is fetched at FFFFFFF0 (the
    // CS base is FFFF0000 until the first far jump); on the 286, FFFFF0.
    s_.seg[CS].selector = 0xF000;
    s_.seg[CS].base = model_.address_mask & 0xFFFF'0000u;
    s_.rip = 0xFFF0;
    s_.eflags_rest = 0x2;
    s_.seg[CS].access = 0x9B;
  }
  s_.idtr = TableRegister{0, 0x3FF};
  s_.gdtr = TableRegister{0, 0xFFFF};
  if (model_.at_least(CpuFamily::i386)) {
    // SDM Vol. 3A Table 9-1: CR0 = 60000010H (CD, NW, ET), EDX = signature.
    s_.cr0 = model_.at_least(CpuFamily::i486) ? 0x6000'0010u : 0x10u;
    s_.gpr[EDX] = model_.cpuid_signature ? model_.cpuid_signature : 0x0308;
  } else if (model_.family == CpuFamily::i286) {
    s_.cr0 = 0xFFF0;  // MSW: reserved bits read as 1
  }
  update_mode();
  s_.ldtr.access = 0x82;
  s_.tr.access = 0x8B;
  s_.dr[6] = 0xFFFF'0FF0u;
  s_.dr[7] = 0x400;
  intr_ = nmi_ = nmi_blocked_ = shadow_next_ = shutdown_ = task_trap_ = false;
  // The x87 powers up with FCW 0040h and every register +0.0 (CpuState's
  // FpuState defaults, SDM Vol. 3A Table 9-1); FERR# is deasserted.
  set_ferr(false);
  update_breakpoints();
  pending_db_ = 0;
  paging_ = PagingConfig{};
  update_paging(TlbFlush::All);
  // IA32_APIC_BASE: BSP only on the bootstrap processor; an AP waits for
  // its STARTUP IPI (SDM Vol. 3A 8.4.1).
  s_.msr_apic_base = (s_.msr_apic_base & ~u64{0x100}) | (bsp_ ? 0x100 : 0);
  s_.wait_sipi = !bsp_;
}

void Cpu::init() {
  // SDM Vol. 3A 9.1: "during an INIT, the internal caches, MSRs, MTRRs, and
  // x87 FPU state are left unchanged" (and the SSE state, 9.1.1); the TLBs
  // are flushed, as reset() does.
  const CpuState kept = s_;
  reset();
  s_.fpu = kept.fpu;
  s_.msr = kept.msr;
  s_.efer = kept.efer & ~u64{msr::kEferLma};
  s_.tsc = kept.tsc;
  s_.msr_apic_base = kept.msr_apic_base;
  s_.msr_sysenter_cs = kept.msr_sysenter_cs;
  s_.msr_sysenter_esp = kept.msr_sysenter_esp;
  s_.msr_sysenter_eip = kept.msr_sysenter_eip;
  s_.msr_misc_enable = kept.msr_misc_enable;
  s_.msr_pat = kept.msr_pat;
  update_mode();
  update_paging(TlbFlush::All);
}

void Cpu::startup(u8 vector) {
  if (!s_.wait_sipi) return;  // a SIPI outside wait-for-SIPI is ignored (SDM 8.4.4.1)
  s_.wait_sipi = false;
  s_.seg[CS].selector = static_cast<u16>(vector << 8);
  s_.seg[CS].base = u64{vector} << 12;
  s_.rip = 0;
  update_mode();
}

void Cpu::write_eflags(u32 value, u32 mask) {
  u32 v = (eflags() & ~mask) | (value & mask);
  if (model_.is_8086()) {
    v = (v & 0x0FD5) | 0xF002;
  } else {
    v = (v & ~0x8028u) | 0x2;
  }
  s_.flags.set_all(v);
  s_.eflags_rest = v & ~fl::ARITH;
  update_fast_sets();  // (EFLAGS.AC)
  end_block();  // TF, IF or RF may have changed
}

u32 Cpu::popf_mask(bool op32) const {
  u32 m = fl::ARITH | fl::TF | fl::IF | fl::DF;
  if (s_.pe()) {
    // Protected mode: IF only when CPL <= IOPL, IOPL only at CPL 0; V86
    // mode (IOPL 3, else POPF faults) never changes IOPL (SDM Vol. 2B POPF).
    m |= fl::NT;
    if (s_.cpl > s_.iopl()) m &= ~fl::IF;
    if (s_.cpl == 0 && !s_.v86()) m |= fl::IOPL;
    if (op32) {
      if (model_.at_least(CpuFamily::i486)) m |= fl::AC;
      if (model_.at_least(CpuFamily::pentium)) m |= fl::ID;
    }
    return m;
  }
  // 8086 and 286 real mode: IOPL and NT cannot be set (SingleStepTests 80286
  // notes; on the 286 they exist only in protected mode). 386 and later: real
  // mode is IOPL-0 with every flag writable (SDM Vol. 2B, POPF operation).
  if (model_.at_least(CpuFamily::i386)) {
    m |= fl::IOPL | fl::NT;
    if (op32) {
      if (model_.at_least(CpuFamily::i486)) m |= fl::AC;
      if (model_.at_least(CpuFamily::pentium)) m |= fl::ID;
    }
  }
  return m;
}

namespace {
// SDM Vol. 3A Table 6-4/6-5: exception classes for the double-fault rule.
bool contributory(u8 v) { return v == kDE || (v >= kTS && v <= kGP); }
}  // namespace

void Cpu::deliver(const GuestFault& f) {
  if (observer_) observer_->on_fault(*this, f);
  const u64 ret = f.trap ? s_.rip : insn_eip_;
  if (!f.trap) s_.rip = insn_eip_;
  // A fault while delivering an exception: both contributory (or a page
  // fault then a contributory or page fault) is #DF; otherwise the second is
  // delivered on its own. A fault while delivering #DF is a triple fault:
  // shutdown (SDM Vol. 3A 6.15, Tables 6-4 and 6-5).
  GuestFault cur = f;
  u64 cur_ret = ret;
  for (;;) {
    try {
      interrupt(cur.vector, cur_ret, IntSource::Exception, cur.has_error, cur.error);
      return;
    } catch (const GuestFault& next) {
      if (cur.vector == kDF) {
        shutdown_ = true;
        last_fault_ = next;
        return;
      }
      const bool dbl = (contributory(cur.vector) && contributory(next.vector)) ||
                       (cur.vector == kPF && (contributory(next.vector) || next.vector == kPF));
      cur = dbl ? GuestFault::make(kDF, 0) : next;
      cur_ret = insn_eip_;
    }
  }
}

bool Cpu::take_events() {
  if (s_.interrupt_shadow) return false;
  if (nmi_deliverable()) {
    nmi_ = false;
    // Further NMIs wait for the next IRET (SDM Vol. 3A 6.7.1).
    nmi_blocked_ = true;
    insn_eip_ = s_.rip;  // where a fault while delivering it returns
    try {
      interrupt(kNMI, s_.rip, IntSource::External);
    } catch (const GuestFault& f) {
      deliver(f);
    }
    return true;
  }
  if (intr_ && (s_.eflags_rest & fl::IF)) {
    const u8 vector = bus_.acknowledge_interrupt();
    insn_eip_ = s_.rip;
    try {
      interrupt(vector, s_.rip, IntSource::External);
    } catch (const GuestFault& f) {
      deliver(f);
    }
    return true;
  }
  return false;
}

inline void Cpu::execute_one() {
  insn_eip_ = s_.rip;
  const u64 start_esp = s_.gpr[ESP];
  const bool tf = (s_.eflags_rest & fl::TF) != 0;
  // RF suppresses code breakpoints for one instruction, then clears (an
  // IRET may set it again for the next one; SDM Vol. 3A 17.3.1.1).
  const bool rf = (s_.eflags_rest & fl::RF) != 0;
  s_.eflags_rest &= ~fl::RF;
  s_.interrupt_shadow = false;
  handler_entered_ = false;
  if (code_bp_ && !rf) {
    if (const u32 hits = code_bp_hits((s_.seg[CS].lbase + s_.rip) & lin_mask_)) {
      // Instruction breakpoint: a fault, before the instruction executes.
      s_.dr[6] = (s_.dr[6] & ~0xFu) | hits;
      deliver(GuestFault::make(kDB));
      ++insns_;
      return;
    }
  }
  try {
    const Segment& cs = s_.seg[CS];
    const u64 lin = (cs.lbase + insn_eip_) & lin_mask_;
    const CodeSize size = code_size();
    const u8 mode = static_cast<u8>(size);
    // The code page's host pointer, when the whole decode window is in it
    // and the TLB grants execution at this CPL.
    const u8* code = nullptr;
    const u8 need = s_.cpl == 3 ? tlbr::kUserExec : tlbr::kSupExec;
    const TlbEntry& t = tlb_.slot(lin >> 12);
    u8 window[DecodeCache::kWindow];
    if (t.vpn == lin >> 12 && (t.rights & need) && t.host_read) {
      const unsigned off = static_cast<unsigned>(lin & 0xFFF);
      if (off <= 0x1000 - DecodeCache::kWindow) {
        code = t.host_read + off;
      } else {
        // The window runs into the next page (an instruction there may
        // straddle the two, as in a hot loop of Linux's decompressor, which
        // no block can hold): copy it from both pages when the TLB grants
        // execution in both, so no fetch can fault; the cache compares the
        // bytes, so it needs nothing else.
        const u64 next = ((lin >> 12) + 1) & (lin_mask_ >> 12);
        const TlbEntry& t2 = tlb_.slot(next);
        if (t2.vpn == next && (t2.rights & need) && t2.host_read) {
          const unsigned first = 0x1000 - off;
          std::memcpy(window, t.host_read + off, first);
          std::memcpy(window + first, t2.host_read, DecodeCache::kWindow - first);
          code = window;
        }
      }
    }
    DecodedInsn* hit = code ? dcache_.find(lin, mode, code) : nullptr;
    // A hit skips the per-byte CS limit checks: the whole instruction must
    // be within the limit (the 8086 has none; it wraps at 64 KiB instead).
    // (64-bit mode has no limit.)
    if (hit && !mode64_ && insn_eip_ + hit->len - 1u > (model_.is_8086() ? 0xFFFFu : cs.limit)) hit = nullptr;
    // The record is entered (enter_record) as it runs: handlers take the
    // next EIP from its next_ip, and the clock counts to it.
    if (hit) {
      s_.rip = hit->next_ip = (insn_eip_ + hit->len) & ip_mask_;
      cur_ = run_first_ = hit;
      hit->exec(*this, *hit);
    } else {
      DecodedInsn d;
      const u64 base_eip = insn_eip_;
      decode(tables_, [&](unsigned i) { return fetch_code(base_eip + i); }, size, base_eip, d);
      if (d.too_long) {
        // #GP(0) (SDM Vol. 2A 2.3.11); the 286 too, at 10 bytes
        // (SingleStepTests 80286 81.x vectors, despite its README's #UD).
        throw GuestFault::make(kGP, 0);
      }
      if (code) dcache_.store(lin, mode, code, d);
      s_.rip = d.next_ip = (insn_eip_ + d.len) & ip_mask_;
      cur_ = run_first_ = &d;
      d.exec(*this, d);
      cur_ = run_first_ = nullptr;  // (d's storage ends here)
    }
  } catch (const GuestFault& f) {
    s_.gpr[ESP] = start_esp;
    if (!f.trap) s_.rip = insn_eip_;
    deliver(f);
    shadow_next_ = false;
    ++insns_;
    return;
  }
  ++insns_;
  s_.interrupt_shadow = shadow_next_;
  shadow_next_ = false;
  // Data breakpoints and the single-step trap are traps after the
  // instruction (SDM Vol. 3A 17.3.1.2, 17.3.1.4), one #DB for both; held
  // off in the shadow of MOV SS / POP SS. INT n, INT3, INTO and INT1 clear
  // TF as they enter their handler and raise no single-step trap of their
  // own (17.3.1.4: a debugger single-steps a handler by emulating the INT);
  // entering the handler also dropped any data-breakpoint hits.
  // A task switch into a TSS with its T flag set adds DR6.BT to the same
  // #DB (17.3.1.5).
  const bool single_step = tf && !s_.interrupt_shadow && !handler_entered_;
  if ((single_step || pending_db_ || task_trap_) && !shutdown_) {
    s_.dr[6] = (s_.dr[6] & ~0xFu) | pending_db_ | (single_step ? kDr6Bs : 0) | (task_trap_ ? kDr6Bt : 0);
    pending_db_ = 0;
    task_trap_ = false;
    try {
      interrupt(kDB, s_.rip, IntSource::Exception);
    } catch (const GuestFault& f) {
      deliver(f);
    }
  }
}

template <bool kObserved>
StopReason Cpu::run_loop(u64 max_insns) {
  // Taking an interrupt uses one unit of the budget, as an instruction does,
  // so step() either executes one instruction or enters one handler.
  const u64 end = insns_ + max_insns;
  run_end_ = end;
  u64 events = 0;
  while (insns_ + events < run_end_) {
    if (shutdown_) return StopReason::Shutdown;
    if (task_trap_) [[unlikely]] {
      // A task switch by an event (an interrupt or exception through a
      // task gate) into a TSS with T set: #DB before the new task's first
      // instruction, ahead of NMI and INTR (SDM Vol. 3A 17.3.1.5, 6.9).
      task_trap_ = false;
      s_.dr[6] |= kDr6Bt;
      insn_eip_ = s_.rip;
      try {
        interrupt(kDB, s_.rip, IntSource::Exception);
      } catch (const GuestFault& f) {
        deliver(f);
      }
      ++events;
      continue;
    }
    // INTR only matters with EFLAGS.IF set: with it clear (a pending IRQ
    // behind CLI) the loop pays one test, not a call.
    if (event_pending() && take_events()) {
      ++events;
      continue;
    }
    if (s_.halted) return StopReason::Halted;
    if constexpr (kObserved) {
      if (!observer_->before_insn(*this)) return StopReason::Observer;
      access_hit_ = false;
      execute_one();
    } else {
      // Blocks run when nothing needs a check between instructions: no
      // single-step trap, RF, interrupt shadow or debug-register breakpoint
      // (code, data or I/O).
      if (((s_.eflags_rest & (fl::TF | fl::RF)) | s_.interrupt_shadow | code_bp_ | data_bp_ | io_bp_) ||
          !run_blocks(events)) {
        execute_one();
      }
    }
  }
  if (shutdown_) return StopReason::Shutdown;
  return insns_ + events < end ? StopReason::Requested : StopReason::Budget;
}

StopReason Cpu::run(u64 max_insns) {
  if (s_.wait_sipi) [[unlikely]] return StopReason::Halted;
  // The debugger, the gdb stub and tests may have edited the state between
  // runs: derive the mode, masks and segment checks from it afresh.
  update_mode();
#if GB_OBSERVER
  if (observer_) return run_loop<true>(max_insns);
#endif
  // Detached (or compiled out with -Dobserver=false, which scripts/bench
  // --hook-check uses to show the two run at the same speed): a loop with
  // no hook in it at all.
  return run_loop<false>(max_insns);
}

void Cpu::log_invalid(const DecodedInsn& d) {
  if (!log_ || logged_ >= 32) return;
  // Each encoding once (map, opcode, ModR/M.reg, mandatory prefix class):
  // a guest probing for an instruction in a loop is told about once.
  const unsigned cls = d.rep == 0xF3 ? 3 : d.rep == 0xF2 ? 4 : d.p66 ? 2 : 1;
  const unsigned key = ((cls * opc::kMaps + d.opcode) << 3) | (d.has_modrm ? d.reg() : 0);
  if (key < invalid_seen_.size()) {
    if (invalid_seen_[key]) return;
    invalid_seen_[key] = true;
  }
  ++logged_;
  static constexpr const char* kMap[4] = {"", "0f ", "0f 38 ", "0f 3a "};
  static constexpr const char* kPrefix[5] = {"", "", "66 ", "f3 ", "f2 "};
  fmt::print(log_, "glassbox: #UD at {:04x}:{:08x}: opcode {}{}{:02x}{} (logged once)\n", s_.seg[CS].selector, insn_eip_,
             d.opcode >= 0x100 ? kPrefix[cls] : "", kMap[(d.opcode >> 8) & 3], d.opcode & 0xFF,
             d.has_modrm ? fmt::format(" /{}", d.reg()) : std::string{});
  if (logged_ == 32) fmt::print(log_, "glassbox: further #UD messages suppressed\n");
}

}  // namespace gb
