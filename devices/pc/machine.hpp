// The machine: an i440FX/PIIX3 PC. Owns memory, the port map, the bus, the
// CPU and every device, and wires them together: what is at which port,
// physical address, IRQ and PCI slot is decided here and nowhere else.
#pragma once
#include <memory>
#include <optional>
#include <array>
#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "cpu/cpu.hpp"
#include "devices/debug_port.hpp"
#include "devices/cmos_rtc.hpp"
#include "devices/disk_image.hpp"
#include "devices/dma8237.hpp"
#include "devices/fdc82077.hpp"
#include "devices/fw_cfg.hpp"
#include "devices/hpet.hpp"
#include "devices/ide/ide_channel.hpp"
#include "devices/i8042.hpp"
#include "devices/pic8259.hpp"
#include "devices/pc/apic_fabric.hpp"
#include "devices/pc/ferr_irq13.hpp"
#include "devices/pc/hpet_irqs.hpp"
#include "devices/pc/interrupt_routing.hpp"
#include "devices/pc/linux_boot.hpp"
#include "devices/pc/multiboot.hpp"
#include "devices/pc/processor.hpp"
#include "devices/pci/i440fx.hpp"
#include "devices/pci/pci_host.hpp"
#include "devices/pci/piix3.hpp"
#include "devices/pci/piix4_pm.hpp"
#include "devices/pci/std_vga_pci.hpp"
#include "devices/pit8254.hpp"
#include "devices/port92.hpp"
#include "devices/scheduler.hpp"
#include "devices/uart16550.hpp"
#include "devices/sink.hpp"
#include "devices/vga/vga.hpp"
#include "devices/zeroed_bytes.hpp"

namespace gb {

struct MachineConfig {
  const CpuModel* cpu = &default_cpu_model();
  /// -smp: processors, 1 to kMaxCpus (more than one needs a model with a
  /// local APIC). Processor 0 is the BSP; the others wait for SIPI.
  unsigned cpus = 1;
  /// With several processors: instructions each runs per turn, a quantum of
  /// virtual time (ps_per_insn each) that all of them share; time stands
  /// still within it (Machine::run_for). Default 1000: 10 us at the default
  /// rate. At least 1.
  u64 quantum = 1000;
  u32 ram_mib = 128;
  /// BIOS image: a non-empty multiple of 64 KiB, at most 16 MiB.
  std::vector<u8> bios;
  std::unique_ptr<ByteSink> debugcon;  ///< port 0xE9; nullptr = discard
  std::unique_ptr<ByteSink> serial;    ///< COM1 output; nullptr = discard
  std::unique_ptr<ByteSink> firmware_log;  ///< port 0x402 (SeaBIOS log); nullptr = discard
  std::unique_ptr<ByteSink> post_log;  ///< port 0x80 codes, one line each; nullptr = not logged
  /// VGA BIOS for the stdvga's PCI expansion ROM (empty: no option ROM).
  std::vector<u8> vga_bios;
  std::array<std::unique_ptr<DiskImage>, 2> floppy;  ///< -fda, -fdb
  std::array<std::unique_ptr<DiskImage>, 2> hard_disk;  ///< -hda, -hdb (primary IDE master/slave)
  std::unique_ptr<DiskImage> cdrom;  ///< -cdrom (secondary IDE master); nullptr = no drive
  /// -boot order: drive letters a (floppy), c (hard disk), d (CD-ROM), up to
  /// three, stored in CMOS where SeaBIOS's QEMU build reads them.
  std::string boot_order = "cad";
  /// The RTC's time at virtual time 0, in Unix seconds (-rtc base=).
  i64 rtc_base = 0;
  /// isa-debug-exit port range, if the device is present.
  std::optional<std::pair<u16, u16>> debug_exit;  // iobase, iosize
  bool no_reboot = false;
  /// --device-timing: the IDE drives and UARTs as QEMU's (default) or as
  /// their datasheets (see devices/device_timing.hpp).
  DeviceTiming device_timing = DeviceTiming::Qemu;
  /// Virtual time per guest instruction: guest time follows a fixed
  /// instruction rate, so runs are deterministic (default 100 M/s).
  Picos ps_per_insn = 10'000;
  /// -rtc clock=host: virtual time follows the host's monotonic clock
  /// (HLT sleeps on the host) instead of the instruction count.
  bool clock_host = false;
  /// Polled between CPU slices: set (by a signal handler) to stop the run
  /// with RunResult::Kind::Stopped.
  const std::atomic<bool>* stop = nullptr;
  /// Interactive runs: a halted CPU waits on the host clock for its next
  /// device event instead of skipping ahead, so virtual time never runs
  /// ahead of host time while the guest idles (a person is typing), and a
  /// halted guest with interrupts enabled waits forever rather than ending
  /// the run as Halted.
  bool pace_idle = false;
  /// -kernel: a Linux kernel with its initrd and command line
  /// (prepare_linux_boot), or a Multiboot kernel with its modules
  /// (prepare_multiboot), at most one of the two; and the option ROM that
  /// boots it from fw_cfg after POST (roms/embedded.hpp).
  std::optional<LinuxBoot> linux_boot;
  std::optional<Multiboot> multiboot;
  std::vector<u8> boot_rom;
};

/// Throws std::invalid_argument (the reason, without the file name) if
/// `rom` cannot be the VGA option ROM: empty, over 128 KiB, no 55h AAh.
void check_vga_bios(const std::vector<u8>& rom);

/// Why Machine::run returned.
struct RunResult {
  /// Yielded: run_for()'s host-time budget is used up; call it again.
  /// Break: the CPU's observer (the debugger) stopped it before an instruction.
  enum class Kind { Exit, InsnLimit, Halted, Shutdown, PowerOff, Stopped, Yielded, Break } kind;
  int exit_status = 0;  ///< for Exit: the isa-debug-exit status
};

class Machine final : Scheduler::Listener, Scheduler::SliceClock, ApicBaseOwner, MemoryListener,
                      InterruptAcknowledge {
 public:
  /// The most processors -smp takes.
  static constexpr unsigned kMaxCpus = 16;

  /// Builds the machine. Throws std::invalid_argument with a one-line reason
  /// for a bad configuration (BIOS size, RAM size).
  explicit Machine(MachineConfig config);

  /// 2^62 ps, about 53 days of virtual time: the rest of the Picos range is
  /// headroom, so no device's "now + delay" overflows.
  static constexpr Picos kEndOfTime = Picos{1} << 62;

  /// Runs until the guest exits through isa-debug-exit, halts with nothing
  /// to wake it, triple-faults under -no-reboot, or `insn_limit` guest
  /// instructions have run (0 = no limit). Virtual time ends at kEndOfTime:
  /// a run reaching it ends as Halted.
  RunResult run(u64 insn_limit);
  /// run() for frontends that poll input and redraw between calls: returns
  /// Kind::Yielded (outputs not flushed) once about `host_budget` of host
  /// time has passed, checked between CPU slices (a slice is at most 2^20
  /// instructions). Every other result flushes outputs, as run() does.
  RunResult run_for(u64 insn_limit, std::chrono::nanoseconds host_budget);

  /// Drains what the machine holds (drain_outputs()) on the way out.
  ~Machine() override;

  /// Flushes every output sink and disk image (done on every way out of
  /// run() and run_for() except a yield). Changes nothing the guest sees.
  void flush_outputs();
  /// The run is over: what the devices still hold of the guest's output
  /// goes to the sinks at once (the UARTs' transmit FIFO and shift
  /// register; Uart16550::drain), then flush_outputs(). A frontend calls it
  /// when its run ends, whichever way; the destructor calls it too, so no
  /// way out (an exception included) loses a byte the guest wrote.
  void drain_outputs();

  /// System reset: the CPU and the chipset's memory map (PAM) return to
  /// their power-on state; RAM keeps its contents, as on a PC.
  void reset();

  /// The BSP (processor 0).
  Cpu& cpu() { return procs_.front()->cpu; }
  const Cpu& cpu() const { return procs_.front()->cpu; }
  /// Processor `i` (0 the BSP) of cpu_count(); its CPU and local APIC.
  Processor& processor(unsigned i) { return *procs_.at(i); }
  const Processor& processor(unsigned i) const { return *procs_.at(i); }
  unsigned cpu_count() const { return static_cast<unsigned>(procs_.size()); }
  /// Instructions executed by all processors together.
  u64 instructions() const;
  /// The processor whose local APIC answers at its MMIO address (and INTA):
  /// the one running, or, between runs, the last one run (the debugger may
  /// select another for its reads).
  unsigned current_cpu() const { return current_; }
  void set_current_cpu(unsigned i) { current_ = i < procs_.size() ? i : current_; }
  Scheduler& scheduler() { return sched_; }
  Bus& bus() { return bus_; }
  Vga& vga() { return vga_; }
  /// Host input: keys and mouse into the 8042, bytes into COM1's receiver.
  I8042& keyboard_controller() { return kbc_; }
  Uart16550& com1() { return com1_; }
  /// Side-effect-free views for tests and the debugger.
  const CmosRtc& rtc() const { return rtc_; }
  const PciHost& pci() const { return pci_; }
  const Vga& vga() const { return vga_; }
  /// A device's state for the debugger's `info NAME`, read without side
  /// effects: pic, pit, uart (COM1), vga, ide (both channels), fdc, dma,
  /// rtc, kbc, pm (or acpi: the PIIX4 power management function), apic,
  /// ioapic and hpet (P6 models); nullopt for other names.
  std::optional<std::string> device_dump(std::string_view name) const;
  /// One-line-per-register state dump (registers, flags, segments, CRs).
  std::string state_dump() const;

 private:
  /// A device armed an earlier deadline during the CPU's slice: stop the CPU
  /// after this instruction so the event fires on time. (With several
  /// processors time stands still within a round: nothing to stop.)
  void earliest_deadline_changed() override {
    if (procs_.size() == 1) bus_.request_stop();
  }
  /// Virtual time the CPU has consumed in the running slice.
  Picos elapsed_in_slice() const override {
    return in_slice_ ? static_cast<Picos>(procs_.front()->cpu.instructions() - slice_start_) * cfg_.ps_per_insn : 0;
  }
  // MemoryListener: the bus's news about memory goes to every CPU.
  void memory_changed() override;
  void code_written(PhysAddr addr) override;
  void code_frame_added(PhysAddr frame) override;
  /// INTA from the running processor: its local APIC, or the 8259 while the
  /// APIC is disabled.
  u8 acknowledge() override;
  /// One step of run_for() with several processors (see machine.cpp);
  /// nullopt to go on.
  std::optional<RunResult> run_round(u64 insn_limit, std::chrono::steady_clock::time_point host_end);
  /// After a processor's run: the isa-debug-exit, power-off and reset lines.
  /// Returns the result that ends the run, if any; `reset` tells of a reset.
  std::optional<RunResult> check_lines(bool& reset);
  /// Idle: every processor halted or waiting for SIPI. Skips virtual time to
  /// the next device event (or, pacing, waits for it on the host), or ends
  /// the run as Halted when nothing can wake any of them.
  std::optional<RunResult> idle(std::chrono::steady_clock::time_point host_end);

  /// The BIOS-defined CMOS bytes: memory sizes, floppy types, equipment,
  /// boot order (machine_cmos.cpp).
  void setup_cmos();
  /// WRMSR to IA32_APIC_BASE, and reset: the local APIC's registers at the
  /// new base, or, globally disabled, none, with the 8259 driving INTR as on
  /// a processor without an APIC (SDM Vol. 3A 10.4.3).
  void apic_base_written(Processor& p, u64 value) override;
  Processors make_processors();
  /// Lets device events of the next second of virtual time fire once the
  /// CPU halts for good, so output in flight reaches its sink.
  void settle_devices();
  /// Host monotonic time since the run's epoch, in ps (-rtc clock=host).
  Picos host_now() const;

  MachineConfig cfg_;
  /// The P6 models have the local APIC (CPUID.1:EDX.9), and the machine
  /// then an I/O APIC; earlier ones have the 8259 pair alone.
  const bool apic_ = cfg_.cpu->at_least(CpuFamily::p6);
  std::chrono::steady_clock::time_point host_epoch_;
  bool host_anchored_ = false;  // host_epoch_ set by an earlier run_for()
  bool in_slice_ = false;
  u64 idle_events_ = 0;  // timer events passed while halted; see run_for()
  u64 slice_start_ = 0;
  ZeroedBytes ram_;
  std::vector<u8> rom_;
  MemoryMap memory_;
  IoMap io_;
  Bus bus_{memory_, io_};
  DebugConsole debugcon_;
  DebugConsole firmware_log_;
  DebugExit debug_exit_;
  PostCodePort post_{cfg_.post_log.get()};
  BochsShutdownPort bochs_shutdown_{bus_};
  Port92 port92_{bus_};
  FwCfg fw_cfg_;
  Scheduler sched_;
  PicOutput pic_output_;
  DualPic pic_{pic_output_, 0};
  /// The local APIC's timer counts the processor bus clock: 66.67 MHz, the
  /// Pentium Pro's (ps per clock).
  static constexpr Picos kApicBusPeriod = 15'000;
  /// Built from cfg_ once bus_, sched_ and pic_ exist (make_processors()).
  Processors procs_{make_processors()};
  unsigned current_ = 0;  ///< see current_cpu()
  /// The shared TSC clock with several processors (Cpu::set_tsc_clock):
  /// virtual time in ticks of ps_per_insn, set at the start of each round.
  u64 tsc_cycles_ = 0;
  /// The round in progress (several processors): its length in
  /// instructions, the next processor to run, and each one's instruction
  /// count at its start. A debugger stop leaves it to be resumed.
  struct Round {
    bool active = false;
    u64 len = 0;
    unsigned next = 0;
    Picos start = 0;
    std::vector<u64> start_insns;
  } round_;
  ApicFabric fabric_{procs_};
  /// The local APIC's registers, at each enabled APIC's base: the running
  /// (current) processor's APIC answers.
  struct ApicWindow final : MmioHandler {
    Machine& m;
    explicit ApicWindow(Machine& owner) : m(owner) {}
    LocalApic& apic() const { return m.procs_[m.current_]->lapic; }
    u32 mmio_read(u64 offset, Width w) override { return apic().mmio_read(offset, w); }
    void mmio_write(u64 offset, u32 value, Width w) override { apic().mmio_write(offset, value, w); }
    std::optional<u32> mmio_peek(u64 offset, Width w) const override { return apic().mmio_peek(offset, w); }
  } apic_window_{*this};
  std::vector<PhysAddr> apic_pages_;  ///< where apic_window_ is mapped
  IoApic ioapic_{fabric_};
  IsaIrqs isa_irqs_{pic_};
  /// The PIT's IRQ0 and the RTC's IRQ8 pass the HPET's legacy replacement.
  HpetIrqs hpet_irqs_{isa_irqs_};
  Hpet hpet_{sched_, hpet_irqs_};
  Pit8254 pit_{sched_, IrqLine(hpet_irqs_, 0)};
  Port61 port61_{sched_, pit_};
  CmosRtc rtc_{sched_, IrqLine(hpet_irqs_, 8), cfg_.rtc_base};
  Uart16550 com1_{sched_, IrqLine(isa_irqs_, 4), cfg_.serial.get()};
  Uart16550 com2_{sched_, IrqLine(isa_irqs_, 3), nullptr};
  I8042 kbc_{bus_, IrqLine(isa_irqs_, 1), IrqLine(isa_irqs_, 12)};
  PciHost pci_{bus_};
  I440fx i440fx_;
  Piix3Isa piix3_isa_;
  Piix3Ide piix3_ide_;
  /// PIIX4 power management at 00:01.3: ACPI's SCI on ISA IRQ 9, S5 soft off.
  Piix4Pm piix4_pm_{bus_, sched_, IrqLine(isa_irqs_, 9)};
  Vga vga_{sched_};
  StdVgaPci vga_pci_;
  Dma8237Pair dma_{bus_};
  Fdc82077 fdc_{sched_, IrqLine(isa_irqs_, 6), dma_};
  IdeChannel ide_primary_{sched_, IrqLine(isa_irqs_, 14), 0x1F0, 0x3F6};
  IdeChannel ide_secondary_{sched_, IrqLine(isa_irqs_, 15), 0x170, 0x376};
  /// FERR# of the BSP (the PC's IRQ 13 convention is a uniprocessor one).
  FerrIrq13 ferr_{procs_.front()->cpu, IrqLine(isa_irqs_, 13)};
};

}  // namespace gb
