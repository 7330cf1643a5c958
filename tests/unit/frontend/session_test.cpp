// gb::run_session (frontend/session.hpp) with a scripted display, and
// Machine::run_for's yield.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <deque>
#include <string>
#include <optional>
#include <vector>

#include "frontend/debugger/commands.hpp"
#include "frontend/debugger/debugger.hpp"
#include "frontend/session.hpp"

using namespace gb;
using Kind = RunResult::Kind;

namespace {

/// A BIOS whose reset vector spins: `jmp $` forever.
MachineConfig spinning() {
  MachineConfig c;
  c.ram_mib = 1;
  c.bios.assign(64 * 1024, 0xF4);
  c.bios[0xFFF0] = 0xEB;
  c.bios[0xFFF1] = 0xFE;
  return c;
}

/// Replays one list of hot keys per poll; counts redraws.
struct ScriptedDisplay final : Display {
  std::deque<std::vector<HostAction>> script;
  int presents = 0;
  std::vector<std::string> states;
  void poll(Machine&, std::vector<HostAction>& actions) override {
    if (script.empty()) return;
    actions.insert(actions.end(), script.front().begin(), script.front().end());
    script.pop_front();
  }
  void present(const Vga&, const DisplayStatus& st) override {
    ++presents;
    states.emplace_back(st.state);
  }
  void wait(std::chrono::milliseconds) override {}
};

}  // namespace

TEST_CASE("Machine::run_for yields after its host-time budget, without losing instructions", "[frontend][session]") {
  Machine m(spinning());
  const RunResult r = m.run_for(0, std::chrono::milliseconds(5));
  CHECK(r.kind == Kind::Yielded);
  const u64 after_first = m.cpu().instructions();
  CHECK(after_first > 0);
  const RunResult r2 = m.run_for(after_first + 1000, std::chrono::seconds(10));
  CHECK(r2.kind == Kind::InsnLimit);
  CHECK(m.cpu().instructions() == after_first + 1000);
}

TEST_CASE("run_session: quit, pause and single step from the display's hot keys", "[frontend][session]") {
  Machine m(spinning());
  ScriptedDisplay d;
  SECTION("quit ends the run as the person's quit") {
    d.script = {{}, {}, {HostAction::Quit}};
    const SessionEnd e = run_session(m, &d, nullptr, SessionOptions{});
    CHECK(e.quit);
    CHECK(e.result.kind == Kind::Stopped);
    CHECK(d.presents >= 2);
    CHECK(m.cpu().instructions() > 0);
  }
  SECTION("paused, each step runs exactly one instruction") {
    d.script = {{HostAction::TogglePause}, {HostAction::Step}, {HostAction::Step}, {}, {HostAction::Quit}};
    const SessionEnd e = run_session(m, &d, nullptr, SessionOptions{});
    CHECK(e.quit);
    CHECK(m.cpu().instructions() == 2);
    CHECK(std::find(d.states.begin(), d.states.end(), "paused") != d.states.end());
  }
  SECTION("the instruction limit ends the run") {
    SessionOptions o;
    o.insn_limit = 5000;
    const SessionEnd e = run_session(m, &d, nullptr, o);
    CHECK_FALSE(e.quit);
    CHECK(e.result.kind == Kind::InsnLimit);
    CHECK(m.cpu().instructions() == 5000);
    CHECK(d.states.back() == "stopped");
  }
}

TEST_CASE("run_session: a halted CPU keeps the display open until quit", "[frontend][session]") {
  MachineConfig c = spinning();
  c.bios[0xFFF0] = 0xFA;  // cli
  c.bios[0xFFF1] = 0xF4;  // hlt
  Machine m(std::move(c));
  ScriptedDisplay d;
  d.script = {{}, {}, {}, {}, {HostAction::Quit}};
  const SessionEnd e = run_session(m, &d, nullptr, SessionOptions{});
  CHECK(e.quit);
  CHECK(std::find(d.states.begin(), d.states.end(), "halted") != d.states.end());
}

TEST_CASE("run_session: ACPI S5 ends the run with \"powered off\" in the status", "[frontend][session][acpi]") {
  // As SeaBIOS and Linux: PMBA B000h and PMIOSE in 00:01.3's configuration,
  // then SLP_TYP 0 | SLP_EN to PM1a_CNT (B004h).
  MachineConfig c = spinning();
  const u8 body[] = {
      0x66, 0xB8, 0x40, 0x0B, 0x00, 0x80, 0xBA, 0xF8, 0x0C, 0x66, 0xEF,  // CONFIG_ADDRESS 00:01.3 reg 40h
      0x66, 0xB8, 0x01, 0xB0, 0x00, 0x00, 0xBA, 0xFC, 0x0C, 0x66, 0xEF,  // PMBA = B001h
      0x66, 0xB8, 0x80, 0x0B, 0x00, 0x80, 0xBA, 0xF8, 0x0C, 0x66, 0xEF,  // reg 80h
      0xB0, 0x01, 0xBA, 0xFC, 0x0C, 0xEE,                                // PMREGMISC = 1
      0xB8, 0x00, 0x20, 0xBA, 0x04, 0xB0, 0xEF,                          // PM1a_CNT = 2000h
      0xEB, 0xFE,                                                        // jmp $ (not reached)
  };
  std::copy(std::begin(body), std::end(body), c.bios.begin());
  const u8 jmp[] = {0xEA, 0x00, 0x00, 0x00, 0xF0};  // jmp F000:0000
  std::copy(std::begin(jmp), std::end(jmp), c.bios.begin() + 0xFFF0);
  Machine m(std::move(c));
  ScriptedDisplay d;
  const SessionEnd e = run_session(m, &d, nullptr, SessionOptions{});
  CHECK_FALSE(e.quit);
  CHECK(e.result.kind == Kind::PowerOff);
  REQUIRE_FALSE(d.states.empty());
  CHECK(d.states.back() == std::string("powered off"));
  CHECK(m.cpu().instructions() == 16);
}

TEST_CASE("run_session: headless, a halted CPU ends the run as Halted", "[frontend][session]") {
  MachineConfig c = spinning();
  c.bios[0xFFF0] = 0xFA;  // cli
  c.bios[0xFFF1] = 0xF4;  // hlt
  Machine m(std::move(c));
  const SessionEnd e = run_session(m, nullptr, nullptr, SessionOptions{});
  CHECK_FALSE(e.quit);
  CHECK(e.result.kind == Kind::Halted);
  CHECK(m.cpu().instructions() == 2);
}

namespace {

/// A prompt nobody types at: every poll times out with nothing.
struct SilentPrompt final : CommandSource {
  int polls = 0;
  std::optional<std::string> next() override { return std::nullopt; }
  Poll poll(std::chrono::milliseconds, std::string&) override {
    ++polls;
    return Poll::None;
  }
};

}  // namespace

TEST_CASE("run_session: SIGTERM ends the run at a debugger prompt; SIGINT there is the prompt's", "[frontend][session]") {
  Machine m(spinning());
  std::FILE* out = std::tmpfile();
  Debugger dbg(m, out, Debugger::Options{});
  dbg.break_at_start();
  SilentPrompt prompt;
  std::atomic<bool> stop{false}, terminate{false};
  SessionOptions o;
  o.debugger = &dbg;
  o.commands = &prompt;
  o.stop = &stop;
  o.terminate = &terminate;
  // The display's polls stand in for the signals arriving while the prompt waits.
  struct Signalling final : Display {
    std::atomic<bool>& stop;
    std::atomic<bool>& terminate;
    int polls = 0;
    Signalling(std::atomic<bool>& s, std::atomic<bool>& t) : stop(s), terminate(t) {}
    void poll(Machine&, std::vector<HostAction>& actions) override {
      ++polls;
      if (polls == 3) stop = true;  // SIGINT: the prompt's; cleared, the wait goes on
      if (polls == 6) terminate = stop = true;  // SIGTERM
      if (polls >= 20) actions.push_back(HostAction::Quit);  // SIGTERM was not seen
    }
    void present(const Vga&, const DisplayStatus&) override {}
    void wait(std::chrono::milliseconds) override {}
  } sig(stop, terminate);
  const SessionEnd e = run_session(m, &sig, nullptr, o);
  CHECK(e.result.kind == Kind::Stopped);
  CHECK_FALSE(e.quit);  // a signal, not the person's quit
  CHECK(sig.polls == 6);
  CHECK(prompt.polls >= 4);
  CHECK(m.cpu().instructions() == 0);  // it never left the first stop
  std::fclose(out);
}
