// Glassbox's side of the SIMD oracle: a `nehalem` CPU (SSE4.2, POPCNT) in
// flat 32-bit protected mode with CR4.OSFXSR and OSXMMEXCPT, CR0.MP and NE,
// an IDT whose vector v runs a HLT at kHandlers + 16v, so a run tells which
// exception an instruction raised, and at which instruction.
#pragma once
#include <vector>

#include "cpu/cpu.hpp"
#include "tests/simd_oracle/state.hpp"

namespace gb::simd_oracle {

struct Outcome {
  bool completed = false;  ///< reached the HLT after the sequence
  int vector = -1;         ///< the exception raised (the handler reached), or -1
  u32 fault_offset = 0;    ///< its faulting instruction's offset in the code
  bool operator==(const Outcome&) const = default;
};

class Guest {
 public:
  Guest();
  /// Runs `code` from state `in`; `out` gets the state at the end (or in
  /// the exception handler: XMM, MXCSR, GPRs and memory as the fault left them).
  Outcome run(const std::vector<u8>& code, const State& in, State& out);

 private:
  std::vector<u8> ram_ = std::vector<u8>(4u << 20);
  MemoryMap memory_;
  IoMap io_;
  Bus bus_{memory_, io_};
  Cpu cpu_;
};

}  // namespace gb::simd_oracle
