#include "frontend/options.hpp"

#include <charconv>
#include <cstdio>
#include <stdexcept>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cpu/model.hpp"
#include "frontend/gdbstub/gdbstub.hpp"
#include "frontend/hotkeys.hpp"
#include "frontend/sdl_display.hpp"

namespace gb {

namespace {

u64 parse_number(const std::string& s, const std::string& what) {
  u64 v = 0;
  int base = 10;
  std::string_view t = s;
  if (t.starts_with("0x") || t.starts_with("0X")) {
    base = 16;
    t.remove_prefix(2);
  }
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v, base);
  if (t.empty() || ec != std::errc{} || p != t.data() + t.size()) {
    throw std::invalid_argument(fmt::format("{}: '{}' is not a number", what, s));
  }
  return v;
}


std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}
}  // namespace

std::pair<u16, u16> parse_debug_exit(const std::string& spec) {
  const std::vector<std::string> parts = split(spec, ',');
  if (parts[0] != "isa-debug-exit") {
    throw std::invalid_argument(fmt::format("-device '{}': only isa-debug-exit is supported so far", parts[0]));
  }
  u64 base = 0x501, size = 2;  // QEMU's defaults
  for (size_t i = 1; i < parts.size(); ++i) {
    const size_t eq = parts[i].find('=');
    const std::string key = parts[i].substr(0, eq);
    if (eq == std::string::npos) throw std::invalid_argument(fmt::format("-device: '{}' needs a value", key));
    const u64 v = parse_number(parts[i].substr(eq + 1), "-device " + key);
    if (key == "iobase") {
      base = v;
    } else if (key == "iosize") {
      size = v;
    } else {
      throw std::invalid_argument(fmt::format("-device isa-debug-exit: unknown property '{}'", key));
    }
  }
  if (base > 0xFFFF || size == 0 || size > 0x10000 || base + size > 0x10000) {
    throw std::invalid_argument(fmt::format("-device isa-debug-exit: ports {:#x}+{:#x} out of range", base, size));
  }
  return {static_cast<u16>(base), static_cast<u16>(size)};
}

namespace {

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// well-known days_from_civil algorithm, restated).
i64 days_from_civil(i64 y, unsigned m, unsigned d) {
  y -= m <= 2;
  const i64 era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<i64>(doe) - 719468;
}
}  // namespace

void parse_rtc(const std::string& spec, Options& o) {
  for (const std::string& part : split(spec, ',')) {
    const size_t eq = part.find('=');
    const std::string key = part.substr(0, eq), val = eq == std::string::npos ? "" : part.substr(eq + 1);
    if (key == "base") {
      if (val == "utc") {
        o.rtc_base.reset();
        o.rtc_localtime = false;
      } else if (val == "localtime") {
        o.rtc_base.reset();
        o.rtc_localtime = true;
      } else {
        unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
        char tail = 0;
        const int n = std::sscanf(val.c_str(), "%4u-%2u-%2uT%2u:%2u:%2u%c", &y, &mo, &d, &h, &mi, &sec, &tail);
        if (!(n == 3 || n == 6) || y < 1970 || y > 2099 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) {
          throw std::invalid_argument(fmt::format("-rtc base={}: expected utc, localtime or YYYY-MM-DD[THH:MM:SS] (1970-2099)", val));
        }
        o.rtc_base = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
      }
    } else if (key == "clock") {
      if (val != "host" && val != "vm") throw std::invalid_argument(fmt::format("-rtc clock={}: expected host or vm", val));
      o.clock_host = val == "host";
    } else if (key == "driftfix" && (val == "none" || val == "slew")) {
      // QEMU's tick catch-up policy: nothing to catch up in virtual time.
    } else {
      throw std::invalid_argument(fmt::format("-rtc: unknown setting '{}'", part));
    }
  }
}

std::string parse_boot(const std::string& spec) {
  std::string order;
  for (const std::string& part : split(spec, ',')) {
    const size_t eq = part.find('=');
    if (eq == std::string::npos) {
      order = part;
    } else if (part.substr(0, eq) == "order" || part.substr(0, eq) == "once") {
      order = part.substr(eq + 1);
    } else if (part.substr(0, eq) != "menu" && part.substr(0, eq) != "splash-time" && part.substr(0, eq) != "strict") {
      throw std::invalid_argument(fmt::format("-boot: unknown setting '{}'", part));
    }
  }
  if (order.empty() || order.size() > 3 || order.find_first_not_of("acdn") != std::string::npos) {
    throw std::invalid_argument(fmt::format("-boot {}: the order is one to three of a (floppy), c (disk), d (CD-ROM), n", spec));
  }
  return order;
}

u32 parse_ram_size(const std::string& spec) {
  std::string s = spec;
  u64 mul = 1;
  if (!s.empty() && (s.back() == 'M' || s.back() == 'm')) {
    s.pop_back();
  } else if (!s.empty() && (s.back() == 'G' || s.back() == 'g')) {
    s.pop_back();
    mul = 1024;
  }
  const u64 n = parse_number(s, "-m");
  const u64 v = n > 3072 ? 3073 : n * mul;  // no overflow: out of range either way
  if (v < 1 || v > 3072) throw std::invalid_argument(fmt::format("-m {}: RAM size must be 1 MiB to 3 GiB", spec));
  return static_cast<u32>(v);
}

unsigned parse_smp(const std::string& spec) {
  // QEMU's -smp [cpus=]N[,maxcpus=N][,sockets=S,cores=C,threads=T]: the
  // topology Glassbox builds is N packages of one core and one thread each,
  // so a topology is accepted only where it says the same.
  std::optional<u64> cpus, sockets, maxcpus;
  for (const std::string& part : split(spec, ',')) {
    const auto eq = part.find('=');
    const std::string key = eq == std::string::npos ? "cpus" : part.substr(0, eq);
    const std::string val = eq == std::string::npos ? part : part.substr(eq + 1);
    const u64 n = parse_number(val, "-smp");
    if (key == "cpus") {
      cpus = n;
    } else if (key == "maxcpus") {
      maxcpus = n;
    } else if (key == "sockets") {
      sockets = n;
    } else if (key == "cores" || key == "threads" || key == "dies" || key == "clusters") {
      if (n != 1) {
        throw std::invalid_argument(fmt::format("-smp {}: Glassbox's processors have one core and one thread each (sockets=N only)", spec));
      }
    } else {
      throw std::invalid_argument(fmt::format("-smp: unknown setting '{}'", part));
    }
  }
  if (!cpus) cpus = sockets;
  if (!cpus || *cpus < 1 || *cpus > 16) throw std::invalid_argument(fmt::format("-smp {}: 1 to 16 processors", spec));
  if (sockets && *sockets != *cpus) throw std::invalid_argument(fmt::format("-smp {}: sockets must equal cpus (one core each)", spec));
  if (maxcpus && *maxcpus != *cpus) {
    throw std::invalid_argument(fmt::format("-smp {}: CPU hot-plug is not supported (maxcpus must equal cpus)", spec));
  }
  return static_cast<unsigned>(*cpus);
}

namespace {

constexpr const char* kDescription = "Glassbox: a pure-software x86 PC emulator";

/// CLI11's help, with the usage line first ("Usage: glassbox [OPTIONS]", as
/// QEMU and most tools begin) and the description after it.
class UsageFirst final : public CLI::Formatter {
 public:
  std::string make_description(const CLI::App*) const override { return ""; }
  std::string make_usage(const CLI::App* app, std::string name) const override {
    return CLI::Formatter::make_usage(app, std::move(name)) + "\n" + kDescription + "\n";
  }
};

/// -serial/-debugcon as QEMU spells them: null (QEMU's null chardev) is
/// none here (output discarded, no input), and mon:stdio is stdio, whose
/// Ctrl-A hot keys stand in for QEMU's multiplexed monitor.
std::string chardev(const std::string& spec) {
  if (spec == "null") return "none";
  if (spec == "mon:stdio") return "stdio";
  return spec;
}

/// -monitor, -parallel, -net, -nic: Glassbox has none of these devices, so
/// `none` (what QEMU users pass to turn them off) is accepted and does
/// nothing; anything else would silently lose what was asked for.
void only_none(const std::string& option, const std::string& value, const char* what) {
  if (!value.empty() && value != "none") {
    throw std::invalid_argument(fmt::format("{} {}: Glassbox has no {} (only {} none is accepted)", option, value, what, option));
  }
}

}  // namespace

ParseResult parse_options(int argc, const char* const* argv) {
  // QEMU spells long options with one dash; CLI11 wants two.
  std::vector<std::string> args;
  for (int i = argc - 1; i >= 1; --i) {
    std::string a = argv[i];
    if (a.size() > 2 && a[0] == '-' && a[1] != '-') a = "-" + a;
    args.push_back(std::move(a));
  }
  Options o;
  std::string device, mem = "128";
  CLI::App app{"", "glassbox"};
  app.formatter(std::make_shared<UsageFirst>());
  app.set_version_flag("--version", "glassbox 0.1.0");
  std::string rtc, boot, dlog, icount;
  app.add_option("--bios", o.bios, "BIOS ROM image (a multiple of 64 KiB)")->default_val(o.bios);
  app.add_option("--vga-bios", o.vga_bios, "VGA BIOS for the stdvga option ROM, or none")->default_val(o.vga_bios);
  app.add_option("--fda", o.fda, "floppy A image (raw: 360K to 2.88M)");
  app.add_option("--fdb", o.fdb, "floppy B image");
  app.add_option("--hda", o.hda, "hard disk image, primary IDE master (raw)");
  app.add_option("--hdb", o.hdb, "hard disk image, primary IDE slave (raw)");
  app.add_option("--cdrom", o.cdrom, "CD-ROM image, secondary IDE master (raw ISO 9660)");
  app.add_option("--kernel", o.kernel, "boot this Linux kernel (bzImage, boot protocol 2.02+) or Multiboot 1 kernel (ELF32 or a.out kludge) after the BIOS's POST");
  app.add_option("--initrd", o.initrd, "with -kernel: the initial RAM disk; for Multiboot, the modules \"file args,file2\" (,, for a comma)");
  app.add_option("--append", o.append, "with -kernel: the kernel command line");
  app.add_option("--boot", boot, "boot order: [order=]LETTERS, a floppy, c disk, d CD-ROM, n network")->default_val("cad");
  app.add_option("--icount", icount, "shift=N: 2^N ns of virtual time per instruction (default 10 ns)");
  app.add_flag("--snapshot", o.snapshot, "keep guest writes in memory; images stay unchanged");
  app.add_option("--rtc", rtc, "base=utc|localtime|YYYY-MM-DD[THH:MM:SS], clock=vm|host");
  app.add_option("-d", dlog, "log to stderr: firmware (port 0x402), post (port 0x80), comma-separated");
  std::string models;
  for (const auto& m : cpu_models()) models += (models.empty() ? "" : ", ") + std::string(m.name);
  app.add_option("--cpu", o.cpu, "CPU model (-cpu help lists them): " + models)->default_val(o.cpu);
  app.add_option("--display", o.display,
                 "display: sdl (a window), curses (the text screen in this terminal), none (headless), "
                 "or auto (sdl when a display is available, else none)")
      ->default_val("auto");
  app.add_option("--scale", o.scale,
                 "SDL window scaling: integer (whole multiples of the guest's pixels) or aspect (4:3 for VGA modes)")
      ->default_val("integer");
  app.add_option("--screenshot-prefix", o.screenshot_prefix,
                 "the screenshot hot key writes PREFIX0001.png, PREFIX0002.png, ...")
      ->default_val(o.screenshot_prefix);
  app.add_option("--debugcon", o.debugcon, "port 0xE9 output: stdio, file:PATH, or none (or null)")->default_val("none");
  app.add_option("--serial", o.serial, "COM1: stdio (also mon:stdio), file:PATH, or none (or null)")->default_val("none");
  bool nographic = false;
  app.add_flag("--nographic", nographic, "as QEMU: -display none and, unless -serial is given, -serial stdio");
  std::string monitor, parallel, net, nic;
  app.add_option("--monitor", monitor, "none only: Glassbox has no QEMU monitor (see --debugger)");
  app.add_option("--parallel", parallel, "none only: Glassbox has no parallel port");
  app.add_option("--net", net, "none only: Glassbox has no network card");
  app.add_option("--nic", nic, "none only: Glassbox has no network card");
  app.add_option("--device", device, "isa-debug-exit[,iobase=PORT][,iosize=N]");
  app.add_flag("--no-reboot", o.no_reboot, "stop with a state dump on triple fault instead of resetting");
  std::string device_timing;
  app.add_option("--device-timing", device_timing,
                 "IDE drives and UARTs: qemu (as QEMU's: data phases and THR writes accepted at once, COM "
                 "interrupts whatever MCR.OUT2) or datasheet (BSY before each DRQ block, transmission at the "
                 "baud rate, COM interrupts gated by OUT2 as on a PC board)")
      ->default_val("qemu");
  app.add_option("-m", mem, "RAM size in MiB (suffix M or G allowed)")->default_val("128");
  std::string smp;
  app.add_option("--smp", smp, "[cpus=]N: N processors (1-16), one core each, APIC IDs 0..N-1")->default_val("1");
  app.add_option("--smp-quantum", o.smp_quantum,
                 "with several processors: instructions each runs per turn (virtual time stands still within a "
                 "turn; default 1000, 10 us at the default rate)")
      ->default_val(o.smp_quantum)
      ->check(CLI::Range(u64{1}, u64{1'000'000'000}));
  app.add_option("--insn-limit", o.insn_limit, "stop after N guest instructions");
  app.add_flag("--debugger", o.debugger,
               "attach the debugger: its prompt (help lists the commands) before the first instruction; Ctrl-C breaks in");
  app.add_option("--debugger-commands", o.debugger_commands,
                 "run debugger commands from FILE (each echoed with its output); the run ends with the file");
  app.add_flag("--debugger-panels", o.debugger_panels,
               "open the debugger panels beside the screen (-display sdl), stopped before the first instruction; "
               "Ctrl+Alt+D shows/hides them");
  app.add_flag("--magic-break", o.magic_break, "with the debugger: stop at Bochs's magic breakpoint, xchg bx, bx");
  bool gdb_default = false;
  app.add_option("--gdb", o.gdb, "GDB remote stub on tcp::PORT (loopback) or tcp:HOST:PORT");
  app.add_flag("-s", gdb_default, "shorthand for -gdb tcp::1234");
  app.add_flag("-S", o.gdb_wait, "with the gdbstub: wait for gdb before the first instruction");
  app.add_option("--dump-text", o.dump_text, "write the VGA text screen to FILE when the run ends");
  app.add_option("--screenshot", o.screenshot, "write the display to FILE (PNG) when the run ends");
  // -config FILE: TOML (or INI) with the long option names as keys, e.g.
  // `m = "256"`, `hda = "disk.img"`, `snapshot = true`; the command line
  // overrides the file. Unknown keys are errors.
  app.set_config("--config", "", "read options from a TOML file: long option names as keys (m = 256, "
                 "hda = \"disk.img\", snapshot = true); the command line overrides it");
  app.allow_config_extras(CLI::config_extras_mode::error);
  app.footer(std::string("Hot keys in the SDL window:\n") + kSdlHotkeyHelp +
             "Hot keys with -display curses or -serial stdio (after QEMU's Ctrl-A):\n" + kTerminalHotkeyHelp +
             "Ctrl-C (SIGINT) stops the run; disk images are flushed on every way out.");
  try {
    app.parse(args);
    if (o.cpu == "help") {
      std::string list = "Available CPU models:\n";
      for (const auto& m : cpu_models()) list += fmt::format("  {:15} {}\n", m.name, m.description);
      return {std::nullopt, list, 0};
    }
    if (o.bios.empty()) throw std::invalid_argument("-bios needs a ROM image file");
    if (!rtc.empty()) parse_rtc(rtc, o);
    if (!icount.empty()) {
      const std::string v = icount.starts_with("shift=") ? icount.substr(6) : icount;
      const u64 n = parse_number(v, "-icount shift");
      if (n > 10) throw std::invalid_argument(fmt::format("-icount {}: shift must be 0 to 10", icount));
      o.icount_shift = static_cast<unsigned>(n);
    }
    o.boot = parse_boot(boot);
    if (auto t = parse_device_timing(device_timing)) {
      o.device_timing = *t;
    } else {
      throw std::invalid_argument(fmt::format("--device-timing {}: expected qemu or datasheet", device_timing));
    }
    if (!dlog.empty()) {
      for (const std::string& item : split(dlog, ',')) {
        if (item == "firmware") {
          o.log_firmware = true;
        } else if (item == "post") {
          o.log_post = true;
        } else {
          throw std::invalid_argument(fmt::format("-d {}: known log items are firmware and post", item));
        }
      }
    }
    if (!find_cpu_model(o.cpu)) throw std::invalid_argument(fmt::format("unknown CPU model '{}' (known: {})", o.cpu, models));
    if (o.display != "auto" && o.display != "sdl" && o.display != "curses" && o.display != "none") {
      throw std::invalid_argument(fmt::format("-display {}: expected sdl, curses, none or auto", o.display));
    }
    if (o.scale != "integer" && o.scale != "aspect") {
      throw std::invalid_argument(fmt::format("-scale {}: expected integer or aspect", o.scale));
    }
    only_none("-monitor", monitor, "QEMU monitor; its debugger is --debugger");
    only_none("-parallel", parallel, "parallel port");
    only_none("-net", net, "network card");
    only_none("-nic", nic, "network card");
    o.serial = chardev(o.serial);
    o.debugcon = chardev(o.debugcon);
    if (nographic) {
      if (app.count("--display") && o.display != "none") {
        throw std::invalid_argument(fmt::format("-nographic with -display {}: -nographic means no display", o.display));
      }
      o.display = "none";
      if (!app.count("--serial")) o.serial = "stdio";
    }
    if (o.display == "curses" && (o.serial == "stdio" || o.debugcon == "stdio")) {
      throw std::invalid_argument("-display curses draws on the terminal; -serial/-debugcon stdio cannot share it");
    }
    if (!device.empty()) o.debug_exit = parse_debug_exit(device);
    if (gdb_default && o.gdb.empty()) o.gdb = "tcp::1234";
    if (o.gdb_wait && o.gdb.empty()) o.gdb = "tcp::1234";  // QEMU's -S alone waits for a monitor; here, for gdb
    if (!o.gdb.empty()) GdbStub::parse_spec(o.gdb);
    o.ram_mib = parse_ram_size(mem);
    o.smp = parse_smp(smp);
  } catch (const CLI::CallForHelp&) {
    return {std::nullopt, app.help(), 0};
  } catch (const CLI::CallForVersion&) {
    return {std::nullopt, "glassbox 0.1.0\n", 0};
  } catch (const CLI::ConfigError& e) {
    std::string what = e.what();
    const std::string extra = "INI was not able to parse ";
    if (what.starts_with(extra)) what = fmt::format("unknown key '{}'", what.substr(extra.size()));
    return {std::nullopt, fmt::format("glassbox: -config: {}\n", what), 2};
  } catch (const CLI::FileError& e) {
    return {std::nullopt, fmt::format("glassbox: -config: {}\n", e.what()), 2};
  } catch (const CLI::ParseError& e) {
    return {std::nullopt, fmt::format("glassbox: {}\n", e.what()), 2};
  } catch (const std::invalid_argument& e) {
    return {std::nullopt, fmt::format("glassbox: {}\n", e.what()), 2};
  }
  return {o, "", 0};
}

}  // namespace gb
