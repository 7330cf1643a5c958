// glassbox: runs a machine from the command line.
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "devices/pc/machine.hpp"
#include "frontend/options.hpp"

using namespace gb;

namespace {

std::vector<u8> read_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw std::runtime_error(fmt::format("cannot read BIOS image '{}': it is a directory", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read BIOS image '{}': {}", path, std::strerror(errno)));
  std::vector<u8> data(std::istreambuf_iterator<char>(in), {});
  if (in.bad()) throw std::runtime_error(fmt::format("cannot read BIOS image '{}': read error", path));
  return data;
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
    cfg.bios = read_file(o.bios);
    cfg.debugcon = StreamSink::open(o.debugcon);
    cfg.serial = StreamSink::open(o.serial);
    cfg.rtc_base = static_cast<i64>(std::time(nullptr));  // the RTC starts at host time (UTC)
    cfg.debug_exit = o.debug_exit;
    cfg.no_reboot = o.no_reboot;
    Machine m(std::move(cfg));
    const RunResult r = m.run(o.insn_limit);
    const CpuState& s = m.cpu().state();
    switch (r.kind) {
      case RunResult::Kind::Exit:
        return r.exit_status;
      case RunResult::Kind::InsnLimit:
        fmt::print(stderr, "glassbox: stopped after {} instructions at {:04x}:{:08x}\n", m.cpu().instructions(),
                   s.seg[CS].selector, s.eip);
        return 0;
      case RunResult::Kind::Halted:
        fmt::print(stderr, "glassbox: CPU halted at {:04x}:{:08x} with no interrupt source, after {} instructions\n",
                   s.seg[CS].selector, s.eip, m.cpu().instructions());
        return 0;
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
