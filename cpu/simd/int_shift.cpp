// Packed shifts on MMX and XMM registers (SDM Vol. 2 PSLLW/D/Q, PSRLW/D/Q,
// PSRAW/D, PSLLDQ, PSRLDQ): the count is the whole low quadword of the
// register or memory operand, or the immediate byte (groups 12-14, 0F 71-73);
// a count of at least the lane width gives zero, or the sign in every bit
// for the arithmetic shifts.
#include "cpu/simd/int_form.hpp"
#include "cpu/simd/rows.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

// The count operand: src's low quadword (the imm forms put Ib there).
template <class T>
Vec128 sll(const Vec128& a, const Vec128& b, unsigned bytes, u8) {
  const u64 n = b.lo();
  Vec128 r;
  if (n >= 8 * sizeof(T)) return r;
  // u16 promotes to int: 0xFFFF << 15 still fits, the cast keeps the low bits.
  for (unsigned i = 0; i < bytes / sizeof(T); ++i) r.set<T>(i, static_cast<T>(a.get<T>(i) << n));
  return r;
}

template <class T>
Vec128 srl(const Vec128& a, const Vec128& b, unsigned bytes, u8) {
  const u64 n = b.lo();
  Vec128 r;
  if (n >= 8 * sizeof(T)) return r;
  for (unsigned i = 0; i < bytes / sizeof(T); ++i) r.set<T>(i, static_cast<T>(a.get<T>(i) >> n));
  return r;
}

/// T signed; counts past the width shift by width - 1 (sign fill). C++20
/// defines >> of a negative value as arithmetic.
template <class T>
Vec128 sra(const Vec128& a, const Vec128& b, unsigned bytes, u8) {
  const u64 max = 8 * sizeof(T) - 1;
  const unsigned n = static_cast<unsigned>(b.lo() > max ? max : b.lo());
  Vec128 r;
  for (unsigned i = 0; i < bytes / sizeof(T); ++i) r.set<T>(i, static_cast<T>(a.get<T>(i) >> n));
  return r;
}

/// PSLLDQ/PSRLDQ (XMM only): whole-register byte shifts by Ib; counts
/// above 15 clear the register.
Vec128 pslldq(const Vec128& a, const Vec128&, unsigned, u8 n) {
  Vec128 r;
  for (unsigned i = n; i < 16; ++i) r[i] = a[i - n];
  return r;
}
Vec128 psrldq(const Vec128& a, const Vec128&, unsigned, u8 n) {
  Vec128 r;
  for (unsigned i = 0; i + n < 16; ++i) r[i] = a[i + n];
  return r;
}

constexpr IntOp kPsllw = sll<u16>, kPslld = sll<u32>, kPsllq = sll<u64>;
constexpr IntOp kPsrlw = srl<u16>, kPsrld = srl<u32>, kPsrlq = srl<u64>;
constexpr IntOp kPsraw = sra<i16>, kPsrad = sra<i32>;

using namespace opc;
constexpr u8 RO = attr::kRegOnly;

// Count from a register or memory (MMX's; SSE2 repeats them on XMM
// registers), and the immediate groups (ModR/M.reg selects the shift).
#define COUNT_OPS(X)                                                                                   \
  X(0x1F1, "PSLLW", kPsllw) X(0x1F2, "PSLLD", kPslld) X(0x1F3, "PSLLQ", kPsllq)                        \
  X(0x1D1, "PSRLW", kPsrlw) X(0x1D2, "PSRLD", kPsrld) X(0x1D3, "PSRLQ", kPsrlq)                        \
  X(0x1E1, "PSRAW", kPsraw) X(0x1E2, "PSRAD", kPsrad)
#define IMM_OPS(X)                                                                                     \
  X(0x171, 2, "PSRLW", kPsrlw) X(0x171, 4, "PSRAW", kPsraw) X(0x171, 6, "PSLLW", kPsllw)               \
  X(0x172, 2, "PSRLD", kPsrld) X(0x172, 4, "PSRAD", kPsrad) X(0x172, 6, "PSLLD", kPslld)               \
  X(0x173, 2, "PSRLQ", kPsrlq) X(0x173, 6, "PSLLQ", kPsllq)
#define MMX_IMM(op, ext, name, fn) SIMD_ROW(NP | (op), ext, name, Nq, Ib, None, mmx_rm_imm<fn>, RO),
#define XMM_IMM(op, ext, name, fn) SIMD_ROW(P66 | (op), ext, name, Ux, Ib, None, xmm_rm_imm<fn>, RO),

const OpcodeRow kMmxRows[] = {COUNT_OPS(INT_MMX_ROWS) IMM_OPS(MMX_IMM)};
const OpcodeRow kSse2Rows[] = {
    COUNT_OPS(INT_XMM_ROWS) IMM_OPS(XMM_IMM)  //
    XMM_IMM(0x173, 3, "PSRLDQ", psrldq) XMM_IMM(0x173, 7, "PSLLDQ", pslldq)};

#undef COUNT_OPS
#undef IMM_OPS
#undef MMX_IMM
#undef XMM_IMM

}  // namespace

std::span<const OpcodeRow> mmx_int_shift_rows() { return kMmxRows; }
std::span<const OpcodeRow> sse2_int_shift_rows() { return kSse2Rows; }

}  // namespace gb::simd
