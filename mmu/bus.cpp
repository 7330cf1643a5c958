#include "mmu/bus.hpp"

namespace gb {

namespace {
Width width_of(unsigned size) {
  return size == 4 ? Width::Dword : size == 2 ? Width::Word : Width::Byte;
}
}  // namespace

u32 Bus::read_slow(PhysAddr addr, unsigned size) {
  const auto off = static_cast<u32>(addr) & (MemoryMap::kPageSize - 1);
  const auto& p = memory_.page(addr);
  if (off + size <= MemoryMap::kPageSize) {
    if (p.mmio) return p.mmio->mmio_read(addr - p.mmio_base, width_of(size)) & width_mask(width_of(size));
    return width_mask(width_of(size));  // unmapped: open bus
  }
  // Page-crossing: byte by byte, each through its own page and the mask.
  u32 value = 0;
  for (unsigned i = 0; i < size; ++i) value |= u32{read<u8>(addr + i)} << (8 * i);
  return value;
}

void Bus::write_slow(PhysAddr addr, u32 value, unsigned size) {
  const auto off = static_cast<u32>(addr) & (MemoryMap::kPageSize - 1);
  const auto& p = memory_.page(addr);
  if (off + size <= MemoryMap::kPageSize) {
    if (p.mmio) p.mmio->mmio_write(addr - p.mmio_base, value & width_mask(width_of(size)), width_of(size));
    return;  // ROM or unmapped: dropped
  }
  for (unsigned i = 0; i < size; ++i) write<u8>(addr + i, static_cast<u8>(value >> (8 * i)));
}

}  // namespace gb
