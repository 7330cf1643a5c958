// gb::Machine (devices/pc/machine.hpp): tiny real-mode BIOS programs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "devices/pc/machine.hpp"

using namespace gb;
using Kind = RunResult::Kind;

namespace {

constexpr size_t k64K = 64 * 1024;

struct Collect : ByteSink {
  std::string* out;
  explicit Collect(std::string* o) : out(o) {}
  void put(u8 b) override { out->push_back(static_cast<char>(b)); }
};

/// A 64 KiB BIOS: `reset` at offset 0xFFF0 (the reset vector: F000:FFF0, or
/// FFFF:0000 on the 8086), `body` at offset 0 (F000:0000).
std::vector<u8> bios(std::initializer_list<u8> reset, std::initializer_list<u8> body = {}) {
  std::vector<u8> rom(k64K, 0xF4);  // hlt everywhere else
  REQUIRE(reset.size() <= 16);
  size_t a = 0xFFF0;
  for (u8 b : reset) rom[a++] = b;
  a = 0;
  for (u8 b : body) rom[a++] = b;
  return rom;
}

// jmp far F000:0000 (where `body` lives).
const std::initializer_list<u8> kJmpBody = {0xEA, 0x00, 0x00, 0x00, 0xF0};

// mov al,'h'; out 0xE9,al; mov al,'i'; out 0xE9,al; xor al,al; out 0xF4,al
const std::initializer_list<u8> kHiExit = {0xB0, 'h', 0xE6, 0xE9, 0xB0, 'i', 0xE6, 0xE9, 0x30, 0xC0, 0xE6, 0xF4};

MachineConfig config(const std::string& model, std::vector<u8> rom, std::string* out = nullptr) {
  MachineConfig c;
  c.cpu = find_cpu_model(model);
  REQUIRE(c.cpu != nullptr);
  c.ram_mib = 1;
  c.bios = std::move(rom);
  if (out) c.debugcon = std::make_unique<Collect>(out);
  c.debug_exit = std::pair<u16, u16>{0xF4, 4};
  c.no_reboot = true;
  return c;
}

}  // namespace

TEST_CASE("MachineConfig defaults", "[machine]") {
  MachineConfig c;
  CHECK(c.cpu == &default_cpu_model());
  CHECK(c.cpu->name == "icelake-server");
  CHECK(c.ram_mib == 128);
  CHECK_FALSE(c.debug_exit.has_value());
  CHECK_FALSE(c.no_reboot);
}

TEST_CASE("Machine: debugcon output then isa-debug-exit", "[machine]") {
  const std::string model = GENERATE(as<std::string>{}, "pentium-pro", "8086", "286", "386");
  INFO("model " << model);
  std::string out;
  Machine m(config(model, bios(kHiExit), &out));
  const RunResult r = m.run(0);
  CHECK(r.kind == Kind::Exit);
  CHECK(r.exit_status == 1);
  CHECK(out == "hi");
  CHECK(m.cpu().instructions() == 6);
}

TEST_CASE("Machine: exit status follows the value written", "[machine]") {
  // mov al,0x2A; out 0xF5,al (inside the 4-port range)
  Machine m(config("pentium-pro", bios({0xB0, 0x2A, 0xE6, 0xF5})));
  const RunResult r = m.run(0);
  CHECK(r.kind == Kind::Exit);
  CHECK(r.exit_status == 0x55);
}

TEST_CASE("Machine: the SeaBIOS log port 0x402 goes to the debug console", "[machine]") {
  // mov dx,0x402; mov al,'s'; out dx,al; cli; hlt
  std::string out;
  Machine m(config("pentium-pro", bios({0xBA, 0x02, 0x04, 0xB0, 's', 0xEE, 0xFA, 0xF4}), &out));
  CHECK(m.run(0).kind == Kind::Halted);
  CHECK(out == "s");
}

TEST_CASE("Machine: the default model is icelake-server", "[machine]") {
  MachineConfig c;
  c.ram_mib = 1;
  c.bios = bios(kHiExit);
  c.debug_exit = std::pair<u16, u16>{0xF4, 4};
  Machine m(std::move(c));
  CHECK(&m.cpu().model() == &default_cpu_model());
  const RunResult r = m.run(0);
  CHECK(r.kind == Kind::Exit);
  CHECK(r.exit_status == 1);
}

TEST_CASE("Machine: code reached by a far jump from the reset vector", "[machine]") {
  const std::string model = GENERATE(as<std::string>{}, "pentium-pro", "8086");
  INFO("model " << model);
  std::string out;
  Machine m(config(model, bios(kJmpBody, kHiExit), &out));
  const RunResult r = m.run(0);
  CHECK(r.kind == Kind::Exit);
  CHECK(r.exit_status == 1);
  CHECK(out == "hi");
  CHECK(m.cpu().state().seg[CS].selector == 0xF000);
}

TEST_CASE("Machine: a bad BIOS size throws invalid_argument", "[machine]") {
  for (size_t size : {size_t{0}, size_t{1000}, k64K - 1, k64K + 1, 3 * k64K / 2}) {
    INFO("size " << size);
    MachineConfig c;
    c.ram_mib = 1;
    c.bios.assign(size, 0);
    CHECK_THROWS_AS(Machine(std::move(c)), std::invalid_argument);
  }
  MachineConfig big;
  big.ram_mib = 1;
  big.bios.assign(17u * 1024 * 1024, 0);  // a multiple of 64 KiB, above 16 MiB
  CHECK_THROWS_AS(Machine(std::move(big)), std::invalid_argument);
}

TEST_CASE("Machine: a BIOS of several 64 KiB blocks runs its last block", "[machine]") {
  std::vector<u8> rom(2 * k64K, 0xF4);
  const std::vector<u8> top = bios(kHiExit);
  std::copy(top.begin(), top.end(), rom.begin() + k64K);
  std::string out;
  Machine m(config("pentium-pro", rom, &out));
  const RunResult r = m.run(0);
  CHECK(r.kind == Kind::Exit);
  CHECK(out == "hi");
}

TEST_CASE("Machine: bad RAM size and port range throw invalid_argument", "[machine]") {
  {
    MachineConfig c = config("pentium-pro", bios(kHiExit));
    c.ram_mib = 0;
    CHECK_THROWS_AS(Machine(std::move(c)), std::invalid_argument);
  }
  {
    MachineConfig c = config("pentium-pro", bios(kHiExit));
    c.debug_exit = std::pair<u16, u16>{0xF4, 0};
    CHECK_THROWS_AS(Machine(std::move(c)), std::invalid_argument);
  }
  {
    MachineConfig c = config("pentium-pro", bios(kHiExit));
    c.debug_exit = std::pair<u16, u16>{0xFFFF, 2};
    CHECK_THROWS_AS(Machine(std::move(c)), std::invalid_argument);
  }
}

// The configuration is validated before RAM is allocated, so a huge size is
// std::invalid_argument, not std::bad_alloc. (Skipped under AddressSanitizer,
// which would abort if the allocation were ever attempted.)
#if defined(__SANITIZE_ADDRESS__)
#define GB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GB_ASAN 1
#endif
#endif
#ifndef GB_ASAN
TEST_CASE("Machine: a huge RAM size is rejected before allocating", "[machine]") {
  MachineConfig c = config("pentium-pro", bios(kHiExit));
  c.ram_mib = 0xFFFF'FFFFu;
  CHECK_THROWS_AS(Machine(std::move(c)), std::invalid_argument);
}
#endif

TEST_CASE("Machine: cli; hlt returns Halted", "[machine]") {
  const std::string model = GENERATE(as<std::string>{}, "pentium-pro", "8086");
  INFO("model " << model);
  std::string out;
  Machine m(config(model, bios({0xB0, '.', 0xE6, 0xE9, 0xFA, 0xF4}), &out));
  const RunResult r = m.run(0);
  CHECK(r.kind == Kind::Halted);
  CHECK(out == ".");
  CHECK(m.cpu().state().halted);
  CHECK(m.cpu().instructions() == 4);
}

TEST_CASE("Machine: insn_limit stops with InsnLimit", "[machine]") {
  const std::string model = GENERATE(as<std::string>{}, "pentium-pro", "8086");
  INFO("model " << model);
  Machine m(config(model, bios({0xEB, 0xFE})));  // jmp $
  const RunResult r = m.run(1000);
  CHECK(r.kind == Kind::InsnLimit);
  CHECK(m.cpu().instructions() == 1000);
  // The limit counts all instructions run so far.
  CHECK(m.run(1000).kind == Kind::InsnLimit);
  CHECK(m.cpu().instructions() == 1000);
  CHECK(m.run(1500).kind == Kind::InsnLimit);
  CHECK(m.cpu().instructions() == 1500);
}

TEST_CASE("Machine: an insn_limit beyond one run slice", "[machine]") {
  Machine m(config("pentium-pro", bios({0xEB, 0xFE})));
  const u64 limit = (u64{1} << 20) + 12345;
  CHECK(m.run(limit).kind == Kind::InsnLimit);
  CHECK(m.cpu().instructions() == limit);
}

namespace {
// lidt cs:[0x0010] (limit 0, base 0); ud2: #UD -> #GP (beyond the IDT limit)
// -> ... -> shutdown.
const std::initializer_list<u8> kTripleFault = {
    0x2E, 0x0F, 0x01, 0x1E, 0x10, 0x00,  // lidt cs:[0x10]
    0x0F, 0x0B,                          // ud2
    0xF4, 0xF4, 0xF4, 0xF4, 0xF4, 0xF4, 0xF4, 0xF4,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 0x10: limit 0, base 0
};
}  // namespace

TEST_CASE("Machine: a PIT interrupt due during a long REP STOSB stops it on time", "[machine][rep]") {
  // Real mode: IRQ0 -> F000:0100, PIT channel 0 in mode 2 with a count of
  // 100 (83.8 us, 8381 instructions at 10 ns), the 8259A initialised after
  // it (no edge latched yet) with only IRQ0 unmasked, then STI; REP STOSB
  // of FFFFh bytes at 1000:0000.
  // Each iteration counts in virtual time and the REP stops between
  // iterations at the run's budget (the tick's deadline): the handler finds
  // the count it left, not 0.
  std::vector<u8> rom = bios(kJmpBody, {0x31, 0xC0, 0x8E, 0xD8, 0xC7, 0x06, 0x20, 0x00, 0x00, 0x01, 0xC7, 0x06, 0x22,
                                        0x00, 0x00, 0xF0, 0xB0, 0x34, 0xE6, 0x43, 0xB0, 0x64, 0xE6, 0x40, 0x30, 0xC0,
                                        0xE6, 0x40, 0xB0, 0x11, 0xE6, 0x20, 0xB0, 0x08, 0xE6, 0x21, 0xB0, 0x04, 0xE6,
                                        0x21, 0xB0, 0x01, 0xE6, 0x21, 0xB0, 0xFE, 0xE6, 0x21, 0xB8, 0x00, 0x10, 0x8E,
                                        0xC0, 0x31, 0xFF, 0xB9, 0xFF, 0xFF, 0xFB, 0xF3, 0xAA});
  // F000:0100: mov [600h], cx; xor al, al; out F4h, al
  const u8 handler[] = {0x89, 0x0E, 0x00, 0x06, 0x30, 0xC0, 0xE6, 0xF4};
  std::copy(std::begin(handler), std::end(handler), rom.begin() + 0x100);
  Machine m(config("pentium-pro", std::move(rom)));
  CHECK(m.run(0).kind == Kind::Exit);
  const u32 done = 0xFFFF - m.bus().read<u16>(0x600);
  // One period, less the few instructions between loading the count and
  // the REP, plus the PIT's clocks of load and reload latency: on time to
  // within a few microseconds, where the REP counted as one instruction
  // took the tick only after its 65535 bytes.
  CHECK(done > 8381 - 100);
  CHECK(done < 8381 + 200);
  CHECK(m.cpu().state().gpr[EDI] == done);
}

TEST_CASE("Machine: a triple fault under no_reboot returns Shutdown", "[machine]") {
  const std::string model = GENERATE(as<std::string>{}, "pentium-pro", "386", "286");
  INFO("model " << model);
  Machine m(config(model, bios(kJmpBody, kTripleFault)));
  m.cpu().set_log(nullptr);
  const RunResult r = m.run(0);
  CHECK(r.kind == Kind::Shutdown);
  CHECK(m.cpu().shutdown());
  CHECK(m.cpu().state().idtr.limit == 0);
}

TEST_CASE("Machine: a triple fault without no_reboot resets the CPU", "[machine]") {
  MachineConfig c = config("pentium-pro", bios(kJmpBody, kTripleFault));
  c.no_reboot = false;
  Machine m(std::move(c));
  m.cpu().set_log(nullptr);
  // Each boot runs jmp, lidt, ud2 (3 instructions) and resets; the limit
  // ends the loop.
  const RunResult r = m.run(3000);
  CHECK(r.kind == Kind::InsnLimit);
  CHECK(m.cpu().instructions() == 3000);
}

TEST_CASE("Machine: reset returns to the reset vector, RAM kept", "[machine]") {
  // mov byte [0x100], 0x5A; cli; hlt
  Machine m(config("pentium-pro", bios({0xC6, 0x06, 0x00, 0x01, 0x5A, 0xFA, 0xF4})));
  CHECK(m.run(0).kind == Kind::Halted);
  CHECK(m.bus().read<u8>(0x100) == 0x5A);
  m.reset();
  CHECK(m.cpu().state().rip == 0xFFF0);
  CHECK(m.cpu().state().seg[CS].selector == 0xF000);
  CHECK_FALSE(m.cpu().state().halted);
  CHECK(m.bus().read<u8>(0x100) == 0x5A);
}

TEST_CASE("Machine: the BIOS is mapped at the top of 4 GiB and below 1 MiB", "[machine]") {
  std::vector<u8> rom = bios({0xEB, 0xFE});
  rom[0] = 0x11;
  rom[0x1234] = 0x22;
  Machine m(config("pentium-pro", rom));
  CHECK(m.bus().read<u8>(0xFFFF'0000u) == 0x11);
  CHECK(m.bus().read<u8>(0xFFFF'1234u) == 0x22);
  CHECK(m.bus().read<u8>(0xF0000) == 0x11);
  CHECK(m.bus().read<u8>(0xF1234) == 0x22);
  CHECK(m.bus().read<u8>(0xFFFF0) == 0xEB);
  // ROM is read-only.
  m.bus().write<u8>(0xF0000, 0x99);
  CHECK(m.bus().read<u8>(0xF0000) == 0x11);
}

TEST_CASE("Machine: state_dump lists the registers", "[machine]") {
  Machine m(config("pentium-pro", bios({0xEB, 0xFE})));
  const std::string d = m.state_dump();
  CHECK_THAT(d, Catch::Contains("EIP=0000fff0"));
  CHECK_THAT(d, Catch::Contains("CS=f000"));
  CHECK_THAT(d, Catch::Contains("IDT=00000000/03ff"));
}

TEST_CASE("Machine: CMOS bytes for memory, floppies, disks and boot order", "[machine]") {
  MachineConfig c = config("pentium-pro", bios(kHiExit));
  c.ram_mib = 256;
  c.floppy[0] = DiskImage::from_memory(std::vector<u8>(1474560, 0));
  c.floppy[1] = DiskImage::from_memory(std::vector<u8>(2949120, 0));
  c.hard_disk[0] = DiskImage::from_memory(std::vector<u8>(1 << 20, 0));
  c.boot_order = "dca";
  Machine m(std::move(c));
  const CmosRtc& r = m.rtc();
  CHECK(r.cmos(0x10) == 0x45);  // A: 1.44M, B: 2.88M
  CHECK(r.cmos(0x14) == 0x41);  // two drives, diskettes present
  CHECK((r.cmos(0x15) | r.cmos(0x16) << 8) == 640);
  CHECK((r.cmos(0x17) | r.cmos(0x18) << 8) == 0xFFFF);  // capped at 64 MiB - 1 KiB
  CHECK((r.cmos(0x30) | r.cmos(0x31) << 8) == 0xFFFF);
  CHECK((r.cmos(0x34) | r.cmos(0x35) << 8) == (256 - 16) * 16);  // 64 KiB units above 16 MiB
  CHECK(r.cmos(0x12) == 0xF0);
  CHECK(r.cmos(0x3D) == 0x23);  // d then c
  CHECK(r.cmos(0x38) >> 4 == 1);  // then a
  // The AT checksum over 10h-2Dh.
  int sum = 0;
  for (u8 i = 0x10; i <= 0x2D; ++i) sum += r.cmos(i);
  CHECK((r.cmos(0x2E) << 8 | r.cmos(0x2F)) == sum);
  // The PCI functions firmware looks for.
  REQUIRE(m.pci().device(0, 0) != nullptr);
  CHECK(m.pci().device(0, 0)->id().device == 0x1237);
  CHECK(m.pci().device(1, 0)->id().device == 0x7000);
  CHECK(m.pci().device(1, 1)->id().device == 0x7010);
  CHECK(m.pci().device(2, 0)->id().vendor == 0x1234);
}

TEST_CASE("Machine: a small machine stores extended memory in KiB", "[machine]") {
  MachineConfig c = config("pentium-pro", bios(kHiExit));
  c.ram_mib = 8;
  Machine m(std::move(c));
  CHECK((m.rtc().cmos(0x17) | m.rtc().cmos(0x18) << 8) == 7 * 1024);
  CHECK((m.rtc().cmos(0x34) | m.rtc().cmos(0x35) << 8) == 0);
  CHECK(m.rtc().cmos(0x10) == 0);
  CHECK(m.rtc().cmos(0x14) == 0);
}

TEST_CASE("Machine: bad boot order and bad floppy sizes are refused", "[machine]") {
  MachineConfig c = config("pentium-pro", bios(kHiExit));
  c.boot_order.assign(1, 'z');  // (assign: GCC 12 -Wrestrict false positive on = "z")
  CHECK_THROWS_AS(Machine(std::move(c)), std::invalid_argument);
  MachineConfig f = config("pentium-pro", bios(kHiExit));
  f.floppy[0] = DiskImage::from_memory(std::vector<u8>(1000 * 512, 0));
  CHECK_THROWS_AS(Machine(std::move(f)), std::invalid_argument);
}

TEST_CASE("Machine: after a final cli; hlt the UART still sends what its FIFO holds", "[machine]") {
  // mov dx,3FAh; mov al,7; out dx,al (FCR: FIFOs on and cleared); mov dx,3F8h;
  // four bytes into THR back to back; cli; hlt. At 9600 baud (divisor 12)
  // each takes about 1 ms on the line, long after the CPU has stopped.
  std::string serial;
  MachineConfig c = config("pentium-pro", bios(kJmpBody, {0xBA, 0xFB, 0x03, 0xB0, 0x83, 0xEE,  // LCR: DLAB, 8N1
                                                          0xBA, 0xF8, 0x03, 0xB0, 0x0C, 0xEE,  // DLL = 12
                                                          0xBA, 0xFB, 0x03, 0xB0, 0x03, 0xEE,  // LCR: 8N1
                                                          0xBA, 0xFA, 0x03, 0xB0, 0x07, 0xEE,  // FCR
                                                          0xBA, 0xF8, 0x03, 0xB0, 'a', 0xEE, 0xB0, 'b', 0xEE,
                                                          0xB0, 'c', 0xEE, 0xB0, 'd', 0xEE, 0xFA, 0xF4}));
  c.serial = std::make_unique<Collect>(&serial);
  Machine m(std::move(c));
  CHECK(m.run(0).kind == Kind::Halted);
  CHECK(serial == "abcd");
}

TEST_CASE("Machine: a guest idling on timer interrupts ends at the end of virtual time", "[machine]") {
  // PIC at 08h with IRQ0 alone unmasked, PIT counter 0 at 1 kHz (mode 2,
  // 1193), IRQ0 handler = EOI; then sti; hlt; jmp $-1 for ever. Headless,
  // virtual time skips from one IRQ0 to the next, so such a run reaches the
  // end of the Picos range within minutes of host time; it must end there
  // (as Halted) instead of spinning on overflowed deadlines.
  const std::initializer_list<u8> idle = {
      0xfa, 0x31, 0xc0, 0x8e, 0xd8, 0xc7, 0x06, 0x20, 0x00, 0x35, 0x00, 0xc7, 0x06, 0x22, 0x00,
      0x00, 0xf0, 0xb0, 0x11, 0xe6, 0x20, 0xb0, 0x08, 0xe6, 0x21, 0xb0, 0x04, 0xe6, 0x21, 0xb0,
      0x01, 0xe6, 0x21, 0xb0, 0xfe, 0xe6, 0x21, 0xb0, 0x34, 0xe6, 0x43, 0xb0, 0xa9, 0xe6, 0x40,
      0xb0, 0x04, 0xe6, 0x40, 0xfb, 0xf4, 0xeb, 0xfd, 0xb0, 0x20, 0xe6, 0x20, 0xcf};
  for (const Picos start : {Machine::kEndOfTime - kPicosPerSecond / 10, kNever - kPicosPerSecond}) {
    INFO("virtual time starts at " << start);
    Machine m(config("pentium-pro", bios(kJmpBody, idle)));
    m.scheduler().advance_to(start);
    const RunResult r = m.run(0);
    CHECK(r.kind == Kind::Halted);
    CHECK(m.scheduler().now() >= Machine::kEndOfTime);
    CHECK(m.scheduler().now() < kNever);
  }
}

TEST_CASE("Machine: IA32_APIC_BASE global disable, then enable again", "[machine][apic]") {
  // SDM Vol. 3A 10.4.3: with the 3-wire APIC bus (Pentium Pro) a globally
  // disabled local APIC stays so until reset; with front-side-bus delivery
  // (Pentium M) setting bit 11 again brings it back, in its power-up state.
  const std::string model = GENERATE(as<std::string>{}, "pentium-pro", "pentium-m");
  INFO("model " << model);
  // mov ecx,1Bh; rdmsr; and ax,F7FFh; wrmsr; or ax,0800h; wrmsr; cli; hlt
  Machine m(config(model, bios(kJmpBody, {0x66, 0xB9, 0x1B, 0x00, 0x00, 0x00, 0x0F, 0x32, 0x25, 0xFF, 0xF7, 0x0F,
                                          0x30, 0x0D, 0x00, 0x08, 0x0F, 0x30, 0xFA, 0xF4})));
  CHECK(m.run(0).kind == Kind::Halted);
  const bool back = model == "pentium-m";
  CHECK(((m.cpu().state().msr_apic_base & 0x800) != 0) == back);
  Bus& bus = m.bus();
  bus.write<u32>(0xFEE0'00F0, 0x1FF);  // SVR: software-enable, spurious vector FFh
  if (back) {
    CHECK(bus.read<u32>(0xFEE0'00F0) == 0x1FF);
    CHECK(bus.read<u32>(0xFEE0'0300) == 0);  // ICR low: idle
  } else {
    CHECK(bus.read<u32>(0xFEE0'00F0) == 0xFFFF'FFFFu);  // nothing there
  }
}

TEST_CASE("Machine: the HPET at FED00000h on models with APICs; legacy replacement takes IRQ0", "[machine][hpet]") {
  const std::string model = GENERATE(as<std::string>{}, "pentium", "pentium-pro");
  INFO("model " << model);
  Machine m(config(model, bios({0xFA, 0xF4})));  // cli; hlt
  CHECK(m.run(0).kind == Kind::Halted);
  Bus& bus = m.bus();
  if (model == "pentium") {
    CHECK(bus.read<u32>(0xFED0'0000) == 0xFFFF'FFFFu);  // nothing there
    CHECK_FALSE(m.device_dump("hpet"));
    return;
  }
  CHECK(bus.read<u32>(0xFED0'0000) == 0x8086'A201u);
  CHECK(bus.read<u32>(0xFED0'0004) == 10'000'000u);
  // Legacy replacement, timer 0 one-shot at count 100: IRQ0 of the 8259.
  bus.write<u32>(0xFED0'0108, 100);
  bus.write<u32>(0xFED0'010C, 0);
  bus.write<u32>(0xFED0'0100, Hpet::kIntEnb);
  bus.write<u32>(0xFED0'0010, Hpet::kEnableCnf | Hpet::kLegRtCnf);
  CHECK(m.device_dump("hpet")->find("legacy replacement on") != std::string::npos);
  m.scheduler().advance_to(m.scheduler().now() + 200 * Hpet::kTickPs);
  CHECK(bus.read<u32>(0xFED0'00F0) == 200u);
  CHECK(m.device_dump("pic")->find("IRR=01") != std::string::npos);
  m.reset();
  CHECK(bus.read<u32>(0xFED0'0010) == 0);
  CHECK(bus.read<u32>(0xFED0'00F0) == 0);
}
