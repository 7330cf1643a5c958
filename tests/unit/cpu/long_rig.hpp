// A bare IA-32e machine for CPU unit tests of the system structures: the
// protected-mode rig (pm_rig.hpp) on a 64-bit model, with EFER.LMA set by
// hand (paging stays off: identity translation, which is all these tests
// need), 64-bit code at 28h, a 64-bit TSS at 3000h (selector 50h, 16 bytes),
// the 64-bit IDT at 10000h (16-byte gates) and CS:RIP = 28h:1000h.
#pragma once
#include "cpu/msr.hpp"
#include "tests/unit/cpu/pm_rig.hpp"

namespace gb::test {

struct LongRig : PmRig {
  static constexpr u32 kTss64 = 0x3000, kIdt64 = 0x10000;
  static constexpr u16 kCode64 = 0x28, kData0b = 0x30, kData3 = 0x38, kCode64u = 0x40, kCode32u = 0x48,
                       kTss64Sel = 0x50;

  explicit LongRig(const char* model = "core2duo") : PmRig(model) {
    desc(kCode64, 0, 0xFFFFF, 0x9A, 0xA);   // 64-bit code, DPL 0 (G, L)
    desc(kData0b, 0, 0xFFFFF, 0x92, 0xC);   // data, DPL 0
    desc(kData3, 0, 0xFFFFF, 0xF2, 0xC);    // data, DPL 3
    desc(kCode64u, 0, 0xFFFFF, 0xFA, 0xA);  // 64-bit code, DPL 3
    desc(kCode32u, 0, 0xFFFFF, 0xFA, 0xC);  // 32-bit code, DPL 3 (compatibility mode)
    desc(kTss64Sel, kTss64, 0x67 + 0x2000, 0x89, 0);  // 64-bit TSS, available; upper half 0
    store_le<u16>(&ram[kTss64 + 0x66], 0x68);         // I/O map base
    s.cr4 |= 0x20;                                    // PAE
    s.efer |= msr::kEferLme | msr::kEferLma | msr::kEferSce;
    cpu.update_mode();  // compatibility mode, CS = 08h
    cpu.load_tr(kTss64Sel);
    s.idtr = TableRegister{kIdt64, 0xFFF};
    // A far jump from compatibility mode enters 64-bit mode.
    put(0xF00, {0xEA, 0x00, 0x10, 0x00, 0x00, static_cast<u8>(kCode64), 0x00});
    s.rip = 0xF00;
    cpu.step();
    REQUIRE(cpu.mode64());
    REQUIRE(s.rip == kCode);
    s.gpr[ESP] = 0x8008;
  }
  /// 16-byte IDT gate: `access` 8Eh interrupt gate (EEh DPL 3), 8Fh trap
  /// gate, 85h task gate; `ist` 0-7.
  void gate64(u8 vector, u16 sel, u64 offset, u8 access, unsigned ist = 0) {
    u8* p = &ram[kIdt64 + vector * 16u];
    store_le<u16>(p, static_cast<u16>(offset));
    store_le<u16>(p + 2, sel);
    p[4] = static_cast<u8>(ist);
    p[5] = access;
    store_le<u16>(p + 6, static_cast<u16>(offset >> 16));
    store_le<u32>(p + 8, static_cast<u32>(offset >> 32));
    store_le<u32>(p + 12, 0);
  }
  /// 16-byte call gate at GDT `sel` to target:offset, DPL `dpl`; `upper_type`
  /// is the second quadword's type field (must be 0).
  void call_gate64(u16 sel, u16 target, u64 offset, unsigned dpl, u8 upper_type = 0) {
    u8* p = &ram[kGdt + sel];
    store_le<u16>(p, static_cast<u16>(offset));
    store_le<u16>(p + 2, target);
    p[4] = 0;
    p[5] = static_cast<u8>(0x8C | (dpl << 5));
    store_le<u16>(p + 6, static_cast<u16>(offset >> 16));
    store_le<u32>(p + 8, static_cast<u32>(offset >> 32));
    store_le<u32>(p + 12, u32{upper_type} << 8);
  }
  u64 qword(u32 lin) const { return load_le<u64>(&ram.at(lin)); }
  void set_qword(u32 lin, u64 v) { store_le<u64>(&ram.at(lin), v); }
};

}  // namespace gb::test
