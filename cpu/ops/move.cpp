#include "cpu/ops/move.hpp"

namespace gb::ops {

void mov_SE(Cpu& c, const DecodedInsn& d) {
  unsigned sr = d.reg();
  if (c.model().is_8086()) {
    sr &= 3;  // 8086 decodes only two bits of the Sreg field
  } else if (sr == CS || sr > (c.model().at_least(CpuFamily::i386) ? 5u : 3u)) {
    throw GuestFault::make(kUD);  // MOV CS, Ew is #UD after the 8086
  }
  const u16 sel = c.read_rm<u16>(d);
  if (sr == CS) {
    c.load_cs_real(sel, c.state().rip, false);
    return;
  }
  c.load_segment(sr, sel);
  if (sr == SS) c.set_interrupt_shadow();
}

void xlat(Cpu& c, const DecodedInsn& d) {
  const unsigned seg = d.seg_override != kNone ? d.seg_override : unsigned{DS};
  const u64 off = (c.state().gpr[EBX] + c.reg<u8>(EAX)) & addr_mask(d);
  c.set_reg<u8>(EAX, c.read<u8>(seg, off));
}


void bswap(Cpu& c, const DecodedInsn& d) {
  const unsigned r = d.xrm();
  if (d.o64) {
    c.set_reg<u64>(r, byteswap(c.reg<u64>(r)));
  } else if (d.o32) {
    c.set_reg<u32>(r, byteswap(c.reg<u32>(r)));
  } else {
    c.set_reg<u16>(r, 0);  // 16-bit BSWAP is undefined; the P6 clears the word
  }
}

void lahf(Cpu& c, const DecodedInsn&) { c.set_reg<u8>(4, static_cast<u8>(c.eflags())); }

void sahf(Cpu& c, const DecodedInsn&) {
  const u32 mask = fl::SF | fl::ZF | fl::AF | fl::PF | fl::CF;
  c.state().flags.set_some(mask, c.reg<u8>(4));
}

void salc(Cpu& c, const DecodedInsn&) { c.set_reg<u8>(EAX, c.state().flags.cf() ? 0xFF : 0); }

}  // namespace gb::ops
