// A bare protected-mode machine for CPU unit tests that need descriptors:
// 4 MiB of RAM, the GDT at 500h, a 32-bit TSS at 600h, the IDT at 800h
// (256 gates), code at 1000h, a flat 32-bit ring-0 stack below 8000h.
// Tests add descriptors and gates, then run code with step()/run().
#pragma once
#include <catch2/catch.hpp>

#include <algorithm>
#include <initializer_list>
#include <vector>

#include "cpu/cpu.hpp"

namespace gb::test {

/// Records the faults the CPU delivers (not traps or software interrupts).
struct FaultLog : CpuObserver {
  std::vector<GuestFault> faults;
  void on_fault(const Cpu&, const GuestFault& f) override { faults.push_back(f); }
};

struct PmRig {
  static constexpr u32 kGdt = 0x500, kTss = 0x600, kIdt = 0x800, kCode = 0x1000;
  static constexpr u16 kCode0 = 0x08, kData0 = 0x10, kTssSel = 0x18;

  std::vector<u8> ram = std::vector<u8>(4u << 20);
  MemoryMap mem;
  IoMap io;
  Bus bus{mem, io};
  Cpu cpu;
  CpuState& s;
  FaultLog log;

  explicit PmRig(const char* model = "pentium-pro") : cpu(bus, *find_cpu_model(model)), s(cpu.state()) {
    mem.map_ram(0, ram);
    cpu.set_log(nullptr);
    cpu.set_observer(&log);
    s.seg[CS].selector = 0;
    s.seg[CS].base = 0;  // out of the reset state's FFFF0000
    desc(kCode0, 0, 0xFFFFF, 0x9A, 0xC);  // 32-bit code, 4 GiB
    desc(kData0, 0, 0xFFFFF, 0x92, 0xC);  // 32-bit data, 4 GiB
    desc(kTssSel, kTss, 0x67, 0x89, 0);   // 32-bit TSS, available
    s.gdtr = TableRegister{kGdt, 0xFF};
    s.idtr = TableRegister{kIdt, 0x7FF};
    store_le<u32>(&ram[kTss + 4], 0x7000);  // ESP0
    store_le<u16>(&ram[kTss + 8], kData0);  // SS0
    cpu.write_cr0(s.cr0 | 1);
    cpu.load_tr(kTssSel);
    for (unsigned r : {ES, SS, DS, FS, GS}) cpu.load_segment(r, kData0);
    // A far jump from 16-bit code loads CS from the GDT.
    put(0xF00, {0xEA, 0x00, 0x10, static_cast<u8>(kCode0), 0x00});
    s.rip = 0xF00;
    cpu.step();
    REQUIRE(s.rip == kCode);
    s.gpr[ESP] = 0x8000;
  }
  /// GDT entry `sel`: base, 20-bit limit, access byte, flags nibble (G=8, D/B=4).
  void desc(u16 sel, u32 base, u32 limit, u8 access, u8 flags) {
    u8* p = &ram[kGdt + (sel & ~7u)];
    store_le<u16>(p, static_cast<u16>(limit));
    store_le<u16>(p + 2, static_cast<u16>(base));
    p[4] = static_cast<u8>(base >> 16);
    p[5] = access;
    p[6] = static_cast<u8>(((limit >> 16) & 0xF) | (flags << 4));
    p[7] = static_cast<u8>(base >> 24);
  }
  /// IDT gate `vector` to sel:offset; `type` the access byte (8Eh: 32-bit
  /// interrupt gate, DPL 0; EEh: DPL 3; 8Fh: trap gate).
  void gate(u8 vector, u16 sel, u32 offset, u8 type) {
    u8* p = &ram[kIdt + vector * 8u];
    store_le<u16>(p, static_cast<u16>(offset));
    store_le<u16>(p + 2, sel);
    p[4] = 0;
    p[5] = type;
    store_le<u16>(p + 6, static_cast<u16>(offset >> 16));
  }
  void put(u32 addr, std::initializer_list<u8> bytes) {
    std::copy(bytes.begin(), bytes.end(), ram.begin() + addr);
    bus.host_wrote(addr, bytes.size());
  }
  /// `bytes` at 1000h, then HLT; EIP there.
  void code(std::initializer_list<u8> bytes) {
    put(kCode, bytes);
    put(kCode + static_cast<u32>(bytes.size()), {0xF4});
    s.rip = kCode;
    s.halted = false;
  }
  u32 dword(u32 lin) const { return load_le<u32>(&ram.at(lin)); }
};

}  // namespace gb::test
