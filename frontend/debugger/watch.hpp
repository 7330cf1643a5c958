// Watchpoints: ranges of linear or physical memory whose reads and/or
// writes stop the guest after the accessing instruction. The CPU reports
// each data access (Cpu::set_watching, CpuObserver::on_access) only while at
// least one watchpoint exists.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "mmu/types.hpp"

namespace gb {

class Target;

struct Watchpoint {
  enum Access : u8 { kRead = 1, kWrite = 2, kReadWrite = 3 };
  unsigned id = 0;
  Access access = kWrite;
  bool physical = false;  ///< `addr` is physical (p:ADDR), else linear
  u64 addr = 0;
  u32 len = 1;            ///< bytes, 1 or more
};

/// One access that touched a watchpoint.
struct WatchHit {
  unsigned id = 0;
  Watchpoint::Access access = Watchpoint::kWrite;  ///< the watchpoint's kind
  bool write = false;        ///< the access
  u64 lin = 0;               ///< linear address of the access
  unsigned size = 0;         ///< bytes
  std::vector<std::optional<u8>> before;  ///< the bytes before a write
};

class WatchList {
 public:
  /// Adds a watchpoint; throws std::invalid_argument when `len` is 0 or the
  /// range passes the top of a `bits`-bit address space (32: 4 GiB; 64 on
  /// a model with Intel 64).
  const Watchpoint& add(Watchpoint::Access access, bool physical, u64 addr, u32 len, unsigned id, unsigned bits = 32);
  /// Removes watchpoint `id`; false if there is none.
  bool remove(unsigned id);
  /// Removes the linear watchpoint of exactly this access, address and
  /// length (gdb's z2-z4); false if there is none.
  bool remove_linear(Watchpoint::Access access, u64 addr, u32 len);
  void clear() { list_.clear(); }
  bool empty() const { return list_.empty(); }
  const std::vector<Watchpoint>& all() const { return list_; }

  /// The first watchpoint that an access of `size` bytes at linear `lin`
  /// touches (physical ones through `t`'s side-effect-free translation);
  /// nullptr if none.
  const Watchpoint* match(const Target& t, u64 lin, unsigned size, bool write) const;

  /// "write of linear 00001000 length 4" and the like.
  static std::string describe(const Watchpoint& w);

 private:
  std::vector<Watchpoint> list_;
};

}  // namespace gb
