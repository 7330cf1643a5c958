// The machine state the 64-bit oracle sets before a sequence and compares
// after it, the same natively and in Glassbox: the 16 GPRs, RFLAGS' defined
// bits, MXCSR, XMM0-15 and the data window. The addresses are identity-
// mapped linear addresses, the same in both worlds (the native side maps
// them with MAP_FIXED_NOREPLACE), so RIP-relative displacements and pushed
// values agree.
#pragma once
#include <array>
#include <string>

#include "mmu/types.hpp"

namespace gb::oracle64 {

constexpr u64 kData = 0x0020'0000;        ///< the data page
constexpr u32 kMemBytes = 0x200;          ///< its compared window: operands and the stack
constexpr u64 kBase = kData + 0x80;       ///< the base register's value (disp8 reaches -80h..7Fh around it)
constexpr u64 kStackTop = kData + 0x1E0;  ///< RSP at the start (pushes go down to about +160h)
constexpr u64 kCode = 0x0030'0000;        ///< the code page (native: the helper's prologue and epilogue too)
constexpr u64 kSeq = kCode + 0x400;       ///< where the sequence starts, in both worlds
constexpr u32 kSeqMax = 0xB00;            ///< its longest encoding
constexpr u64 kArith = 0x8D5;             ///< CF PF AF ZF SF OF
constexpr u64 kDF = 0x400;

struct State {
  std::array<std::array<u8, 16>, 16> xmm{};
  std::array<u64, 16> gpr{};  ///< RAX..R15 in ModR/M order
  u64 rflags = 0;             ///< the arithmetic flags and DF
  u32 mxcsr = 0x1F80;
  std::array<u8, kMemBytes> mem{};

  friend bool operator==(const State&, const State&) = default;
};

/// How a run ended.
struct Outcome {
  bool completed = false;  ///< reached the end of the sequence
  int vector = -1;         ///< else the exception raised, or -1 when unknown
  u32 fault_offset = 0;    ///< and its instruction's offset in the sequence
  bool operator==(const Outcome&) const = default;
};

/// The whole state, a few lines (the inputs of a mismatch).
std::string describe(const State& s);
/// The fields where `a` and `b` differ, one per line, with `in` for
/// reference; the flags compared under `flag_mask`.
std::string describe_diff(const State& in, const State& a, const State& b, u64 flag_mask);

}  // namespace gb::oracle64
