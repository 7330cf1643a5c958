// SSE4.2 CRC32 (SDM Vol. 2A CRC32): F2 0F 38 F0 /r CRC32 r32, r/m8 and
// F2 0F 38 F1 /r CRC32 r32, r/m16 (66) or r/m32; in 64-bit mode REX.W
// gives CRC32 r64, r/m8 and r64, r/m64, whose CRC is still 32 bits (the
// destination's bits 63-32 are cleared). The polynomial is CRC-32C
// (Castagnoli, 11EDC6F41h) in its bit-reflected form 82F63B78h; the
// instruction has no initial value or final XOR of its own, so the usual
// CRC-32C of a message is NOT(crc32 steps from FFFFFFFFh). Not an SSE-class
// instruction: no CR0/CR4 checks; flags unchanged.
#include <array>

#include "cpu/simd/rows.hpp"
#include "cpu/simd/simd.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

constexpr u32 kPolyReflected = 0x82F6'3B78;

/// The CRC of each byte value, one byte step of the reflected update.
constexpr std::array<u32, 256> kTable = [] {
  std::array<u32, 256> t{};
  for (u32 i = 0; i < 256; ++i) {
    u32 v = i;
    for (int k = 0; k < 8; ++k) v = (v >> 1) ^ ((v & 1) ? kPolyReflected : 0);
    t[i] = v;
  }
  return t;
}();

/// The SDM's BIT_REFLECT / MOD2 / BIT_REFLECT sequence equals the reflected
/// update: the source's bytes, least significant first, into `crc`.
u32 crc32c(u32 crc, u64 src, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i) crc = (crc >> 8) ^ kTable[(crc ^ (src >> (8 * i))) & 0xFF];
  return crc;
}

/// F2 0F 38 F0: CRC32 r32, r/m8 (r64, r/m8 with REX.W: the same 32-bit
/// result, zero-extended by the doubleword register write). With a REX
/// prefix r/m8 encodings 4-7 are SPL-DIL (SDM Vol. 2A 2.2.1.2).
void crc32_b(Cpu& c, const DecodedInsn& d) {
  const u32 src = c.read_rm<u8>(d);
  c.set_reg<u32>(d.xreg(), crc32c(c.reg<u32>(d.xreg()), src, 1));
}

/// F2 0F 38 F1: CRC32 r32, r/m16 or r/m32 by operand size, r64, r/m64
/// with REX.W (SDM Vol. 2A CRC32: DEST[63:32] = 0).
void crc32_v(Cpu& c, const DecodedInsn& d) {
  const unsigned bytes = d.o64 ? 8 : d.o32 ? 4 : 2;
  const u64 src = d.o64 ? c.read_rm<u64>(d) : d.o32 ? c.read_rm<u32>(d) : c.read_rm<u16>(d);
  c.set_reg<u32>(d.xreg(), crc32c(c.reg<u32>(d.xreg()), src, bytes));
}

using namespace opc;
const OpcodeRow kRows[] = {
    SIMD_ROW(PF2 | kMap38 | 0xF0, -1, "CRC32", Gd, Eb, None, crc32_b, 0),
    SIMD_ROW(PF2 | kMap38 | 0xF1, -1, "CRC32", Gd, Ev, None, crc32_v, 0),
};

}  // namespace

std::span<const OpcodeRow> crc32_rows() { return kRows; }

}  // namespace gb::simd
