// Packed bitwise logic and compares on MMX and XMM registers (SDM Vol. 2
// PAND, PANDN, POR, PXOR, PCMPEQB/W/D, PCMPGTB/W/D): a compare sets a lane
// to all ones where it holds and to zero where not; PCMPGT is signed.
#include "cpu/simd/int_form.hpp"
#include "cpu/simd/rows.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

u64 and_(u64 a, u64 b) { return a & b; }
/// PANDN: the destination is inverted, then ANDed with the source.
u64 andn(u64 a, u64 b) { return ~a & b; }
u64 or_(u64 a, u64 b) { return a | b; }
u64 xor_(u64 a, u64 b) { return a ^ b; }

/// All ones or zero, in T's unsigned lane.
template <class T>
T eq(T a, T b) { return a == b ? static_cast<T>(~T{0}) : T{0}; }
/// T signed.
template <class T>
T gt(T a, T b) { return a > b ? static_cast<T>(-1) : T{0}; }

constexpr IntOp kPand = lanes<u64, and_>, kPandn = lanes<u64, andn>, kPor = lanes<u64, or_>,
                kPxor = lanes<u64, xor_>;
constexpr IntOp kPcmpeqb = lanes<u8, eq<u8>>, kPcmpeqw = lanes<u16, eq<u16>>, kPcmpeqd = lanes<u32, eq<u32>>;
constexpr IntOp kPcmpgtb = lanes<i8, gt<i8>>, kPcmpgtw = lanes<i16, gt<i16>>, kPcmpgtd = lanes<i32, gt<i32>>;

// MMX's; SSE2 repeats them on XMM registers.
#define MMX_OPS(X)                                                                                     \
  X(0x1DB, "PAND", kPand) X(0x1DF, "PANDN", kPandn) X(0x1EB, "POR", kPor) X(0x1EF, "PXOR", kPxor)       \
  X(0x174, "PCMPEQB", kPcmpeqb) X(0x175, "PCMPEQW", kPcmpeqw) X(0x176, "PCMPEQD", kPcmpeqd)            \
  X(0x164, "PCMPGTB", kPcmpgtb) X(0x165, "PCMPGTW", kPcmpgtw) X(0x166, "PCMPGTD", kPcmpgtd)

const OpcodeRow kMmxRows[] = {MMX_OPS(INT_MMX_ROWS)};
const OpcodeRow kSse2Rows[] = {MMX_OPS(INT_XMM_ROWS)};

#undef MMX_OPS

}  // namespace

std::span<const OpcodeRow> mmx_int_logic_rows() { return kMmxRows; }
std::span<const OpcodeRow> sse2_int_logic_rows() { return kSse2Rows; }

}  // namespace gb::simd
