// The host's side of the SIMD oracle (x86-64 hosts only): the sequence runs
// in a hand-assembled 64-bit helper between FXRSTOR of the input state and
// FXSAVE of the result; a fault (SIGFPE for an unmasked SIMD floating-point
// exception with the kernel's CR4.OSXMMEXCPT, SIGSEGV, SIGILL) is caught and
// its state read from the signal context.
#pragma once
#include <vector>

#include "tests/simd_oracle/guest.hpp"
#include "tests/simd_oracle/state.hpp"

namespace gb::simd_oracle {

class Native {
 public:
  /// Maps the data buffer at kBuf and a code page; ok() says whether it could.
  Native();
  ~Native();
  Native(const Native&) = delete;
  Native& operator=(const Native&) = delete;
  bool ok() const { return ok_; }
  /// Runs `code` from `in`. Outcome::vector is the x86 vector the signal
  /// stands for (19 for SIGFPE from SSE, 16 x87, 13 SIGSEGV, 6 SIGILL).
  Outcome run(const std::vector<u8>& code, const State& in, State& out);

 private:
  bool ok_ = false;
  bool rwx_ = true;
  u8* page_ = nullptr;
  u8* buf_ = nullptr;
  struct Block;
  Block* block_ = nullptr;
};

/// True on an x86-64 host (the native side exists).
bool native_available();

}  // namespace gb::simd_oracle
