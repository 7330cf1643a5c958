// SSE and SSE2 bitwise logic on whole XMM registers (SDM Vol. 2 ANDPS,
// ANDNPS, ORPS, XORPS and their PD forms): the lanes' type does not matter,
// no MXCSR flag is touched, the 16-byte memory operand must be aligned.
#include "cpu/simd/rows.hpp"
#include "cpu/simd/simd.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

enum class Logic : u8 { And, AndNot, Or, Xor };

/// Vx <- Vx op Wx, 64 bits at a time; ANDN complements the destination
/// (Vx <- NOT Vx AND Wx).
template <Logic kOp>
void logic128(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const Vec128 src = read_w(c, d, 16, true);
  Vec128& dst = xmm(c, d.xreg());
  for (unsigned i = 0; i < 2; ++i) {
    const u64 a = dst.get<u64>(i), b = src.get<u64>(i);
    u64 r = 0;
    switch (kOp) {
      case Logic::And: r = a & b; break;
      case Logic::AndNot: r = ~a & b; break;
      case Logic::Or: r = a | b; break;
      case Logic::Xor: r = a ^ b; break;
    }
    dst.set<u64>(i, r);
  }
}

using namespace opc;

const OpcodeRow kSseRows[] = {
    SIMD_ROW(NP | 0x154, -1, "ANDPS", Vx, Wx, None, logic128<Logic::And>, 0),
    SIMD_ROW(NP | 0x155, -1, "ANDNPS", Vx, Wx, None, logic128<Logic::AndNot>, 0),
    SIMD_ROW(NP | 0x156, -1, "ORPS", Vx, Wx, None, logic128<Logic::Or>, 0),
    SIMD_ROW(NP | 0x157, -1, "XORPS", Vx, Wx, None, logic128<Logic::Xor>, 0),
};

const OpcodeRow kSse2Rows[] = {
    SIMD_ROW(P66 | 0x154, -1, "ANDPD", Vx, Wx, None, logic128<Logic::And>, 0),
    SIMD_ROW(P66 | 0x155, -1, "ANDNPD", Vx, Wx, None, logic128<Logic::AndNot>, 0),
    SIMD_ROW(P66 | 0x156, -1, "ORPD", Vx, Wx, None, logic128<Logic::Or>, 0),
    SIMD_ROW(P66 | 0x157, -1, "XORPD", Vx, Wx, None, logic128<Logic::Xor>, 0),
};

}  // namespace

std::span<const OpcodeRow> sse_logic_rows() { return kSseRows; }
std::span<const OpcodeRow> sse2_logic_rows() { return kSse2Rows; }

}  // namespace gb::simd
