// Packed integer addition and subtraction (wraparound, signed and unsigned
// saturation), averages, minimum and maximum, on MMX and XMM registers (SDM
// Vol. 2 PADDB/W/D/Q, PSUBB/W/D/Q, PADDSB/W, PSUBSB/W, PADDUSB/W,
// PSUBUSB/W, PAVGB/W, PMINUB, PMAXUB, PMINSW, PMAXSW; Vol. 1 4.6.2 for
// saturation).
#include "cpu/simd/int_form.hpp"
#include "cpu/simd/rows.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

// Lane operations. T is unsigned for the wraparound forms (unsigned
// arithmetic wraps without undefined behaviour); u16 operands promote to
// int, so the casts keep the low bits.
template <class T>
T add(T a, T b) { return static_cast<T>(a + b); }
template <class T>
T sub(T a, T b) { return static_cast<T>(a - b); }
/// Saturating, T signed or unsigned (8 or 16 bits): computed in int.
template <class T>
T adds(T a, T b) { return saturate<T>(int{a} + int{b}); }
template <class T>
T subs(T a, T b) { return saturate<T>(int{a} - int{b}); }
/// (a + b + 1) >> 1 without overflow (SDM Vol. 2 PAVGB: a 9- or 17-bit sum).
template <class T>
T avg(T a, T b) { return static_cast<T>((u32{a} + u32{b} + 1) >> 1); }
template <class T>
T min(T a, T b) { return b < a ? b : a; }
template <class T>
T max(T a, T b) { return b > a ? b : a; }

constexpr IntOp kPaddb = lanes<u8, add<u8>>, kPaddw = lanes<u16, add<u16>>, kPaddd = lanes<u32, add<u32>>,
                kPaddq = lanes<u64, add<u64>>;
constexpr IntOp kPsubb = lanes<u8, sub<u8>>, kPsubw = lanes<u16, sub<u16>>, kPsubd = lanes<u32, sub<u32>>,
                kPsubq = lanes<u64, sub<u64>>;
constexpr IntOp kPaddsb = lanes<i8, adds<i8>>, kPaddsw = lanes<i16, adds<i16>>;
constexpr IntOp kPsubsb = lanes<i8, subs<i8>>, kPsubsw = lanes<i16, subs<i16>>;
constexpr IntOp kPaddusb = lanes<u8, adds<u8>>, kPaddusw = lanes<u16, adds<u16>>;
constexpr IntOp kPsubusb = lanes<u8, subs<u8>>, kPsubusw = lanes<u16, subs<u16>>;
constexpr IntOp kPavgb = lanes<u8, avg<u8>>, kPavgw = lanes<u16, avg<u16>>;
constexpr IntOp kPminub = lanes<u8, min<u8>>, kPmaxub = lanes<u8, max<u8>>;
constexpr IntOp kPminsw = lanes<i16, min<i16>>, kPmaxsw = lanes<i16, max<i16>>;

// MMX's instructions, SSE's additions on MMX registers (SDM Vol. 1
// 10.4.4) and SSE2's PADDQ/PSUBQ; SSE2 has all of them on XMM registers
// too (Vol. 1 11.4.3).
#define MMX_OPS(X)                                                                                     \
  X(0x1FC, "PADDB", kPaddb) X(0x1FD, "PADDW", kPaddw) X(0x1FE, "PADDD", kPaddd)                        \
  X(0x1F8, "PSUBB", kPsubb) X(0x1F9, "PSUBW", kPsubw) X(0x1FA, "PSUBD", kPsubd)                        \
  X(0x1EC, "PADDSB", kPaddsb) X(0x1ED, "PADDSW", kPaddsw) X(0x1E8, "PSUBSB", kPsubsb)                  \
  X(0x1E9, "PSUBSW", kPsubsw) X(0x1DC, "PADDUSB", kPaddusb) X(0x1DD, "PADDUSW", kPaddusw)              \
  X(0x1D8, "PSUBUSB", kPsubusb) X(0x1D9, "PSUBUSW", kPsubusw)
#define SSE_OPS(X)                                                                                     \
  X(0x1E0, "PAVGB", kPavgb) X(0x1E3, "PAVGW", kPavgw) X(0x1DA, "PMINUB", kPminub)                      \
  X(0x1DE, "PMAXUB", kPmaxub) X(0x1EA, "PMINSW", kPminsw) X(0x1EE, "PMAXSW", kPmaxsw)
#define SSE2_OPS(X) X(0x1D4, "PADDQ", kPaddq) X(0x1FB, "PSUBQ", kPsubq)

const OpcodeRow kMmxRows[] = {MMX_OPS(INT_MMX_ROWS)};
const OpcodeRow kSseRows[] = {SSE_OPS(INT_MMX_ROWS)};
const OpcodeRow kSse2Rows[] = {
    SSE2_OPS(INT_MMX_ROWS) MMX_OPS(INT_XMM_ROWS) SSE_OPS(INT_XMM_ROWS) SSE2_OPS(INT_XMM_ROWS)};

#undef MMX_OPS
#undef SSE_OPS
#undef SSE2_OPS

}  // namespace

std::span<const OpcodeRow> mmx_int_arith_rows() { return kMmxRows; }
std::span<const OpcodeRow> sse_int_arith_rows() { return kSseRows; }
std::span<const OpcodeRow> sse2_int_arith_rows() { return kSse2Rows; }

}  // namespace gb::simd
