// The memory type range registers (SDM Vol. 3A 12.11) as MSRs: IA32_MTRRCAP,
// IA32_MTRR_DEF_TYPE, the variable-range pairs and the fixed ranges.
// cpu/msr.cpp routes RDMSR/WRMSR of these numbers here.
#pragma once
#include "cpu/model.hpp"
#include "cpu/msr.hpp"

namespace gb {

/// True for the MSR numbers of the MTRR interface (FEh, 200h-21Fh, 250h,
/// 258h, 259h, 268h-26Fh, 2FFh), whether or not the model has them.
bool is_mtrr_msr(u32 index);

/// RDMSR of MTRR MSR `index` (is_mtrr_msr). #GP(0) (GuestFault) when the
/// model has no MTRRs or not this variable pair (n >= mtrr_vcnt).
u64 read_mtrr(const CpuModel& m, const MtrrState& s, u32 index);

/// WRMSR: #GP(0) as read_mtrr, for IA32_MTRRCAP (read-only), a reserved
/// bit set (including physical-address bits at or above MAXPHYADDR), or an
/// undefined memory type (2, 3, 7 and up; SDM Vol. 3A Table 12-8).
void write_mtrr(const CpuModel& m, MtrrState& s, u32 index, u64 value);

}  // namespace gb
