// The SIMD opcode rows, by instruction-set extension: DecodeTables adds a
// group when the model has its Isa (CpuModel::has).
#pragma once
#include <span>
#include <vector>

#include "cpu/decode/insn.hpp"

namespace gb {

struct SimdRowGroup {
  Isa isa;
  std::span<const OpcodeRow> rows;
};

/// Every group (cpu/simd/tables.cpp).
std::vector<SimdRowGroup> simd_row_groups();

namespace simd {
// One function per source file and extension; the rows live in the file
// with their handlers.
std::span<const OpcodeRow> mmx_move_rows();   ///< Isa::Mmx (simd/mmx_move.cpp)
std::span<const OpcodeRow> sse_move_rows();   ///< Isa::Sse (simd/sse_move.cpp)
std::span<const OpcodeRow> sse2_move_rows();  ///< Isa::Sse2 (simd/sse_move.cpp)
std::span<const OpcodeRow> ssse3_rows();         ///< Isa::Ssse3 (simd/ssse3.cpp)
std::span<const OpcodeRow> sse41_int_rows();     ///< Isa::Sse41 (simd/sse41_int.cpp)
std::span<const OpcodeRow> sse42_int_rows();     ///< Isa::Sse42 (simd/sse41_int.cpp: PCMPGTQ)
std::span<const OpcodeRow> sse42_string_rows();  ///< Isa::Sse42 (simd/string_compare.cpp)
std::span<const OpcodeRow> crc32_rows();         ///< Isa::Sse42 (simd/crc32.cpp)
std::span<const OpcodeRow> popcnt_rows();        ///< Isa::Popcnt (simd/bits_ext.cpp)
std::span<const OpcodeRow> movbe_rows();         ///< Isa::Movbe (simd/bits_ext.cpp)
}  // namespace simd

}  // namespace gb
