// A direct-mapped TLB of host pointers (the shape of Bochs' bx_TLB_entry),
// with a tag per kind of data access beside it (TlbFast): a data access to
// RAM is one compare and a host-pointer access, with no page walk and no
// virtual call.
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
/// Not a right: marks a `need` as an implicit supervisor-mode access (the
/// CPU's own to the GDT/LDT, IDT or TSS), which SMAP blocks even with
/// EFLAGS.AC set (SDM Vol. 3A 4.6.1). No entry grants it, so rights tests
/// look at the other bits only.
constexpr u8 kImplicit = 64;
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

/// The fast path's view of one entry for one kind of access: the page
/// number it serves from host memory, and the host bytes of that page.
/// A probe is one compare (QEMU's softmmu tags work alike): the tag equals
/// the page of an access's last byte only when the entry holds the page,
/// grants the access, the frame is RAM (ROM for reads), and the access
/// ends in the entry's page (an access starting in the previous page would
/// have been looked up in the previous slot, as the slot is the page
/// number's low bits).
struct TlbFast {
  u64 tag = TlbEntry::kEmpty;
  u8* host = nullptr;
};

/// INVPCID's types (SDM Vol. 2 INVPCID); the CPU checks the descriptor
/// (#GP(0) for a type above 3, a PCID other than 0 without CR4.PCIDE for
/// types 0 and 1, a non-canonical address for type 0) before calling.
enum class InvpcidType : u8 { IndividualAddress = 0, SingleContext = 1, AllContextsAndGlobals = 2, AllContexts = 3 };

class Tlb {
 public:
  static constexpr unsigned kEntries = 1024;

  /// The fast-path tag sets: data reads and writes at supervisor and user
  /// level, and one that never matches (Cpu uses it while data breakpoints
  /// need every access checked). A write entry is also a read entry (write
  /// rights come with read rights at the same level) of a RAM frame, whose
  /// read and write bytes are the same: read-modify-write uses it alone.
  enum FastSet : unsigned { kSupRead, kSupWrite, kUserRead, kUserWrite, kNoFast, kFastSets };

  const TlbEntry& slot(u64 vpn) const { return e_[vpn & (kEntries - 1)]; }
  /// The entry for `vpn`, to change; sync(vpn) must follow.
  TlbEntry& edit(u64 vpn) { return e_[vpn & (kEntries - 1)]; }
  /// Brings the fast tags of `vpn`'s slot up to date with its entry.
  void sync(u64 vpn) { sync_index(vpn & (kEntries - 1)); }
  /// The tags of `set`, indexed by page number modulo kEntries.
  const TlbFast* fast(FastSet set) const { return fast_[set].data(); }

  void flush_all() {
    for (auto& x : e_) x.vpn = TlbEntry::kEmpty;
    for (unsigned s = 0; s < kNoFast; ++s) fast_[s].fill(TlbFast{});
    large_ = false;
  }
  /// MOV CR3 (any PCID, CR3 bit 63 or not): every entry not marked global.
  void flush_non_global() {
    for (unsigned i = 0; i < kEntries; ++i) {
      if (!e_[i].global) {
        e_[i].vpn = TlbEntry::kEmpty;
        sync_index(i);
      }
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
    TlbEntry& x = edit(lin >> 12);
    if (x.vpn == lin >> 12) x.vpn = TlbEntry::kEmpty;
    sync(lin >> 12);
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
  /// loses decoded code), keeping the fast tags in step.
  template <class F>
  void for_each(F&& f) {
    for (unsigned i = 0; i < kEntries; ++i) {
      f(e_[i]);
      sync_index(i);
    }
  }

 private:
  void sync_index(unsigned i) {
    const TlbEntry& e = e_[i];
    const bool ram = e.host_write && e.host_read == e.host_write;
    const auto set = [&](FastSet s, u8 rights, bool host_ok, u8* host) {
      fast_[s][i] = (e.rights & rights) == rights && host_ok ? TlbFast{e.vpn, host} : TlbFast{};
    };
    set(kSupRead, tlbr::kSupRead, e.host_read != nullptr, e.host_read);
    set(kSupWrite, tlbr::kSupRead | tlbr::kSupWrite, ram, e.host_write);
    set(kUserRead, tlbr::kUserRead, e.host_read != nullptr, e.host_read);
    set(kUserWrite, tlbr::kUserRead | tlbr::kUserWrite, ram, e.host_write);
  }

  std::array<TlbEntry, kEntries> e_{};
  std::array<std::array<TlbFast, kEntries>, kFastSets> fast_{};
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
