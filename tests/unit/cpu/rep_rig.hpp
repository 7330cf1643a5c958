// The REP string tests' machine: flat 32-bit protected mode without paging,
// 4 MiB of RAM, code at 1000h, an MMIO page at 400000h, a port device at
// E0h-E3h and an interrupt controller answering with vector 20h.
#pragma once
#include <algorithm>
#include <initializer_list>
#include <vector>

#include "cpu/cpu.hpp"

namespace rep_rig {

using namespace gb;

struct Mmio : MmioHandler {
  std::vector<u32> writes;
  u32 mmio_read(PhysAddr, Width) override { return 0; }
  void mmio_write(PhysAddr, u32 v, Width) override { writes.push_back(v); }
};

/// Port E0h: reads count up from 1 (1, 2, 3 ...), writes are logged. The
/// read numbered `intr_at` (from 1) raises INTR; the one numbered `stop_at`
/// asks the CPU to end its run (Bus::request_stop).
struct Port : IoHandler {
  Cpu* cpu = nullptr;
  Bus* bus = nullptr;
  u32 reads = 0;
  u32 intr_at = 0;
  u32 stop_at = 0;
  std::vector<u32> writes;
  u32 io_read(u16, Width) override {
    ++reads;
    if (reads == intr_at) cpu->set_intr(true);
    if (reads == stop_at) bus->request_stop();
    return reads;
  }
  void io_write(u16, u32 v, Width) override { writes.push_back(v); }
  Width io_max_width() const override { return Width::Dword; }
};

struct Pic : InterruptAcknowledge {
  Cpu* cpu = nullptr;
  u8 acknowledge() override {
    cpu->set_intr(false);
    return 0x20;
  }
};

struct Rig {
  std::vector<u8> ram = std::vector<u8>(4u << 20);
  MemoryMap mem;
  IoMap io;
  Bus bus{mem, io};
  Mmio mmio;
  Port port;
  Pic pic;
  Cpu cpu;
  CpuState& s;
  Rig() : cpu(bus, *find_cpu_model("pentium-pro")), s(cpu.state()) {
    mem.map_ram(0, ram);
    mem.map_mmio(0x40'0000, 0x1000, mmio);
    port.cpu = &cpu;
    port.bus = &bus;
    io.map(0xE0, 0xE3, port);
    pic.cpu = &cpu;
    bus.set_interrupt_acknowledge(&pic);
    cpu.set_log(nullptr);
    s.seg[CS].selector = 0;
    s.seg[CS].base = 0;  // out of the reset state's FFFF0000
    const u8 gdt[] = {0, 0, 0, 0, 0, 0, 0, 0,
                      0xFF, 0xFF, 0, 0, 0, 0x9A, 0xCF, 0,   // 08: code, 4 GiB, 32-bit
                      0xFF, 0xFF, 0, 0, 0, 0x92, 0xCF, 0};  // 10: data, 4 GiB
    std::copy(std::begin(gdt), std::end(gdt), ram.begin() + 0x500);
    s.gdtr = TableRegister{0x500, 23};
    // IDT at 700h: vector 20h -> 08:3000, where a HLT waits.
    const u8 gate[] = {0x00, 0x30, 0x08, 0x00, 0x00, 0x8E, 0x00, 0x00};
    std::copy(std::begin(gate), std::end(gate), ram.begin() + 0x700 + 0x20 * 8);
    s.idtr = TableRegister{0x700, 0x20 * 8 + 7};
    ram[0x3000] = 0xF4;
    cpu.write_cr0(s.cr0 | 1);
    for (unsigned r : {ES, SS, DS}) cpu.load_segment(r, 0x10);
    r_code(0x08);
    s.rip = 0x1000;
    s.gpr[ESP] = 0x8000;
  }
  void r_code(u16 sel) {
    // Far-jump once (16-bit code still) to load CS from the GDT.
    const u8 jmp[] = {0xEA, 0x00, 0x10, static_cast<u8>(sel), 0x00};
    std::copy(std::begin(jmp), std::end(jmp), ram.begin() + 0xF00);
    s.rip = 0xF00;
    cpu.step();
  }
  /// The bytes at 1000h, then a HLT; EIP at 1000h.
  void code(std::initializer_list<u8> b) { code(std::vector<u8>(b)); }
  void code(const std::vector<u8>& b) {
    std::copy(b.begin(), b.end(), ram.begin() + 0x1000);
    ram[0x1000 + b.size()] = 0xF4;
    bus.host_wrote(0x1000, b.size() + 1);
    s.rip = 0x1000;
    s.halted = false;
  }
  /// A DR0 write breakpoint far from the test's data: every access then
  /// takes the checked path, so REP runs element by element (the reference).
  void element_path() {
    s.dr[0] = 0x3F'FFF0;
    s.dr[7] = 0x1 | (1u << 16);  // L0, R/W0 = 01 (writes), LEN0 = 1 byte
    cpu.update_breakpoints();
  }
};

}  // namespace rep_rig
