// The debugger's text for a page walk (`translate`, the Page walk panel):
// the mode and CR3, each entry read with its address and decoded bits, and
// the physical address or the #PF the access would raise.
#pragma once
#include <string>

#include "mmu/paging.hpp"

namespace gb {

/// "32-bit", "PAE", "4-level", "5-level" ("no" for Off).
const char* paging_mode_name(PagingMode m);

/// The lines `translate` prints for linear `lin` under paging mode
/// `pc.mode` (not Off), given the side-effect-free walk `w` of a
/// supervisor read: "linear ...", the mode and CR3, one line per WalkStep
/// (PML5E, PML4E, PDPTE, PDE, PTE) and the result. `phys` is the
/// translation after the bus's address mask. 32-bit and PAE paging print
/// 32-bit linear addresses; 4/5-level paging print all 64 bits.
std::string describe_walk(const PagingConfig& pc, u64 lin, const WalkResult& w, PhysAddr phys);

}  // namespace gb
