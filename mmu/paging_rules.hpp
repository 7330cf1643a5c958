// What the page walkers of every mode share (internal to mmu/): the entry
// bits, the access-rights checks and #PF error codes (SDM Vol. 3A 4.6,
// 4.7) and the accessed/dirty updates (4.8).
#pragma once
#include "mmu/paging.hpp"

namespace gb::paging_rules {

constexpr u64 kP = 1, kRW = 2, kUS = 4, kA = 0x20, kD = 0x40, kPS = 0x80, kG = 0x100;
/// PAT bit of a large-page entry (bit 7 is PAT in a PTE, PS above it).
constexpr u64 kPatLarge = 0x1000;
constexpr u64 kXD = u64{1} << 63;

constexpr u64 phys_mask(unsigned maxphyaddr) { return (u64{1} << maxphyaddr) - 1; }

/// The W/R, U/S and I/D bits of a #PF error code for `acc`.
u32 access_code(PageAccess acc, const PagingConfig& cfg);

/// #PF error code for a not-present entry (P = 0).
inline u32 not_present(PageAccess acc, const PagingConfig& cfg) { return access_code(acc, cfg); }
/// #PF error code for a present entry with a reserved bit set.
inline u32 reserved_bit(PageAccess acc, const PagingConfig& cfg) { return access_code(acc, cfg) | pf::P | pf::RSVD; }

/// Completes a walk whose final entry is decoded into `r` (phys, user,
/// writable, no_exec, dirty): checks the rights (a #PF error code in
/// r.error when denied) or marks it ok and, with `set_ad`, sets A in steps
/// `first_a` onwards and, for a write, D in the final step.
void finish(WalkResult& r, const PagingConfig& cfg, PageAccess acc, Bus& bus, bool set_ad, unsigned first_a);

/// 4-level and 5-level paging (SDM Vol. 3A 4.5).
WalkResult walk_ia32e(const PagingConfig& cfg, u64 lin, PageAccess acc, Bus& bus, bool set_ad);

}  // namespace gb::paging_rules
