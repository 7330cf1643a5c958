// 16550A UART driven through port I/O against a real Scheduler. Expected
// values follow the PC16550D datasheet (register summary, Table IV interrupt
// identification, FIFO interrupt mode operation).
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "devices/uart16550.hpp"

using namespace gb;

namespace {

struct RecIrq final : IrqSink {
  void set_irq(unsigned line, bool level) override {
    CHECK(line == 4);
    events.push_back(level);
    level_ = level;
  }
  std::vector<bool> events;
  bool level_ = false;
};

struct Collect final : ByteSink {
  void put(u8 b) override { bytes.push_back(b); }
  void flush() override { ++flushes; }
  std::vector<u8> bytes;
  int flushes = 0;
};

constexpr u16 kBase = 0x3F8;
enum : u16 { RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4,
             LSR = 5, MSR = 6, SCR = 7 };

// Most tests check the datasheet model (DeviceTiming::Datasheet); those at
// the end check the QEMU-like default.
struct Rig {
  explicit Rig(DeviceTiming t = DeviceTiming::Datasheet) { uart.set_timing(t); }
  Scheduler sched;
  RecIrq irq;
  Collect sink;
  Uart16550 uart{sched, IrqLine(irq, 4), &sink};
  void out(u16 reg, u8 v) { uart.io_write(static_cast<u16>(kBase + reg), v, Width::Byte); }
  u8 in(u16 reg) { return static_cast<u8>(uart.io_read(static_cast<u16>(kBase + reg), Width::Byte)); }
  void advance(Picos d) { sched.advance_to(sched.now() + d); }
  // 115200 8N1: 10 bits at divisor 1.
  void fast_8n1() {
    out(LCR, 0x80);
    out(DLL, 1);
    out(DLM, 0);
    out(LCR, 0x03);
  }
};

// 10 bits / 115200 baud, rounded up to whole picoseconds.
constexpr Picos kChar8n1 = (10 * kPicosPerSecond + 115199) / 115200;

}  // namespace

TEST_CASE("uart: reset state", "[uart]") {
  Rig r;
  CHECK(r.in(IER) == 0x00);
  CHECK(r.in(IIR) == 0x01);
  CHECK(r.in(LCR) == 0x00);
  CHECK(r.in(MCR) == 0x00);
  CHECK(r.in(LSR) == 0x60);
  CHECK((r.in(MSR) & 0x0F) == 0);
  CHECK(r.irq.events.empty());
  CHECK(!r.uart.dump().empty());
}

TEST_CASE("uart: divisor latch and LCR", "[uart]") {
  Rig r;
  r.out(LCR, 0x80);
  CHECK(r.in(LCR) == 0x80);
  r.out(DLL, 0x34);
  r.out(DLM, 0x12);
  CHECK(r.in(DLL) == 0x34);
  CHECK(r.in(DLM) == 0x12);
  r.out(LCR, 0x1B);  // 8 data, even parity, 1 stop, DLAB off
  CHECK(r.in(LCR) == 0x1B);
  CHECK(r.in(IER) == 0x00);  // IER, not DLM
  r.out(IER, 0x0F);
  CHECK(r.in(IER) == 0x0F);
  r.out(LCR, 0x80);
  CHECK(r.in(DLM) == 0x12);  // the latch kept its value
  r.out(DLL, 12);
  r.out(DLM, 0);
  r.out(LCR, 0x03);
  // 9600 8N1: 10 bits * 12 / 115200 s.
  CHECK(r.uart.char_time() == (10 * 12 * kPicosPerSecond + 115199) / 115200);
  r.out(LCR, 0x0F);  // 8 data, parity, 2 stop: 12 bits
  CHECK(r.uart.char_time() == (12 * 12 * kPicosPerSecond + 115199) / 115200);
  r.out(LCR, 0x04);  // 5 data, 1.5 stop: 7.5 bits
  CHECK(r.uart.char_time() == (15 * 12 * kPicosPerSecond + 230399) / 230400);
}

TEST_CASE("uart: transmit takes one character time; THRE and TEMT", "[uart]") {
  Rig r;
  r.fast_8n1();
  r.out(THR, 'A');
  CHECK(r.sink.bytes.empty());
  // The idle transmitter took the byte: THR empty, shift register busy.
  CHECK((r.in(LSR) & 0x60) == 0x20);
  r.advance(kChar8n1 - 1);
  CHECK(r.sink.bytes.empty());
  r.advance(1);
  REQUIRE(r.sink.bytes == std::vector<u8>{'A'});
  CHECK((r.in(LSR) & 0x60) == 0x60);
  CHECK(r.sink.flushes >= 1);

  // Non-FIFO mode: the second byte waits in THR; a third overwrites nothing
  // (THR full, dropped).
  r.out(THR, 'B');
  r.out(THR, 'C');
  CHECK((r.in(LSR) & 0x60) == 0x00);
  r.advance(kChar8n1);
  CHECK(r.sink.bytes == std::vector<u8>{'A', 'B'});
  CHECK((r.in(LSR) & 0x60) == 0x20);
  r.advance(kChar8n1);
  CHECK(r.sink.bytes == std::vector<u8>{'A', 'B', 'C'});
  CHECK((r.in(LSR) & 0x60) == 0x60);
}

TEST_CASE("uart: TX FIFO holds 16 bytes and drains at the line rate", "[uart]") {
  Rig r;
  r.fast_8n1();
  r.out(FCR, 0x07);
  CHECK((r.in(IIR) & 0xC0) == 0xC0);
  for (int i = 0; i < 17; ++i) r.out(THR, static_cast<u8>('a' + i));  // 1 in TSR + 16 in FIFO
  r.advance(5 * kChar8n1);
  CHECK(r.sink.bytes.size() == 5);
  r.advance(12 * kChar8n1);
  REQUIRE(r.sink.bytes.size() == 17);
  CHECK(r.sink.bytes[16] == 'a' + 16);
  CHECK((r.in(LSR) & 0x60) == 0x60);
}

TEST_CASE("uart: word length masks the data bits", "[uart]") {
  Rig r;
  r.fast_8n1();
  r.out(LCR, 0x02);  // 7 data bits
  r.out(THR, 0xC1);
  r.advance(r.uart.char_time());
  CHECK(r.sink.bytes == std::vector<u8>{0x41});
}

TEST_CASE("uart: THRE interrupt and IIR", "[uart]") {
  Rig r;
  r.fast_8n1();
  r.out(MCR, 0x08);  // OUT2
  CHECK(r.in(IIR) == 0x01);
  r.out(IER, 0x02);  // enabling ETBEI while THR is empty raises it
  CHECK(r.irq.level_);
  CHECK(r.in(IIR) == 0x02);  // reading IIR clears it
  CHECK(!r.irq.level_);
  CHECK(r.in(IIR) == 0x01);

  // Two writes: the first goes straight to the shift register, the second
  // fills THR and clears the indication.
  r.out(THR, '1');
  r.out(THR, '2');
  CHECK(!r.irq.level_);
  CHECK(r.in(IIR) == 0x01);
  r.advance(kChar8n1);  // '2' moves to the shift register: THR empty again
  CHECK(r.irq.level_);
  CHECK(r.in(IIR) == 0x02);
  CHECK(!r.irq.level_);

  // Writing THR also clears a pending THRE interrupt.
  r.advance(kChar8n1);
  r.out(IER, 0x00);
  r.out(IER, 0x02);
  CHECK(r.irq.level_);
  r.out(THR, '3');
  r.out(THR, '4');
  CHECK(!r.irq.level_);
  r.advance(2 * kChar8n1);
  CHECK(r.sink.bytes == std::vector<u8>{'1', '2', '3', '4'});
}

TEST_CASE("uart: RX data available and FIFO trigger levels", "[uart]") {
  Rig r;
  r.fast_8n1();
  r.out(MCR, 0x08);
  r.out(IER, 0x01);

  SECTION("non-FIFO: every character") {
    r.uart.receive('x');
    CHECK(r.irq.level_);
    CHECK((r.in(LSR) & 0x01) == 0x01);
    CHECK(r.in(IIR) == 0x04);
    CHECK(r.in(RBR) == 'x');
    CHECK(!r.irq.level_);
    CHECK((r.in(LSR) & 0x01) == 0x00);
    CHECK(r.in(IIR) == 0x01);
  }

  for (auto [fcr, level] : {std::pair<u8, unsigned>{0x01, 1}, {0x41, 4}, {0x81, 8}, {0xC1, 14}}) {
    DYNAMIC_SECTION("FIFO trigger " << level) {
      r.out(FCR, fcr);
      for (unsigned i = 0; i + 1 < level; ++i) r.uart.receive(static_cast<u8>(i));
      CHECK(!r.irq.level_);
      CHECK(r.in(IIR) == 0xC1);
      CHECK(((r.in(LSR) & 0x01) == 0x01 || level == 1));
      r.uart.receive(static_cast<u8>(level - 1));
      CHECK(r.irq.level_);
      CHECK(r.in(IIR) == 0xC4);
      CHECK(r.in(RBR) == 0);  // first in, first out
      if (level > 1) {
        CHECK(!r.irq.level_);  // below the trigger level again
        CHECK(r.in(IIR) == 0xC1);
      }
    }
  }
}

TEST_CASE("uart: character timeout", "[uart]") {
  Rig r;
  r.fast_8n1();
  r.out(MCR, 0x08);
  r.out(IER, 0x01);
  r.out(FCR, 0xC1);  // trigger 14
  r.uart.receive('a');
  r.uart.receive('b');
  CHECK(!r.irq.level_);
  r.advance(4 * kChar8n1 - 1);
  CHECK(!r.irq.level_);
  CHECK(r.in(IIR) == 0xC1);
  r.advance(1);
  CHECK(r.irq.level_);
  CHECK(r.in(IIR) == 0xCC);
  CHECK(r.in(RBR) == 'a');  // reading a character clears it and restarts the timer
  CHECK(!r.irq.level_);
  r.advance(4 * kChar8n1 - 1);
  CHECK(!r.irq.level_);
  r.advance(1);
  CHECK(r.in(IIR) == 0xCC);
  CHECK(r.in(RBR) == 'b');
  CHECK(r.in(IIR) == 0xC1);
  r.advance(10 * kChar8n1);  // FIFO empty: no timeout
  CHECK(r.in(IIR) == 0xC1);

  // A new character restarts the timer.
  r.uart.receive('c');
  r.advance(3 * kChar8n1);
  r.uart.receive('d');
  r.advance(3 * kChar8n1);
  CHECK(r.in(IIR) == 0xC1);
  r.advance(kChar8n1);
  CHECK(r.in(IIR) == 0xCC);
}

TEST_CASE("uart: overrun sets LSR.OE and the line status interrupt", "[uart]") {
  Rig r;
  r.fast_8n1();
  r.out(MCR, 0x08);
  r.out(IER, 0x05);  // RX data + line status

  SECTION("FIFO mode: the 17th character is lost") {
    r.out(FCR, 0xC1);
    for (int i = 0; i < 16; ++i) r.uart.receive(static_cast<u8>(i));
    CHECK(r.uart.rx_full());
    CHECK(r.in(IIR) == 0xC4);
    r.uart.receive(0x99);
    CHECK(r.in(IIR) == 0xC6);  // line status outranks RX data
    CHECK(r.in(LSR) == 0x63);
    CHECK(r.in(LSR) == 0x61);  // reading LSR clears OE
    CHECK(r.in(IIR) == 0xC4);
    for (int i = 0; i < 16; ++i) CHECK(r.in(RBR) == i);
    CHECK((r.in(LSR) & 0x01) == 0);
  }
  SECTION("16450 mode: the new character overwrites RBR") {
    r.uart.receive('1');
    r.uart.receive('2');
    CHECK(r.in(IIR) == 0x06);
    CHECK((r.in(LSR) & 0x03) == 0x03);
    CHECK(r.in(RBR) == '2');
  }
}

TEST_CASE("uart: FCR resets the FIFOs", "[uart]") {
  Rig r;
  r.fast_8n1();
  r.out(FCR, 0x01);
  r.uart.receive('a');
  r.uart.receive('b');
  r.out(FCR, 0x03);  // reset RX FIFO
  CHECK((r.in(LSR) & 0x01) == 0);
  r.out(THR, '1');
  r.out(THR, '2');
  r.out(THR, '3');
  CHECK((r.in(LSR) & 0x20) == 0);
  r.out(FCR, 0x05);  // reset TX FIFO; the shift register keeps its byte
  CHECK((r.in(LSR) & 0x60) == 0x20);
  r.advance(4 * kChar8n1);
  CHECK(r.sink.bytes == std::vector<u8>{'1'});
  r.out(FCR, 0x00);  // FIFOs off
  CHECK((r.in(IIR) & 0xC0) == 0);
}

TEST_CASE("uart: loopback", "[uart]") {
  Rig r;
  r.fast_8n1();
  r.out(MCR, 0x10);
  r.out(IER, 0x01);
  r.out(THR, 'L');
  r.advance(kChar8n1);
  CHECK(r.sink.bytes.empty());  // nothing on SOUT
  CHECK((r.in(LSR) & 0x61) == 0x61);
  CHECK(r.in(IIR) == 0x04);  // the interrupt logic works in loopback
  CHECK(r.in(RBR) == 'L');
  r.uart.receive('X');  // SIN disconnected
  CHECK((r.in(LSR) & 0x01) == 0);

  // Modem outputs feed the inputs: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD.
  (void)r.in(MSR);
  r.out(MCR, 0x11);  // DTR
  CHECK(r.in(MSR) == 0x22);
  CHECK(r.in(MSR) == 0x20);  // reading clears the deltas
  r.out(MCR, 0x12);          // RTS, drop DTR
  CHECK(r.in(MSR) == 0x13);
  r.out(MCR, 0x14);  // OUT1
  CHECK(r.in(MSR) == 0x41);
  r.out(MCR, 0x18);  // OUT2; RI falls: TERI
  CHECK(r.in(MSR) == 0x8C);
  r.out(MCR, 0x10);
  CHECK(r.in(MSR) == 0x08);

  // Leaving loopback: the external inputs (CTS, DSR, DCD asserted).
  r.out(MCR, 0x00);
  CHECK(r.in(MSR) == 0xBB);
}

TEST_CASE("uart: modem status interrupt", "[uart]") {
  Rig r;
  r.out(MCR, 0x08);
  r.out(IER, 0x08);
  CHECK(r.in(IIR) == 0x01);
  r.uart.set_modem_inputs(false, true, false, true);  // CTS drops
  CHECK(r.irq.level_);
  CHECK(r.in(IIR) == 0x00);
  CHECK(r.in(MSR) == 0xA1);
  CHECK(!r.irq.level_);
  CHECK(r.in(IIR) == 0x01);
}

TEST_CASE("uart: interrupt priorities", "[uart]") {
  Rig r;
  r.fast_8n1();
  r.out(IER, 0x0F);
  r.uart.receive('a');
  r.uart.receive('b');                                  // overrun (16450 mode)
  r.uart.set_modem_inputs(false, false, false, false);  // modem deltas
  CHECK(r.in(IIR) == 0x06);
  (void)r.in(LSR);
  CHECK(r.in(IIR) == 0x04);
  (void)r.in(RBR);
  CHECK(r.in(IIR) == 0x02);  // THRE (enabled while empty), cleared by this read
  CHECK(r.in(IIR) == 0x00);
  (void)r.in(MSR);
  CHECK(r.in(IIR) == 0x01);
}

TEST_CASE("uart: OUT2 gates the IRQ to the PIC", "[uart]") {
  Rig r;
  r.fast_8n1();
  r.out(IER, 0x01);
  r.uart.receive('a');
  CHECK(r.in(IIR) == 0x04);  // pending inside the UART...
  CHECK(r.irq.events.empty());  // ...but not on the bus
  r.out(MCR, 0x08);
  CHECK(r.irq.events == std::vector<bool>{true});
  r.out(MCR, 0x00);
  CHECK(r.irq.events == std::vector<bool>{true, false});
  r.out(MCR, 0x08);
  (void)r.in(RBR);
  CHECK(r.irq.events == std::vector<bool>{true, false, true, false});
  // Loopback forces the /OUT2 pin inactive: no IRQ even with OUT2 set.
  r.out(MCR, 0x18);
  r.out(THR, 'z');
  r.advance(kChar8n1);
  CHECK(r.in(IIR) == 0x04);
  CHECK(r.irq.events.size() == 4);
}

TEST_CASE("uart: scratch register and reset", "[uart]") {
  Rig r;
  r.out(SCR, 0x5A);
  CHECK(r.in(SCR) == 0x5A);
  r.out(SCR, 0xA5);
  CHECK(r.in(SCR) == 0xA5);
  r.out(IER, 0x0F);
  r.out(MCR, 0x1F);
  r.out(LCR, 0x1F);
  r.uart.receive('q');
  r.uart.reset();
  CHECK(r.in(IER) == 0);
  CHECK(r.in(IIR) == 0x01);
  CHECK(r.in(LCR) == 0);
  CHECK(r.in(MCR) == 0);
  CHECK(r.in(LSR) == 0x60);
  CHECK(r.in(SCR) == 0);
}

// ---------------------------------------------------------------------------
// The default (DeviceTiming::Qemu): what xv6's uart.c relies on.

namespace {
// xv6 uartinit: FIFOs off, 9600 baud 8N1, MCR = 0, IER = 01h.
void xv6_init(Rig& r) {
  r.out(FCR, 0);
  r.out(LCR, 0x80);
  r.out(DLL, 115200 / 9600);
  r.out(DLM, 0);
  r.out(LCR, 0x03);
  r.out(MCR, 0);
  r.out(IER, 0x01);
}
}  // namespace

TEST_CASE("uart: the default timing is QEMU's", "[uart]") {
  Scheduler sched;
  Uart16550 u(sched, IrqLine(), nullptr);
  CHECK(u.timing() == DeviceTiming::Qemu);
}

TEST_CASE("uart: default transmits every THR write at once (xv6 uartputc)", "[uart]") {
  Rig r(DeviceTiming::Qemu);
  xv6_init(r);
  const std::string line = "xv6...\ncpu0: starting 0\nsb: size 1000 nblocks 941 ninodes 200\n";
  for (const char c : line) {
    // uartputc: at most 128 polls of LSR.THRE, no time passing, then THR.
    for (int i = 0; i < 128 && !(r.in(LSR) & 0x20); ++i) {
    }
    r.out(THR, static_cast<u8>(c));
    CHECK(r.in(LSR) == 0x60);  // THRE and TEMT at once
  }
  CHECK(std::string(r.sink.bytes.begin(), r.sink.bytes.end()) == line);
  CHECK(r.sink.flushes > 0);
  // With the FIFOs on too, and the THRE interrupt follows each write.
  r.out(FCR, 0x07);
  r.out(IER, 0x02);
  CHECK(r.in(IIR) == 0xC2);
  r.out(THR, 'x');
  CHECK(r.sink.bytes.back() == 'x');
  CHECK(r.irq.level_);  // OUT2 is clear: QEMU raises IRQ 4 all the same
  CHECK(r.in(IIR) == 0xC2);
  CHECK_FALSE(r.irq.level_);
  // Loopback: the byte is received at once.
  r.out(MCR, 0x10);
  r.out(THR, 0x5A);
  CHECK(r.in(LSR) == 0x61);
  CHECK(r.in(RBR) == 0x5A);
  CHECK(r.sink.bytes.back() == 'x');
}

TEST_CASE("uart: default receive interrupt with MCR.OUT2 clear (xv6)", "[uart]") {
  Rig r(DeviceTiming::Qemu);
  xv6_init(r);
  r.in(IIR);
  r.in(RBR);
  CHECK_FALSE(r.irq.level_);
  r.uart.receive('A');
  CHECK(r.irq.level_);
  CHECK(r.in(IIR) == 0x04);
  CHECK(r.in(RBR) == 'A');
  CHECK_FALSE(r.irq.level_);
  // Datasheet: the PC board's OUT2 gate holds it back.
  Rig d;
  xv6_init(d);
  d.uart.receive('A');
  CHECK(d.in(IIR) == 0x04);
  CHECK_FALSE(d.irq.level_);
}

TEST_CASE("uart: datasheet timing: a write to a full THR replaces it (FIFOs off)", "[uart]") {
  Rig r;
  r.fast_8n1();
  r.out(THR, 'a');  // straight into the transmitter shift register
  r.out(THR, 'b');  // waits in THR
  CHECK(r.in(LSR) == 0x00);
  r.out(THR, 'c');  // THR is one latch: 'b' is overwritten
  r.advance(3 * kChar8n1);
  CHECK(std::string(r.sink.bytes.begin(), r.sink.bytes.end()) == "ac");
}

TEST_CASE("uart: drain hands the sink what the transmitter holds, once", "[uart]") {
  Rig r;  // 9600 baud (divisor 12 at reset): about 1 ms a character
  r.out(LCR, 0x03);
  r.out(FCR, 0x07);
  for (u8 c = 'a'; c <= 'f'; ++c) r.out(THR, c);  // no LSR.THRE wait: 1 + 16 fit
  r.uart.drain();
  CHECK(std::string(r.sink.bytes.begin(), r.sink.bytes.end()) == "abcdef");
  CHECK(r.sink.flushes > 0);
  CHECK(r.in(LSR) == 0x60);  // THRE and TEMT: the transmitter is idle
  r.advance(kPicosPerSecond);  // nothing is sent twice
  CHECK(r.sink.bytes.size() == 6);
  r.uart.drain();  // and a second drain has nothing to add
  CHECK(r.sink.bytes.size() == 6);
}

TEST_CASE("uart: drain in loopback mode sends nothing to the sink", "[uart]") {
  Rig r;
  r.out(LCR, 0x03);
  r.out(MCR, 0x10);
  r.out(THR, 'x');
  r.uart.drain();
  CHECK(r.sink.bytes.empty());
  CHECK(r.in(LSR) == 0x61);  // the character looped back into RBR
  CHECK(r.in(RBR) == 'x');
}
