// The SIMD registers as the debugger shows them: XMM0-7 in hex and as
// floats, MM0-7 with the x87 tag state they share, MXCSR decoded. Floats
// are decoded with the host's float/double for display only (frontend/ is
// not the CPU core).
#pragma once
#include <string>
#include <vector>

#include "cpu/state.hpp"

namespace gb {

struct CpuModel;

/// MXCSR (SDM Vol. 1 10.2.3) by field: "IE ZE | masks IM DM ZM OM UM PM |
/// RC=nearest | DAZ FTZ"; set flags, set masks, the rounding mode, DAZ and
/// FTZ when set, "-" for no flags.
std::string describe_mxcsr(u32 mxcsr);

/// XMM0-7 (XMM0-15 in IA-32e mode): each as 128-bit hex (most significant first), then as four
/// binary32 and two binary64 lanes (lane 0 first); then MXCSR decoded.
/// A model without SSE gets one line saying so.
std::string xmm_listing(const CpuState& s, const CpuModel& m);

/// MM0-7 (the significands of the physical x87 registers R0-R7, SDM Vol. 1
/// 9.5) with each register's tag, then TOP and the tag word: after an MMX
/// instruction TOP is 0 and every tag valid, after EMMS every tag empty.
/// A model without MMX gets one line saying so.
std::string mmx_listing(const CpuState& s, const CpuModel& m);

struct RegisterRow;
/// The debugger panel's SIMD rows: xmm0-7 (32 hex digits) and mxcsr,
/// marked where they differ from `before`; none on a model without SSE.
std::vector<RegisterRow> simd_register_rows(const CpuState& now, const CpuState* before, const CpuModel& m);

}  // namespace gb
