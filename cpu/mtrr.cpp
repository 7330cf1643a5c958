#include "cpu/mtrr.hpp"

#include "cpu/fault.hpp"

namespace gb {

namespace {

[[noreturn]] void gp() { throw GuestFault::make(kGP, 0); }

// IA32_MTRRCAP (SDM Vol. 3A 12.11.2.1): VCNT (7:0), FIX (8), WC (10).
// SMRR (11) is clear: the SMM range registers are not modelled.
constexpr u64 kCapFix = 1u << 8, kCapWc = 1u << 10;
// IA32_MTRR_DEF_TYPE: type (7:0), FE (10), E (11); the rest reserved.
constexpr u64 kDefTypeBits = 0xCFF;
// IA32_MTRR_PHYSMASKn.V (11).
constexpr u64 kMaskValid = 1u << 11;

// The memory types an MTRR may hold: UC 0, WC 1, WT 4, WP 5, WB 6 (SDM
// Vol. 3A Table 12-8; 2, 3 and 7-FFh are reserved: #GP on WRMSR, 12.11.1).
bool valid_type(u64 t) { return t == 0 || t == 1 || (t >= 4 && t <= 6); }

// Bits 12 .. MAXPHYADDR-1: the physical-address field of PHYSBASE/PHYSMASK.
u64 phys_field(const CpuModel& m) { return ((u64{1} << m.maxphyaddr()) - 1) & ~u64{0xFFF}; }

// The index into MtrrState::fixed, or -1.
int fixed_slot(u32 index) {
  if (index == msr::kMtrrFix64k) return 0;
  if (index == msr::kMtrrFix16k80) return 1;
  if (index == msr::kMtrrFix16kA0) return 2;
  if (index >= msr::kMtrrFix4kC0 && index <= msr::kMtrrFix4kC0 + 7) {
    return static_cast<int>(3 + index - msr::kMtrrFix4kC0);
  }
  return -1;
}

// Variable pair n of 200h + 2n / 201h + 2n (the architectural range holds
// up to 16 pairs); #GP beyond the model's VCNT.
unsigned var_pair(const CpuModel& m, u32 index) {
  const unsigned n = (index - msr::kMtrrPhysBase0) / 2;
  if (n >= m.mtrr_vcnt) gp();
  return n;
}

bool is_var(u32 index) { return index >= msr::kMtrrPhysBase0 && index < msr::kMtrrPhysBase0 + 32; }

}  // namespace

bool is_mtrr_msr(u32 index) {
  return index == msr::kMtrrCap || index == msr::kMtrrDefType || is_var(index) || fixed_slot(index) >= 0;
}

u64 read_mtrr(const CpuModel& m, const MtrrState& s, u32 index) {
  if (m.mtrr_vcnt == 0) gp();
  if (index == msr::kMtrrCap) return m.mtrr_vcnt | kCapFix | kCapWc;
  if (index == msr::kMtrrDefType) return s.def_type;
  if (is_var(index)) {
    const unsigned n = var_pair(m, index);
    return (index & 1) ? s.phys_mask[n] : s.phys_base[n];
  }
  const int f = fixed_slot(index);
  if (f < 0) gp();
  return s.fixed[static_cast<unsigned>(f)];
}

void write_mtrr(const CpuModel& m, MtrrState& s, u32 index, u64 v) {
  if (m.mtrr_vcnt == 0 || index == msr::kMtrrCap) gp();
  if (index == msr::kMtrrDefType) {
    if ((v & ~kDefTypeBits) || !valid_type(v & 0xFF)) gp();
    s.def_type = v;
    return;
  }
  if (is_var(index)) {
    const unsigned n = var_pair(m, index);
    if (index & 1) {  // PHYSMASKn: mask, V; 10:0 reserved
      if (v & ~(phys_field(m) | kMaskValid)) gp();
      s.phys_mask[n] = v;
    } else {  // PHYSBASEn: base, type; 11:8 reserved
      if ((v & ~(phys_field(m) | 0xFF)) || !valid_type(v & 0xFF)) gp();
      s.phys_base[n] = v;
    }
    return;
  }
  const int f = fixed_slot(index);
  if (f < 0) gp();
  // Eight ranges per register, one type per byte (SDM Vol. 3A 12.11.2.2).
  for (unsigned i = 0; i < 8; ++i) {
    if (!valid_type((v >> (8 * i)) & 0xFF)) gp();
  }
  s.fixed[static_cast<unsigned>(f)] = v;
}

}  // namespace gb
