// String instructions MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS with REP,
// REPE and REPNE (SDM Vol. 2B, REP/REPE/REPZ/REPNE/REPNZ).
#pragma once
#include "cpu/ops/alu.hpp"

namespace gb::ops {

namespace str {

inline u64 amask(const DecodedInsn& d) { return addr_mask(d); }

/// Writes index or count register `r` with `v` under address-size mask `m`:
/// SI/DI/CX merge, ESI/EDI/ECX are 32-bit writes (bits 63-32 cleared).
inline void set_index(CpuState& s, unsigned r, u64 v, u64 m) {
  s.gpr[r] = m == 0xFFFF ? (s.gpr[r] & ~m) | (v & m) : v & m;
}

/// Advances SI or DI by one element per EFLAGS.DF, within the address size.
template <class T>
inline void advance(Cpu& c, const DecodedInsn& d, unsigned r) {
  CpuState& s = c.state();
  const u64 step = (s.eflags_rest & fl::DF) ? 0 - u64{sizeof(T)} : u64{sizeof(T)};
  set_index(s, r, s.gpr[r] + step, amask(d));
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
      set_index(s, ECX, s.gpr[ECX] - rep_dec, amask(d));
    }
    throw;
  }
}

inline unsigned src_seg(const DecodedInsn& d) { return d.seg_override != kNone ? d.seg_override : unsigned{DS}; }

/// Runs `body` once, or under REP until the count register (CX/ECX by address
/// size) reaches zero or, for `kCompare`, the ZF condition fails. Between
/// iterations a pending interrupt, data breakpoint or watchpoint
/// (Cpu::rep_break) stops the loop with EIP at the instruction, so it
/// resumes after the handler or the debugger.
template <bool kCompare, class Body>
inline void repeat(Cpu& c, const DecodedInsn& d, Body&& body) {
  if (!d.rep) {
    body();
    return;
  }
  CpuState& s = c.state();
  const u64 m = amask(d);
  for (;;) {
    if ((s.gpr[ECX] & m) == 0) return;
    body();
    set_index(s, ECX, s.gpr[ECX] - 1, m);
    if constexpr (kCompare) {
      const bool zf = s.flags.zf();
      if ((d.rep == 0xF3 && !zf) || (d.rep == 0xF2 && zf)) return;
    }
    if ((s.gpr[ECX] & m) == 0) return;
    if (c.rep_break()) {
      s.rip = c.insn_eip();
      return;
    }
  }
}

/// REP STOS/MOVS on RAM a page at a time (a block operation, as a fast
/// string operation is on hardware: SDM Vol. 1 7.3.9.3): the number of
/// elements from the index registers' current offsets that stay within one
/// page of each operand, the remaining count and the address-size wrap; at
/// least 2, else 0 (the caller then runs one element the checked way, which
/// also raises any fault in order). `src` is false for STOS.
template <class T>
inline u32 chunk(Cpu& c, const DecodedInsn& d, bool src, u8*& dst_p, const u8*& src_p) {
  CpuState& s = c.state();
  if (c.model().family == CpuFamily::i286) return 0;  // its fault quirks need the element path
  const u64 m = amask(d);
  const bool down = (s.eflags_rest & fl::DF) != 0;
  const u64 count = s.gpr[ECX] & m;
  u32 n = count > 0x1000 ? 0x1000 : static_cast<u32>(count);
  // Elements before an index register leaves its page or wraps.
  auto room = [&](unsigned seg, u64 off) -> u32 {
    if (off + sizeof(T) - 1 > m || off + sizeof(T) - 1 < off) return 0;  // the first element wraps
    const u32 lin_off = (s.seg[seg].lbase + off) & 0xFFF;
    const u32 r = down ? lin_off / sizeof(T) + 1 : (0x1000 - lin_off) / sizeof(T);
    const u64 wrap = down ? off / sizeof(T) + 1 : (m - off) / sizeof(T) + ((m - off) % sizeof(T) + 1) / sizeof(T);
    return r < wrap ? r : static_cast<u32>(wrap);
  };
  const u64 di = s.gpr[EDI] & m;
  if (const u32 r = room(ES, di); r < n) n = r;
  const u64 si = s.gpr[ESI] & m;
  if (src) {
    if (const u32 r = room(src_seg(d), si); r < n) n = r;
  }
  if (n < 2) return 0;
  const u32 bytes = n * sizeof(T);
  const u32 back = down ? bytes - sizeof(T) : 0;  // the span starts below the index when DF = 1
  dst_p = c.fast_span<true>(ES, di - back, bytes);
  if (!dst_p) return 0;
  if (src) {
    src_p = c.fast_span<false>(src_seg(d), si - back, bytes);
    if (!src_p) return 0;
  }
  return n;
}

/// After a chunk of `n` elements: the index registers and the count.
template <class T>
inline void chunk_done(Cpu& c, const DecodedInsn& d, bool src, u32 n) {
  CpuState& s = c.state();
  const u64 m = amask(d);
  const u64 step = (s.eflags_rest & fl::DF) ? 0 - u64{n} * sizeof(T) : u64{n} * sizeof(T);
  set_index(s, EDI, s.gpr[EDI] + step, m);
  if (src) set_index(s, ESI, s.gpr[ESI] + step, m);
  set_index(s, ECX, s.gpr[ECX] - n, m);
}

/// REP without a ZF condition, page chunks where chunk() finds one and
/// single checked elements otherwise, with repeat()'s count, wrap and
/// interrupt rules between them.
template <class T, class Element, class Block>
inline void repeat_chunked(Cpu& c, const DecodedInsn& d, bool src, Element&& element, Block&& block) {
  CpuState& s = c.state();
  const u64 m = amask(d);
  for (;;) {
    if ((s.gpr[ECX] & m) == 0) return;
    u8* dp = nullptr;
    const u8* sp = nullptr;
    if (const u32 n = chunk<T>(c, d, src, dp, sp)) {
      block(dp, sp, n);
      chunk_done<T>(c, d, src, n);
    } else {
      element();
      set_index(s, ECX, s.gpr[ECX] - 1, m);
    }
    if ((s.gpr[ECX] & m) == 0) return;
    if (c.rep_break()) {
      s.rip = c.insn_eip();
      return;
    }
  }
}

}  // namespace str

template <class T>
void movs(Cpu& c, const DecodedInsn& d) {
  auto element = [&] {
    const u64 m = str::amask(d);
    if (c.model().family == CpuFamily::i286) {
      // The 286 has moved SI when the write faults (str::access).
      const T v = str::access<T>(c, d, ESI, [&] { return c.read<T>(str::src_seg(d), c.state().gpr[ESI] & m); });
      str::advance<T>(c, d, ESI);
      str::access<T, 2>(c, d, EDI, [&] { c.write<T>(ES, c.state().gpr[EDI] & m, v); });
      str::advance<T>(c, d, EDI);
      return;
    }
    // Later models: a faulting iteration leaves ESI and EDI where it began,
    // so the instruction restarts it.
    c.write<T>(ES, c.state().gpr[EDI] & m, c.read<T>(str::src_seg(d), c.state().gpr[ESI] & m));
    str::advance<T>(c, d, ESI);
    str::advance<T>(c, d, EDI);
  };
  if (!d.rep) return element();
  // Elements are copied in order, one at a time, so overlapping operands
  // repeat a pattern as the element loop would.
  str::repeat_chunked<T>(c, d, true, element, [&](u8* dp, const u8* sp, u32 n) {
    if (c.state().eflags_rest & fl::DF) {
      for (u32 i = n; i-- > 0;) store_le<T>(dp + i * sizeof(T), load_le<T>(sp + i * sizeof(T)));
    } else {
      for (u32 i = 0; i < n; ++i) store_le<T>(dp + i * sizeof(T), load_le<T>(sp + i * sizeof(T)));
    }
  });
}
template <class T>
void cmps(Cpu& c, const DecodedInsn& d) {
  str::repeat<true>(c, d, [&] {
    const u64 m = str::amask(d);
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
  auto element = [&] {
    str::access<T, 2>(c, d, EDI, [&] { c.write<T>(ES, c.state().gpr[EDI] & str::amask(d), c.reg<T>(EAX)); });
    str::advance<T>(c, d, EDI);
  };
  if (!d.rep) return element();
  str::repeat_chunked<T>(c, d, false, element, [&](u8* dp, const u8*, u32 n) {
    const T v = c.reg<T>(EAX);
    for (u32 i = 0; i < n; ++i) store_le<T>(dp + i * sizeof(T), v);
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
    const u64 off = c.state().gpr[EDI] & str::amask(d);
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
