// A direct-mapped TLB of host pointers (the shape of Bochs' bx_TLB_entry):
// a hit on RAM is a tag compare, a rights test and a host-pointer access,
// with no page walk and no virtual call.
//
// PCIDs (SDM Vol. 3A 4.10.1) are not tags here: the hit compares the page
// number only, and every CR3 load drops the non-global entries whatever
// the PCID and CR3 bit 63 say, so the TLB only ever holds the current
// PCID's translations and global ones. A processor may invalidate any TLB
// entry at any time (SDM Vol. 3A 4.10.2; INVLPG and INVPCID "may flush
// more"), so this is exact, at the cost of refills after a context switch
// that asked to keep its PCID's entries.
#pragma once
#include <array>

#include "mmu/paging.hpp"
#include "mmu/types.hpp"

namespace gb {

/// Rights a TLB entry grants, per kind of access (SDM Vol. 3A 4.6).
namespace tlbr {
constexpr u8 kSupRead = 1, kSupWrite = 2, kUserRead = 4, kUserWrite = 8, kSupExec = 16, kUserExec = 32;
}

struct TlbEntry {
  /// The tag of an empty entry. Page numbers are at most 52 bits wide (a
  /// 64-bit linear address >> 12), so no lookup ever matches it.
  static constexpr u64 kEmpty = ~u64{0};
  u64 vpn = kEmpty;          ///< linear page number (linear >> 12, all 64 bits of it)
  u8 rights = 0;
  /// Write rights withheld from `rights` because the frame holds decoded
  /// code: such writes take the CPU's slow path, which stores through
  /// host_write and tells CodePages.
  u8 code_rights = 0;
  bool global = false;
  u8* host_read = nullptr;   ///< RAM or ROM frame; nullptr: MMIO or unmapped
  u8* host_write = nullptr;  ///< RAM frame; nullptr: ROM, MMIO or unmapped
  PhysAddr frame = 0;        ///< physical address of the 4 KiB frame
};

/// INVPCID's types (SDM Vol. 2 INVPCID); the CPU checks the descriptor
/// (#GP(0) for a type above 3, a PCID other than 0 without CR4.PCIDE for
/// types 0 and 1, a non-canonical address for type 0) before calling.
enum class InvpcidType : u8 { IndividualAddress = 0, SingleContext = 1, AllContextsAndGlobals = 2, AllContexts = 3 };

class Tlb {
 public:
  static constexpr unsigned kEntries = 1024;

  TlbEntry& slot(u64 vpn) { return e_[vpn & (kEntries - 1)]; }

  void flush_all() {
    for (auto& x : e_) x.vpn = TlbEntry::kEmpty;
    large_ = false;
  }
  /// MOV CR3 (any PCID, CR3 bit 63 or not): every entry not marked global.
  void flush_non_global() {
    for (auto& x : e_) {
      if (!x.global) x.vpn = TlbEntry::kEmpty;
    }
  }
  /// INVLPG: the page holding `lin` (the full 64-bit linear address, as
  /// the entries were tagged). Entries filled from a 4 MiB, 2 MiB or 1 GiB
  /// page are 4 KiB pieces of it, so then everything goes.
  void flush_page(u64 lin) {
    if (large_) {
      flush_all();
      return;
    }
    TlbEntry& x = slot(lin >> 12);
    if (x.vpn == lin >> 12) x.vpn = TlbEntry::kEmpty;
  }
  /// INVPCID. Without PCID tags, type 0 is INVLPG (which also drops a
  /// global entry: more than asked, allowed), type 1 drops every
  /// non-global entry (the current PCID's are the only ones held), type 2
  /// everything, type 3 the non-global entries.
  void invpcid(InvpcidType type, u64 lin) {
    switch (type) {
      case InvpcidType::IndividualAddress: flush_page(lin); break;
      case InvpcidType::SingleContext:
      case InvpcidType::AllContexts: flush_non_global(); break;
      case InvpcidType::AllContextsAndGlobals: flush_all(); break;
    }
  }
  void note_large() { large_ = true; }
  /// Calls `f(TlbEntry&)` on every entry (rare events: a frame gains or
  /// loses decoded code).
  template <class F>
  void for_each(F&& f) {
    for (auto& x : e_) f(x);
  }

 private:
  std::array<TlbEntry, kEntries> e_{};
  bool large_ = false;
};

/// The rights (tlbr bits) a TLB entry may grant for the successful walk
/// `r` under `cfg` (SDM Vol. 3A 4.6.1). Write rights come only once the
/// page is dirty, so the first write walks and sets D (4.8). A user-mode
/// page gives no supervisor fetch right with SMEP and no supervisor read or
/// write right with SMAP: whether those are allowed depends on EFLAGS.AC
/// and on the access being implicit, so such accesses walk every time.
constexpr u8 tlb_rights(const WalkResult& r, const PagingConfig& cfg) {
  u8 rights = 0;
  const bool smap_denies = cfg.smap && r.user;
  if (!smap_denies) {
    rights |= tlbr::kSupRead;
    if ((r.writable || !cfg.wp) && r.dirty) rights |= tlbr::kSupWrite;
  }
  if (!r.no_exec && !(cfg.smep && r.user)) rights |= tlbr::kSupExec;
  if (r.user) {
    rights |= tlbr::kUserRead;
    if (r.writable && r.dirty) rights |= tlbr::kUserWrite;
    if (!r.no_exec) rights |= tlbr::kUserExec;
  }
  return rights;
}

}  // namespace gb
