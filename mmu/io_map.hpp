// The 64 Ki x86 I/O port space.
#pragma once
#include <array>

#include "mmu/types.hpp"

namespace gb {

/// A device that answers port I/O.
class IoHandler {
 public:
  virtual ~IoHandler() = default;
  /// Reads `bytes(w)` bytes at `port`. Called only with w <= io_max_width().
  virtual u32 io_read(u16 port, Width w) = 0;
  /// Writes the low `bytes(w)` bytes of `value` at `port`.
  virtual void io_write(u16 port, u32 value, Width w) = 0;
  /// The widest access the device decodes itself; the map splits wider ones
  /// into consecutive ports, low byte first (as the ISA bus does).
  virtual Width io_max_width() const { return Width::Byte; }
};

/// Port -> handler table. Unmapped ports read as all ones; writes to them are
/// dropped.
class IoMap {
 public:
  /// Maps ports first..last (inclusive) to `handler`. Throws
  /// std::invalid_argument if any of them is already mapped.
  void map(u16 first, u16 last, IoHandler& handler);
  /// Unmaps ports first..last.
  void unmap(u16 first, u16 last);

  u32 read(u16 port, Width w);
  void write(u16 port, u32 value, Width w);

  IoHandler* handler(u16 port) const { return ports_[port]; }

 private:
  std::array<IoHandler*, 65536> ports_{};
};

}  // namespace gb
