// Segment and gate descriptors (SDM Vol. 3A 3.4.5, 5.8.3, 6.11, 7.2.2).
#pragma once
#include "mmu/types.hpp"

namespace gb {

/// Descriptor type field values for system descriptors (S = 0), SDM Vol. 3A
/// Table 3-2.
namespace sys {
constexpr u8 kTss16Avail = 1, kLdt = 2, kTss16Busy = 3, kCallGate16 = 4, kTaskGate = 5,
             kIntGate16 = 6, kTrapGate16 = 7, kTss32Avail = 9, kTss32Busy = 11,
             kCallGate32 = 12, kIntGate32 = 14, kTrapGate32 = 15;
}  // namespace sys

/// A decoded 8-byte descriptor.
struct Descriptor {
  u64 raw = 0;

  static Descriptor from(u64 raw) { return Descriptor{raw}; }

  u8 access() const { return static_cast<u8>(raw >> 40); }  ///< P, DPL, S, type
  u8 flags() const { return static_cast<u8>((raw >> 52) & 0xF); }  ///< G, D/B, L, AVL
  bool present() const { return (access() & 0x80) != 0; }
  unsigned dpl() const { return (access() >> 5) & 3; }
  bool is_segment() const { return (access() & 0x10) != 0; }  ///< S = 1: code or data
  u8 type() const { return access() & 0xF; }
  bool is_code() const { return is_segment() && (type() & 8); }
  bool is_data() const { return is_segment() && !(type() & 8); }
  bool conforming() const { return is_code() && (type() & 4); }
  /// Code: readable; data: always readable.
  bool readable() const { return is_data() || (type() & 2); }
  bool writable() const { return is_data() && (type() & 2); }
  bool expand_down() const { return is_data() && (type() & 4); }
  bool granular() const { return (flags() & 8) != 0; }
  bool big() const { return (flags() & 4) != 0; }  ///< D/B
  /// L: a 64-bit code segment in IA-32e mode (SDM Vol. 3A 5.2.1).
  bool long_code() const { return is_code() && (flags() & 2) != 0; }

  u32 base() const {
    return static_cast<u32>(((raw >> 16) & 0xFF'FFFF) | (((raw >> 56) & 0xFF) << 24));
  }
  /// The limit in bytes: the 20-bit field, scaled by 4 KiB when G = 1.
  u32 limit() const {
    const u32 l = static_cast<u32>((raw & 0xFFFF) | (((raw >> 48) & 0xF) << 16));
    return granular() ? (l << 12) | 0xFFF : l;
  }

  // Gates (call, interrupt, trap, task).
  u16 gate_selector() const { return static_cast<u16>(raw >> 16); }
  u32 gate_offset() const {
    const u32 lo = static_cast<u32>(raw & 0xFFFF);
    const bool wide = type() >= 8;  // 32-bit gate types have the upper offset
    return wide ? lo | static_cast<u32>((raw >> 48) << 16) : lo;
  }
  unsigned gate_params() const { return static_cast<unsigned>((raw >> 32) & 0x1F); }
  /// IA-32e mode gates are 16 bytes: offset 63:32 in the second quadword
  /// `high`, and an IDT gate's IST index in bits 34:32 (SDM Vol. 3A 5.8.3.1, 6.14.1).
  u64 gate_offset64(u64 high) const { return (u64{gate_offset()}) | (high << 32); }
  unsigned gate_ist() const { return static_cast<unsigned>((raw >> 32) & 7); }
  /// A 16-byte system descriptor's base (TSS, LDT): bits 63:32 in `high`.
  u64 base64(u64 high) const { return u64{base()} | ((high & 0xFFFF'FFFFu) << 32); }
};

/// Selector fields (SDM Vol. 3A 3.4.2).
constexpr unsigned sel_rpl(u16 s) { return s & 3; }
constexpr bool sel_ldt(u16 s) { return (s & 4) != 0; }
constexpr bool sel_null(u16 s) { return (s & 0xFFFC) == 0; }

}  // namespace gb
