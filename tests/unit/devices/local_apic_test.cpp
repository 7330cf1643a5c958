// The local APIC (devices/apic/local_apic.hpp) against SDM Vol. 3A chapter
// 10: reset state and virtual wire, acceptance and priority through
// IRR/ISR/TPR/PPR, EOI (and its forwarding for level-triggered vectors),
// spurious interrupts, the timer, the self IPI, destinations.
#include <catch2/catch.hpp>

#include <vector>

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

TEST_CASE("local APIC: EOI of a level-triggered vector reaches the I/O APIC; ExtINT from an I/O APIC pin", "[apic]") {
  struct Eois : EoiListener {
    std::vector<u8> vectors;
    void eoi(u8 v) override { vectors.push_back(v); }
  } eois;
  Rig r;
  r.apic.set_eoi_listener(&eois);
  r.enable();
  r.wr(A::kLvtLint0, 0x10700);  // LINT0 masked: only the I/O APIC's ExtINT
  r.apic.accept(0x61, true);    // level: TMR set
  r.apic.accept(0x51, false);   // edge
  CHECK(r.rd(A::kTmr + 0x30) == 0x2u);  // TMR bit 61h
  CHECK(r.apic.acknowledge() == 0x61);
  r.wr(A::kEoi, 0);
  CHECK(r.apic.acknowledge() == 0x51);
  r.wr(A::kEoi, 0);
  CHECK(eois.vectors == std::vector<u8>{0x61});  // the edge vector's EOI stays local
  CHECK_FALSE(r.pins.intr);
  r.apic.set_ioapic_extint(true);
  CHECK(r.pins.intr);
  CHECK(r.apic.acknowledge() == 0x08);  // INTA answered by the 8259
  r.apic.set_ioapic_extint(false);
  CHECK_FALSE(r.pins.intr);
}

TEST_CASE("local APIC: physical and logical destinations (flat and cluster)", "[apic]") {
  Rig r;
  r.wr(A::kId, 0x0300'0000);
  CHECK(r.apic.addressed(3, false));
  CHECK(r.apic.addressed(0xFF, false));  // broadcast
  CHECK_FALSE(r.apic.addressed(0, false));
  r.wr(A::kLdr, 0x0400'0000);  // flat model (DFR reset value): bit 2
  CHECK(r.apic.addressed(0x04, true));
  CHECK(r.apic.addressed(0x06, true));
  CHECK_FALSE(r.apic.addressed(0x01, true));
  r.wr(A::kDfr, 0x0FFF'FFFF);  // cluster model
  r.wr(A::kLdr, 0x2100'0000);  // cluster 2, member bit 0
  CHECK(r.apic.addressed(0x21, true));
  CHECK(r.apic.addressed(0xF1, true));  // every cluster
  CHECK_FALSE(r.apic.addressed(0x11, true));
  CHECK_FALSE(r.apic.addressed(0x22, true));
  // A fixed IPI in logical mode addressed to this APIC arrives.
  r.enable();
  r.wr(A::kIcrHigh, 0x2100'0000);
  r.wr(A::kIcrLow, (1u << 11) | 0x77);
  CHECK(r.apic.acknowledge() == 0x77);
}
