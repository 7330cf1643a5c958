#include "frontend/debugger/watch.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <stdexcept>

#include "frontend/debugger/target.hpp"

namespace gb {

namespace {
// Inclusive ends: a range may end at the top of the 64-bit space.
bool overlaps(u64 a, u64 alen, u64 b, u64 blen) { return a <= b + (blen - 1) && b <= a + (alen - 1); }
}  // namespace

const Watchpoint& WatchList::add(Watchpoint::Access access, bool physical, u64 addr, u32 len, unsigned id, unsigned bits) {
  if (len == 0) throw std::invalid_argument("a watchpoint covers at least 1 byte");
  const u64 last = addr + (len - 1);
  if (last < addr) throw std::invalid_argument("the watched range passes the top of the address space");
  if (bits < 64 && last >> bits) throw std::invalid_argument(fmt::format("the watched range passes {}", bits == 32 ? "4 GiB" : "the top of the address space"));
  list_.push_back(Watchpoint{id, access, physical, addr, len});
  return list_.back();
}

bool WatchList::remove(unsigned id) {
  const auto it = std::find_if(list_.begin(), list_.end(), [&](const Watchpoint& w) { return w.id == id; });
  if (it == list_.end()) return false;
  list_.erase(it);
  return true;
}

bool WatchList::remove_linear(Watchpoint::Access access, u64 addr, u32 len) {
  const auto it = std::find_if(list_.begin(), list_.end(), [&](const Watchpoint& w) {
    return !w.physical && w.access == access && w.addr == addr && w.len == len;
  });
  if (it == list_.end()) return false;
  list_.erase(it);
  return true;
}

const Watchpoint* WatchList::match(const Target& t, u64 lin, unsigned size, bool write) const {
  const u8 need = write ? Watchpoint::kWrite : Watchpoint::kRead;
  // Physical addresses of the access's first and last byte, computed once
  // and only when a physical watchpoint asks (an access crosses at most one
  // page boundary).
  std::optional<std::pair<std::optional<PhysAddr>, std::optional<PhysAddr>>> phys;
  for (const Watchpoint& w : list_) {
    if (!(w.access & need)) continue;
    if (!w.physical) {
      if (overlaps(lin, size, w.addr, w.len)) return &w;
      continue;
    }
    if (!phys) {
      const auto at = [&](u64 a) -> std::optional<PhysAddr> {
        const Translation tr = t.translate(a);
        return tr.ok ? std::optional<PhysAddr>{tr.phys} : std::nullopt;
      };
      phys.emplace(at(lin), at(lin + size - 1));
    }
    const auto& [first, last] = *phys;
    const unsigned in_first = std::min<unsigned>(size, 0x1000 - (lin & 0xFFF));
    if (first && overlaps(*first, in_first, w.addr, w.len)) return &w;
    if (in_first < size && last && overlaps(*last - (size - in_first - 1), size - in_first, w.addr, w.len)) return &w;
  }
  return nullptr;
}

std::string WatchList::describe(const Watchpoint& w) {
  static constexpr const char* kAccess[] = {"", "read", "write", "read/write"};
  return fmt::format("{} of {} {:08x} length {}", kAccess[w.access], w.physical ? "physical" : "linear", w.addr, w.len);
}

}  // namespace gb
