// String instructions MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS with REP,
// REPE and REPNE (SDM Vol. 2B, REP/REPE/REPZ/REPNE/REPNZ).
#pragma once
#include "cpu/ops/alu.hpp"

namespace gb::ops {

namespace str {

inline u32 amask(const DecodedInsn& d) { return d.a32 ? 0xFFFF'FFFFu : 0xFFFFu; }

/// Advances SI or DI by one element per EFLAGS.DF, within the address size.
template <class T>
inline void advance(Cpu& c, const DecodedInsn& d, unsigned r) {
  CpuState& s = c.state();
  const u32 step = (s.eflags_rest & fl::DF) ? 0u - static_cast<u32>(sizeof(T)) : static_cast<u32>(sizeof(T));
  const u32 m = amask(d);
  s.gpr[r] = (s.gpr[r] & ~m) | ((s.gpr[r] + step) & m);
}

/// Performs one string access through `fn`. The 286 advances the index
/// register of an access even when that access faults on the segment limit
/// (SingleStepTests 80286 A5/A7/AB/AD/6D/6F), so the fault leaves it moved.
/// Under REP it has also counted CX down `rep_dec` times by then: once for
/// a faulting read, twice for a faulting write, not at all for CMPS (the
/// same vectors; the microcode's pipelining shows through).
template <class T, unsigned rep_dec = 1, class Fn>
inline auto access(Cpu& c, const DecodedInsn& d, unsigned index, Fn&& fn) {
  if (c.model().family != CpuFamily::i286) return fn();
  try {
    return fn();
  } catch (const GuestFault&) {
    advance<T>(c, d, index);
    if (d.rep) {
      CpuState& s = c.state();
      const u32 m = amask(d);
      s.gpr[ECX] = (s.gpr[ECX] & ~m) | ((s.gpr[ECX] - rep_dec) & m);
    }
    throw;
  }
}

inline unsigned src_seg(const DecodedInsn& d) { return d.seg_override != kNone ? d.seg_override : unsigned{DS}; }

/// Runs `body` once, or under REP until the count register (CX/ECX by address
/// size) reaches zero or, for `kCompare`, the ZF condition fails. Between
/// iterations a pending interrupt stops the loop with EIP at the
/// instruction, so it resumes after the handler.
template <bool kCompare, class Body>
inline void repeat(Cpu& c, const DecodedInsn& d, Body&& body) {
  if (!d.rep) {
    body();
    return;
  }
  CpuState& s = c.state();
  const u32 m = amask(d);
  for (;;) {
    if ((s.gpr[ECX] & m) == 0) return;
    body();
    s.gpr[ECX] = (s.gpr[ECX] & ~m) | ((s.gpr[ECX] - 1) & m);
    if constexpr (kCompare) {
      const bool zf = s.flags.zf();
      if ((d.rep == 0xF3 && !zf) || (d.rep == 0xF2 && zf)) return;
    }
    if ((s.gpr[ECX] & m) == 0) return;
    if (c.event_pending()) {
      s.eip = c.insn_eip();
      return;
    }
  }
}

}  // namespace str

template <class T>
void movs(Cpu& c, const DecodedInsn& d) {
  str::repeat<false>(c, d, [&] {
    const u32 m = str::amask(d);
    const T v = str::access<T>(c, d, ESI, [&] { return c.read<T>(str::src_seg(d), c.state().gpr[ESI] & m); });
    str::advance<T>(c, d, ESI);
    str::access<T, 2>(c, d, EDI, [&] { c.write<T>(ES, c.state().gpr[EDI] & m, v); });
    str::advance<T>(c, d, EDI);
  });
}
template <class T>
void cmps(Cpu& c, const DecodedInsn& d) {
  str::repeat<true>(c, d, [&] {
    const u32 m = str::amask(d);
    T a, b;
    if (c.model().family == CpuFamily::i286) {
      // The 286 reads ES:DI before DS:SI (SingleStepTests 80286 A6/A7).
      b = str::access<T, 0>(c, d, EDI, [&] { return c.read<T>(ES, c.state().gpr[EDI] & m); });
      str::advance<T>(c, d, EDI);
      a = str::access<T, 0>(c, d, ESI, [&] { return c.read<T>(str::src_seg(d), c.state().gpr[ESI] & m); });
      str::advance<T>(c, d, ESI);
    } else {
      a = c.read<T>(str::src_seg(d), c.state().gpr[ESI] & m);
      b = c.read<T>(ES, c.state().gpr[EDI] & m);
      str::advance<T>(c, d, ESI);
      str::advance<T>(c, d, EDI);
    }
    alu<Alu::Cmp, T>(c.state().flags, a, b);
  });
}
template <class T>
void stos(Cpu& c, const DecodedInsn& d) {
  str::repeat<false>(c, d, [&] {
    str::access<T, 2>(c, d, EDI, [&] { c.write<T>(ES, c.state().gpr[EDI] & str::amask(d), c.reg<T>(EAX)); });
    str::advance<T>(c, d, EDI);
  });
}
template <class T>
void lods(Cpu& c, const DecodedInsn& d) {
  str::repeat<false>(c, d, [&] {
    c.set_reg<T>(EAX, str::access<T>(c, d, ESI, [&] { return c.read<T>(str::src_seg(d), c.state().gpr[ESI] & str::amask(d)); }));
    str::advance<T>(c, d, ESI);
  });
}
template <class T>
void scas(Cpu& c, const DecodedInsn& d) {
  str::repeat<true>(c, d, [&] {
    const T b = str::access<T>(c, d, EDI, [&] { return c.read<T>(ES, c.state().gpr[EDI] & str::amask(d)); });
    alu<Alu::Cmp, T>(c.state().flags, c.reg<T>(EAX), b);
    str::advance<T>(c, d, EDI);
  });
}
template <class T>
void ins(Cpu& c, const DecodedInsn& d) {
  str::repeat<false>(c, d, [&] {
    const u32 off = c.state().gpr[EDI] & str::amask(d);
    str::access<T, 2>(c, d, EDI, [&] { c.check_write(ES, off, sizeof(T)); });  // before the port is read
    c.write<T>(ES, off, c.in<T>(c.reg<u16>(EDX)));
    str::advance<T>(c, d, EDI);
  });
}
template <class T>
void outs(Cpu& c, const DecodedInsn& d) {
  str::repeat<false>(c, d, [&] {
    c.out<T>(c.reg<u16>(EDX), str::access<T>(c, d, ESI, [&] { return c.read<T>(str::src_seg(d), c.state().gpr[ESI] & str::amask(d)); }));
    str::advance<T>(c, d, ESI);
  });
}

}  // namespace gb::ops
