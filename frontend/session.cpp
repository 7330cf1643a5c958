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
  u64 mips_insns = m.instructions();
  auto status_at = Clock::now();
  std::vector<HostAction> actions;
  auto end = [&](RunResult r, bool quit) {
    if (opts.status_line) std::fputs("\r\x1b[K", stderr);
    if (display) {
      st.state = r.kind == RunResult::Kind::PowerOff ? "powered off" : "stopped";
      display->present(m.vga(), st);
    }
    return SessionEnd{r, quit};
  };
  DebugPanels* const panels = opts.panels;
  bool attached_for_panels = false;  // the panels attached a debugger that was detached
  bool signalled = false;  // a signal ended a debugger stop
  // SIGTERM/SIGHUP: the run ends wherever it is.
  const auto terminated = [&] { return opts.terminate && opts.terminate->load(std::memory_order_relaxed); };
  // Shows or hides the panels. Showing breaks in; hiding gives the CPU back
  // when nothing else (a prompt, a gdb client) wants the debugger.
  auto toggle_panels = [&]() {
    if (!panels) {
      fmt::print(stderr, "glassbox: no debugger panels with this display (they need -display sdl with Dear ImGui)\n");
      return;
    }
    panels->set_visible(!panels->visible());
    if (panels->visible()) {
      if (!opts.debugger->attached()) {
        opts.debugger->set_attached(true);
        attached_for_panels = true;
      }
      opts.debugger->request_break();
    } else if (attached_for_panels && !opts.commands && !(opts.gdb && opts.gdb->connected())) {
      opts.debugger->cancel_break();
      opts.debugger->set_attached(false);
      attached_for_panels = false;
    }
  };
  // The debugger has the CPU: commands from the prompt (or file) and the
  // panels' buttons until one resumes it; true when the person quits (or
  // the commands run out).
  auto debugger_stop = [&]() -> bool {
    const std::string why = opts.debugger->take_stop_message();
    if (panels) panels->on_stop(why);
    if (opts.commands) {
      if (!why.empty() && why != "step") std::printf("stopped: %s\n", why.c_str());
      opts.debugger->execute("where");
    }
    const auto run = [&](const std::string& line) -> std::optional<bool> {
      switch (opts.debugger->execute(line)) {
        case Debugger::Next::Prompt: return std::nullopt;
        case Debugger::Next::Resume: return false;
        case Debugger::Next::Quit: return true;
      }
      return std::nullopt;
    };
    st.state = "paused";
    if (!display) {
      for (;;) {
        if (terminated()) {
          signalled = true;
          return true;
        }
        // A prompt's read returns early on SIGTERM (no SA_RESTART).
        const auto line = opts.commands->next();
        if (terminated()) {
          signalled = true;
          return true;
        }
        if (!line) return true;
        if (const auto r = run(*line)) return *r;
      }
    }
    // With a window, it stays live: input, redraws, the panels' buttons.
    for (;;) {
      if (opts.stop && opts.stop->load(std::memory_order_relaxed)) {
        // Ctrl-C at a prompt is the prompt's (as in gdb); with the panels
        // alone, or SIGTERM, a signal ends the run.
        if (!opts.commands || terminated()) {
          signalled = true;
          return true;
        }
        opts.stop->store(false, std::memory_order_relaxed);
      }
      actions.clear();
      display->poll(m, actions);
      for (const HostAction a : actions) {
        switch (a) {
          case HostAction::Quit: return true;
          case HostAction::Screenshot: numbered_screenshot(m.vga(), opts.screenshot_prefix); break;
          case HostAction::Reset: m.reset(); break;
          case HostAction::Step:
            if (opts.commands) opts.commands->suspend();
            return run("step").value_or(false);
          case HostAction::TogglePause: break;  // already stopped
          case HostAction::TogglePanels:
            toggle_panels();
            // Hidden with no prompt to take the CPU: it runs on.
            if (!opts.commands && !(panels && panels->visible())) return run("continue").value_or(false);
            break;
        }
      }
      if (panels) {
        for (const std::string& c : panels->take_commands()) {
          if (c == "break") continue;  // already stopped
          if (opts.commands) opts.commands->suspend();
          std::printf("(gb) %s\n", c.c_str());  // the button's command, as if typed
          if (const auto r = run(c)) return *r;
        }
      }
      st.instructions = m.instructions();
      display->present(m.vga(), st);
      if (!opts.commands) {
        display->wait(std::chrono::milliseconds(16));
        continue;
      }
      std::string line;
      switch (opts.commands->poll(std::chrono::milliseconds(16), line)) {
        case CommandSource::Poll::None: break;
        case CommandSource::Poll::End: return true;
        case CommandSource::Poll::Line:
          if (const auto r = run(line)) return *r;
          break;
      }
    }
  };
  for (;;) {
    if (opts.stop && opts.stop->load(std::memory_order_relaxed)) {
      // Ctrl-C breaks into a prompt; with none (a gdbstub alone), or on
      // SIGTERM, it stops.
      if (opts.debugger && opts.commands && !terminated()) {
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
    if (panels) {
      for (const std::string& c : panels->take_commands()) {
        if (c == "break") opts.debugger->request_break();
      }
    }
    bool step = false;
    for (const HostAction a : actions) {
      switch (a) {
        case HostAction::Quit:
          m.flush_outputs();
          return end({RunResult::Kind::Stopped}, true);
        case HostAction::TogglePause:
          // Under the debugger the pause key breaks in: the prompt has the CPU.
          if (opts.debugger && opts.debugger->attached()) {
            opts.debugger->request_break();
          } else {
            paused = !paused;
          }
          break;
        case HostAction::TogglePanels: toggle_panels(); break;
        case HostAction::Step: step = paused; break;
        case HostAction::Screenshot: numbered_screenshot(m.vga(), opts.screenshot_prefix); break;
        case HostAction::Reset:
          m.reset();
          halted = false;
          break;
      }
    }
    if (step && !halted) {
      const u64 target = m.instructions() + 1;
      const RunResult r = m.run_for(opts.insn_limit ? std::min(target, opts.insn_limit) : target, slice);
      if (r.kind == RunResult::Kind::Halted) halted = true;
      else if (r.kind != RunResult::Kind::InsnLimit && r.kind != RunResult::Kind::Yielded) return end(r, false);
      else if (opts.insn_limit && m.instructions() >= opts.insn_limit) return end(r, false);
    }
    if (paused || halted) {
      st.state = halted ? "halted" : "paused";
      st.mips = 0;
      st.instructions = m.instructions();
      if (display) {
        display->present(m.vga(), st);
        display->wait(std::chrono::milliseconds(50));
      } else if (halted) {
        return end({RunResult::Kind::Halted}, false);
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      mips_at = Clock::now();
      mips_insns = m.instructions();
      continue;
    }
    const RunResult r = m.run_for(opts.insn_limit, slice);
    if (opts.debugger && (r.kind == RunResult::Kind::Break || r.kind == RunResult::Kind::Shutdown ||
                          (r.kind == RunResult::Kind::Stopped && opts.commands && !terminated() && opts.stop &&
                           opts.stop->load()))) {
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
      if (opts.gdb && (opts.gdb->connected() || (!opts.commands && !(panels && panels->visible())))) {
        if (panels) panels->on_stop(opts.debugger->take_stop_message());
        opts.debugger->take_stop_message();
        if (!opts.gdb->connected() && !opts.gdb->wait_for_client(opts.stop)) {
          m.flush_outputs();
          return end({RunResult::Kind::Stopped}, false);
        }
        // With a prompt, Ctrl-C is the prompt's; SIGTERM ends the run.
        quit = opts.gdb->serve_stop(opts.commands ? opts.terminate : opts.stop) == GdbStub::Next::Quit;
        if (quit && opts.stop && opts.stop->load() && (!opts.commands || terminated())) signalled = true;
      } else {
        quit = debugger_stop();
        if (opts.commands) opts.commands->suspend();
      }
      if (panels) panels->on_resume();
      if (quit) {
        m.flush_outputs();
        return end({RunResult::Kind::Stopped}, !signalled);
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
      st.mips = static_cast<double>(m.instructions() - mips_insns) / us;
      mips_at = now;
      mips_insns = m.instructions();
    }
    st.state = "running";
    st.instructions = m.instructions();
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
