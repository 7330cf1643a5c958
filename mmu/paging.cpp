#include "mmu/paging.hpp"

namespace gb {

namespace {

constexpr u64 kP = 1, kRW = 2, kUS = 4, kA = 0x20, kD = 0x40, kPS = 0x80, kG = 0x100;
constexpr u64 kXD = u64{1} << 63;

u64 phys_mask(unsigned maxphyaddr) { return (u64{1} << maxphyaddr) - 1; }

/// Checks the rights of a successful translation against the access.
/// I/D is reported for fetches only under PAE paging with EFER.NXE (no
/// SMEP on these models; SDM Vol. 3A 4.7).
bool reports_id(PageAccess acc, const PagingConfig& cfg) {
  return acc.fetch && cfg.nxe && cfg.mode == PagingMode::Pae;
}

u32 rights_fault(const WalkResult& r, PageAccess acc, const PagingConfig& cfg) {
  const u32 base = pf::P | (acc.write ? pf::W : 0) | (acc.user ? pf::U : 0) | (reports_id(acc, cfg) ? pf::ID : 0);
  if (acc.user && !r.user) return base;
  if (acc.write && !r.writable && (acc.user || cfg.wp)) return base;
  if (acc.fetch && r.no_exec) return base;
  return 0;
}

u32 not_present(PageAccess acc, const PagingConfig& cfg) {
  return (acc.write ? pf::W : 0) | (acc.user ? pf::U : 0) | (reports_id(acc, cfg) ? pf::ID : 0);
}

void set_bits(Bus& bus, const WalkStep& s, u64 bits) {
  if ((s.entry & bits) == bits) return;
  // Only the low dword holds A and D, in either format.
  bus.write<u32>(s.entry_addr, static_cast<u32>(s.entry | bits));
}

}  // namespace

bool pdpte_reserved(u64 e, unsigned maxphyaddr) {
  if (!(e & kP)) return false;
  const u64 reserved = 0x1E6 | ~phys_mask(maxphyaddr);  // bits 2:1, 8:5, 63:MAXPHYADDR
  return (e & reserved) != 0;
}

WalkResult walk(const PagingConfig& cfg, u32 lin, PageAccess acc, Bus& bus, bool set_ad) {
  WalkResult r;
  if (cfg.mode == PagingMode::Off) {
    r.ok = true;
    r.phys = lin;
    r.page_base = lin & ~0xFFFu;
    r.user = r.writable = true;
    r.dirty = true;
    return r;
  }
  const bool pae = cfg.mode == PagingMode::Pae;
  const u64 pmask = phys_mask(pae ? cfg.maxphyaddr : 32);
  u64 pde_addr;
  r.user = r.writable = true;
  if (pae) {
    // PDPTEs were loaded at MOV CR3 (SDM Vol. 3A 4.4.1); they carry no U/S
    // or R/W bits.
    const unsigned i = lin >> 30;
    const u64 pdpte = cfg.pdpte[i];
    r.step[r.steps++] = WalkStep{3, (cfg.cr3 & ~0x1Fu) + i * 8, pdpte};
    if (!(pdpte & kP)) {
      r.error = not_present(acc, cfg);
      return r;
    }
    pde_addr = (pdpte & pmask & ~u64{0xFFF}) + ((lin >> 21) & 0x1FF) * 8;
  } else {
    pde_addr = (cfg.cr3 & ~0xFFFu) + (lin >> 22) * 4;
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
  if (large && !cfg.pat) rsvd |= 0x1000;           // PAT bit of a large page
  if (pde & rsvd) {
    r.error = not_present(acc, cfg) | pf::P | pf::RSVD;
    return r;
  }
  r.user = (pde & kUS) != 0;
  r.writable = (pde & kRW) != 0;
  r.no_exec = pae && cfg.nxe && (pde & kXD);
  const WalkStep* last = &r.step[r.steps - 1];
  if (large) {
    r.large = true;
    const u64 base = pae ? (pde & pmask & ~u64{0x1F'FFFF}) : (pde & 0xFFC0'0000u);
    const u32 off = pae ? (lin & 0x1F'FFFF) : (lin & 0x3F'FFFF);
    r.phys = base + off;
    r.global = cfg.pge && (pde & kG);
    r.dirty = (pde & kD) != 0;
  } else {
    const u64 pte_addr = pae ? (pde & pmask & ~u64{0xFFF}) + ((lin >> 12) & 0x1FF) * 8
                             : (pde & 0xFFFF'F000u) + ((lin >> 12) & 0x3FF) * 4;
    const u64 pte = pae ? bus.read<u64>(pte_addr) : bus.read<u32>(pte_addr);
    r.step[r.steps++] = WalkStep{1, pte_addr, pte};
    last = &r.step[r.steps - 1];
    if (!(pte & kP)) {
      r.error = not_present(acc, cfg);
      return r;
    }
    if ((pae && (pte & rsvd_pae)) || (!cfg.pat && (pte & kPS))) {  // PTE bit 7 is PAT
      r.error = not_present(acc, cfg) | pf::P | pf::RSVD;
      return r;
    }
    r.user = r.user && (pte & kUS);
    r.writable = r.writable && (pte & kRW);
    r.no_exec = r.no_exec || (pae && cfg.nxe && (pte & kXD));
    r.phys = (pte & pmask & ~u64{0xFFF}) | (lin & 0xFFF);
    r.global = cfg.pge && (pte & kG);
    r.dirty = (pte & kD) != 0;
  }
  if (const u32 e = rights_fault(r, acc, cfg)) {
    r.error = e;
    return r;
  }
  r.ok = true;
  r.page_base = r.phys & ~u64{0xFFF};
  if (set_ad) {
    // Accessed bits from the top level down, then the final entry's dirty
    // bit for a write (SDM Vol. 3A 4.8).
    const unsigned first = pae ? 1 : 0;  // PAE PDPTEs have no A bit here
    for (unsigned i = first; i < r.steps; ++i) set_bits(bus, r.step[i], kA);
    if (acc.write) {
      WalkStep fin = *last;
      fin.entry |= kA;
      set_bits(bus, fin, kA | kD);
      r.dirty = true;
    }
  }
  return r;
}

}  // namespace gb
