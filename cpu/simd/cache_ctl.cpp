// Cache-control and ordering instructions of the SSE generations (SDM Vol.
// 2 PREFETCHh, SFENCE, LFENCE, MFENCE, CLFLUSH, PAUSE). Glassbox executes
// one instruction at a time with no caches or store buffers, so ordering
// and cache hints have no visible effect; what remains is each one's
// exception behaviour. None of them touches SSE state: no CR0/CR4 checks.
#include "cpu/ops/misc.hpp"
#include "cpu/simd/rows.hpp"
#include "cpu/simd/simd.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

/// PREFETCHh and the reserved-NOP members of 0F 18: a hint that never
/// faults, whatever the address (SDM Vol. 2 PREFETCHh: "does not affect
/// program behavior"; an invalid address is ignored).
void hint(Cpu&, const DecodedInsn&) {}

/// SFENCE, LFENCE, MFENCE: all earlier loads and stores are already
/// globally visible when the next instruction starts.
void fence(Cpu&, const DecodedInsn&) {}

/// PAUSE: as the one-byte 90h (ops::nop90), which with several processors
/// hands the host to the next one.
void pause(Cpu& c, const DecodedInsn& d) { ops::nop90(c, d); }

/// CLFLUSH m8: flushes no cache, but faults as a one-byte load of m8 does
/// (#GP(0)/#SS(0) for the segment, #PF) — except that an execute-only code
/// segment is allowed (SDM Vol. 2 CLFLUSH). Writes nothing and sets no
/// accessed/dirty bit beyond the page walk's.
void clflush(Cpu& c, const DecodedInsn& d) {
  const CpuState& s = c.state();
  const Segment& sg = s.seg[d.seg];
  const u64 off = c.ea(d);
  if (s.pe() && sg.is_code() && !sg.readable) {
    if (off < sg.lo || off > sg.hi) throw GuestFault::make(kGP, 0);
  } else {
    c.check_read(d.seg, off, 1);
  }
  // Cpu::linear: the segment's linear base, and in 64-bit mode the
  // canonical check (#GP(0), #SS(0) through SS).
  c.probe_read_linear(c.linear(d.seg, off, 1));
}

/// NP 0F AE /7 register form on a model with CLFLUSH, which owns the
/// memory form's row: SFENCE where the model has SSE.
void sfence_or_ud(Cpu& c, const DecodedInsn& d) {
  if (!c.model().has(Isa::Sse)) throw GuestFault::make(kUD);
  fence(c, d);
}

using namespace opc;
constexpr u8 RO = attr::kRegOnly;

// 0F 18: /0-/3 are PREFETCHNTA/T0/T1/T2, /4-/7 and every register form are
// reserved NOPs (SDM Vol. 2D Table A-6, group 16; "NOP" in the one-byte and
// two-byte map notes), whatever the prefix.
const OpcodeRow kSseRows[] = {
    SIMD_ROW(0x118, 0, "PREFETCHNTA", M, None, None, hint, 0),
    SIMD_ROW(0x118, 1, "PREFETCHT0", M, None, None, hint, 0),
    SIMD_ROW(0x118, 2, "PREFETCHT1", M, None, None, hint, 0),
    SIMD_ROW(0x118, 3, "PREFETCHT2", M, None, None, hint, 0),
    SIMD_ROW(0x118, 4, "NOP", Ev, None, None, hint, 0),
    SIMD_ROW(0x118, 5, "NOP", Ev, None, None, hint, 0),
    SIMD_ROW(0x118, 6, "NOP", Ev, None, None, hint, 0),
    SIMD_ROW(0x118, 7, "NOP", Ev, None, None, hint, 0),
    SIMD_ROW(NP | 0x1AE, 7, "SFENCE", Rd, None, None, fence, RO),
};

const OpcodeRow kSse2Rows[] = {
    SIMD_ROW(NP | 0x1AE, 5, "LFENCE", Rd, None, None, fence, RO),
    SIMD_ROW(NP | 0x1AE, 6, "MFENCE", Rd, None, None, fence, RO),
    // F3 90: PAUSE, a spin-loop hint that executes as NOP (SDM Vol. 2 PAUSE);
    // the one-byte 90 row serves every other prefix.
    SIMD_ROW(PF3 | 0x090, -1, "PAUSE", None, None, None, pause, 0),
};

// Listed after the SSE group: the row replaces SFENCE's for the same
// opcode, ModR/M.reg and prefix class, and keeps it for mod = 3.
const OpcodeRow kClflushRows[] = {
    SIMD_ROW_RM(NP | 0x1AE, 7, "CLFLUSH", M, None, None, sfence_or_ud, clflush, 0),
};

}  // namespace

std::span<const OpcodeRow> sse_cache_ctl_rows() { return kSseRows; }
std::span<const OpcodeRow> sse2_cache_ctl_rows() { return kSse2Rows; }
std::span<const OpcodeRow> clflush_rows() { return kClflushRows; }

}  // namespace gb::simd
