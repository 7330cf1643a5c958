// The expected-failures list of the differential oracles (the SIMD oracle
// and the 64-bit oracle): a file of mnemonics, one a line (# comments); a
// sequence holding a listed mnemonic may fail, and a listed mnemonic that
// passes in every sequence holding it fails the run ("now passes: remove
// X from the list"), so the list is checked both ways.
#pragma once
#include <map>
#include <set>
#include <string>
#include <utility>

#include "mmu/types.hpp"
#include "tests/simd_oracle/gen.hpp"

namespace gb::simd_oracle {

/// Reads the list at `path` into `list`; false when it cannot be read or
/// names a mnemonic not in `known` (each printed).
bool load_list(const std::string& path, const std::set<std::string>& known, std::set<std::string>& list);

/// The expected-failures bookkeeping and the summary.
class Tally {
 public:
  explicit Tally(const std::set<std::string>& listed) : listed_(listed) {}
  /// One sequence's result (`why` empty = passed). Returns true when it
  /// counts as a failure (no listed mnemonic in it).
  bool add(const Sequence& seq, const std::string& why);
  /// Counts `name` as the culprit of a failing sequence.
  void culprit(const std::string& name) { ++culprits_[name]; }
  u64 failed() const { return failed_; }
  /// Prints the summary; returns the number of failures (sequences, plus
  /// listed mnemonics that now pass).
  u64 report(bool show_unexercised);

 private:
  const std::set<std::string>& listed_;
  std::map<std::string, std::pair<u64, u64>> listed_seen_;  // sequences holding it, failing ones
  std::map<std::string, u64> culprits_;
  u64 passed_ = 0, failed_ = 0, expected_ = 0;
};

}  // namespace gb::simd_oracle
