// gb::LazyFlags against an eager reference computed with wide integers.
#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <random>

#include <fmt/format.h>

#include "cpu/flags.hpp"

using namespace gb;

namespace {

enum class Op { Add, Adc, Sub, Sbb, And, Or, Xor, Inc, Dec };
constexpr std::array kOpNames{"ADD", "ADC", "SUB", "SBB", "AND", "OR", "XOR", "INC", "DEC"};

struct Result {
  u32 value;
  u32 flags;
};

// Eager reference from the definitions (SDM Vol. 1 3.4.3.1, Appendix A):
// CF = carry/borrow out of the top bit, OF = signed result out of range,
// AF = carry/borrow out of bit 3, ZF, SF, PF = even parity of the low byte.
// Logic ops clear CF and OF; AF is undefined there and we expect 0.
// INC/DEC leave CF as `prev_cf`.
Result reference(Op op, unsigned bits, u32 a, u32 b, bool cin, bool prev_cf) {
  const u64 mask = (u64{1} << bits) - 1;
  const i64 smin = -(i64{1} << (bits - 1)), smax = (i64{1} << (bits - 1)) - 1;
  const auto sx = [&](u32 v) { return static_cast<i64>(v & mask) - (((v >> (bits - 1)) & 1) ? i64(mask + 1) : 0); };
  const i64 c = cin ? 1 : 0;
  i64 wide = 0, swide = 0, nib = 0;
  bool cf = false, of = false, af = false;
  switch (op) {
    case Op::Inc: b = 1; [[fallthrough]];
    case Op::Add:
    case Op::Adc: {
      const i64 cc = op == Op::Adc ? c : 0;
      wide = i64(a) + i64(b) + cc;
      swide = sx(a) + sx(b) + cc;
      nib = i64(a & 0xF) + i64(b & 0xF) + cc;
      cf = wide > i64(mask);
      af = nib > 0xF;
      of = swide < smin || swide > smax;
      break;
    }
    case Op::Dec: b = 1; [[fallthrough]];
    case Op::Sub:
    case Op::Sbb: {
      const i64 cc = op == Op::Sbb ? c : 0;
      wide = i64(a) - i64(b) - cc;
      swide = sx(a) - sx(b) - cc;
      nib = i64(a & 0xF) - i64(b & 0xF) - cc;
      cf = wide < 0;
      af = nib < 0;
      of = swide < smin || swide > smax;
      break;
    }
    case Op::And: wide = a & b; break;
    case Op::Or: wide = a | b; break;
    case Op::Xor: wide = a ^ b; break;
  }
  if (op == Op::Inc || op == Op::Dec) cf = prev_cf;
  const u32 r = static_cast<u32>(static_cast<u64>(wide) & mask);
  u32 f = 0;
  if (cf) f |= fl::CF;
  if (std::popcount(r & 0xFFu) % 2 == 0) f |= fl::PF;
  if (af) f |= fl::AF;
  if (r == 0) f |= fl::ZF;
  if ((r >> (bits - 1)) & 1) f |= fl::SF;
  if (of) f |= fl::OF;
  return {r, f};
}

FlagOp lazy_op(Op op) {
  switch (op) {
    case Op::Add: return FlagOp::Add;
    case Op::Adc: return FlagOp::Adc;
    case Op::Sub: return FlagOp::Sub;
    case Op::Sbb: return FlagOp::Sbb;
    case Op::Inc: return FlagOp::Inc;
    case Op::Dec: return FlagOp::Dec;
    default: return FlagOp::Logic;
  }
}

u32 getters(const LazyFlags& f) {
  return (f.cf() ? fl::CF : 0) | (f.pf() ? fl::PF : 0) | (f.af() ? fl::AF : 0) | (f.zf() ? fl::ZF : 0) |
         (f.sf() ? fl::SF : 0) | (f.of() ? fl::OF : 0);
}

struct Tally {
  u64 cases = 0, bad = 0;
};

// Runs one case through LazyFlags. `prev` are the flags before the op: set
// eagerly, or (prev_lazy) left by a lazy ADD that produces them.
void run(Op op, unsigned bits, u32 a, u32 b, bool cin, u32 prev, Tally& t, bool prev_lazy = false) {
  ++t.cases;
  const Result want = reference(op, bits, a, b, cin, (prev & fl::CF) != 0);
  LazyFlags f;
  if (prev_lazy) {
    // 0xFF + 0x01 (CF=1) or 0x00 + 0x00 (CF=0), byte-sized.
    const bool c = (prev & fl::CF) != 0;
    f.set(FlagOp::Add, 1, 0, c ? 0xFF : 0, c ? 1 : 0);
  } else {
    f.set_all(prev);
  }
  const bool is_incdec = op == Op::Inc || op == Op::Dec;
  f.set(lazy_op(op), bits / 8, want.value, a, is_incdec ? 1 : b, cin);
  const u32 got = f.all();
  if ((got != want.flags || getters(f) != got) && ++t.bad <= 8) {
    FAIL_CHECK(fmt::format("{} {}-bit a={:#x} b={:#x} cin={} prev={:#x}: res={:#x} got flags {:#x} (getters {:#x}), want {:#x}",
                           kOpNames[static_cast<unsigned>(op)], bits, a, b, cin, prev, want.value, got, getters(f),
                           want.flags));
  }
}

constexpr std::array kBinOps{Op::Add, Op::Adc, Op::Sub, Op::Sbb, Op::And, Op::Or, Op::Xor};

}  // namespace

TEST_CASE("Reference flags agree with hand-computed cases", "[cpu][flags]") {
  using namespace fl;
  CHECK(reference(Op::Add, 8, 0x7F, 0x01, false, false).flags == (OF | SF | AF));  // 0x80
  CHECK(reference(Op::Add, 8, 0xFF, 0x01, false, false).flags == (CF | ZF | AF | PF));
  CHECK(reference(Op::Adc, 16, 0xFFFF, 0, true, false).flags == (CF | ZF | AF | PF));
  CHECK(reference(Op::Sub, 8, 0x80, 0x01, false, false).flags == (OF | AF));  // 0x7F: odd parity
  CHECK(reference(Op::Sbb, 32, 0, 0, true, false).value == 0xFFFF'FFFFu);
  CHECK(reference(Op::Sbb, 32, 0, 0, true, false).flags == (CF | SF | AF | PF));
  CHECK(reference(Op::Dec, 8, 0x00, 0, false, true).flags == (CF | SF | AF | PF));
  CHECK(reference(Op::Xor, 8, 0x5A, 0x5A, false, false).flags == (ZF | PF));
}

TEST_CASE("LazyFlags 8-bit ADD/ADC/SUB/SBB/logic exhaustive", "[cpu][flags]") {
  for (Op op : kBinOps) {
    Tally t;
    for (u32 a = 0; a < 256; ++a) {
      for (u32 b = 0; b < 256; ++b) {
        for (bool cin : {false, true}) {
          if (!cin || op == Op::Adc || op == Op::Sbb) run(op, 8, a, b, cin, 0, t);
        }
      }
    }
    INFO(kOpNames[static_cast<unsigned>(op)]);
    CHECK(t.cases == ((op == Op::Adc || op == Op::Sbb) ? 131072u : 65536u));
    CHECK(t.bad == 0);
  }
}

TEST_CASE("LazyFlags 8-bit INC/DEC exhaustive, CF preserved", "[cpu][flags]") {
  for (Op op : {Op::Inc, Op::Dec}) {
    Tally t;
    for (u32 a = 0; a < 256; ++a) {
      // Every combination of the six previous flags, set eagerly.
      for (u32 bits = 0; bits < 64; ++bits) {
        const u32 prev = ((bits & 1) ? fl::CF : 0) | ((bits & 2) ? fl::PF : 0) | ((bits & 4) ? fl::AF : 0) |
                         ((bits & 8) ? fl::ZF : 0) | ((bits & 16) ? fl::SF : 0) | ((bits & 32) ? fl::OF : 0);
        run(op, 8, a, 0, false, prev, t);
      }
      // CF left by a lazy ADD rather than set_all.
      run(op, 8, a, 0, false, fl::CF, t, true);
      run(op, 8, a, 0, false, 0, t, true);
    }
    INFO(kOpNames[static_cast<unsigned>(op)]);
    CHECK(t.cases == 256u * 66u);
    CHECK(t.bad == 0);
  }
}

TEST_CASE("LazyFlags 16- and 32-bit random cases", "[cpu][flags]") {
  std::mt19937 rng(0x61A55B0Cu);
  // A quarter of the operands come from the boundary values.
  const auto operand = [&](unsigned bits) -> u32 {
    const u32 mask = bits == 32 ? 0xFFFF'FFFFu : 0xFFFFu;
    const u32 sign = 1u << (bits - 1);
    const std::array<u32, 8> edge{0, 1, 0xF, 0x10, sign - 1, sign, mask - 1, mask};
    const u32 r = rng();
    return (r & 3) == 0 ? edge[(r >> 2) & 7] : rng() & mask;
  };
  for (unsigned bits : {16u, 32u}) {
    for (Op op : {Op::Add, Op::Adc, Op::Sub, Op::Sbb, Op::And, Op::Or, Op::Xor, Op::Inc, Op::Dec}) {
      Tally t;
      for (int i = 0; i < 200000; ++i) {
        const u32 a = operand(bits), b = operand(bits);
        const u32 r = rng();
        run(op, bits, a, b, (r & 1) != 0, r & fl::ARITH, t);
      }
      INFO(fmt::format("{} {}-bit", kOpNames[static_cast<unsigned>(op)], bits));
      CHECK(t.cases == 200000u);
      CHECK(t.bad == 0);
    }
  }
}

TEST_CASE("LazyFlags eager set_all and set_some", "[cpu][flags]") {
  LazyFlags f;
  CHECK(f.all() == 0);
  f.set_all(0xFFFF'FFFFu);
  CHECK(f.all() == fl::ARITH);  // non-arithmetic bits dropped
  CHECK(getters(f) == fl::ARITH);
  f.set(FlagOp::Sub, 2, 0xFFFF, 0, 1);  // 0 - 1
  f.set_some(fl::ZF | fl::OF, fl::ZF);
  CHECK(f.all() == (fl::CF | fl::PF | fl::AF | fl::ZF | fl::SF));
  f.set(FlagOp::Logic, 4, 0x8000'0000u, 0x8000'0001u, 0xC000'0000u);
  CHECK(f.all() == (fl::SF | fl::PF));
}

TEST_CASE("parity_even looks at the low byte only", "[cpu][flags]") {
  CHECK(parity_even(0));
  CHECK_FALSE(parity_even(1));
  CHECK(parity_even(0x03));
  CHECK(parity_even(0xFF));
  CHECK(parity_even(0x100));
  CHECK_FALSE(parity_even(0xFFFF'FF01u));
}

TEST_CASE("LazyFlags Szp: SF/ZF/PF from the result, CF and OF given, AF clear; conditions agree", "[cpu][flags]") {
  std::mt19937_64 rng(23);
  for (unsigned size : {1u, 2u, 4u, 8u}) {
    const u64 mask = size == 8 ? ~u64{0} : (u64{1} << (8 * size)) - 1;
    for (int i = 0; i < 4000; ++i) {
      // Small results often, so ZF and the low-byte parity are both seen.
      const u64 r = (i & 3) == 0 ? rng() & 0x3 : rng() & mask;
      const bool cf = rng() & 1, of = rng() & 1;
      LazyFlags f;
      f.set_all(fl::AF);  // the previous record must not show through
      f.set_szp(size, r, cf, of);
      const bool sf = (r >> (8 * size - 1)) & 1;
      const u32 want = (cf ? fl::CF : 0) | (parity_even(r) ? fl::PF : 0) | (r == 0 ? fl::ZF : 0) |
                       (sf ? fl::SF : 0) | (of ? fl::OF : 0);
      REQUIRE(f.all() == want);
      REQUIRE(getters(f) == want);
      // Jcc's conditions (SDM Vol. 1 Appendix B) from the same bits.
      CHECK(f.cond<0>() == of);
      CHECK(f.cond<4>() == (r == 0));
      CHECK(f.cond<6>() == (cf || r == 0));
      CHECK(f.cond<8>() == sf);
      CHECK(f.cond<10>() == parity_even(r));
      CHECK(f.cond<12>() == (sf != of));
      CHECK(f.cond<14>() == (r == 0 || sf != of));
    }
  }
}
