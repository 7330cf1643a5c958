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
    const T v = c.read<T>(str::src_seg(d), c.state().gpr[ESI] & m);
    c.write<T>(ES, c.state().gpr[EDI] & m, v);
    str::advance<T>(c, d, ESI);
    str::advance<T>(c, d, EDI);
  });
}
template <class T>
void cmps(Cpu& c, const DecodedInsn& d) {
  str::repeat<true>(c, d, [&] {
    const u32 m = str::amask(d);
    const T a = c.read<T>(str::src_seg(d), c.state().gpr[ESI] & m);
    const T b = c.read<T>(ES, c.state().gpr[EDI] & m);
    alu<Alu::Cmp, T>(c.state().flags, a, b);
    str::advance<T>(c, d, ESI);
    str::advance<T>(c, d, EDI);
  });
}
template <class T>
void stos(Cpu& c, const DecodedInsn& d) {
  str::repeat<false>(c, d, [&] {
    c.write<T>(ES, c.state().gpr[EDI] & str::amask(d), c.reg<T>(EAX));
    str::advance<T>(c, d, EDI);
  });
}
template <class T>
void lods(Cpu& c, const DecodedInsn& d) {
  str::repeat<false>(c, d, [&] {
    c.set_reg<T>(EAX, c.read<T>(str::src_seg(d), c.state().gpr[ESI] & str::amask(d)));
    str::advance<T>(c, d, ESI);
  });
}
template <class T>
void scas(Cpu& c, const DecodedInsn& d) {
  str::repeat<true>(c, d, [&] {
    const T b = c.read<T>(ES, c.state().gpr[EDI] & str::amask(d));
    alu<Alu::Cmp, T>(c.state().flags, c.reg<T>(EAX), b);
    str::advance<T>(c, d, EDI);
  });
}
template <class T>
void ins(Cpu& c, const DecodedInsn& d) {
  str::repeat<false>(c, d, [&] {
    const u32 off = c.state().gpr[EDI] & str::amask(d);
    c.check_limit(ES, off, sizeof(T));  // checked before the port is read
    c.write<T>(ES, off, c.in<T>(c.reg<u16>(EDX)));
    str::advance<T>(c, d, EDI);
  });
}
template <class T>
void outs(Cpu& c, const DecodedInsn& d) {
  str::repeat<false>(c, d, [&] {
    c.out<T>(c.reg<u16>(EDX), c.read<T>(str::src_seg(d), c.state().gpr[ESI] & str::amask(d)));
    str::advance<T>(c, d, ESI);
  });
}

}  // namespace gb::ops
