// The native side's signal catcher (x86-64 hosts only), shared by the
// SIMD oracle and the 64-bit oracle: a fault in the hand-assembled helper
// (SIGFPE for an unmasked SIMD floating-point exception, SIGSEGV, SIGILL,
// SIGBUS, SIGTRAP) longjmps back to the caller with the faulting context. The
// handler runs on an alternate stack, so a sequence may move RSP anywhere.
#pragma once
#if defined(__x86_64__)
#include <setjmp.h>

#include "mmu/types.hpp"

namespace gb::simd_oracle {

/// What the handler saw. A signal handler can reach only static storage;
/// the oracles are single-threaded.
struct Caught {
  sigjmp_buf jb;
  u8 fx[512];           ///< the FXSAVE image at the fault
  u64 gpr[16];          ///< RAX..R15 in ModR/M order
  u64 flags;            ///< RFLAGS
  u64 rip;              ///< the faulting instruction
  int trapno;           ///< the exception vector the kernel saw (19 for #XM)
};

/// The one Caught; sigsetjmp(caught().jb, 1) before running the helper:
/// it returns the signal number when the helper faulted.
Caught& caught();

/// Installs the handler for SIGFPE, SIGSEGV, SIGILL, SIGBUS and SIGTRAP (once).
void install_catcher();

}  // namespace gb::simd_oracle
#endif
