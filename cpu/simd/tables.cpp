#include "cpu/simd/tables.hpp"

namespace gb {

std::vector<SimdRowGroup> simd_row_groups() {
  using namespace simd;
  return {
      {Isa::Mmx, mmx_move_rows()},
      {Isa::Sse, sse_move_rows()},
      {Isa::Sse2, sse2_move_rows()},
  };
}

}  // namespace gb
