// The PIIX4 power management function (devices/pci/piix4_pm.hpp) through
// ports CF8h/CFCh and its I/O registers, against a real Scheduler: its PCI
// configuration (PIIX4 datasheet, function 3), the ACPI PM timer and
// TMR_STS (ACPI 4.7.3.3), PM1 status write-1-to-clear and the SCI (4.7.3.1,
// 4.7.2.4), SCI_EN through SMI_CMD (4.7.2.5), and S5 soft off ending a
// Machine's run.
#include <catch2/catch.hpp>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "devices/pc/machine.hpp"
#include "devices/pci/pci_host.hpp"
#include "devices/pci/piix3.hpp"
#include "devices/pci/piix4_pm.hpp"

using namespace gb;

namespace {

constexpr Picos kSec = kPicosPerSecond;
constexpr u32 kHz = 3'579'545;
// The first time the timer reaches 2^23 (its bit 23 toggles):
// ceil(2^23 * 10^12 / 3579545) ps, worked out independently.
constexpr Picos kFirstToggle = 2'343'484'437'268;

struct RecSink final : IrqSink {
  void set_irq(unsigned line, bool level) override {
    CHECK(line == 9);
    this->level = level;
    ++changes;
  }
  bool level = false;
  unsigned changes = 0;
};

struct Rig {
  MemoryMap mem;
  IoMap io;
  Bus bus{mem, io};
  Scheduler sched;
  RecSink sink;
  PciHost host{bus};
  Piix3Isa isa;  // function 0: a multi-function device
  Piix4Pm pm{bus, sched, IrqLine(sink, 9)};
  Rig() {
    io.map(0xCF8, 0xCFF, host);
    host.attach(1, 0, isa);
    host.attach(1, 3, pm);
    io.map(Piix4Pm::kApmFirst, Piix4Pm::kApmLast, pm);
    io.map(Piix4Pm::kGpe0First, Piix4Pm::kGpe0Last, pm);
    io.map(Piix4Pm::kPciHotplugFirst, Piix4Pm::kPciHotplugLast, pm);
  }
  u32 cfg_read(unsigned reg, Width w = Width::Dword) {
    io.write(0xCF8, 0x8000'0000u | 1u << 11 | 3u << 8 | (reg & 0xFC), Width::Dword);
    return io.read(static_cast<u16>(0xCFC + (reg & 3)), w);
  }
  void cfg_write(unsigned reg, u32 v, Width w = Width::Dword) {
    io.write(0xCF8, 0x8000'0000u | 1u << 11 | 3u << 8 | (reg & 0xFC), Width::Dword);
    io.write(static_cast<u16>(0xCFC + (reg & 3)), v, w);
  }
  /// As SeaBIOS's piix4_pm_setup: PMBA B000h, then PMIOSE.
  void enable_block(u16 base = 0xB000) {
    cfg_write(0x40, base | 1u);
    cfg_write(0x80, 0x01, Width::Byte);
  }
  u32 timer() { return io.read(0xB008, Width::Dword); }
  u16 pm1_sts() { return static_cast<u16>(io.read(0xB000, Width::Word)); }
};

}  // namespace

TEST_CASE("piix4 pm: configuration as QEMU's 00:01.3", "[pci][acpi]") {
  Rig r;
  CHECK(r.cfg_read(0x00) == 0x7113'8086u);
  CHECK(r.cfg_read(0x08) == 0x0680'0003u);  // bridge/other, revision 03h
  CHECK(r.cfg_read(0x2C) == 0x1100'1AF4u);
  CHECK(r.cfg_read(0x06, Width::Word) == 0x0280);
  CHECK(r.cfg_read(0x3D, Width::Byte) == 0x01);  // INTA#
  // DEVACTB: APMC_EN (bit 25) preset, so SeaBIOS skips SMM relocation.
  CHECK(r.cfg_read(0x58) == 0x0200'0000u);
  // PMBA: bits 15:6 writable, bit 0 hard-wired 1 (an I/O base).
  CHECK(r.cfg_read(0x40) == 0x0000'0001u);
  r.cfg_write(0x40, 0xFFFF'FFFFu);
  CHECK(r.cfg_read(0x40) == 0x0000'FFC1u);
  // SMBBA and SMBHSTCFG keep what SeaBIOS writes.
  r.cfg_write(0x90, 0xB101);
  r.cfg_write(0xD2, 0x09, Width::Byte);
  CHECK(r.cfg_read(0x90) == 0xB101u);
  CHECK(r.cfg_read(0xD2, Width::Byte) == 0x09);
  // The DSDT's ISA _STA bits: no LPT, COM1 and COM2.
  CHECK(r.cfg_read(0x5F, Width::Byte) == 0x10);
  CHECK(r.cfg_read(0x67, Width::Byte) == 0x98);
}

TEST_CASE("piix4 pm: the PM block decodes at PMBA only while PMIOSE is set", "[pci][acpi]") {
  Rig r;
  r.cfg_write(0x40, 0xB001);
  CHECK(r.io.handler(0xB000) == nullptr);
  CHECK_FALSE(r.pm.block_base());
  r.cfg_write(0x80, 0x01, Width::Byte);
  REQUIRE(r.pm.block_base());
  CHECK(*r.pm.block_base() == 0xB000);
  CHECK(r.io.handler(0xB03F) == &r.pm);
  CHECK(r.io.handler(0xB040) == nullptr);
  // Moving PMBA moves the block.
  r.cfg_write(0x40, 0x0601);
  CHECK(r.io.handler(0xB000) == nullptr);
  CHECK(r.io.handler(0x0600) == &r.pm);
  r.cfg_write(0x80, 0x00, Width::Byte);
  CHECK(r.io.handler(0x0600) == nullptr);
  // A block over another device's ports is not decoded (no exception).
  r.cfg_write(0x40, 0x0CC1);  // 0CC0h-0CFFh covers CF8h-CFFh
  r.cfg_write(0x80, 0x01, Width::Byte);
  CHECK_FALSE(r.pm.block_base());
  CHECK(r.io.handler(0xCF8) == &r.host);
  // Reset: PMIOSE off again.
  r.cfg_write(0x40, 0xB001);
  REQUIRE(r.pm.block_base());
  r.pm.reset();
  CHECK_FALSE(r.pm.block_base());
  CHECK(r.io.handler(0xB000) == nullptr);
}

TEST_CASE("piix4 pm: the PM timer counts 3.579545 MHz of virtual time, 24 bits, without drift", "[acpi]") {
  Rig r;
  r.enable_block();
  CHECK(r.timer() == 0);
  r.sched.advance_to(kSec);
  CHECK(r.timer() == kHz);
  CHECK(r.pm.pm_timer() == kHz);
  // One tick is 279.365 ns: floor(t * f / 10^12) exactly.
  r.sched.advance_to(kSec + 279'365);
  CHECK(r.timer() == kHz);
  r.sched.advance_to(kSec + 279'366);
  CHECK(r.timer() == kHz + 1);
  // An hour: 12886362000 ticks, modulo 2^24; bits 31:24 read 0.
  r.sched.advance_to(3600 * kSec);
  CHECK(r.timer() == 12'886'362'000u % (1u << 24));
  CHECK(r.io.read(0xB00B, Width::Byte) == 0);
  // Byte and word reads see the same counter.
  CHECK(r.io.read(0xB008, Width::Word) == (r.timer() & 0xFFFF));
  CHECK(r.io.read(0xB00A, Width::Byte) == (r.timer() >> 16));
  // The timer is read-only.
  r.io.write(0xB008, 0, Width::Dword);
  CHECK(r.timer() == 12'886'362'000u % (1u << 24));
}

TEST_CASE("piix4 pm: TMR_STS when bit 23 toggles, write 1 to clear, and the SCI", "[acpi]") {
  Rig r;
  r.enable_block();
  r.sched.advance_to(kFirstToggle - 1);
  CHECK(r.timer() == (1u << 23) - 1);
  CHECK((r.pm1_sts() & Piix4Pm::kTmrSts) == 0);
  r.sched.advance_to(kFirstToggle);
  CHECK(r.timer() == 1u << 23);
  CHECK(r.pm1_sts() & Piix4Pm::kTmrSts);
  // Writing 0 leaves it; writing 1 clears it; a 1 on a clear bit sets nothing.
  r.io.write(0xB000, 0x0000, Width::Word);
  CHECK(r.pm1_sts() & Piix4Pm::kTmrSts);
  r.io.write(0xB000, 0xFFFF, Width::Word);
  CHECK(r.pm1_sts() == 0);
  // Status only, no SCI: TMR_EN and SCI_EN are clear.
  CHECK_FALSE(r.sink.level);
  CHECK(r.sink.changes == 0);

  // TMR_EN and SCI_EN: the next toggle (bit 23 back to 0, at 2^24 ticks)
  // raises IRQ 9 through the scheduler, with no register read.
  r.io.write(0xB002, Piix4Pm::kTmrEn, Width::Word);
  r.io.write(0xB2, Piix4Pm::kAcpiEnable, Width::Byte);
  CHECK(r.io.read(0xB002, Width::Word) == Piix4Pm::kTmrEn);
  constexpr Picos kSecondToggle = 4'686'968'874'536;  // ceil(2^24 * 10^12 / f)
  r.sched.advance_to(kSecondToggle - 1);
  CHECK_FALSE(r.sink.level);
  r.sched.advance_to(kSecondToggle);
  CHECK(r.sink.level);
  CHECK(r.pm.sci());
  // Clearing TMR_STS drops the SCI (a level).
  r.io.write(0xB000, Piix4Pm::kTmrSts, Width::Word);
  CHECK_FALSE(r.sink.level);
  // SCI_EN clear: the event would go to SMI#, not the SCI.
  r.io.write(0xB2, Piix4Pm::kAcpiDisable, Width::Byte);
  r.sched.advance_to(kSecondToggle + kFirstToggle);
  CHECK(r.pm1_sts() & Piix4Pm::kTmrSts);
  CHECK_FALSE(r.sink.level);
  // ... and setting SCI_EN with the event pending raises it.
  r.io.write(0xB2, Piix4Pm::kAcpiEnable, Width::Byte);
  CHECK(r.sink.level);
  // Disabling TMR_EN lowers it, the status stays.
  r.io.write(0xB002, 0, Width::Word);
  CHECK_FALSE(r.sink.level);
  CHECK(r.pm1_sts() & Piix4Pm::kTmrSts);
}

TEST_CASE("piix4 pm: SMI_CMD B2h sets and clears SCI_EN; APMS B3h is scratch", "[acpi]") {
  Rig r;
  r.enable_block();
  CHECK((r.io.read(0xB004, Width::Word) & Piix4Pm::kSciEn) == 0);
  r.io.write(0xB2, Piix4Pm::kAcpiEnable, Width::Byte);
  CHECK(r.io.read(0xB004, Width::Word) == Piix4Pm::kSciEn);
  CHECK(r.io.read(0xB2, Width::Byte) == Piix4Pm::kAcpiEnable);
  r.io.write(0xB2, 0x42, Width::Byte);  // another command changes nothing here
  CHECK(r.io.read(0xB004, Width::Word) == Piix4Pm::kSciEn);
  r.io.write(0xB2, Piix4Pm::kAcpiDisable, Width::Byte);
  CHECK(r.io.read(0xB004, Width::Word) == 0);
  r.io.write(0xB3, 0x5A, Width::Byte);
  CHECK(r.io.read(0xB3, Width::Byte) == 0x5A);
  CHECK(r.io.read(0xB2, Width::Word) == 0x5AF0);
  // PM1 control keeps SCI_EN and SLP_TYP; SLP_EN reads 0.
  r.io.write(0xB004, 0x1C01, Width::Word);
  CHECK(r.io.read(0xB004, Width::Word) == 0x1C01);
  r.io.write(0xB004, 0x3401, Width::Word);  // SLP_EN with SLP_TYP 5: not modelled, ignored
  CHECK(r.io.read(0xB004, Width::Word) == 0x1401);
  CHECK_FALSE(r.pm.powered_off());
}

TEST_CASE("piix4 pm: GPE0 at AFE0h and the PCI hotplug registers", "[acpi]") {
  Rig r;
  CHECK(r.io.read(0xAFE0, Width::Dword) == 0);
  r.io.write(0xAFE2, 0xFFFF, Width::Word);
  CHECK(r.io.read(0xAFE2, Width::Word) == 0xFFFF);
  r.io.write(0xAFE0, 0xFFFF, Width::Word);  // no status to clear; nothing is set
  CHECK(r.io.read(0xAFE0, Width::Word) == 0);
  CHECK_FALSE(r.sink.level);
  // No hot-plug events and no removable slot (PCRM, read by SeaBIOS).
  CHECK(r.io.read(0xAE00, Width::Dword) == 0);
  CHECK(r.io.read(0xAE0C, Width::Dword) == 0);
}

TEST_CASE("piix4 pm: SLP_EN with SLP_TYP 0 powers off and stops the CPU", "[acpi]") {
  Rig r;
  r.enable_block();
  r.io.write(0xB004, 0x0001, Width::Word);
  CHECK_FALSE(r.pm.powered_off());
  CHECK_FALSE(r.bus.take_stop());
  r.io.write(0xB004, 0x2000, Width::Word);
  CHECK(r.pm.powered_off());
  CHECK(r.bus.take_stop());
  CHECK(r.io.read(0xB004, Width::Word) == 0x0000);
  r.pm.reset();
  CHECK_FALSE(r.pm.powered_off());
}

namespace {

/// A 64 KiB BIOS whose reset vector jumps to `body` at F000:0000.
std::vector<u8> bios_running(std::initializer_list<u8> body) {
  std::vector<u8> rom(64 * 1024, 0xF4);
  const u8 jmp[] = {0xEA, 0x00, 0x00, 0x00, 0xF0};
  std::copy(std::begin(jmp), std::end(jmp), rom.begin() + 0xFFF0);
  std::copy(body.begin(), body.end(), rom.begin());
  return rom;
}

/// Programs 00:01.3 as SeaBIOS does (PMBA B000h, PMIOSE), writes `pm1_cnt`
/// to PM1a_CNT (B004h), then cli; hlt.
std::vector<u8> sleep_program(u16 pm1_cnt) {
  const u8 lo = static_cast<u8>(pm1_cnt), hi = static_cast<u8>(pm1_cnt >> 8);
  return bios_running({
      0x66, 0xB8, 0x40, 0x0B, 0x00, 0x80,  // mov eax, 80000B40h (00:01.3, PMBA)
      0xBA, 0xF8, 0x0C, 0x66, 0xEF,        // mov dx, 0CF8h; out dx, eax
      0x66, 0xB8, 0x01, 0xB0, 0x00, 0x00,  // mov eax, 0B001h
      0xBA, 0xFC, 0x0C, 0x66, 0xEF,        // mov dx, 0CFCh; out dx, eax
      0x66, 0xB8, 0x80, 0x0B, 0x00, 0x80,  // mov eax, 80000B80h (PMREGMISC)
      0xBA, 0xF8, 0x0C, 0x66, 0xEF,        // mov dx, 0CF8h; out dx, eax
      0xB0, 0x01, 0xBA, 0xFC, 0x0C, 0xEE,  // mov al, 1; mov dx, 0CFCh; out dx, al
      0xB8, lo, hi, 0xBA, 0x04, 0xB0, 0xEF,  // mov ax, pm1_cnt; mov dx, 0B004h; out dx, ax
      0xFA, 0xF4,                          // cli; hlt
  });
}

MachineConfig machine_config(std::vector<u8> rom) {
  MachineConfig c;
  c.cpu = find_cpu_model("pentium-pro");
  REQUIRE(c.cpu != nullptr);
  c.ram_mib = 1;
  c.bios = std::move(rom);
  c.no_reboot = true;
  return c;
}

}  // namespace

TEST_CASE("piix4 pm: S5 through PM1a_CNT ends Machine::run as PowerOff", "[acpi][machine]") {
  Machine m(machine_config(sleep_program(0x2000)));
  const RunResult r = m.run(0);
  CHECK(r.kind == RunResult::Kind::PowerOff);
  // Stopped right after the OUT: cli; hlt never ran.
  CHECK(m.cpu().instructions() == 16);
  const auto dump = m.device_dump("pm");
  REQUIRE(dump);
  CHECK_THAT(*dump, Catch::Contains("block b000-b03f") && Catch::Contains("powered off"));
  CHECK(m.device_dump("acpi") == dump);
  CHECK(m.pci().device(1, 3) != nullptr);
}

TEST_CASE("piix4 pm: another sleep type does not power off", "[acpi][machine]") {
  Machine m(machine_config(sleep_program(0x2400)));  // SLP_TYP 1 (S3 in SeaBIOS's \_S3)
  CHECK(m.run(0).kind == RunResult::Kind::Halted);
  CHECK(m.cpu().instructions() == 18);
}
