// The general-register instructions that came with SSE4.2 and the Atom:
// POPCNT (F3 0F B8 /r, CPUID.1:ECX.POPCNT; SDM Vol. 2B POPCNT) and MOVBE
// (0F 38 F0 /r load, 0F 38 F1 /r store, memory operands only,
// CPUID.1:ECX.MOVBE; SDM Vol. 2B MOVBE). 16 or 32 bits by operand size; no
// SSE-class checks.
#include <bit>

#include "cpu/simd/rows.hpp"
#include "cpu/simd/simd.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

/// POPCNT r, r/m: the number of set bits; ZF when the source is zero,
/// OF, SF, AF, CF and PF cleared.
template <class T>
void popcnt(Cpu& c, const DecodedInsn& d) {
  const T v = c.read_rm<T>(d);
  c.set_reg<T>(d.reg(), static_cast<T>(std::popcount(v)));
  c.state().flags.set_all(v == 0 ? fl::ZF : 0);
}

template <class T>
T byte_swap(T v) {
  T r = 0;
  for (unsigned i = 0; i < sizeof(T); ++i) r = static_cast<T>((r << 8) | ((v >> (8 * i)) & 0xFF));
  return r;
}

/// 0F 38 F0: MOVBE r, m (bytes reversed).
template <class T>
void movbe_load(Cpu& c, const DecodedInsn& d) {
  c.set_reg<T>(d.reg(), byte_swap(c.read<T>(d.seg, c.ea(d))));
}

/// 0F 38 F1: MOVBE m, r.
template <class T>
void movbe_store(Cpu& c, const DecodedInsn& d) {
  c.write<T>(d.seg, c.ea(d), byte_swap(c.reg<T>(d.reg())));
}

/// A row whose 16- and 32-bit operand sizes are two handlers.
#define SIZED_ROW(op, name, o1, o2, fn, attrs)                                                        \
  OpcodeRow {                                                                                          \
    op, -1, name, {Operand::o1, Operand::o2, Operand::None}, R<&fn<u16>>, R<&fn<u32>>, R<&fn<u64>>, CpuFamily::pentium, \
        attrs                                                                                          \
  }

using namespace opc;
constexpr u8 MO = attr::kMemOnly;

const OpcodeRow kPopcntRows[] = {
    SIZED_ROW(PF3 | 0x1B8, "POPCNT", Gv, Ev, popcnt, 0),
};

// MOVBE has no mandatory prefix: NP and 66 (operand size) rows; F2 0F 38
// F0/F1 is CRC32 (crc32.cpp), F3 is undefined.
const OpcodeRow kMovbeRows[] = {
    SIZED_ROW(NP | kMap38 | 0xF0, "MOVBE", Gv, M, movbe_load, MO),
    SIZED_ROW(P66 | kMap38 | 0xF0, "MOVBE", Gv, M, movbe_load, MO),
    SIZED_ROW(NP | kMap38 | 0xF1, "MOVBE", M, Gv, movbe_store, MO),
    SIZED_ROW(P66 | kMap38 | 0xF1, "MOVBE", M, Gv, movbe_store, MO),
};

#undef SIZED_ROW

}  // namespace

std::span<const OpcodeRow> popcnt_rows() { return kPopcntRows; }
std::span<const OpcodeRow> movbe_rows() { return kMovbeRows; }

}  // namespace gb::simd
