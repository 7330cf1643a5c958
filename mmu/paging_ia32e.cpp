// 4-level and 5-level paging (SDM Vol. 3A 4.5): PML5E (5-level only),
// PML4E, PDPTE (a 1 GiB page with PS), PDE (a 2 MiB page with PS), PTE.
#include "mmu/paging_rules.hpp"

namespace gb::paging_rules {

WalkResult walk_ia32e(const PagingConfig& cfg, u64 lin, PageAccess acc, Bus& bus, bool set_ad) {
  WalkResult r;
  r.user = r.writable = true;
  // With CR4.PCIDE, CR3 bits 11:0 are the PCID; otherwise bits 3 and 4 are
  // PWT and PCD, which this walk does not model (SDM Vol. 3A 4.5.2).
  r.pcid = cfg.pcide ? static_cast<u16>(cfg.cr3 & 0xFFF) : 0;
  const u64 addr_mask = phys_mask(cfg.maxphyaddr) & ~u64{0xFFF};
  // Reserved in every present entry: bits 51:MAXPHYADDR, and XD without
  // EFER.NXE. Bits 62:52 are ignored (protection keys are not modelled).
  const u64 rsvd_any = (~phys_mask(cfg.maxphyaddr) & phys_mask(52)) | (cfg.nxe ? 0 : kXD);
  u64 table = cfg.cr3 & addr_mask;
  // Each level indexes 9 bits of `lin`, from 56:48 (PML5) down to 20:12
  // (PT); the bits above the top level's are never looked at.
  for (unsigned level = cfg.mode == PagingMode::Level5 ? 5 : 4;; --level) {
    const unsigned shift = 12 + 9 * (level - 1);
    const PhysAddr addr = table + ((lin >> shift) & 0x1FF) * 8;
    const u64 e = bus.read<u64>(addr);
    r.step[r.steps++] = WalkStep{level, addr, e};
    if (!(e & kP)) {
      r.error = not_present(acc, cfg);
      return r;
    }
    // PS is reserved in a PML5E and a PML4E, and in a PDPTE on a model
    // without 1 GiB pages; in a PTE, bit 7 is PAT.
    const bool ps_reserved = level >= 4 || (level == 3 && !cfg.page1g);
    const bool leaf = level == 1 || ((e & kPS) && !ps_reserved);
    u64 rsvd = rsvd_any | (ps_reserved ? kPS : 0);
    if (leaf && level == 3) rsvd |= 0x3FFF'E000;  // 1 GiB page: bits 29:13
    if (leaf && level == 2) rsvd |= 0x1F'E000;    // 2 MiB page: bits 20:13
    if (leaf && !cfg.pat) rsvd |= level == 1 ? kPS : kPatLarge;
    if (e & rsvd) {
      r.error = reserved_bit(acc, cfg);
      return r;
    }
    r.user = r.user && (e & kUS);
    r.writable = r.writable && (e & kRW);
    r.no_exec = r.no_exec || (cfg.nxe && (e & kXD));
    if (leaf) {
      r.page_size = u64{1} << shift;
      r.large = level > 1;
      // The frame's low bits (PAT, the reserved bits) are below the page
      // size and drop out.
      r.phys = (e & addr_mask & ~(r.page_size - 1)) | (lin & (r.page_size - 1));
      r.global = cfg.pge && (e & kG);
      r.dirty = (e & kD) != 0;
      break;
    }
    table = e & addr_mask;
  }
  finish(r, cfg, acc, bus, set_ad, 0);
  return r;
}

}  // namespace gb::paging_rules
