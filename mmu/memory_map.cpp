#include "mmu/memory_map.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace gb {

MemoryMap::MemoryMap() = default;

void MemoryMap::check_range(PhysAddr base, u64 size) {
  if ((base | size) & (kPageSize - 1)) {
    throw std::invalid_argument(
        fmt::format("memory map: range {:#x}+{:#x} is not 4 KiB aligned", base, size));
  }
  if (base + size > (u64{1} << 32)) {
    throw std::invalid_argument(
        fmt::format("memory map: range {:#x}+{:#x} ends above 4 GiB", base, size));
  }
}

void MemoryMap::set(PhysAddr base, u64 size, const Page& first, bool advance_host) {
  check_range(base, size);
  for (u64 off = 0; off < size; off += kPageSize) {
    const u32 addr = static_cast<u32>(base + off);
    auto& dir = dirs_[addr >> 22];
    if (!dir) dir = std::make_unique<Dir>();
    Page p = first;
    if (advance_host) {
      if (p.host_read) p.host_read += off;
      if (p.host_write) p.host_write += off;
    }
    (*dir)[(addr >> kPageBits) & 1023] = p;
  }
  ++generation_;
}

void MemoryMap::map_ram(PhysAddr base, std::span<u8> bytes) {
  set(base, bytes.size(), Page{bytes.data(), bytes.data(), nullptr, 0}, true);
}

void MemoryMap::map_rom(PhysAddr base, std::span<u8> bytes) {
  set(base, bytes.size(), Page{bytes.data(), nullptr, nullptr, 0}, true);
}

void MemoryMap::map_split(PhysAddr base, u64 size, u8* read_bytes, u8* write_bytes) {
  set(base, size, Page{read_bytes, write_bytes, nullptr, 0}, true);
}

void MemoryMap::map_mmio(PhysAddr base, u64 size, MmioHandler& handler) {
  set(base, size, Page{nullptr, nullptr, &handler, base}, false);
}

void MemoryMap::unmap(PhysAddr base, u64 size) { set(base, size, Page{}, false); }

}  // namespace gb
