// The HPET (devices/hpet.hpp) against the IA-PC HPET specification 1.0a:
// capabilities and read-back rules, the main counter on the virtual clock,
// one-shot, periodic and 32-bit comparators, level status and its
// write-1-to-clear, and legacy replacement cutting off the PIT and the RTC
// (devices/pc/hpet_irqs.hpp).
#include <catch2/catch.hpp>

#include <vector>

#include "devices/hpet.hpp"
#include "devices/pc/hpet_irqs.hpp"

using namespace gb;

namespace {

constexpr Picos kTick = Hpet::kTickPs;  // 10 ns

/// Every change of the HPET's outputs, with the virtual time it came at.
struct Recorder : Hpet::Wiring {
  Scheduler& sched;
  struct Event {
    Picos at;
    Hpet::Lines lines;
  };
  std::vector<Event> events;
  explicit Recorder(Scheduler& s) : sched(s) {}
  void hpet_lines(const Hpet::Lines& l) override { events.push_back({sched.now(), l}); }
  /// Times at which I/O APIC input `pin` rose.
  std::vector<Picos> rises(unsigned pin) const {
    std::vector<Picos> out;
    bool was = false;
    for (const Event& e : events) {
      const bool now = (e.lines.ioapic >> pin) & 1;
      if (now && !was) out.push_back(e.at);
      was = now;
    }
    return out;
  }
};

struct Rig {
  Scheduler sched;
  Recorder rec{sched};
  Hpet hpet{sched, rec};
  u32 rd(u32 off) { return hpet.mmio_read(off, Width::Dword); }
  u64 rd64(u32 off) { return rd(off) | u64{rd(off + 4)} << 32; }
  void wr(u32 off, u32 v) { hpet.mmio_write(off, v, Width::Dword); }
  void wr64(u32 off, u64 v) {
    wr(off, static_cast<u32>(v));
    wr(off + 4, static_cast<u32>(v >> 32));
  }
  static u32 cfg(unsigned n) { return Hpet::kTimer0 + n * Hpet::kTimerStride + Hpet::kTnConfig; }
  static u32 cmp(unsigned n) { return Hpet::kTimer0 + n * Hpet::kTimerStride + Hpet::kTnComparator; }
  void run_to(Picos t) { sched.advance_to(t); }
};

constexpr u32 kRoute2 = 2u << Hpet::kIntRouteShift;

}  // namespace

TEST_CASE("HPET: capabilities and power-on values", "[hpet]") {
  Rig r;
  // Rev 01h, 3 timers, 64-bit counter, legacy replacement capable, vendor
  // 8086h: the event timer block ID SeaBIOS puts in the ACPI table.
  CHECK(r.rd(Hpet::kCapId) == 0x8086'A201u);
  CHECK(r.rd(Hpet::kCapId + 4) == 10'000'000u);  // 10 ns in fs
  CHECK(r.hpet.mmio_read(Hpet::kCapId + 2, Width::Word) == 0x8086u);
  CHECK(r.hpet.mmio_read(Hpet::kCapId + 1, Width::Byte) == 0xA2u);
  CHECK(r.rd64(Hpet::kConfig) == 0);
  CHECK(r.rd64(Hpet::kStatus) == 0);
  CHECK(r.rd64(Hpet::kCounter) == 0);
  // Timer 0: periodic capable, 64-bit; all: route capability input 2 only.
  CHECK(r.rd64(Rig::cfg(0)) == 0x0000'0004'0000'0030u);
  CHECK(r.rd64(Rig::cfg(1)) == 0x0000'0004'0000'0020u);
  CHECK(r.rd64(Rig::cfg(2)) == 0x0000'0004'0000'0020u);
  for (unsigned n = 0; n < 3; ++n) CHECK(r.rd64(Rig::cmp(n)) == ~u64{0});
  CHECK(r.rd(0x400) == 0);  // past the register block
  CHECK(r.hpet.mmio_peek(Hpet::kCapId, Width::Dword) == 0x8086'A201u);
  CHECK(r.rec.events.empty());
}

TEST_CASE("HPET: read-back rules of the configuration registers", "[hpet]") {
  Rig r;
  r.wr64(Hpet::kCapId, 0);  // read only
  CHECK(r.rd(Hpet::kCapId) == 0x8086'A201u);
  r.wr(Hpet::kConfig, 0xFFFF'FFFF);
  CHECK(r.rd64(Hpet::kConfig) == 3);  // ENABLE_CNF and LEG_RT_CNF alone
  r.wr(Hpet::kConfig, 0);
  // Level, INT_ENB, periodic, 32-bit, route 2: taken. FSB_EN_CNF is not
  // (no FSB delivery), nor the capability bits.
  r.wr(Rig::cfg(0), 0x4000 | kRoute2 | 0x100 | 0x08 | 0x04 | 0x02 | 0x30 | 0x8000);
  CHECK(r.rd64(Rig::cfg(0)) == (0x0000'0004'0000'0030u | kRoute2 | 0x100 | 0x08 | 0x04 | 0x02));
  // Timer 1 is not periodic-capable: Tn_TYPE_CNF stays 0.
  r.wr(Rig::cfg(1), 0x08 | 0x04);
  CHECK(r.rd(Rig::cfg(1)) == 0x24u);
  // A route outside Tn_INT_ROUTE_CAP is not taken.
  r.wr(Rig::cfg(2), kRoute2);
  r.wr(Rig::cfg(2), 5u << Hpet::kIntRouteShift);
  CHECK(r.rd(Rig::cfg(2)) == (0x20u | kRoute2));
  r.wr(Rig::cfg(2) + 4, 0xFFFF'FFFF);  // Tn_INT_ROUTE_CAP: read only
  CHECK(r.rd(Rig::cfg(2) + 4) == 4u);
  // 32-bit mode: the comparator's high half reads 0 and ignores writes.
  r.wr64(Rig::cmp(1), 0x1234'5678'9ABC'DEF0u);
  CHECK(r.rd64(Rig::cmp(1)) == 0x1234'5678'9ABC'DEF0u);
  r.wr(Rig::cfg(1), 0x100);
  CHECK(r.rd64(Rig::cmp(1)) == 0x9ABC'DEF0u);
  r.wr(Rig::cmp(1) + 4, 0x55);
  CHECK(r.rd64(Rig::cmp(1)) == 0x9ABC'DEF0u);
  // Byte writes change their byte only.
  r.hpet.mmio_write(Rig::cmp(1) + 1, 0x00, Width::Byte);
  CHECK(r.rd(Rig::cmp(1)) == 0x9ABC'00F0u);
}

TEST_CASE("HPET: the main counter runs at 100 MHz of virtual time, halts and is written while halted", "[hpet]") {
  Rig r;
  r.run_to(5 * kTick);
  CHECK(r.rd64(Hpet::kCounter) == 0);  // halted at reset
  r.wr(Hpet::kConfig, Hpet::kEnableCnf);
  r.run_to(5 * kTick + 1'000'000'000);  // 1 ms later
  CHECK(r.rd64(Hpet::kCounter) == 100'000u);
  r.run_to(5 * kTick + 1'000'000'000 + kTick - 1);  // within the count
  CHECK(r.rd64(Hpet::kCounter) == 100'000u);
  r.run_to(5 * kTick + 1'000'000'000 + kTick);
  CHECK(r.rd64(Hpet::kCounter) == 100'001u);
  r.wr64(Hpet::kCounter, 7);  // ignored while it runs
  CHECK(r.rd64(Hpet::kCounter) == 100'001u);
  r.wr(Hpet::kConfig, 0);
  r.run_to(kPicosPerSecond);
  CHECK(r.rd64(Hpet::kCounter) == 100'001u);
  // Written while halted, by halves, then counting on from there.
  r.wr(Hpet::kCounter + 4, 0x1);
  r.wr(Hpet::kCounter, 0xFFFF'FFFE);
  CHECK(r.rd64(Hpet::kCounter) == 0x1'FFFF'FFFEu);
  r.wr(Hpet::kConfig, Hpet::kEnableCnf);
  r.run_to(kPicosPerSecond + 3 * kTick);
  CHECK(r.rd(Hpet::kCounter) == 0x1u);
  CHECK(r.rd(Hpet::kCounter + 4) == 0x2u);
  CHECK(r.hpet.counter() == 0x2'0000'0001u);
}

TEST_CASE("HPET: a one-shot timer fires once, at the count of its comparator", "[hpet]") {
  Rig r;
  r.wr64(Rig::cmp(2), 1000);  // 10 us
  r.wr(Rig::cfg(2), kRoute2 | Hpet::kIntEnb);
  CHECK(r.rec.events.empty());  // the counter is halted
  r.run_to(3 * kTick + 5);
  r.wr(Hpet::kConfig, Hpet::kEnableCnf);  // from count 0, 5 ps before a count
  r.run_to(kPicosPerSecond);
  // The edge: input 2 high, then low, when the counter turns 1000.
  const Picos at = 3 * kTick + 5 + 1000 * kTick;
  REQUIRE(r.rec.events.size() == 2);
  CHECK(r.rec.rises(2) == std::vector<Picos>{at});
  CHECK(r.rec.events[1].at == at);
  CHECK(r.rec.events[1].lines.ioapic == 0);
  CHECK(r.rd64(Hpet::kStatus) == 0);  // edge-triggered: no status
  CHECK(r.rd64(Rig::cmp(2)) == 1000u);
  // A comparator behind the counter waits for the 64-bit wrap: no fire.
  r.wr64(Rig::cmp(2), 50);
  r.run_to(2 * kPicosPerSecond);
  CHECK(r.rec.events.size() == 2);
  // INT_ENB clear: the timer runs without interrupting.
  r.wr(Rig::cfg(2), kRoute2);
  r.wr64(Rig::cmp(2), r.rd64(Hpet::kCounter) + 10);
  r.run_to(3 * kPicosPerSecond);
  CHECK(r.rec.events.size() == 2);
}

TEST_CASE("HPET: periodic timer 0, set as Linux does (VAL_SET, start, then period)", "[hpet]") {
  Rig r;
  r.wr(Hpet::kConfig, Hpet::kEnableCnf);
  r.wr(Rig::cfg(0), kRoute2 | Hpet::kIntEnb | Hpet::kTypePeriodic | Hpet::kValSet | Hpet::k32Mode);
  r.wr(Rig::cmp(0), 500);   // the first match, with VAL_SET
  CHECK((r.rd(Rig::cfg(0)) & Hpet::kValSet) == 0);  // cleared by the write
  r.wr(Rig::cmp(0), 1000);  // the period (2.3.9.2.2)
  CHECK(r.rd64(Rig::cmp(0)) == 500u);
  r.run_to(250 * kTick);
  r.run_to(2600 * kTick);
  CHECK(r.rec.rises(2) == std::vector<Picos>{500 * kTick, 1500 * kTick, 2500 * kTick});
  CHECK(r.rd64(Rig::cmp(0)) == 3500u);  // the accumulator has moved on
  // Halted, nothing more fires; enabled again, it goes on from the count.
  r.wr(Hpet::kConfig, 0);
  r.run_to(10'000 * kTick);
  CHECK(r.rec.rises(2).size() == 3);
  r.wr(Hpet::kConfig, Hpet::kEnableCnf);
  r.run_to(10'000 * kTick + 900 * kTick);  // the counter reaches 3500 here
  CHECK(r.rec.rises(2).size() == 4);
  CHECK(r.rec.rises(2).back() == 10'000 * kTick + 900 * kTick);
}

TEST_CASE("HPET: a 32-bit comparator matches the counter's low half, every 2^32 counts", "[hpet]") {
  Rig r;
  r.wr64(Hpet::kCounter, 0xFFFF'FFF0u);
  r.wr(Rig::cfg(1), kRoute2 | Hpet::kIntEnb | Hpet::k32Mode);
  r.wr(Rig::cmp(1), 0x10);
  r.wr(Rig::cfg(2), kRoute2 | Hpet::kIntEnb);  // 64-bit: 0x10 is behind
  r.wr64(Rig::cmp(2), 0x10);
  r.wr(Hpet::kConfig, Hpet::kEnableCnf);
  r.run_to(0x20 * kTick);
  CHECK(r.rd64(Hpet::kCounter) == 0x1'0000'0010u);
  CHECK(r.rec.rises(2) == std::vector<Picos>{0x20 * kTick});
  r.run_to((0x20 + (Picos{1} << 32)) * kTick);
  CHECK(r.rec.rises(2) == std::vector<Picos>{0x20 * kTick, (0x20 + (Picos{1} << 32)) * kTick});
}

TEST_CASE("HPET: level-triggered status stays until software writes 1 to it", "[hpet]") {
  Rig r;
  r.wr(Hpet::kConfig, Hpet::kEnableCnf);
  r.wr(Rig::cfg(2), kRoute2 | Hpet::kIntEnb | Hpet::kIntTypeLevel);
  r.wr64(Rig::cmp(2), 100);
  r.wr(Rig::cfg(1), kRoute2 | Hpet::kIntTypeLevel);  // INT_ENB clear
  r.wr64(Rig::cmp(1), 200);
  r.run_to(300 * kTick);
  // Both status bits set (2.3.6); only timer 2 asserts its line.
  CHECK(r.rd64(Hpet::kStatus) == 0b110u);
  CHECK(r.rec.rises(2) == std::vector<Picos>{100 * kTick});
  CHECK(r.hpet.lines().ioapic == 1u << 2);
  r.wr(Hpet::kStatus, 0);  // 0s: no effect
  r.hpet.mmio_write(Hpet::kStatus, 0, Width::Byte);
  CHECK(r.rd64(Hpet::kStatus) == 0b110u);
  r.wr(Hpet::kStatus, 0b100);
  CHECK(r.rd64(Hpet::kStatus) == 0b010u);
  CHECK(r.hpet.lines().ioapic == 0);
  // Halting the counter deasserts a pending line; enabling it asserts it again.
  r.wr64(Rig::cmp(2), 400);
  r.run_to(500 * kTick);
  CHECK(r.hpet.lines().ioapic == 1u << 2);
  r.wr(Hpet::kConfig, 0);
  CHECK(r.hpet.lines().ioapic == 0);
  r.wr(Hpet::kConfig, Hpet::kEnableCnf);
  CHECK(r.hpet.lines().ioapic == 1u << 2);
  // Switching the timer to edge drops its status.
  r.wr(Rig::cfg(2), kRoute2 | Hpet::kIntEnb);
  CHECK(r.rd64(Hpet::kStatus) == 0b010u);
  CHECK(r.hpet.lines().ioapic == 0);
}

namespace {

struct ApicSink : ApicBus {
  std::vector<u8> vectors;
  bool deliver_fixed(u8 vector, bool, u8, bool, bool) override {
    vectors.push_back(vector);
    return true;
  }
  void deliver_nmi(u8, bool) override {}
  void set_extint(bool) override {}
};

struct NoIntr : IrqSink {
  void set_irq(unsigned, bool) override {}
};

/// The machine's wiring: PIT and RTC lines into HpetIrqs, the 8259 pair and
/// the I/O APIC (inputs 0, 2 and 8 unmasked, edge, vectors 30h, 32h, 38h).
struct Wired {
  Scheduler sched;
  NoIntr intr;
  DualPic pic{intr, 0};
  ApicSink apic;
  IoApic ioapic{apic};
  IsaIrqs isa{pic};
  HpetIrqs wiring{isa};
  Hpet hpet{sched, wiring};
  Wired() {
    isa.ioapic = &ioapic;
    wiring.ioapic = &ioapic;
    for (unsigned pin : {0u, 2u, 8u}) {
      ioapic.mmio_write(0x00, 0x10 + 2 * pin, Width::Byte);
      ioapic.mmio_write(0x10, 0x30 + pin, Width::Dword);
    }
  }
  void wr(u32 off, u32 v) { hpet.mmio_write(off, v, Width::Dword); }
  void pit_pulse() { IrqLine(wiring, 0).pulse(); }
  void rtc_pulse() { IrqLine(wiring, 8).pulse(); }
};

}  // namespace

TEST_CASE("HPET: legacy replacement takes IRQ0 and IRQ8 from the PIT and the RTC", "[hpet]") {
  {
    Wired w;
    w.wr(Hpet::kConfig, Hpet::kLegRtCnf);  // LEG_RT_CNF alone: not yet (2.3.5)
    w.pit_pulse();
    CHECK(w.apic.vectors == std::vector<u8>{0x30});
    CHECK(w.pic.master().irr() == 0x01);
  }
  Wired w;
  w.wr(Hpet::kConfig, Hpet::kEnableCnf | Hpet::kLegRtCnf);
  CHECK(w.hpet.lines().legacy_replacement);
  // Timer 0 to IRQ0 (8259 IRQ0, and I/O APIC input 0 where this board has
  // ISA IRQ0), timer 1 to IRQ8 / input 8, whatever their Tn_INT_ROUTE_CNF says.
  w.wr(Rig::cfg(0), kRoute2 | Hpet::kIntEnb);
  w.wr(Rig::cmp(0), 100);
  w.wr(Rig::cmp(0) + 4, 0);
  w.wr(Rig::cfg(1), Hpet::kIntEnb);
  w.wr(Rig::cmp(1), 200);
  w.wr(Rig::cmp(1) + 4, 0);
  // The PIT and the RTC are cut off: nothing reaches the 8259 or the I/O APIC.
  w.pit_pulse();
  w.rtc_pulse();
  CHECK(w.apic.vectors.empty());
  CHECK(w.pic.master().irr() == 0);
  CHECK(w.pic.slave().irr() == 0);
  w.sched.advance_to(150 * kTick);
  CHECK(w.apic.vectors == std::vector<u8>{0x30});
  CHECK(w.pic.master().irr() == 0x01);
  w.sched.advance_to(250 * kTick);
  CHECK(w.apic.vectors == std::vector<u8>{0x30, 0x38});
  CHECK(w.pic.slave().irr() == 0x01);
  // Legacy replacement off: the PIT and the RTC are back; timer 0 follows
  // its route (input 2).
  w.apic.vectors.clear();
  w.wr(Hpet::kConfig, Hpet::kEnableCnf);
  w.pit_pulse();
  w.rtc_pulse();
  CHECK(w.apic.vectors == std::vector<u8>{0x30, 0x38});
  w.wr(Rig::cmp(0), 300);
  w.sched.advance_to(350 * kTick);
  CHECK(w.apic.vectors == std::vector<u8>{0x30, 0x38, 0x32});
}

TEST_CASE("HPET: a level legacy timer holds IRQ8 until its status is cleared; reset clears legacy", "[hpet]") {
  Wired w;
  w.wr(Hpet::kConfig, Hpet::kEnableCnf | Hpet::kLegRtCnf);
  w.wr(Rig::cfg(1), Hpet::kIntEnb | Hpet::kIntTypeLevel);
  w.wr(Rig::cmp(1), 100);
  w.wr(Rig::cmp(1) + 4, 0);
  w.sched.advance_to(200 * kTick);
  CHECK(w.hpet.lines().timer1_legacy);
  CHECK(w.ioapic.dump().find("pin  8") != std::string::npos);
  CHECK(w.ioapic.dump().find("(asserted)") != std::string::npos);
  w.wr(Hpet::kStatus, 0b10);
  CHECK_FALSE(w.hpet.lines().timer1_legacy);
  CHECK(w.ioapic.dump().find("(asserted)") == std::string::npos);
  w.hpet.reset();
  CHECK_FALSE(w.hpet.lines().legacy_replacement);
  w.apic.vectors.clear();
  w.pit_pulse();
  CHECK(w.apic.vectors == std::vector<u8>{0x30});
  CHECK(w.hpet.dump().find("halted") != std::string::npos);
}
