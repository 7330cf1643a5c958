// SSE4.1 dot products (SDM Vol. 2 DPPS, DPPD), in the order of roundings
// of the SDM's DP_primitive: the selected products, then pairwise sums
// (DPPS: (p0 + p1) + (p2 + p3)), each operation rounded and raising its
// own exceptions; an unmasked one leaves the destination unchanged. The
// stages (products, sums, DPPS's last sum) report their flags one after
// the other, as the host CPU does: an unmasked exception in the products
// ends the instruction before the sums (whose DE for a denormal product is
// then not raised), and an unmasked one in a sum comes with the masked
// flags of the products already in MXCSR.
//
// Which NaN comes out when several sums see NaNs depends on the operand
// order, which the SDM leaves open, and it differs per destination lane on
// Intel hardware (measured on a Xeon; an AMD EPYC gives lane 0's order in
// every lane): DPPS lane j gets (p[j^1] + p[j]) + (p[j^3] + p[j^2]) and DPPD
// lane j gets p[j] + p[j^1]. Addition is commutative in value and
// exceptions, so only the NaN payloads depend on it; we follow Intel.
#include "cpu/simd/fp_lanes.hpp"
#include "cpu/simd/rows.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

namespace sf = fpu::sse;

/// The products dst[i] * src[i] for the lanes selected by imm8[4..7], +0.0
/// for the others (not multiplied: no exception from them).
template <class T, T (*Mul)(T, T, Env&)>
std::array<T, 16 / sizeof(T)> products(const Vec128& a, const Vec128& b, unsigned imm8, Env& e) {
  std::array<T, 16 / sizeof(T)> p{};
  for (unsigned i = 0; i < p.size(); ++i) {
    if (imm8 & (0x10u << i)) p[i] = Mul(a.get<T>(i), b.get<T>(i), e);
  }
  return p;
}

/// The sums in Intel's per-lane operand order (see the top of the file)
/// in the lanes selected by imm8[0..3], +0.0 elsewhere. `e` is a copy of
/// the instruction's environment: its flags were raised already.
Vec128 dpps_lanes(const std::array<u32, 4>& p, unsigned imm8, Env e) {
  Vec128 r;
  for (unsigned j = 0; j < 4; ++j) {
    if (!(imm8 & (1u << j))) continue;
    const u32 near = sf::f32_add(p[j ^ 1], p[j], e), far = sf::f32_add(p[j ^ 3], p[j ^ 2], e);
    r.set<u32>(j, sf::f32_add(near, far, e));
  }
  return r;
}
Vec128 dppd_lanes(const std::array<u64, 2>& p, unsigned imm8, Env e) {
  Vec128 r;
  for (unsigned j = 0; j < 2; ++j) {
    if (imm8 & (1u << j)) r.set<u64>(j, sf::f64_add(p[j], p[j ^ 1], e));
  }
  return r;
}

/// Ends one stage of the dot product: its flags go to MXCSR and an
/// unmasked one raises #XM before the next stage runs.
void stage(Cpu& c, Env& e) {
  fp_exceptions(c, e.flags);
  e.flags = 0;
}

/// DPPS xmm1, xmm2/m128 (16-byte aligned), imm8.
void dpps(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const Vec128 b = read_w(c, d, 16, true);
  const unsigned imm8 = d.imm & 0xFF;
  Env e = fp_env(c);
  const auto p = products<u32, sf::f32_mul>(xmm(c, d.xreg()), b, imm8, e);
  stage(c, e);
  const Env lanes = e;
  const u32 lo = sf::f32_add(p[0], p[1], e), hi = sf::f32_add(p[2], p[3], e);
  stage(c, e);
  (void)sf::f32_add(lo, hi, e);
  stage(c, e);
  xmm(c, d.xreg()) = dpps_lanes(p, imm8, lanes);
}

/// DPPD xmm1, xmm2/m128 (16-byte aligned), imm8: imm8[5:4] select the
/// products, imm8[1:0] the destination lanes.
void dppd(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const Vec128 b = read_w(c, d, 16, true);
  const unsigned imm8 = d.imm & 0x33;
  Env e = fp_env(c);
  const auto p = products<u64, sf::f64_mul>(xmm(c, d.xreg()), b, imm8, e);
  stage(c, e);
  const Env lanes = e;
  (void)sf::f64_add(p[0], p[1], e);
  stage(c, e);
  xmm(c, d.xreg()) = dppd_lanes(p, imm8, lanes);
}

using namespace opc;

const OpcodeRow kSse41Rows[] = {
    SIMD_ROW(P66 | 0x340, -1, "DPPS", Vx, Wx, Ib, dpps, 0),
    SIMD_ROW(P66 | 0x341, -1, "DPPD", Vx, Wx, Ib, dppd, 0),
};

}  // namespace

std::span<const OpcodeRow> sse41_fp_dot_rows() { return kSse41Rows; }

}  // namespace gb::simd
