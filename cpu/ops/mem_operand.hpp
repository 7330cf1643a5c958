// The memory operand of a Form::Mem handler through host pointers
// (Cpu::fast_mem), with the checked path as the fallback.
#pragma once
#include "cpu/cpu.hpp"

/// Opens a Form::Mem handler: the memory operand as host pointers `mr`
/// (read) and `mw` (write), or, where the inline fast path does not cover
/// the access, a tail call to the same handler's Form::Any instantiation.
#define GB_MEM_OPERAND(T, access, ...)                                                   \
  const u8* mr = nullptr;                                                              \
  u8* mw = nullptr;                                                                    \
  if (!c.fast_mem<T, Cpu::Access::access>(d, mr, mw)) [[unlikely]] return __VA_ARGS__(c, d); \
  (void)mr;                                                                            \
  (void)mw
