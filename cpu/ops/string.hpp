// String instructions MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS with REP,
// REPE and REPNE (SDM Vol. 2B, REP/REPE/REPZ/REPNE/REPNZ).
#pragma once
#include <cstring>

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

/// Which operands a REP string instruction's page chunk spans (chunk()).
enum Span : u8 {
  kDstRead = 1,   ///< ES:(E)DI, read (SCAS, CMPS)
  kDstWrite = 2,  ///< ES:(E)DI, written (STOS, MOVS, INS)
  kSrc = 4,       ///< seg:(E)SI, read (MOVS, CMPS, LODS, OUTS)
};

/// REP string instructions on RAM a page at a time (a block operation, as
/// a fast string operation is on hardware: SDM Vol. 1 7.3.9.3): the number
/// of elements from the index registers' current offsets that stay within
/// one page of each operand in `kOps`, the remaining count, the address-size
/// wrap and `cap` (the iterations the budget allows); at least 2, else 0
/// (the caller then runs one element the checked way, which also raises
/// any fault in order). `dst_p`/`src_p` point at the span's lowest byte.
template <class T, unsigned kOps>
inline u32 chunk(Cpu& c, const DecodedInsn& d, u64 cap, u8*& dst_p, const u8*& src_p) {
  CpuState& s = c.state();
  if (c.model().family == CpuFamily::i286) return 0;  // its fault quirks need the element path
  const u64 m = amask(d);
  const bool down = (s.eflags_rest & fl::DF) != 0;
  u64 count = s.gpr[ECX] & m;
  if (cap < count) count = cap;
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
  if constexpr ((kOps & (kDstRead | kDstWrite)) != 0) {
    if (const u32 r = room(ES, di); r < n) n = r;
  }
  const u64 si = s.gpr[ESI] & m;
  if constexpr ((kOps & kSrc) != 0) {
    if (const u32 r = room(src_seg(d), si); r < n) n = r;
  }
  if (n < 2) return 0;
  const u32 bytes = n * sizeof(T);
  const u32 back = down ? bytes - sizeof(T) : 0;  // the span starts below the index when DF = 1
  if constexpr ((kOps & (kDstRead | kDstWrite)) != 0) {
    dst_p = c.fast_span<(kOps & kDstWrite) != 0>(ES, di - back, bytes);
    if (!dst_p) return 0;
  }
  if constexpr ((kOps & kSrc) != 0) {
    src_p = c.fast_span<false>(src_seg(d), si - back, bytes);
    if (!src_p) return 0;
  }
  return n;
}

/// After `n` elements of a chunk: the index registers and the count.
template <class T, unsigned kOps>
inline void chunk_done(Cpu& c, const DecodedInsn& d, u32 n) {
  CpuState& s = c.state();
  const u64 m = amask(d);
  const u64 step = (s.eflags_rest & fl::DF) ? 0 - u64{n} * sizeof(T) : u64{n} * sizeof(T);
  if constexpr ((kOps & (kDstRead | kDstWrite)) != 0) set_index(s, EDI, s.gpr[EDI] + step, m);
  if constexpr ((kOps & kSrc) != 0) set_index(s, ESI, s.gpr[ESI] + step, m);
  set_index(s, ECX, s.gpr[ECX] - n, m);
}

/// Byte offset in a chunk's span of its `i`th element in execution order.
template <class T>
inline u32 at(bool down, u32 n, u32 i) {
  return (down ? n - 1 - i : i) * u32{sizeof(T)};
}

/// Whether a REPE/REPNE compare stops after an element with ZF = `zf`
/// (REPE while equal, REPNE while not equal).
inline bool cond_fails(const DecodedInsn& d, bool zf) { return d.rep == 0xF3 ? !zf : zf; }

/// Runs a string instruction once, or under REP (SDM Vol. 2B REP) until the
/// count register (CX/ECX by address size) reaches zero or, for `kCompare`,
/// the ZF condition fails: page chunks of the operands in `kOps` where
/// chunk() finds one, through `block(dst, src, n, done)` (which sets `done`
/// to the elements it ran of the n, fewer where a compare's condition failed
/// or an I/O element must stop the loop, and leaves the flags of the last),
/// and single checked elements through `element()` otherwise.
///
/// Each iteration is an instruction of virtual time (Cpu::count_iterations),
/// so a chunk is capped at the budget left (Cpu::rep_room) and never runs
/// the clock past the run's end. Between iterations a pending interrupt,
/// data breakpoint or watchpoint (Cpu::rep_break) or the spent budget stops
/// the loop with EIP at the instruction and the registers of the
/// iterations done, so it resumes after the handler, the debugger or in the
/// next run; a timer due in a long copy interrupts it on time.
template <class T, unsigned kOps, bool kCompare, class Element, class Block>
inline void repeat(Cpu& c, const DecodedInsn& d, Element&& element, Block&& block) {
  if (!d.rep) {
    element();
    return;
  }
  CpuState& s = c.state();
  const u64 m = amask(d);
  u64 first = 1;  // this execution's first iteration is counted as its instruction
  for (;;) {
    if ((s.gpr[ECX] & m) == 0) break;
    u8* dp = nullptr;
    const u8* sp = nullptr;
    u32 done = 1;
    if (const u32 n = chunk<T, kOps>(c, d, c.rep_room() + first, dp, sp)) {
      done = 0;
      try {
        block(dp, sp, n, done);
      } catch (const GuestFault&) {
        // Only an I/O element can fault in a chunk: the registers and the
        // clock of the elements done, as the element loop leaves them.
        chunk_done<T, kOps>(c, d, done);
        if (done > first) c.count_iterations(done - first);
        throw;
      }
      chunk_done<T, kOps>(c, d, done);
    } else {
      element();
      set_index(s, ECX, s.gpr[ECX] - 1, m);
    }
    c.count_iterations(done - first);
    first = 0;
    if constexpr (kCompare) {
      if (cond_fails(d, s.flags.zf())) break;
    }
    if ((s.gpr[ECX] & m) == 0) break;
    if (c.rep_stop()) {
      c.restart(d);
      break;
    }
  }
}

/// A compare chunk (CMPS, SCAS) of `n` elements: those of the span at `a`
/// (CMPS: the source) or the value `v` (SCAS: AL/AX/EAX/RAX, `a` null)
/// against those of the span at `b` (ES:(E)DI), in execution order (from
/// the top when EFLAGS.DF = 1), until the REPE/REPNE condition fails. The
/// flags are then CMP's of the last element compared (each iteration's CMP
/// sets all six status flags from its operands alone, so only the last one
/// shows). Sets `done` to the elements run.
template <class T>
inline void compare_block(Cpu& c, const DecodedInsn& d, u32 n, u32& done, const u8* a, T v, const u8* b) {
  const bool down = (c.state().eflags_rest & fl::DF) != 0;
  const bool while_equal = d.rep == 0xF3;
  u32 i = 0;
  if (while_equal) {
    // REPE: 8 bytes at a time while they are all equal (then so is each
    // element), leaving the last element to the loop below.
    constexpr u32 kPer = 8 / sizeof(T);
    u64 vv = 0;
    for (u32 k = 0; k < kPer; ++k) vv |= u64{v} << (8 * sizeof(T) * k);
    while (i + kPer < n) {
      const u32 lo = (down ? n - i - kPer : i) * u32{sizeof(T)};  // the group's lowest byte
      if ((a ? load_le<u64>(a + lo) : vv) != load_le<u64>(b + lo)) break;
      i += kPer;
    }
  } else if (sizeof(T) == 1 && !a && !down) {
    // REPNE SCASB upwards: the first byte equal to AL, short of the last.
    const void* hit = std::memchr(b, static_cast<u8>(v), n - 1);
    i = hit ? static_cast<u32>(static_cast<const u8*>(hit) - b) : n - 1;
  }
  auto elem = [&](const u8* p, u32 k) { return load_le<T>(p + (down ? n - 1 - k : k) * u32{sizeof(T)}); };
  while (i + 1 < n && ((a ? elem(a, i) : v) == elem(b, i)) == while_equal) ++i;
  alu<Alu::Cmp, T>(c.state().flags, a ? elem(a, i) : v, elem(b, i));
  done = i + 1;
}

/// An I/O chunk (INS, OUTS): `io(i)` moves the `i`th element in execution
/// order through the port, one bus access each with the I/O permission and
/// I/O breakpoint checks of Cpu::in/out (SDM Vol. 1 19.5.2: the permission
/// is checked for every access). The port access may raise INTR, end the
/// run, hit an I/O breakpoint or remap memory (A20, shadow RAM): after each
/// element the chunk ends where the element loop would stop (rep_stop) or
/// where the span's host pointer may no longer be the guest's memory (a
/// port write remapped it; the PC's remapping ports, A20 at 92h and the
/// 8042, PAM and SMRAM, act on writes, so INS stores its element first).
/// `done` counts the elements done, also when one faults (#GP from the
/// permission check; repeat() then leaves the registers at it).
template <class Io>
inline void io_block(Cpu& c, u32 n, u32& done, Io&& io) {
  const u32 epoch = c.map_epoch();
  while (done < n) {
    io(done);
    ++done;
    if (c.rep_stop() || c.map_epoch() != epoch) return;
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
  // Elements are copied in order, one at a time, so overlapping operands
  // repeat a pattern as the element loop would.
  str::repeat<T, str::kDstWrite | str::kSrc, false>(c, d, element, [&](u8* dp, const u8* sp, u32 n, u32& done) {
    if (c.state().eflags_rest & fl::DF) {
      for (u32 i = n; i-- > 0;) store_le<T>(dp + i * sizeof(T), load_le<T>(sp + i * sizeof(T)));
    } else {
      for (u32 i = 0; i < n; ++i) store_le<T>(dp + i * sizeof(T), load_le<T>(sp + i * sizeof(T)));
    }
    done = n;
  });
}
template <class T>
void cmps(Cpu& c, const DecodedInsn& d) {
  auto element = [&] {
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
  };
  str::repeat<T, str::kDstRead | str::kSrc, true>(c, d, element, [&](u8* dp, const u8* sp, u32 n, u32& done) {
    str::compare_block<T>(c, d, n, done, sp, T{0}, dp);
  });
}
template <class T>
void stos(Cpu& c, const DecodedInsn& d) {
  auto element = [&] {
    str::access<T, 2>(c, d, EDI, [&] { c.write<T>(ES, c.state().gpr[EDI] & str::amask(d), c.reg<T>(EAX)); });
    str::advance<T>(c, d, EDI);
  };
  str::repeat<T, str::kDstWrite, false>(c, d, element, [&](u8* dp, const u8*, u32 n, u32& done) {
    const T v = c.reg<T>(EAX);
    for (u32 i = 0; i < n; ++i) store_le<T>(dp + i * sizeof(T), v);
    done = n;
  });
}
template <class T>
void lods(Cpu& c, const DecodedInsn& d) {
  auto element = [&] {
    c.set_reg<T>(EAX, str::access<T>(c, d, ESI, [&] { return c.read<T>(str::src_seg(d), c.state().gpr[ESI] & str::amask(d)); }));
    str::advance<T>(c, d, ESI);
  };
  // Each element overwrites AL/AX/EAX: the chunk loads only its last.
  str::repeat<T, str::kSrc, false>(c, d, element, [&](u8*, const u8* sp, u32 n, u32& done) {
    c.set_reg<T>(EAX, load_le<T>(sp + str::at<T>((c.state().eflags_rest & fl::DF) != 0, n, n - 1)));
    done = n;
  });
}
template <class T>
void scas(Cpu& c, const DecodedInsn& d) {
  auto element = [&] {
    const T b = str::access<T>(c, d, EDI, [&] { return c.read<T>(ES, c.state().gpr[EDI] & str::amask(d)); });
    alu<Alu::Cmp, T>(c.state().flags, c.reg<T>(EAX), b);
    str::advance<T>(c, d, EDI);
  };
  str::repeat<T, str::kDstRead, true>(c, d, element, [&](u8* dp, const u8*, u32 n, u32& done) {
    str::compare_block<T>(c, d, n, done, nullptr, c.reg<T>(EAX), dp);
  });
}
template <class T>
void ins(Cpu& c, const DecodedInsn& d) {
  auto element = [&] {
    const u64 off = c.state().gpr[EDI] & str::amask(d);
    str::access<T, 2>(c, d, EDI, [&] { c.check_write(ES, off, sizeof(T)); });  // before the port is read
    c.write<T>(ES, off, c.in<T>(c.reg<u16>(EDX)));
    str::advance<T>(c, d, EDI);
  };
  // The memory side a page at a time (chunk() checked it writable, so no
  // element faults on it); each element still reads the port.
  str::repeat<T, str::kDstWrite, false>(c, d, element, [&](u8* dp, const u8*, u32 n, u32& done) {
    const bool down = (c.state().eflags_rest & fl::DF) != 0;
    const u16 port = c.reg<u16>(EDX);
    str::io_block(c, n, done, [&](u32 i) { store_le<T>(dp + str::at<T>(down, n, i), c.in<T>(port)); });
  });
}
template <class T>
void outs(Cpu& c, const DecodedInsn& d) {
  auto element = [&] {
    c.out<T>(c.reg<u16>(EDX), str::access<T>(c, d, ESI, [&] { return c.read<T>(str::src_seg(d), c.state().gpr[ESI] & str::amask(d)); }));
    str::advance<T>(c, d, ESI);
  };
  str::repeat<T, str::kSrc, false>(c, d, element, [&](u8*, const u8* sp, u32 n, u32& done) {
    const bool down = (c.state().eflags_rest & fl::DF) != 0;
    const u16 port = c.reg<u16>(EDX);
    str::io_block(c, n, done, [&](u32 i) { c.out<T>(port, load_le<T>(sp + str::at<T>(down, n, i))); });
  });
}

}  // namespace gb::ops
