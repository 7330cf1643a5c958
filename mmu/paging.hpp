// The page walker: linear -> physical translation through the guest's page
// tables, exactly as SDM Vol. 3A chapter 4 describes (32-bit paging with
// PSE, PAE paging with NX). Pure over the bus: the CPU owns the TLB and the
// fault delivery; the debugger calls it with set_ad = false.
#pragma once
#include <array>

#include "mmu/bus.hpp"
#include "mmu/types.hpp"

namespace gb {

enum class PagingMode : u8 { Off, Legacy32, Pae };

/// The paging controls the walk depends on (CR0.WP, CR3, CR4.PSE/PAE/PGE,
/// EFER.NXE) and the PDPTEs PAE loads at MOV CR3 (SDM Vol. 3A 4.4.1).
struct PagingConfig {
  PagingMode mode = PagingMode::Off;
  u32 cr3 = 0;
  bool wp = false;   ///< CR0.WP: supervisor writes honour R/W
  bool pse = false;  ///< CR4.PSE: 4 MiB pages in 32-bit paging
  bool pge = false;  ///< CR4.PGE: the G bit marks global translations
  bool nxe = false;  ///< EFER.NXE: bit 63 of PAE entries is XD
  /// Physical address width in bits (36 on P6 with PAE).
  unsigned maxphyaddr = 32;
  /// The page attribute table exists; without it the PAT bits (bit 7 of a
  /// PTE, bit 12 of a large-page PDE) are reserved (SDM Vol. 3A Tables 4-4,
  /// 4-6, 4-10, 4-11).
  bool pat = true;
  std::array<u64, 4> pdpte{};
};

/// What an access needs (SDM Vol. 3A 4.6): a write, a user-mode access
/// (CPL 3 and not an implicit supervisor access), an instruction fetch.
struct PageAccess {
  bool write = false;
  bool user = false;
  bool fetch = false;
};

/// Page-fault error code bits (SDM Vol. 3A 4.7, Figure 4-12).
namespace pf {
constexpr u32 P = 1, W = 2, U = 4, RSVD = 8, ID = 16;
}

/// The flag bits of a paging-structure entry, decoded for the debugger and
/// teaching views (SDM Vol. 3A Tables 4-4 to 4-10, 4-14 to 4-20).
struct EntryFlags {
  bool present, writable, user, write_through, cache_disable, accessed, dirty, page_size, global, no_exec;
};
constexpr EntryFlags decode_entry(u64 e) {
  return EntryFlags{(e & 1) != 0,    (e & 2) != 0,     (e & 4) != 0,     (e & 8) != 0,     (e & 16) != 0,
                    (e & 0x20) != 0, (e & 0x40) != 0, (e & 0x80) != 0, (e & 0x100) != 0, (e >> 63) != 0};
}

struct WalkStep {
  unsigned level;   ///< 3 = PDPTE, 2 = PDE, 1 = PTE
  PhysAddr entry_addr;
  u64 entry;        ///< value read (before any A/D update)
};

struct WalkResult {
  bool ok = false;
  PhysAddr phys = 0;      ///< the translation of the linear address (when ok)
  u32 error = 0;          ///< #PF error code (when !ok)
  PhysAddr page_base = 0; ///< physical base of the 4 KiB frame holding phys
  bool global = false;    ///< G set in the final entry with CR4.PGE
  bool large = false;     ///< a 4 MiB or 2 MiB page
  bool dirty = false;     ///< D set in the final entry (after this walk)
  /// Effective rights over all levels: U/S and R/W both 1 at every level,
  /// XD at any level (with NXE).
  bool user = false, writable = false, no_exec = false;
  unsigned steps = 0;
  std::array<WalkStep, 3> step{};
};

/// Walks the tables for linear address `lin` and checks `acc` against the
/// rights found. With `set_ad`, sets the accessed bits of the entries used
/// and, for a write, the dirty bit of the final entry, only when the
/// translation succeeds (as Bochs and QEMU do; SDM Vol. 3A 4.8).
WalkResult walk(const PagingConfig& cfg, u32 lin, PageAccess acc, Bus& bus, bool set_ad);

/// Whether PDPTE `e` has reserved bits set (MOV CR3 then raises #GP(0);
/// SDM Vol. 3A 4.4.1).
bool pdpte_reserved(u64 e, unsigned maxphyaddr);

}  // namespace gb
