// Intel 82371AB PIIX4 function 3, power management (8086h:7113h), as
// QEMU's pc machine has it at 00:01.3 beside the PIIX3 ISA bridge and IDE:
// the ACPI fixed hardware of the machine. SeaBIOS finds this function,
// programs it and builds its ACPI tables (FADT, DSDT, MADT...) for it.
//
// References: Intel 82371AB PCI-to-ISA/IDE Xcelerator (PIIX4) datasheet
// (order no. 290562), section 7 "Power Management registers (function 3)":
// PMBA (40h: I/O base, bits 15:6, bit 0 hard-wired 1), DEVACTB (58h; bit
// 25 APMC_EN: a write to APMC B2h raises SMI#), PMREGMISC (80h bit 0
// PMIOSE: PM I/O space enable), SMBBA (90h), SMBHSTCFG (D2h); and the
// system I/O registers at PMBA: PMSTS (+00h), PMEN (+02h), PMCNTRL (+04h:
// SCI_EN bit 0, SUS_TYP bits 12:10, SUS_EN bit 13), PMTMR (+08h, 24 bits at
// 3.579545 MHz, TMROF_STS when bit 23 toggles); APMC/APMS at B2h/B3h.
// ACPI specification 1.0b, 4.7.3 (PM1 event, control and timer registers,
// write-1-to-clear status bits, the SCI), 4.7.2.5 (SMI_CMD, ACPI_ENABLE).
//
// Outside the PIIX4, what SeaBIOS's tables expect of QEMU's machine
// (QEMU hw/acpi/piix4.c, hw/acpi/core.c): the GPE0 block at AFE0h (FADT
// GPE0_BLK, 2 bytes of status then 2 of enable), the PCI hotplug
// registers at AE00h-AE0Fh (read when SeaBIOS builds its SSDT and by the
// DSDT on GPE 1: this machine has no hot-pluggable slot, so they read 0),
// and DEVACTB's APMC_EN preset (QEMU's piix4_reset sets byte 5Bh to 02h
// when it has no SMM, so SeaBIOS's piix4_apmc_smm_setup sees SMM as set up
// and skips the relocation it could not do here). The PIIX4's own GPSTS,
// GLBCTL, DEVCTL, GPI/GPO at PMBA+0Ch-37h are not modelled (read 0, writes
// ignored): SeaBIOS and the ACPI OS use the FADT's blocks only. The SMBus
// host controller at SMBBA is not modelled either; SMBBA and SMBHSTCFG
// are plain configuration registers. There is no SMM: with SCI_EN clear,
// events that would raise SMI# raise nothing.
#pragma once
#include <optional>
#include <string>

#include "devices/irq.hpp"
#include "devices/pci/pci_device.hpp"
#include "devices/scheduler.hpp"
#include "mmu/bus.hpp"
#include "mmu/io_map.hpp"

namespace gb {

class Piix4Pm final : public PciDevice, public IoHandler, public Timer::Client {
 public:
  /// ACPI PM timer rate, Hz (ACPI 4.7.3.3).
  static constexpr i64 kTimerHz = 3'579'545;
  /// The fixed ports the machine maps to this function: APMC/APMS, QEMU's
  /// GPE0 block and PCI hotplug registers (inclusive ranges).
  static constexpr u16 kApmFirst = 0xB2, kApmLast = 0xB3;
  static constexpr u16 kGpe0First = 0xAFE0, kGpe0Last = 0xAFE3;
  static constexpr u16 kPciHotplugFirst = 0xAE00, kPciHotplugLast = 0xAE0F;
  /// The PM I/O block is 64 bytes at PMBA.
  static constexpr u16 kBlockSize = 64;
  /// APMC commands of SeaBIOS's FADT (QEMU's ACPI_ENABLE/ACPI_DISABLE).
  static constexpr u8 kAcpiEnable = 0xF1, kAcpiDisable = 0xF0;
  // PM1 status/enable bits (ACPI 4.7.3.1; the PIIX4's PMSTS/PMEN).
  static constexpr u16 kTmrSts = 1u << 0, kBmSts = 1u << 4, kGblSts = 1u << 5, kPwrbtnSts = 1u << 8,
                       kRtcSts = 1u << 10, kWakSts = 1u << 15;
  static constexpr u16 kTmrEn = 1u << 0, kGblEn = 1u << 5, kPwrbtnEn = 1u << 8, kRtcEn = 1u << 10;
  // PM1 control (ACPI 4.7.3.2.1; the PIIX4's PMCNTRL).
  static constexpr u16 kSciEn = 1u << 0, kSlpEn = 1u << 13;
  static constexpr unsigned kSlpTypShift = 10;

  /// `bus`: where the PM I/O block is mapped (its I/O map) and who is told
  /// to stop the CPU at power-off; `sci`: ISA IRQ 9, driven as a level.
  Piix4Pm(Bus& bus, Scheduler& sched, IrqLine sci);

  /// Power-on: configuration as QEMU's piix4_reset leaves it (PM I/O
  /// space off, APMC_EN set), PM1/GPE registers clear, SCI low.
  void reset() override;

  u32 io_read(u16 port, Width w) override;
  void io_write(u16 port, u32 value, Width w) override;
  Width io_max_width() const override { return Width::Dword; }
  void on_timer(Timer& t) override;

  /// The guest wrote SLP_EN with SLP_TYP 0 (soft off, S5 in SeaBIOS's
  /// \_S5 package): the machine is off. Cleared by reset().
  bool powered_off() const { return powered_off_; }
  /// The PM timer now (24 bits), as PMTMR reads.
  u32 pm_timer() const;
  /// Where the PM I/O block decodes, if it does (PMIOSE set, no conflict).
  std::optional<u16> block_base() const { return mapped_; }
  /// Whether the SCI (IRQ 9) is asserted.
  bool sci() const { return sci_level_; }
  /// Configuration and PM registers for the debugger's `info pm`.
  std::string dump() const;

 private:
  void config_written(u8 offset, unsigned bytes) override;
  /// Maps the 64-byte block at PMBA while PMIOSE is set (unmapping the old
  /// one); a block over ports another device decodes is left undecoded.
  void remap_block();
  /// Sets TMR_STS if bit 23 of the timer toggled since the last settle.
  void settle_timer_status();
  /// Re-evaluates the SCI and the timer event (armed only while TMR_EN
  /// is set and TMR_STS clear, for the next bit-23 toggle).
  void update();
  /// The timer's unwrapped tick count at virtual time `t` (ps), exact.
  static u64 ticks_at(Picos t);
  /// The first virtual time at or after which ticks_at() reaches `ticks`.
  static Picos time_of_tick(u64 ticks);
  /// The time of the first bit-23 toggle after time `t`.
  static Picos next_toggle_after(Picos t);

  u8 block_read(unsigned offset, u64 ticks);
  void block_write(unsigned offset, u8 value);
  void apm_write(u8 value);

  Bus& bus_;
  Scheduler& sched_;
  IrqLine sci_;
  Timer timer_;
  std::optional<u16> mapped_;
  u16 pm1_sts_ = 0, pm1_en_ = 0, pm1_cnt_ = 0;
  u16 gpe0_sts_ = 0, gpe0_en_ = 0;
  u8 apmc_ = 0, apms_ = 0;
  Picos next_toggle_ = 0;  ///< TMR_STS is set once virtual time reaches it
  bool sci_level_ = false;
  bool powered_off_ = false;
};

}  // namespace gb
