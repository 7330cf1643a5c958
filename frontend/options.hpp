// Command-line options: the QEMU names and meanings Glassbox shares.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mmu/types.hpp"

namespace gb {

struct Options {
  std::string bios;                  ///< -bios FILE
  std::string cpu = "pentium-pro";   ///< -cpu MODEL
  std::string display = "none";      ///< -display none
  std::string debugcon = "none";     ///< -debugcon stdio|file:PATH|none
  std::string serial = "none";       ///< -serial stdio|file:PATH|none (COM1)
  std::optional<std::pair<u16, u16>> debug_exit;  ///< -device isa-debug-exit,iobase=,iosize=
  bool no_reboot = false;            ///< -no-reboot
  u32 ram_mib = 128;                 ///< -m MIB
  u64 insn_limit = 0;                ///< --insn-limit N (0 = none)
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
/// Parses a -m size: MiB by default, with an optional M or G suffix.
u32 parse_ram_size(const std::string& spec);

}  // namespace gb
