#include "cpu/ops/bcd.hpp"

namespace gb::ops {

namespace {
u32 flag(bool v, u32 bit) { return v ? bit : 0; }

// The high-digit test of DAA/DAS compares the old AL with 99h (SDM Vol. 2A);
// the 8086 compares with 9Fh when AF is set (SingleStepTests 8086 27/2F).
u8 decimal_limit(const Cpu& c, const LazyFlags& f) { return c.model().is_8086() && f.af() ? 0x9F : 0x99; }
}  // namespace

void daa(Cpu& c, const DecodedInsn&) {
  LazyFlags& f = c.state().flags;
  const u8 old_al = c.reg<u8>(EAX);
  const bool old_cf = f.cf();
  u8 al = old_al;
  bool af = false, cf = false;
  if ((al & 0x0F) > 9 || f.af()) {
    cf = old_cf || al > 0xF9;
    al = static_cast<u8>(al + 6);
    af = true;
  }
  if (old_al > decimal_limit(c, f) || old_cf) {
    al = static_cast<u8>(al + 0x60);
    cf = true;
  }
  c.set_reg<u8>(EAX, al);
  // OF is undefined; the adds above set it as an 8-bit ADD would.
  const bool of = ((old_al ^ al) & al & 0x80) != 0;
  f.set_all(szp_flags(al, 8) | flag(af, fl::AF) | flag(cf, fl::CF) | flag(of, fl::OF));
}

void das(Cpu& c, const DecodedInsn&) {
  LazyFlags& f = c.state().flags;
  const u8 old_al = c.reg<u8>(EAX);
  const bool old_cf = f.cf();
  u8 al = old_al;
  bool af = false, cf = false;
  if ((al & 0x0F) > 9 || f.af()) {
    // The 8086 takes CF from the high-digit step alone (SingleStepTests 2F).
    cf = c.model().is_8086() ? false : old_cf || al < 6;
    al = static_cast<u8>(al - 6);
    af = true;
  }
  if (old_al > decimal_limit(c, f) || old_cf) {
    al = static_cast<u8>(al - 0x60);
    cf = true;
  }
  c.set_reg<u8>(EAX, al);
  const bool of = ((old_al ^ al) & old_al & 0x80) != 0;
  f.set_all(szp_flags(al, 8) | flag(af, fl::AF) | flag(cf, fl::CF) | flag(of, fl::OF));
}

void aaa(Cpu& c, const DecodedInsn&) {
  LazyFlags& f = c.state().flags;
  u16 ax = c.reg<u16>(EAX);
  const bool adj = (ax & 0x0F) > 9 || f.af();
  if (adj) {
    if (c.model().is_8086()) {
      // 8086: AL + 6 does not carry into AH.
      ax = static_cast<u16>(((ax + 0x100) & 0xFF00) | ((ax + 6) & 0xFF));
    } else {
      ax = static_cast<u16>(ax + 0x106);
    }
  }
  ax &= 0xFF0F;
  c.set_reg<u16>(EAX, ax);
  f.set_all(szp_flags(ax & 0xFF, 8) | flag(adj, fl::AF | fl::CF));
}

void aas(Cpu& c, const DecodedInsn&) {
  LazyFlags& f = c.state().flags;
  u16 ax = c.reg<u16>(EAX);
  const bool adj = (ax & 0x0F) > 9 || f.af();
  if (adj) {
    if (c.model().is_8086()) {
      ax = static_cast<u16>(((ax - 0x100) & 0xFF00) | ((ax - 6) & 0xFF));
    } else {
      ax = static_cast<u16>(ax - 6);
      ax = static_cast<u16>(ax - 0x100);
    }
  }
  ax &= 0xFF0F;
  c.set_reg<u16>(EAX, ax);
  f.set_all(szp_flags(ax & 0xFF, 8) | flag(adj, fl::AF | fl::CF));
}

void aam(Cpu& c, const DecodedInsn& d) {
  const u8 base = static_cast<u8>(d.imm);
  if (base == 0) throw divide_error(c);
  const u8 al = c.reg<u8>(EAX);
  const u8 r = static_cast<u8>(al % base);
  c.set_reg<u16>(EAX, static_cast<u16>(((al / base) << 8) | r));
  c.state().flags.set_all(szp_flags(r, 8));
}

void aad(Cpu& c, const DecodedInsn& d) {
  const u8 base = static_cast<u8>(d.imm);
  const u8 al = c.reg<u8>(EAX);
  const u8 prod = static_cast<u8>(c.reg<u8>(4) * base);  // AH * imm8
  const u8 r = static_cast<u8>(al + prod);
  c.set_reg<u16>(EAX, r);
  // CF, AF, OF are undefined; hardware leaves those of the final 8-bit add.
  c.state().flags.set(FlagOp::Add, 1, r, al, prod);
}

}  // namespace gb::ops
