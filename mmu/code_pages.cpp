#include "mmu/code_pages.hpp"

namespace gb {

namespace {
/// Mask of the 64-byte lines spanned by [off, off + len) within a frame.
u64 line_mask(u32 off, unsigned len) {
  const unsigned first = off >> 6, last = (off + len - 1) >> 6;
  const u64 upto_last = last >= 63 ? ~u64{0} : (u64{1} << (last + 1)) - 1;
  return upto_last & ~((u64{1} << first) - 1);
}
}  // namespace

CodePages::Frame& CodePages::frame(PhysAddr addr) {
  auto& dir = dirs_[static_cast<u32>(addr) >> 22];
  if (!dir) dir = std::make_unique<Dir>();
  return (*dir)[(static_cast<u32>(addr) >> 12) & 1023];
}

bool CodePages::add(PhysAddr addr, unsigned len) {
  if (addr >> 32 || len == 0) return false;
  Frame& f = frame(addr);
  const bool first = f.lines == 0;
  f.lines |= line_mask(static_cast<u32>(addr) & 0xFFF, len);
  return first;
}

bool CodePages::written_slow(PhysAddr addr, unsigned size) {
  bool hit = false;
  while (size) {
    const u32 off = static_cast<u32>(addr) & 0xFFF;
    const unsigned n = off + size > 0x1000 ? 0x1000 - off : size;
    if (!(addr >> 32)) {
      const auto& dir = dirs_[static_cast<u32>(addr) >> 22];
      if (dir) {
        Frame& f = (*dir)[(static_cast<u32>(addr) >> 12) & 1023];
        if (f.lines & line_mask(off, n)) {
          f.lines = 0;
          ++f.gen;
          hit = true;
        }
      }
    }
    addr += n;
    size -= n;
  }
  return hit;
}

void CodePages::clear() {
  for (auto& dir : dirs_) {
    if (!dir) continue;
    for (Frame& f : *dir) {
      if (f.lines) ++f.gen;
      f.lines = 0;
    }
  }
}

}  // namespace gb
