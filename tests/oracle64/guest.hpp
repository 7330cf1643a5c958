// Glassbox's side of the 64-bit oracle: a CPU in 64-bit mode at CPL 3 as
// an x86-64 user process runs, on identity-mapped 4-level page tables
// (SDM Vol. 3A 4.5): EFER.LME|LMA|NXE, CR0.PE|PG|WP|NE|MP, CR4.PAE|OSFXSR|
// OSXMMEXCPT, CS a 64-bit code segment (L = 1, DPL 3). The data page is
// NX; no IDT: an observer stops the CPU at the end of the sequence or
// records the first exception (whose delivery then shuts the CPU down).
#pragma once
#include <vector>

#include "cpu/cpu.hpp"
#include "tests/oracle64/state.hpp"

namespace gb::oracle64 {

class Guest {
 public:
  /// A machine on the CPU model `model` (a 64-bit one). Without `paging`,
  /// CR0.PG stays clear and EFER.LMA is set anyway: linear = physical (a
  /// state no real CPU reaches, for bringing 64-bit mode up before the
  /// 4-level walker).
  Guest(const CpuModel& model, bool paging);
  /// Runs `code` at kSeq from `in`; `out` gets the state at the end (or
  /// at the first exception, as the fault left it).
  Outcome run(const std::vector<u8>& code, const State& in, State& out);

 private:
  /// Stops before the instruction at `end`, and records the first fault.
  struct Watch final : CpuObserver {
    u64 end = 0;
    int vector = -1;
    u64 fault_rip = 0;
    bool before_insn(const Cpu& c) override { return c.state().rip != end && vector < 0; }
    void on_fault(const Cpu& c, const GuestFault& f) override {
      if (vector >= 0) return;
      vector = f.vector;
      fault_rip = c.state().rip;
    }
  };

  std::vector<u8> ram_ = std::vector<u8>(4u << 20);
  MemoryMap memory_;
  IoMap io_;
  Bus bus_{memory_, io_};
  Cpu cpu_;
  Watch watch_;
  bool paging_;
};

}  // namespace gb::oracle64
