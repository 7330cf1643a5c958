// The host's side of the 64-bit oracle (x86-64 hosts only): the data page
// at kData and the code page at kCode are mapped at those very addresses,
// a hand-assembled helper loads the 16 GPRs, RFLAGS and (FXRSTOR) XMM0-15
// with MXCSR, jumps to the sequence at kSeq, and stores them back (FXSAVE);
// a fault is caught (tests/simd_oracle/catcher.hpp) with its state.
#pragma once
#include <vector>

#include "tests/oracle64/state.hpp"

namespace gb::oracle64 {

class Native {
 public:
  /// Maps the pages; ok() says whether it could.
  Native();
  ~Native();
  Native(const Native&) = delete;
  Native& operator=(const Native&) = delete;
  bool ok() const { return ok_; }
  /// Runs `code` (at most kSeqMax bytes) from `in`. Outcome::vector is the
  /// x86 vector the kernel reported for a fault (13 #GP, 14 #PF, 6 #UD, 0 #DE ...).
  Outcome run(const std::vector<u8>& code, const State& in, State& out);

 private:
  Outcome execute(State& out);

  bool ok_ = false;
  bool rwx_ = true;
  u8* data_ = nullptr;
  u8* code_ = nullptr;
  u8* block_ = nullptr;
};

/// True on an x86-64 host (the native side exists).
bool native_available();

}  // namespace gb::oracle64
