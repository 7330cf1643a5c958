// Packed integer multiplies and sums on MMX and XMM registers (SDM Vol. 2
// PMULLW, PMULHW, PMULHUW, PMULUDQ, PMADDWD, PSADBW).
#include "cpu/simd/int_form.hpp"
#include "cpu/simd/rows.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

// Word products in 32 bits: u16 * u16 would multiply as int and overflow.
u16 mullw(u16 a, u16 b) { return static_cast<u16>(u32{a} * u32{b}); }
/// The high word of the signed product (C++20: >> of a negative int is
/// arithmetic).
i16 mulhw(i16 a, i16 b) { return static_cast<i16>((i32{a} * i32{b}) >> 16); }
u16 mulhuw(u16 a, u16 b) { return static_cast<u16>((u32{a} * u32{b}) >> 16); }
/// PMULUDQ: the low doublewords of each quadword, unsigned, full 64-bit
/// product.
u64 muludq(u64 a, u64 b) { return (a & 0xFFFF'FFFFu) * (b & 0xFFFF'FFFFu); }

/// PMADDWD: each doubleword is the sum of its two signed word products.
/// Only 8000h*8000h + 8000h*8000h = 2^31 overflows; it wraps to
/// 8000_0000h as the SDM says.
Vec128 pmaddwd(const Vec128& a, const Vec128& b, unsigned bytes, u8) {
  Vec128 r;
  for (unsigned i = 0; i < bytes / 4; ++i) {
    const i64 sum = i64{i32{a.get<i16>(2 * i)} * b.get<i16>(2 * i)} + i32{a.get<i16>(2 * i + 1)} * b.get<i16>(2 * i + 1);
    r.set<u32>(i, static_cast<u32>(sum));
  }
  return r;
}

/// PSADBW: per quadword, the sum of the absolute differences of its eight
/// unsigned bytes, in the low word; the other words are zero.
Vec128 psadbw(const Vec128& a, const Vec128& b, unsigned bytes, u8) {
  Vec128 r;
  for (unsigned q = 0; q < bytes / 8; ++q) {
    unsigned sum = 0;
    for (unsigned i = 8 * q; i < 8 * q + 8; ++i) sum += a[i] > b[i] ? a[i] - b[i] : b[i] - a[i];
    r.set<u64>(q, sum);
  }
  return r;
}

constexpr IntOp kPmullw = lanes<u16, mullw>, kPmulhw = lanes<i16, mulhw>, kPmulhuw = lanes<u16, mulhuw>,
                kPmuludq = lanes<u64, muludq>, kPmaddwd = pmaddwd, kPsadbw = psadbw;

// MMX's, SSE's additions on MMX registers, SSE2's PMULUDQ; SSE2 has all
// of them on XMM registers too.
#define MMX_OPS(X) X(0x1D5, "PMULLW", kPmullw) X(0x1E5, "PMULHW", kPmulhw) X(0x1F5, "PMADDWD", kPmaddwd)
#define SSE_OPS(X) X(0x1E4, "PMULHUW", kPmulhuw) X(0x1F6, "PSADBW", kPsadbw)
#define SSE2_OPS(X) X(0x1F4, "PMULUDQ", kPmuludq)

const OpcodeRow kMmxRows[] = {MMX_OPS(INT_MMX_ROWS)};
const OpcodeRow kSseRows[] = {SSE_OPS(INT_MMX_ROWS)};
const OpcodeRow kSse2Rows[] = {
    SSE2_OPS(INT_MMX_ROWS) MMX_OPS(INT_XMM_ROWS) SSE_OPS(INT_XMM_ROWS) SSE2_OPS(INT_XMM_ROWS)};

#undef MMX_OPS
#undef SSE_OPS
#undef SSE2_OPS

}  // namespace

std::span<const OpcodeRow> mmx_int_mul_rows() { return kMmxRows; }
std::span<const OpcodeRow> sse_int_mul_rows() { return kSseRows; }
std::span<const OpcodeRow> sse2_int_mul_rows() { return kSse2Rows; }

}  // namespace gb::simd
