// Group 2 rotates and shifts, SHLD/SHRD (SDM Vol. 2B RCL/RCR/ROL/ROR,
// SAL/SAR/SHL/SHR, SHLD, SHRD). SHL/SHR/SAR record their flags lazily
// (FlagOp::Szp); the rotates and SHLD/SHRD compute them eagerly.
#pragma once
#include "cpu/ops/mem_operand.hpp"

namespace gb::ops {

/// Group 2 order (ModR/M.reg of C0/C1/D0-D3). /6 is SETMO on the 8086 and an
/// alias of SHL on later CPUs.
enum class Shift : u8 { Rol, Ror, Rcl, Rcr, Shl, Shr, Sal, Sar };

inline u32 szp_flags(u64 r, unsigned bits) {
  u32 f = 0;
  const u64 m = bits == 64 ? ~u64{0} : (u64{1} << bits) - 1;
  if ((r & m) == 0) f |= fl::ZF;
  if ((r >> (bits - 1)) & 1) f |= fl::SF;
  if (parity_even(r)) f |= fl::PF;
  return f;
}

/// Applies shift `op` of `count` (already masked per model) to `v`.
/// Returns the result; updates flags only when count != 0.
template <class T>
T shift(Cpu& c, Shift op, T v, unsigned count) {
  constexpr unsigned bits = 8 * sizeof(T);
  constexpr u64 msb = u64{1} << (bits - 1);
  LazyFlags& f = c.state().flags;
  if (count == 0) return v;
  const u64 x = v;
  u64 r = x;
  bool cf = f.cf();  // RCL/RCR shift it in
  bool of = false;
  switch (op) {
    case Shift::Rol: {
      const unsigned n = count % bits;
      r = n ? ((x << n) | (x >> (bits - n))) : x;
      r &= static_cast<T>(~T{0});
      cf = r & 1;
      of = ((r & msb) != 0) != cf;
      f.set_all((f.all() & ~(fl::CF | fl::OF)) | (cf ? fl::CF : 0) | (of ? fl::OF : 0));
      return static_cast<T>(r);
    }
    case Shift::Ror: {
      const unsigned n = count % bits;
      r = n ? ((x >> n) | (x << (bits - n))) : x;
      r &= static_cast<T>(~T{0});
      cf = (r & msb) != 0;
      of = ((r >> (bits - 1)) & 1) != ((r >> (bits - 2)) & 1);
      f.set_all((f.all() & ~(fl::CF | fl::OF)) | (cf ? fl::CF : 0) | (of ? fl::OF : 0));
      return static_cast<T>(r);
    }
    // RCL/RCR step one bit at a time, count times (the count is at most
    // 255), so OF is that of the last step as on the 8086 and 286, where it is
    // defined only for a count of 1 (SDM Vol. 2B, RCL/RCR/ROL/ROR).
    case Shift::Rcl: {
      for (unsigned i = 0; i < count; ++i) {
        const bool out = (r & msb) != 0;
        r = ((r << 1) | (cf ? 1 : 0)) & static_cast<T>(~T{0});
        cf = out;
      }
      of = ((r & msb) != 0) != cf;
      f.set_all((f.all() & ~(fl::CF | fl::OF)) | (cf ? fl::CF : 0) | (of ? fl::OF : 0));
      return static_cast<T>(r);
    }
    case Shift::Rcr: {
      for (unsigned i = 0; i < count; ++i) {
        of = ((r & msb) != 0) != cf;  // MSB(DEST) XOR CF before the step
        const bool out = r & 1;
        r = (r >> 1) | (cf ? msb : 0);
        cf = out;
      }
      f.set_all((f.all() & ~(fl::CF | fl::OF)) | (cf ? fl::CF : 0) | (of ? fl::OF : 0));
      return static_cast<T>(r);
    }
    case Shift::Shl:
    case Shift::Sal:
      if (op == Shift::Sal && c.model().is_8086()) {
        // 8086 SETMO: the destination becomes all ones, as if OR with FF..F
        // (undocumented; SingleStepTests 8086 D0.6-D3.6).
        r = static_cast<T>(~T{0});
        f.set_all(szp_flags(r, bits));
        return static_cast<T>(r);
      }
      if (count <= bits) {
        cf = ((x >> (bits - count)) & 1) != 0;
        r = count == bits ? 0 : (x << count) & static_cast<T>(~T{0});
      } else {
        cf = false;
        r = 0;
      }
      of = ((r & msb) != 0) != cf;
      break;
    case Shift::Shr:
      if (count <= bits) {
        cf = ((x >> (count - 1)) & 1) != 0;
        r = count == bits ? 0 : x >> count;
      } else {
        cf = false;
        r = 0;
      }
      // OF is the MSB before the last one-bit step: the original MSB for a
      // count of 1, zero after that.
      of = count == 1 && (x & msb) != 0;
      break;
    case Shift::Sar: {
      const bool neg = (x & msb) != 0;
      if (count < bits) {
        cf = ((x >> (count - 1)) & 1) != 0;
        r = x >> count;
        if (neg) r |= static_cast<T>(~T{0}) & ~(static_cast<u64>(static_cast<T>(~T{0})) >> count);
      } else {
        cf = neg;
        r = neg ? static_cast<T>(~T{0}) : 0;
      }
      of = false;
      break;
    }
  }
  // SHL/SHR/SAR: SF, ZF, PF from the result, recorded lazily; AF undefined
  // (left clear).
  f.set_szp(sizeof(T), r, cf, of);
  return static_cast<T>(r);
}

enum class Count : u8 { One, CL, Ib };

/// A masked count of 0 changes no flag and no bit, but a 32-bit register
/// destination is still written, so its upper half is cleared in 64-bit
/// mode (SDM Vol. 1 3.4.1.1: 32-bit operands give a result zero-extended to
/// 64 bits; hardware and Bochs do so for count 0 too, though the SDM's SHLD
/// and SAL pseudo-code reads "no operation"). Memory is left unwritten.
template <class T, Form F = Form::Any>
void zero_count_write(Cpu& c, const DecodedInsn& d, T v) {
  if constexpr (sizeof(T) == 4 && !is_mem(F)) {
    if (F == Form::Reg || d.mod() == 3) c.write_rm<T, Form::Reg>(d, v);
  }
}

template <Shift op, Count src, class T, Form F = Form::Any>
void shift_E(Cpu& c, const DecodedInsn& d) {
  unsigned count = src == Count::One ? 1 : src == Count::CL ? c.reg<u8>(ECX) : d.imm & 0xFF;
  // 64-bit operands mask the count to six bits (SDM Vol. 2B SAL/SAR/SHL/SHR).
  count &= sizeof(T) == 8 ? 0x3F : c.model().shift_count_mask();
  if constexpr (is_mem(F)) {
    // Readable and writable through the TLB's fast tags (else the checked
    // path, which leaves a count of 0 unwritten and unchecked for writes).
    GB_MEM_OPERAND(T, ReadWrite, shift_E<op, src, T, Form::Any>);
    if (count != 0) store_le<T>(mw, shift<T>(c, op, load_le<T>(mr), count));
    return;
  }
  const T v = c.read_rm<T, F>(d);
  if (count == 0) {
    zero_count_write<T, F>(c, d, v);
    return;
  }
  c.probe_rmw<T, F>(d);  // (Cpu::read_rmw)
  c.write_rm<T, F>(d, shift<T>(c, op, v, count));
}

/// SHLD/SHRD Ev, Gv, Ib/CL (386+). Count masked to 5 bits; for 16-bit
/// operands a count above 16 gives an undefined result (SDM): we shift the
/// 32-bit concatenation as the P6 does.
template <bool left, Count src, class T>
void shxd(Cpu& c, const DecodedInsn& d) {
  constexpr unsigned bits = 8 * sizeof(T);
  const unsigned count = (src == Count::CL ? c.reg<u8>(ECX) : d.imm) & (bits == 64 ? 0x3F : 0x1F);
  const T dst = c.read_rm<T>(d);
  if (count == 0) {
    zero_count_write<T>(c, d, dst);
    return;
  }
  c.probe_rmw<T>(d);  // (Cpu::read_rmw)
  const T s = c.reg<T>(d.xreg());
  if constexpr (bits == 64) {
    // 64-bit forms: count 1-63 of the 128-bit dst:src (src:dst).
    const u64 res = left ? (dst << count) | (s >> (64 - count)) : (dst >> count) | (s << (64 - count));
    const bool cf = left ? ((dst >> (64 - count)) & 1) != 0 : ((dst >> (count - 1)) & 1) != 0;
    const bool of = ((res ^ dst) >> 63) != 0;
    c.state().flags.set_all(szp_flags(res, bits) | (cf ? fl::CF : 0) | (of ? fl::OF : 0));
    c.write_rm<T>(d, res);
    return;
  } else {
  // 16-bit forms shift the 48-bit dst:src:dst (right: src:dst with dst
  // above) so counts 17-31 behave as on the P6.
  u64 r;
  bool cf;
  if (left) {
    const u64 wide = bits == 16 ? (u64{dst} << 32) | (u64{s} << 16) | dst : (u64{dst} << 32) | s;
    const unsigned total = bits == 16 ? 48 : 64;
    r = ((wide << count) >> (total - bits));
    cf = ((wide >> (total - count)) & 1) != 0;
  } else {
    const u64 wide = bits == 16 ? (u64{dst} << 32) | (u64{s} << 16) | dst : (u64{s} << 32) | dst;
    r = wide >> count;
    cf = ((wide >> (count - 1)) & 1) != 0;
  }
  const T res = static_cast<T>(r);
  constexpr u32 msb = 1u << (bits - 1);
  const bool of = ((res ^ dst) & msb) != 0;
  c.state().flags.set_all(szp_flags(res, bits) | (cf ? fl::CF : 0) | (of ? fl::OF : 0));
  c.write_rm<T>(d, res);
  }
}

}  // namespace gb::ops
