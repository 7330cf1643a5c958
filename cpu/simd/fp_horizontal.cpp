// SSE3 floating-point instructions across lanes (SDM Vol. 2 ADDSUBPS,
// ADDSUBPD, HADDPS, HADDPD, HSUBPS, HSUBPD). Every form takes a 16-byte
// source, 16-byte aligned in memory.
#include "cpu/simd/fp_lanes.hpp"
#include "cpu/simd/rows.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

namespace sf = fpu::sse;

/// ADDSUBPS/ADDSUBPD: even lanes dst - src, odd lanes dst + src.
template <class T, T (*Add)(T, T, Env&), T (*Sub)(T, T, Env&)>
void addsub(Cpu& c, const DecodedInsn& d) {
  fp_vector(c, d, [](const Vec128& a, const Vec128& b, Env& e) {
    Vec128 r;
    for (unsigned i = 0; i < 16 / sizeof(T); ++i) {
      const T x = a.get<T>(i), y = b.get<T>(i);
      r.set<T>(i, (i & 1) ? Add(x, y, e) : Sub(x, y, e));
    }
    return r;
  });
}

/// HADD/HSUB: the low half of the result from adjacent pairs of dst (lane
/// 2i op lane 2i+1), the high half from those of src.
template <class T, T (*Op)(T, T, Env&)>
void horizontal(Cpu& c, const DecodedInsn& d) {
  fp_vector(c, d, [](const Vec128& a, const Vec128& b, Env& e) {
    constexpr unsigned kHalf = 8 / sizeof(T);
    Vec128 r;
    for (unsigned i = 0; i < kHalf; ++i) {
      r.set<T>(i, Op(a.get<T>(2 * i), a.get<T>(2 * i + 1), e));
      r.set<T>(kHalf + i, Op(b.get<T>(2 * i), b.get<T>(2 * i + 1), e));
    }
    return r;
  });
}

using namespace opc;

const OpcodeRow kSse3Rows[] = {
    SIMD_ROW(PF2 | 0x1D0, -1, "ADDSUBPS", Vx, Wx, None, (addsub<u32, sf::f32_add, sf::f32_sub>), 0),
    SIMD_ROW(P66 | 0x1D0, -1, "ADDSUBPD", Vx, Wx, None, (addsub<u64, sf::f64_add, sf::f64_sub>), 0),
    SIMD_ROW(PF2 | 0x17C, -1, "HADDPS", Vx, Wx, None, (horizontal<u32, sf::f32_add>), 0),
    SIMD_ROW(P66 | 0x17C, -1, "HADDPD", Vx, Wx, None, (horizontal<u64, sf::f64_add>), 0),
    SIMD_ROW(PF2 | 0x17D, -1, "HSUBPS", Vx, Wx, None, (horizontal<u32, sf::f32_sub>), 0),
    SIMD_ROW(P66 | 0x17D, -1, "HSUBPD", Vx, Wx, None, (horizontal<u64, sf::f64_sub>), 0),
};

}  // namespace

std::span<const OpcodeRow> sse3_fp_horizontal_rows() { return kSse3Rows; }

}  // namespace gb::simd
