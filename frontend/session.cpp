#include "frontend/session.hpp"

#include <cstdio>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "frontend/screenshot.hpp"

namespace gb {

namespace {

using Clock = std::chrono::steady_clock;

/// Writes the next free PREFIXnnnn.png; a failure is reported, not fatal.
void numbered_screenshot(const Vga& vga, const std::string& prefix) {
  for (unsigned n = 1; n < 10000; ++n) {
    const std::string path = fmt::format("{}{:04}.png", prefix, n);
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) continue;
    try {
      Vga::Frame frame;
      vga.render(frame);
      write_png(path, frame);
      fmt::print(stderr, "glassbox: screenshot written to {}\n", path);
    } catch (const std::exception& e) {
      fmt::print(stderr, "glassbox: screenshot failed: {}\n", e.what());
    }
    return;
  }
}

}  // namespace

SessionEnd run_session(Machine& m, Display* display, SerialConsole* serial, const SessionOptions& opts) {
  // 60 redraws a second with a display; headless, the slice only bounds
  // how late input and the status line are.
  const std::chrono::milliseconds slice{display ? 16 : 50};
  DisplayStatus st;
  bool paused = false, halted = false;
  auto mips_at = Clock::now();
  u64 mips_insns = m.cpu().instructions();
  auto status_at = Clock::now();
  std::vector<HostAction> actions;
  auto end = [&](RunResult r, bool quit) {
    if (opts.status_line) std::fputs("\r\x1b[K", stderr);
    if (display) {
      st.state = "stopped";
      display->present(m.vga(), st);
    }
    return SessionEnd{r, quit};
  };
  // The debugger's prompt: commands until one resumes the CPU; true when
  // the person quits (or the commands run out).
  auto prompt = [&]() -> bool {
    if (display) {
      st.state = "paused";
      display->present(m.vga(), st);
    }
    const std::string why = opts.debugger->take_stop_message();
    if (!why.empty() && why != "step") std::printf("stopped: %s\n", why.c_str());
    opts.debugger->execute("where");
    for (;;) {
      const auto line = opts.commands->next();
      if (!line) return true;
      switch (opts.debugger->execute(*line)) {
        case Debugger::Next::Prompt: break;
        case Debugger::Next::Resume: return false;
        case Debugger::Next::Quit: return true;
      }
    }
  };
  for (;;) {
    if (opts.stop && opts.stop->load(std::memory_order_relaxed)) {
      // Ctrl-C breaks into a prompt; with none (a gdbstub alone) it stops.
      if (opts.debugger && opts.commands) {
        opts.stop->store(false, std::memory_order_relaxed);
        opts.debugger->request_break();
      } else {
        m.flush_outputs();
        return end({RunResult::Kind::Stopped}, false);
      }
    }
    if (opts.gdb) opts.gdb->poll();
    actions.clear();
    if (display) display->poll(m, actions);
    if (serial) serial->poll(m.com1(), actions);
    bool step = false;
    for (const HostAction a : actions) {
      switch (a) {
        case HostAction::Quit:
          m.flush_outputs();
          return end({RunResult::Kind::Stopped}, true);
        case HostAction::TogglePause:
          // Under the debugger the pause key breaks in: the prompt has the CPU.
          if (opts.debugger) {
            opts.debugger->request_break();
          } else {
            paused = !paused;
          }
          break;
        case HostAction::Step: step = paused; break;
        case HostAction::Screenshot: numbered_screenshot(m.vga(), opts.screenshot_prefix); break;
        case HostAction::Reset:
          m.reset();
          halted = false;
          break;
      }
    }
    if (step && !halted) {
      const u64 target = m.cpu().instructions() + 1;
      const RunResult r = m.run_for(opts.insn_limit ? std::min(target, opts.insn_limit) : target, slice);
      if (r.kind == RunResult::Kind::Halted) halted = true;
      else if (r.kind != RunResult::Kind::InsnLimit && r.kind != RunResult::Kind::Yielded) return end(r, false);
      else if (opts.insn_limit && m.cpu().instructions() >= opts.insn_limit) return end(r, false);
    }
    if (paused || halted) {
      st.state = halted ? "halted" : "paused";
      st.mips = 0;
      st.instructions = m.cpu().instructions();
      if (display) {
        display->present(m.vga(), st);
        display->wait(std::chrono::milliseconds(50));
      } else if (halted) {
        return end({RunResult::Kind::Halted}, false);
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      mips_at = Clock::now();
      mips_insns = m.cpu().instructions();
      continue;
    }
    const RunResult r = m.run_for(opts.insn_limit, slice);
    if (opts.debugger && (r.kind == RunResult::Kind::Break || r.kind == RunResult::Kind::Shutdown ||
                          (r.kind == RunResult::Kind::Stopped && opts.commands && opts.stop && opts.stop->load()))) {
      if (r.kind == RunResult::Kind::Shutdown) opts.debugger->note_shutdown();
      if (r.kind == RunResult::Kind::Stopped) {
        opts.stop->store(false);
        opts.debugger->request_break();
        continue;
      }
      // The stop goes to gdb while a client is connected (or with no prompt:
      // -S waits here for one to connect), otherwise to the prompt; the
      // debugger exists only with one of them.
      bool quit = false;
      if (opts.gdb && (opts.gdb->connected() || !opts.commands)) {
        opts.debugger->take_stop_message();
        if (!opts.gdb->connected() && !opts.gdb->wait_for_client(opts.stop)) {
          m.flush_outputs();
          return end({RunResult::Kind::Stopped}, false);
        }
        quit = opts.gdb->serve_stop() == GdbStub::Next::Quit;
      } else {
        quit = prompt();
      }
      if (quit) {
        m.flush_outputs();
        return end({RunResult::Kind::Stopped}, true);
      }
      if (r.kind == RunResult::Kind::Shutdown) {
        if (!opts.reset_on_triple_fault) return end(r, false);
        m.reset();
      }
      continue;
    }
    const auto now = Clock::now();
    if (now - mips_at >= std::chrono::seconds(1)) {
      const double us = std::chrono::duration<double, std::micro>(now - mips_at).count();
      st.mips = static_cast<double>(m.cpu().instructions() - mips_insns) / us;
      mips_at = now;
      mips_insns = m.cpu().instructions();
    }
    st.state = "running";
    st.instructions = m.cpu().instructions();
    if (r.kind == RunResult::Kind::Halted && display) {
      halted = true;  // IF clear, or nothing scheduled: only NMI or reset wakes it
      continue;
    }
    if (r.kind != RunResult::Kind::Yielded) return end(r, false);
    if (display) display->present(m.vga(), st);
    if (opts.status_line && now - status_at >= std::chrono::seconds(1)) {
      status_at = now;
      const double vs = static_cast<double>(m.scheduler().now()) / static_cast<double>(kPicosPerSecond);
      fmt::print(stderr, "\r\x1b[Kglassbox: {} instructions, {:.1f} MIPS, virtual time {:.3f} s", st.instructions, st.mips, vs);
      std::fflush(stderr);
    }
  }
}

}  // namespace gb
