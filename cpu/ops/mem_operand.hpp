// The memory operand of a Form::Mem handler through host pointers
// (Cpu::fast_mem), with the checked path as the fallback.
#pragma once
#include "cpu/cpu.hpp"

namespace gb::ops {
/// The instruction's immediate as a T: a 64-bit operand takes the 32-bit
/// immediate sign-extended (SDM Vol. 2A 2.2.1.5), except MOV r64, imm64.
template <class T>
constexpr T imm(const DecodedInsn& d) {
  if constexpr (sizeof(T) == 8) {
    return static_cast<u64>(static_cast<i64>(static_cast<i32>(d.imm)));
  } else {
    return static_cast<T>(d.imm);
  }
}
/// A relative branch displacement (sign-extended) added to RIP.
constexpr u64 rel(const DecodedInsn& d) { return static_cast<u64>(static_cast<i64>(static_cast<i32>(d.imm))); }
/// The address-size mask of an effective address or string index.
constexpr u64 addr_mask(const DecodedInsn& d) { return d.a64 ? ~u64{0} : d.a32 ? 0xFFFF'FFFFu : 0xFFFFu; }
}  // namespace gb::ops

/// Opens a Form::Mem handler: the memory operand as host pointers `mr`
/// (read) and `mw` (write), or, where the inline fast path does not cover
/// the access, a tail call to the same handler's Form::Any instantiation
/// after entering the record (the slower path of a lean handler:
/// attr::kLean).
#define GB_MEM_OPERAND(T, access, ...)                                                   \
  const u8* mr = nullptr;                                                              \
  u8* mw = nullptr;                                                                    \
  if (!c.fast_mem<T, Cpu::Access::access, F>(d, mr, mw)) [[unlikely]] {                   \
    c.enter_record(d);                                                                 \
    return __VA_ARGS__(c, d);                                                          \
  }                                                                                    \
  (void)mr;                                                                            \
  (void)mw
