// Intel 8254 programmable interval timer, as wired in a PC/AT, and the AT's
// "system control port B" (port 61h).
//
// Reference: Intel 8254 Programmable Interval Timer datasheet (order number
// 231164-005, 1993): "Control Word Format", "Counter Latch Command",
// "Read-Back Command", "Status Byte", and "Mode Definitions" (modes 0-5).
//
// The counting element is never ticked: each counter remembers the input
// clock tick at which it was (re)loaded and derives its count and OUT level
// at any later tick arithmetically. Only channel 0 (IRQ0) arms a scheduler
// timer, and only for its next OUT transition.
#pragma once
#include <array>
#include <limits>
#include <string>

#include "devices/irq.hpp"
#include "devices/scheduler.hpp"
#include "mmu/io_map.hpp"

namespace gb {

class Pit8254 final : public IoHandler, public Timer::Client {
 public:
  /// Index of an input clock pulse since virtual time 0.
  using Tick = i64;
  /// The PC's 8254 input clock: 14.31818 MHz / 12.
  static constexpr i64 kClockHz = 1'193'182;

  /// Ports 40h-42h: counters 0-2; 43h: control word.
  Pit8254(Scheduler& sched, IrqLine irq0);

  u32 io_read(u16 port, Width w) override;
  void io_write(u16 port, u32 value, Width w) override;
  void on_timer(Timer& t) override;

  /// Power-on state: every counter unprogrammed (mode 0, OUT low), IRQ0 low.
  void reset();
  std::string dump() const;

  /// Counter 2's GATE input (port 61h bit 0 on a PC). Counters 0 and 1 have
  /// their gates tied high.
  void set_gate2(bool level);
  bool gate2() const { return c_[2].gate; }
  /// Counter 2's OUT (port 61h bit 5; the speaker).
  bool out2() const;
  /// OUT of counter `i` (0-2) now.
  bool out(unsigned i) const;

  /// The input clock tick in progress at time t: floor(t * kClockHz / 1e12).
  static Tick tick_at(Picos t);
  /// The first time at which tick k has happened: ceil(k * 1e12 / kClockHz),
  /// or kNever if that does not fit in Picos.
  static Picos time_of_tick(Tick k);

 private:
  static constexpr Tick kNoTick = std::numeric_limits<Tick>::max() / 4;

  struct Counter {
    u8 cw = 0x30;  ///< control word bits 5-0: RW1 RW0 M2 M1 M0 BCD
    u16 cr = 0;    ///< count register, as written (binary or BCD)
    bool write_msb_next = false;
    bool read_msb_next = false;
    bool has_count = false;  ///< a count was written since the control word
    bool gate = true;
    bool count_latched = false;
    u16 latch = 0;
    bool status_latched = false;
    u8 status = 0;
    // Counting element. While `running`, the count and OUT are functions of
    // the tick; otherwise they hold `held_ce` / `held_out`.
    bool running = false;
    Tick base = 0;        ///< tick the CE was loaded
    u32 start = 0;        ///< value loaded (modes 2/3: the period N)
    Tick term = kNoTick;  ///< modes 0/1/4/5: tick the CE reaches 0
    bool pend = false;    ///< modes 2/3: a new count waits for the cycle end
    Tick pend_at = 0;
    Tick pend_base = 0;
    u32 pend_n = 0;
    bool fired = false;   ///< modes 0/4: terminal count passed before a pause
    u32 held_ce = 0;
    bool held_out = false;
    Tick load_tick = kNoTick;  ///< null count until this tick

    u8 mode() const {
      const u8 m = (cw >> 1) & 7;
      return m >= 6 ? m - 4 : m;  // X10 = mode 2, X11 = mode 3
    }
    u8 rw() const { return (cw >> 4) & 3; }
    bool bcd() const { return cw & 1; }
    u32 modulus() const { return bcd() ? 10000 : 65536; }
  };

  Tick now_tick() const { return tick_at(sched_.now()); }
  static u32 decode(const Counter& c, u16 raw);
  static u16 encode(const Counter& c, u32 value);
  static u32 ce_at(const Counter& c, Tick k);
  static bool out_at(const Counter& c, Tick k);
  static Tick next_event(const Counter& c, Tick k);
  static Tick next_edge(const Counter& c, Tick k);
  static Tick periodic_boundary(const Counter& c, Tick k, bool* low_start);
  static void normalize(Counter& c, Tick k);
  void write_control(u8 v);
  void write_counter(unsigned i, u8 v);
  u8 read_counter(unsigned i);
  void latch_count(Counter& c, Tick k);
  void latch_status(Counter& c, Tick k);
  void load_count(Counter& c, Tick k);
  void set_gate(Counter& c, bool level, Tick k);
  void update_irq0();

  Scheduler& sched_;
  IrqLine irq0_;
  Timer timer_;
  std::array<Counter, 3> c_{};
  bool irq_level_ = false;
};

/// PC/AT system control port B (port 61h; IBM PC AT Technical Reference,
/// "System Board I/O"): bit 0 = timer 2 gate, bit 1 = speaker data enable,
/// bits 2-3 = parity/channel check enables (stored), bit 4 = refresh request
/// toggle (read only), bit 5 = timer 2 OUT (read only), bits 6-7 = parity /
/// channel check status (read as 0).
class Port61 final : public IoHandler {
 public:
  /// The refresh request toggles every 15.085 us (IBM AT: refresh every
  /// 15.085 us, from timer 1 programmed with a count of 18).
  static constexpr Picos kRefreshHalfPeriod = 15'085'000;

  Port61(Scheduler& sched, Pit8254& pit) : sched_(sched), pit_(pit) {}
  u32 io_read(u16 port, Width w) override;
  void io_write(u16 port, u32 value, Width w) override;
  void reset();

 private:
  Scheduler& sched_;
  Pit8254& pit_;
  u8 bits_ = 0;  ///< bits 3-0 as written
};

}  // namespace gb
