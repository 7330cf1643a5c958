// Bit tests and scans, exchange-and-add, compare-and-exchange (SDM Vol. 2A:
// BT, BTS, BTR, BTC, BSF, BSR, XADD, CMPXCHG).
#pragma once
#include "cpu/ops/alu.hpp"

namespace gb::ops {

enum class BitOp : u8 { Bt, Bts, Btr, Btc };

/// BTx Ev, Gv: with a memory operand the register bit offset is signed and
/// may address outside the operand (SDM Vol. 2A, BT, "bit string").
template <BitOp op, bool kImm, class T>
void bt(Cpu& c, const DecodedInsn& d) {
  constexpr unsigned bits = 8 * sizeof(T);
  u32 bit;
  u64 off = 0;
  bool mem = d.mod() != 3;
  if (kImm) {
    bit = d.imm & (bits - 1);
  } else {
    const T raw = c.reg<T>(d.xreg());
    bit = raw & (bits - 1);
    if (mem) {
      using S = std::make_signed_t<T>;
      const i64 disp = static_cast<i64>(static_cast<S>(raw) >> (sizeof(T) == 2 ? 4 : sizeof(T) == 4 ? 5 : 6)) *
                       static_cast<i64>(sizeof(T));
      off = static_cast<u64>(disp);
    }
  }
  T v;
  u64 addr = 0;
  if (mem) {
    addr = (c.ea(d) + off) & addr_mask(d);
    v = c.read<T>(d.seg, addr);
    if constexpr (op != BitOp::Bt) c.probe_write(d.seg, addr, sizeof(T));  // (as Cpu::read_rmw)
  } else {
    v = c.reg<T>(d.xrm());
  }
  const bool was = (v >> bit) & 1;
  c.state().flags.set_some(fl::CF, was ? fl::CF : 0);
  if constexpr (op == BitOp::Bt) return;
  const T m = static_cast<T>(T{1} << bit);
  const T r = op == BitOp::Bts ? static_cast<T>(v | m) : op == BitOp::Btr ? static_cast<T>(v & ~m) : static_cast<T>(v ^ m);
  if (mem) {
    c.write<T>(d.seg, addr, r);
  } else {
    c.set_reg<T>(d.xrm(), r);
  }
}

/// BSF/BSR: ZF set and the destination unchanged when the source is zero.
template <bool kReverse, class T>
void bsx(Cpu& c, const DecodedInsn& d) {
  const T v = c.read_rm<T>(d);
  if (v == 0) {
    c.state().flags.set_some(fl::ZF, fl::ZF);
    return;
  }
  unsigned i = 0;
  if (kReverse) {
    i = 8 * sizeof(T) - 1;
    while (!((v >> i) & 1)) --i;
  } else {
    while (!((v >> i) & 1)) ++i;
  }
  c.set_reg<T>(d.xreg(), static_cast<T>(i));
  c.state().flags.set_some(fl::ZF, 0);
}

template <class T>
void xadd(Cpu& c, const DecodedInsn& d) {
  const T a = c.read_rmw<T>(d);
  const T b = c.reg<T>(d.xreg());
  const T r = alu<Alu::Add, T>(c.state().flags, a, b);
  // SRC := DEST, then DEST := the sum (so XADD r, r leaves the sum).
  c.set_reg<T>(d.xreg(), a);
  c.write_rm<T>(d, r);
}

/// CMPXCHG Ev, Gv: the destination is written either way (with its old
/// value on a mismatch), as the locked bus cycle does (SDM Vol. 2A).
template <class T>
void cmpxchg(Cpu& c, const DecodedInsn& d) {
  const T dst = c.read_rmw<T>(d);
  const T acc = c.reg<T>(EAX);
  alu<Alu::Cmp, T>(c.state().flags, acc, dst);
  if (acc == dst) {
    c.write_rm<T>(d, c.reg<T>(d.xreg()));
  } else {
    // A register destination is not written on a mismatch, so a 32-bit one
    // keeps bits 63:32 (as hardware does; QEMU and other emulators agree).
    if (d.mod() != 3) c.write_rm<T>(d, dst);
    c.set_reg<T>(EAX, dst);
  }
}

}  // namespace gb::ops
