// The architectural CPU state as plain data (SDM Vol. 1 ch. 3, Vol. 3A ch. 2).
#pragma once
#include <array>

#include "cpu/flags.hpp"
#include "mmu/types.hpp"

namespace gb {

/// General-purpose register numbers in ModR/M order.
enum Gpr : u8 { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI };
/// Segment register numbers in the order of the Sreg field of ModR/M.
enum SegReg : u8 { ES, CS, SS, DS, FS, GS, kNoSeg = 0xFF };

/// A segment register: the visible selector and its descriptor cache.
struct Segment {
  u16 selector = 0;
  u32 base = 0;
  u32 limit = 0xFFFF;  ///< byte granular (already expanded when G=1)
  /// Access rights (descriptor byte 5: P, DPL, S, type) and the D/B bit.
  u8 access = 0x93;
  bool big = false;  ///< D/B: 32-bit default operand/stack size
};

/// GDTR/IDTR: linear base and limit in bytes.
struct TableRegister {
  u32 base = 0;
  u16 limit = 0xFFFF;
};

struct CpuState {
  std::array<u32, 8> gpr{};
  u32 eip = 0;
  /// EFLAGS without the six arithmetic bits, which live in `flags`.
  u32 eflags_rest = 0x2;
  LazyFlags flags;
  std::array<Segment, 6> seg{};
  TableRegister gdtr, idtr;
  Segment ldtr, tr;
  u32 cr0 = 0, cr2 = 0, cr3 = 0, cr4 = 0;
  std::array<u32, 8> dr{};
  u64 tsc = 0;

  bool halted = false;
  /// Set by MOV SS / POP SS / STI: interrupts (and the TF trap after MOV SS)
  /// are held off until the next instruction completes (SDM Vol. 3A 6.8.3).
  bool interrupt_shadow = false;

  u32 eflags() const { return eflags_rest | flags.all(); }
};

}  // namespace gb
