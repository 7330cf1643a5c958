// The pages 4-level and 5-level paging map, enumerated for `info tab`.
#pragma once
#include <functional>

#include "mmu/bus.hpp"
#include "mmu/paging.hpp"

namespace gb {

/// One page (4 KiB, 2 MiB or 1 GiB) with a translation: linear (canonical)
/// and physical base, size in bytes, the effective R/W and U/S over all
/// levels, XD at any level (with EFER.NXE).
struct MappedPage {
  u64 lin, phys, size;
  bool writable, user, no_exec;
};

/// Calls `f` for every page `pc` (mode Level4 or Level5) maps, in linear
/// address order, lower half first. An entry with a reserved bit maps
/// nothing (what walk() says, SDM Vol. 3A 4.5). Reads the tables through
/// `bus` and changes nothing. Stops after reading kMaxPageMapEntries
/// entries (garbage tables can point every entry at a table) and then
/// returns false.
constexpr u64 kMaxPageMapEntries = u64{1} << 20;
bool for_each_page_ia32e(const PagingConfig& pc, Bus& bus, const std::function<void(const MappedPage&)>& f);

}  // namespace gb
