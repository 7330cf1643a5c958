// Packs with saturation and interleaving unpacks on MMX and XMM registers
// (SDM Vol. 2 PACKSSWB, PACKSSDW, PACKUSWB, PUNPCKLBW/WD/DQ/QDQ,
// PUNPCKHBW/WD/DQ/QDQ).
#include "cpu/simd/int_form.hpp"
#include "cpu/simd/rows.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

/// Signed From lanes saturated to To (signed, or unsigned for PACKUSWB):
/// the destination's lanes fill the low half of the result, the source's
/// the high half.
template <class From, class To>
Vec128 pack(const Vec128& a, const Vec128& b, unsigned bytes, u8) {
  const unsigned n = bytes / sizeof(From);
  Vec128 r;
  for (unsigned i = 0; i < n; ++i) {
    r.set<To>(i, saturate<To>(i32{a.get<From>(i)}));
    r.set<To>(n + i, saturate<To>(i32{b.get<From>(i)}));
  }
  return r;
}

/// Interleaves T lanes of the destination (even lanes) and the source (odd
/// lanes), from the low halves (kHigh false) or the high halves.
template <class T, bool kHigh>
Vec128 unpack(const Vec128& a, const Vec128& b, unsigned bytes, u8) {
  const unsigned half = bytes / sizeof(T) / 2, from = kHigh ? half : 0;
  Vec128 r;
  for (unsigned i = 0; i < half; ++i) {
    r.set<T>(2 * i, a.get<T>(from + i));
    r.set<T>(2 * i + 1, b.get<T>(from + i));
  }
  return r;
}

constexpr IntOp kPacksswb = pack<i16, i8>, kPackssdw = pack<i32, i16>, kPackuswb = pack<i16, u8>;
constexpr IntOp kPunpcklbw = unpack<u8, false>, kPunpcklwd = unpack<u16, false>, kPunpckldq = unpack<u32, false>,
                kPunpcklqdq = unpack<u64, false>;
constexpr IntOp kPunpckhbw = unpack<u8, true>, kPunpckhwd = unpack<u16, true>, kPunpckhdq = unpack<u32, true>,
                kPunpckhqdq = unpack<u64, true>;

using namespace opc;
// MMX's (the low unpacks apart); SSE2 repeats them on XMM registers with
// the quadword unpacks.
#define MMX_OPS(X)                                                                                     \
  X(0x163, "PACKSSWB", kPacksswb) X(0x16B, "PACKSSDW", kPackssdw) X(0x167, "PACKUSWB", kPackuswb)      \
  X(0x168, "PUNPCKHBW", kPunpckhbw) X(0x169, "PUNPCKHWD", kPunpckhwd) X(0x16A, "PUNPCKHDQ", kPunpckhdq)
#define LOW_UNPACKS(X)                                                                                 \
  X(0x160, "PUNPCKLBW", kPunpcklbw) X(0x161, "PUNPCKLWD", kPunpcklwd) X(0x162, "PUNPCKLDQ", kPunpckldq)
/// The MMX low unpacks read only the low doubleword from memory (m32).
#define MMX_LOW_UNPACK(op, name, fn) SIMD_ROW(NP | (op), -1, name, Pq, Qq, None, (mmx_op<fn, 4>), 0),

const OpcodeRow kMmxRows[] = {MMX_OPS(INT_MMX_ROWS) LOW_UNPACKS(MMX_LOW_UNPACK)};
const OpcodeRow kSse2Rows[] = {
    MMX_OPS(INT_XMM_ROWS) LOW_UNPACKS(INT_XMM_ROWS)  //
    INT_XMM_ROW(0x16C, "PUNPCKLQDQ", kPunpcklqdq), INT_XMM_ROW(0x16D, "PUNPCKHQDQ", kPunpckhqdq)};

#undef MMX_OPS
#undef LOW_UNPACKS
#undef MMX_LOW_UNPACK

}  // namespace

std::span<const OpcodeRow> mmx_int_pack_rows() { return kMmxRows; }
std::span<const OpcodeRow> sse2_int_pack_rows() { return kSse2Rows; }

}  // namespace gb::simd
