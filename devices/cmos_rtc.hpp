// Motorola MC146818 real-time clock and CMOS RAM, as wired in a PC/AT:
// ports 70h (index; bit 7 masks NMI) and 71h (data), IRQ 8.
//
// Reference: Motorola MC146818A Real-Time Clock Plus RAM (RTC) datasheet
// (Motorola Semiconductor Technical Data, MC146818A/D): "Address Map"
// (Figure 3: registers 0-13 and user RAM), "Time, Calendar, and Alarm
// Locations" (Table 2: binary and BCD data modes, 12/24-hour formats, alarm
// "don't care" codes C0-FF), "Register A" (UIP, DV2-DV0, RS3-RS0; Table 4
// "Periodic Interrupt Rate and Square-Wave Output Frequency"), "Register B"
// (SET, PIE, AIE, UIE, SQWE, DM, 24/12, DSE), "Register C" (IRQF, PF, AF, UF;
// cleared by a read), "Register D" (VRT), "Update Cycle" (the 244 us tBUC
// window in which UIP is 1), and "Interrupts". Byte 32h (century) and the
// 10h-2Dh checksum at 2Eh/2Fh are IBM PC/AT BIOS conventions, not part of the
// chip.
//
// The clock is never ticked: it remembers the calendar time at one second
// boundary and derives the time at any later virtual time arithmetically.
// The status flags of register C are likewise computed lazily over the
// interval since they were last settled. The one scheduler timer is armed
// only for the next event of an *enabled* interrupt whose flag is still
// clear, so nothing fires while PIE/AIE/UIE are off (or already pending).
#pragma once
#include <array>
#include <string>

#include "devices/irq.hpp"
#include "devices/scheduler.hpp"
#include "mmu/io_map.hpp"

namespace gb {

class CmosRtc final : public IoHandler, public Timer::Client {
 public:
  // Register indices (datasheet Figure 3).
  static constexpr u8 kSeconds = 0x00, kSecondsAlarm = 0x01, kMinutes = 0x02,
                      kMinutesAlarm = 0x03, kHours = 0x04, kHoursAlarm = 0x05,
                      kDayOfWeek = 0x06, kDayOfMonth = 0x07, kMonth = 0x08, kYear = 0x09,
                      kRegA = 0x0A, kRegB = 0x0B, kRegC = 0x0C, kRegD = 0x0D;
  /// PC/AT BIOS: century (BCD or binary, as the other clock bytes).
  static constexpr u8 kCentury = 0x32;
  /// PC/AT BIOS: checksum over 10h-2Dh, big-endian at 2Eh (high), 2Fh (low).
  static constexpr u8 kChecksumHi = 0x2E, kChecksumLo = 0x2F;

  // Register A.
  static constexpr u8 kUip = 0x80;
  // Register B.
  static constexpr u8 kSet = 0x80, kPie = 0x40, kAie = 0x20, kUie = 0x10, kSqwe = 0x08,
                      kDm = 0x04, k24h = 0x02, kDse = 0x01;
  // Register C.
  static constexpr u8 kIrqf = 0x80, kPf = 0x40, kAf = 0x20, kUf = 0x10;
  // Register D.
  static constexpr u8 kVrt = 0x80;

  /// The clock reads `base_unix_seconds` (UTC) at virtual time 0 and advances
  /// with the scheduler's virtual time. Register A starts at 26h (32.768 kHz
  /// time base, 1024 Hz periodic rate) and B at 02h (24-hour, BCD), as a PC
  /// BIOS programs them.
  CmosRtc(Scheduler& sched, IrqLine irq8, i64 base_unix_seconds);

  u32 io_read(u16 port, Width w) override;
  void io_write(u16 port, u32 value, Width w) override;
  void on_timer(Timer& t) override;

  /// Port 70h bit 7 as last written: 1 = NMI disabled.
  bool nmi_masked() const { return nmi_masked_; }

  /// Machine-side access to CMOS byte `index` (0-7Fh; bit 7 ignored). Clock
  /// registers 00h-0Dh and 32h go through the same logic as a guest write;
  /// other bytes are plain RAM.
  void set_cmos(u8 index, u8 value);
  /// The byte the guest would read at `index`, without side effects (a read
  /// of register C through this does not clear it).
  u8 cmos(u8 index) const;
  /// Stores the AT checksum (16-bit sum of bytes 10h-2Dh) at 2Eh/2Fh.
  void update_checksum();

  /// The calendar time now, as seconds since 1970-01-01 00:00:00.
  i64 unix_seconds() const;

  std::string dump() const;

 private:
  bool running() const;        ///< updates happen: SET clear, divider not in reset
  bool divider_reset() const;  ///< DV2-DV0 = 11x
  i64 periodic_cycles() const; ///< 32.768 kHz cycles per periodic tick, 0 = none
  bool uip() const;

  /// Number of update boundaries at or before `t` since clock_time_.
  i64 updates_by(Picos t) const;
  /// Number of periodic ticks at or before `t` since div_origin_.
  i64 periodic_by(Picos t) const;
  Picos periodic_time(i64 k) const;
  /// PF/AF/UF events in (from, to], with the current configuration.
  u8 flags_between(Picos from, Picos to) const;
  /// Folds the events up to now() into flags_.
  void settle();
  void update_irq();
  void rearm();

  bool alarm_matches(i64 secs) const;
  u8 clock_byte(u8 index, i64 secs) const;  ///< time register in guest format
  void snapshot_time();                     ///< running time -> regs_
  void load_time_from_regs();               ///< regs_ -> clock_secs_
  u8 read_reg(u8 index);
  void write_reg(u8 index, u8 value);
  static bool is_time_reg(u8 index);

  Scheduler& sched_;
  IrqLine irq8_;
  Timer timer_;
  std::array<u8, 128> regs_{};
  u8 index_ = 0;
  bool nmi_masked_ = false;
  bool irq_level_ = false;

  i64 clock_secs_ = 0;     ///< calendar time at clock_time_
  Picos clock_time_ = 0;   ///< a second boundary of the divider chain
  i64 dow_offset_ = 0;     ///< guest day-of-week minus the computed one (mod 7)
  Picos div_origin_ = 0;   ///< the divider chain's last release from reset
  u8 flags_ = 0;           ///< PF/AF/UF settled up to settled_to_
  Picos settled_to_ = 0;
};

}  // namespace gb
