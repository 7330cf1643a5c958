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
// Integer SIMD (simd/int_*.cpp): MMX (Isa::Mmx), SSE's MMX-register
// additions (Isa::Sse), SSE2's XMM forms and new instructions (Isa::Sse2).
std::span<const OpcodeRow> mmx_int_arith_rows();
std::span<const OpcodeRow> sse_int_arith_rows();
std::span<const OpcodeRow> sse2_int_arith_rows();
std::span<const OpcodeRow> mmx_int_logic_rows();
std::span<const OpcodeRow> sse2_int_logic_rows();
std::span<const OpcodeRow> mmx_int_mul_rows();
std::span<const OpcodeRow> sse_int_mul_rows();
std::span<const OpcodeRow> sse2_int_mul_rows();
std::span<const OpcodeRow> mmx_int_shift_rows();
std::span<const OpcodeRow> sse2_int_shift_rows();
std::span<const OpcodeRow> mmx_int_pack_rows();
std::span<const OpcodeRow> sse2_int_pack_rows();
std::span<const OpcodeRow> sse_int_shuffle_rows();
std::span<const OpcodeRow> sse2_int_shuffle_rows();
std::span<const OpcodeRow> sse_int_move_rows();
std::span<const OpcodeRow> sse2_int_move_rows();
std::span<const OpcodeRow> sse_fp_arith_rows();         ///< Isa::Sse (simd/fp_arith.cpp)
std::span<const OpcodeRow> sse2_fp_arith_rows();        ///< Isa::Sse2 (simd/fp_arith.cpp)
std::span<const OpcodeRow> sse_fp_compare_rows();       ///< Isa::Sse (simd/fp_compare.cpp)
std::span<const OpcodeRow> sse2_fp_compare_rows();      ///< Isa::Sse2 (simd/fp_compare.cpp)
std::span<const OpcodeRow> sse_fp_convert_int_rows();   ///< Isa::Sse (simd/fp_convert_int.cpp)
std::span<const OpcodeRow> sse2_fp_convert_int_rows();  ///< Isa::Sse2 (simd/fp_convert_int.cpp)
std::span<const OpcodeRow> sse2_fp_convert_rows();      ///< Isa::Sse2 (simd/fp_convert.cpp)
std::span<const OpcodeRow> sse3_fp_horizontal_rows();   ///< Isa::Sse3 (simd/fp_horizontal.cpp)
std::span<const OpcodeRow> sse41_fp_round_rows();       ///< Isa::Sse41 (simd/fp_round.cpp)
std::span<const OpcodeRow> sse41_fp_dot_rows();         ///< Isa::Sse41 (simd/fp_dot.cpp)
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
std::span<const OpcodeRow> ssse3_rows();         ///< Isa::Ssse3 (simd/ssse3.cpp)
std::span<const OpcodeRow> sse41_int_rows();     ///< Isa::Sse41 (simd/sse41_int.cpp)
std::span<const OpcodeRow> sse42_int_rows();     ///< Isa::Sse42 (simd/sse41_int.cpp: PCMPGTQ)
std::span<const OpcodeRow> sse42_string_rows();  ///< Isa::Sse42 (simd/string_compare.cpp)
std::span<const OpcodeRow> crc32_rows();         ///< Isa::Sse42 (simd/crc32.cpp)
std::span<const OpcodeRow> popcnt_rows();        ///< Isa::Popcnt (simd/bits_ext.cpp)
std::span<const OpcodeRow> movbe_rows();         ///< Isa::Movbe (simd/bits_ext.cpp)
}  // namespace simd

}  // namespace gb
