// Intel 8042 keyboard controller with PS/2 keyboard and mouse, driven through
// its ports only (IBM PC/AT and PS/2 technical references).
#include <catch2/catch.hpp>

#include <array>
#include <utility>
#include <vector>

#include "devices/i8042.hpp"

using namespace gb;

namespace {

struct IrqRec final : IrqSink {
  std::vector<std::pair<unsigned, bool>> calls;
  bool level[16] = {};
  void set_irq(unsigned line, bool l) override {
    calls.emplace_back(line, l);
    level[line] = l;
  }
  int rises(unsigned line) const {
    int n = 0;
    for (const auto& c : calls) n += (c.first == line && c.second) ? 1 : 0;
    return n;
  }
};

struct Rig {
  std::vector<u8> ram = std::vector<u8>(2u << 20);
  MemoryMap memory;
  IoMap io;
  Bus bus{memory, io};
  IrqRec irq;
  I8042 kbc{bus, IrqLine(irq, 1), IrqLine(irq, 12)};

  Rig() { memory.map_ram(0, ram); }
  u8 status() { return static_cast<u8>(kbc.io_read(0x64, Width::Byte)); }
  u8 read() { return static_cast<u8>(kbc.io_read(0x60, Width::Byte)); }
  void cmd(u8 c) { kbc.io_write(0x64, c, Width::Byte); }
  void data(u8 d) { kbc.io_write(0x60, d, Width::Byte); }
  /// Reads every byte the controller has, checking OBF before each one.
  std::vector<u8> drain() {
    std::vector<u8> v;
    while (status() & I8042::kStatusObf) v.push_back(read());
    return v;
  }
};

using Bytes = std::vector<u8>;

}  // namespace

TEST_CASE("8042 self-test, interface tests and the system flag", "[i8042]") {
  Rig r;
  CHECK((r.status() & I8042::kStatusObf) == 0);
  CHECK((r.status() & I8042::kStatusSys) == 0);
  r.cmd(0xAA);
  CHECK((r.status() & I8042::kStatusA2) != 0);
  CHECK((r.status() & I8042::kStatusObf) != 0);
  CHECK((r.status() & I8042::kStatusAuxObf) == 0);
  CHECK(r.read() == 0x55);
  CHECK((r.status() & I8042::kStatusObf) == 0);
  CHECK((r.status() & I8042::kStatusSys) != 0);
  r.cmd(0xAB);
  CHECK(r.drain() == Bytes{0x00});
  r.cmd(0xA9);
  CHECK(r.drain() == Bytes{0x00});
  CHECK((r.status() & I8042::kStatusIbf) == 0);
}

TEST_CASE("8042 command byte reads back and gates the interfaces", "[i8042]") {
  Rig r;
  r.cmd(0x60);
  r.data(0x47);
  CHECK((r.status() & I8042::kStatusA2) == 0);
  r.cmd(0x20);
  CHECK(r.drain() == Bytes{0x47});
  CHECK((r.status() & I8042::kStatusSys) != 0);
  r.cmd(0xAD);  // disable keyboard: bit 4
  r.cmd(0xA7);  // disable mouse: bit 5
  r.cmd(0x20);
  CHECK(r.drain() == Bytes{0x77});
  // With the keyboard disabled its reply waits in the keyboard.
  r.data(0xEE);
  CHECK(r.drain().empty());
  r.cmd(0xAE);
  CHECK(r.drain() == Bytes{0xEE});
  r.cmd(0xA8);
  r.cmd(0x20);
  CHECK(r.drain() == Bytes{0x47});
}

TEST_CASE("8042 output port and DDh/DFh drive the A20 gate", "[i8042]") {
  Rig r;
  r.ram[0x000010] = 0x11;
  r.ram[0x100010] = 0x22;
  CHECK(r.bus.a20());
  r.cmd(0xD1);
  r.data(0xDD);  // bit 1 clear: A20 off, bit 0 set: no reset
  CHECK_FALSE(r.bus.a20());
  CHECK(r.bus.read<u8>(0x100010) == 0x11);
  r.cmd(0xD0);
  CHECK((r.drain().at(0) & 0x03) == 0x01);
  r.cmd(0xD1);
  r.data(0xDF);
  CHECK(r.bus.a20());
  CHECK(r.bus.read<u8>(0x100010) == 0x22);
  r.cmd(0xD0);
  CHECK((r.drain().at(0) & 0x03) == 0x03);
  r.cmd(0xDD);
  CHECK_FALSE(r.bus.a20());
  r.cmd(0xDF);
  CHECK(r.bus.a20());
  CHECK_FALSE(r.kbc.take_reset());
  CHECK_FALSE(r.bus.take_stop());
}

TEST_CASE("8042 resets the system by pulse and by output port bit 0", "[i8042]") {
  Rig r;
  r.cmd(0xFF);  // pulses nothing
  CHECK_FALSE(r.kbc.take_reset());
  r.cmd(0xFE);
  CHECK(r.bus.take_stop());
  CHECK(r.kbc.take_reset());
  CHECK_FALSE(r.kbc.take_reset());
  r.cmd(0xD1);
  r.data(0x02);  // bit 0 = 0: reset, A20 stays on
  CHECK(r.bus.take_stop());
  CHECK(r.kbc.take_reset());
  CHECK(r.bus.a20());
}

TEST_CASE("8042 keyboard reset, identify, LEDs and scan-code set", "[i8042]") {
  Rig r;
  r.cmd(0x60);
  r.data(0x05);  // interrupts on, no translation
  r.data(0xFF);
  CHECK(r.drain() == Bytes{0xFA, 0xAA});
  r.data(0xF2);
  CHECK(r.drain() == Bytes{0xFA, 0xAB, 0x83});
  r.data(0xED);
  CHECK(r.drain() == Bytes{0xFA});
  r.data(0x07);
  CHECK(r.drain() == Bytes{0xFA});
  CHECK(r.kbc.dump().find("leds 7") != std::string::npos);
  r.data(0xF0);
  r.data(0x00);
  CHECK(r.drain() == Bytes{0xFA, 0xFA, 0x02});
  r.data(0xF0);
  r.data(0x04);
  CHECK(r.drain() == Bytes{0xFA, 0xFE});
  r.data(0xF3);
  r.data(0x20);
  CHECK(r.drain() == Bytes{0xFA, 0xFA});
  r.data(0xEE);
  CHECK(r.drain() == Bytes{0xEE});
  r.data(0x01);  // not a command
  CHECK(r.drain() == Bytes{0xFE});
  // Translation on: the identify ID 83h reads as 41h.
  r.cmd(0x60);
  r.data(0x45);
  r.data(0xF2);
  CHECK(r.drain() == Bytes{0xFA, 0xAB, 0x41});
}

TEST_CASE("8042 translates set 2 to set 1 and raises IRQ1", "[i8042]") {
  Rig r;
  r.cmd(0x60);
  r.data(0x45);  // IRQ1, system flag, translation
  r.irq.calls.clear();
  const std::array<u8, 1> make{0x1C};
  r.kbc.press(make);
  CHECK(r.irq.level[1]);
  CHECK(r.irq.rises(1) == 1);
  CHECK((r.status() & (I8042::kStatusObf | I8042::kStatusAuxObf)) == I8042::kStatusObf);
  CHECK(r.read() == 0x1E);
  CHECK_FALSE(r.irq.level[1]);
  CHECK((r.status() & I8042::kStatusObf) == 0);
  const std::array<u8, 2> brk{0xF0, 0x1C};
  r.kbc.press(brk);
  CHECK(r.irq.rises(1) == 2);
  CHECK(r.drain() == Bytes{0x9E});
  const std::array<u8, 3> ext{0xE0, 0xF0, 0x75};  // up-arrow break
  r.kbc.press(ext);
  CHECK(r.drain() == Bytes{0xE0, 0xC8});
  CHECK(r.irq.rises(1) == 4);  // one edge per byte
  CHECK_FALSE(r.irq.level[1]);
  // Without translation the set 2 bytes pass through; no IRQ when disabled.
  r.cmd(0x60);
  r.data(0x04);
  const int before = r.irq.rises(1);
  r.kbc.press(brk);
  CHECK(r.drain() == Bytes{0xF0, 0x1C});
  CHECK(r.irq.rises(1) == before);
  CHECK(r.irq.rises(12) == 0);
}

TEST_CASE("8042 mouse reset through D4h and a movement packet on IRQ12", "[i8042]") {
  Rig r;
  r.cmd(0xA8);
  r.cmd(0x60);
  r.data(0x47);  // IRQ1, IRQ12, translation
  r.cmd(0xD4);
  r.data(0xFF);
  CHECK((r.status() & I8042::kStatusAuxObf) != 0);
  CHECK(r.irq.level[12]);
  CHECK(r.drain() == Bytes{0xFA, 0xAA, 0x00});
  CHECK_FALSE(r.irq.level[12]);
  r.cmd(0xD4);
  r.data(0xF2);
  CHECK(r.drain() == Bytes{0xFA, 0x00});
  // Not reporting yet: no packet.
  r.kbc.mouse_move(5, 5, 0);
  CHECK(r.drain().empty());
  r.cmd(0xD4);
  r.data(0xF3);
  r.cmd(0xD4);
  r.data(40);
  CHECK(r.drain() == Bytes{0xFA, 0xFA});
  r.cmd(0xD4);
  r.data(0xF4);
  CHECK(r.drain() == Bytes{0xFA});
  r.irq.calls.clear();
  r.kbc.mouse_move(10, -3, 0x01);  // left button
  CHECK(r.irq.rises(12) == 1);
  CHECK(r.irq.rises(1) == 0);
  CHECK((r.status() & (I8042::kStatusObf | I8042::kStatusAuxObf)) ==
        (I8042::kStatusObf | I8042::kStatusAuxObf));
  CHECK(r.drain() == Bytes{0x29, 0x0A, 0xFD});  // 08h | left | Y sign
  CHECK(r.irq.rises(12) == 3);
  CHECK_FALSE(r.irq.level[12]);
  r.cmd(0xD4);
  r.data(0xE9);
  CHECK(r.drain() == Bytes{0xFA, 0x24, 0x02, 40});
  r.cmd(0xD4);
  r.data(0xAB);  // unknown
  CHECK(r.drain() == Bytes{0xFE});
  // Remote mode: motion accumulates until Read Data.
  r.cmd(0xD4);
  r.data(0xF0);
  r.kbc.mouse_move(2, 1, 0);
  r.kbc.mouse_move(-4, 1, 0);
  CHECK(r.drain() == Bytes{0xFA});
  r.cmd(0xD4);
  r.data(0xEB);
  CHECK(r.drain() == Bytes{0xFA, 0x18, 0xFE, 0x02});
  // D3h: a byte as if from the mouse; D2h: as if from the keyboard.
  r.cmd(0xD3);
  r.data(0x5A);
  CHECK((r.status() & I8042::kStatusAuxObf) != 0);
  CHECK(r.read() == 0x5A);
  r.cmd(0xD2);
  r.data(0x5B);
  CHECK((r.status() & I8042::kStatusAuxObf) == 0);
  CHECK(r.read() == 0x5B);
}

TEST_CASE("8042 reset() restores power-on state", "[i8042]") {
  Rig r;
  r.cmd(0xAA);
  r.cmd(0xDD);
  r.kbc.reset();
  CHECK(r.bus.a20());
  CHECK(r.status() == I8042::kStatusUnlock);
  r.cmd(0x20);
  CHECK(r.drain() == Bytes{0x43});
  CHECK(!r.kbc.dump().empty());
}
