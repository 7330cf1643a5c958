// The differential oracles' command line (the SIMD oracle and the 64-bit
// oracle): `--name VALUE` options, `--flag`s and at most two positional
// numbers, SEQUENCES and SEED.
#pragma once
#include <map>
#include <set>
#include <string>

#include "mmu/types.hpp"

namespace gb::simd_oracle {

struct CommandLine {
  std::map<std::string, std::string> values;  ///< the options given with a value
  std::set<std::string> flags;                ///< the flags given
  u64 count = 0, seed = 0;                    ///< SEQUENCES and SEED (the defaults unless given)

  std::string value(const std::string& option) const {
    const auto it = values.find(option);
    return it == values.end() ? std::string() : it->second;
  }
  bool has(const std::string& flag) const { return flags.count(flag) != 0; }
};

/// Parses argv into `cl` (whose count and seed hold the defaults); false
/// on an unknown option, a missing value or a third positional argument.
bool parse_command_line(int argc, char** argv, const std::set<std::string>& with_value,
                        const std::set<std::string>& flags, CommandLine& cl);

/// "A,B,C" as {A, B, C}; "" as {}.
std::set<std::string> split_commas(const std::string& list);

}  // namespace gb::simd_oracle
