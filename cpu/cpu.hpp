// The CPU: fetch, decode, execute over CpuState on a Bus.
#pragma once
#include <atomic>
#include <bitset>
#include <cstdio>

#include "cpu/decode/block_cache.hpp"
#include "cpu/decode/decode_cache.hpp"
#include "cpu/decode/decoder.hpp"
#include "cpu/descriptor.hpp"
#include "cpu/fault.hpp"
#include "cpu/apic_base.hpp"
#include "cpu/canonical.hpp"
#include "cpu/fpu/ferr.hpp"
#include "cpu/model.hpp"
#include "cpu/state.hpp"
#include "mmu/bus.hpp"
#include "mmu/paging.hpp"
#include "mmu/tlb.hpp"

namespace gb {

class Cpu;

/// Debugger hooks. Called only while attached: with no observer the CPU runs
/// a loop instantiation that contains no hook calls at all.
class CpuObserver {
 public:
  virtual ~CpuObserver() = default;
  /// Before each instruction, at CS:EIP. Return false to stop before it.
  virtual bool before_insn(const Cpu&) { return true; }
  /// When a fault or exception is about to be delivered.
  virtual void on_fault(const Cpu&, const GuestFault&) {}
  /// While Cpu::set_watching(true): a data access of `size` bytes at linear
  /// `lin` (all 64 bits in IA-32e mode) by the instruction at CS:RIP, just
  /// before it is made (it may still fault). Accesses through the segment path only: page walks and
  /// bus masters (DMA) are not reported.
  /// Returns true when the access hit a watchpoint: a REP string
  /// instruction then stops after this iteration.
  virtual bool on_access(const Cpu&, u64 /*lin*/, unsigned /*size*/, bool /*write*/) { return false; }
};

/// Why run() returned.
enum class StopReason : u8 { Budget, Halted, Observer, Shutdown, Requested };

class Cpu final : public MemoryListener {
 public:
  /// A CPU of `model` on `bus`, in its reset state. The bus and model must
  /// outlive the CPU.
  Cpu(Bus& bus, const CpuModel& model);
  /// Not copyable: rfast_ and wfast_ point into this CPU's TLB.
  Cpu(const Cpu&) = delete;
  Cpu& operator=(const Cpu&) = delete;

  /// The memory map or A20 changed: the TLB's host pointers and every
  /// decoded block are stale.
  void memory_changed() override;
  /// A bus write reached decoded bytes at physical `addr`: their blocks are
  /// stale, and the current block stops after this instruction.
  void code_written(PhysAddr addr) override;
  /// MONITOR: arms the monitor on the 64-byte line holding linear `lin`
  /// (translated as a one-byte read: #PF as for a load). A store to that
  /// line by any agent, this CPU included, ends a wait in MWAIT or, before
  /// it, makes MWAIT fall through (SDM Vol. 2B MONITOR/MWAIT; Vol. 3A 8.10.4).
  /// The line is tracked as CodePages tracks decoded code, so a store to its
  /// 4 KiB frame may end the wait too, as the SDM allows.
  void arm_monitor(u64 lin);
  /// A CPU on the bus (this one too, when the machine relays it) decoded
  /// code in `frame`: this one's TLB stops writing it through host pointers.
  void code_frame_added(PhysAddr frame) override { protect_code_frame(frame); }

  /// Hardware reset (SDM Vol. 3A 9.1.1): CS:IP = F000:FFF0 with CS base
  /// FFFF0000 on 386 and later (FF0000 on the 286), FFFF:0000 on the 8086.
  void reset();

  /// The INIT signal (an INIT IPI; SDM Vol. 3A 9.1): as reset(), except
  /// that the x87/MMX/SSE state, the MSRs and the MTRRs keep their values
  /// (EFER.LMA clears with paging) and the TSC keeps counting. An
  /// application processor then waits for a STARTUP IPI; the BSP starts at
  /// the reset vector.
  void init();
  /// A STARTUP IPI with `vector` (SDM Vol. 3A 8.4.4.1, 10.6.1): a processor
  /// waiting for SIPI starts in real mode at CS:IP = VV00h:0000h (linear
  /// 000VV000h); at any other time it is ignored.
  void startup(u8 vector);
  /// The bootstrap processor (IA32_APIC_BASE.BSP; SDM Vol. 3A 8.4.1): set by
  /// the machine before reset. An AP comes out of reset waiting for SIPI.
  void set_bsp(bool bsp) {
    bsp_ = bsp;
    s_.msr_apic_base = (s_.msr_apic_base & ~u64{0x100}) | (bsp ? 0x100 : 0);
  }
  bool bsp() const { return bsp_; }
  /// The initial APIC ID (CPUID.01H:EBX[31:24]): the machine's numbering of
  /// its processors, which their local APICs' ID registers start with.
  void set_apic_id(u8 id) { apic_id_ = id; }
  u8 apic_id() const { return apic_id_; }
  /// With several processors the TSC follows the machine's shared clock
  /// (`*cycles`, in TSC ticks) rather than this CPU's instruction count, so
  /// every processor reads the same, monotonic TSC (as the synchronised TSCs
  /// of one board; Linux checks this at AP bring-up). nullptr: own count.
  void set_tsc_clock(const u64* cycles) { tsc_clock_ = cycles; }
  /// What the TSC counts from: the shared clock, or instructions executed.
  u64 tsc_base() const { return tsc_clock_ ? *tsc_clock_ : instructions(); }
  /// PAUSE ends the run (after it): with several processors on one host
  /// thread a spin-wait hands the host to the others at once instead of
  /// spinning out its quantum (SDM Vol. 2B PAUSE: a spin-loop hint).
  void set_yield_on_pause(bool on) { yield_on_pause_ = on; }
  bool yield_on_pause() const { return yield_on_pause_; }
  /// Ends run() after the current instruction (PAUSE with yield_on_pause,
  /// an IPI to this processor's own INIT).
  void yield() {
    run_end_ = instructions() + 1;
    end_block();
  }

  /// Recomputes what the current mode derives from CS.L, EFER.LMA, CS.D
  /// and SS.B (64-bit mode, address and stack widths, segment checks);
  /// called after anything that changes them (cpu/segments.cpp).
  void update_mode();
  /// The CPU runs 64-bit code (IA-32e mode with CS.L = 1).
  bool mode64() const { return mode64_; }
  /// The decoder's default sizes for the current code segment.
  CodeSize code_size() const {
    return mode64_ ? CodeSize::k64 : s_.seg[CS].big ? CodeSize::k32 : CodeSize::k16;
  }
  /// The linear-address width in bits: 57 with CR4.LA57, else 48.
  unsigned linear_bits() const { return (s_.cr4 & (u64{1} << 12)) ? 57 : 48; }
  /// Whether `lin` is canonical for the current paging (SDM Vol. 1 3.3.7.1):
  /// bits 63 down to the linear width are copies of the bit below them.
  bool canonical(u64 lin) const { return ::gb::canonical(lin, linear_bits()); }

  /// Executes up to `max_insns` instructions, a REP string instruction
  /// counting one per iteration (count_iterations): one that would run past
  /// the budget stops between iterations, EIP on it, and resumes in the
  /// next run. Returns early on HLT with no interrupt to take, on
  /// triple-fault shutdown, or when the observer asks to stop.
  StopReason run(u64 max_insns);
  /// Executes one instruction (a REP string instruction to its end, unless
  /// an event stops it between iterations), or takes one pending interrupt.
  StopReason step() {
    whole_insn_ = true;
    const StopReason r = run(1);
    whole_insn_ = false;
    return r;
  }

  /// Level of the INTR pin (from the interrupt controller). A device may
  /// raise it in the middle of an instruction (an MMIO write): the running
  /// block ends there so the interrupt is taken at the next boundary.
  void set_intr(bool level) {
    intr_ = level;
    if (level) end_block();
  }
  /// Latches an NMI. Delivered at the next instruction boundary, unless an
  /// NMI handler is running: NMIs are then held (one latched) until the next
  /// IRET (SDM Vol. 3A 6.7.1).
  void raise_nmi() {
    nmi_ = true;
    end_block();
  }
  /// An NMI has been delivered and no IRET has executed since.
  bool nmi_blocked() const { return nmi_blocked_; }

  /// FERR# out and IGNNE# in (SDM Vol. 1 8.7, Vol. 3A 2.5 CR0.NE): with
  /// CR0.NE = 0 an unmasked x87 exception asserts FERR# (the machine routes
  /// it to IRQ 13) and the next waiting x87 instruction waits for an
  /// interrupt, unless IGNNE# is asserted (the PC drives it from port F0h).
  void set_ferr_listener(FerrListener* l) { ferr_listener_ = l; }
  /// Hears WRMSR to IA32_APIC_BASE (the machine moves or removes the local
  /// APIC); nullptr = nobody.
  void set_apic_base_listener(ApicBaseListener* l) { apic_base_listener_ = l; }
  /// Sets IA32_APIC_BASE (WRMSR, cpu/ops) and tells the listener.
  void write_apic_base(u64 value) {
    s_.msr_apic_base = value;
    if (apic_base_listener_) apic_base_listener_->apic_base_written(value);
  }
  /// CR8, the task-priority class: TPR[7:4] of the local APIC (SDM Vol.
  /// 3A 10.8.6.1; TPR[3:0] read back 0 after a CR8 write).
  u64 cr8() const { return apic_base_listener_ ? apic_base_listener_->tpr() >> 4 : s_.cr8; }
  void write_cr8(u64 v) {
    if (apic_base_listener_) {
      apic_base_listener_->set_tpr(static_cast<u8>((v & 0xF) << 4));
    } else {
      s_.cr8 = v & 0xF;
    }
    end_block();  // a lower priority class may let a pending interrupt in
  }
  bool ferr() const { return ferr_; }
  void set_ignne(bool level) { ignne_ = level; }
  bool ignne() const { return ignne_; }
  /// Drives FERR# (the x87 code in cpu/ops); the listener hears changes.
  void set_ferr(bool asserted) {
    if (asserted == ferr_) return;
    ferr_ = asserted;
    if (ferr_listener_) ferr_listener_->ferr_changed(asserted);
  }

  /// Attaches (nullptr: detaches) the debugger's hooks. In a build with
  /// -Dobserver=false the hooks are compiled out and never called.
  void set_observer(CpuObserver* o) { observer_ = o; }
  /// Routes every data access through CpuObserver::on_access (debugger
  /// watchpoints), by way of the DR-breakpoint check: only the slow access
  /// path pays for it, and only while on.
  void set_watching(bool on) {
    watching_ = on;
    update_breakpoints();
  }
  /// Where #UD and other diagnostics go; nullptr silences them.
  void set_log(std::FILE* f) { log_ = f; }

  CpuState& state() { return s_; }
  const CpuState& state() const { return s_; }
  const CpuModel& model() const { return model_; }
  Bus& bus() { return bus_; }
  /// Instructions retired: the CPU's clock. Exact also inside a handler
  /// in a block's run, where insns_ leaves out the records run before the
  /// current one (cpu/block.cpp counts them after the run), once the
  /// record is entered (enter_record(): a lean handler's fast path does
  /// not, and never reads the clock).
  u64 instructions() const { return insns_ + static_cast<u64>(cur_ - run_first_); }
  /// Makes `d` the record executing: RIP to the next instruction's EIP,
  /// the clock counting to it, and the ESP a fault in it restores. A block
  /// runs it before every handler but the lean ones (attr::kLean), which
  /// call it before a slower path; execute_one() keeps it true for its
  /// one record.
  [[gnu::always_inline]] void enter_record(const DecodedInsn& d) {
    s_.rip = d.next_ip;
    cur_ = &d;
    esp0_ = s_.gpr[ESP];
  }
  /// Instructions executed with a REP string instruction's extra
  /// iterations left out (count_iterations): moves on only between
  /// instructions, so the debugger tells an access of the instruction from
  /// one entering a handler after it.
  u64 instruction_boundaries() const { return instructions() - iterations_; }
  /// Time passed with the CPU halted (the machine skipped to a device
  /// event): the TSC, which counts at the instruction rate, advances by
  /// `cycles` as if it had kept running.
  void add_idle_cycles(u64 cycles) {
    if (!tsc_clock_) s_.tsc += cycles;
  }
  bool shutdown() const { return shutdown_; }
  /// Why the last triple fault happened (valid when shutdown()).
  const GuestFault& last_fault() const { return last_fault_; }

  // ---- Helpers for instruction handlers (cpu/ops). ----

  /// General register `i` as a T. Byte registers are numbered 0-3 AL-BL,
  /// 4-7 AH-BH, 8-15 R8B-R15B and 16-19 SPL, BPL, SIL, DIL (what encodings
  /// 4-7 name with a REX prefix; the decoder renumbers them, SDM Vol. 2A 2.2.1.2).
  template <class T>
  T reg(unsigned i) const {
    if constexpr (sizeof(T) == 1) {
      if (i - 4 < 4) return static_cast<u8>(s_.gpr[i - 4] >> 8);
      return static_cast<u8>(s_.gpr[i < 16 ? i : i - 12]);
    } else {
      return static_cast<T>(s_.gpr[i]);
    }
  }
  /// Writes general register `i`: bytes and words merge, a doubleword
  /// write clears bits 63-32 (SDM Vol. 1 3.4.1.1).
  template <class T>
  void set_reg(unsigned i, T v) {
    if constexpr (sizeof(T) == 1) {
      if (i - 4 < 4) {
        s_.gpr[i - 4] = (s_.gpr[i - 4] & keep_.not_bits15_8) | (u64{v} << 8);
      } else {
        const unsigned j = i < 16 ? i : i - 12;
        s_.gpr[j] = (s_.gpr[j] & keep_.not_bits7_0) | v;
      }
    } else if constexpr (sizeof(T) == 2) {
      s_.gpr[i] = (s_.gpr[i] & keep_.not_bits15_0) | v;
    } else {
      s_.gpr[i] = v;
    }
  }

  /// Offset of the ModR/M memory operand (address-size wrapped). A
  /// RIP-relative form has the next instruction's RIP folded into disp.
  /// Form::MemB: no index register (it would read as 0).
  template <Form F = Form::Any>
  [[gnu::always_inline]] u64 ea(const DecodedInsn& d) const {
    if constexpr (F == Form::MemB) {
      return (d.disp + s_.gpr[d.ea_base]) & addr_mask_[d.asize];
    } else {
      return (d.disp + s_.gpr[d.ea_base] + (s_.gpr[d.ea_index] << d.scale)) & addr_mask_[d.asize];
    }
  }

  /// Guest memory through segment `seg` at `off`. Type and limit
  /// violations raise #GP(0) (#SS(0) for SS); the 8086 wraps the offset at
  /// 64 KiB instead. The common case (within the limits, no EFLAGS.AC, no
  /// data breakpoint, a TLB hit on RAM within one page) is inline; the rest
  /// is read_slow/write_slow.
  template <class T>
  [[gnu::always_inline]] T read(unsigned seg, u64 off) {
    if (const u8* p = host_at<T, false>(seg, off)) [[likely]] return load_le<T>(p);
    return read_slow<T>(seg, off);
  }
  template <class T>
  [[gnu::always_inline]] void write(unsigned seg, u64 off, T v) {
    if (u8* p = host_at<T, true>(seg, off)) [[likely]] {
      store_le<T>(p, v);
      return;
    }
    write_slow<T>(seg, off, v);
  }
  /// The host bytes of an access of `size` bytes (1 to 4096) at linear
  /// `lin`, when the TLB's fast tags serve it: a TLB hit granting the
  /// access at the CPL, on RAM (or ROM, for a read), within one page, and
  /// neither a data breakpoint or watchpoint armed nor EFLAGS.AC set (then
  /// no access is served here: update_fast_sets). Sets `p` and returns true, or returns false.
  template <bool kWrite>
  [[gnu::always_inline]] bool tlb_host(u64 lin, u64 size, u8*& p) const {
    const TlbFast& f = (kWrite ? wfast_ : rfast_)[s_.cpl][(lin >> 12) & (Tlb::kEntries - 1)];
    if (f.tag != (lin + size - 1) >> 12) return false;
    p = f.host + (lin & 0xFFF);
    return true;
  }
  /// The memory operand of `d` (Form::Mem handlers) as host pointers, when
  /// the inline fast path covers the whole access: `r` for reading, `w` for
  /// writing, both for a read-modify-write. False, with nothing done, when
  /// it does not (a limit or rights failure, MMIO, a TLB miss, a page
  /// crossing, EFLAGS.AC or data breakpoints): the handler then re-runs as
  /// its Form::Any instantiation, which takes the checked path and raises
  /// any fault. Nothing may be changed before this test.
  enum class Access : u8 { Read, Write, ReadWrite };
  template <class T, Access A, Form F = Form::Mem>
  [[gnu::always_inline]] bool fast_mem(const DecodedInsn& d, const u8*& r, u8*& w) {
    const u64 off = ea<F>(d);
    const Segment& sg = s_.seg[d.seg];
    // A writable segment is a readable data segment with the same limits.
    const u64 end = A == Access::Read ? sg.rend : sg.wend;
    if ((off - sg.lo) + (sizeof(T) - 1) >= end) return false;
    // A write entry of the TLB also grants reads of the same bytes.
    u8* p;
    if (!tlb_host<A != Access::Read>(sg.lbase + off, sizeof(T), p)) return false;
    if constexpr (A != Access::Write) r = p;
    if constexpr (A != Access::Read) w = p;
    return true;
  }

  /// Host pointer to the operand of T at seg:`off` where the inline path
  /// serves it (read() and write(), with kWrite, and the stack accesses of
  /// lean handlers: attr::kLean), else nullptr with nothing raised.
  template <class T, bool kWrite>
  [[gnu::always_inline]] u8* host_at(unsigned seg, u64 off) const {
    const Segment& sg = s_.seg[seg];
    if ((off - sg.lo) + (sizeof(T) - 1) >= (kWrite ? sg.wend : sg.rend)) return nullptr;
    u8* p;
    return tlb_host<kWrite>(sg.lbase + off, sizeof(T), p) ? p : nullptr;
  }

  /// Host pointer to the `bytes` bytes at seg:`off`, for block operations
  /// (REP string instructions): non-null only when the whole span passes
  /// the segment check, lies in one page of RAM with a TLB hit granting the
  /// access, and neither EFLAGS.AC nor a data breakpoint needs the checked
  /// path. Raises nothing; the caller falls back to single accesses.
  template <bool kWrite>
  u8* fast_span(unsigned seg, u64 off, u32 bytes) {
    const Segment& sg = s_.seg[seg];
    if ((off - sg.lo) + (bytes - 1) >= (kWrite ? sg.wend : sg.rend)) return nullptr;
    u8* p;
    if (bytes > 0x1000 || !tlb_host<kWrite>(sg.lbase + off, bytes, p)) return nullptr;
    return p;
  }

  template <class T>
  [[gnu::noinline, gnu::cold]] T read_slow(unsigned seg, u64 off) {
    static_assert(sizeof(T) <= 8, "16-byte operands: two accesses (cpu/simd/simd.hpp read_mem)");
    if (model_.is_8086() && off + sizeof(T) > 0x10000) {
      u32 v = 0;
      for (unsigned i = 0; i < sizeof(T); ++i) v |= u32{read_linear<u8>(s_.seg[seg].base + ((off + i) & 0xFFFF))} << (8 * i);
      return static_cast<T>(v);
    }
    check_read(seg, off, sizeof(T));
    const u64 lin = linear(seg, off, sizeof(T));
    if (s_.eflags_rest & fl::AC) check_alignment(lin, sizeof(T));
    return read_linear<T>(lin);
  }
  template <class T>
  [[gnu::noinline, gnu::cold]] void write_slow(unsigned seg, u64 off, T v) {
    static_assert(sizeof(T) <= 8, "16-byte operands: two accesses (cpu/simd/simd.hpp write_mem)");
    // Data beside decoded code (a stack under a boot sector): the entry's
    // withheld write rights allow a direct store, then the line check.
    {
      const Segment& sg = s_.seg[seg];
      const u64 lin = (sg.lbase + off) & lin_mask_;
      const TlbEntry& t = tlb_.slot(lin >> 12);
      if ((off - sg.lo) + (sizeof(T) - 1) < sg.wend && !((s_.eflags_rest & fl::AC) | data_bp_) &&
          t.vpn == lin >> 12 && (t.code_rights & (s_.cpl == 3 ? tlbr::kUserWrite : tlbr::kSupWrite)) &&
          (lin & 0xFFF) <= 0x1000 - sizeof(T)) {
        store_le<T>(t.host_write + (lin & 0xFFF), v);
        const PhysAddr pa = t.frame | (lin & 0xFFF);
        if (bus_.code().written_in_frame(pa, sizeof(T))) wrote_code(pa);
        return;
      }
    }
    if (model_.is_8086() && off + sizeof(T) > 0x10000) {
      for (unsigned i = 0; i < sizeof(T); ++i) write_linear<u8>(s_.seg[seg].base + ((off + i) & 0xFFFF), static_cast<u8>(v >> (8 * i)));
      return;
    }
    check_write(seg, off, sizeof(T));
    const u64 lin = linear(seg, off, sizeof(T));
    if (s_.eflags_rest & fl::AC) check_alignment(lin, sizeof(T));
    write_linear<T>(lin, v);
  }
  /// The linear address of seg:`off` for an access of `size` bytes whose
  /// segment checks passed: in 64-bit mode a non-canonical address (first
  /// or last byte) raises #SS(0) through SS, else #GP(0) (SDM Vol. 3A
  /// 6.15, interrupts 12 and 13); outside 64-bit mode it wraps at 4 GiB.
  u64 linear(unsigned seg, u64 off, unsigned size) const {
    const u64 lin = (s_.seg[seg].lbase + off) & lin_mask_;
    if (mode64_ && (!canonical(lin) || !canonical(lin + size - 1))) {
      throw GuestFault::make(seg == SS ? u8{kSS} : u8{kGP}, 0);
    }
    return lin;
  }

  /// #SS for SS, #GP otherwise; the 286 in real mode raises interrupt 13
  /// for stack-limit violations too (SingleStepTests 80286 C3, C9, 1F).
  u8 limit_vector(unsigned seg) const {
    return seg == SS && !(model_.family == CpuFamily::i286 && !s_.pe()) ? u8{kSS} : u8{kGP};
  }
  /// Segment checks of a data access (SDM Vol. 3A 5.3, 5.4): the segment
  /// must be readable (writable), and offset..offset+size-1 within its
  /// limits (expand-down segments allow limit+1 up to FFFF or FFFFFFFF).
  void check_read(unsigned seg, u64 off, unsigned size) const {
    const Segment& sg = s_.seg[seg];
    if (model_.is_8086()) return;
    if (!sg.readable || off < sg.lo || off > sg.hi || sg.hi - off < size - 1) throw GuestFault::make(limit_vector(seg), 0);
  }
  void check_write(unsigned seg, u64 off, unsigned size) const {
    const Segment& sg = s_.seg[seg];
    if (model_.is_8086()) return;
    if (!sg.writable || off < sg.lo || off > sg.hi || sg.hi - off < size - 1) throw GuestFault::make(limit_vector(seg), 0);
  }
  /// Raises what a write of `size` bytes at seg:`off` would raise (the
  /// segment's type and limit, then paging at the CPL's rights, which may
  /// walk the page tables) and writes nothing: ENTER's check of its whole
  /// new frame (cpu/memory.cpp).
  void probe_write(unsigned seg, u64 off, unsigned size);
  /// Raises the #PF a data read of the byte at linear `lin` would raise (at
  /// the CPL's rights) and reads nothing, so no device register is touched:
  /// CLFLUSH and MONITOR check an address without loading from it.
  void probe_read_linear(u64 lin);
  /// #AC(0): a misaligned data access at CPL 3 with CR0.AM and EFLAGS.AC set
  /// (486 and later; SDM Vol. 3A 6.15, interrupt 17). Only reached when
  /// EFLAGS.AC is set, so the common path pays one bit test.
  void check_alignment(u64 lin, unsigned size) const {
    if ((lin & (size - 1)) && (s_.cr0 & 0x4'0000u) && s_.cpl == 3 && s_.pe()) throw GuestFault::make(kAC, 0);
  }
  /// One code byte at CS:`off` (limit checked; the 8086 wraps at 64 KiB;
  /// 64-bit mode has no limit, and a non-canonical RIP is #GP(0)).
  u8 fetch_code(u64 off) {
    if (model_.is_8086()) return fetch_linear(s_.seg[CS].base + (off & 0xFFFF));
    if (mode64_) {
      if (!canonical(off)) throw GuestFault::make(kGP, 0);
      return fetch_linear(off);
    }
    if (off > s_.seg[CS].limit) throw GuestFault::make(kGP, 0);
    return fetch_linear((s_.seg[CS].base + off) & 0xFFFF'FFFFu);
  }

  /// Linear memory, through the TLB and, on a miss, the page walk (SDM Vol.
  /// 3A ch. 4). `read_linear`/`write_linear` are accesses at the current
  /// privilege (user-mode at CPL 3); `read_sys`/`write_sys` are the
  /// implicit supervisor accesses to descriptor tables and the TSS. An access
  /// that crosses a 4 KiB page translates both pages before touching either,
  /// so a fault on the second leaves no partial write. Raises #PF with CR2.
  template <class T>
  T read_linear(u64 lin) {
    return read_lin<T>(lin, s_.cpl == 3 ? tlbr::kUserRead : tlbr::kSupRead);
  }
  template <class T>
  void write_linear(u64 lin, T v) {
    write_lin<T>(lin, v, s_.cpl == 3 ? tlbr::kUserWrite : tlbr::kSupWrite);
  }
  template <class T>
  T read_sys(u64 lin) {
    return read_lin<T>(lin, tlbr::kSupRead | tlbr::kImplicit);
  }
  template <class T>
  void write_sys(u64 lin, T v) {
    write_lin<T>(lin, v, tlbr::kSupWrite | tlbr::kImplicit);
  }
  /// An instruction byte at linear `lin`.
  u8 fetch_linear(u64 lin) {
    const u8 need = s_.cpl == 3 ? tlbr::kUserExec : tlbr::kSupExec;
    const TlbEntry& t = tlb_.slot(lin >> 12);
    if (t.vpn == lin >> 12 && (t.rights & need) && t.host_read) return t.host_read[lin & 0xFFF];
    return static_cast<u8>(access_slow(lin, 1, need, 0));
  }

  /// The current paging controls (from CR0, CR3, CR4, EFER) and the TLB.
  const PagingConfig& paging() const { return paging_; }
  /// Recomputes the paging controls after CR0/CR3/CR4 change; `flush`
  /// selects what the TLB loses (SDM Vol. 3A 4.10.4).
  enum class TlbFlush : u8 { None, NonGlobal, All };
  void update_paging(TlbFlush flush);
  void invlpg(u64 lin) {
    tlb_.flush_page(lin);
    links_changed();
    end_block();
  }
  /// INVPCID of `type` for linear `lin` (SDM Vol. 2A INVPCID; the TLB
  /// holds no PCID tags, so it flushes at least what is asked).
  void invpcid(InvpcidType type, u64 lin) {
    tlb_.invpcid(type, lin);
    links_changed();
    end_block();
  }
  /// Loads CR3 (MOV CR3, task switch): PAE reloads the PDPTEs (#GP(0) on
  /// reserved bits) and non-global TLB entries are flushed.
  void write_cr3(u64 value);

  /// The ModR/M r/m operand; `F` says which form the handler serves
  /// (Form::Any tests ModR/M.mod here).
  template <class T, Form F = Form::Any>
  [[gnu::always_inline]] T read_rm(const DecodedInsn& d) {
    if constexpr (F == Form::Reg) {
      return reg<T>(d.xrm());
    } else if constexpr (is_mem(F)) {
      return read<T>(d.seg, ea<F>(d));
    } else {
      return d.mod() == 3 ? reg<T>(d.xrm()) : read<T>(d.seg, ea(d));
    }
  }
  /// The r/m operand of a read-modify-write: after the read, the checks
  /// its write will make (the segment's type and limit, the page's write
  /// rights), so a write fault comes before the instruction has changed a
  /// flag or a register (SDM Vol. 3A 6.5: a fault leaves the state as it
  /// was before the instruction; an ADC restarted after a #PF on a
  /// copy-on-write page must see the same carry). Raises what the read,
  /// then the write, would raise.
  template <class T, Form F = Form::Any>
  T read_rmw(const DecodedInsn& d) {
    const T v = read_rm<T, F>(d);
    probe_rmw<T, F>(d);
    return v;
  }
  /// The write checks alone (a shift by 0 writes nothing: its caller
  /// checks only when the count is not 0).
  template <class T, Form F = Form::Any>
  void probe_rmw(const DecodedInsn& d) {
    if (F == Form::Reg || (F == Form::Any && d.mod() == 3)) return;
    probe_write(d.seg, ea(d), sizeof(T));
  }
  template <class T, Form F = Form::Any>
  [[gnu::always_inline]] void write_rm(const DecodedInsn& d, T v) {
    if (F == Form::Reg || (F == Form::Any && d.mod() == 3)) {
      set_reg<T>(d.xrm(), v);
    } else {
      write<T>(d.seg, ea(d), v);
    }
  }

  /// Stack pointer per SS.B (64 bits in 64-bit mode), and the stack
  /// operations (SDM Vol. 1 6.2, 6.14.3).
  u64 sp() const { return s_.gpr[ESP] & sp_mask_; }
  void set_sp(u64 v) {
    if (sp_mask_ == 0xFFFF) {
      s_.gpr[ESP] = (s_.gpr[ESP] & keep_.not_bits15_0) | (v & 0xFFFF);
    } else {
      s_.gpr[ESP] = v & sp_mask_;
    }
  }
  u64 sp_mask() const { return sp_mask_; }
  template <class T>
  void push(T v) {
    const u64 nsp = (sp() - sizeof(T)) & sp_mask_;
    write<T>(SS, nsp, v);
    set_sp(nsp);
  }
  template <class T>
  T pop() {
    const u64 old = sp();
    const T v = read<T>(SS, old);
    set_sp(old + sizeof(T));
    return v;
  }

  /// EFLAGS as the guest sees it, and writes through the mode's rules:
  /// only bits in `mask` change, fixed bits keep their values.
  u32 eflags() const { return s_.eflags(); }
  void write_eflags(u32 value, u32 mask);
  /// The mask of EFLAGS bits POPF/IRET may change in the current mode.
  u32 popf_mask(bool op32) const;


  /// Near jump to `target` (16-bit wrap unless o32); #GP(0) beyond CS
  /// limit, or in 64-bit mode (always 64-bit operand size on Intel parts,
  /// SDM Vol. 2A JMP) to a non-canonical address. A taken jump also ends
  /// the running block's run of instructions (block_end_; not stop_, so the
  /// loop goes on to the target's block) unless `kInBlock`: a JMP or CALL
  /// the block builder followed, whose target is the block's next
  /// instruction (cpu/block.cpp).
  template <bool kInBlock = false>
  void jump(u64 target, bool o32) {
    // Every Jcc, JMP, CALL and RET comes here: the 16/32-bit path first,
    // with the limit compare before the (rare) 8086 test, and the raise
    // out of line so the common path needs no stack frame.
    if (mode64_) [[unlikely]] return jump64<kInBlock>(target);
    const u32 t = o32 ? static_cast<u32>(target) : static_cast<u16>(target);
    if (t > s_.seg[CS].limit && model_.checks_limits()) [[unlikely]] raise_gp0();
    s_.rip = t;
    if constexpr (!kInBlock) block_end_ = nullptr;
  }
  /// jump() in 64-bit mode: #GP(0) for a non-canonical target.
  template <bool kInBlock = false>
  [[gnu::noinline]] void jump64(u64 target) {
    if (!canonical(target)) raise_gp0();
    s_.rip = target;
    if constexpr (!kInBlock) block_end_ = nullptr;
  }
  /// Throws #GP(0): out of line, for fast paths that must not set up a frame.
  [[noreturn, gnu::noinline, gnu::cold]] static void raise_gp0() { throw GuestFault::make(kGP, 0); }
  /// Raises #GP(0) unless CPL is 0 (privileged instructions; SDM Vol. 3A 5.9).
  void require_cpl0() const {
    if (s_.pe() && s_.cpl != 0) throw GuestFault::make(kGP, 0);
  }
  /// Far JMP/CALL/RET/IRET with the checks of the current mode
  /// (cpu/transfer.cpp; SDM Vol. 2A JMP, CALL, Vol. 2B RET, IRET).
  /// `o64`: REX.W forms (m16:64, RETFQ, IRETQ) with 8-byte stack slots.
  void far_jump(u16 selector, u64 offset, bool o32, bool o64 = false);
  void far_call(u16 selector, u64 offset, bool o32, bool o64 = false);
  void far_return(bool o32, u32 pop_extra, bool o64 = false);
  void iret(bool o32, bool o64 = false);
  /// Loads CS in real or virtual-8086 mode (no checks).
  void load_cs_real(u16 selector, u64 offset, bool o32);

  /// Loads segment register `seg` with `selector` (MOV, POP, LDS, ...):
  /// real/V86 mode set base = selector << 4; protected mode fetches and
  /// checks the descriptor (cpu/segments.cpp; SDM Vol. 2B MOV, Vol. 3A 5.x).
  void load_segment(unsigned seg, u16 selector);
  /// The 8-byte descriptor `selector` names, in the GDT or LDT. Throws
  /// `vector`(selector & FFFC, + EXT when `ext`: an event's delivery) when
  /// beyond the table limit.
  Descriptor fetch_descriptor(u16 selector, u8 vector = kGP, bool ext = false);
  /// Sets the accessed bit of a code/data descriptor in its table.
  void set_accessed(u16 selector, const Descriptor& d);
  /// Loads `seg`'s cache from descriptor `d` (checks already done).
  void load_cache(unsigned seg, u16 selector, const Descriptor& d);
  /// Recomputes segment register `seg`'s derived checks after its cache
  /// changed (and the mode, for CS).
  void refresh_one(unsigned seg);
  /// Sets CR0 (MOV CR0, LMSW, CLTS), handling PE transitions; #GP(0) on
  /// invalid combinations (PG without PE, NW without CD).
  void write_cr0(u64 value);
  /// LLDT / LTR (cpu/segments.cpp).
  void load_ldt(u16 selector);
  void load_tr(u16 selector);

  /// Interrupt and exception delivery (cpu/interrupts.cpp). `source` decides
  /// the privilege checks and the EXT bit of error codes: INT n checks the
  /// gate DPL and, in V86 mode, IOPL; INT3 and INTO check only the gate DPL.
  enum class IntSource : u8 { Software, SoftwareNoIopl, Exception, External };
  void interrupt(u8 vector, u64 return_eip, IntSource source = IntSource::Software, bool has_error = false,
                 u32 error = 0);

  /// I/O permission (SDM Vol. 1 18.5): #GP(0) unless CPL <= IOPL (and not
  /// V86) or the TSS I/O bitmap allows every byte of the access.
  void check_io(u16 port, unsigned size);
  /// Task switch to the TSS named by `selector` (cpu/task.cpp, SDM Vol. 3A 7.3).
  enum class TaskSwitch : u8 { Jmp, Call, Iret, Interrupt };
  void task_switch(u16 selector, const Descriptor& tss, TaskSwitch kind, u64 return_eip,
                   bool has_error = false, u32 error = 0);

  template <class T>
  T in(u16 port) {
    check_io(port, sizeof(T));
    if (io_bp_) check_io_bp(port, sizeof(T));
    end_block();  // a device may raise INTR, move memory or stop the CPU
    const T v = static_cast<T>(bus_.in(port, sizeof(T) == 1 ? Width::Byte : sizeof(T) == 2 ? Width::Word : Width::Dword));
    if (bus_.take_stop()) run_end_ = instructions() + 1;  // a device asked for attention
    return v;
  }
  template <class T>
  void out(u16 port, T v) {
    check_io(port, sizeof(T));
    if (io_bp_) check_io_bp(port, sizeof(T));
    end_block();
    bus_.out(port, v, sizeof(T) == 1 ? Width::Byte : sizeof(T) == 2 ? Width::Word : Width::Dword);
    if (bus_.take_stop()) run_end_ = instructions() + 1;  // stop after this instruction
  }

  /// EIP of `d`, the instruction executing now, while its handler has not
  /// moved RIP (which holds the next instruction's EIP; a block does not
  /// store each instruction's own).
  u64 insn_eip(const DecodedInsn& d) const { return (s_.rip - d.len) & ip_mask_; }
  /// Points RIP back at `d`, to run it again (a REP string instruction
  /// stopping between iterations); a block's run ends as after a taken
  /// jump. (A handler that moves RIP otherwise ends the block.)
  void restart(const DecodedInsn& d) {
    s_.rip = insn_eip(d);
    block_end_ = nullptr;
  }
  /// True while a REP string instruction should stop between iterations to
  /// take an interrupt.
  bool event_pending() const { return nmi_deliverable() || (intr_ && (s_.eflags_rest & fl::IF)); }
  bool nmi_deliverable() const { return nmi_ && !nmi_blocked_; }
  /// A REP string instruction stops after the current iteration, EIP back
  /// on it: an event is pending, or the iteration hit a DR data breakpoint
  /// (its #DB is a trap after that iteration, SDM Vol. 3A 17.3.1.2) or a
  /// debugger watchpoint.
  /// (or the host wants the run to end: see set_host_stop).
  bool rep_break() const {
    return event_pending() || pending_db_ || access_hit_ || (host_stop_ && host_stop_->load(std::memory_order_relaxed));
  }
  /// A REP string instruction ran `n` iterations beyond the first of this
  /// execution (its first is counted as any instruction's, after it): each
  /// counts as one instruction of virtual time and the TSC, as in Bochs and
  /// QEMU -icount. So a REP of ECX = N counts N (N = 0: one), also when
  /// stopped and resumed; a faulting iteration counts as the one executing.
  /// The block loop sized its block's run from the budget at one count per
  /// instruction: near the budget's end the block ends here, so the run
  /// stops on its budget (less the events taken in this run, which count
  /// against it and are not seen here: the only overshoot).
  /// The second instruction of a fused pair (cpu/ops/fused.hpp) retired.
  void count_fused() { ++insns_; }
  void count_iterations(u64 n) {
    insns_ += n;
    iterations_ += n;
    if (instructions() + BlockCache::kMaxInsns >= run_end_) end_block();
  }
  /// Iterations a REP string instruction may still run, beyond those
  /// counted and the one its execution counts, before the run's budget is
  /// spent: it then stops between iterations as for rep_break(). Unbounded
  /// where that stop would be seen: single-stepping (step(), EFLAGS.TF's
  /// trap after the instruction), code breakpoints (the resumed instruction
  /// would hit its own breakpoint again), and an observer (the debugger
  /// would see the resumed REP as a new instruction: step and stepi stay
  /// one REP). There a REP runs past the budget, as all did before.
  u64 rep_room() const {
    const u64 now = instructions();
    if (now + 1 < run_end_) return run_end_ - now - 1;
    if (whole_insn_ || (GB_OBSERVER && observer_) || (s_.eflags_rest & fl::TF) || code_bp_) return ~u64{0} >> 1;
    return 0;
  }
  /// A REP string instruction stops between iterations, EIP on it:
  /// rep_break(), or the budget is spent (rep_room()).
  bool rep_stop() const { return rep_break() || rep_room() == 0; }
  /// Changes with every change of the memory map (memory_changed(): A20,
  /// shadow RAM, SMRAM): host pointers a REP INS/OUTS holds across a port
  /// access (the device may remap memory) are good while it stays the same.
  u32 map_epoch() const { return map_epoch_; }
  /// A flag the host sets (a signal handler) to end the run: while it is
  /// set a REP string instruction also stops between iterations, EIP on
  /// it as for an interrupt, so no one instruction keeps the host busy for
  /// long (a REP LODSB with ECX = FFFFFFFFh is a minute of host time). The
  /// guest sees nothing: the instruction resumes where it stopped.
  void set_host_stop(const std::atomic<bool>* stop) { host_stop_ = stop; }
  void set_halted() {
    s_.halted = true;
    end_block();
  }
  /// A translation, a decoded byte or the memory map changed: every block
  /// link (Block::succ) is stale, blocks are found through the TLB again.
  void links_changed() {
    if (++link_epoch_ == 0) {  // (after 2^32 changes: no old epoch may match)
      blocks_.forget_links();
      link_epoch_ = 1;
    }
  }
  /// Ends the current block after this instruction: the instruction changed
  /// something a block assumes fixed (CS, CPL, paging, EFLAGS.TF/IF, the
  /// interrupt shadow, breakpoints, memory holding code), even when EIP ends
  /// up at the next instruction.
  void end_block() {
    stop_ = true;
    block_end_ = nullptr;
  }
  /// Recomputes the hardware breakpoints from DR0-DR3, DR7 and CR4.DE
  /// (cpu/debug.cpp, SDM Vol. 3A 17.2); call after writing a debug register
  /// or CR4.
  void update_breakpoints();
  void set_interrupt_shadow() {
    shadow_next_ = true;
    end_block();
  }
  void log_invalid(const DecodedInsn& d);

 private:
  template <bool kObserved>
  StopReason run_loop(u64 max_insns);
  [[gnu::always_inline]] inline void execute_one();
  /// Runs blocks from CS:EIP (cpu/block.cpp), one after another, until
  /// the budget (run_end_ less `events` taken) is spent, an event is
  /// pending, a block ends with end_block(), or a fault is delivered.
  /// Returns false, having done nothing, where not even the first block can
  /// run (MMIO code, an instruction across a page or the CS limit, a code
  /// page not yet in the TLB): the caller runs execute_one() instead.
  bool run_blocks(u64 events);
  template <u8 kMode>
  bool run_blocks_sized(u64 events);
  /// Decodes the block at linear `lin` into `b` from the code page `t`;
  /// false when not even its first instruction fits the block rules.
  bool build_block(Block& b, u64 lin, const TlbEntry& t);
  /// Takes the direct write pointers of frame `frame` out of the TLB: it
  /// now holds decoded code, so writes to it must reach CodePages.
  void protect_code_frame(PhysAddr frame);
  /// Moves a TLB entry's write rights to code_rights.
  void withhold_writes(TlbEntry& t);
  /// Whether this CPU is alone on its bus: the bus's listener is this CPU
  /// (or nobody). Otherwise the listener (the machine) tells every CPU,
  /// this one included.
  bool alone_on_bus() const { return bus_.memory_listener() == this || !bus_.memory_listener(); }
  /// This CPU's store reached bytes in CodePages: every CPU's blocks and
  /// TLB learn of it (and a monitored line triggers).
  void wrote_code(PhysAddr pa) {
    if (alone_on_bus()) code_written(pa);
    else bus_.cpu_wrote_code(pa);
  }
  /// `len` bytes at physical `addr` in `frame` are decoded code (or a
  /// monitored line): when the frame had none, every CPU stops writing it
  /// through host pointers.
  void mark_code(PhysAddr addr, unsigned len, PhysAddr frame) {
    if (!bus_.code().add(addr, len)) return;
    if (alone_on_bus()) protect_code_frame(frame);
    else bus_.code_frame_added(frame);
  }
  /// Leaves HLT or MWAIT for an event; MWAIT's monitor is then disarmed
  /// (MONITOR arms it again).
  void wake() {
    s_.halted = false;
    if (s_.in_mwait) s_.in_mwait = s_.monitor_armed = false;
  }
  PhysAddr monitor_line_ = 0;  ///< physical, 64-byte aligned (arm_monitor)
  void deliver(const GuestFault& f);
  void interrupt_real(u8 vector, u64 return_eip);
  void interrupt_protected(u8 vector, u64 return_eip, IntSource source, bool has_error, u32 error);
  void far_transfer_protected(u16 selector, u64 offset, bool o32, bool call, bool o64);
  /// IA-32e mode forms (cpu/interrupts.cpp, cpu/transfer.cpp; SDM Vol. 3A 5.8.3.1, 6.14).
  void interrupt_long(u8 vector, u64 return_rip, IntSource source, bool has_error, u32 error);
  void call_gate_long(u16 selector, const Descriptor& gate, bool call);
  void far_return_long(bool o32, u32 pop_extra, bool o64);
  void iret_long(bool o32, bool o64);
  /// SS and RSP after RETF/IRET to an outer level in IA-32e mode (a NULL
  /// `selector` when `null_ss`); `to64`: the new CS is 64-bit code.
  /// The SS a far return or IRET to an outer level loads (SDM Vol. 2B RET,
  /// IRET): #GP/#SS on a bad descriptor; true for a NULL SS, allowed only
  /// to 64-bit mode at CPL < 3 (else #GP(0)); `sd` holds the descriptor.
  bool check_return_ss(u16 selector, unsigned rpl, bool to64, Descriptor& sd);
  void load_return_ss(u16 selector, bool null_ss, const Descriptor& sd, u64 rsp, bool to64);
  /// The second quadword of the 16-byte system descriptor `selector` names
  /// (IA-32e mode, SDM Vol. 3A 3.5.2); #GP(selector) beyond the table limit.
  u64 fetch_descriptor_high(u16 selector, u8 vector = kGP);
  /// A quadword of the 64-bit TSS at `off` (RSPn, ISTn): #TS(TR) beyond its limit.
  u64 tss_read64(u32 off, bool ext);
  /// The 64-bit base of the LDT or TSS descriptor `d` at `selector` (LLDT, LTR in IA-32e mode).
  u64 system_base64(u16 selector, const Descriptor& d);
  /// SS = the NULL `selector` of IA-32e mode, usable in 64-bit mode only;
  /// the cache keeps DPL = RPL (SDM Vol. 3A 6.14.4; Vol. 2B MOV).
  void load_null_ss(u16 selector);
  /// SS:ESP for privilege level `dpl` from the current TSS; beyond its
  /// limit is #TS(TR, + EXT when `ext`).
  std::pair<u16, u32> tss_stack(unsigned dpl, bool ext = false);
  /// After a return to an outer level: null DS/ES/FS/GS the new CPL may not use.
  void null_inaccessible_segments();
  bool take_events();
  template <class T>
  T read_lin(u64 lin, u8 need) {
    if (data_bp_) check_data_bp(lin, sizeof(T), false);
    const TlbEntry& t = tlb_.slot(lin >> 12);
    if (t.vpn == lin >> 12 && (t.rights & need) && t.host_read && (lin & 0xFFF) <= 0x1000 - sizeof(T)) {
      return load_le<T>(t.host_read + (lin & 0xFFF));
    }
    return static_cast<T>(access_slow(lin, sizeof(T), need, 0));
  }
  template <class T>
  void write_lin(u64 lin, T v, u8 need) {
    if (data_bp_) check_data_bp(lin, sizeof(T), true);
    const TlbEntry& t = tlb_.slot(lin >> 12);
    if (t.vpn == lin >> 12 && (t.rights & need) && t.host_write && (lin & 0xFFF) <= 0x1000 - sizeof(T)) {
      store_le<T>(t.host_write + (lin & 0xFFF), v);
      return;
    }
    access_slow(lin, sizeof(T), need, v);
  }
  /// The TLB-miss path (cpu/memory.cpp): translates (walking and filling
  /// the TLB), splits page-crossing accesses, and reaches MMIO through the
  /// bus. `need` is one tlbr right; writes carry their value.
  u64 access_slow(u64 lin, unsigned size, u8 need, u64 value);
  /// Translates the page of `lin` for `need`, filling the TLB; raises #PF,
  /// and in IA-32e mode #GP(0) for a non-canonical address.
  const TlbEntry& translate(u64 lin, u8 need);
  /// DR0-DR3 code breakpoints matching linear address `lin` (DR6 B0-B3 bits).
  u32 code_bp_hits(u64 lin) const;
  /// Records data breakpoints hit by an access, delivered as a trap after
  /// the instruction, and reports the access to a watching observer.
  void check_data_bp(u64 lin, unsigned size, bool write);
  /// Records I/O breakpoints (DR7 R/W = 10b with CR4.DE) hit by an access
  /// of `size` bytes at `port`: a trap after the instruction.
  void check_io_bp(u16 port, unsigned size);

  Bus& bus_;
  const CpuModel& model_;
  DecodeTables tables_;
  DecodeCache dcache_;
  BlockCache blocks_;
  bool stop_ = false;   ///< end the current block (end_block())
  /// The instructions of the running block end before this; nullptr after
  /// end_block() (cpu/block.cpp's one test per instruction).
  const DecodedInsn* block_end_ = nullptr;
  /// In a block's run, the record executing now and the run's first
  /// record: instructions() adds the records between them to insns_.
  /// Equal outside a run.
  const DecodedInsn* cur_ = nullptr;
  const DecodedInsn* run_first_ = nullptr;
  /// ESP before the record cur_ (enter_record), which a fault in it
  /// restores: a handler may move ESP before it faults.
  u64 esp0_ = 0;
  /// Block links (Block::succ) made before an epoch change are stale.
  u32 link_epoch_ = 1;
  u8 links_need_ = 0;  ///< the execute right the links were made with (a CPL)
  /// The CS limit check the links were made with (a block's span passed
  /// it), by CodeSize: links join blocks of one code size.
  std::array<u64, 3> links_last_ok_{};
  /// The code size (CodeSize) and CS base the links were made with: within
  /// an epoch, a block's EIP names its linear address (cpu/block.cpp).
  u8 links_mode_ = 0xFF;
  u64 links_cs_base_ = 0;
  /// Not a block: the previous block of a run's first one, with no link
  /// (cpu/block.cpp), so the loop needs no test for "no previous block".
  Block entry_link_;
  bool mode64_ = false;       ///< see mode64()
  u64 lin_mask_ = 0xFFFF'FFFFu;  ///< linear addresses wrap at 4 GiB outside 64-bit mode
  u64 sp_mask_ = 0xFFFF;      ///< SP, ESP or RSP by SS.B and the mode
  /// The masks of byte and word register writes, as data the compiler
  /// cannot see through: with constants it turns the merge into a 1- or
  /// 2-byte store, and the next instruction's 8-byte read of the register
  /// then waits for the store to retire (store-to-load forwarding needs the
  /// load inside the store): 10 % of the real-mode benchmark.
  struct {
    u64 not_bits7_0 = ~u64{0xFF};
    u64 not_bits15_8 = ~u64{0xFF00};
    u64 not_bits15_0 = ~u64{0xFFFF};
  } keep_;
  u64 ip_mask_ = 0xFFFF;      ///< IP, EIP or RIP by CS.D and the mode
  CpuState s_;
  CpuObserver* observer_ = nullptr;
  FerrListener* ferr_listener_ = nullptr;
  ApicBaseListener* apic_base_listener_ = nullptr;
  const u64* tsc_clock_ = nullptr;  ///< see set_tsc_clock
  bool bsp_ = true;
  bool yield_on_pause_ = false;
  u8 apic_id_ = 0;
  bool ferr_ = false;
  bool ignne_ = false;
  std::FILE* log_ = stderr;
  unsigned logged_ = 0;
  /// Invalid encodings already logged (log_invalid): [class][map+opcode][reg].
  std::bitset<5 * opc::kMaps * 8> invalid_seen_;
  u64 insns_ = 0;
  u64 run_end_ = 0;  ///< run() returns when insns_ reaches this
  u64 insn_eip_ = 0;
  bool intr_ = false;
  bool nmi_ = false;
  bool nmi_blocked_ = false;  ///< NMI handler running: NMIs held until IRET (SDM Vol. 3A 6.7.1)
  /// Set when an event handler is entered (interrupt()): the instruction
  /// that entered it, a software interrupt, has no single-step trap.
  bool handler_entered_ = false;
  /// A task switch loaded a TSS with its T flag set: #DB with DR6.BT is due
  /// before the new task's first instruction (SDM Vol. 3A 17.3.1.5).
  bool task_trap_ = false;
  bool shadow_next_ = false;
  bool shutdown_ = false;
  bool code_bp_ = false;  ///< any enabled execute breakpoint
  bool data_bp_ = false;  ///< any enabled data breakpoint, or watching_
  bool dr_data_bp_ = false;  ///< any enabled DR0-DR3 data breakpoint
  bool io_bp_ = false;       ///< any enabled I/O breakpoint (CR4.DE)
  bool watching_ = false;    ///< set_watching()
  bool access_hit_ = false;  ///< the observer reported a watchpoint hit in this instruction
  const std::atomic<bool>* host_stop_ = nullptr;  ///< see set_host_stop
  bool whole_insn_ = false;  ///< step(): a REP runs to its end (rep_room)
  u32 map_epoch_ = 0;        ///< see map_epoch()
  u64 iterations_ = 0;       ///< REP iterations in insns_ beyond one per execution
  u32 pending_db_ = 0;    ///< DR6 B0-B3 bits of data breakpoints hit
  PagingConfig paging_;
  Tlb tlb_;
  /// The TLB's fast tag sets for reads and writes at each CPL (tlb_host):
  /// none while data breakpoints or watchpoints need every access checked.
  std::array<const TlbFast*, 4> rfast_{}, wfast_{};
  /// Points rfast_ and wfast_ at the sets for the breakpoint state and
  /// EFLAGS.AC: with data breakpoints or watchpoints armed, or EFLAGS.AC
  /// set (an access may then raise #AC, SDM Vol. 3A 6.15 interrupt 17), the
  /// set that never matches, so every access takes the checked path and
  /// the fast path tests neither. Called wherever either may change
  /// (update_breakpoints, write_eflags, update_mode, the direct EFLAGS
  /// loads of task switches, IRET to virtual-8086 mode and real-mode
  /// interrupts).
  void update_fast_sets() {
    const bool slow = data_bp_ || (s_.eflags_rest & fl::AC);
    for (unsigned cpl = 0; cpl < 4; ++cpl) {
      rfast_[cpl] = tlb_.fast(slow ? Tlb::kNoFast : cpl == 3 ? Tlb::kUserRead : Tlb::kSupRead);
      wfast_[cpl] = tlb_.fast(slow ? Tlb::kNoFast : cpl == 3 ? Tlb::kUserWrite : Tlb::kSupWrite);
    }
  }
  /// Effective-address masks by DecodedInsn::asize (16-, 32-, 64-bit
  /// addressing), as data: one AND instead of branches on the size.
  std::array<u64, 3> addr_mask_{0xFFFF, 0xFFFF'FFFFu, ~u64{0}};
  GuestFault last_fault_{};
};

/// `H` after Cpu::enter_record(): HandlerRef::entered.
template <Handler H>
void entered_form(Cpu& c, const DecodedInsn& d) {
  c.enter_record(d);
  H(c, d);
}

}  // namespace gb
