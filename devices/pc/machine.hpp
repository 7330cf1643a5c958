// The machine: owns memory, the port map, the bus, the CPU and every device,
// and wires them together. Until the PC platform exists (issue 7) it is a
// CPU with RAM, a BIOS ROM and the debug ports.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cpu/cpu.hpp"
#include "devices/debug_port.hpp"
#include "devices/cmos_rtc.hpp"
#include "devices/i8042.hpp"
#include "devices/pic8259.hpp"
#include "devices/pit8254.hpp"
#include "devices/port92.hpp"
#include "devices/scheduler.hpp"
#include "devices/uart16550.hpp"
#include "devices/sink.hpp"

namespace gb {

struct MachineConfig {
  const CpuModel* cpu = &default_cpu_model();
  u32 ram_mib = 128;
  /// BIOS image: a non-empty multiple of 64 KiB, at most 16 MiB.
  std::vector<u8> bios;
  std::unique_ptr<ByteSink> debugcon;  ///< port 0xE9; nullptr = discard
  std::unique_ptr<ByteSink> serial;    ///< COM1 output; nullptr = discard
  /// The RTC's time at virtual time 0, in Unix seconds (-rtc base=).
  i64 rtc_base = 0;
  /// isa-debug-exit port range, if the device is present.
  std::optional<std::pair<u16, u16>> debug_exit;  // iobase, iosize
  bool no_reboot = false;
  /// Virtual time per guest instruction: guest time follows a fixed
  /// instruction rate, so runs are deterministic (default 100 M/s).
  Picos ps_per_insn = 10'000;
};

/// Why Machine::run returned.
struct RunResult {
  enum class Kind { Exit, InsnLimit, Halted, Shutdown } kind;
  int exit_status = 0;  ///< for Exit: the isa-debug-exit status
};

class Machine final : Scheduler::Listener {
 public:
  /// Builds the machine. Throws std::invalid_argument with a one-line reason
  /// for a bad configuration (BIOS size, RAM size).
  explicit Machine(MachineConfig config);

  /// Runs until the guest exits through isa-debug-exit, halts with nothing
  /// to wake it, triple-faults under -no-reboot, or `insn_limit` guest
  /// instructions have run (0 = no limit).
  RunResult run(u64 insn_limit);

  /// Power-on reset of the CPU (RAM keeps its contents, as on a PC).
  void reset() { cpu_.reset(); }

  Cpu& cpu() { return cpu_; }
  Scheduler& scheduler() { return sched_; }
  Bus& bus() { return bus_; }
  /// One-line-per-register state dump (registers, flags, segments, CRs).
  std::string state_dump() const;

 private:
  /// A device armed an earlier deadline during the CPU's slice: stop the CPU
  /// after this instruction so the event fires on time.
  void earliest_deadline_changed() override { bus_.request_stop(); }

  /// The PIC's INT output drives the CPU's INTR pin.
  struct CpuIntr final : IrqSink {
    Cpu& cpu;
    explicit CpuIntr(Cpu& c) : cpu(c) {}
    void set_irq(unsigned, bool level) override { cpu.set_intr(level); }
  };

  MachineConfig cfg_;
  std::vector<u8> ram_;
  std::vector<u8> rom_;
  MemoryMap memory_;
  IoMap io_;
  Bus bus_{memory_, io_};
  Cpu cpu_;
  DebugConsole debugcon_;
  DebugConsole firmware_log_;
  DebugExit debug_exit_;
  Port92 port92_{bus_};
  Scheduler sched_;
  CpuIntr cpu_intr_{cpu_};
  DualPic pic_{cpu_intr_, 0};
  Pit8254 pit_{sched_, IrqLine(pic_, 0)};
  Port61 port61_{sched_, pit_};
  CmosRtc rtc_{sched_, IrqLine(pic_, 8), cfg_.rtc_base};
  Uart16550 com1_{sched_, IrqLine(pic_, 4), cfg_.serial.get()};
  I8042 kbc_{bus_, IrqLine(pic_, 1), IrqLine(pic_, 12)};
};

}  // namespace gb
