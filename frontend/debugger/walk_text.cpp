#include "frontend/debugger/walk_text.hpp"

#include <fmt/format.h>

namespace gb {

const char* paging_mode_name(PagingMode m) {
  switch (m) {
    case PagingMode::Legacy32: return "32-bit";
    case PagingMode::Pae: return "PAE";
    case PagingMode::Level4: return "4-level";
    case PagingMode::Level5: return "5-level";
    case PagingMode::Off: break;
  }
  return "no";
}

namespace {

const char* size_name(u64 bytes) {
  switch (bytes) {
    case u64{1} << 30: return "1 GiB";
    case u64{1} << 22: return "4 MiB";
    case u64{1} << 21: return "2 MiB";
    default: return "4 KiB";
  }
}

// The error code's bits by name ("-" when none is set).
std::string error_bits(u32 e) {
  static constexpr const char* kName[5] = {"P", "W/R", "U/S", "RSVD", "I/D"};
  std::string s;
  for (unsigned i = 0; i < 5; ++i) {
    if (e & (1u << i)) s += s.empty() ? kName[i] : std::string(" ") + kName[i];
  }
  return s.empty() ? "-" : s;
}

}  // namespace

std::string describe_walk(const PagingConfig& pc, u64 lin, const WalkResult& w, PhysAddr phys) {
  const bool ia32e = is_ia32e(pc.mode);
  const bool pae = pc.mode == PagingMode::Pae;
  std::string out = ia32e ? fmt::format("linear {:016x}\n", lin) : fmt::format("linear {:08x}\n", static_cast<u32>(lin));
  out += fmt::format("  {} paging, CR3 = {:08x}{}\n", paging_mode_name(pc.mode), pc.cr3,
                     ia32e && pc.pcide ? fmt::format(" (PCID {:03x})", pc.cr3 & 0xFFF) : "");
  static constexpr const char* kLevel[6] = {"", "PTE", "PDE", "PDPTE", "PML4E", "PML5E"};
  for (unsigned i = 0; i < w.steps; ++i) {
    const WalkStep& st = w.step[i];
    const EntryFlags f = decode_entry(st.entry);
    // PS is the page-size bit above the PTE (in a PML4E/PML5E it is
    // reserved, so it shows); in a PTE bit 7 is PAT. XD exists in the
    // 64-bit formats (a reserved bit without EFER.NXE).
    const bool ps = f.page_size && (ia32e ? st.level >= 2 : st.level == 2);
    const bool xd = f.no_exec && (pae || ia32e);
    out += fmt::format("  {:<5} at {:08x} = {:0{}x}  [{}{}{}{}{}{}{}{}]\n", kLevel[st.level], st.entry_addr, st.entry,
                       pae || ia32e ? 16 : 8, f.present ? "P" : "not present",
                       f.present && f.writable ? " RW" : f.present ? " RO" : "", f.present ? (f.user ? " U" : " S") : "",
                       f.accessed ? " A" : "", f.dirty ? " D" : "", ps ? " PS" : "", f.global ? " G" : "", xd ? " XD" : "");
  }
  if (!w.ok) {
    out += fmt::format("  -> #PF, error code {:#x} [{}]\n", w.error, error_bits(w.error));
    return out;
  }
  out += fmt::format("  physical {:08x} ({} page{}{}{})\n", phys, size_name(w.page_size), w.writable ? ", writable" : ", read-only",
                     w.user ? ", user" : ", supervisor", w.no_exec ? ", no-execute" : "");
  return out;
}

}  // namespace gb
