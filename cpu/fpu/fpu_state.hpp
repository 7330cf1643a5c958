// The x87 FPU's architectural state (SDM Vol. 1 8.1): the eight physical
// data registers R0-R7, the control, status and tag words, the last
// instruction and data pointers and opcode, and (for FXSAVE/FXRSTOR on
// models with FXSR) MXCSR and the XMM registers.
#pragma once
#include <array>

#include "cpu/fpu/float80.hpp"
#include "cpu/simd/vec.hpp"

namespace gb {

namespace fsw {
constexpr u16 kSF = 0x0040;  ///< stack fault
constexpr u16 kES = 0x0080;  ///< error summary
constexpr u16 kC0 = 0x0100, kC1 = 0x0200, kC2 = 0x0400, kC3 = 0x4000;
constexpr u16 kCC = kC0 | kC1 | kC2 | kC3;
constexpr u16 kTop = 0x3800;
constexpr u16 kB = 0x8000;  ///< busy: a copy of ES on the 387 and later
}  // namespace fsw

/// Tag values (SDM Vol. 1 Figure 8-7).
enum class Tag : u8 { Valid = 0, Zero = 1, Special = 2, Empty = 3 };

struct FpuState {
  std::array<fpu::Float80, 8> r{};  ///< physical registers R0-R7
  u16 fcw = 0x0040;                 ///< power-up value (SDM Vol. 3A Table 9-1)
  u16 fsw = 0;                      ///< status word, TOP in bits 13-11
  /// One bit per physical register, set when it is not empty. Like the P6
  /// and later, only empty/non-empty is kept: the other tag values are
  /// computed from the contents whenever the tag word is stored (SDM Vol. 1
  /// 8.1.7; FXSAVE's abridged tag word is this byte).
  u8 full = 0xFF;
  u16 fop = 0;  ///< last non-control instruction's opcode, 11 bits
  /// Its offset (with prefixes): 64 bits in 64-bit mode, where FXSAVE64
  /// stores all of it (SDM Vol. 1 8.1.8; Vol. 2 FXSAVE Table 3-57).
  u64 fip = 0;
  u16 fcs = 0;  ///< its CS selector
  u64 fdp = 0;  ///< its memory operand's offset (64 bits in 64-bit mode)
  u16 fds = 0;  ///< and segment selector
  u32 mxcsr = 0x1F80;  ///< SSE control/status (SDM Vol. 1 10.2.3)
  /// XMM0-XMM15 (XMM8-15 exist in 64-bit mode only).
  std::array<Vec128, 16> xmm{};

  unsigned top() const { return (fsw >> 11) & 7; }
  void set_top(unsigned t) { fsw = static_cast<u16>((fsw & ~fsw::kTop) | ((t & 7) << 11)); }
  /// Physical register of ST(i).
  unsigned phys(unsigned i) const { return (top() + i) & 7; }
  fpu::Float80& st(unsigned i) { return r[phys(i)]; }
  const fpu::Float80& st(unsigned i) const { return r[phys(i)]; }
  bool empty(unsigned i) const { return !(full & (1u << phys(i))); }
  void set_full(unsigned i, bool f) {
    const u8 bit = static_cast<u8>(1u << phys(i));
    full = f ? static_cast<u8>(full | bit) : static_cast<u8>(full & ~bit);
  }

  /// The tag of physical register `p`, from its contents.
  Tag tag(unsigned p) const {
    if (!(full & (1u << p))) return Tag::Empty;
    switch (fpu::classify(r[p])) {
      case fpu::Class::Zero: return Tag::Zero;
      case fpu::Class::Normal: return Tag::Valid;
      default: return Tag::Special;  // NaN, infinity, denormal, unsupported
    }
  }
  /// The full 16-bit tag word (FSTENV, FSAVE).
  u16 tag_word() const {
    u16 t = 0;
    for (unsigned p = 0; p < 8; ++p) t = static_cast<u16>(t | (static_cast<unsigned>(tag(p)) << (2 * p)));
    return t;
  }
  /// Loads a tag word (FLDENV, FRSTOR): only "empty" (11b) is kept.
  void set_tag_word(u16 t) {
    full = 0;
    for (unsigned p = 0; p < 8; ++p) {
      if (((t >> (2 * p)) & 3) != 3) full = static_cast<u8>(full | (1u << p));
    }
  }
  /// ES and B follow the unmasked exception flags (SDM Vol. 1 8.1.3).
  void update_es() {
    if (fsw & ~fcw & 0x3F) {
      fsw |= fsw::kES | fsw::kB;
    } else {
      fsw &= static_cast<u16>(~(fsw::kES | fsw::kB));
    }
  }
  bool pending() const { return (fsw & fsw::kES) != 0; }

  /// FNINIT (SDM Vol. 2 FINIT): FCW 037Fh, FSW 0, all registers empty, the
  /// pointers and opcode cleared; the register contents stay.
  void init() {
    fcw = 0x037F;
    fsw = 0;
    full = 0;
    fop = 0;
    fip = fdp = 0;
    fcs = fds = 0;
  }
  /// RESET (SDM Vol. 3A Table 9-1): FCW 0040h, FSW 0, the tag word 5555h
  /// (every register +0.0 and tagged zero), pointers 0, MXCSR 1F80h.
  void power_up() {
    *this = FpuState{};
  }
};

}  // namespace gb
