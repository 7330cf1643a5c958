// Interface of a device that answers memory-mapped accesses.
#pragma once
#include <optional>

#include "mmu/types.hpp"

namespace gb {

/// A memory-mapped device region. Offsets are relative to the region's base
/// physical address. Accesses never cross a 4 KiB page: the bus splits them.
class MmioHandler {
 public:
  virtual ~MmioHandler() = default;
  /// Returns the value read at `offset` (`bytes(w)` bytes, little-endian).
  virtual u32 mmio_read(u64 offset, Width w) = 0;
  /// Writes the low `bytes(w)` bytes of `value` at `offset`.
  virtual void mmio_write(u64 offset, u32 value, Width w) = 0;
  /// What mmio_read would return, without any side effect (for the
  /// debugger); nullopt (the default) where reading changes device state
  /// or the device does not say.
  virtual std::optional<u32> mmio_peek(u64 /*offset*/, Width /*w*/) const { return std::nullopt; }
};

}  // namespace gb
