// The walk's entry point, the rules every mode shares, and 32-bit and PAE
// paging (SDM Vol. 3A 4.3, 4.4); 4/5-level paging is in paging_ia32e.cpp.
#include "mmu/paging.hpp"

#include "mmu/paging_rules.hpp"

namespace gb {

namespace paging_rules {

u32 access_code(PageAccess acc, const PagingConfig& cfg) {
  // I/D: a fetch, with CR4.SMEP, or with EFER.NXE in a mode whose entries
  // have an XD bit (SDM Vol. 3A 4.7).
  const bool id = acc.fetch && (cfg.smep || (cfg.nxe && cfg.mode != PagingMode::Legacy32));
  return (acc.write ? pf::W : 0) | (acc.user ? pf::U : 0) | (id ? pf::ID : 0);
}

namespace {

/// Whether `acc` may use a translation with the rights in `r` (SDM Vol. 3A
/// 4.6.1).
bool allowed(const WalkResult& r, PageAccess acc, const PagingConfig& cfg) {
  if (acc.user) return r.user && (!acc.write || r.writable) && (!acc.fetch || !r.no_exec);
  // Supervisor-mode access.
  if (acc.fetch) return !r.no_exec && !(cfg.smep && r.user);
  // SMAP: no data access to a user-mode address unless explicit with
  // EFLAGS.AC = 1; implicit accesses fault whatever AC is.
  if (cfg.smap && r.user && (acc.implicit || !acc.ac)) return false;
  // CR0.WP = 0: supervisor writes ignore R/W.
  return !acc.write || r.writable || !cfg.wp;
}

void set_bits(Bus& bus, const WalkStep& s, u64 bits) {
  if ((s.entry & bits) == bits) return;
  // Only the low dword holds A and D, in every format.
  bus.write<u32>(s.entry_addr, static_cast<u32>(s.entry | bits));
}

}  // namespace

void finish(WalkResult& r, const PagingConfig& cfg, PageAccess acc, Bus& bus, bool set_ad, unsigned first_a) {
  if (!allowed(r, acc, cfg)) {
    r.error = pf::P | access_code(acc, cfg);
    return;
  }
  r.ok = true;
  r.page_base = r.phys & ~u64{0xFFF};
  if (!set_ad) return;
  // Accessed bits from the top level down, then the final entry's dirty
  // bit for a write (SDM Vol. 3A 4.8).
  for (unsigned i = first_a; i < r.steps; ++i) set_bits(bus, r.step[i], kA);
  if (acc.write) {
    WalkStep fin = r.step[r.steps - 1];
    fin.entry |= kA;
    set_bits(bus, fin, kA | kD);
    r.dirty = true;
  }
}

}  // namespace paging_rules

using namespace paging_rules;

namespace {

/// 32-bit paging (with PSE) and PAE paging, over a 32-bit linear address.
WalkResult walk_legacy(const PagingConfig& cfg, u32 lin, PageAccess acc, Bus& bus, bool set_ad) {
  WalkResult r;
  const bool pae = cfg.mode == PagingMode::Pae;
  const u64 pmask = phys_mask(pae ? cfg.maxphyaddr : 32);
  u64 pde_addr;
  r.user = r.writable = true;
  if (pae) {
    // PDPTEs were loaded at MOV CR3 (SDM Vol. 3A 4.4.1); they carry no U/S
    // or R/W bits.
    const unsigned i = lin >> 30;
    const u64 pdpte = cfg.pdpte[i];
    r.step[r.steps++] = WalkStep{3, (cfg.cr3 & 0xFFFF'FFE0u) + i * 8, pdpte};
    if (!(pdpte & kP)) {
      r.error = not_present(acc, cfg);
      return r;
    }
    pde_addr = (pdpte & pmask & ~u64{0xFFF}) + ((lin >> 21) & 0x1FF) * 8;
  } else {
    pde_addr = (cfg.cr3 & 0xFFFF'F000u) + (lin >> 22) * 4;
  }
  // Reserved bits of a PAE PDE/PTE: above MAXPHYADDR, and XD without NXE.
  const u64 rsvd_pae = (~pmask & 0x7FFF'FFFF'FFFF'FFFFull) | (cfg.nxe ? 0 : kXD);
  const u64 pde = pae ? bus.read<u64>(pde_addr) : bus.read<u32>(pde_addr);
  r.step[r.steps++] = WalkStep{2, pde_addr, pde};
  if (!(pde & kP)) {
    r.error = not_present(acc, cfg);
    return r;
  }
  const bool large = (pde & kPS) && (pae || cfg.pse);
  u64 rsvd = pae ? rsvd_pae : 0;
  if (large) rsvd |= pae ? 0x1FE000 : 0x3FE000;  // 2 MiB: bits 20:13; 4 MiB (no PSE-36): bits 21:13
  if (large && !cfg.pat) rsvd |= kPatLarge;
  if (pde & rsvd) {
    r.error = reserved_bit(acc, cfg);
    return r;
  }
  r.user = (pde & kUS) != 0;
  r.writable = (pde & kRW) != 0;
  r.no_exec = pae && cfg.nxe && (pde & kXD);
  if (large) {
    r.large = true;
    r.page_size = pae ? 0x20'0000 : 0x40'0000;
    const u64 base = pae ? (pde & pmask & ~u64{0x1F'FFFF}) : (pde & 0xFFC0'0000u);
    r.phys = base + (lin & (r.page_size - 1));
    r.global = cfg.pge && (pde & kG);
    r.dirty = (pde & kD) != 0;
  } else {
    const u64 pte_addr = pae ? (pde & pmask & ~u64{0xFFF}) + ((lin >> 12) & 0x1FF) * 8
                             : (pde & 0xFFFF'F000u) + ((lin >> 12) & 0x3FF) * 4;
    const u64 pte = pae ? bus.read<u64>(pte_addr) : bus.read<u32>(pte_addr);
    r.step[r.steps++] = WalkStep{1, pte_addr, pte};
    if (!(pte & kP)) {
      r.error = not_present(acc, cfg);
      return r;
    }
    if ((pae && (pte & rsvd_pae)) || (!cfg.pat && (pte & kPS))) {  // PTE bit 7 is PAT
      r.error = reserved_bit(acc, cfg);
      return r;
    }
    r.user = r.user && (pte & kUS);
    r.writable = r.writable && (pte & kRW);
    r.no_exec = r.no_exec || (pae && cfg.nxe && (pte & kXD));
    r.phys = (pte & pmask & ~u64{0xFFF}) | (lin & 0xFFF);
    r.global = cfg.pge && (pte & kG);
    r.dirty = (pte & kD) != 0;
  }
  finish(r, cfg, acc, bus, set_ad, pae ? 1 : 0);  // PAE PDPTEs have no A bit here
  return r;
}

}  // namespace

bool pdpte_reserved(u64 e, unsigned maxphyaddr) {
  if (!(e & kP)) return false;
  const u64 reserved = 0x1E6 | ~phys_mask(maxphyaddr);  // bits 2:1, 8:5, 63:MAXPHYADDR
  return (e & reserved) != 0;
}

WalkResult walk(const PagingConfig& cfg, u64 lin, PageAccess acc, Bus& bus, bool set_ad) {
  switch (cfg.mode) {
    case PagingMode::Off: {
      WalkResult r;
      r.ok = true;
      r.phys = static_cast<u32>(lin);
      r.page_base = r.phys & ~u64{0xFFF};
      r.user = r.writable = true;
      r.dirty = true;
      return r;
    }
    case PagingMode::Legacy32:
    case PagingMode::Pae: return walk_legacy(cfg, static_cast<u32>(lin), acc, bus, set_ad);
    case PagingMode::Level4:
    case PagingMode::Level5: return walk_ia32e(cfg, lin, acc, bus, set_ad);
  }
  return WalkResult{};
}

}  // namespace gb
