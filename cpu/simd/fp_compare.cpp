// SSE/SSE2 floating-point compares: CMPPS/CMPSS/CMPPD/CMPSD to lane masks,
// COMISS/UCOMISS/COMISD/UCOMISD to EFLAGS (SDM Vol. 2 CMPPS, COMISS).
#include "cpu/simd/fp_lanes.hpp"
#include "cpu/simd/rows.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

namespace sf = fpu::sse;

/// CMPccPS/SS/PD/SD xmm1, xmm2/m, imm8: each lane becomes all ones when
/// predicate imm8[2:0] holds, else zero. The legacy SSE encodings use only
/// imm8[2:0] (the VEX forms' predicates 8-31 are not theirs, SDM Vol. 2
/// CMPPS "imm8[7:3] are reserved"; hardware ignores them).
template <class T, bool kPacked, bool (*Cmp)(T, T, unsigned, Env&)>
void cmp(Cpu& c, const DecodedInsn& d) {
  const unsigned pred = d.imm & 7;
  fp_lanes<T, kPacked>(c, d, [pred](T a, T b, Env& e) { return Cmp(a, b, pred, e) ? static_cast<T>(~T{0}) : T{0}; });
}

/// COMISS/UCOMISS/COMISD/UCOMISD xmm1, xmm2/m32|m64: ZF, PF, CF from the
/// compare (unordered 1,1,1; less 0,0,1; equal 1,0,0; greater 0,0,0); OF,
/// SF and AF cleared. COMI* raise IE on any NaN, UCOMI* on an SNaN only.
/// An unmasked IE leaves EFLAGS unchanged (#XM before the write).
template <class T, u32 (*Comi)(T, T, bool, Env&), bool kSignaling>
void comi(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const T b = read_w(c, d, sizeof(T), false).template get<T>(0);
  const T a = xmm(c, d.xreg()).get<T>(0);
  Env env = fp_env(c);
  const u32 bits = Comi(a, b, kSignaling, env);
  fp_exceptions(c, env.flags);
  c.state().flags.set_all(bits);
}

using namespace opc;

const OpcodeRow kSseRows[] = {
    SIMD_ROW(NP | 0x1C2, -1, "CMPPS", Vx, Wx, Ib, (cmp<u32, true, sf::f32_cmp>), 0),
    SIMD_ROW(PF3 | 0x1C2, -1, "CMPSS", Vx, Wx, Ib, (cmp<u32, false, sf::f32_cmp>), 0),
    SIMD_ROW(NP | 0x12E, -1, "UCOMISS", Vx, Wx, None, (comi<u32, sf::f32_comi, false>), 0),
    SIMD_ROW(NP | 0x12F, -1, "COMISS", Vx, Wx, None, (comi<u32, sf::f32_comi, true>), 0),
};

const OpcodeRow kSse2Rows[] = {
    SIMD_ROW(P66 | 0x1C2, -1, "CMPPD", Vx, Wx, Ib, (cmp<u64, true, sf::f64_cmp>), 0),
    SIMD_ROW(PF2 | 0x1C2, -1, "CMPSD", Vx, Wx, Ib, (cmp<u64, false, sf::f64_cmp>), 0),
    SIMD_ROW(P66 | 0x12E, -1, "UCOMISD", Vx, Wx, None, (comi<u64, sf::f64_comi, false>), 0),
    SIMD_ROW(P66 | 0x12F, -1, "COMISD", Vx, Wx, None, (comi<u64, sf::f64_comi, true>), 0),
};

}  // namespace

std::span<const OpcodeRow> sse_fp_compare_rows() { return kSseRows; }
std::span<const OpcodeRow> sse2_fp_compare_rows() { return kSse2Rows; }

}  // namespace gb::simd
