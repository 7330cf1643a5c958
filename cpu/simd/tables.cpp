#include "cpu/simd/tables.hpp"

namespace gb {

std::vector<SimdRowGroup> simd_row_groups() {
  using namespace simd;
  return {
      {Isa::Mmx, mmx_move_rows()},
      {Isa::Sse, sse_move_rows()},
      {Isa::Sse2, sse2_move_rows()},
      {Isa::Mmx, mmx_int_arith_rows()},
      {Isa::Sse, sse_int_arith_rows()},
      {Isa::Sse2, sse2_int_arith_rows()},
      {Isa::Mmx, mmx_int_logic_rows()},
      {Isa::Sse2, sse2_int_logic_rows()},
      {Isa::Mmx, mmx_int_mul_rows()},
      {Isa::Sse, sse_int_mul_rows()},
      {Isa::Sse2, sse2_int_mul_rows()},
      {Isa::Mmx, mmx_int_shift_rows()},
      {Isa::Sse2, sse2_int_shift_rows()},
      {Isa::Mmx, mmx_int_pack_rows()},
      {Isa::Sse2, sse2_int_pack_rows()},
      {Isa::Sse, sse_int_shuffle_rows()},
      {Isa::Sse2, sse2_int_shuffle_rows()},
      {Isa::Sse, sse_int_move_rows()},
      {Isa::Sse2, sse2_int_move_rows()},
      {Isa::Sse, sse_fp_arith_rows()},
      {Isa::Sse2, sse2_fp_arith_rows()},
      {Isa::Sse, sse_fp_compare_rows()},
      {Isa::Sse2, sse2_fp_compare_rows()},
      {Isa::Sse, sse_fp_convert_int_rows()},
      {Isa::Sse2, sse2_fp_convert_int_rows()},
      {Isa::Sse2, sse2_fp_convert_rows()},
      {Isa::Sse3, sse3_fp_horizontal_rows()},
      {Isa::Sse41, sse41_fp_round_rows()},
      {Isa::Sse41, sse41_fp_dot_rows()},
      {Isa::Sse3, sse3_move_rows()},
      {Isa::Sse, sse_logic_rows()},
      {Isa::Sse2, sse2_logic_rows()},
      {Isa::Sse, sse_shuffle_rows()},
      {Isa::Sse2, sse2_shuffle_rows()},
      {Isa::Sse3, sse3_shuffle_rows()},
      {Isa::Sse, sse_half_move_rows()},
      {Isa::Sse2, sse2_half_move_rows()},
      {Isa::Sse, sse_stream_rows()},
      {Isa::Sse2, sse2_stream_rows()},
      {Isa::Sse41, sse41_stream_rows()},
      {Isa::Sse, sse_cache_ctl_rows()},
      {Isa::Sse2, sse2_cache_ctl_rows()},
      {Isa::Clflush, clflush_rows()},  // after sse_cache_ctl_rows (see tables.hpp)
      {Isa::Sse41, sse41_blend_rows()},
      {Isa::Sse41, sse41_insert_rows()},
      {Isa::Ssse3, ssse3_rows()},
      {Isa::Sse41, sse41_int_rows()},
      {Isa::Sse42, sse42_int_rows()},
      {Isa::Sse42, sse42_string_rows()},
      {Isa::Sse42, crc32_rows()},
      {Isa::Popcnt, popcnt_rows()},
      {Isa::Movbe, movbe_rows()},
  };
}

}  // namespace gb
