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
std::span<const OpcodeRow> sse3_move_rows();  ///< Isa::Sse3 (simd/sse_move.cpp: LDDQU)
std::span<const OpcodeRow> sse_logic_rows();        ///< Isa::Sse (simd/sse_logic.cpp)
std::span<const OpcodeRow> sse2_logic_rows();       ///< Isa::Sse2 (simd/sse_logic.cpp)
std::span<const OpcodeRow> sse_shuffle_rows();      ///< Isa::Sse (simd/sse_shuffle.cpp)
std::span<const OpcodeRow> sse2_shuffle_rows();     ///< Isa::Sse2 (simd/sse_shuffle.cpp)
std::span<const OpcodeRow> sse3_shuffle_rows();     ///< Isa::Sse3 (simd/sse_shuffle.cpp)
std::span<const OpcodeRow> sse_half_move_rows();    ///< Isa::Sse (simd/sse_half_move.cpp)
std::span<const OpcodeRow> sse2_half_move_rows();   ///< Isa::Sse2 (simd/sse_half_move.cpp)
std::span<const OpcodeRow> sse_stream_rows();       ///< Isa::Sse (simd/sse_stream.cpp)
std::span<const OpcodeRow> sse2_stream_rows();      ///< Isa::Sse2 (simd/sse_stream.cpp)
std::span<const OpcodeRow> sse41_stream_rows();     ///< Isa::Sse41 (simd/sse_stream.cpp)
std::span<const OpcodeRow> sse_cache_ctl_rows();    ///< Isa::Sse (simd/cache_ctl.cpp)
std::span<const OpcodeRow> sse2_cache_ctl_rows();   ///< Isa::Sse2 (simd/cache_ctl.cpp)
/// Isa::Clflush (simd/cache_ctl.cpp); listed after sse_cache_ctl_rows,
/// whose SFENCE row it replaces (same opcode, keeping SFENCE for mod = 3).
std::span<const OpcodeRow> clflush_rows();
std::span<const OpcodeRow> sse41_blend_rows();      ///< Isa::Sse41 (simd/sse41_blend.cpp)
std::span<const OpcodeRow> sse41_insert_rows();     ///< Isa::Sse41 (simd/sse41_insert.cpp)
}  // namespace simd

}  // namespace gb
