// Motorola MC146818 RTC + CMOS RAM, driven through ports 70h/71h against a
// real Scheduler. Expected values follow the MC146818A datasheet's register
// descriptions (Table 2 data formats, Table 4 periodic rates, Register A-D).
#include <catch2/catch.hpp>

#include <utility>
#include <vector>

#include "devices/cmos_rtc.hpp"

using namespace gb;

namespace {

constexpr Picos kSec = kPicosPerSecond;
constexpr Picos kMs = kSec / 1000;
constexpr Picos kUs = kMs / 1000;

// 2024-03-15 13:45:30 UTC, a Friday.
constexpr i64 kFri = 1'710'510'330;
// 1999-12-31 23:59:59 UTC, a Friday.
constexpr i64 kY2k = 946'684'799;

struct RecSink final : IrqSink {
  explicit RecSink(Scheduler& s) : sched(s) {}
  void set_irq(unsigned line, bool level) override {
    CHECK(line == 8);
    this->level = level;
    events.emplace_back(sched.now(), level);
  }
  std::vector<Picos> rising() const {
    std::vector<Picos> r;
    for (const auto& [t, l] : events)
      if (l) r.push_back(t);
    return r;
  }
  Scheduler& sched;
  bool level = false;
  std::vector<std::pair<Picos, bool>> events;
};

struct Rig {
  explicit Rig(i64 base = kFri) : rtc(sched, IrqLine(sink, 8), base) {}
  Scheduler sched;
  RecSink sink{sched};
  CmosRtc rtc;
  void wr(u8 index, u8 v) {
    rtc.io_write(0x70, index, Width::Byte);
    rtc.io_write(0x71, v, Width::Byte);
  }
  u8 rd(u8 index) {
    rtc.io_write(0x70, index, Width::Byte);
    return static_cast<u8>(rtc.io_read(0x71, Width::Byte));
  }
  void at(Picos t) { sched.advance_to(t); }
};

}  // namespace

TEST_CASE("RTC: power-on registers and time in BCD", "[rtc]") {
  Rig r;
  CHECK(r.rd(0x0A) == 0x26);
  CHECK(r.rd(0x0B) == 0x02);
  CHECK(r.rd(0x0C) == 0x00);
  CHECK(r.rd(0x0D) == 0x80);
  CHECK(r.rd(0x00) == 0x30);
  CHECK(r.rd(0x02) == 0x45);
  CHECK(r.rd(0x04) == 0x13);
  CHECK(r.rd(0x06) == 0x06);  // Friday (1 = Sunday)
  CHECK(r.rd(0x07) == 0x15);
  CHECK(r.rd(0x08) == 0x03);
  CHECK(r.rd(0x09) == 0x24);
  CHECK(r.rd(0x32) == 0x20);
  // Register D is read-only with VRT set; C is read-only.
  r.wr(0x0D, 0x00);
  CHECK(r.rd(0x0D) == 0x80);
  r.wr(0x0C, 0xF0);
  CHECK(r.rd(0x0C) == 0x00);
  CHECK(r.sched.next_deadline() == kNever);  // no interrupt enabled, no events
}

TEST_CASE("RTC: binary data mode", "[rtc]") {
  Rig r;
  r.wr(0x0B, 0x06);  // DM = binary, 24-hour
  CHECK(r.rd(0x00) == 30);
  CHECK(r.rd(0x02) == 45);
  CHECK(r.rd(0x04) == 13);
  CHECK(r.rd(0x06) == 6);
  CHECK(r.rd(0x07) == 15);
  CHECK(r.rd(0x08) == 3);
  CHECK(r.rd(0x09) == 24);
  CHECK(r.rd(0x32) == 20);
}

TEST_CASE("RTC: 12-hour mode", "[rtc]") {
  Rig r;
  r.wr(0x0B, 0x00);  // BCD, 12-hour
  CHECK(r.rd(0x04) == 0x81);  // 1 PM
  r.wr(0x0B, 0x04);  // binary, 12-hour
  CHECK(r.rd(0x04) == (0x80 | 1));

  Rig m(kFri - (13 * 3600 + 45 * 60 + 30));  // midnight
  m.wr(0x0B, 0x00);
  CHECK(m.rd(0x04) == 0x12);  // 12 AM
  m.at(12 * 3600 * kSec);
  CHECK(m.rd(0x04) == 0x92);  // 12 PM
  m.at(23 * 3600 * kSec);
  CHECK(m.rd(0x04) == 0x91);  // 11 PM
}

TEST_CASE("RTC: seconds, minutes and calendar roll over with virtual time", "[rtc]") {
  Rig r;
  r.at(29 * kSec);
  CHECK(r.rd(0x00) == 0x59);
  CHECK(r.rd(0x02) == 0x45);
  r.at(30 * kSec - 1);
  CHECK(r.rd(0x00) == 0x59);
  r.at(30 * kSec);
  CHECK(r.rd(0x00) == 0x00);
  CHECK(r.rd(0x02) == 0x46);

  Rig y(kY2k);
  CHECK(y.rd(0x09) == 0x99);
  CHECK(y.rd(0x32) == 0x19);
  y.at(kSec);
  CHECK(y.rd(0x00) == 0x00);
  CHECK(y.rd(0x02) == 0x00);
  CHECK(y.rd(0x04) == 0x00);
  CHECK(y.rd(0x06) == 0x07);  // Saturday
  CHECK(y.rd(0x07) == 0x01);
  CHECK(y.rd(0x08) == 0x01);
  CHECK(y.rd(0x09) == 0x00);
  CHECK(y.rd(0x32) == 0x20);
}

TEST_CASE("RTC: SET freezes updates and loads a new time", "[rtc]") {
  Rig r;
  r.at(kSec / 2);
  r.wr(0x0B, 0x82);  // SET, 24-hour, BCD
  r.at(5 * kSec);
  CHECK(r.rd(0x00) == 0x30);  // frozen
  CHECK((r.rd(0x0A) & 0x80) == 0);
  // 2001-02-03 04:05:06, a Saturday.
  r.wr(0x00, 0x06);
  r.wr(0x02, 0x05);
  r.wr(0x04, 0x04);
  r.wr(0x06, 0x07);
  r.wr(0x07, 0x03);
  r.wr(0x08, 0x02);
  r.wr(0x09, 0x01);
  r.wr(0x32, 0x20);
  r.at(5 * kSec + kSec / 2);
  CHECK(r.rd(0x00) == 0x06);
  r.wr(0x0B, 0x02);  // release SET
  CHECK(r.rd(0x00) == 0x06);
  CHECK(r.rd(0x04) == 0x04);
  CHECK(r.rd(0x09) == 0x01);
  CHECK(r.rtc.unix_seconds() == 981'173'106);
  // The divider chain kept its phase: the next update is at 6 s.
  r.at(6 * kSec - 1);
  CHECK(r.rd(0x00) == 0x06);
  r.at(6 * kSec);
  CHECK(r.rd(0x00) == 0x07);
  CHECK(r.rd(0x06) == 0x07);
  // SET clears UIE.
  r.wr(0x0B, 0x92);
  CHECK(r.rd(0x0B) == 0x82);
}

TEST_CASE("RTC: UIP is set in the 244 us before each update", "[rtc]") {
  Rig r;
  CHECK((r.rd(0x0A) & 0x80) == 0);
  r.at(kSec - 245 * kUs);
  CHECK((r.rd(0x0A) & 0x80) == 0);
  r.at(kSec - 243 * kUs);
  CHECK((r.rd(0x0A) & 0x80) == 0x80);
  CHECK(r.rd(0x00) == 0x30);
  r.at(kSec);
  CHECK((r.rd(0x0A) & 0x80) == 0);
  CHECK(r.rd(0x00) == 0x31);
  // UIP is read-only; the divider and rate bits are stored.
  r.wr(0x0A, 0xA3);
  CHECK(r.rd(0x0A) == 0x23);
}

TEST_CASE("RTC: periodic interrupt at 1024 Hz", "[rtc]") {
  Rig r;
  r.wr(0x0A, 0x26);  // 32.768 kHz, rate 6
  r.at(10 * kMs);
  CHECK(r.sink.events.empty());
  CHECK((r.rd(0x0C) & 0xC0) == 0x40);  // PF set regardless of PIE, no IRQF
  r.wr(0x0B, 0x42);                    // PIE
  const Picos period = kSec / 1024;    // 976.5625 us, exact in ps
  const Picos first = (r.sched.now() / period + 1) * period;
  r.at(first - 1);
  CHECK(r.sink.events.empty());
  r.at(first);
  REQUIRE(r.sink.rising() == std::vector<Picos>{first});
  CHECK(r.sink.level);
  // Stays raised until register C is read; reading clears it.
  r.at(first + 3 * period);
  CHECK(r.sink.rising().size() == 1u);
  CHECK(r.sink.level);
  CHECK(r.rd(0x0C) == 0xC0);
  CHECK_FALSE(r.sink.level);
  CHECK(r.rd(0x0C) == 0x00);
  // Serviced each time, it fires once per period.
  for (int i = 4; i <= 8; ++i) {
    r.at(first + i * period);
    CHECK(r.sink.level);
    CHECK(r.rd(0x0C) == 0xC0);
  }
  CHECK(r.sink.rising().size() == 6u);
  CHECK(r.sink.rising().back() == first + 8 * period);
  // PIE off: no further events are scheduled.
  r.wr(0x0B, 0x02);
  CHECK(r.sched.next_deadline() == kNever);
}

TEST_CASE("RTC: periodic rates from register A", "[rtc]") {
  Rig r;
  r.wr(0x0A, 0x23);  // 8192 Hz
  r.wr(0x0B, 0x42);
  r.at(kSec);
  REQUIRE(r.sink.rising().size() == 1u);
  CHECK(r.sink.rising()[0] == (kSec + 8191) / 8192);
  CHECK(r.rd(0x0C) == 0xD0);  // PF, UF (update at 1 s), IRQF
  r.sink.events.clear();
  r.wr(0x0A, 0x21);  // rate 1: 256 Hz
  r.at(kSec + kSec / 256);
  CHECK(r.sink.rising() == std::vector<Picos>{kSec + kSec / 256});
  CHECK(r.rd(0x0C) == 0xC0);
  r.sink.events.clear();
  r.wr(0x0A, 0x20);  // rate 0: off
  r.at(3 * kSec);
  CHECK(r.sink.events.empty());
  CHECK(r.sched.next_deadline() == kNever);
}

TEST_CASE("RTC: alarm interrupt", "[rtc]") {
  Rig r;
  r.wr(0x0A, 0x20);  // periodic rate off, so PF stays clear
  r.wr(0x01, 0x33);  // 13:45:33
  r.wr(0x03, 0x45);
  r.wr(0x05, 0x13);
  r.wr(0x0B, 0x22);  // AIE
  r.at(10 * kSec);
  REQUIRE(r.sink.rising() == std::vector<Picos>{3 * kSec});
  CHECK(r.rd(0x0C) == 0xB0);  // IRQF, AF, UF
  CHECK_FALSE(r.sink.level);
  r.at(20 * kSec);
  CHECK(r.sink.rising().size() == 1u);  // once a day only

  // Don't-care hours and minutes: every minute at :05.
  r.sink.events.clear();
  r.wr(0x01, 0x05);
  r.wr(0x03, 0xC0);
  r.wr(0x05, 0xFF);
  r.at(2 * 60 * kSec);
  // 13:46:05 at 35 s; 13:47:05 (95 s) passes unseen as AF is still set.
  REQUIRE(r.sink.rising() == std::vector<Picos>{35 * kSec});
  r.rd(0x0C);
  r.at(3 * 60 * kSec);
  CHECK(r.sink.rising() == std::vector<Picos>{35 * kSec, 155 * kSec});

  // All don't care: every second.
  r.rd(0x0C);
  r.sink.events.clear();
  r.wr(0x01, 0xC0);
  const Picos t0 = r.sched.now();
  for (int i = 1; i <= 3; ++i) {
    r.at(t0 + i * kSec);
    CHECK(r.sink.level);
    CHECK((r.rd(0x0C) & 0xA0) == 0xA0);
  }
  CHECK(r.sink.rising().size() == 3u);
}

TEST_CASE("RTC: alarm in 12-hour binary mode", "[rtc]") {
  Rig r;
  r.wr(0x0B, 0x24);  // AIE, binary, 12-hour
  r.wr(0x01, 32);
  r.wr(0x03, 45);
  r.wr(0x05, 0x81);  // 1 PM
  r.at(5 * kSec);
  CHECK(r.sink.rising() == std::vector<Picos>{2 * kSec});
}

TEST_CASE("RTC: update-ended interrupt", "[rtc]") {
  Rig r;
  r.wr(0x0A, 0x20);
  r.at(kSec / 4);
  r.wr(0x0B, 0x12);  // UIE
  r.at(kSec - 1);
  CHECK(r.sink.events.empty());
  r.at(kSec);
  CHECK(r.sink.rising() == std::vector<Picos>{kSec});
  r.at(2 * kSec + kSec / 2);
  CHECK(r.sink.rising().size() == 1u);
  CHECK(r.rd(0x0C) == 0x90);
  CHECK_FALSE(r.sink.level);
  r.at(3 * kSec);
  CHECK(r.sink.rising() == std::vector<Picos>{kSec, 3 * kSec});
  CHECK(r.rd(0x0C) == 0x90);
  // SET stops updates (and clears UIE).
  r.wr(0x0B, 0x92);
  r.at(6 * kSec);
  CHECK(r.sink.rising().size() == 2u);
  CHECK(r.rd(0x0C) == 0x00);
  CHECK(r.sched.next_deadline() == kNever);
}

TEST_CASE("RTC: enabling an interrupt with its flag pending raises IRQ8", "[rtc]") {
  Rig r;
  r.wr(0x0A, 0x20);
  r.at(kSec + kSec / 2);
  r.wr(0x0B, 0x12);  // UF already set by the update at 1 s
  CHECK(r.sink.rising() == std::vector<Picos>{kSec + kSec / 2});
  CHECK(r.rd(0x0C) == 0x90);
}

TEST_CASE("RTC: port 70h bit 7 masks NMI", "[rtc]") {
  Rig r;
  CHECK_FALSE(r.rtc.nmi_masked());
  r.rtc.io_write(0x70, 0x80 | 0x20, Width::Byte);
  CHECK(r.rtc.nmi_masked());
  r.rtc.io_write(0x71, 0x5A, Width::Byte);
  CHECK(r.rtc.cmos(0x20) == 0x5A);
  CHECK(r.rtc.io_read(0x71, Width::Byte) == 0x5Au);
  CHECK(r.rtc.nmi_masked());
  r.rtc.io_write(0x70, 0x20, Width::Byte);
  CHECK_FALSE(r.rtc.nmi_masked());
  CHECK(r.rtc.io_read(0x71, Width::Byte) == 0x5Au);
}

TEST_CASE("RTC: CMOS RAM read and write", "[rtc]") {
  Rig r;
  for (unsigned i = 0x0E; i < 0x80; ++i) {
    if (i == 0x32) continue;  // century, part of the clock
    r.wr(static_cast<u8>(i), static_cast<u8>(i ^ 0xA5));
  }
  for (unsigned i = 0x0E; i < 0x80; ++i) {
    if (i == 0x32) continue;
    CHECK(r.rd(static_cast<u8>(i)) == static_cast<u8>(i ^ 0xA5));
  }
  r.rtc.set_cmos(0x14, 0x0D);
  CHECK(r.rd(0x14) == 0x0D);
  r.wr(0x3D, 0x21);
  CHECK(r.rtc.cmos(0x3D) == 0x21);
  // Time keeps reading correctly.
  CHECK(r.rd(0x00) == 0x30);
  CHECK_FALSE(r.rtc.dump().empty());
}

TEST_CASE("RTC: AT checksum over 10h-2Dh", "[rtc]") {
  Rig r;
  r.rtc.set_cmos(0x10, 0x40);
  r.rtc.set_cmos(0x15, 0x80);
  r.rtc.set_cmos(0x16, 0x02);
  r.rtc.set_cmos(0x17, 0x00);
  r.rtc.set_cmos(0x18, 0xFC);
  r.rtc.set_cmos(0x2D, 0xFF);
  r.rtc.set_cmos(0x2E, 0xEE);  // overwritten
  r.rtc.update_checksum();
  const int sum = 0x40 + 0x80 + 0x02 + 0xFC + 0xFF;
  CHECK(r.rd(0x2E) == (sum >> 8));
  CHECK(r.rd(0x2F) == (sum & 0xFF));
  // Bytes outside 10h-2Dh do not count.
  r.wr(0x30, 0x77);
  r.wr(0x0F, 0x77);
  r.rtc.update_checksum();
  CHECK(r.rd(0x2E) == (sum >> 8));
  CHECK(r.rd(0x2F) == (sum & 0xFF));
  // A sum above 16 bits wraps.
  for (unsigned i = 0x10; i <= 0x2D; ++i) r.wr(static_cast<u8>(i), 0xFF);
  r.rtc.update_checksum();
  const int all = 30 * 0xFF;
  CHECK(r.rd(0x2E) == ((all >> 8) & 0xFF));
  CHECK(r.rd(0x2F) == (all & 0xFF));
}
