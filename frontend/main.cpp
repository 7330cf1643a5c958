// glassbox: runs a machine from the command line.
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <atomic>
#include <csignal>
#include <signal.h>

#include <fmt/format.h>

#include "devices/pc/machine.hpp"
#include "frontend/options.hpp"
#include "frontend/curses_display.hpp"
#include "frontend/debugger/commands.hpp"
#include "frontend/debugger/debugger.hpp"
#include "frontend/gdbstub/gdbstub.hpp"
#include "frontend/screenshot.hpp"
#include "frontend/sdl_display.hpp"
#include "frontend/session.hpp"
#include "roms/embedded.hpp"
#include <unistd.h>

using namespace gb;

namespace {

std::vector<u8> read_file(const std::string& path, const char* what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw std::runtime_error(fmt::format("cannot read {} '{}': it is a directory", what, path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read {} '{}': {}", what, path, std::strerror(errno)));
  std::vector<u8> data(std::istreambuf_iterator<char>(in), {});
  if (in.bad()) throw std::runtime_error(fmt::format("cannot read {} '{}': read error", what, path));
  return data;
}

/// -kernel: a Linux kernel or a Multiboot one, told apart as QEMU does
/// (hw/i386/x86.c, x86_load_linux): the Linux setup header "HdrS" first
/// (a bzImage may carry a Multiboot header too; it boots as Linux), then
/// a Multiboot header. An ELF64 file is refused before the Multiboot
/// header is looked at: QEMU refuses an ELF64 Multiboot image only without
/// the a.out kludge, but such a kernel goes to long mode, which Glassbox
/// lacks. Errors name the file.
void load_kernel(const Options& o, MachineConfig& cfg) {
  const std::vector<u8> kernel = read_file(o.kernel, "kernel");
  const u64 ram = u64{o.ram_mib} << 20;
  try {
    if (has_linux_setup_header(kernel)) {
      std::vector<u8> initrd = o.initrd.empty() ? std::vector<u8>{} : read_file(o.initrd, "initrd");
      cfg.linux_boot = prepare_linux_boot(kernel, std::move(initrd), o.append, ram);
      const auto rom = linux_boot_rom();
      cfg.boot_rom.assign(rom.begin(), rom.end());
      return;
    }
    if (is_elf64(kernel)) throw std::invalid_argument("a 64-bit ELF (ELFCLASS64); long mode is not implemented");
    const auto header = find_multiboot_header(kernel);
    if (!header) {
      throw std::invalid_argument("not a Linux kernel (no HdrS setup header) nor a Multiboot image (no Multiboot header in the first 8 KiB)");
    }
    // -initrd lists the modules, each its file name and arguments (QEMU's syntax).
    std::vector<MultibootModule> modules;
    for (std::string& text : split_module_list(o.initrd)) {
      const std::string file = module_file_name(text);
      if (file.empty()) throw std::runtime_error(fmt::format("-initrd '{}': a module with no file name", o.initrd));
      modules.push_back({std::move(text), read_file(file, "Multiboot module")});
    }
    cfg.multiboot = prepare_multiboot(kernel, *header, o.kernel, o.append, modules, ram);
    const auto rom = multiboot_rom();
    cfg.boot_rom.assign(rom.begin(), rom.end());
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(fmt::format("-kernel {}: {}", o.kernel, e.what()));
  }
}

std::unique_ptr<DiskImage> open_image(const std::string& path, bool snapshot, bool cd) {
  if (path.empty()) return nullptr;
  const auto mode = cd ? DiskImage::Mode::ReadOnly : snapshot ? DiskImage::Mode::Snapshot : DiskImage::Mode::ReadWrite;
  return DiskImage::open(path, mode, cd ? 2048 : 512);
}

/// The flags the signal handlers set (lock-free atomics, all a handler may
/// touch): SIGINT asks the run to stop (at a debugger prompt: to break in,
/// as in gdb); SIGTERM and SIGHUP end it wherever it is, prompt included.
/// Either way images are flushed and the guest's output drained on the way
/// out. The run polls them between CPU slices and in every wait.
std::atomic<bool> stop_requested{false};
std::atomic<bool> terminate_requested{false};
extern "C" void on_interrupt_signal(int) { stop_requested.store(true, std::memory_order_relaxed); }
extern "C" void on_terminate_signal(int) {
  terminate_requested.store(true, std::memory_order_relaxed);
  stop_requested.store(true, std::memory_order_relaxed);
}

/// SIGINT restarts an interrupted read (a prompt keeps its line); SIGTERM
/// and SIGHUP do not, so a blocking wait returns at once to see the flag.
void install_signal_handlers() {
  struct sigaction sa {};
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = on_interrupt_signal;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sa.sa_handler = on_terminate_signal;
  sa.sa_flags = 0;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
}

bool env_set(const char* name) {
  const char* v = std::getenv(name);
  return v && *v;
}

/// Opens the display -display asks for. sdl falls back to curses (on a
/// terminal) or none with a one-line notice; auto quietly means sdl when a
/// display is available and none otherwise. nullptr = headless.
std::unique_ptr<Display> open_display(const Options& o) {
  std::string why;
  if (o.display == "none" || (o.display == "auto" && !env_set("DISPLAY") && !env_set("WAYLAND_DISPLAY"))) return nullptr;
  const Scaling scaling = o.scale == "aspect" ? Scaling::Aspect : Scaling::Integer;
  if (o.display == "sdl" || o.display == "auto") {
    if (auto d = make_sdl_display(scaling, why)) return d;
    if (o.display == "auto") return nullptr;
    const bool terminal = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) && o.serial != "stdio" && o.debugcon != "stdio";
    fmt::print(stderr, "glassbox: -display sdl: no display available ({}); using {}\n", why, terminal ? "curses" : "none");
    if (!terminal) return nullptr;
    std::string why_curses;
    if (auto d = make_curses_display(why_curses)) return d;
    fmt::print(stderr, "glassbox: -display curses: {}; running headless\n", why_curses);
    return nullptr;
  }
  if (auto d = make_curses_display(why)) return d;
  throw std::runtime_error(fmt::format("-display curses: {}", why));
}

}  // namespace

int main(int argc, char** argv) {
  const ParseResult parsed = parse_options(argc, argv);
  if (!parsed.options) {
    std::fputs(parsed.message.c_str(), parsed.status ? stderr : stdout);
    return parsed.status;
  }
  const Options& o = *parsed.options;
  try {
    MachineConfig cfg;
    cfg.cpu = find_cpu_model(o.cpu);
    cfg.ram_mib = o.ram_mib;
    cfg.cpus = o.smp;
    cfg.quantum = o.smp_quantum;
    cfg.bios = read_file(o.bios, "BIOS image");
    if (o.vga_bios != "none") {
      cfg.vga_bios = read_file(o.vga_bios, "VGA BIOS image");
      if (cfg.vga_bios.empty()) throw std::runtime_error(fmt::format("VGA BIOS image '{}' is empty", o.vga_bios));
      try {
        check_vga_bios(cfg.vga_bios);
      } catch (const std::invalid_argument& e) {
        throw std::runtime_error(fmt::format("VGA BIOS image '{}': {}", o.vga_bios, e.what()));
      }
    }
    if (o.kernel.empty() && (!o.initrd.empty() || !o.append.empty())) {
      throw std::runtime_error(!o.initrd.empty() ? "-initrd needs -kernel" : "-append needs -kernel");
    }
    if (!o.kernel.empty()) {
      // The boot ROM runs 32-bit instructions in big real mode; Linux needs a 386 anyway.
      if (!cfg.cpu->at_least(CpuFamily::i386)) throw std::runtime_error(fmt::format("-kernel needs a 386 or later (-cpu {})", o.cpu));
      load_kernel(o, cfg);
    }
    cfg.debugcon = StreamSink::open(o.debugcon);
    cfg.serial = StreamSink::open(o.serial);
    if (o.log_firmware) cfg.firmware_log = std::make_unique<StreamSink>(stderr, false);
    if (o.log_post) cfg.post_log = std::make_unique<StreamSink>(stderr, false);
    cfg.floppy[0] = open_image(o.fda, o.snapshot, false);
    cfg.floppy[1] = open_image(o.fdb, o.snapshot, false);
    cfg.hard_disk[0] = open_image(o.hda, o.snapshot, false);
    cfg.hard_disk[1] = open_image(o.hdb, o.snapshot, false);
    cfg.cdrom = open_image(o.cdrom, o.snapshot, true);
    cfg.boot_order = o.boot;
    cfg.clock_host = o.clock_host;
    cfg.device_timing = o.device_timing;
    if (o.icount_shift) cfg.ps_per_insn = Picos{1000} << *o.icount_shift;
    cfg.stop = &stop_requested;
    if (o.rtc_base) {
      cfg.rtc_base = *o.rtc_base;
    } else {
      // The RTC starts at host time: UTC, or the host's local time.
      const std::time_t now = std::time(nullptr);
      cfg.rtc_base = static_cast<i64>(now);
      if (o.rtc_localtime) {
        std::tm local{};
        localtime_r(&now, &local);
        cfg.rtc_base += local.tm_gmtoff;
      }
    }
    cfg.debug_exit = o.debug_exit;
    const bool debugging = o.debugger || !o.debugger_commands.empty() || !o.gdb.empty() || o.debugger_panels;
    // Under the debugger a triple fault stops at the prompt; the session
    // then resets unless -no-reboot.
    cfg.no_reboot = o.no_reboot || debugging;
    std::unique_ptr<Display> display = open_display(o);
    // -serial stdio: stdin types into COM1 (a terminal goes raw for it).
    std::unique_ptr<SerialConsole> serial;
    if (o.serial == "stdio") serial = std::make_unique<SerialConsole>();
    // A person at a window or terminal: idle virtual time follows the host.
    cfg.pace_idle = display || (serial && serial->is_terminal());
    Machine m(std::move(cfg));
    install_signal_handlers();
    std::unique_ptr<Debugger> debugger;
    std::unique_ptr<CommandSource> commands;
    std::unique_ptr<GdbStub> gdb;
    std::unique_ptr<DebugPanels> panels;
    if (debugging || display) {
      if (!o.debugger_commands.empty()) {
        commands = make_batch(o.debugger_commands, stdout);
      } else if (o.debugger) {
        commands = make_prompt();
      }
      debugger = std::make_unique<Debugger>(m, stdout, Debugger::Options{o.magic_break});
      // A window can show the debugger panels (Ctrl+Alt+D): the debugger
      // exists for them but stays detached, at no cost, until they open.
      if (display) {
        panels = std::make_unique<DebugPanels>(m, *debugger);
        if (!display->set_panels(panels.get())) panels.reset();
      }
      if (o.debugger_panels) {
        if (!panels) throw std::runtime_error("--debugger-panels: this display has none (they need -display sdl with Dear ImGui)");
        panels->set_visible(true);
      }
      if (!debugging) {
        if (!panels) debugger.reset();
        else debugger->set_attached(false);
      }
      if (commands || o.gdb_wait || o.debugger_panels) debugger->break_at_start();
      if (!o.gdb.empty()) {
        const auto [host, port] = GdbStub::parse_spec(o.gdb);
        // With no prompt and no -S, the hooks wait for a gdb client.
        gdb = std::make_unique<GdbStub>(m, *debugger, host, port, !commands && !o.gdb_wait);
      }
    }
    SessionOptions so;
    so.debugger = debugger.get();
    so.commands = commands.get();
    so.gdb = gdb.get();
    so.panels = panels.get();
    so.reset_on_triple_fault = !o.no_reboot;
    so.insn_limit = o.insn_limit;
    so.screenshot_prefix = o.screenshot_prefix;
    so.stop = &stop_requested;
    so.terminate = &terminate_requested;
    // The status line would garble a guest console on the same terminal.
    so.status_line = !display && isatty(STDERR_FILENO) && o.serial != "stdio" && o.debugcon != "stdio";
    const SessionEnd end = run_session(m, display.get(), serial.get(), so);
    // The one place every way out of the run passes (a signal, the exit
    // port, a limit, quit, a halt): nothing the guest wrote stays behind.
    m.drain_outputs();
    display.reset();  // give the terminal back before printing
    serial.reset();
    const RunResult r = end.result;
    if (!o.dump_text.empty()) {
      std::ofstream text(o.dump_text, std::ios::binary | std::ios::trunc);
      text << m.vga().text_screen();
      if (!text) throw std::runtime_error(fmt::format("cannot write the text screen to '{}': {}", o.dump_text, std::strerror(errno)));
    }
    if (!o.screenshot.empty()) {
      Vga::Frame frame;
      m.vga().render(frame);
      write_png(o.screenshot, frame);
    }
    const CpuState& s = m.cpu().state();
    switch (r.kind) {
      case RunResult::Kind::Exit:
        return r.exit_status;
      case RunResult::Kind::InsnLimit:
        fmt::print(stderr, "glassbox: stopped after {} instructions at {:04x}:{:08x}\n", m.instructions(),
                   s.seg[CS].selector, s.rip);
        return 0;
      case RunResult::Kind::Halted:
        if (m.scheduler().now() >= Machine::kEndOfTime) {  // an idle guest's timers ran out of picoseconds
          fmt::print(stderr, "glassbox: virtual time reached its end (2^62 ps, about 53 days) after {} instructions\n",
                     m.instructions());
          return 0;
        }
        fmt::print(stderr, "glassbox: CPU halted at {:04x}:{:08x} with no interrupt source, after {} instructions\n",
                   s.seg[CS].selector, s.rip, m.instructions());
        return 0;
      case RunResult::Kind::PowerOff:
        fmt::print(stderr, "glassbox: powered off by the guest after {} instructions\n", m.instructions());
        return 0;
      case RunResult::Kind::Stopped:
        if (end.quit) {
          fmt::print(stderr, "glassbox: quit after {} instructions; images flushed\n", m.instructions());
          return 0;
        }
        fmt::print(stderr, "glassbox: stopped by a signal after {} instructions; images flushed\n", m.instructions());
        return 130;
      case RunResult::Kind::Yielded:
      case RunResult::Kind::Break:
        break;  // run_session never ends on these
      case RunResult::Kind::Shutdown:
        fmt::print(stderr, "glassbox: triple fault (vector {} during double-fault delivery), CPU state:\n{}",
                   m.cpu().last_fault().vector, m.state_dump());
        return 0;
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "glassbox: {}\n", e.what());
    return 1;
  }
  return 0;
}
