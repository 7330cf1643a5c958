// The local APIC (devices/apic/local_apic.hpp) against SDM Vol. 3A chapter
// 10: reset state and virtual wire, acceptance and priority through
// IRR/ISR/TPR/PPR, EOI, spurious interrupts, the timer, the self IPI.
#include <catch2/catch.hpp>

#include "devices/apic/local_apic.hpp"

using namespace gb;
using A = LocalApic;

namespace {

struct Pins : IrqSink {
  bool intr = false;
  int nmis = 0;
  void set_irq(unsigned line, bool level) override {
    if (line == 0) intr = level;
    else if (level) ++nmis;
  }
};

struct Pic : InterruptAcknowledge {
  int acks = 0;
  u8 acknowledge() override {
    ++acks;
    return 0x08;
  }
};

constexpr Picos kBus = 10'000;  // 100 MHz

struct Rig {
  Scheduler sched;
  Pins pins;
  Pic pic;
  LocalApic apic{sched, pic, A::CpuPins{IrqLine(pins, 0), IrqLine(pins, 1)}, kBus};
  u32 rd(u32 reg) { return apic.mmio_read(reg, Width::Dword); }
  void wr(u32 reg, u32 v) { apic.mmio_write(reg, v, Width::Dword); }
  void enable() { wr(A::kSvr, 0x1FF); }
};

}  // namespace

TEST_CASE("local APIC: reset state; LINT0 passes the 8259 through as ExtINT", "[apic]") {
  Rig r;
  CHECK(r.rd(A::kVersion) == 0x00040014u);
  CHECK(r.rd(A::kSvr) == 0xFFu);  // software-disabled
  CHECK(r.rd(A::kLvtTimer) == 0x10000u);
  CHECK(r.rd(A::kLvtLint0) == 0x700u);
  CHECK(r.rd(A::kDfr) == 0xFFFFFFFFu);
  CHECK_FALSE(r.pins.intr);
  r.apic.set_irq(A::kLint0, true);  // the 8259's INT
  CHECK(r.pins.intr);
  CHECK(r.apic.acknowledge() == 0x08);  // INTA goes to the 8259
  CHECK(r.pic.acks == 1);
  r.apic.set_irq(A::kLint0, false);
  CHECK_FALSE(r.pins.intr);
  // Masking LINT0 cuts the 8259 off.
  r.wr(A::kLvtLint0, 0x10700);
  r.apic.set_irq(A::kLint0, true);
  CHECK_FALSE(r.pins.intr);
}

TEST_CASE("local APIC: fixed interrupts by priority class, ISR, EOI", "[apic]") {
  Rig r;
  r.apic.accept(0x31, false);
  CHECK_FALSE(r.pins.intr);  // software-disabled: held in IRR
  r.enable();
  CHECK(r.rd(A::kSvr) == 0x1FFu);
  CHECK(r.pins.intr);
  CHECK(r.rd(A::kIrr + 0x10) == 1u << 17);  // vector 31h: IRR bits 32-63, bit 17
  CHECK(r.apic.acknowledge() == 0x31);
  CHECK(r.rd(A::kIsr + 0x10) == 1u << 17);
  CHECK(r.rd(A::kIrr + 0x10) == 0u);
  CHECK(r.rd(A::kPpr) == 0x30u);  // the in-service class
  CHECK_FALSE(r.pins.intr);
  // Same class as the one in service: waits; a higher class interrupts it.
  r.apic.accept(0x35, false);
  CHECK_FALSE(r.pins.intr);
  r.apic.accept(0x61, false);
  CHECK(r.pins.intr);
  CHECK(r.apic.acknowledge() == 0x61);
  r.wr(A::kEoi, 0);  // ends 61h, the highest in service
  CHECK(r.rd(A::kPpr) == 0x30u);
  r.wr(A::kEoi, 0);  // ends 31h
  CHECK(r.pins.intr);  // 35h now
  // TPR holds back classes at or below it.
  r.wr(A::kTpr, 0x40);
  CHECK_FALSE(r.pins.intr);
  CHECK(r.rd(A::kPpr) == 0x40u);
  r.wr(A::kTpr, 0x20);
  CHECK(r.pins.intr);
  // Raised again before INTA: the spurious vector, nothing put in service.
  r.wr(A::kTpr, 0xF0);
  CHECK(r.apic.acknowledge() == 0xFF);
  CHECK(r.rd(A::kIsr + 0x10) == 0u);
  // Vectors 0-15 are illegal: ESR bit 6.
  r.apic.accept(0x05, false);
  CHECK(r.rd(A::kEsr) == 0x40u);
  r.wr(A::kEsr, 0);
  CHECK(r.rd(A::kEsr) == 0u);
}

TEST_CASE("local APIC: the timer one-shot and periodic, with the divider", "[apic]") {
  Rig r;
  r.enable();
  r.wr(A::kDivide, 0x0B);  // divide by 1
  r.wr(A::kLvtTimer, 0x40);  // one-shot, vector 40h, unmasked
  r.wr(A::kInitialCount, 1000);  // 1000 bus clocks = 10 us
  r.sched.advance_to(5'000'000);  // 5 us
  CHECK(r.rd(A::kCurrentCount) == 500u);
  CHECK_FALSE(r.pins.intr);
  r.sched.advance_to(10'000'000);
  CHECK(r.pins.intr);
  CHECK(r.rd(A::kCurrentCount) == 0u);
  CHECK(r.apic.acknowledge() == 0x40);
  r.wr(A::kEoi, 0);
  r.sched.advance_to(50'000'000);
  CHECK_FALSE(r.pins.intr);  // one-shot: once
  // Periodic, divide by 16 (0011b): every 16 * 100 clocks = 16 us.
  r.wr(A::kDivide, 0x03);
  r.wr(A::kLvtTimer, 0x20041);
  r.wr(A::kInitialCount, 100);
  const Picos t0 = r.sched.now();
  r.sched.advance_to(t0 + 8'000'000);
  CHECK(r.rd(A::kCurrentCount) == 50u);
  for (int i = 1; i <= 3; ++i) {
    r.sched.advance_to(t0 + i * 16'000'000);
    REQUIRE(r.pins.intr);
    CHECK(r.apic.acknowledge() == 0x41);
    r.wr(A::kEoi, 0);
    CHECK(r.rd(A::kCurrentCount) == 100u);  // reloaded
  }
  // A zero initial count stops it; a masked LVT counts but does not interrupt.
  r.wr(A::kInitialCount, 0);
  r.sched.advance_to(t0 + 100'000'000);
  CHECK_FALSE(r.pins.intr);
  r.wr(A::kLvtTimer, 0x30041);
  r.wr(A::kInitialCount, 10);
  r.sched.advance_to(t0 + 200'000'000);
  CHECK_FALSE(r.pins.intr);
}

TEST_CASE("local APIC: self IPI, LINT1 NMI, software disable masks the LVT", "[apic]") {
  Rig r;
  r.enable();
  r.wr(A::kIcrLow, (1u << 18) | 0x55);  // shorthand "self", fixed, vector 55h
  CHECK(r.pins.intr);
  CHECK(r.apic.acknowledge() == 0x55);
  r.wr(A::kEoi, 0);
  r.wr(A::kIcrHigh, 0x0300'0000);  // physical destination 3: not this APIC (ID 0)
  r.wr(A::kIcrLow, 0x56);
  CHECK_FALSE(r.pins.intr);
  r.wr(A::kLvtLint1, 0x400);  // NMI
  r.apic.set_irq(A::kLint1, true);
  r.apic.set_irq(A::kLint1, false);
  CHECK(r.pins.nmis == 1);
  r.wr(A::kSvr, 0x0FF);  // software-disable: every LVT entry masked
  CHECK(r.rd(A::kLvtLint1) == 0x10400u);
  CHECK(r.rd(A::kLvtLint0) & 0x10000u);
  r.wr(A::kLvtTimer, 0x40);  // and stays masked while disabled
  CHECK(r.rd(A::kLvtTimer) == 0x10040u);
  CHECK(r.apic.dump().find("software-disabled") != std::string::npos);
}
