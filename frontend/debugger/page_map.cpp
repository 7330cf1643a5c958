#include "frontend/debugger/page_map.hpp"

namespace gb {

namespace {

struct Lister {
  const PagingConfig& pc;
  Bus& bus;
  const std::function<void(const MappedPage&)>& f;
  unsigned top;  // 4 or 5
  u64 addr_mask;
  u64 read = 0;  // entries read so far

  // The canonical form of a linear address whose bits above the top
  // level's index are zero: bit 47 (or 56) copied upwards.
  u64 canonical(u64 lin) const {
    const unsigned sign = top == 5 ? 56 : 47;
    return (lin >> sign) & 1 ? lin | ~((u64{1} << sign) - 1) : lin;
  }

  void table(u64 base, unsigned level, u64 lin_prefix) {
    const unsigned shift = 12 + 9 * (level - 1);
    for (u64 i = 0; i < 512; ++i) {
      if (++read > kMaxPageMapEntries) return;
      const u64 e = bus.read<u64>(base + i * 8);
      if (!(e & 1)) continue;
      const u64 lin = lin_prefix | (i << shift);
      const bool leaf = level == 1 || (e & 0x80);  // PS (reserved at 4/5: the walk below says so)
      if (!leaf) {
        table(e & addr_mask, level - 1, lin);
        continue;
      }
      // The walk decides whether the entries give a translation (reserved
      // bits anywhere) and the rights; an explicit supervisor read with
      // EFLAGS.AC passes SMAP.
      const u64 at = canonical(lin);
      const WalkResult w = walk(pc, at, PageAccess{false, false, false, false, true}, bus, false);
      if (!w.ok || w.steps != top - level + 1) continue;
      f(MappedPage{at, w.phys, w.page_size, w.writable, w.user, w.no_exec});
    }
  }
};

}  // namespace

bool for_each_page_ia32e(const PagingConfig& pc, Bus& bus, const std::function<void(const MappedPage&)>& f) {
  if (!is_ia32e(pc.mode)) return true;
  const u64 addr_mask = ((u64{1} << pc.maxphyaddr) - 1) & ~u64{0xFFF};
  Lister l{pc, bus, f, pc.mode == PagingMode::Level5 ? 5u : 4u, addr_mask};
  l.table(pc.cr3 & addr_mask, l.top, 0);
  return l.read <= kMaxPageMapEntries;
}

}  // namespace gb
