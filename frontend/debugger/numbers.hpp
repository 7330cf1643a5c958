// Number parsing shared by the debugger's commands and the gdbstub.
#pragma once
#include <charconv>
#include <optional>
#include <string_view>

#include "mmu/types.hpp"

namespace gb {

/// All of `s` as an unsigned number in `base` (no sign, prefix or
/// spaces); nullopt when empty, malformed or above 64 bits.
inline std::optional<u64> parse_u64(std::string_view s, int base) {
  u64 v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace gb
