// x87 control and state instructions: FLDCW, FNSTCW, FNSTSW, FLDENV,
// FNSTENV, FRSTOR, FNSAVE, FNINIT, FNCLEX, WAIT, FXSAVE, FXRSTOR, and the
// pending-exception check of the waiting instructions (SDM Vol. 1 8.1.10,
// 8.3.11, 8.3.12, 8.7, 10.5; Vol. 3A 2.5, 6.15).
#include "cpu/ops/x87.hpp"
#include "cpu/ops/x87_insns.hpp"

namespace gb::x87 {

namespace {

constexpr u32 kNE = 0x20;  // CR0.NE

/// FLDCW and the other loads of the control word: bits 7 and 13-15 are
/// reserved (read as 0) and bit 6 reads as 1 (observed on Intel hardware;
/// SDM Vol. 1 Figure 8-6).
u16 control_word(u16 v) { return static_cast<u16>((v & 0x1F3F) | 0x0040); }

template <std::size_t N>
void put16(std::array<u8, N>& b, unsigned off, u32 v) {
  b[off] = static_cast<u8>(v);
  b[off + 1] = static_cast<u8>(v >> 8);
}
template <std::size_t N>
void put32(std::array<u8, N>& b, unsigned off, u32 v) {
  put16(b, off, v);
  put16(b, off + 2, v >> 16);
}
template <std::size_t N>
u32 get16(const std::array<u8, N>& b, unsigned off) {
  return b[off] | (u32{b[off + 1]} << 8);
}
template <std::size_t N>
u32 get32(const std::array<u8, N>& b, unsigned off) {
  return get16(b, off) | (get16(b, off + 2) << 16);
}

constexpr unsigned env_size(bool o32) { return o32 ? 28 : 14; }

/// The FSTENV image for the current mode and operand size (SDM Vol. 1
/// Figures 8-9 to 8-12). Real and virtual-8086 mode store linear pointers;
/// the reserved halves of the 32-bit layouts read FFFFh, as on Intel
/// hardware.
template <std::size_t N>
void build_env(const Cpu& c, bool o32, std::array<u8, N>& b) {
  const FpuState& f = c.state().fpu;
  const u16 tag = f.tag_word();
  const bool real = real_layout(c);
  // The 14/28-byte images hold 32 bits of each pointer, also in 64-bit mode
  // (SDM Vol. 1 8.1.10; only FXSAVE64 stores the whole of them).
  const u32 ip = static_cast<u32>(real ? (u64{f.fcs} << 4) + f.fip : f.fip);
  const u32 dp = static_cast<u32>(real ? (u64{f.fds} << 4) + f.fdp : f.fdp);
  const u32 fop = f.fop & 0x7FFu;
  if (o32) {
    put32(b, 0, 0xFFFF'0000u | f.fcw);
    put32(b, 4, 0xFFFF'0000u | f.fsw);
    put32(b, 8, 0xFFFF'0000u | tag);
    if (real) {
      put32(b, 12, 0xFFFF'0000u | (ip & 0xFFFF));
      put32(b, 16, ((ip >> 4) & 0x0FFF'F000u) | fop);
      put32(b, 20, 0xFFFF'0000u | (dp & 0xFFFF));
      put32(b, 24, (dp >> 4) & 0x0FFF'F000u);
    } else {
      put32(b, 12, ip);
      put32(b, 16, (fop << 16) | f.fcs);
      put32(b, 20, dp);
      put32(b, 24, 0xFFFF'0000u | f.fds);
    }
  } else {
    put16(b, 0, f.fcw);
    put16(b, 2, f.fsw);
    put16(b, 4, tag);
    put16(b, 6, ip);
    put16(b, 10, dp);
    if (real) {
      put16(b, 8, ((ip >> 4) & 0xF000) | fop);
      put16(b, 12, (dp >> 4) & 0xF000);
    } else {
      put16(b, 8, f.fcs);
      put16(b, 12, f.fds);
    }
  }
}

/// Loads an environment image (FLDENV, FRSTOR). The tag word keeps only
/// empty/non-empty; ES and B follow the loaded flags and masks.
template <std::size_t N>
void load_env(Cpu& c, bool o32, const std::array<u8, N>& b) {
  FpuState& f = c.state().fpu;
  const bool real = real_layout(c);
  const unsigned w = o32 ? 4 : 2;
  f.fcw = control_word(static_cast<u16>(get16(b, 0)));
  f.fsw = static_cast<u16>(get16(b, w));
  f.set_tag_word(static_cast<u16>(get16(b, 2 * w)));
  if (o32) {
    if (real) {
      f.fip = (get32(b, 12) & 0xFFFF) | ((get32(b, 16) << 4) & 0xFFFF'0000u);
      f.fop = static_cast<u16>(get32(b, 16) & 0x7FF);
      f.fdp = (get32(b, 20) & 0xFFFF) | ((get32(b, 24) << 4) & 0xFFFF'0000u);
      f.fcs = f.fds = 0;
    } else {
      f.fip = get32(b, 12);
      f.fcs = static_cast<u16>(get32(b, 16));
      f.fop = static_cast<u16>((get32(b, 16) >> 16) & 0x7FF);
      f.fdp = get32(b, 20);
      f.fds = static_cast<u16>(get32(b, 24));
    }
  } else if (real) {
    f.fip = get16(b, 6) | ((get16(b, 8) & 0xF000) << 4);
    f.fop = static_cast<u16>(get16(b, 8) & 0x7FF);
    f.fdp = get16(b, 10) | ((get16(b, 12) & 0xF000) << 4);
    f.fcs = f.fds = 0;
  } else {
    f.fip = get16(b, 6);
    f.fcs = static_cast<u16>(get16(b, 8));
    f.fdp = get16(b, 10);
    f.fds = static_cast<u16>(get16(b, 12));
  }
  f.update_es();
}

}  // namespace

bool check_pending(Cpu& c, const DecodedInsn& d) {
  CpuState& s = c.state();
  if (!s.fpu.pending()) return true;
  if (s.cr0 & kNE) throw GuestFault::make(kMF);
  if (c.ignne()) return true;
  // PC-compatible reporting (SDM Vol. 1 D.2.1.1; Vol. 3A 2.5 CR0.NE): FERR#
  // is asserted and the processor stops before this instruction until an
  // external interrupt (IRQ 13 in a PC) is serviced; the interrupt returns
  // here and the instruction is tried again.
  c.set_ferr(true);
  s.rip = c.insn_eip(d);
  c.set_halted();
  return false;
}

void fldcw(Exec& x) {
  x.f.fcw = control_word(x.read16());
  x.f.update_es();  // unmasking a flagged exception makes it pending (SDM Vol. 2 FLDCW)
}

void fnstcw(Exec& x) { x.write16(0, x.f.fcw); }
void fnstsw_m(Exec& x) { x.write16(0, x.f.fsw); }
void fnstsw_ax(Exec& x) { x.cpu.set_reg<u16>(EAX, x.f.fsw); }

void fldenv(Exec& x) {
  std::array<u8, 28> b{};
  x.read_bytes(0, b, env_size(x.d.o32));
  load_env(x.cpu, x.d.o32, b);
}

void fnstenv(Exec& x) {
  std::array<u8, 28> b{};
  build_env(x.cpu, x.d.o32, b);
  x.write_bytes(0, b, env_size(x.d.o32));
  // Then every exception is masked (SDM Vol. 2 FSTENV).
  x.f.fcw |= exc::kAll;
  x.f.update_es();
}

void frstor(Exec& x) {
  std::array<u8, 108> b{};
  const unsigned n = env_size(x.d.o32);
  x.read_bytes(0, b, n + 80);
  load_env(x.cpu, x.d.o32, b);
  for (unsigned i = 0; i < 8; ++i) {
    const unsigned o = n + 10 * i;
    Float80 v;
    v.sig = get32(b, o) | (u64{get32(b, o + 4)} << 32);
    v.se = static_cast<u16>(get16(b, o + 8));
    x.st(i) = v;
  }
}

void fnsave(Exec& x) {
  std::array<u8, 108> b{};
  const unsigned n = env_size(x.d.o32);
  build_env(x.cpu, x.d.o32, b);
  for (unsigned i = 0; i < 8; ++i) {
    const Float80& v = x.st(i);
    const unsigned o = n + 10 * i;
    put32(b, o, static_cast<u32>(v.sig));
    put32(b, o + 4, static_cast<u32>(v.sig >> 32));
    put16(b, o + 8, v.se);
  }
  x.write_bytes(0, b, n + 80);
  x.f.init();  // FSAVE ends with FNINIT's state (SDM Vol. 2 FSAVE)
}

void fninit(Exec& x) { x.f.init(); }

void fnclex(Exec& x) {
  // The exception flags, SF, ES and B (SDM Vol. 2 FCLEX).
  x.f.fsw &= static_cast<u16>(~(0x00FFu | fsw::kB));
}

void fnop_287(Exec&) {}

}  // namespace gb::x87

namespace gb::ops {

void x87_fwait(Cpu& c, const DecodedInsn& d) {
  // #NM only with CR0.MP and CR0.TS both set (SDM Vol. 3A Table 2-2).
  if ((c.state().cr0 & 0xA) == 0xA) throw GuestFault::make(kNM);
  x87::check_pending(c, d);
}

namespace {

/// FXSAVE/FXRSTOR: #UD with CR0.EM, #NM with CR0.TS, #GP(0) for an operand
/// not 16-byte aligned (SDM Vol. 2 FXSAVE). Pending x87 exceptions are not
/// checked (SDM Vol. 3A 6.15, interrupt 16).
void fx_checks(Cpu& c, const DecodedInsn& d) {
  const CpuState& s = c.state();
  if (s.cr0 & 4) throw GuestFault::make(kUD);
  if (s.cr0 & 8) throw GuestFault::make(kNM);
  if ((s.seg[d.seg].lbase + c.ea(d)) & 15) throw GuestFault::make(kGP, 0);
}

/// The FXSAVE image: 288 bytes with XMM0-7, 416 with XMM0-15 in 64-bit mode
/// (SDM Vol. 2 FXSAVE Tables 3-56 to 3-58; bytes 416-511 are not written).
constexpr unsigned kFxLegacy = 288, kFx64 = 416;
/// REX.W (FXSAVE64/FXRSTOR64, 64-bit mode only): the FPU IP and DP fields
/// are 64 bits at offsets 8 and 16 and there are no FCS/FDS fields (SDM
/// Vol. 2 FXSAVE Table 3-57). Without it the 32-bit layout is used, in
/// 64-bit mode too (Table 3-58).
bool fx64(const DecodedInsn& d) { return d.o64; }

constexpr u32 kOsfxsr = 0x200;       // CR4.OSFXSR

}  // namespace

void fxsave(Cpu& c, const DecodedInsn& d) {
  using namespace x87;
  fx_checks(c, d);
  const FpuState& f = c.state().fpu;
  // SDM Vol. 1 Table 10-2 and Vol. 2 FXSAVE Tables 3-56 to 3-58.
  std::array<u8, kFx64> b{};
  put16(b, 0, f.fcw);
  put16(b, 2, f.fsw);
  b[4] = f.full;  // the abridged tag word: one bit per physical register
  put16(b, 6, f.fop & 0x7FFu);
  if (fx64(d)) {
    put32(b, 8, static_cast<u32>(f.fip));
    put32(b, 12, static_cast<u32>(f.fip >> 32));
    put32(b, 16, static_cast<u32>(f.fdp));
    put32(b, 20, static_cast<u32>(f.fdp >> 32));
  } else {
    put32(b, 8, static_cast<u32>(d.o32 ? f.fip : f.fip & 0xFFFF));
    put16(b, 12, f.fcs);
    put32(b, 16, static_cast<u32>(d.o32 ? f.fdp : f.fdp & 0xFFFF));
    put16(b, 20, f.fds);
  }
  put32(b, 24, f.mxcsr);
  put32(b, 28, c.model().mxcsr_mask);
  for (unsigned i = 0; i < 8; ++i) {
    const Float80& v = f.st(i);
    put32(b, 32 + 16 * i, static_cast<u32>(v.sig));
    put32(b, 36 + 16 * i, static_cast<u32>(v.sig >> 32));
    put16(b, 40 + 16 * i, v.se);
  }
  const unsigned nxmm = c.mode64() ? 16 : 8;
  for (unsigned i = 0; i < nxmm; ++i) {
    for (unsigned k = 0; k < 16; ++k) b[160 + 16 * i + k] = f.xmm[i][k];
  }
  Exec x(c, d);
  x.write_bytes(0, b, c.mode64() ? kFx64 : kFxLegacy);
}

void fxrstor(Cpu& c, const DecodedInsn& d) {
  using namespace x87;
  fx_checks(c, d);
  Exec x(c, d);
  std::array<u8, kFx64> b{};
  const unsigned nxmm = c.mode64() ? 16 : 8;
  x.read_bytes(0, b, c.mode64() ? kFx64 : kFxLegacy);
  CpuState& s = c.state();
  const bool sse = (s.cr4 & kOsfxsr) != 0;
  const u32 mxcsr = get32(b, 24);
  if (sse && (mxcsr & ~c.model().mxcsr_mask)) throw GuestFault::make(kGP, 0);
  FpuState& f = s.fpu;
  f.fcw = control_word(static_cast<u16>(get16(b, 0)));
  f.fsw = static_cast<u16>(get16(b, 2));
  f.full = b[4];
  f.fop = static_cast<u16>(get16(b, 6) & 0x7FF);
  if (fx64(d)) {
    // FXRSTOR64: the image has no selectors; FCS and FDS read as zero
    // afterwards (our choice: the SDM leaves them unspecified).
    f.fip = get32(b, 8) | (u64{get32(b, 12)} << 32);
    f.fdp = get32(b, 16) | (u64{get32(b, 20)} << 32);
    f.fcs = f.fds = 0;
  } else {
    f.fip = d.o32 ? get32(b, 8) : get16(b, 8);
    f.fcs = static_cast<u16>(get16(b, 12));
    f.fdp = d.o32 ? get32(b, 16) : get16(b, 16);
    f.fds = static_cast<u16>(get16(b, 20));
  }
  for (unsigned i = 0; i < 8; ++i) {
    Float80 v;
    v.sig = get32(b, 32 + 16 * i) | (u64{get32(b, 36 + 16 * i)} << 32);
    v.se = static_cast<u16>(get16(b, 40 + 16 * i));
    f.st(i) = v;
  }
  // The SSE state loads only with CR4.OSFXSR set (SDM Vol. 2 FXRSTOR).
  if (sse) {
    f.mxcsr = mxcsr;
    for (unsigned i = 0; i < nxmm; ++i) {
      for (unsigned k = 0; k < 16; ++k) f.xmm[i][k] = b[160 + 16 * i + k];
    }
  }
  f.update_es();
  x87::update_ferr(c);
}

}  // namespace gb::ops
