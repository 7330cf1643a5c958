// MUL, IMUL (one-, two- and three-operand), DIV, IDIV (SDM Vol. 2A/2B).
#pragma once
#include <limits>
#include <type_traits>

#include "cpu/fpu/wide.hpp"
#include "cpu/ops/shift.hpp"

namespace gb::ops {

template <class T>
using Wide = std::conditional_t<sizeof(T) == 1, u16, std::conditional_t<sizeof(T) == 2, u32, u64>>;
template <class T>
using Signed = std::make_signed_t<T>;

/// Stores a double-width result in AX, DX:AX or EDX:EAX.
template <class T>
void store_wide(Cpu& c, Wide<T> v) {
  if constexpr (sizeof(T) == 1) {
    c.set_reg<u16>(EAX, v);
  } else {
    c.set_reg<T>(EAX, static_cast<T>(v));
    c.set_reg<T>(EDX, static_cast<T>(v >> (8 * sizeof(T))));
  }
}
template <class T>
Wide<T> load_wide(Cpu& c) {
  if constexpr (sizeof(T) == 1) {
    return c.reg<u16>(EAX);
  } else {
    return (Wide<T>{c.reg<T>(EDX)} << (8 * sizeof(T))) | c.reg<T>(EAX);
  }
}

/// MUL/IMUL flags: CF = OF = upper half significant. SF, ZF, PF are
/// undefined; we set them from the low half as the P6 does.
template <class T>
void mul_flags(Cpu& c, T low, bool overflow) {
  c.state().flags.set_szp(sizeof(T), low, overflow, overflow);
}

/// The signed 128-bit product of two 64-bit values, from the unsigned one
/// (portable: no __int128).
inline fpu::U128 imul64(u64 a, u64 b) {
  fpu::U128 p = fpu::mul64(a, b);
  if (static_cast<i64>(a) < 0) p.hi -= b;
  if (static_cast<i64>(b) < 0) p.hi -= a;
  return p;
}
/// Whether the signed 128-bit `p` does not fit in its low 64 bits.
inline bool imul64_overflow(const fpu::U128& p) { return p.hi != (static_cast<i64>(p.lo) < 0 ? ~u64{0} : 0); }

/// RDX:RAX / `s` when the quotient fits in 64 bits (hi < s); false otherwise.
inline bool divu128(u64 hi, u64 lo, u64 s, u64& q, u64& r) {
  if (hi >= s) return false;
  if (hi == 0) {
    q = lo / s;
    r = lo % s;
    return true;
  }
  // Restoring division, one quotient bit per step: the remainder stays
  // below s, so (rem << 1 | bit) fits in 65 bits, tracked by `top`.
  u64 rem = hi;
  q = 0;
  for (int i = 63; i >= 0; --i) {
    const bool top = (rem >> 63) != 0;
    rem = (rem << 1) | ((lo >> i) & 1);
    q <<= 1;
    if (top || rem >= s) {
      rem -= s;
      q |= 1;
    }
  }
  r = rem;
  return true;
}

template <class T>
void mul_E(Cpu& c, const DecodedInsn& d) {
  if constexpr (sizeof(T) == 8) {
    const fpu::U128 p = fpu::mul64(c.reg<u64>(EAX), c.read_rm<u64>(d));
    c.set_reg<u64>(EAX, p.lo);
    c.set_reg<u64>(EDX, p.hi);
    mul_flags<u64>(c, p.lo, p.hi != 0);
    return;
  } else {
  const Wide<T> r = Wide<T>{c.reg<T>(EAX)} * c.read_rm<T>(d);
  store_wide<T>(c, r);
  mul_flags<T>(c, static_cast<T>(r), (r >> (8 * sizeof(T))) != 0);
  }
}

template <class T>
void imul_E(Cpu& c, const DecodedInsn& d) {
  if constexpr (sizeof(T) == 8) {
    const fpu::U128 p = imul64(c.reg<u64>(EAX), c.read_rm<u64>(d));
    c.set_reg<u64>(EAX, p.lo);
    c.set_reg<u64>(EDX, p.hi);
    mul_flags<u64>(c, p.lo, imul64_overflow(p));
    return;
  } else {
  using S = Signed<T>;
  using SW = std::make_signed_t<Wide<T>>;
  SW r = SW{static_cast<S>(c.reg<T>(EAX))} * SW{static_cast<S>(c.read_rm<T>(d))};
  // 8086: a REP prefix negates the product (undocumented microcode quirk).
  if (c.model().is_8086() && d.rep) r = static_cast<SW>(-r);
  store_wide<T>(c, static_cast<Wide<T>>(r));
  mul_flags<T>(c, static_cast<T>(r), r != SW{static_cast<S>(r)});
  }
}

/// IMUL Gv, Ev, Iv/sIb and IMUL Gv, Ev (0F AF).
template <bool kImm, class T, Form F = Form::Any>
void imul_GE(Cpu& c, const DecodedInsn& d) {
  using S = Signed<T>;
  T src;
  if constexpr (is_mem(F)) {
    GB_MEM_OPERAND(T, Read, imul_GE<kImm, T, Form::Any>);
    src = load_le<T>(mr);
  } else {
    src = c.read_rm<T, F>(d);
  }
  if constexpr (sizeof(T) == 8) {
    const u64 a = src;
    const u64 b = kImm ? imm<T>(d) : c.reg<T>(d.xreg());
    const fpu::U128 p = imul64(a, b);
    c.set_reg<T>(d.xreg(), p.lo);
    mul_flags<T>(c, p.lo, imul64_overflow(p));
    return;
  }
  const i64 a = static_cast<S>(src);
  const i64 b = kImm ? static_cast<S>(imm<T>(d)) : static_cast<S>(c.reg<T>(d.xreg()));
  const i64 r = static_cast<i64>(static_cast<u64>(a) * static_cast<u64>(b));
  c.set_reg<T>(d.xreg(), static_cast<T>(r));
  mul_flags<T>(c, static_cast<T>(r), r != static_cast<S>(r));
}

/// #DE: a fault on the 286 and later; on the 8086 it returns past DIV.
inline GuestFault divide_error(const Cpu& c) {
  GuestFault f = GuestFault::make(kDE);
  f.trap = c.model().divide_error_is_trap();
  return f;
}

template <class T>
void div_E(Cpu& c, const DecodedInsn& d) {
  const T s = c.read_rm<T>(d);
  if (s == 0) throw divide_error(c);
  if constexpr (sizeof(T) == 8) {
    u64 q, r;
    if (!divu128(c.reg<u64>(EDX), c.reg<u64>(EAX), s, q, r)) throw divide_error(c);
    c.set_reg<u64>(EAX, q);
    c.set_reg<u64>(EDX, r);
    return;
  } else {
  const Wide<T> n = load_wide<T>(c);
  const Wide<T> q = n / s;
  if (q >> (8 * sizeof(T))) throw divide_error(c);
  const T r = static_cast<T>(n % s);
  if constexpr (sizeof(T) == 1) {
    c.set_reg<u16>(EAX, static_cast<u16>((r << 8) | static_cast<T>(q)));
  } else {
    c.set_reg<T>(EAX, static_cast<T>(q));
    c.set_reg<T>(EDX, r);
  }
  }
}

template <class T>
void idiv_E(Cpu& c, const DecodedInsn& d) {
  using S = Signed<T>;
  if constexpr (sizeof(T) == 8) {
    const i64 s = static_cast<i64>(c.read_rm<T>(d));
    if (s == 0) throw divide_error(c);
    u64 hi = c.reg<u64>(EDX), lo = c.reg<u64>(EAX);
    const bool nneg = static_cast<i64>(hi) < 0, sneg = s < 0;
    if (nneg) {  // |RDX:RAX|
      lo = ~lo + 1;
      hi = ~hi + (lo == 0 ? 1 : 0);
    }
    const u64 sa = sneg ? ~static_cast<u64>(s) + 1 : static_cast<u64>(s);
    u64 q, r;
    if (!divu128(hi, lo, sa, q, r)) throw divide_error(c);
    // The quotient must fit in i64: up to 2^63 - 1, or 2^63 when negative.
    const bool qneg = nneg != sneg;
    if (q > (qneg ? u64{1} << 63 : (u64{1} << 63) - 1)) throw divide_error(c);
    c.set_reg<u64>(EAX, qneg ? ~q + 1 : q);
    c.set_reg<u64>(EDX, nneg ? ~r + 1 : r);  // the remainder has the dividend's sign
    return;
  } else {
  using SW = std::make_signed_t<Wide<T>>;
  const S s = static_cast<S>(c.read_rm<T>(d));
  if (s == 0) throw divide_error(c);
  const SW n = static_cast<SW>(load_wide<T>(c));
  // The quotient of MIN / -1 overflows even the wide type: #DE.
  if (n == std::numeric_limits<SW>::min() && s == -1) throw divide_error(c);
  SW q = n / s;
  const SW r = n % s;
  // 8086: a REP prefix negates the quotient (SingleStepTests 8086 notes).
  if (c.model().is_8086() && d.rep) q = -q;
  // 8086: the quotient range excludes the most negative value.
  const SW lo = c.model().is_8086() ? SW{std::numeric_limits<S>::min()} + 1 : SW{std::numeric_limits<S>::min()};
  if (q < lo || q > SW{std::numeric_limits<S>::max()}) throw divide_error(c);
  if constexpr (sizeof(T) == 1) {
    c.set_reg<u16>(EAX, static_cast<u16>((static_cast<u8>(r) << 8) | static_cast<u8>(q)));
  } else {
    c.set_reg<T>(EAX, static_cast<T>(q));
    c.set_reg<T>(EDX, static_cast<T>(r));
  }
  }
}

}  // namespace gb::ops
