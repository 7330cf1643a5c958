// Intel 8254 PIT and port 61h, driven through port I/O against a real
// Scheduler. Expected times follow the datasheet's mode timing: a count
// written at tick w is loaded on CLK pulse w+1 and decremented thereafter.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

#include "devices/pit8254.hpp"

using namespace gb;

namespace {

struct RecSink final : IrqSink {
  explicit RecSink(Scheduler& s) : sched(s) {}
  void set_irq(unsigned line, bool level) override {
    CHECK(line == 0);
    events.emplace_back(sched.now(), level);
  }
  std::vector<Picos> rising() const {
    std::vector<Picos> r;
    for (const auto& [t, l] : events)
      if (l) r.push_back(t);
    return r;
  }
  Scheduler& sched;
  std::vector<std::pair<Picos, bool>> events;
};

// ceil(k * 1e12 / 1193182): the time of input clock pulse k (small k only).
Picos tick_time(i64 k) { return (k * kPicosPerSecond + 1193181) / 1193182; }

struct Rig {
  Scheduler sched;
  RecSink sink{sched};
  Pit8254 pit{sched, IrqLine(sink, 0)};
  Port61 p61{sched, pit};
  void out(u16 port, u8 v) { (port == 0x61 ? static_cast<IoHandler&>(p61) : pit).io_write(port, v, Width::Byte); }
  u8 in(u16 port) {
    return static_cast<u8>((port == 0x61 ? static_cast<IoHandler&>(p61) : pit).io_read(port, Width::Byte));
  }
  u16 read16(u16 port) {
    const u8 lo = in(port);
    return static_cast<u16>(lo | in(port) << 8);
  }
  void at_tick(i64 k) { sched.advance_to(tick_time(k)); }
};

}  // namespace

TEST_CASE("pit: tick <-> time conversion is exact", "[pit]") {
  CHECK(Pit8254::tick_at(0) == 0);
  CHECK(Pit8254::tick_at(kPicosPerSecond) == 1193182);
  CHECK(Pit8254::tick_at(kPicosPerSecond - 1) == 1193181);
  for (i64 k : {1LL, 2LL, 65536LL, 1193181LL, 1193183LL, 123456789LL}) {
    const Picos t = Pit8254::time_of_tick(k);
    CHECK(Pit8254::tick_at(t) == k);
    CHECK(Pit8254::tick_at(t - 1) == k - 1);
  }
  // Large times (days) do not overflow.
  const Picos day = 86400 * kPicosPerSecond;
  CHECK(Pit8254::tick_at(day) == 86400LL * 1193182);
  CHECK(Pit8254::time_of_tick(86400LL * 1193182) == day);
}

TEST_CASE("pit: mode 2 with divisor 0 raises IRQ0 at 18.2 Hz", "[pit]") {
  Rig r;
  r.out(0x43, 0x34);  // counter 0, LSB then MSB, mode 2, binary
  r.out(0x40, 0x00);
  r.out(0x40, 0x00);  // 0 = 65536
  r.sched.advance_to(kPicosPerSecond);
  const auto rise = r.sink.rising();
  // OUT goes high at the control word, then after each one-CLK low pulse:
  // loaded at tick 1, low at tick 65536, high again at 65537, every 65536.
  REQUIRE(rise.size() == 19);
  CHECK(rise[0] == 0);
  for (std::size_t m = 1; m < rise.size(); ++m) CHECK(rise[m] == tick_time(1 + 65536 * static_cast<i64>(m)));
  // The low pulse lasts exactly one input clock.
  REQUIRE(r.sink.events.size() >= 3);
  CHECK(r.sink.events[1] == std::make_pair(tick_time(65536), false));
  CHECK(r.sink.events[2] == std::make_pair(tick_time(65537), true));
  // ~54.925 ms between interrupts.
  CHECK(rise[2] - rise[1] >= 54'925'000'000);
  CHECK(rise[2] - rise[1] <= 54'926'000'000);
}

TEST_CASE("pit: mode 2 count reads and a new count waits for the period end", "[pit]") {
  Rig r;
  r.out(0x43, 0x34);
  r.out(0x40, 100);
  r.out(0x40, 0);
  r.at_tick(1);
  CHECK(r.read16(0x40) == 100);
  r.at_tick(31);
  CHECK(r.read16(0x40) == 70);
  r.out(0x40, 10);  // new count: period 100 continues until tick 101
  r.out(0x40, 0);
  r.at_tick(100);
  CHECK(r.read16(0x40) == 1);
  CHECK_FALSE(r.pit.out(0));
  r.at_tick(101);
  CHECK(r.read16(0x40) == 10);
  CHECK(r.pit.out(0));
  r.at_tick(200);
  const auto rise = r.sink.rising();
  REQUIRE(rise.size() >= 4);
  CHECK(rise[1] == tick_time(101));
  CHECK(rise[2] == tick_time(111));
  CHECK(rise[3] == tick_time(121));
}

TEST_CASE("pit: mode 3 square wave on counter 0", "[pit]") {
  Rig r;
  r.out(0x43, 0x36);  // counter 0, LSB/MSB, mode 3
  r.out(0x40, 4);
  r.out(0x40, 0);
  r.at_tick(20);
  // Loaded at tick 1: high for ticks 1-2, low 3-4, high 5-6, ...
  std::vector<std::pair<Picos, bool>> want{{0, true}};
  for (i64 k = 3; k <= 20; k += 2) want.emplace_back(tick_time(k), ((k - 1) / 2) % 2 == 0);
  CHECK(r.sink.events == want);
  // Counts by two: 4, 2, 4, 2.
  r.at_tick(21);
  CHECK(r.read16(0x40) == 4);
  r.at_tick(22);
  CHECK(r.read16(0x40) == 2);

  SECTION("odd count: high (N+1)/2, low (N-1)/2") {
    r.out(0x43, 0x36);
    r.out(0x40, 5);
    r.out(0x40, 0);  // written at tick 22: loaded at tick 23
    r.sink.events.clear();
    r.at_tick(40);
    REQUIRE(r.sink.events.size() >= 3);
    CHECK(r.sink.events[0] == std::make_pair(tick_time(26), false));
    CHECK(r.sink.events[1] == std::make_pair(tick_time(28), true));
    CHECK(r.sink.events[2] == std::make_pair(tick_time(31), false));
  }
}

TEST_CASE("pit: mode 0 goes high at terminal count once", "[pit]") {
  Rig r;
  r.out(0x43, 0x30);  // counter 0, LSB/MSB, mode 0
  CHECK_FALSE(r.pit.out(0));
  r.out(0x40, 10);
  r.out(0x40, 0);
  r.at_tick(6);
  CHECK(r.read16(0x40) == 5);
  CHECK(r.sink.events.empty());
  r.at_tick(11 + 1);
  CHECK(r.read16(0x40) == 0xFFFF);  // the count wraps and keeps going
  r.at_tick(100000);
  CHECK(r.read16(0x40) == (10 - 99999 + 2 * 65536));
  REQUIRE(r.sink.events.size() == 1);  // OUT stays high
  CHECK(r.sink.events[0] == std::make_pair(tick_time(11), true));
  r.at_tick(300000);
  CHECK(r.sink.events.size() == 1);

  SECTION("writing the first byte sets OUT low and stops counting") {
    r.out(0x40, 3);
    CHECK_FALSE(r.pit.out(0));
    const u16 held = r.read16(0x40);
    r.at_tick(300010);
    CHECK(r.read16(0x40) == held);
    r.out(0x40, 0);  // written at tick 300010; OUT high at 300014
    r.at_tick(300100);
    REQUIRE(r.sink.events.size() == 3);
    CHECK(r.sink.events[1].second == false);
    CHECK(r.sink.events[2] == std::make_pair(tick_time(300014), true));
  }
}

TEST_CASE("pit: mode 1 one-shot triggered by port 61h bit 0", "[pit]") {
  Rig r;
  r.out(0x61, 0x00);
  r.out(0x43, 0xB2);  // counter 2, LSB/MSB, mode 1
  r.out(0x42, 5);
  r.out(0x42, 0);
  CHECK(r.pit.out2());
  r.at_tick(10);
  CHECK(r.pit.out2());  // no trigger yet
  r.out(0x61, 0x01);    // GATE rises at tick 10: OUT low from tick 11
  CHECK(r.pit.gate2());
  r.at_tick(11);
  CHECK_FALSE(r.pit.out2());
  CHECK((r.in(0x61) & 0x20) == 0);
  r.at_tick(15);
  CHECK_FALSE(r.pit.out2());
  CHECK(r.read16(0x42) == 1);
  r.at_tick(16);
  CHECK(r.pit.out2());
  CHECK((r.in(0x61) & 0x20) == 0x20);
  // Retrigger during the pulse extends it.
  r.out(0x61, 0x00);
  r.at_tick(20);
  r.out(0x61, 0x01);
  r.at_tick(23);
  r.out(0x61, 0x00);
  r.out(0x61, 0x01);  // retrigger at tick 23: terminal count at 29
  r.at_tick(28);
  CHECK_FALSE(r.pit.out2());
  r.at_tick(29);
  CHECK(r.pit.out2());
  CHECK(r.sink.events.empty());  // counter 2 is not IRQ0
}

TEST_CASE("pit: mode 5 strobe triggered by GATE; mode 4 software strobe", "[pit]") {
  Rig r;
  r.out(0x43, 0xBA);  // counter 2, LSB/MSB, mode 5
  r.out(0x42, 3);
  r.out(0x42, 0);
  r.at_tick(5);
  r.pit.set_gate2(true);  // loaded at 6, terminal count at 9
  r.at_tick(8);
  CHECK(r.pit.out2());
  r.at_tick(9);
  CHECK_FALSE(r.pit.out2());
  r.at_tick(10);
  CHECK(r.pit.out2());
  r.at_tick(1000);
  CHECK(r.pit.out2());

  // Mode 4 on counter 0: a one-CLK low strobe N CLKs after the load.
  r.out(0x43, 0x38);
  r.out(0x40, 7);
  r.out(0x40, 0);  // written at 1000, loaded 1001, strobe at 1008
  r.at_tick(2000);
  REQUIRE(r.sink.events.size() == 3);
  CHECK(r.sink.events[0] == std::make_pair(tick_time(1000), true));
  CHECK(r.sink.events[1] == std::make_pair(tick_time(1008), false));
  CHECK(r.sink.events[2] == std::make_pair(tick_time(1009), true));
}

TEST_CASE("pit: counter latch holds the value until both bytes are read", "[pit]") {
  Rig r;
  r.out(0x43, 0x34);
  r.out(0x40, 0x34);
  r.out(0x40, 0x12);  // 0x1234, loaded at tick 1
  r.at_tick(0x101);
  r.out(0x43, 0x00);  // latch counter 0: 0x1234 - 0x100 = 0x1134
  r.at_tick(0x200);
  CHECK(r.in(0x40) == 0x34);
  r.at_tick(0x300);
  r.out(0x43, 0x00);  // ignored: the latch has not been fully read
  CHECK(r.in(0x40) == 0x11);
  // Latch released: live reads again.
  r.at_tick(0x401);
  CHECK(r.read16(0x40) == 0x1234 - 0x400);

  SECTION("LSB-only and MSB-only access") {
    r.out(0x43, 0x10);  // counter 0, LSB only, mode 0
    r.out(0x40, 0x50);  // written at 0x401, loaded at 0x402
    r.at_tick(0x402 + 0x10);
    CHECK(r.in(0x40) == 0x40);
    CHECK(r.in(0x40) == 0x40);
    r.out(0x43, 0x20);  // MSB only
    r.out(0x40, 0x02);  // 0x0200, loaded next tick
    r.at_tick(0x412 + 1 + 0x100);
    CHECK(r.in(0x40) == 0x01);
    r.out(0x43, 0x00);
    r.at_tick(0x412 + 1 + 0x180);
    CHECK(r.in(0x40) == 0x01);  // latched MSB
    CHECK(r.in(0x40) == 0x00);  // live MSB of 0x0080
  }
}

TEST_CASE("pit: read-back command latches status and count", "[pit]") {
  Rig r;
  r.out(0x43, 0x34);
  r.out(0x43, 0xE2);  // read-back: status of counter 0
  CHECK(r.in(0x40) == (0x80 | 0x40 | 0x34));  // OUT high, null count
  r.out(0x40, 0x00);
  r.out(0x40, 0x10);  // 0x1000
  r.out(0x43, 0xE2);
  CHECK(r.in(0x40) == (0x80 | 0x40 | 0x34));  // not loaded until the next CLK
  r.at_tick(0x11);
  r.out(0x43, 0xC2);  // status and count
  r.at_tick(0x50);
  CHECK(r.in(0x40) == (0x80 | 0x34));  // status first
  CHECK(r.read16(0x40) == 0x1000 - 0x10);

  // Several counters at once: counter 2 mode 0 with GATE low (null count
  // cleared at the load; OUT low).
  r.out(0x43, 0xB0);
  r.out(0x42, 0x05);
  r.out(0x42, 0x00);
  r.at_tick(0x60);
  r.out(0x43, 0xEC);  // status of counters 1 and 2 (bits 2, 3)
  CHECK(r.in(0x42) == 0x30);
  CHECK(r.in(0x41) == (0x40 | 0x30));  // counter 1 never programmed: null count
  CHECK(r.read16(0x42) == 5);          // GATE low: counting inhibited
}

TEST_CASE("pit: BCD counting", "[pit]") {
  Rig r;
  r.out(0x43, 0x31);  // counter 0, LSB/MSB, mode 0, BCD
  r.out(0x40, 0x00);
  r.out(0x40, 0x00);  // 0 = 10000 in BCD
  r.at_tick(2);
  CHECK(r.read16(0x40) == 0x9999);
  r.at_tick(1 + 1234);
  CHECK(r.read16(0x40) == 0x8766);
  r.at_tick(20000);
  REQUIRE(r.sink.events.size() == 1);
  CHECK(r.sink.events[0] == std::make_pair(tick_time(10001), true));

  r.out(0x43, 0x37);  // mode 3, BCD: period 25 (decimal)
  r.out(0x40, 0x25);
  r.out(0x40, 0x00);  // written at 20000, loaded at 20001
  r.sink.events.clear();
  r.at_tick(20001 + 50);
  REQUIRE(r.sink.events.size() == 4);
  CHECK(r.sink.events[0] == std::make_pair(tick_time(20001 + 13), false));
  CHECK(r.sink.events[1] == std::make_pair(tick_time(20001 + 25), true));
  r.at_tick(20001 + 50 + 3);
  CHECK(r.read16(0x40) == 0x18);  // 24, 22, 20, 18
}

TEST_CASE("pit: counter 2 speaker square wave and port 61h", "[pit]") {
  Rig r;
  CHECK(r.in(0x61) == 0x00);
  r.out(0x43, 0xB6);  // counter 2, LSB/MSB, mode 3
  r.out(0x42, 0xA9);
  r.out(0x42, 0x04);  // 1193: ~1 kHz
  r.at_tick(100);
  CHECK(r.pit.out2());  // GATE low: mode 3 waits for the rising edge
  r.out(0x61, 0x03);    // gate on, speaker on (at tick 100)
  CHECK((r.in(0x61) & 0x03) == 0x03);
  CHECK((r.in(0x61) & 0x20) == 0x20);
  // Loaded at 101: high 597 ticks, low 596.
  r.at_tick(101 + 596);
  CHECK(r.pit.out2());
  r.at_tick(101 + 597);
  CHECK_FALSE(r.pit.out2());
  CHECK((r.in(0x61) & 0x20) == 0);
  r.at_tick(101 + 1193);
  CHECK((r.in(0x61) & 0x20) == 0x20);
  // GATE low forces OUT high and stops the count.
  r.at_tick(101 + 1193 + 700);
  CHECK_FALSE(r.pit.out2());
  r.out(0x61, 0x02);
  CHECK(r.pit.out2());
  CHECK((r.in(0x61) & 0x23) == 0x22);
  CHECK(r.sink.events.empty());
  // Bits 2-3 are stored; bits 4-7 are not writable.
  r.out(0x61, 0xFC);
  CHECK((r.in(0x61) & 0x0F) == 0x0C);
  CHECK_FALSE(r.pit.gate2());
  CHECK(!r.pit.dump().empty());
}

TEST_CASE("pit: port 61h refresh bit toggles every 15.085 us", "[pit]") {
  Rig r;
  CHECK((r.in(0x61) & 0x10) == 0);
  r.sched.advance_to(15'084'999);
  CHECK((r.in(0x61) & 0x10) == 0);
  r.sched.advance_to(15'085'000);
  CHECK((r.in(0x61) & 0x10) == 0x10);
  r.sched.advance_to(30'169'999);
  CHECK((r.in(0x61) & 0x10) == 0x10);
  r.sched.advance_to(30'170'000);
  CHECK((r.in(0x61) & 0x10) == 0);
  int toggles = 0;
  u8 last = r.in(0x61) & 0x10;
  for (Picos t = 30'170'000; t < 30'170'000 + 1'000'000'000; t += 1'000'000) {
    r.sched.advance_to(t);
    const u8 b = r.in(0x61) & 0x10;
    toggles += b != last;
    last = b;
  }
  CHECK(toggles == 66);  // 1 ms / 15.085 us
}

TEST_CASE("pit: reset returns to the unprogrammed state", "[pit]") {
  Rig r;
  r.out(0x43, 0x34);
  r.out(0x40, 0);
  r.out(0x40, 0);
  r.pit.reset();
  CHECK_FALSE(r.pit.out(0));
  r.sched.advance_to(kPicosPerSecond);
  REQUIRE(r.sink.events.size() == 2);
  CHECK(r.sink.events[1] == std::make_pair(Picos{0}, false));
}

// ---------------------------------------------------------------------------
// Progress: whatever a guest writes, counter 0's timer is armed for a time
// strictly after now (or not at all), every firing is a real OUT edge, and
// IRQ0 always equals OUT0. Random programmings over every mode, count (0, 1,
// 2, small, large, BCD), byte order, half-written counts, latches,
// read-backs, gate edges and time jumps, at small and at very late times.

namespace {

struct Sweep {
  Rig r;
  std::mt19937_64 rng;
  explicit Sweep(u64 seed) : rng(seed) {}
  u64 pick(u64 n) { return rng() % n; }

  void check_armed() {
    const Picos d = r.sched.next_deadline();
    if (d != kNever) REQUIRE(d > r.sched.now());
    const bool level = r.sink.events.empty() ? false : r.sink.events.back().second;
    REQUIRE(level == r.pit.out(0));
  }

  // Advances to `target`, one deadline at a time; each firing must change OUT0.
  void run_to(Picos target) {
    for (int guard = 0; guard < 4000; ++guard) {
      const Picos d = r.sched.next_deadline();
      if (d == kNever || d > target) break;
      REQUIRE(d > r.sched.now());
      const bool before = r.pit.out(0);
      const std::size_t events = r.sink.events.size();
      r.sched.advance_to(d);
      REQUIRE(r.sched.now() == d);
      REQUIRE(r.pit.out(0) != before);
      REQUIRE(r.sink.events.size() == events + 1);
      check_armed();
    }
    if (target > r.sched.now() && r.sched.next_deadline() > target) r.sched.advance_to(target);
    check_armed();
  }

  u8 count_byte() {
    static constexpr u8 kInteresting[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x09, 0x10, 0x99, 0xFF};
    return pick(3) ? kInteresting[pick(sizeof kInteresting)] : static_cast<u8>(rng());
  }

  void step() {
    const unsigned ch = pick(4) == 0 ? 2u : 0u;
    switch (pick(9)) {
      case 0:
      case 1: {  // control word: any RW (not latch), mode 0-7 (6/7 alias 2/3), BCD
        const u8 rw = static_cast<u8>(1 + pick(3));
        r.out(0x43, static_cast<u8>(ch << 6 | rw << 4 | pick(8) << 1 | (pick(4) == 0 ? 1 : 0)));
        break;
      }
      case 2:
      case 3:
      case 4:  // one count byte (a two-byte count may stay half written)
        r.out(static_cast<u16>(0x40 + ch), count_byte());
        break;
      case 5:  // counter latch, or read-back of count and/or status
        r.out(0x43, pick(2) ? static_cast<u8>(ch << 6) : static_cast<u8>(0xC0 | pick(4) << 4 | pick(8) << 1));
        break;
      case 6:
        r.in(static_cast<u16>(0x40 + ch));
        break;
      case 7:  // counter 2's gate
        r.out(0x61, static_cast<u8>(pick(2)));
        break;
      default: {  // time passes: a few ticks, a period, or a long jump
        static constexpr i64 kSpan[] = {1, 3, 70, 70'000, 1'193'182 * 20};
        const i64 span = kSpan[pick(5)];
        run_to(r.sched.now() + Pit8254::time_of_tick(1 + static_cast<i64>(pick(static_cast<u64>(span)))));
        break;
      }
    }
    check_armed();
  }
};

}  // namespace

TEST_CASE("pit: random programming sweep always arms a future edge", "[pit]") {
  for (u64 seed = 1; seed <= 300; ++seed) {
    INFO("seed " << seed);
    Sweep s(seed);
    for (int i = 0; i < 300; ++i) s.step();
  }
}

TEST_CASE("pit: every mode and small count gives edges in the future", "[pit]") {
  // Exhaustive over mode (0-7, BCD or binary), the counts 0-5 and 9-10, and
  // the tick phase at which the count is written.
  for (u8 mode = 0; mode < 8; ++mode) {
    for (u8 bcd = 0; bcd < 2; ++bcd) {
      for (u8 count : {0, 1, 2, 3, 4, 5, 9, 0x10}) {
        for (i64 phase = 0; phase < 3; ++phase) {
          INFO("mode " << int(mode) << " bcd " << int(bcd) << " count " << int(count) << " phase " << phase);
          Sweep s(1);
          s.r.at_tick(100 + phase);
          s.r.out(0x43, static_cast<u8>(0x30 | mode << 1 | bcd));
          s.r.out(0x40, count);
          s.r.out(0x40, 0);
          s.check_armed();
          s.run_to(s.r.sched.now() + Pit8254::time_of_tick(40));
          // Reprogram mid-count with another mode, then let it run.
          s.r.out(0x43, static_cast<u8>(0x30 | ((mode + 3) & 7) << 1));
          s.r.out(0x40, count);
          s.check_armed();
          s.r.out(0x40, 0);
          s.run_to(s.r.sched.now() + Pit8254::time_of_tick(200));
        }
      }
    }
  }
}

TEST_CASE("pit: late in virtual time the next edge is still in the future", "[pit]") {
  // Near the end of the picosecond range (about 106 days) the time of the
  // next edge does not fit: the PIT must stop arming its timer rather than
  // arm it in the past (which fired it again at once, for ever).
  for (Picos late : {kNever / 2, kNever - kPicosPerSecond, kNever - 1'000'000, kNever - 1}) {
    INFO("t = " << late);
    Sweep s(7);
    s.r.sched.advance_to(late);
    s.r.out(0x43, 0x36);  // counter 0, mode 3, LSB then MSB
    s.r.out(0x40, 0x02);
    s.r.out(0x40, 0x00);
    s.check_armed();
    s.r.out(0x43, 0x34);  // mode 2, count 0 (65536)
    s.r.out(0x40, 0x00);
    s.r.out(0x40, 0x00);
    s.check_armed();
    const Picos ten = Pit8254::time_of_tick(10);
    s.run_to(late < kNever - 1 - ten ? late + ten : kNever - 1);
  }
}
