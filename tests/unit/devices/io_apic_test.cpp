// The I/O APIC (devices/apic/io_apic.hpp) against the 82093AA datasheet:
// the indirect register window, reset masking, edge and level pins,
// Remote IRR and EOI, NMI and ExtINT entries.
#include <catch2/catch.hpp>

#include <vector>

#include "devices/apic/io_apic.hpp"

using namespace gb;

namespace {

struct Sink : ApicBus {
  struct Msg {
    u8 vector;
    bool level;
    u8 dest;
    bool logical;
  };
  std::vector<Msg> fixed;
  int nmis = 0;
  bool extint = false;
  bool deliver_fixed(u8 vector, bool level, u8 dest, bool logical, bool) override {
    fixed.push_back({vector, level, dest, logical});
    return true;
  }
  void deliver_nmi(u8, bool) override { ++nmis; }
  void set_extint(bool asserted) override { extint = asserted; }
};

struct Rig {
  Sink sink;
  IoApic io{sink};
  u32 rd(u8 index) {
    io.mmio_write(0x00, index, Width::Byte);
    return io.mmio_read(0x10, Width::Dword);
  }
  void wr(u8 index, u32 v) {
    io.mmio_write(0x00, index, Width::Byte);
    io.mmio_write(0x10, v, Width::Dword);
  }
  void route(unsigned pin, u32 low, u32 high = 0) {
    wr(static_cast<u8>(0x11 + 2 * pin), high);
    wr(static_cast<u8>(0x10 + 2 * pin), low);
  }
};

}  // namespace

TEST_CASE("I/O APIC: registers through IOREGSEL/IOWIN; pins masked at reset", "[apic]") {
  Rig r;
  CHECK(r.rd(0x01) == 0x00170011u);  // 24 entries, version 11h
  r.wr(0x00, 0x0200'0000);
  CHECK(r.rd(0x00) == 0x0200'0000u);
  r.wr(0x01, 0);  // read only
  CHECK(r.rd(0x01) == 0x00170011u);
  for (unsigned pin = 0; pin < IoApic::kPins; ++pin) CHECK(r.io.entry(pin) == 0x10000u);
  r.io.set_irq(3, true);
  CHECK(r.sink.fixed.empty());  // masked
  r.route(5, 0x0000'0935, 0x0100'0000);  // fixed, logical, vector 35h, destination 01h
  CHECK(r.rd(0x1A) == 0x0935u);
  CHECK(r.rd(0x1B) == 0x0100'0000u);
  CHECK(r.io.mmio_read(0x00, Width::Byte) == 0x1Bu);  // IOREGSEL reads back
}

TEST_CASE("I/O APIC: edge pins send on the asserting edge", "[apic]") {
  Rig r;
  r.route(2, 0x30);  // fixed, physical, edge, vector 30h, destination 0
  r.io.set_irq(2, true);
  r.io.set_irq(2, true);  // no new edge
  r.io.set_irq(2, false);
  r.io.set_irq(2, true);
  REQUIRE(r.sink.fixed.size() == 2);
  CHECK(r.sink.fixed[0].vector == 0x30);
  CHECK_FALSE(r.sink.fixed[0].level);
  CHECK(r.sink.fixed[0].dest == 0);
  CHECK_FALSE(r.sink.fixed[0].logical);
}

TEST_CASE("I/O APIC: level pins set Remote IRR until the EOI, then send again if still asserted", "[apic]") {
  Rig r;
  r.route(11, 0xA000 | 0x41);  // level, active low, vector 41h
  r.io.set_irq(11, true);
  REQUIRE(r.sink.fixed.size() == 1);
  CHECK(r.sink.fixed[0].level);
  CHECK(r.rd(0x26) & (1u << 14));  // Remote IRR
  r.io.set_irq(11, true);
  CHECK(r.sink.fixed.size() == 1);  // held off by Remote IRR
  r.io.eoi(0x41);
  CHECK(r.sink.fixed.size() == 2);  // still asserted: again
  r.io.set_irq(11, false);
  r.io.eoi(0x41);
  CHECK(r.sink.fixed.size() == 2);
  CHECK_FALSE(r.rd(0x26) & (1u << 14));
  r.io.eoi(0x99);  // another vector: nothing
  CHECK(r.sink.fixed.size() == 2);
}

TEST_CASE("I/O APIC: NMI and ExtINT entries", "[apic]") {
  Rig r;
  r.route(4, 0x400);  // NMI, edge
  r.io.set_irq(4, true);
  CHECK(r.sink.nmis == 1);
  r.route(0, 0x700);  // ExtINT: the 8259's INT on pin 0
  r.io.set_irq(0, true);
  CHECK(r.sink.extint);
  r.io.set_irq(0, false);
  CHECK_FALSE(r.sink.extint);
  r.io.set_irq(0, true);
  r.route(0, 0x10700);  // masked
  CHECK_FALSE(r.sink.extint);
  CHECK(r.io.dump().find("ExtINT") != std::string::npos);
}
