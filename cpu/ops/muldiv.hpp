// MUL, IMUL (one-, two- and three-operand), DIV, IDIV (SDM Vol. 2A/2B).
#pragma once
#include <limits>
#include <type_traits>

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
  c.state().flags.set_all(szp_flags(low, 8 * sizeof(T)) | (overflow ? fl::CF | fl::OF : 0));
}

template <class T>
void mul_E(Cpu& c, const DecodedInsn& d) {
  const Wide<T> r = Wide<T>{c.reg<T>(EAX)} * c.read_rm<T>(d);
  store_wide<T>(c, r);
  mul_flags<T>(c, static_cast<T>(r), (r >> (8 * sizeof(T))) != 0);
}

template <class T>
void imul_E(Cpu& c, const DecodedInsn& d) {
  using S = Signed<T>;
  using SW = std::make_signed_t<Wide<T>>;
  SW r = SW{static_cast<S>(c.reg<T>(EAX))} * SW{static_cast<S>(c.read_rm<T>(d))};
  // 8086: a REP prefix negates the product (undocumented microcode quirk).
  if (c.model().is_8086() && d.rep) r = static_cast<SW>(-r);
  store_wide<T>(c, static_cast<Wide<T>>(r));
  mul_flags<T>(c, static_cast<T>(r), r != SW{static_cast<S>(r)});
}

/// IMUL Gv, Ev, Iv/sIb and IMUL Gv, Ev (0F AF).
template <bool kImm, class T, Form F = Form::Any>
void imul_GE(Cpu& c, const DecodedInsn& d) {
  using S = Signed<T>;
  const i64 a = static_cast<S>(c.read_rm<T, F>(d));
  const i64 b = kImm ? static_cast<S>(static_cast<T>(d.imm)) : static_cast<S>(c.reg<T>(d.reg()));
  const i64 r = a * b;
  c.set_reg<T>(d.reg(), static_cast<T>(r));
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

template <class T>
void idiv_E(Cpu& c, const DecodedInsn& d) {
  using S = Signed<T>;
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

}  // namespace gb::ops
