// Non-temporal moves (SDM Vol. 2 MOVNTPS, MOVNTPD, MOVNTI, MOVNTDQA; Vol. 1
// 10.4.6.2): the cache hint has no architectural effect in an emulator
// without caches, so they are plain moves with their operand rules —
// memory only, the 16-byte forms aligned (#GP(0)), MOVNTI's dword not.
#include "cpu/simd/rows.hpp"
#include "cpu/simd/simd.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

/// MOVNTPS/MOVNTPD m128, xmm.
void movnt_store128(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  write_mem(c, d.seg, c.ea(d), xmm(c, d.xreg()), 16, true);
}

/// MOVNTI m32, r32 (m64, r64 with REX.W): a general-register store; no SSE
/// state is involved, so none of the CR0/CR4 checks apply (SDM Vol. 2
/// MOVNTI exceptions).
void movnti(Cpu& c, const DecodedInsn& d) {
  if (d.o64) {
    c.write<u64>(d.seg, c.ea(d), c.reg<u64>(d.xreg()));
  } else {
    c.write<u32>(d.seg, c.ea(d), c.reg<u32>(d.xreg()));
  }
}

/// MOVNTDQA xmm, m128 (SSE4.1): an aligned load.
void movntdqa(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  xmm(c, d.xreg()) = read_mem(c, d.seg, c.ea(d), 16, true);
}

using namespace opc;
constexpr u8 MO = attr::kMemOnly;

const OpcodeRow kSseRows[] = {
    SIMD_ROW(NP | 0x12B, -1, "MOVNTPS", M, Vx, None, movnt_store128, MO),
};

const OpcodeRow kSse2Rows[] = {
    SIMD_ROW(P66 | 0x12B, -1, "MOVNTPD", M, Vx, None, movnt_store128, MO),
    SIMD_ROW(NP | 0x1C3, -1, "MOVNTI", Ed, Gd, None, movnti, MO),
};

const OpcodeRow kSse41Rows[] = {
    SIMD_ROW(P66 | 0x22A, -1, "MOVNTDQA", Vx, M, None, movntdqa, MO),
};

}  // namespace

std::span<const OpcodeRow> sse_stream_rows() { return kSseRows; }
std::span<const OpcodeRow> sse2_stream_rows() { return kSse2Rows; }
std::span<const OpcodeRow> sse41_stream_rows() { return kSse41Rows; }

}  // namespace gb::simd
