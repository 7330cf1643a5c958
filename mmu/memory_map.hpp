// The physical address space as 4 KiB pages of RAM, ROM, MMIO or nothing.
#pragma once
#include <array>
#include <memory>
#include <span>

#include "mmu/mmio.hpp"
#include "mmu/types.hpp"

namespace gb {

/// Maps physical pages (4 KiB) below 4 GiB to host memory or a device.
///
/// RAM pages have a host pointer for reads and writes; ROM pages only for
/// reads (writes are dropped, as on a PC's ROM); MMIO pages name a handler.
/// Unmapped pages read as all ones and ignore writes (an open PC bus).
/// Addresses at or above 4 GiB are unmapped.
class MemoryMap {
 public:
  static constexpr unsigned kPageBits = 12;
  static constexpr u32 kPageSize = 1u << kPageBits;

  struct Page {
    u8* host_read = nullptr;   ///< start of this page's bytes, or nullptr
    u8* host_write = nullptr;  ///< same for writes; nullptr on ROM/MMIO/unmapped
    MmioHandler* mmio = nullptr;
    PhysAddr mmio_base = 0;    ///< region base subtracted before calling mmio
  };

  MemoryMap();

  /// Maps `bytes` at physical `base` as RAM. `base` and the size must be
  /// multiples of 4 KiB; the span must outlive the map.
  void map_ram(PhysAddr base, std::span<u8> bytes);
  /// Maps `bytes` at `base` as ROM (read-only to the guest).
  void map_rom(PhysAddr base, std::span<u8> bytes);
  /// Maps `size` bytes at `base` with reads and writes going to different
  /// host bytes (either may be nullptr: reads see an open bus, writes are
  /// dropped). This is a chipset's shadow-RAM control: reads from ROM while
  /// writes fill the RAM beneath it, or the reverse.
  void map_split(PhysAddr base, u64 size, u8* read_bytes, u8* write_bytes);
  /// Maps `size` bytes at `base` to `handler`, with offsets relative to `base`.
  void map_mmio(PhysAddr base, u64 size, MmioHandler& handler);
  /// Returns `size` bytes at `base` to unmapped.
  void unmap(PhysAddr base, u64 size);

  /// The page holding `addr`.
  const Page& page(PhysAddr addr) const {
    if (addr >> 32) return unmapped_;
    const auto& dir = dirs_[static_cast<u32>(addr) >> 22];
    return dir ? (*dir)[(static_cast<u32>(addr) >> kPageBits) & 1023] : unmapped_;
  }

  /// Bumped on every change, so a TLB of host pointers knows to flush.
  u64 generation() const { return generation_; }

 private:
  using Dir = std::array<Page, 1024>;
  void set(PhysAddr base, u64 size, const Page& first, bool advance_host);
  static void check_range(PhysAddr base, u64 size);

  std::array<std::unique_ptr<Dir>, 1024> dirs_;
  Page unmapped_{};
  u64 generation_ = 0;
};

}  // namespace gb
