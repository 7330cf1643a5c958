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
  };
}

}  // namespace gb
