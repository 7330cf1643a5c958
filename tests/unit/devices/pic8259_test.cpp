// gb::DualPic (devices/pic8259.hpp), driven only through its port, IRQ and
// INTA interfaces with the BIOS initialization sequence.
#include <catch2/catch.hpp>

#include <vector>

#include "devices/pic8259.hpp"

using namespace gb;

namespace {

/// Records the CPU's INTR line.
struct Intr : IrqSink {
  bool level = false;
  std::vector<bool> history;
  void set_irq(unsigned line, bool l) override {
    CHECK(line == 0);
    level = l;
    history.push_back(l);
  }
};

struct Pics {
  Intr intr;
  DualPic pic{intr, 0};

  u8 in(u16 port) { return static_cast<u8>(pic.io_read(port, Width::Byte)); }
  void out(u16 port, u8 v) { pic.io_write(port, v, Width::Byte); }

  /// The PC BIOS sequence: ICW1=0x11, ICW2=0x08/0x70, ICW3=4/2, ICW4.
  void init(u8 icw4 = 0x01) {
    out(0x20, 0x11);
    out(0x21, 0x08);
    out(0x21, 0x04);
    out(0x21, icw4);
    out(0xA0, 0x11);
    out(0xA1, 0x70);
    out(0xA1, 0x02);
    out(0xA1, icw4);
  }
  void pulse(unsigned line) {
    pic.set_irq(line, true);
    pic.set_irq(line, false);
  }
  u8 isr(u16 base) {
    out(base, 0x0B);  // OCW3: read ISR
    return in(base);
  }
  u8 irr(u16 base) {
    out(base, 0x0A);  // OCW3: read IRR
    return in(base);
  }
  void eoi(u16 base) { out(base, 0x20); }
};

}  // namespace

TEST_CASE("PIC: init sequence, one interrupt, non-specific EOI", "[pic]") {
  Pics p;
  p.init();
  CHECK(p.in(0x21) == 0x00);  // ICW1 clears IMR
  CHECK(p.in(0xA1) == 0x00);
  CHECK_FALSE(p.intr.level);
  p.pic.set_irq(0, true);
  CHECK(p.intr.level);
  CHECK(p.pic.acknowledge() == 0x08);
  CHECK_FALSE(p.intr.level);
  CHECK(p.isr(0x20) == 0x01);
  CHECK(p.irr(0x20) == 0x00);  // edge request consumed (pin still high)
  p.eoi(0x20);
  CHECK(p.isr(0x20) == 0x00);
  CHECK_FALSE(p.intr.level);  // no new edge
  CHECK(p.intr.history == std::vector<bool>{true, false});
}

TEST_CASE("PIC: fixed priority and nesting", "[pic]") {
  Pics p;
  p.init();
  p.pulse(3);
  p.pulse(1);
  CHECK(p.irr(0x20) == 0x0A);
  CHECK(p.pic.acknowledge() == 0x09);  // IR1 outranks IR3
  CHECK_FALSE(p.intr.level);           // IR3 is lower than IR1 in service
  p.pulse(0);
  CHECK(p.intr.level);  // IR0 outranks IR1: nests
  CHECK(p.pic.acknowledge() == 0x08);
  CHECK(p.isr(0x20) == 0x03);
  p.eoi(0x20);  // clears the highest in service: IR0
  CHECK(p.isr(0x20) == 0x02);
  CHECK_FALSE(p.intr.level);
  p.eoi(0x20);
  CHECK(p.intr.level);
  CHECK(p.pic.acknowledge() == 0x0B);
  p.eoi(0x20);
  CHECK(p.isr(0x20) == 0x00);
  CHECK(p.irr(0x20) == 0x00);
}

TEST_CASE("PIC: IMR masks requests but keeps them in IRR", "[pic]") {
  Pics p;
  p.init();
  p.out(0x21, 0x11);
  CHECK(p.in(0x21) == 0x11);
  p.pulse(4);
  p.pulse(0);
  CHECK_FALSE(p.intr.level);
  CHECK(p.irr(0x20) == 0x11);
  p.out(0x21, 0x01);  // unmask IR4 only
  CHECK(p.intr.level);
  CHECK(p.pic.acknowledge() == 0x0C);
  p.eoi(0x20);
  CHECK_FALSE(p.intr.level);
  p.out(0x21, 0x00);
  CHECK(p.pic.acknowledge() == 0x08);
}

TEST_CASE("PIC: specific EOI", "[pic]") {
  Pics p;
  p.init();
  p.pulse(5);
  CHECK(p.pic.acknowledge() == 0x0D);
  p.pulse(3);
  CHECK(p.pic.acknowledge() == 0x0B);
  CHECK(p.isr(0x20) == 0x28);
  p.out(0x20, 0x65);  // specific EOI, level 5 (not the highest)
  CHECK(p.isr(0x20) == 0x08);
  p.out(0x20, 0x63);
  CHECK(p.isr(0x20) == 0x00);
}

TEST_CASE("PIC: automatic EOI", "[pic]") {
  Pics p;
  p.init(0x03);  // ICW4: 8086 mode, AEOI
  p.pulse(6);
  CHECK(p.pic.acknowledge() == 0x0E);
  CHECK(p.isr(0x20) == 0x00);
  p.pulse(7);
  CHECK(p.intr.level);  // nothing in service blocks IR7
  CHECK(p.pic.acknowledge() == 0x0F);
  p.pulse(14);
  CHECK(p.pic.acknowledge() == 0x76);
  CHECK(p.isr(0x20) == 0x00);
  CHECK(p.isr(0xA0) == 0x00);
  CHECK_FALSE(p.intr.level);
}

TEST_CASE("PIC: AEOI slave with several requests keeps the cascade alive", "[pic]") {
  Pics p;
  p.init(0x03);
  p.pulse(9);
  p.pulse(11);
  CHECK(p.pic.acknowledge() == 0x71);
  CHECK(p.intr.level);
  CHECK(p.pic.acknowledge() == 0x73);
  CHECK_FALSE(p.intr.level);
}

TEST_CASE("PIC: cascade through the slave", "[pic]") {
  Pics p;
  p.init();
  for (unsigned line = 8; line < 16; ++line) {
    p.pulse(line);
    REQUIRE(p.intr.level);
    CHECK(p.pic.acknowledge() == 0x70 + (line - 8));
    CHECK(p.isr(0x20) == 0x04);
    CHECK(p.isr(0xA0) == 1u << (line - 8));
    CHECK_FALSE(p.intr.level);
    p.eoi(0xA0);
    p.eoi(0x20);
    CHECK(p.isr(0x20) == 0x00);
    CHECK(p.isr(0xA0) == 0x00);
  }
  SECTION("slave priority sits at master IR2") {
    p.pulse(3);
    p.pulse(12);
    p.pulse(1);
    CHECK(p.pic.acknowledge() == 0x09);
    p.eoi(0x20);
    CHECK(p.pic.acknowledge() == 0x74);
    p.eoi(0xA0);
    p.eoi(0x20);
    CHECK(p.pic.acknowledge() == 0x0B);
  }
  SECTION("a second slave request waits for both EOIs") {
    p.pulse(13);
    CHECK(p.pic.acknowledge() == 0x75);
    p.pulse(8);  // higher on the slave, but master IR2 is in service
    CHECK_FALSE(p.intr.level);
    p.eoi(0xA0);
    CHECK_FALSE(p.intr.level);
    p.eoi(0x20);
    CHECK(p.intr.level);
    CHECK(p.pic.acknowledge() == 0x70);
  }
  SECTION("master IMR bit 2 masks the whole slave") {
    p.out(0x21, 0x04);
    p.pulse(10);
    CHECK_FALSE(p.intr.level);
    CHECK(p.irr(0xA0) == 0x04);
    p.out(0x21, 0x00);
    CHECK(p.pic.acknowledge() == 0x72);
  }
  SECTION("slave IMR") {
    p.out(0xA1, 0x02);
    p.pulse(9);
    CHECK_FALSE(p.intr.level);
    p.out(0xA1, 0x00);
    CHECK(p.pic.acknowledge() == 0x71);
  }
}

TEST_CASE("PIC: edge versus level triggering (ELCR)", "[pic]") {
  Pics p;
  p.init();
  SECTION("edge: a held line interrupts once") {
    p.pic.set_irq(5, true);
    CHECK(p.pic.acknowledge() == 0x0D);
    p.eoi(0x20);
    CHECK_FALSE(p.intr.level);
    p.pic.set_irq(5, true);  // no transition
    CHECK_FALSE(p.intr.level);
    p.pic.set_irq(5, false);
    p.pic.set_irq(5, true);
    CHECK(p.intr.level);
  }
  SECTION("level via ELCR: IRR follows the line") {
    p.out(0x4D0, 0x20);
    p.out(0x4D1, 0x02);
    CHECK(p.in(0x4D0) == 0x20);
    CHECK(p.in(0x4D1) == 0x02);
    p.pic.set_irq(5, true);
    CHECK(p.pic.acknowledge() == 0x0D);
    CHECK(p.irr(0x20) == 0x20);  // still asserted
    p.eoi(0x20);
    CHECK(p.intr.level);  // held level re-interrupts after EOI
    CHECK(p.pic.acknowledge() == 0x0D);
    p.pic.set_irq(5, false);
    CHECK(p.irr(0x20) == 0x00);
    p.eoi(0x20);
    CHECK_FALSE(p.intr.level);

    p.pic.set_irq(9, true);
    CHECK(p.pic.acknowledge() == 0x71);
    p.eoi(0xA0);
    p.eoi(0x20);
    CHECK(p.intr.level);
    CHECK(p.pic.acknowledge() == 0x71);
    p.pic.set_irq(9, false);
    p.eoi(0xA0);
    p.eoi(0x20);
    CHECK_FALSE(p.intr.level);
  }
  SECTION("level via ICW1.LTIM") {
    p.out(0x20, 0x19);
    p.out(0x21, 0x08);
    p.out(0x21, 0x04);
    p.out(0x21, 0x01);
    p.pic.set_irq(4, true);
    CHECK(p.pic.acknowledge() == 0x0C);
    p.eoi(0x20);
    CHECK(p.intr.level);
  }
  SECTION("ELCR reserved bits (IRQ 0, 1, 2, 8, 13) read 0") {
    p.out(0x4D0, 0xFF);
    p.out(0x4D1, 0xFF);
    CHECK(p.in(0x4D0) == 0xF8);
    CHECK(p.in(0x4D1) == 0xDE);
  }
}

TEST_CASE("PIC: spurious IRQ 7 and 15", "[pic]") {
  Pics p;
  p.init();
  p.out(0x4D0, 0x20);  // IRQ5 level-triggered
  p.out(0x4D1, 0x04);  // IRQ10 level-triggered
  SECTION("master") {
    p.pic.set_irq(5, true);
    CHECK(p.intr.level);
    p.pic.set_irq(5, false);  // gone before INTA
    CHECK(p.pic.acknowledge() == 0x0F);
    CHECK(p.isr(0x20) == 0x00);
  }
  SECTION("request masked before INTA") {
    p.pulse(3);
    p.out(0x21, 0x08);
    CHECK(p.pic.acknowledge() == 0x0F);
    CHECK(p.isr(0x20) == 0x00);
  }
  SECTION("slave: vector 0x77 with master IR2 in service") {
    p.pic.set_irq(10, true);
    CHECK(p.intr.level);
    p.pic.set_irq(10, false);
    CHECK(p.intr.level);  // master IR2 latched the slave's INT edge
    CHECK(p.pic.acknowledge() == 0x77);
    CHECK(p.isr(0xA0) == 0x00);
    CHECK(p.isr(0x20) == 0x04);
    p.eoi(0x20);
    CHECK(p.isr(0x20) == 0x00);
  }
}

TEST_CASE("PIC: poll command", "[pic]") {
  Pics p;
  p.init();
  p.out(0x20, 0x0C);  // OCW3: poll
  CHECK(p.in(0x20) == 0x00);  // no request
  p.pulse(6);
  p.pulse(4);
  p.out(0x20, 0x0C);
  CHECK(p.in(0x20) == 0x84);  // I=1, level 4
  CHECK(p.isr(0x20) == 0x10);  // the poll acknowledged it
  CHECK(p.irr(0x20) == 0x40);
  CHECK(p.in(0x20) == 0x40);  // poll is one-shot; back to IRR
  p.eoi(0x20);
  p.out(0xA0, 0x0C);
  CHECK(p.in(0xA0) == 0x00);
  p.out(0x20, 0x0C);
  CHECK(p.in(0x20) == 0x86);
  p.eoi(0x20);
  p.pulse(11);
  p.out(0xA0, 0x0C);
  CHECK(p.in(0xA0) == 0x83);
  CHECK(p.isr(0xA0) == 0x08);
}

TEST_CASE("PIC: rotation", "[pic]") {
  Pics p;
  p.init();
  SECTION("rotate on non-specific EOI") {
    p.pulse(1);
    p.pulse(3);
    CHECK(p.pic.acknowledge() == 0x09);
    p.pulse(1);  // IR1 again while in service
    p.out(0x20, 0xA0);  // IR1 becomes lowest: IR2 highest
    CHECK(p.pic.acknowledge() == 0x0B);
    p.out(0x20, 0xA0);  // IR3 lowest: IR4 highest, so IR1 comes next
    CHECK(p.pic.acknowledge() == 0x09);
    p.eoi(0x20);
  }
  SECTION("set priority, rotate on specific EOI") {
    p.out(0x20, 0xC4);  // IR4 lowest: IR5 highest
    p.pulse(0);
    p.pulse(4);
    p.pulse(6);
    CHECK(p.pic.acknowledge() == 0x0E);
    p.out(0x20, 0xE6);  // specific EOI 6 and IR6 lowest: IR7 highest
    CHECK(p.isr(0x20) == 0x00);
    CHECK(p.pic.acknowledge() == 0x08);
    p.eoi(0x20);
    CHECK(p.pic.acknowledge() == 0x0C);
    p.eoi(0x20);
  }
  SECTION("rotate in AEOI mode") {
    Pics q;
    q.init(0x03);
    q.out(0x20, 0x80);  // rotate in AEOI (set)
    q.pulse(0);
    CHECK(q.pic.acknowledge() == 0x08);  // IR0 now lowest
    q.pulse(0);
    q.pulse(7);
    CHECK(q.pic.acknowledge() == 0x0F);  // IR7 now lowest
    q.out(0x20, 0x00);  // rotate in AEOI (clear)
    q.pulse(6);
    CHECK(q.pic.acknowledge() == 0x08);  // IR0 highest again after IR7
    CHECK(q.pic.acknowledge() == 0x0E);
  }
}

TEST_CASE("PIC: special mask mode", "[pic]") {
  Pics p;
  p.init();
  p.pulse(3);
  CHECK(p.pic.acknowledge() == 0x0B);
  p.pulse(5);
  CHECK_FALSE(p.intr.level);  // lower than IR3 in service
  p.out(0x21, 0x08);          // mask IR3
  CHECK_FALSE(p.intr.level);
  p.out(0x20, 0x68);  // OCW3: set special mask mode
  CHECK(p.intr.level);
  CHECK(p.pic.acknowledge() == 0x0D);
  p.out(0x20, 0x65);
  p.out(0x20, 0x48);  // OCW3: reset special mask mode
  p.pulse(6);
  CHECK_FALSE(p.intr.level);  // IR3 in service blocks again
  p.out(0x20, 0x63);
  CHECK(p.intr.level);
}

TEST_CASE("PIC: OCW3 read register select persists", "[pic]") {
  Pics p;
  p.init();
  p.pulse(4);
  p.pulse(7);
  CHECK(p.in(0x20) == 0x90);  // IRR after init
  CHECK(p.pic.acknowledge() == 0x0C);
  p.out(0x20, 0x0B);
  CHECK(p.in(0x20) == 0x10);
  CHECK(p.in(0x20) == 0x10);
  p.out(0x20, 0x08);  // RR=0: no change
  CHECK(p.in(0x20) == 0x10);
  p.out(0x20, 0x0A);
  CHECK(p.in(0x20) == 0x80);
  CHECK(p.in(0x21) == 0x00);
}

TEST_CASE("PIC: reset and dump", "[pic]") {
  Pics p;
  p.init();
  p.pulse(1);
  CHECK(p.intr.level);
  p.pic.reset();
  CHECK_FALSE(p.intr.level);
  CHECK(p.in(0x21) == 0xFF);
  p.init();
  p.pulse(14);
  const std::string d = p.pic.dump();
  CHECK(d.find("IRR=04") != std::string::npos);  // master IR2 from the slave
  CHECK(d.find("base=70") != std::string::npos);
  CHECK(d.find("IRR=40") != std::string::npos);
}
