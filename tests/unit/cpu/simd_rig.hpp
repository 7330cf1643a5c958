// A real-mode test machine for the SIMD instructions: code at 1000:0000,
// data at DS = ES = 2000h, interrupt vector v runs a HLT at 0800:v*16, so
// `in_handler(v)` tells which exception an instruction raised. CR4.OSFXSR
// and CR4.OSXMMEXCPT are set unless asked otherwise; FNINIT runs first.
#pragma once
#include <initializer_list>
#include <string>
#include <vector>

#include "cpu/cpu.hpp"

namespace gb::test {

struct SimdMachine {
  static constexpr u16 kHandlerSeg = 0x0800;
  static constexpr u32 kData = 0x20000;  ///< DS base (linear)

  std::vector<u8> ram = std::vector<u8>(1u << 20);
  MemoryMap mem;
  IoMap io;
  Bus bus{mem, io};
  Cpu cpu;
  CpuState& s;
  u32 at = 0;  ///< next code byte (CS offset)

  /// `init`: FNINIT first (it would fault itself under CR0.EM or TS).
  explicit SimdMachine(const std::string& model = "nehalem", u32 cr4 = 0x600, bool init = true)
      : cpu(bus, *find_cpu_model(model)), s(cpu.state()) {
    mem.map_ram(0, ram);
    cpu.set_log(nullptr);
    seg(CS, 0x1000);
    seg(DS, 0x2000);
    seg(ES, 0x2000);
    seg(SS, 0x3000);
    s.gpr[ESP] = 0xFFFE;
    s.rip = 0;
    s.cr4 = cr4;
    for (unsigned v = 0; v < 256; ++v) {
      store_le<u16>(&ram[v * 4], static_cast<u16>(v * 16));
      store_le<u16>(&ram[v * 4 + 2], kHandlerSeg);
      ram[kHandlerSeg * 16u + v * 16] = 0xF4;  // HLT
    }
    if (init) code({0xDB, 0xE3});  // FNINIT
  }
  void seg(unsigned r, u16 sel) {
    s.seg[r].selector = sel;
    s.seg[r].base = u32{sel} << 4;
  }
  /// Appends code at CS:at.
  void code(std::initializer_list<u8> bytes) {
    for (u8 b : bytes) ram.at(s.seg[CS].base + at++) = b;
  }
  /// Runs to the HLT that ends the test code (appended here), or into a
  /// handler's HLT.
  StopReason run(unsigned limit = 200) {
    code({0xF4});
    return cpu.run(limit);
  }
  bool in_handler(u8 v) const { return s.seg[CS].selector == kHandlerSeg && s.rip == v * 16u + 1; }
  /// Ran to the end of the test code without an exception.
  bool completed() const { return s.seg[CS].selector == 0x1000 && s.rip == at; }

  Vec128& xmm(unsigned i) { return s.fpu.xmm[i]; }
  u64 mm(unsigned i) const { return s.fpu.r[i].sig; }
  u8* data(u32 off) { return &ram.at(kData + off); }
  template <class T>
  T get(u32 off) const {
    return load_le<std::make_unsigned_t<T>>(&ram.at(kData + off));
  }
  template <class T>
  void put(u32 off, T v) {
    store_le<std::make_unsigned_t<T>>(&ram.at(kData + off), static_cast<std::make_unsigned_t<T>>(v));
  }
};

}  // namespace gb::test
