// Which physical memory holds instructions the CPU has decoded into its
// block cache, so that writes to them can retire the stale decode.
//
// Granularity: per 4 KiB frame a 64-bit mask of the 64-byte lines that hold
// decoded bytes, and a generation number. A write that touches a marked line
// bumps the frame's generation (every block decoded from the frame becomes
// stale) and clears the mask. Writes to other lines of the frame change
// nothing, so data that shares a page with code does not throw the code
// away. Only frames below 4 GiB are tracked: nothing above is RAM here.
#pragma once
#include <array>
#include <memory>

#include "mmu/types.hpp"

namespace gb {

class CodePages {
 public:
  struct Frame {
    u64 lines = 0;  ///< bit i: bytes 64i..64i+63 of the frame hold decoded code
    u32 gen = 0;    ///< bumped whenever decoded code of the frame goes stale
  };

  /// The record of the frame holding physical `addr` (< 4 GiB), created on
  /// first use. Its address stays valid for the tracker's lifetime.
  Frame& frame(PhysAddr addr);

  /// Whether the frame holding `addr` has any decoded code.
  bool has_code(PhysAddr addr) const {
    if (addr >> 32) return false;
    const auto& dir = dirs_[static_cast<u32>(addr) >> 22];
    return dir && (*dir)[(static_cast<u32>(addr) >> 12) & 1023].lines != 0;
  }

  /// Marks `len` bytes at physical `addr` (within one frame) as decoded.
  /// Returns true when the frame held no decoded code before: the caller
  /// must then stop giving out direct write pointers to it.
  bool add(PhysAddr addr, unsigned len);

  /// A write of `size` bytes at physical `addr` (may cross frames). Returns
  /// true when it touched decoded code, which is then stale.
  bool written(PhysAddr addr, unsigned size) {
    if (!has_code(addr) && !has_code(addr + size - 1)) return false;
    return written_slow(addr, size);
  }

  /// written() for a write of `size` bytes (1 to 8) within one frame: one
  /// lookup, inline (data stores beside code in real-mode programs).
  bool written_in_frame(PhysAddr addr, unsigned size) {
    if (addr >> 32) return false;
    const auto& dir = dirs_[static_cast<u32>(addr) >> 22];
    if (!dir) return false;
    Frame& f = (*dir)[(static_cast<u32>(addr) >> 12) & 1023];
    const u32 off = static_cast<u32>(addr) & 0xFFF;
    const u64 lines = (u64{1} << (off >> 6)) | (u64{1} << ((off + size - 1) >> 6));
    if (!(f.lines & lines)) return false;
    f.lines = 0;
    ++f.gen;
    return true;
  }

  /// Forgets all decoded code (the memory map changed): every frame's
  /// generation moves on.
  void clear();

 private:
  bool written_slow(PhysAddr addr, unsigned size);
  using Dir = std::array<Frame, 1024>;
  std::array<std::unique_ptr<Dir>, 1024> dirs_;
};

}  // namespace gb
