// SSE4.1 rounding to an integral value (SDM Vol. 2 ROUNDPS, ROUNDPD,
// ROUNDSS, ROUNDSD): imm8[1:0] the rounding mode, imm8[2] MXCSR.RC
// instead, imm8[3] no PE. IE only for an SNaN (quieted); no DE.
#include "cpu/simd/fp_lanes.hpp"
#include "cpu/simd/rows.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

namespace sf = fpu::sse;

/// ROUNDPS/PD xmm1, xmm2/m128 (16-byte aligned), imm8 and ROUNDSS/SD
/// xmm1, xmm2/m32|m64, imm8 (lane 0, the other lanes of xmm1 kept).
template <class T, bool kPacked, T (*Round)(T, unsigned, Env&)>
void round(Cpu& c, const DecodedInsn& d) {
  const unsigned imm8 = d.imm & 0xFF;
  fp_lanes<T, kPacked>(c, d, [imm8](T, T b, Env& e) { return Round(b, imm8, e); });
}

using namespace opc;

const OpcodeRow kSse41Rows[] = {
    SIMD_ROW(P66 | 0x308, -1, "ROUNDPS", Vx, Wx, Ib, (round<u32, true, sf::f32_round>), 0),
    SIMD_ROW(P66 | 0x309, -1, "ROUNDPD", Vx, Wx, Ib, (round<u64, true, sf::f64_round>), 0),
    SIMD_ROW(P66 | 0x30A, -1, "ROUNDSS", Vx, Wx, Ib, (round<u32, false, sf::f32_round>), 0),
    SIMD_ROW(P66 | 0x30B, -1, "ROUNDSD", Vx, Wx, Ib, (round<u64, false, sf::f64_round>), 0),
};

}  // namespace

std::span<const OpcodeRow> sse41_fp_round_rows() { return kSse41Rows; }

}  // namespace gb::simd
