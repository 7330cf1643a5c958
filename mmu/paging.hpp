// The page walker: linear -> physical translation through the guest's page
// tables, exactly as SDM Vol. 3A chapter 4 describes (32-bit paging with
// PSE, PAE paging with NX, 4-level and 5-level paging with 1 GiB pages,
// PCIDs, SMEP and SMAP). Pure over the bus: the CPU owns the TLB and the
// fault delivery; the debugger calls it with set_ad = false.
#pragma once
#include <array>

#include "mmu/bus.hpp"
#include "mmu/types.hpp"

namespace gb {

/// The paging mode (SDM Vol. 3A 4.1.1, Table 4-1).
enum class PagingMode : u8 {
  Off,       ///< CR0.PG = 0: linear = physical (32-bit)
  Legacy32,  ///< 32-bit paging: CR0.PG = 1, CR4.PAE = 0
  Pae,       ///< PAE paging: CR4.PAE = 1, EFER.LME = 0
  Level4,    ///< 4-level paging: EFER.LMA = 1, CR4.LA57 = 0 (48-bit linear addresses)
  Level5,    ///< 5-level paging: EFER.LMA = 1, CR4.LA57 = 1 (57-bit linear addresses)
};

/// The mode CR0.PG, CR4.PAE, EFER.LMA and CR4.LA57 select (SDM Vol. 3A
/// Table 4-1). LMA implies PG and PAE (the CPU's activation checks).
constexpr PagingMode paging_mode(bool pg, bool pae, bool lma, bool la57) {
  if (!pg) return PagingMode::Off;
  if (lma) return la57 ? PagingMode::Level5 : PagingMode::Level4;
  return pae ? PagingMode::Pae : PagingMode::Legacy32;
}

/// 4-level or 5-level paging (IA-32e mode).
constexpr bool is_ia32e(PagingMode m) { return m == PagingMode::Level4 || m == PagingMode::Level5; }

/// The paging controls the walk depends on (CR0.WP, CR3, CR4.PSE/PAE/PGE/
/// PCIDE/SMEP/SMAP/LA57, EFER.NXE), what the model supports, and the
/// PDPTEs PAE loads at MOV CR3 (SDM Vol. 3A 4.4.1). CR4.LA57 is the mode
/// (Level5), not a separate flag. The CPU sets each CR4 flag only when the
/// model has the feature (the bit is then writable).
struct PagingConfig {
  PagingMode mode = PagingMode::Off;
  /// CR3 as loaded. 32-bit/PAE paging use its low 32 bits; 4/5-level paging
  /// take the PML4/PML5 table from bits MAXPHYADDR-1:12 (SDM Vol. 3A 4.5.2).
  u64 cr3 = 0;
  bool wp = false;     ///< CR0.WP: supervisor writes honour R/W
  bool pse = false;    ///< CR4.PSE: 4 MiB pages in 32-bit paging
  bool pge = false;    ///< CR4.PGE: the G bit marks global translations
  bool nxe = false;    ///< EFER.NXE: bit 63 of PAE and 4/5-level entries is XD
  /// CR4.PCIDE (4/5-level paging only): CR3 bits 11:0 are the current PCID
  /// instead of PWT/PCD (SDM Vol. 3A 4.10.1). The walk only reports it.
  bool pcide = false;
  /// The model has 1 GiB pages (CPUID 80000001h EDX.Page1GB[26]); without
  /// them PS in a PDPTE is reserved (SDM Vol. 3A 4.5).
  bool page1g = false;
  bool smep = false;   ///< CR4.SMEP: no supervisor fetches from user pages (SDM Vol. 3A 4.6.1)
  bool smap = false;   ///< CR4.SMAP: no supervisor data accesses to user pages, unless explicit with EFLAGS.AC
  /// Physical address width in bits, 32 to 52 (36 on P6 with PAE, CPUID
  /// 80000008h EAX[7:0] on 64-bit parts). 32-bit paging always uses 32.
  unsigned maxphyaddr = 32;
  /// The page attribute table exists; without it the PAT bits (bit 7 of a
  /// PTE, bit 12 of a large-page PDE or PDPTE) are reserved (SDM Vol. 3A
  /// Tables 4-4, 4-6, 4-10, 4-11).
  bool pat = true;
  std::array<u64, 4> pdpte{};
};

/// What an access needs (SDM Vol. 3A 4.6). Every access is a supervisor-
/// or a user-mode one: `user` is CPL 3 and not implicit. Implicit accesses
/// are the processor's own to system structures (GDT/LDT, IDT, TSS) and
/// are supervisor-mode accesses at any CPL: set `implicit` (with `user`
/// false). `ac` is EFLAGS.AC, read by SMAP for explicit supervisor-mode
/// data accesses only.
struct PageAccess {
  bool write = false;
  bool user = false;
  bool fetch = false;
  bool implicit = false;  ///< an implicit supervisor-mode access: SMAP ignores AC
  bool ac = false;        ///< EFLAGS.AC: with SMAP, explicit supervisor data accesses may reach user pages
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

/// One paging-structure entry read by the walk.
struct WalkStep {
  /// 5 = PML5E, 4 = PML4E, 3 = PDPTE, 2 = PDE, 1 = PTE (32-bit paging: 2
  /// and 1 only; PAE: 3 is the PDPTE register loaded at MOV CR3).
  unsigned level;
  PhysAddr entry_addr;
  u64 entry;        ///< value read (before any A/D update)
};

struct WalkResult {
  bool ok = false;
  PhysAddr phys = 0;      ///< the translation of the linear address (when ok)
  u32 error = 0;          ///< #PF error code (when !ok)
  PhysAddr page_base = 0; ///< physical base of the 4 KiB frame holding phys
  bool global = false;    ///< G set in the final entry with CR4.PGE
  bool large = false;     ///< a 4 MiB, 2 MiB or 1 GiB page
  /// Size of the page mapped, in bytes: 4 KiB, 4 MiB, 2 MiB or 1 GiB (when ok).
  u64 page_size = 0x1000;
  bool dirty = false;     ///< D set in the final entry (after this walk)
  /// Effective rights over all levels: U/S and R/W both 1 at every level
  /// (`user`: a user-mode address), XD at any level (with NXE).
  bool user = false, writable = false, no_exec = false;
  /// The PCID the translation belongs to: CR3 bits 11:0 with CR4.PCIDE in
  /// 4/5-level paging, else 0 (SDM Vol. 3A 4.10.1).
  u16 pcid = 0;
  unsigned steps = 0;
  std::array<WalkStep, 5> step{};  ///< the entries read, top level first
};

/// Walks the tables for linear address `lin` and checks `acc` against the
/// rights found. With `set_ad`, sets the accessed bits of the entries used
/// and, for a write, the dirty bit of the final entry, only when the
/// translation succeeds (as Bochs and QEMU do; SDM Vol. 3A 4.8).
/// Any u64 is accepted: 32-bit and PAE paging (and paging off) use bits
/// 31:0, 4-level paging bits 47:0, 5-level paging bits 56:0; the rest are
/// ignored. Canonical checks are the CPU's (#GP/#SS before translating).
/// A failed walk leaves memory untouched and gives the #PF error code.
WalkResult walk(const PagingConfig& cfg, u64 lin, PageAccess acc, Bus& bus, bool set_ad);

/// Whether PDPTE `e` has reserved bits set (MOV CR3 then raises #GP(0);
/// SDM Vol. 3A 4.4.1).
bool pdpte_reserved(u64 e, unsigned maxphyaddr);

}  // namespace gb
