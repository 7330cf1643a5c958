// x87 loads and stores: FLD, FST(P), FILD, FIST(P), FBLD, FBSTP (SDM Vol. 2;
// Vol. 1 8.3.3, 4.8.3.7 for the indefinite values).
#include "cpu/ops/x87_insns.hpp"

namespace gb::x87 {

namespace {

/// Pushes a converted memory operand: the stack overflow check comes first
/// (SDM Vol. 1 8.5.1.1; push() makes the masked response); an unmasked IE
/// (SNaN) pushes nothing, but a denormal is pushed even with DE unmasked
/// (observed on Intel hardware).
template <class Bits, class Load>
void fld_converted(Exec& x, Bits bits, Load load) {
  if (!x.empty(7)) {
    x.push(Float80{});
  } else {
    const Float80 v = load(bits, x.env);
    if (x.env.masked(exc::IE) || !(x.env.flags & exc::IE)) x.push(v);
  }
  x.finish();
}

/// A store from ST(0): an empty ST(0) stores `indefinite` when IE is masked;
/// an unmasked IE/OE/UE stores nothing and does not pop (SDM Vol. 1 8.5.4).
template <class Value, class Convert, class Store>
void store_st0(Exec& x, bool pop, Value indefinite, Convert convert, Store store) {
  if (x.empty(0)) {
    if (!x.stack_fault(false)) {
      x.finish();
      return;
    }
    store(indefinite);
  } else {
    const Value v = convert(x.op(0));
    if (x.env.flags & ~x.env.masks & (exc::IE | exc::OE | exc::UE)) {
      x.finish();
      return;
    }
    store(v);
  }
  if (pop) x.pop();
  x.finish();
}

}  // namespace

void fld_m32(Exec& x) { fld_converted(x, x.read32(), fpu::load_f32); }
void fld_m64(Exec& x) { fld_converted(x, x.read64(), fpu::load_f64); }

void fld_m80(Exec& x) {
  // Loaded as is: no exception for SNaNs, denormals or unsupported formats.
  const Float80 v = x.read80();
  x.push(v);
  x.finish();
}

void fild_m16(Exec& x) {
  const auto v = static_cast<i16>(x.read16());
  x.push(fpu::from_int(v));
  x.finish();
}

void fild_m32(Exec& x) {
  const auto v = static_cast<i32>(x.read32());
  x.push(fpu::from_int(v));
  x.finish();
}

void fild_m64(Exec& x) {
  const auto v = static_cast<i64>(x.read64());
  x.push(fpu::from_int(v));
  x.finish();
}

void fbld(Exec& x) {
  fpu::Bcd b{};
  x.read_bytes(0, b);
  x.push(fpu::from_bcd(b));
  x.finish();
}

void fst_m32(Exec& x) {
  store_st0(
      x, x.d.reg() == 3, u32{0xFFC0'0000u}, [&](const Unpacked& a) { return fpu::store_f32(a, x.env); },
      [&](u32 v) { x.write32(0, v); });
}

void fst_m64(Exec& x) {
  store_st0(
      x, x.d.reg() == 3, u64{0xFFF8'0000'0000'0000u}, [&](const Unpacked& a) { return fpu::store_f64(a, x.env); },
      [&](u64 v) { x.write64(0, v); });
}

void fstp_m80(Exec& x) {
  store_st0(
      x, true, fpu::kIndefinite, [&](const Unpacked&) { return x.st(0); },
      [&](const Float80& v) { x.write80(0, v); });
}

void fist_m16(Exec& x) {
  store_st0(
      x, x.d.reg() == 3, u16{0x8000}, [&](const Unpacked& a) { return static_cast<u16>(fpu::to_int(a, 16, x.env)); },
      [&](u16 v) { x.write16(0, v); });
}

void fist_m32(Exec& x) {
  store_st0(
      x, x.d.reg() == 3, u32{0x8000'0000u},
      [&](const Unpacked& a) { return static_cast<u32>(fpu::to_int(a, 32, x.env)); }, [&](u32 v) { x.write32(0, v); });
}

void fistp_m64(Exec& x) {
  store_st0(
      x, true, u64{0x8000'0000'0000'0000u}, [&](const Unpacked& a) { return static_cast<u64>(fpu::to_int(a, 64, x.env)); },
      [&](u64 v) { x.write64(0, v); });
}

// FISTTP: the conversion's rounding is truncation, from this
// instruction's own environment (FCW is unchanged); it always pops, and the
// exceptions and the integer indefinite are FISTP's (SDM Vol. 2 FISTTP).
namespace {
template <class T>
void fisttp(Exec& x) {
  x.env.rc = fpu::Rounding::Zero;
  constexpr unsigned kBits = 8 * sizeof(T);
  store_st0(
      x, true, static_cast<T>(T{1} << (kBits - 1)), [&](const Unpacked& a) { return static_cast<T>(fpu::to_int(a, kBits, x.env)); },
      [&](T v) {
        if constexpr (kBits == 16) {
          x.write16(0, v);
        } else if constexpr (kBits == 32) {
          x.write32(0, v);
        } else {
          x.write64(0, v);
        }
      });
}
}  // namespace

void fisttp_m16(Exec& x) { fisttp<u16>(x); }
void fisttp_m32(Exec& x) { fisttp<u32>(x); }
void fisttp_m64(Exec& x) { fisttp<u64>(x); }

void fbstp(Exec& x) {
  static constexpr fpu::Bcd kIndefinite{0, 0, 0, 0, 0, 0, 0, 0xC0, 0xFF, 0xFF};
  store_st0(
      x, true, kIndefinite, [&](const Unpacked& a) { return fpu::to_bcd(a, x.env); },
      [&](const fpu::Bcd& v) { x.write_bytes(0, v); });
}

}  // namespace gb::x87
