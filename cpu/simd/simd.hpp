// What every MMX and SSE-family instruction shares (SDM Vol. 1 chs. 9-12,
// Vol. 3A 2.5 and ch. 12-13): the exception checks that come before the
// operation, the register files, 8- and 16-byte memory operands with the
// alignment rule, and MXCSR's exception reporting after it.
#pragma once
#include "cpu/cpu.hpp"
#include "cpu/simd/vec.hpp"

namespace gb::simd {

constexpr u32 kCr0Mp = 1u << 1, kCr0Em = 1u << 2, kCr0Ts = 1u << 3, kCr0Ne = 1u << 5;
constexpr u32 kCr4Osfxsr = 1u << 9;      ///< CR4.OSFXSR: the OS saves SSE state
constexpr u32 kCr4Osxmmexcpt = 1u << 10; ///< CR4.OSXMMEXCPT: the OS handles #XM

/// MXCSR (SDM Vol. 1 10.2.3): flags in bits 5-0, DAZ bit 6, masks 12-7,
/// RC 14-13, FTZ bit 15.
namespace mxcsr {
constexpr u32 kFlags = 0x3F;
constexpr u32 kPre = 0x07;   ///< IE, DE, ZE: detected before the operation
constexpr u32 kPost = 0x38;  ///< OE, UE, PE: detected from the result
constexpr u32 kMaskShift = 7;
}  // namespace mxcsr

// ---- Exception checks before the instruction (SDM Vol. 2A 2.4? and the
// exception tables of each instruction; Vol. 3A 13.1.4 for CR0/CR4).

/// SSE-class instructions (XMM registers, MXCSR): #UD with CR0.EM set or
/// CR4.OSFXSR clear (SDM Vol. 3A 13.1.3, 13.1.4), then #NM with CR0.TS set
/// (so an OS can switch SSE state lazily, Vol. 3A 13.4).
inline void sse_begin(Cpu& c) {
  const CpuState& s = c.state();
  if ((s.cr0 & kCr0Em) || !(s.cr4 & kCr4Osfxsr)) throw GuestFault::make(kUD);
  if (s.cr0 & kCr0Ts) throw GuestFault::make(kNM);
}

/// MMX-class instructions (SDM Vol. 3A 12.1, 12.5; Vol. 1 9.5, 9.6): #UD
/// with CR0.EM, #NM with CR0.TS, then a pending unmasked x87 exception is
/// reported as for a waiting x87 instruction (#MF, or FERR# with CR0.NE
/// clear). Returns false when the instruction must wait (FERR#: the CPU
/// halted with EIP on it); the handler then returns at once.
bool mmx_begin(Cpu& c, const DecodedInsn& d);
/// The same for SSE instructions with an MMX register operand (CVTPI2PS,
/// MOVQ2DQ, PSHUFW ...): the SSE checks, then the x87 pending check.
bool sse_mmx_begin(Cpu& c, const DecodedInsn& d);
/// The x87 state after an MMX instruction: TOP = 0 and every register
/// tagged valid (SDM Vol. 3A Table 12-1). Handlers call it after their
/// last access that can fault, as Bochs does, so a faulting MMX
/// instruction leaves the x87 state as it was.
inline void mmx_done(Cpu& c) {
  FpuState& f = c.state().fpu;
  f.set_top(0);
  f.full = 0xFF;
}

// ---- Registers.

inline Vec128& xmm(Cpu& c, unsigned i) { return c.state().fpu.xmm[i]; }
/// MMX register i: the significand of physical x87 register R_i (SDM Vol.
/// 1 9.5); a write sets bits 79-64 (sign and exponent) to all ones.
inline u64 mm(const Cpu& c, unsigned i) { return c.state().fpu.r[i].sig; }
inline void set_mm(Cpu& c, unsigned i, u64 v) {
  auto& r = c.state().fpu.r[i];
  r.sig = v;
  r.se = 0xFFFF;
}

// ---- Memory operands (little-endian, through the segment and paging checks).

/// `bytes` (4, 8 or 16) at seg:`off`, zero-extended to 16 bytes. `aligned`:
/// a 16-byte access to a linear address not 16-byte aligned raises #GP(0)
/// (SDM Vol. 1 11.4.1, 11.6.7; Vol. 3A 6.15 interrupt 13); the segment
/// checks raise #GP(0)/#SS(0), paging #PF.
Vec128 read_mem(Cpu& c, unsigned seg, u64 off, unsigned bytes, bool aligned);
/// Writes the low `bytes` (4, 8 or 16) of `v`: every check is made before
/// the first byte is written, so a fault leaves memory unchanged.
void write_mem(Cpu& c, unsigned seg, u64 off, const Vec128& v, unsigned bytes, bool aligned);

/// 8 bytes at seg:`off` (Cpu::read/write are at most 4 bytes wide); the
/// write checks all 8 before writing any.
u64 read64(Cpu& c, unsigned seg, u64 off);
void write64(Cpu& c, unsigned seg, u64 off, u64 v);

/// The W operand: XMM register ModR/M.rm (REX.B-extended: XMM0-15), or
/// `bytes` of memory (see read_mem). A register operand is returned whole.
inline Vec128 read_w(Cpu& c, const DecodedInsn& d, unsigned bytes, bool aligned) {
  if (d.mod() == 3) return xmm(c, d.xrm());
  return read_mem(c, d.seg, c.ea(d), bytes, aligned);
}
/// The Q operand: MMX register ModR/M.rm or 8 bytes of memory. REX.R/B
/// extend GPR, SSE, control and debug register numbers only and are ignored
/// for the eight MMX registers (SDM Vol. 2A 2.2.1.2), so MMX operands use
/// the raw fields d.reg()/d.rm() and XMM/GPR operands d.xreg()/d.xrm().
inline u64 read_q(Cpu& c, const DecodedInsn& d) {
  if (d.mod() == 3) return mm(c, d.rm());
  return read64(c, d.seg, c.ea(d));
}

// ---- SIMD floating-point exceptions after the operation.

/// Reports the exceptions `flags` (MXCSR bit positions, ORed over all
/// lanes) of an operation whose result is not yet written (SDM Vol. 1
/// 11.5.1): an unmasked IE/DE/ZE sets just the pre-computation flags;
/// otherwise all flags are set and an unmasked OE/UE/PE raises. Raising is
/// #XM with CR4.OSXMMEXCPT, #UD without (Vol. 3A 13.1.5); the caller then
/// leaves the destination unchanged (it has not written it yet).
void fp_exceptions(Cpu& c, u32 flags);

/// LDMXCSR/FXRSTOR check: #GP(0) when `value` sets a bit outside the
/// model's MXCSR_MASK (SDM Vol. 2 LDMXCSR).
inline void check_mxcsr(const Cpu& c, u32 value) {
  if (value & ~c.model().mxcsr_mask) throw GuestFault::make(kGP, 0);
}

}  // namespace gb::simd
