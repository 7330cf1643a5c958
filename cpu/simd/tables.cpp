#include "cpu/simd/tables.hpp"

namespace gb {

std::vector<SimdRowGroup> simd_row_groups() {
  using namespace simd;
  return {
      {Isa::Mmx, mmx_move_rows()},
      {Isa::Sse, sse_move_rows()},
      {Isa::Sse2, sse2_move_rows()},
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
