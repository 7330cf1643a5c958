#include "cpu/simd/simd.hpp"

#include <cstring>

#include "cpu/ops/x87_insns.hpp"

namespace gb::simd {

bool mmx_begin(Cpu& c) {
  const CpuState& s = c.state();
  if (s.cr0 & kCr0Em) throw GuestFault::make(kUD);
  if (s.cr0 & kCr0Ts) throw GuestFault::make(kNM);
  return x87::check_pending(c);
}

bool sse_mmx_begin(Cpu& c) {
  sse_begin(c);
  return x87::check_pending(c);
}

Vec128 read_mem(Cpu& c, unsigned seg, u32 off, unsigned bytes, bool aligned) {
  const CpuState& s = c.state();
  if (aligned && bytes == 16 && ((s.seg[seg].base + off) & 15)) throw GuestFault::make(kGP, 0);
  Vec128 v;
  if (const u8* p = c.fast_span<false>(seg, off, bytes)) {
    std::memcpy(v.b.data(), p, bytes);
    return v;
  }
  // Dword by dword through the checked path (Cpu::read is at most 4 bytes
  // wide); a read has nothing to undo when a later dword faults.
  for (unsigned i = 0; i < bytes / 4; ++i) v.set<u32>(i, c.read<u32>(seg, off + 4 * i));
  return v;
}

void write_mem(Cpu& c, unsigned seg, u32 off, const Vec128& v, unsigned bytes, bool aligned) {
  const CpuState& s = c.state();
  if (aligned && bytes == 16 && ((s.seg[seg].base + off) & 15)) throw GuestFault::make(kGP, 0);
  if (u8* p = c.fast_span<true>(seg, off, bytes)) {
    std::memcpy(p, v.b.data(), bytes);
    return;
  }
  // Every byte is checked before the first is written, then dword by dword.
  if (bytes > 4) c.probe_write(seg, off, bytes);
  for (unsigned i = 0; i < bytes / 4; ++i) c.write<u32>(seg, off + 4 * i, v.get<u32>(i));
}

u64 read64(Cpu& c, unsigned seg, u32 off) { return read_mem(c, seg, off, 8, false).get<u64>(0); }

void write64(Cpu& c, unsigned seg, u32 off, u64 v) {
  Vec128 x;
  x.set<u64>(0, v);
  write_mem(c, seg, off, x, 8, false);
}

void fp_exceptions(Cpu& c, u32 flags) {
  CpuState& s = c.state();
  u32& m = s.fpu.mxcsr;
  const u32 masks = (m >> mxcsr::kMaskShift) & mxcsr::kFlags;
  u32 unmasked = flags & mxcsr::kPre & ~masks;
  if (unmasked) {
    m |= flags & mxcsr::kPre;
  } else {
    m |= flags & mxcsr::kFlags;
    unmasked = flags & ~masks & mxcsr::kFlags;
  }
  if (!unmasked) return;
  throw GuestFault::make((s.cr4 & kCr4Osxmmexcpt) ? kXM : kUD);
}

}  // namespace gb::simd
