// Lazy arithmetic flags (CF, PF, AF, ZF, SF, OF).
//
// ADD/ADC/SUB/SBB/CMP/NEG/INC/DEC and the logic group record their operands
// and result; SHL/SHR/SAR and the multiplies record their result with CF
// and OF; a flag is computed only when something reads it. Everything else
// (rotates, BCD adjusts, POPF) stores the six bits eagerly.
#pragma once
#include "mmu/types.hpp"

namespace gb {

/// EFLAGS bit positions (SDM Vol. 1, 3.4.3).
namespace fl {
constexpr u32 CF = 1u << 0;
constexpr u32 PF = 1u << 2;
constexpr u32 AF = 1u << 4;
constexpr u32 ZF = 1u << 6;
constexpr u32 SF = 1u << 7;
constexpr u32 TF = 1u << 8;
constexpr u32 IF = 1u << 9;
constexpr u32 DF = 1u << 10;
constexpr u32 OF = 1u << 11;
constexpr u32 IOPL = 3u << 12;
constexpr u32 NT = 1u << 14;
constexpr u32 RF = 1u << 16;
constexpr u32 VM = 1u << 17;
constexpr u32 AC = 1u << 18;
constexpr u32 VIF = 1u << 19;
constexpr u32 VIP = 1u << 20;
constexpr u32 ID = 1u << 21;
constexpr u32 ARITH = CF | PF | AF | ZF | SF | OF;
}  // namespace fl

/// Szp: SF, ZF and PF from the result, CF and OF as given, AF clear (the
/// shifts and multiplies, as on the P6: SDM Vol. 2B leaves AF, and after a
/// multiply SF/ZF/PF, undefined).
enum class FlagOp : u8 { Eager, Add, Adc, Sub, Sbb, Logic, Inc, Dec, Szp };

/// Parity flag: set when the low byte of `v` has an even number of 1 bits.
constexpr bool parity_even(u64 v) {
  v &= 0xFF;
  v ^= v >> 4;
  v ^= v >> 2;
  v ^= v >> 1;
  return (v & 1) == 0;
}

class LazyFlags {
 public:
  /// Records an operation of `size` bytes (1, 2, 4 or 8): result `res` of
  /// `a op b` (for ADC/SBB, `carry_in` is the CF that went in). All three
  /// are values of `size` bytes, zero-extended. CF is computed here (two
  /// instructions once `op` is a constant), so INC/DEC, which keep CF, and
  /// ADC/SBB/Jcc, which read it, need no evaluation of the previous record.
  [[gnu::always_inline]] void set(FlagOp op, unsigned size, u64 res, u64 a, u64 b, bool carry_in = false) {
    switch (op) {
      case FlagOp::Add: cf_ = res < a; break;
      case FlagOp::Adc: cf_ = carry_in ? res <= a : res < a; break;
      case FlagOp::Sub: cf_ = a < b; break;
      case FlagOp::Sbb: cf_ = carry_in ? a <= b : a < b; break;
      case FlagOp::Logic: cf_ = false; break;
      case FlagOp::Inc:
      case FlagOp::Dec:
      case FlagOp::Szp:
      case FlagOp::Eager: break;  // INC/DEC keep CF
    }
    kind_ = static_cast<u32>(op) | (size << 8);
    res_ = res;
    a_ = a;
    b_ = b;
  }

  /// Records a result of `size` bytes (zero-extended) whose SF, ZF and PF
  /// come from it, with CF and OF given and AF clear (FlagOp::Szp).
  [[gnu::always_inline]] void set_szp(unsigned size, u64 res, bool cf, bool of) {
    kind_ = static_cast<u32>(FlagOp::Szp) | (size << 8);
    res_ = res;
    a_ = of;
    cf_ = cf;
  }

  /// Stores all six arithmetic flags eagerly from `bits` (other bits ignored).
  void set_all(u32 bits) {
    kind_ = static_cast<u32>(FlagOp::Eager) | (1u << 8);
    eager_ = bits & fl::ARITH;
    cf_ = (bits & fl::CF) != 0;
  }
  /// Replaces the flags in `mask` by those in `bits`, keeping the others.
  void set_some(u32 mask, u32 bits) { set_all((all() & ~mask) | (bits & mask)); }

  bool cf() const { return cf_; }
  bool pf() const { return op() == FlagOp::Eager ? (eager_ & fl::PF) != 0 : parity_even(res_); }
  bool af() const;
  bool zf() const { return op() == FlagOp::Eager ? (eager_ & fl::ZF) != 0 : res_ == 0; }
  bool sf() const { return op() == FlagOp::Eager ? (eager_ & fl::SF) != 0 : ((res_ >> (8 * size() - 1)) & 1) != 0; }
  bool of() const;

  /// Condition `cc` (0-15) of Jcc, SETcc and CMOVcc (SDM Vol. 1 Appendix B).
  /// After CMP/SUB and the logic group it comes from the operands directly,
  /// without computing the flags one by one.
  template <unsigned cc>
  bool cond() const {
    constexpr unsigned k = cc >> 1;
    bool r;
    if constexpr (k == 1) {
      r = cf_;
    } else if (op() == FlagOp::Sub) {
      const unsigned sh = 64 - 8 * size();  // sign-extends the operands for the signed tests
      if constexpr (k == 0) r = of();
      else if constexpr (k == 2) r = res_ == 0;
      else if constexpr (k == 3) r = a_ <= b_;
      else if constexpr (k == 4) r = ((res_ << sh) >> 63) != 0;
      else if constexpr (k == 5) r = parity_even(res_);
      else if constexpr (k == 6) r = static_cast<i64>(a_ << sh) < static_cast<i64>(b_ << sh);
      else r = static_cast<i64>(a_ << sh) <= static_cast<i64>(b_ << sh);
    } else if (op() == FlagOp::Logic) {
      const bool s = ((res_ >> (8 * size() - 1)) & 1) != 0;
      if constexpr (k == 0) r = false;
      else if constexpr (k == 2 || k == 3) r = res_ == 0;
      else if constexpr (k == 4 || k == 6) r = s;
      else if constexpr (k == 5) r = parity_even(res_);
      else r = res_ == 0 || s;
    } else {
      if constexpr (k == 0) r = of();
      else if constexpr (k == 2) r = zf();
      else if constexpr (k == 3) r = cf_ || zf();
      else if constexpr (k == 4) r = sf();
      else if constexpr (k == 5) r = pf();
      else if constexpr (k == 6) r = sf() != of();
      else r = zf() || (sf() != of());
    }
    return (cc & 1) ? !r : r;
  }

  /// The six arithmetic flags as EFLAGS bits.
  u32 all() const {
    if (op() == FlagOp::Eager) return eager_;
    return (cf_ ? fl::CF : 0) | (pf() ? fl::PF : 0) | (af() ? fl::AF : 0) | (zf() ? fl::ZF : 0) |
           (sf() ? fl::SF : 0) | (of() ? fl::OF : 0);
  }

 private:
  u64 sign() const { return u64{1} << (8 * size() - 1); }

  /// The operation (bits 7-0, a FlagOp) and its size in bytes (bits
  /// 15-8): one word, so recording them is one store of a constant.
  u32 kind_ = static_cast<u32>(FlagOp::Eager) | (1u << 8);
  FlagOp op() const { return static_cast<FlagOp>(kind_ & 0xFF); }
  unsigned size() const { return (kind_ >> 8) & 0xFF; }
  bool cf_ = false;  ///< CF, always current (also under Eager)
  u64 res_ = 0, a_ = 0, b_ = 0;
  u32 eager_ = 0;
};

inline bool LazyFlags::af() const {
  switch (op()) {
    case FlagOp::Add:
    case FlagOp::Adc:
    case FlagOp::Sub:
    case FlagOp::Sbb:
    case FlagOp::Inc:
    case FlagOp::Dec: return ((a_ ^ b_ ^ res_) & 0x10) != 0;
    case FlagOp::Logic:
    case FlagOp::Szp: return false;
    case FlagOp::Eager: break;
  }
  return (eager_ & fl::AF) != 0;
}

inline bool LazyFlags::of() const {
  switch (op()) {
    case FlagOp::Add:
    case FlagOp::Adc:
    case FlagOp::Inc: return ((a_ ^ res_) & (b_ ^ res_) & sign()) != 0;
    case FlagOp::Sub:
    case FlagOp::Sbb:
    case FlagOp::Dec: return ((a_ ^ b_) & (a_ ^ res_) & sign()) != 0;
    case FlagOp::Logic: return false;
    case FlagOp::Szp: return a_ != 0;
    case FlagOp::Eager: break;
  }
  return (eager_ & fl::OF) != 0;
}

}  // namespace gb
