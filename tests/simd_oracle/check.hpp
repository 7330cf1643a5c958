// Comparing a sequence's native and Glassbox results. Everything must be
// bit-identical except the lanes an approximation (RCPPS, RCPSS, RSQRTPS,
// RSQRTSS, which the generator puts last) wrote: processors differ in those
// bits, so each lane is checked against the SDM's bound instead (relative
// error <= 1.5 * 2^-12, SDM Vol. 2B RCPPS/RSQRTPS) and its special cases.
#pragma once
#include <string>

#include "tests/simd_oracle/gen.hpp"
#include "tests/simd_oracle/guest.hpp"
#include "tests/simd_oracle/state.hpp"

namespace gb::simd_oracle {

/// True when the sequence ends with an approximation.
bool ends_with_approx(const Sequence& seq);

/// Compares native (`no`, `n`) with Glassbox (`go`, `g`) for the sequence
/// run from `in`. `pre`: Glassbox's state before the last instruction
/// (needed when ends_with_approx). Returns an empty string when they agree,
/// else what differs (several lines).
std::string compare(const Sequence& seq, const State& in, const Outcome& no, const State& n, const Outcome& go,
                    const State& g, const State* pre);

/// "insn 3 (ADDPS)" for a fault at code offset `off`.
std::string insn_at(const Sequence& seq, u32 off);

}  // namespace gb::simd_oracle
