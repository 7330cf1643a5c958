// The High Precision Event Timer (IA-PC HPET Specification 1.0a, Intel,
// October 2004): one timer block of 1 KiB of registers (spec 2.3.1,
// table 3), a 64-bit main counter and three comparators, as QEMU's pc
// machine presents it at FED00000h (vendor 8086h, 10 ns period, timer 0
// periodic-capable, no FSB delivery).
//
// The main counter is never ticked: it is derived from the scheduler's
// virtual time (one count per 10 ns, so 100 MHz), from the count and the
// time at which ENABLE_CNF was last set. Each comparator has one scheduler
// timer, armed for its next match while the counter runs.
//
// Interrupts leave the block as levels (Hpet::Lines): the two legacy
// replacement outputs (timer 0 in place of the 8254's IRQ0, timer 1 in
// place of the RTC's IRQ8) and the I/O APIC inputs that Tn_INT_ROUTE_CNF
// selects; the machine wires them (devices/pc/hpet_irqs.hpp), cutting off
// the 8254's IRQ0 and the RTC's IRQ8 while legacy replacement is on (spec
// 2.4, table 2).
#pragma once
#include <array>
#include <string>

#include "devices/scheduler.hpp"
#include "mmu/mmio.hpp"

namespace gb {

class Hpet final : public MmioHandler {
 public:
  static constexpr PhysAddr kDefaultBase = 0xFED0'0000;
  static constexpr unsigned kTimers = 3;
  /// COUNTER_CLK_PERIOD: 10 ns, in femtoseconds (QEMU's value); in ps for
  /// the virtual clock.
  static constexpr u32 kPeriodFs = 10'000'000;
  static constexpr Picos kTickPs = kPeriodFs / 1000;
  /// Tn_INT_ROUTE_CAP: the I/O APIC inputs a timer may use outside legacy
  /// replacement. QEMU's pc (i440FX) machine offers input 2 alone.
  static constexpr u32 kRouteCap = 1u << 2;

  // Register offsets (spec 2.3.1, table 3) and bits.
  static constexpr u32 kCapId = 0x000, kConfig = 0x010, kStatus = 0x020, kCounter = 0x0F0;
  static constexpr u32 kTimer0 = 0x100, kTimerStride = 0x20;  ///< + kTnConfig / kTnComparator / kTnFsbRoute
  static constexpr u32 kTnConfig = 0x00, kTnComparator = 0x08, kTnFsbRoute = 0x10;
  /// General Configuration (2.3.5).
  static constexpr u64 kEnableCnf = 1u << 0, kLegRtCnf = 1u << 1;
  /// Tn Configuration and Capabilities (2.3.8).
  static constexpr u64 kIntTypeLevel = 1u << 1, kIntEnb = 1u << 2, kTypePeriodic = 1u << 3, kPerIntCap = 1u << 4,
                       kSizeCap = 1u << 5, kValSet = 1u << 6, k32Mode = 1u << 8, kIntRouteShift = 9,
                       kIntRouteMask = u64{0x1F} << kIntRouteShift, kFsbEn = 1u << 14, kFsbIntDelCap = 1u << 15;

  /// The block's interrupt outputs: levels, and pulses for edge-triggered
  /// timers (a high level, then the previous one).
  struct Lines {
    /// ENABLE_CNF and LEG_RT_CNF both set (2.3.5): timers 0 and 1 use the
    /// legacy outputs, and the 8254's IRQ0 and the RTC's IRQ8 are cut off.
    bool legacy_replacement = false;
    bool timer0_legacy = false;  ///< IRQ0 (table 2: 8259 IRQ0, I/O APIC input 2)
    bool timer1_legacy = false;  ///< IRQ8 (8259 IRQ8, I/O APIC input 8)
    u32 ioapic = 0;              ///< bit n: I/O APIC input n asserted (Tn_INT_ROUTE_CNF)
    bool operator==(const Lines&) const = default;
  };
  /// Where the outputs go; told every change of Lines.
  class Wiring {
   public:
    virtual ~Wiring() = default;
    virtual void hpet_lines(const Lines& l) = 0;
  };

  Hpet(Scheduler& sched, Wiring& wiring);
  /// Power-on state (2.3): counter halted at 0, legacy replacement off,
  /// every timer disabled and edge-triggered, comparators all ones.
  void reset();

  /// Registers at offsets 000h-3FFh of the block, any width (64-bit
  /// registers as two dwords); 400h-FFFh are reserved (read 0).
  u32 mmio_read(u64 offset, Width w) override { return *mmio_peek(offset, w); }
  void mmio_write(u64 offset, u32 value, Width w) override;
  /// Reading has no side effect on the HPET.
  std::optional<u32> mmio_peek(u64 offset, Width w) const override;

  /// The main counter value now (2.3.7).
  u64 counter() const;
  const Lines& lines() const { return out_; }
  std::string dump() const;

 private:
  struct Channel final : Timer::Client {
    Hpet* hpet = nullptr;
    unsigned index = 0;
    Timer timer;
    u64 config = 0;      ///< Tn_CONF_CAP, low dword (the capabilities are constants)
    u64 comparator = 0;  ///< Tn_COMPARATOR_VAL
    u64 period = 0;      ///< periodic mode: the last value written (2.3.9.2.2)
    explicit Channel(Scheduler& s) : timer(s, *this, "hpet") {}
    void on_timer(Timer&) override { hpet->fire(index); }
  };

  bool running() const { return (config_ & kEnableCnf) != 0; }
  bool legacy() const { return (config_ & (kEnableCnf | kLegRtCnf)) == (kEnableCnf | kLegRtCnf); }
  u64 read64(u32 reg) const;
  void write32(u32 reg, bool high, u32 value);
  void write_timer_config(Channel& c, u32 low);
  void write_comparator(Channel& c, bool high, u32 value);
  void set_config(u64 value);
  /// Arms channel n's scheduler timer for its next comparator match, or
  /// cancels it (counter halted, match past the end of virtual time).
  void arm(unsigned n);
  void fire(unsigned n);
  /// Recomputes the output levels and tells the wiring of a change.
  void update_lines();
  /// Timer n's interrupt asserted in `l`: its legacy output, or the I/O
  /// APIC input of its Tn_INT_ROUTE_CNF.
  void assert_into(Lines& l, unsigned n) const;

  Scheduler& sched_;
  Wiring& wiring_;
  u64 config_ = 0;  ///< General Configuration
  u64 status_ = 0;  ///< General Interrupt Status: level-triggered timers only
  /// Main counter: its value when last halted or written, and while it
  /// runs, its value at enabled_at_ (counter = base + elapsed / 10 ns).
  u64 counter_base_ = 0;
  Picos enabled_at_ = 0;
  std::array<Channel, kTimers> ch_;
  Lines out_;
};

}  // namespace gb
