// Guest exceptions (SDM Vol. 3A ch. 6) as a C++ exception carried from the
// faulting access to the instruction loop, which restores the instruction's
// starting EIP/ESP and delivers it.
#pragma once
#include "mmu/types.hpp"

namespace gb {

enum ExceptionVector : u8 {
  kDE = 0, kDB = 1, kNMI = 2, kBP = 3, kOF = 4, kBR = 5, kUD = 6, kNM = 7,
  kDF = 8, kTS = 10, kNP = 11, kSS = 12, kGP = 13, kPF = 14, kMF = 16,
  kAC = 17, kMC = 18, kXM = 19,
};

struct GuestFault {
  u8 vector = 0;
  bool has_error = false;
  u32 error = 0;
  /// Traps (INT n, INTO, INT3, the 8086's #DE) return past the instruction.
  bool trap = false;

  static GuestFault make(u8 v) { return GuestFault{v, false, 0, false}; }
  static GuestFault make(u8 v, u32 err) { return GuestFault{v, true, err, false}; }
};

}  // namespace gb
