// Canonical linear addresses (SDM Vol. 3A 3.3.7.1, 4.5.1): in a linear
// address space `linear_bits` wide, bits 63 down to linear_bits - 1 are all
// equal (bit linear_bits - 1 sign-extended).
#pragma once
#include "mmu/types.hpp"

namespace gb {

/// True when `lin` is canonical for `linear_bits` (48 with 4-level paging,
/// 57 with 5-level paging; 1..64).
constexpr bool canonical(u64 lin, unsigned linear_bits) {
  const unsigned shift = 64 - linear_bits;
  // C++20 defines >> of a negative value as an arithmetic shift.
  return static_cast<u64>(static_cast<i64>(lin << shift) >> shift) == lin;
}

static_assert(canonical(0x0000'7FFF'FFFF'FFFFu, 48) && canonical(0xFFFF'8000'0000'0000u, 48));
static_assert(!canonical(0x0000'8000'0000'0000u, 48) && canonical(0x0000'8000'0000'0000u, 57));
static_assert(!canonical(0x0100'0000'0000'0000u, 57) && canonical(0xFF00'0000'0000'0000u, 57));

}  // namespace gb
