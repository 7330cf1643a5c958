#include "devices/pci/piix4_pm.hpp"

#include <fmt/format.h>

#include "mmu/endian.hpp"

namespace gb {

namespace {
constexpr u8 kPmba = 0x40, kDevactb = 0x58, kPmregmisc = 0x80, kSmbba = 0x90, kSmbhstcfg = 0xD2;
constexpr u16 kPm1StsW1c = Piix4Pm::kTmrSts | Piix4Pm::kBmSts | Piix4Pm::kGblSts | Piix4Pm::kPwrbtnSts |
                           Piix4Pm::kRtcSts | (1u << 11) | Piix4Pm::kWakSts;
constexpr u16 kPm1EnMask = Piix4Pm::kTmrEn | Piix4Pm::kGblEn | Piix4Pm::kPwrbtnEn | Piix4Pm::kRtcEn;
// PMCNTRL bits that read back: SCI_EN, BM_RLD, SLP_TYP (GBL_RLS and
// SLP_EN are write-only and read 0).
constexpr u16 kPm1CntMask = Piix4Pm::kSciEn | (1u << 1) | (7u << Piix4Pm::kSlpTypShift);
constexpr u64 kToggle = u64{1} << 23;  // TMR_STS: bit 23 of the timer changes
}  // namespace

// Revision 03h, QEMU's (the PIIX4M): Linux slows its acpi_pm clocksource
// with triple reads on earlier revisions, whose PM timer could misread.
Piix4Pm::Piix4Pm(Bus& bus, Scheduler& sched, IrqLine sci)
    : PciDevice(Id{0x8086, 0x7113, 0x03, 0x068000, 0x00, 0x1AF4, 0x1100, 1}),
      bus_(bus),
      sched_(sched),
      sci_(sci),
      timer_(sched, *this, "piix4-pm-timer") {
  set_writable(kPmba, 0xC0);  // 64-byte block: bits 15:6
  set_writable(kPmba + 1, 0xFF);
  // Device activity/resource registers 44h-7Fh: read/write; the machine
  // monitors no device activity with them. The DSDT reads 5Fh and 67h.
  for (unsigned r = 0x44; r <= 0x7F; ++r) set_writable(static_cast<u8>(r), 0xFF);
  set_writable(kPmregmisc, 0x01);
  set_writable(kSmbba, 0xF0);  // 16-byte block: bits 15:4
  set_writable(kSmbba + 1, 0xFF);
  set_writable(kSmbhstcfg, 0x0F);
  reset();
}

void Piix4Pm::reset() {
  PciDevice::reset();
  // PCISTS 0280h: fast back-to-back capable, medium DEVSEL (datasheet
  // default; QEMU's piix4_pm_realize writes the same).
  cfg_[0x06] = 0x80;
  store_le<u32>(&cfg_[kPmba], 0x01);  // bit 0: I/O space indicator, hard-wired
  store_le<u32>(&cfg_[kSmbba], 0x01);
  for (unsigned r = 0x44; r <= 0x7F; ++r) cfg_[r] = 0;
  // APMC_EN preset, as QEMU does without SMM (piix4_reset: config byte 5Bh
  // = 02h): SeaBIOS's piix4_apmc_smm_setup then skips SMM relocation.
  cfg_[kDevactb + 3] = 0x02;
  // DEVRESx bits the DSDT's ISA devices test for _STA, set as QEMU's
  // piix4_pm_machine_ready does for what is present: 5Fh bit 7 the
  // parallel port (none here), 67h bit 3 COM1 at 3F8h, bits 4 and 7 COM2
  // at 2F8h (both UARTs are always present).
  cfg_[0x5F] = 0x10;
  cfg_[0x63] = 0x60;
  cfg_[0x67] = 0x08 | 0x90;
  cfg_[kPmregmisc] = 0;
  cfg_[kSmbhstcfg] = 0;
  pm1_sts_ = pm1_en_ = pm1_cnt_ = 0;
  gpe0_sts_ = gpe0_en_ = 0;
  apmc_ = apms_ = 0;
  powered_off_ = false;
  next_toggle_ = next_toggle_after(sched_.now());
  remap_block();
  update();
}

void Piix4Pm::config_written(u8 offset, unsigned bytes) {
  const unsigned first = offset, last = offset + bytes - 1;
  if ((first <= kPmba + 3u && last >= kPmba) || (first <= kPmregmisc && last >= kPmregmisc)) remap_block();
}

void Piix4Pm::remap_block() {
  IoMap& io = bus_.io();
  if (mapped_) io.unmap(*mapped_, static_cast<u16>(*mapped_ + kBlockSize - 1));
  mapped_.reset();
  const u16 base = load_le<u16>(&cfg_[kPmba]) & 0xFFC0;
  if (!(cfg_[kPmregmisc] & 1)) return;
  for (unsigned p = base; p < base + unsigned{kBlockSize}; ++p) {
    if (io.handler(static_cast<u16>(p))) return;  // a decode conflict: not decoded
  }
  io.map(base, static_cast<u16>(base + kBlockSize - 1), *this);
  mapped_ = base;
}

u64 Piix4Pm::ticks_at(Picos t) {
  // floor(t * f / 10^12) without overflow: whole seconds, then the rest
  // (< 10^12 ps, whose product with f stays below 2^63).
  const u64 s = static_cast<u64>(t / kPicosPerSecond), r = static_cast<u64>(t % kPicosPerSecond);
  return s * kTimerHz + r * kTimerHz / kPicosPerSecond;
}

Picos Piix4Pm::time_of_tick(u64 ticks) {
  // ceil(ticks * 10^12 / f), split the same way.
  const u64 s = ticks / kTimerHz, r = ticks % kTimerHz;
  return static_cast<Picos>(s * kPicosPerSecond + (r * kPicosPerSecond + kTimerHz - 1) / kTimerHz);
}

Picos Piix4Pm::next_toggle_after(Picos t) { return time_of_tick((ticks_at(t) / kToggle + 1) * kToggle); }

u32 Piix4Pm::pm_timer() const { return static_cast<u32>(ticks_at(sched_.now()) & 0xFF'FFFF); }

void Piix4Pm::settle_timer_status() {
  const Picos now = sched_.now();
  if (now < next_toggle_) return;
  pm1_sts_ |= kTmrSts;
  next_toggle_ = next_toggle_after(now);
}

void Piix4Pm::update() {
  settle_timer_status();
  // The SCI (ACPI 4.7.2.4; QEMU's acpi_update_sci): an enabled PM1 event
  // or GPE with its status set. With SCI_EN clear the PIIX4 routes these
  // events to SMI# instead (datasheet, PMCNTRL bit 0), which does nothing
  // on this machine without SMM.
  const bool level = (pm1_cnt_ & kSciEn) && ((pm1_sts_ & pm1_en_ & kPm1EnMask) || (gpe0_sts_ & gpe0_en_));
  if (level != sci_level_) {
    sci_level_ = level;
    sci_.set(level);
  }
  if ((pm1_en_ & kTmrEn) && !(pm1_sts_ & kTmrSts)) {
    timer_.arm_at(next_toggle_);
  } else {
    timer_.cancel();
  }
}

void Piix4Pm::on_timer(Timer&) { update(); }

u8 Piix4Pm::block_read(unsigned offset, u64 ticks) {
  // PMTMR: 24 bits; bits 31:24 read 0 (FADT TMR_VAL_EXT clear).
  if (offset >= 0x08 && offset < 0x0C) return static_cast<u8>((ticks & 0xFF'FFFF) >> (8 * (offset - 0x08)));
  const unsigned shift = 8 * (offset & 1);
  switch (offset & ~1u) {
    case 0x00: return static_cast<u8>(pm1_sts_ >> shift);
    case 0x02: return static_cast<u8>(pm1_en_ >> shift);
    case 0x04: return static_cast<u8>(pm1_cnt_ >> shift);
    default: return 0;  // the PIIX4's GP/global registers: not modelled
  }
}

void Piix4Pm::block_write(unsigned offset, u8 value) {
  const unsigned shift = 8 * (offset & 1);
  const u16 v = static_cast<u16>(value << shift);
  switch (offset & ~1u) {
    case 0x00:
      pm1_sts_ &= static_cast<u16>(~(v & kPm1StsW1c));  // write 1 to clear
      break;
    case 0x02:
      pm1_en_ = static_cast<u16>((pm1_en_ & ~(0xFFu << shift)) | (v & kPm1EnMask));
      break;
    case 0x04: {
      pm1_cnt_ = static_cast<u16>((pm1_cnt_ & ~(0xFFu << shift) & kPm1CntMask) | (v & kPm1CntMask));
      // SLP_EN: enter the sleep state SLP_TYP names. Type 0 is soft off
      // (PIIX4 SUS_TYP 000b; SeaBIOS's \_S5 package and QEMU's
      // acpi_pm1_cnt_write): the machine powers off. Sleeping states with
      // a wake-up path (S1, S3) are not modelled: the write is ignored.
      if ((v & kSlpEn) && ((pm1_cnt_ >> kSlpTypShift) & 7) == 0) {
        powered_off_ = true;
        bus_.request_stop();
      }
      break;
    }
    default: break;  // the timer is read-only; GP/global registers not modelled
  }
}

void Piix4Pm::apm_write(u8 value) {
  apmc_ = value;
  // ACPI 4.7.2.5: the OS writes ACPI_ENABLE to SMI_CMD and waits for
  // SCI_EN; the SMI handler would set it. Without SMM the chipset does it
  // here, as QEMU's apm_ctrl_changed does. Other commands would raise
  // SMI# (with DEVACTB.APMC_EN): nothing handles it on this machine.
  if (value == kAcpiEnable) pm1_cnt_ |= kSciEn;
  if (value == kAcpiDisable) pm1_cnt_ &= static_cast<u16>(~kSciEn);
}

u32 Piix4Pm::io_read(u16 port, Width w) {
  settle_timer_status();
  const u64 ticks = ticks_at(sched_.now());  // one sample for the whole access
  u32 v = 0;
  for (unsigned i = 0; i < bytes(w); ++i) {
    const u16 p = static_cast<u16>(port + i);
    u8 b = 0xFF;
    if (mapped_ && p >= *mapped_ && p < *mapped_ + kBlockSize) {
      b = block_read(p - *mapped_, ticks);
    } else if (p == kApmFirst) {
      b = apmc_;
    } else if (p == kApmLast) {
      b = apms_;
    } else if (p >= kGpe0First && p <= kGpe0Last) {
      const unsigned o = p - kGpe0First;
      b = static_cast<u8>((o < 2 ? gpe0_sts_ : gpe0_en_) >> (8 * (o & 1)));
    } else if (p >= kPciHotplugFirst && p <= kPciHotplugLast) {
      b = 0;  // no hotplug events, no removable slot
    } else if (bus_.io().handler(p) != this) {
      b = static_cast<u8>(bus_.io().read(p, Width::Byte));  // a wide access running past our ports
    }
    v |= u32{b} << (8 * i);
  }
  update();  // TMR_STS may have become set
  return v;
}

void Piix4Pm::io_write(u16 port, u32 value, Width w) {
  settle_timer_status();
  for (unsigned i = 0; i < bytes(w); ++i) {
    const u16 p = static_cast<u16>(port + i);
    const u8 b = static_cast<u8>(value >> (8 * i));
    if (mapped_ && p >= *mapped_ && p < *mapped_ + kBlockSize) {
      block_write(p - *mapped_, b);
    } else if (p == kApmFirst) {
      apm_write(b);
    } else if (p == kApmLast) {
      apms_ = b;
    } else if (p >= kGpe0First && p <= kGpe0Last) {
      const unsigned o = p - kGpe0First;
      const u16 v = static_cast<u16>(b << (8 * (o & 1)));
      if (o < 2) {
        gpe0_sts_ &= static_cast<u16>(~v);  // write 1 to clear
      } else {
        gpe0_en_ = static_cast<u16>((gpe0_en_ & ~(0xFFu << (8 * (o & 1)))) | v);
      }
    } else if (p >= kPciHotplugFirst && p <= kPciHotplugLast) {
      // B0EJ (AE08h): an eject request for a slot that cannot be ejected.
    } else if (bus_.io().handler(p) != this) {
      bus_.io().write(p, b, Width::Byte);
    }
  }
  update();
}

std::string Piix4Pm::dump() const {
  std::string s = "PIIX4 PM (00:01.3): " + describe() + "\n";
  s += fmt::format("  PMBA {:04x} PMIOSE {} block {} DEVACTB {:08x} SMBBA {:04x} SMBHSTCFG {:02x}\n",
                   load_le<u16>(&cfg_[kPmba]) & 0xFFC0, cfg_[kPmregmisc] & 1,
                   mapped_ ? fmt::format("{:04x}-{:04x}", *mapped_, *mapped_ + kBlockSize - 1) : std::string("off"),
                   load_le<u32>(&cfg_[kDevactb]), load_le<u16>(&cfg_[kSmbba]) & 0xFFF0, cfg_[kSmbhstcfg]);
  const u16 sts = sched_.now() >= next_toggle_ ? static_cast<u16>(pm1_sts_ | kTmrSts) : pm1_sts_;
  s += fmt::format("  PM1 status {:04x} enable {:04x} control {:04x} (SCI_EN {}, SLP_TYP {})  timer {:06x}\n", sts,
                   pm1_en_, pm1_cnt_, pm1_cnt_ & kSciEn, (pm1_cnt_ >> kSlpTypShift) & 7, pm_timer());
  s += fmt::format("  GPE0 status {:04x} enable {:04x}  SCI (IRQ 9) {}  APMC {:02x} APMS {:02x}{}\n", gpe0_sts_, gpe0_en_,
                   sci_level_ ? "asserted" : "low", apmc_, apms_, powered_off_ ? "  powered off" : "");
  return s;
}

}  // namespace gb
