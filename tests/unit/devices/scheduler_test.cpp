// Virtual time: timers fire in deadline order, at their deadline.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "devices/scheduler.hpp"

using namespace gb;

namespace {
struct Log : Timer::Client {
  Scheduler& s;
  std::vector<std::string> fired;
  std::vector<Picos> at;
  explicit Log(Scheduler& sc) : s(sc) {}
  void on_timer(Timer& t) override {
    fired.emplace_back(t.name());
    at.push_back(s.now());
  }
};
}  // namespace

TEST_CASE("scheduler fires timers in deadline order at their deadlines", "[scheduler]") {
  Scheduler s;
  Log log(s);
  Timer a(s, log, "a"), b(s, log, "b"), c(s, log, "c");
  c.arm_at(300);
  a.arm_at(100);
  b.arm_at(200);
  CHECK(s.next_deadline() == 100);
  s.advance_to(250);
  CHECK(log.fired == std::vector<std::string>{"a", "b"});
  CHECK(log.at == std::vector<Picos>{100, 200});
  CHECK(s.now() == 250);
  CHECK(s.next_deadline() == 300);
  CHECK_FALSE(a.armed());
  s.advance_to(1000);
  CHECK(log.fired.back() == "c");
  CHECK(s.next_deadline() == kNever);
}

TEST_CASE("equal deadlines fire in arming order; re-arming and cancel move timers", "[scheduler]") {
  Scheduler s;
  Log log(s);
  Timer a(s, log, "a"), b(s, log, "b"), c(s, log, "c");
  a.arm_at(50);
  b.arm_at(50);
  c.arm_at(10);
  c.arm_at(60);  // moved
  b.cancel();
  s.advance_to(100);
  CHECK(log.fired == std::vector<std::string>{"a", "c"});
}

namespace {
struct Periodic : Timer::Client {
  Scheduler& s;
  Timer t;
  int count = 0;
  explicit Periodic(Scheduler& sc) : s(sc), t(sc, *this, "tick") {}
  void on_timer(Timer& self) override {
    ++count;
    self.arm_in(10);  // re-arms from within the callback
  }
};
}  // namespace

TEST_CASE("a timer re-armed by its callback fires again within the same advance", "[scheduler]") {
  Scheduler s;
  Periodic p(s);
  p.t.arm_at(10);
  s.advance_to(55);
  CHECK(p.count == 5);  // 10, 20, 30, 40, 50
  CHECK(p.t.deadline() == 60);
}

namespace {
// Re-arms its timer at the instant it fires, for ever (a device bug).
struct Rearm : Timer::Client {
  Scheduler& s;
  long fired = 0;
  explicit Rearm(Scheduler& sc) : s(sc) {}
  void on_timer(Timer& t) override {
    ++fired;
    t.arm_at(s.now());
  }
};
}  // namespace

TEST_CASE("advance_to is bounded when a timer re-arms itself at now", "[scheduler]") {
  Scheduler s;
  Rearm r(s);
  Timer t(s, r, "rearm");
  t.arm_at(100);
  CHECK_FALSE(s.advance_to(1000));  // returns instead of spinning
  CHECK(r.fired == Scheduler::kMaxFiringsPerInstant);
  CHECK(s.now() == 100);  // time stays where the loop was
  CHECK(s.next_deadline() == 100);
  t.cancel();
  CHECK(s.advance_to(1000));
  CHECK(s.now() == 1000);
}

TEST_CASE("a deadline past the end of the Picos range never comes", "[scheduler]") {
  Scheduler s;
  Log log(s);
  Timer a(s, log, "a"), b(s, log, "b");
  s.advance_to(kNever - 10);
  a.arm_in(kNever);  // now + delta overflows: never, not "now"
  CHECK_FALSE(a.armed());
  b.arm_at(kNever);
  CHECK_FALSE(b.armed());
  CHECK(s.next_deadline() == kNever);
  a.arm_in(5);
  CHECK(s.next_deadline() == kNever - 5);
  s.advance_to(kNever - 1);
  CHECK(log.fired == std::vector<std::string>{"a"});
}
