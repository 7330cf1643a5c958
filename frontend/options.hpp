// Command-line options: the QEMU names and meanings Glassbox shares.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cpu/model.hpp"
#include "devices/device_timing.hpp"
#include "mmu/types.hpp"

namespace gb {

struct Options {
  /// -bios FILE: SeaBIOS from Debian's seabios package by default.
  std::string bios = "/usr/share/seabios/bios-256k.bin";
  /// --vga-bios FILE|none: the stdvga's PCI option ROM.
  std::string vga_bios = "/usr/share/seabios/vgabios-stdvga.bin";
  std::string fda, fdb, hda, hdb, cdrom;  ///< drive images (empty: no medium/drive)
  std::string kernel, initrd, append;     ///< -kernel bzImage or Multiboot kernel, -initrd FILE or module list, -append CMDLINE
  std::string boot = "cad";          ///< -boot [order=]LETTERS
  bool snapshot = false;             ///< -snapshot: guest writes never reach images
  /// -rtc base=utc|localtime|YYYY-MM-DD[THH:MM:SS]: the RTC's start (Unix
  /// seconds; nullopt = host time now, in UTC).
  std::optional<i64> rtc_base;
  bool rtc_localtime = false;
  bool clock_host = false;           ///< -rtc clock=host: guest time follows host time
  /// -icount shift=N: each instruction takes 2^N ns of virtual time
  /// (default: 10 ns, 100 M instructions per second).
  std::optional<unsigned> icount_shift;
  bool log_firmware = false;         ///< -d firmware: port 0x402 to stderr
  bool log_post = false;             ///< -d post: port 0x80 codes to stderr
  /// --dump-text FILE: the VGA text screen, written when the run ends.
  std::string dump_text;
  /// --screenshot FILE.png: the rendered display, written when the run ends.
  std::string screenshot;
  std::string cpu{kDefaultCpuModel};  ///< -cpu MODEL
  /// -display auto|sdl|curses|none. auto: sdl when a display is available
  /// (DISPLAY or WAYLAND_DISPLAY set and SDL opens a window), else none.
  std::string display = "auto";
  std::string scale = "integer";     ///< -scale integer|aspect (the SDL window)
  /// The screenshot hot key writes PREFIX0001.png, PREFIX0002.png, ...
  std::string screenshot_prefix = "glassbox-";
  std::string debugcon = "none";     ///< -debugcon stdio|file:PATH|none
  std::string serial = "none";       ///< -serial stdio|file:PATH|none (COM1)
  std::optional<std::pair<u16, u16>> debug_exit;  ///< -device isa-debug-exit,iobase=,iosize=
  bool no_reboot = false;            ///< -no-reboot
  DeviceTiming device_timing = DeviceTiming::Qemu;  ///< --device-timing qemu|datasheet
  u32 ram_mib = 128;                 ///< -m MIB
  unsigned smp = 1;                  ///< -smp [cpus=]N: processors (1-16)
  u64 smp_quantum = 1000;            ///< --smp-quantum N: instructions per processor per turn
  u64 insn_limit = 0;                ///< --insn-limit N (0 = none)
  bool debugger = false;             ///< --debugger: the prompt, stopped at the first instruction
  std::string debugger_commands;     ///< --debugger-commands FILE: batch mode
  bool debugger_panels = false;      ///< --debugger-panels: the SDL panels open, stopped at the first instruction
  bool magic_break = false;          ///< --magic-break: stop at xchg bx, bx (Bochs's magic breakpoint)
  std::string gdb;                   ///< -gdb tcp::PORT | tcp:HOST:PORT; -s = tcp::1234
  bool gdb_wait = false;             ///< -S: do not start the CPU until gdb says so
};

/// Result of parsing: options, or a message to print and an exit status
/// (0 for --help/--version, 2 for a usage error).
struct ParseResult {
  std::optional<Options> options;
  std::string message;
  int status = 0;
};

/// Parses argv. Single-dash long options (-bios) are accepted as QEMU does,
/// as well as the double-dash form (--bios).
ParseResult parse_options(int argc, const char* const* argv);

/// Parses a -device argument; throws std::invalid_argument with a reason.
std::pair<u16, u16> parse_debug_exit(const std::string& spec);
/// Parses -rtc's value into `o`; throws std::invalid_argument with a reason.
void parse_rtc(const std::string& spec, Options& o);
/// Parses -boot's value ("dc", "order=dc,menu=on"): the boot order letters.
std::string parse_boot(const std::string& spec);
/// Parses a -m size: MiB by default, with an optional M or G suffix.
u32 parse_ram_size(const std::string& spec);
/// Parses -smp's value (QEMU's syntax: "4", "cpus=4", "4,sockets=4"): the
/// processor count, 1 to 16; throws std::invalid_argument with a reason.
unsigned parse_smp(const std::string& spec);

}  // namespace gb
