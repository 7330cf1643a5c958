// SSE4.1 lane inserts and extracts between XMM registers, general
// registers and memory (SDM Vol. 2 INSERTPS, EXTRACTPS, PEXTRB, PEXTRW
// (0F 3A 15), PEXTRD, PINSRB, PINSRD). The lane index comes from imm8,
// taken modulo the lane count; memory operands are the lane's size, with
// no alignment rule (exception type 5); a general-register destination
// gets the value zero-extended to 32 bits.
#include "cpu/simd/rows.hpp"
#include "cpu/simd/simd.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

/// PEXTRB/PEXTRW/PEXTRD/EXTRACTPS r/m, Vx, imm8: lane imm8 mod (16 /
/// sizeof(T)) of Vx into the low sizeof(T) bytes of memory, or into r32.
template <class T>
void extract(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const T v = xmm(c, d.reg()).get<T>(d.imm & (16 / sizeof(T) - 1));
  if (d.mod() == 3) {
    c.set_reg<u32>(d.rm(), v);
  } else {
    c.write<T>(d.seg, c.ea(d), v);
  }
}

/// PINSRB/PINSRD Vx, r32/m, imm8: the low sizeof(T) bytes of r32 (or
/// memory) into lane imm8 mod (16 / sizeof(T)) of Vx.
template <class T>
void insert(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const T v = d.mod() == 3 ? static_cast<T>(c.reg<u32>(d.rm())) : c.read<T>(d.seg, c.ea(d));
  xmm(c, d.reg()).set<T>(d.imm & (16 / sizeof(T) - 1), v);
}

/// INSERTPS Vx, Ux/m32, imm8: the dword imm8[7:6] of a register source (a
/// memory source is the dword itself, imm8[7:6] unused) goes to lane
/// imm8[5:4] of Vx; then the lanes whose imm8[3:0] bit is set are zeroed.
void insertps(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const u32 v = d.mod() == 3 ? xmm(c, d.rm()).get<u32>((d.imm >> 6) & 3) : c.read<u32>(d.seg, c.ea(d));
  Vec128 r = xmm(c, d.reg());
  r.set<u32>((d.imm >> 4) & 3, v);
  for (unsigned i = 0; i < 4; ++i) {
    if ((d.imm >> i) & 1) r.set<u32>(i, 0u);
  }
  xmm(c, d.reg()) = r;
}

using namespace opc;

const OpcodeRow kRows[] = {
    SIMD_ROW(P66 | 0x314, -1, "PEXTRB", Ed, Vx, Ib, extract<u8>, 0),
    SIMD_ROW(P66 | 0x315, -1, "PEXTRW", Ed, Vx, Ib, extract<u16>, 0),
    SIMD_ROW(P66 | 0x316, -1, "PEXTRD", Ed, Vx, Ib, extract<u32>, 0),
    SIMD_ROW(P66 | 0x317, -1, "EXTRACTPS", Ed, Vx, Ib, extract<u32>, 0),
    SIMD_ROW(P66 | 0x320, -1, "PINSRB", Vx, Ed, Ib, insert<u8>, 0),
    SIMD_ROW(P66 | 0x321, -1, "INSERTPS", Vx, Wx, Ib, insertps, 0),
    SIMD_ROW(P66 | 0x322, -1, "PINSRD", Vx, Ed, Ib, insert<u32>, 0),
};

}  // namespace

std::span<const OpcodeRow> sse41_insert_rows() { return kRows; }

}  // namespace gb::simd
