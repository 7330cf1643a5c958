// The CPU's side of the MMU: TLB misses, page-crossing accesses, MMIO,
// and the paging controls (SDM Vol. 3A 4.1-4.10).
#include "cpu/cpu.hpp"
#include "cpu/cpuid.hpp"

namespace gb {

namespace {
constexpr u8 kWrite = tlbr::kSupWrite | tlbr::kUserWrite;
constexpr u8 kUser = tlbr::kUserRead | tlbr::kUserWrite | tlbr::kUserExec;
constexpr u8 kExec = tlbr::kSupExec | tlbr::kUserExec;
}  // namespace

const TlbEntry& Cpu::translate(u64 lin, u8 need) {
  // IA-32e mode: a non-canonical linear address never reaches the page
  // walk (SDM Vol. 3A 4.5; #SS for stack references is raised earlier, by
  // Cpu::linear).
  if (s_.lma() && !canonical(lin)) throw GuestFault::make(kGP, 0);
  const PageAccess acc{(need & kWrite) != 0, (need & kUser) != 0, (need & kExec) != 0,
                       (need & tlbr::kImplicit) != 0, (s_.eflags_rest & fl::AC) != 0};
  const WalkResult r = walk(paging_, lin, acc, bus_, true);
  if (!r.ok) {
    s_.cr2 = lin;
    throw GuestFault::make(kPF, r.error);
  }
  // The 8086 and 286 drive only 20 and 24 address lines.
  PhysAddr frame = r.page_base;
  if (model_.address_mask != 0xFFFF'FFFFu) frame &= model_.address_mask;
  frame &= bus_.address_mask() | ~PhysAddr{0xFFFF'FFFFu};
  // Write rights only once the page is dirty, so the first write walks and
  // sets D (SDM Vol. 3A 4.8); SMEP/SMAP-restricted rights walk every time.
  const u8 rights = tlb_rights(r, paging_);
  const MemoryMap::Page& page = bus_.memory().page(frame);
  TlbEntry& t = tlb_.edit(lin >> 12);
  t.vpn = lin >> 12;
  t.rights = rights;
  t.code_rights = 0;
  t.global = r.global;
  t.host_read = page.host_read;
  t.host_write = page.host_write;
  // Frames holding decoded code lose their write rights to the slow path,
  // which tells CodePages (and through it the block cache) what changed.
  if (bus_.code().has_code(frame)) withhold_writes(t);
  t.frame = frame;
  if (r.large) tlb_.note_large();
  tlb_.sync(lin >> 12);
  return t;
}

void Cpu::probe_write(unsigned seg, u64 off, unsigned size) {
  if (model_.is_8086()) return;
  check_write(seg, off, size);
  const u64 lin = linear(seg, off, size);
  const u8 need = s_.cpl == 3 ? tlbr::kUserWrite : tlbr::kSupWrite;
  for (const u64 at : {lin, (lin + size - 1) & lin_mask_}) {
    const TlbEntry& t = tlb_.slot(at >> 12);
    if (t.vpn != at >> 12 || !((t.rights | t.code_rights) & need)) translate(at, need);
  }
}

void Cpu::probe_read_linear(u64 lin) {
  const u8 need = s_.cpl == 3 ? tlbr::kUserRead : tlbr::kSupRead;
  const TlbEntry& t = tlb_.slot(lin >> 12);
  if (t.vpn != lin >> 12 || !(t.rights & need)) translate(lin, need);
}

u64 Cpu::access_slow(u64 lin, unsigned size, u8 need, u64 value) {
  const bool write = (need & kWrite) != 0;
  const u32 off = lin & 0xFFF;
  if (off + size <= 0x1000) {
    const TlbEntry& hit = tlb_.slot(lin >> 12);
    const bool held = write && (hit.code_rights & need);  // a frame with decoded code
    const TlbEntry& t = (hit.vpn == lin >> 12 && ((hit.rights & need) || held)) ? hit : translate(lin, need);
    const PhysAddr pa = t.frame | off;
    if (write) {
      if (t.host_write) {
        for (unsigned i = 0; i < size; ++i) t.host_write[off + i] = static_cast<u8>(value >> (8 * i));
        if (t.code_rights && bus_.code().written(pa, size)) wrote_code(pa);
      } else if (size == 8) {
        bus_.write<u32>(pa, static_cast<u32>(value));
        bus_.write<u32>(pa + 4, static_cast<u32>(value >> 32));
      } else if (size == 4) {
        bus_.write<u32>(pa, static_cast<u32>(value));
      } else if (size == 2) {
        bus_.write<u16>(pa, static_cast<u16>(value));
      } else {
        bus_.write<u8>(pa, static_cast<u8>(value));
      }
      return 0;
    }
    if (t.host_read) {
      u64 v = 0;
      for (unsigned i = 0; i < size; ++i) v |= u64{t.host_read[off + i]} << (8 * i);
      return v;
    }
    if (size == 8) return bus_.read<u32>(pa) | (u64{bus_.read<u32>(pa + 4)} << 32);
    return size == 4 ? bus_.read<u32>(pa) : size == 2 ? bus_.read<u16>(pa) : bus_.read<u8>(pa);
  }
  // Page-crossing: translate both pages first (a fault on either happens
  // before any byte is written), then go byte by byte.
  const TlbEntry first = translate(lin, need);
  const TlbEntry second = translate(((lin & ~u64{0xFFF}) + 0x1000) & lin_mask_, need);
  u64 v = 0;
  for (unsigned i = 0; i < size; ++i) {
    const u64 a = lin + i;
    const TlbEntry& t = (a >> 12) == (lin >> 12) ? first : second;
    const PhysAddr pa = t.frame | (a & 0xFFF);
    if (write) {
      bus_.write<u8>(pa, static_cast<u8>(value >> (8 * i)));
    } else {
      v |= u64{bus_.read<u8>(pa)} << (8 * i);
    }
  }
  return v;
}

void Cpu::update_paging(TlbFlush flush) {
  end_block();
  const bool pg = (s_.cr0 & 0x8000'0000u) != 0;
  const bool pae = (s_.cr4 & 0x20) != 0;
  const PagingMode mode = paging_mode(pg, pae, s_.lma(), (s_.cr4 & (u64{1} << 12)) != 0);
  const bool load_pdptes = mode == PagingMode::Pae && paging_.mode != PagingMode::Pae;
  paging_.mode = mode;
  paging_.cr3 = s_.cr3;
  // CR4 bits exist (are writable) only on models with the feature.
  paging_.pcide = (s_.cr4 & (u64{1} << 17)) != 0;
  paging_.smep = (s_.cr4 & (u64{1} << 20)) != 0;
  paging_.smap = (s_.cr4 & (u64{1} << 21)) != 0;
  paging_.page1g = model_.page1gb;
  paging_.wp = model_.at_least(CpuFamily::i486) && (s_.cr0 & 0x1'0000u);
  paging_.pse = (s_.cr4 & 0x10) != 0;
  paging_.pge = (s_.cr4 & 0x80) != 0;
  paging_.nxe = model_.nx && (s_.efer & 0x800);
  paging_.pat = model_.pat;
  paging_.maxphyaddr = cpuid_maxphyaddr(model_);
  if (load_pdptes) {
    for (unsigned i = 0; i < 4; ++i) paging_.pdpte[i] = bus_.read<u64>((s_.cr3 & ~0x1Fu) + 8 * i);
  }
  links_changed();  // translations, or the rights they give, may change
  if (flush == TlbFlush::All) tlb_.flush_all();
  if (flush == TlbFlush::NonGlobal) tlb_.flush_non_global();
}

void Cpu::write_cr3(u64 value) {
  if (is_ia32e(paging_.mode)) {
    // IA-32e mode: bits above MAXPHYADDR are reserved (#GP(0)); with
    // CR4.PCIDE, bit 63 asks not to flush the new PCID's translations and
    // is not stored (SDM Vol. 2B MOV CR, Vol. 3A 4.10.4.1). Flushing them
    // anyway is allowed: the TLB holds no PCID tags.
    const bool keep = paging_.pcide && (value >> 63);
    value &= ~(u64{1} << 63);
    if (value >> paging_.maxphyaddr) throw GuestFault::make(kGP, 0);
    s_.cr3 = value;
    (void)keep;
    update_paging(paging_.pge ? TlbFlush::NonGlobal : TlbFlush::All);
    return;
  }
  if (paging_.mode == PagingMode::Pae) {
    // PAE: the four PDPTEs load now; a reserved bit is #GP(0) and CR3 keeps
    // its old value (SDM Vol. 3A 4.4.1).
    std::array<u64, 4> e;
    for (unsigned i = 0; i < 4; ++i) {
      e[i] = bus_.read<u64>((value & ~0x1Fu) + 8 * i);
      if (pdpte_reserved(e[i], paging_.maxphyaddr)) throw GuestFault::make(kGP, 0);
    }
    paging_.pdpte = e;
  }
  s_.cr3 = value;
  update_paging(paging_.pge ? TlbFlush::NonGlobal : TlbFlush::All);
}

void Cpu::memory_changed() {
  ++map_epoch_;
  tlb_.flush_all();
  links_changed();
  blocks_.flush();
  bus_.code().clear();
  end_block();
}

void Cpu::code_written(PhysAddr addr) {
  // The frame's blocks are stale (CodePages moved its generation on) and it
  // has no decoded code left: let its TLB entries refill with write pointers.
  const PhysAddr frame = addr & ~PhysAddr{0xFFF};
  // A store in the frame of the monitored line (whose mark the write just
  // cleared): the monitor triggers; a CPU waiting in MWAIT wakes.
  if (s_.monitor_armed && (monitor_line_ & ~PhysAddr{0xFFF}) == frame) {
    s_.monitor_armed = false;
    if (s_.in_mwait && s_.halted) s_.halted = false;
    s_.in_mwait = false;
  }
  tlb_.for_each([&](TlbEntry& t) {
    if (t.frame == frame) t.vpn = ~u64{0};
  });
  links_changed();
  end_block();
}

void Cpu::arm_monitor(u64 lin) {
  probe_read_linear(lin);
  const TlbEntry& t = tlb_.slot(lin >> 12);
  monitor_line_ = (t.frame | (lin & 0xFFF)) & ~PhysAddr{63};
  s_.monitor_armed = true;
  s_.in_mwait = false;
  // RAM only (a store to ROM or MMIO cannot be seen here, and changes nothing).
  if (t.host_read && t.host_write) mark_code(monitor_line_, 64, t.frame);
}

void Cpu::protect_code_frame(PhysAddr frame) {
  tlb_.for_each([&](TlbEntry& t) {
    if (t.frame == frame && t.vpn != ~u64{0}) withhold_writes(t);
  });
}

void Cpu::withhold_writes(TlbEntry& t) {
  if (!t.host_write) return;  // ROM and MMIO: the bus path already
  t.code_rights |= t.rights & kWrite;
  t.rights &= ~kWrite;
}

}  // namespace gb
