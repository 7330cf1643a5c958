#include "cpu/simd/simd.hpp"

#include <cstring>

#include "cpu/ops/x87_insns.hpp"

namespace gb::simd {

bool mmx_begin(Cpu& c, const DecodedInsn& d) {
  const CpuState& s = c.state();
  if (s.cr0 & kCr0Em) throw GuestFault::make(kUD);
  if (s.cr0 & kCr0Ts) throw GuestFault::make(kNM);
  return x87::check_pending(c, d);
}

bool sse_mmx_begin(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  return x87::check_pending(c, d);
}

namespace {
/// The offset of dword `i` of an operand at `off`: outside 64-bit mode the
/// offset wraps at 4 GiB as 32-bit effective addresses do.
u64 dword_off(const Cpu& c, u64 off, unsigned i) {
  const u64 o = off + 4 * i;
  return c.mode64() ? o : static_cast<u32>(o);
}
/// The 16-byte alignment rule applies to the linear address (the segment's
/// linear base: 0 for CS/DS/ES/SS in 64-bit mode, SDM Vol. 3A 3.4.4).
bool misaligned(const Cpu& c, unsigned seg, u64 off) { return ((c.state().seg[seg].lbase + off) & 15) != 0; }
}  // namespace

Vec128 read_mem(Cpu& c, unsigned seg, u64 off, unsigned bytes, bool aligned) {
  if (aligned && bytes == 16 && misaligned(c, seg, off)) throw GuestFault::make(kGP, 0);
  Vec128 v;
  if (const u8* p = c.fast_span<false>(seg, off, bytes)) {
    std::memcpy(v.b.data(), p, bytes);
    return v;
  }
  // Dword by dword through the checked path (Cpu::read is at most 4 bytes
  // wide); a read has nothing to undo when a later dword faults.
  for (unsigned i = 0; i < bytes / 4; ++i) v.set<u32>(i, c.read<u32>(seg, dword_off(c, off, i)));
  return v;
}

void write_mem(Cpu& c, unsigned seg, u64 off, const Vec128& v, unsigned bytes, bool aligned) {
  if (aligned && bytes == 16 && misaligned(c, seg, off)) throw GuestFault::make(kGP, 0);
  if (u8* p = c.fast_span<true>(seg, off, bytes)) {
    std::memcpy(p, v.b.data(), bytes);
    return;
  }
  // Every byte is checked before the first is written, then dword by dword.
  if (bytes > 4) c.probe_write(seg, off, bytes);
  for (unsigned i = 0; i < bytes / 4; ++i) c.write<u32>(seg, dword_off(c, off, i), v.get<u32>(i));
}

u64 read64(Cpu& c, unsigned seg, u64 off) { return read_mem(c, seg, off, 8, false).get<u64>(0); }

void write64(Cpu& c, unsigned seg, u64 off, u64 v) {
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
