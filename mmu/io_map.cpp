#include "mmu/io_map.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace gb {

void IoMap::map(u16 first, u16 last, IoHandler& handler) {
  for (u32 p = first; p <= last; ++p) {
    if (ports_[p]) throw std::invalid_argument(fmt::format("I/O map: port {:#06x} is already mapped", p));
  }
  for (u32 p = first; p <= last; ++p) ports_[p] = &handler;
}

void IoMap::unmap(u16 first, u16 last) {
  for (u32 p = first; p <= last; ++p) ports_[p] = nullptr;
}

u32 IoMap::read(u16 port, Width w) {
  IoHandler* h = ports_[port];
  if (h && bytes(w) <= bytes(h->io_max_width())) return h->io_read(port, w) & width_mask(w);
  // Split into byte accesses; a wide access may straddle two devices, and port
  // numbers wrap at 0xFFFF like the 16-bit port address does.
  u32 value = 0;
  for (unsigned i = 0; i < bytes(w); ++i) {
    const u16 p = static_cast<u16>(port + i);
    IoHandler* hb = ports_[p];
    const u32 b = hb ? hb->io_read(p, Width::Byte) & 0xFF : 0xFF;
    value |= b << (8 * i);
  }
  return value;
}

void IoMap::write(u16 port, u32 value, Width w) {
  IoHandler* h = ports_[port];
  if (h && bytes(w) <= bytes(h->io_max_width())) {
    h->io_write(port, value & width_mask(w), w);
    return;
  }
  for (unsigned i = 0; i < bytes(w); ++i) {
    const u16 p = static_cast<u16>(port + i);
    if (IoHandler* hb = ports_[p]) hb->io_write(p, (value >> (8 * i)) & 0xFF, Width::Byte);
  }
}

}  // namespace gb
