// A direct-mapped TLB of host pointers (the shape of Bochs' bx_TLB_entry):
// a hit on RAM is a tag compare, a rights test and a host-pointer access,
// with no page walk and no virtual call.
#pragma once
#include <array>

#include "mmu/types.hpp"

namespace gb {

/// Rights a TLB entry grants, per kind of access (SDM Vol. 3A 4.6).
namespace tlbr {
constexpr u8 kSupRead = 1, kSupWrite = 2, kUserRead = 4, kUserWrite = 8, kSupExec = 16, kUserExec = 32;
}

struct TlbEntry {
  u64 vpn = ~u64{0};         ///< linear page number (linear >> 12); all ones = empty
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

class Tlb {
 public:
  static constexpr unsigned kEntries = 1024;

  TlbEntry& slot(u64 vpn) { return e_[vpn & (kEntries - 1)]; }

  void flush_all() {
    for (auto& x : e_) x.vpn = ~u64{0};
    large_ = false;
  }
  /// MOV CR3: every entry not marked global.
  void flush_non_global() {
    for (auto& x : e_) {
      if (!x.global) x.vpn = ~u64{0};
    }
  }
  /// INVLPG: the page holding `lin`. Entries filled from a 4 MiB or 2 MiB
  /// page are 4 KiB pieces of it, so then everything goes.
  void flush_page(u64 lin) {
    if (large_) {
      flush_all();
      return;
    }
    TlbEntry& x = slot(lin >> 12);
    if (x.vpn == lin >> 12) x.vpn = ~u64{0};
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

}  // namespace gb
