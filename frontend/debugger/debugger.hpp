// The debugger: breakpoints and run control as a CpuObserver on every
// processor (attached only while debugging, so a detached CPU runs the
// hook-free loop), and the commands of its prompt (help lists them). Output
// goes to one stream. With several processors (-smp) the commands look at
// the debugger's current CPU (`cpu N`), which a stop makes the one that
// stopped.
#pragma once
#include <array>
#include <atomic>
#include <bitset>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cpu/cpu.hpp"
#include "frontend/debugger/disasm.hpp"
#include "frontend/debugger/target.hpp"
#include "frontend/debugger/watch.hpp"

namespace gb {

class Machine;

/// An address as the user wrote it: SEG:OFF (a selector or real-mode
/// segment and an offset), p:ADDR (physical) or ADDR (linear). Offsets and
/// addresses have 64 bits on a model with Intel 64 (CPUID LM), else 32.
struct DebugAddress {
  enum class Kind { SegOff, Linear, Physical } kind = Kind::Linear;
  u16 selector = 0;
  u64 offset = 0;      ///< SegOff: the offset; Linear/Physical: the address
  /// SegOff written with a register name (cs:eip, gs:10): that register
  /// (ES..GS), whose cache gives the base; -1 for a number.
  int seg_reg = -1;
};

/// EFLAGS by flag name, set flags only, then IOPL: "ZF PF IOPL=0".
std::string flag_names(u32 eflags);

struct Breakpoint {
  unsigned id = 0;
  DebugAddress at;
  bool temporary = false;  ///< until / next: deleted when hit
  int cpu = -1;            ///< only this processor's instructions hit it (next); -1: any
};

class Debugger final : public CpuObserver {
 public:
  struct Options {
    bool magic_break = false;  ///< stop at Bochs's magic breakpoint, xchg bx, bx (87 DB)
  };
  /// What the prompt does after a command.
  enum class Next { Prompt, Resume, Quit };

  /// Attaches to every processor's CPU at once (see set_attached).
  Debugger(Machine& m, std::FILE* out, Options opts);
  /// Attaches or detaches the CPUs' observer hooks: detached, the CPUs run
  /// their hook-free loop and no breakpoint is checked (the gdbstub detaches
  /// while no client is connected).
  void set_attached(bool on);
  ~Debugger() override;

  bool before_insn(const Cpu& cpu) override;
  void on_fault(const Cpu& cpu, const GuestFault& f) override;
  bool on_access(const Cpu& cpu, u64 lin, unsigned size, bool write) override;

  /// Runs one command line, printing its output; unknown commands and bad
  /// arguments print one "error: ..." line and change nothing.
  Next execute(const std::string& line);
  /// Runs a command as execute() does but returns its output instead of
  /// printing it (the panels' page walk).
  std::string output_of(const std::string& line);
  bool attached() const { return attached_; }
  /// Stop before the next instruction (Ctrl-C, the hot key, --debugger at
  /// the start). Safe from a signal handler.
  void request_break() { break_requested_.store(true, std::memory_order_relaxed); }
  /// Withdraws a request_break() not yet acted on.
  void cancel_break() { break_requested_.store(false, std::memory_order_relaxed); }
  /// Stop before the first instruction (--debugger): reported as such.
  void break_at_start() {
    at_start_ = true;
    request_break();
  }
  /// Takes the reason the CPU stopped, for the prompt ("" if none).
  std::string take_stop_message();
  /// The machine triple-faulted: reported at the next prompt.
  void note_shutdown();

  /// For the gdbstub, sharing the one set of breakpoints: add or remove a
  /// breakpoint at linear `lin` (remove: false if there is none), and resume.
  unsigned add_linear_break(u64 lin);
  bool remove_linear_break(u64 lin);
  /// The id of a breakpoint (of any address kind) on the instruction at
  /// linear `lin`, if there is one.
  std::optional<unsigned> break_at(u64 lin) const;
  /// Deletes breakpoint `id`; false if there is none.
  bool delete_break(unsigned id);
  /// The same for watchpoints on `len` bytes at linear `lin` (gdb's Z2-Z4);
  /// add throws std::invalid_argument on a bad range.
  unsigned add_linear_watch(Watchpoint::Access access, u64 lin, u32 len);
  bool remove_linear_watch(Watchpoint::Access access, u64 lin, u32 len);
  /// When the last stop was a watchpoint: its kind and the watched address
  /// the access touched (for gdb's "watch:ADDR" stop reply).
  std::optional<std::pair<Watchpoint::Access, u64>> stop_watch() const { return stop_watch_; }
  void resume_continue() { resume(); }
  /// Steps the current processor one instruction (the others run their
  /// share of the rounds meanwhile: see help).
  void resume_step() {
    steps_left_ = 1;
    stepping_ = true;
    step_cpu_ = cur_;
    resume();
  }
  /// Steps processor `i` (selecting it) as resume_step() does.
  void resume_step(unsigned i) {
    select_cpu(i);
    resume_step();
  }
  const Target& target() const { return target_; }
  Target& target() { return target_; }

  /// The debugger's current processor (0 = the BSP; Machine::processor):
  /// the one whose registers, paging, descriptor tables and local APIC the
  /// commands (and the gdbstub's g/m packets) see, and which step and next
  /// step. A stop selects the processor that stopped.
  unsigned current_cpu() const { return cur_; }
  /// Selects processor `i`; also for the machine's MMIO reads of the APIC
  /// page (Machine::set_current_cpu). Throws std::invalid_argument when
  /// there is no processor `i`.
  void select_cpu(unsigned i);
  /// The current processor's CPU.
  Cpu& cpu();
  const Cpu& cpu() const;
  /// How a processor is doing: "running", "halted" or "wait-for-SIPI".
  static const char* run_state(const CpuState& s);

  /// Parses an address; throws std::invalid_argument with the reason.
  DebugAddress parse_address(const std::string& s) const;
  /// The linear address of `a` (SegOff through the segment's base: the
  /// register's cache for CS..GS names, seg * 16 in real and V86 mode, the
  /// descriptor otherwise; in 64-bit mode only FS and GS have a base);
  /// nullopt for physical addresses. Outside 64-bit mode the sum wraps at
  /// 4 GiB.
  std::optional<u64> linear_of(const DebugAddress& a) const;
  /// The linear address of CS:RIP (RIP itself in 64-bit mode, else CS's
  /// base plus EIP, 32 bits).
  u64 pc_linear() const;

 private:
  /// What the debugger remembers of each processor between its
  /// instructions (the processors interleave).
  struct PerCpu {
    std::optional<WatchHit> watch_hit;  // the first hit since the last instruction boundary
    u64 insn_index = 0;                 // Cpu::instruction_boundaries() at before_insn
    bool hit_in_insn = true;            // the hit came from the instruction, not an interrupt entry
    u16 hit_cs = 0;
    u64 hit_eip = 0;
    std::string pending_fault;  // an exception break, reported at the handler
    // The previous instruction, for mode-change breaks and the trace.
    bool have_prev = false;
    u64 prev_cr0 = 0, prev_cr4 = 0;
    bool prev_lma = false;
    u16 prev_cs = 0;
    u64 prev_eip = 0;
    std::array<u64, 16> prev_gpr{};
    u32 prev_eflags = 0;
    std::string prev_text;
  };

  std::string run_line(const std::string& line, Next& next);
  std::string run_command(const std::vector<std::string>& args, Next& next);
  std::string help() const;
  std::string regs() const;
  std::string sregs() const;
  std::string cregs() const;
  std::string examine(const std::string& fmt, const std::vector<std::string>& args) const;
  std::string disasm(const std::vector<std::string>& args) const;
  std::string disasm_at(u64 lin, u64 offset, unsigned n) const;
  std::string translate(const std::string& addr) const;
  std::string info(const std::vector<std::string>& args) const;
  std::string info_descriptors(u64 base, u32 limit, bool gates, const char* what) const;
  std::string info_ivt() const;
  std::string info_tss() const;
  std::string info_tss64() const;
  std::string info_tab() const;
  std::string set(const std::vector<std::string>& args);
  std::string add_break(const std::vector<std::string>& args);
  std::string add_watch(const std::vector<std::string>& args);
  /// Turns the CPU's access reports on while attached with watchpoints.
  void update_watching();
  std::string watch_message(const WatchHit& h, const PerCpu& c) const;
  std::string where() const;
  std::string info_cpus() const;
  std::string cpu_command(const std::vector<std::string>& args);
  /// Points the commands' view (registers, paging) at processor `i`
  /// without touching the machine's current CPU (before_insn looks at the
  /// processor running).
  void view(unsigned i);
  /// The index of `cpu` among the machine's processors.
  unsigned index_of(const Cpu& cpu) const;
  /// before_insn for processor `idx`, viewed: the reason to stop, or "".
  std::string check_stop(const Cpu& cpu, unsigned idx);
  /// `next`: a temporary breakpoint after CALL/INT/REP/LOOP at EIP, or false.
  bool step_over();
  void resume();
  /// A number or register; above 32 bits only on a model with Intel 64.
  u64 value_of(const std::string& s) const;
  std::optional<u64> register_value(const std::string& name) const;
  /// Addresses have 64 bits (the model has Intel 64), else 32.
  bool wide() const;
  /// The CPU's code size: Capstone's 16, 32 or 64 (CS.L with EFER.LMA).
  unsigned code_bits() const;
  std::string trace_line(const Cpu& cpu, PerCpu& c);

  Machine& m_;
  Target target_;
  std::FILE* out_;
  Options opts_;
  mutable Disassembler dis_;

  std::vector<Breakpoint> breaks_;
  unsigned next_id_ = 1;
  std::bitset<256> exception_breaks_;
  std::vector<u16> io_breaks_;
  bool break_pe_ = false, break_pg_ = false, break_pae_ = false, break_a20_ = false, break_lma_ = false;
  WatchList watches_;
  bool attached_ = true;
  std::optional<std::pair<Watchpoint::Access, u64>> stop_watch_;

  std::vector<PerCpu> per_cpu_;
  unsigned cur_ = 0;           // current_cpu()
  unsigned stopped_cpu_ = 0;   // the processor the last stop stopped (it resumes first)
  unsigned step_cpu_ = 0;      // the processor step/next count instructions of
  mutable unsigned last_index_ = 0;  // index_of()'s last answer
  // The A20 line before the last instruction run, and the processor that ran it.
  bool have_a20_ = false;
  bool a20_ = true;
  unsigned a20_cpu_ = 0;

  std::atomic<bool> break_requested_{false};
  bool at_start_ = false;
  bool skip_once_ = false;      // resuming at a breakpoint: stopped_cpu_ does not stop there again
  u64 steps_left_ = 0;
  bool stepping_ = false;
  std::string stop_message_;
  std::FILE* trace_ = nullptr;
};

}  // namespace gb
