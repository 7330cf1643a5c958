// Fixed-width integer names and address types shared by every layer.
#pragma once
#include <cstdint>

namespace gb {

using u8 = std::uint8_t;
using u16 = std::uint16_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;
using i8 = std::int8_t;
using i16 = std::int16_t;
using i32 = std::int32_t;
using i64 = std::int64_t;

/// A physical address: what leaves the CPU after segmentation, paging and the
/// A20 gate. 64 bits wide so PAE's 36-bit (and later 52-bit) addresses fit.
using PhysAddr = u64;
/// A linear address: segment base + offset, before paging. 64 bits wide for
/// IA-32e mode (48-bit linear addresses with 4-level paging, 57-bit with
/// 5-level paging, canonical: the upper bits copy the top one); outside
/// IA-32e mode only the low 32 bits are meaningful.
using LinAddr = u64;

/// Width of one bus access, in bytes.
enum class Width : u8 { Byte = 1, Word = 2, Dword = 4 };

constexpr unsigned bytes(Width w) { return static_cast<unsigned>(w); }

/// Mask of the low `w` bytes, e.g. 0xFFFF for Width::Word.
constexpr u32 width_mask(Width w) {
  return w == Width::Dword ? 0xFFFF'FFFFu : (1u << (8 * bytes(w))) - 1u;
}

}  // namespace gb
