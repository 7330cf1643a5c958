#include "cpu/ops/misc.hpp"

namespace gb {

void op_invalid(Cpu& c, const DecodedInsn& d) {
  c.log_invalid(d);
  throw GuestFault::make(kUD);
}

void op_prefixes_only(Cpu&, const DecodedInsn&) {}

namespace ops {

void clc(Cpu& c, const DecodedInsn&) { c.state().flags.set_some(fl::CF, 0); }
void stc(Cpu& c, const DecodedInsn&) { c.state().flags.set_some(fl::CF, fl::CF); }
void cmc(Cpu& c, const DecodedInsn&) { c.state().flags.set_some(fl::CF, c.state().flags.cf() ? 0 : fl::CF); }
void cld(Cpu& c, const DecodedInsn&) { c.state().eflags_rest &= ~fl::DF; }
void std_(Cpu& c, const DecodedInsn&) { c.state().eflags_rest |= fl::DF; }
/// CLI/STI: #GP(0) when CPL > IOPL in protected mode, or IOPL < 3 in V86
/// mode (SDM Vol. 2A CLI; no VME/PVI yet).
void check_iopl(const Cpu& c) {
  const CpuState& s = c.state();
  if (s.pe() && s.cpl > s.iopl()) throw GuestFault::make(kGP, 0);
}

void cli(Cpu& c, const DecodedInsn&) {
  check_iopl(c);
  c.state().eflags_rest &= ~fl::IF;
}

void sti(Cpu& c, const DecodedInsn&) {
  check_iopl(c);
  // Interrupts stay off until after the next instruction when STI sets IF
  // (SDM Vol. 2B, STI).
  if (!(c.state().eflags_rest & fl::IF)) c.set_interrupt_shadow();
  c.state().eflags_rest |= fl::IF;
}

void hlt(Cpu& c, const DecodedInsn&) {
  c.require_cpl0();
  c.set_halted();
}
void nop(Cpu&, const DecodedInsn&) {}

void nop90(Cpu& c, const DecodedInsn& d) {
  if (d.rex & 1) [[unlikely]] {
    // 64-bit mode, REX.B: XCHG r8, rAX; a 32-bit exchange zero-extends both.
    auto& g = c.state().gpr;
    const u64 a = g[EAX], b = g[8];
    if (d.o64) {
      g[EAX] = b;
      g[8] = a;
    } else if (d.o32) {
      g[EAX] = static_cast<u32>(b);
      g[8] = static_cast<u32>(a);
    } else {
      g[EAX] = (a & ~u64{0xFFFF}) | (b & 0xFFFF);
      g[8] = (b & ~u64{0xFFFF}) | (a & 0xFFFF);
    }
    return;
  }
  if (d.rep == 0xF3 && c.yield_on_pause()) c.yield();
}
void invd(Cpu& c, const DecodedInsn&) { c.require_cpl0(); }

void wait(Cpu& c, const DecodedInsn&) {
  // #NM when CR0.MP and CR0.TS are both set (SDM Vol. 2B, WAIT/FWAIT).
  if ((c.state().cr0 & 0xA) == 0xA && c.model().at_least(CpuFamily::i286)) throw GuestFault::make(kNM);
}

void esc(Cpu& c, const DecodedInsn& d) {
  // With CR0.EM or CR0.TS set, escape opcodes raise #NM (SDM Vol. 3A 2.5).
  if (c.model().at_least(CpuFamily::i286) && (c.state().cr0 & 0xC)) throw GuestFault::make(kNM);
  // The models without an FPU (has_fpu; those with one route D8-DF to
  // ops::x87_esc): the 8086 and 286 without a coprocessor treat ESC as a
  // no-op that only decodes its operand; the 386 without a 387 raises #UD.
  if (c.model().at_least(CpuFamily::i386)) op_invalid(c, d);
  // The 286 still reads a word at the operand's address, so a word beyond
  // the segment limit faults (SingleStepTests 80286 D8).
  if (c.model().family == CpuFamily::i286 && d.mem()) c.check_read(d.seg, c.ea(d), 2);
}

}  // namespace ops
}  // namespace gb
