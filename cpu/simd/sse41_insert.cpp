// SSE4.1 lane inserts and extracts between XMM registers, general
// registers and memory (SDM Vol. 2 INSERTPS, EXTRACTPS, PEXTRB, PEXTRW
// (0F 3A 15), PEXTRD, PINSRB, PINSRD). The lane index comes from imm8,
// taken modulo the lane count; memory operands are the lane's size, with
// no alignment rule (exception type 5); a general-register destination
// gets the value zero-extended to 32 bits, and to 64 in 64-bit mode (the
// doubleword write clears bits 63-32; REX.W is ignored by PEXTRB, PEXTRW,
// EXTRACTPS and PINSRB). With REX.W, 66 0F 3A 16 is PEXTRQ r/m64 and
// 66 0F 3A 22 PINSRQ xmm, r/m64 (SDM Vol. 2 PEXTRB/PEXTRD/PEXTRQ,
// PINSRB/PINSRD/PINSRQ).
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
  const T v = xmm(c, d.xreg()).get<T>(d.imm & (16 / sizeof(T) - 1));
  if (d.mod() == 3) {
    c.set_reg<u32>(d.xrm(), v);
  } else {
    c.write<T>(d.seg, c.ea(d), v);
  }
}

/// PINSRB/PINSRD Vx, r32/m, imm8: the low sizeof(T) bytes of r32 (or
/// memory) into lane imm8 mod (16 / sizeof(T)) of Vx.
template <class T>
void insert(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const T v = d.mod() == 3 ? static_cast<T>(c.reg<u64>(d.xrm())) : c.read<T>(d.seg, c.ea(d));
  xmm(c, d.xreg()).set<T>(d.imm & (16 / sizeof(T) - 1), v);
}

/// 66 0F 3A 16: PEXTRD, or PEXTRQ r/m64, Vx, imm8 (quadword imm8[0]) with
/// REX.W.
void pextrd_q(Cpu& c, const DecodedInsn& d) {
  if (d.o64) {
    sse_begin(c);
    const u64 v = xmm(c, d.xreg()).get<u64>(d.imm & 1);
    c.write_rm<u64>(d, v);
  } else {
    extract<u32>(c, d);
  }
}

/// 66 0F 3A 22: PINSRD, or PINSRQ Vx, r/m64, imm8 with REX.W.
void pinsrd_q(Cpu& c, const DecodedInsn& d) {
  if (d.o64) {
    insert<u64>(c, d);
  } else {
    insert<u32>(c, d);
  }
}

/// INSERTPS Vx, Ux/m32, imm8: the dword imm8[7:6] of a register source (a
/// memory source is the dword itself, imm8[7:6] unused) goes to lane
/// imm8[5:4] of Vx; then the lanes whose imm8[3:0] bit is set are zeroed.
void insertps(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const u32 v = d.mod() == 3 ? xmm(c, d.xrm()).get<u32>((d.imm >> 6) & 3) : c.read<u32>(d.seg, c.ea(d));
  Vec128 r = xmm(c, d.xreg());
  r.set<u32>((d.imm >> 4) & 3, v);
  for (unsigned i = 0; i < 4; ++i) {
    if ((d.imm >> i) & 1) r.set<u32>(i, 0u);
  }
  xmm(c, d.xreg()) = r;
}

using namespace opc;

const OpcodeRow kRows[] = {
    SIMD_ROW(P66 | 0x314, -1, "PEXTRB", Ed, Vx, Ib, extract<u8>, 0),
    SIMD_ROW(P66 | 0x315, -1, "PEXTRW", Ed, Vx, Ib, extract<u16>, 0),
    SIMD_ROW(P66 | 0x316, -1, "PEXTRD", Ed, Vx, Ib, pextrd_q, 0),
    SIMD_ROW(P66 | 0x317, -1, "EXTRACTPS", Ed, Vx, Ib, extract<u32>, 0),
    SIMD_ROW(P66 | 0x320, -1, "PINSRB", Vx, Ed, Ib, insert<u8>, 0),
    SIMD_ROW(P66 | 0x321, -1, "INSERTPS", Vx, Wx, Ib, insertps, 0),
    SIMD_ROW(P66 | 0x322, -1, "PINSRD", Vx, Ed, Ib, pinsrd_q, 0),
};

}  // namespace

std::span<const OpcodeRow> sse41_insert_rows() { return kRows; }

}  // namespace gb::simd
