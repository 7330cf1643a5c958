#include "devices/pc/machine.hpp"

#include <algorithm>
#include <chrono>
#include <thread>
#include <stdexcept>

#include <fmt/format.h>

namespace gb {

namespace {
constexpr u32 k64K = 64 * 1024;
}  // namespace

void check_vga_bios(const std::vector<u8>& rom) {
  // The VGA BIOS runs from the option-ROM area C0000h-DFFFFh once firmware
  // copies it there from the ROM BAR: at most 128 KiB, starting 55h AAh.
  if (rom.size() > 128 * 1024) {
    throw std::invalid_argument(fmt::format("{} bytes; an option ROM is at most 128 KiB", rom.size()));
  }
  if (rom.size() < 3 || rom[0] != 0x55 || rom[1] != 0xAA) {
    throw std::invalid_argument("it does not start with the option ROM signature 55h AAh");
  }
}

namespace {

/// Validates the configuration before anything is allocated for it.
const MachineConfig& checked(const MachineConfig& c) {
  if (c.bios.empty() || c.bios.size() % k64K) {
    throw std::invalid_argument(
        fmt::format("BIOS image is {} bytes; it must be a non-empty multiple of 64 KiB", c.bios.size()));
  }
  if (c.bios.size() > 16u * 1024 * 1024) {
    throw std::invalid_argument(fmt::format("BIOS image is {} bytes; at most 16 MiB is supported", c.bios.size()));
  }
  if (!c.vga_bios.empty()) check_vga_bios(c.vga_bios);
  if (c.ram_mib < 1 || c.ram_mib > 3072) {
    throw std::invalid_argument(fmt::format("RAM size {} MiB is out of range (1 to 3072)", c.ram_mib));
  }
  if (c.linux_boot && c.multiboot) throw std::invalid_argument("-kernel: a Linux boot and a Multiboot boot at once");
  if (c.cpus < 1 || c.cpus > Machine::kMaxCpus) {
    throw std::invalid_argument(fmt::format("-smp {}: between 1 and {} processors", c.cpus, Machine::kMaxCpus));
  }
  if (c.cpus > 1 && !c.cpu->at_least(CpuFamily::p6)) {
    throw std::invalid_argument(
        fmt::format("-smp {}: the {} has no local APIC to start other processors with", c.cpus, c.cpu->name));
  }
  if (c.quantum < 1) throw std::invalid_argument("the SMP quantum is at least 1 instruction");
  return c;
}
}  // namespace

Machine::Machine(MachineConfig config)
    : cfg_((checked(config), std::move(config))),
      ram_(size_t{cfg_.ram_mib} << 20),
      rom_(cfg_.bios),
      debugcon_(cfg_.debugcon.get()),
      // Port 402h: the -d firmware log, or else the same sink as port E9h.
      firmware_log_(cfg_.firmware_log ? cfg_.firmware_log.get() : cfg_.debugcon.get()),
      debug_exit_(bus_),
      i440fx_(bus_, ram_, std::span<u8>(rom_).subspan(rom_.size() - std::min<size_t>(rom_.size(), 128 * 1024))),
      vga_pci_(bus_, vga_.vram(), cfg_.vga_bios, (u64{1} << 32) - rom_.size()) {
  // RAM from 0; the BIOS at the top of 4 GiB and, its last 128 KiB at most,
  // at 0E0000h-0FFFFFh through the i440FX's PAM (as QEMU maps -bios).
  memory_.map_ram(0, ram_);
  const u64 size = rom_.size();
  memory_.map_rom((u64{1} << 32) - size, rom_);
  const u64 low = std::min<u64>(size, 128 * 1024);
  i440fx_.reset();  // maps C0000h-FFFFFh over the RAM just mapped
  // A 286 has 24 address lines: its reset fetch at FFFFF0 needs the BIOS at
  // the top of 16 MiB, where the PC/AT decodes it too.
  if (cfg_.cpu->address_mask == 0xFF'FFFF) memory_.map_rom((u64{1} << 24) - low, std::span<u8>(rom_).subspan(size - low));
  com1_.set_timing(cfg_.device_timing);
  com2_.set_timing(cfg_.device_timing);
  ide_primary_.set_timing(cfg_.device_timing);
  ide_secondary_.set_timing(cfg_.device_timing);
  io_.map(0xE9, 0xE9, debugcon_);
  io_.map(0x402, 0x402, firmware_log_);
  io_.map(0x92, 0x92, port92_);
  // fw_cfg at QEMU's ports, only with -kernel: it carries the kernel and
  // its boot ROM. Without it the firmware sees a plain PC (SeaBIOS's QEMU
  // build takes other paths once it finds fw_cfg: slower ones, such as
  // clearing memory byte by byte).
  if (cfg_.linux_boot || cfg_.multiboot) {
    io_.map(FwCfg::kSelectPort, FwCfg::kDataPort, fw_cfg_);
    fw_cfg_.set_u64(FwCfg::kRamSize, u64{cfg_.ram_mib} << 20);
    fw_cfg_.set_u16(FwCfg::kNbCpus, static_cast<u16>(cfg_.cpus));
    fw_cfg_.set_u16(FwCfg::kMaxCpus, static_cast<u16>(cfg_.cpus));
    if (cfg_.linux_boot) add_to_fw_cfg(*cfg_.linux_boot, fw_cfg_);
    if (cfg_.multiboot) add_to_fw_cfg(*cfg_.multiboot, fw_cfg_);
    fw_cfg_.add_file(cfg_.linux_boot ? "genroms/linuxboot.bin" : "genroms/multiboot.bin", cfg_.boot_rom);
  }
  // The PC/AT interrupt controllers (and the PIIX ELCR) and the timer.
  io_.map(0x20, 0x21, pic_);
  io_.map(0xA0, 0xA1, pic_);
  io_.map(0x4D0, 0x4D1, pic_);
  io_.map(0x40, 0x43, pit_);
  io_.map(0x61, 0x61, port61_);
  io_.map(0x70, 0x71, rtc_);
  io_.map(0x3F8, 0x3FF, com1_);
  io_.map(0x2F8, 0x2FF, com2_);
  io_.map(0x80, 0x80, post_);
  // The x87's FERR# to IRQ 13; port F0h clears it (PC/AT convention).
  io_.map(0xF0, 0xF0, ferr_);
  cpu().set_ferr_listener(&ferr_);
  io_.map(0x8900, 0x8900, bochs_shutdown_);
  // PCI bus 0: the i440FX host bridge, the PIIX3 ISA bridge and IDE.
  io_.map(0xCF8, 0xCFF, pci_);
  pci_.attach(0, 0, i440fx_);
  pci_.attach(1, 0, piix3_isa_);
  pci_.attach(1, 1, piix3_ide_);
  pci_.attach(2, 0, vga_pci_);
  // PIIX4 power management at 00:01.3, as in QEMU's pc machine, with the
  // fixed ports SeaBIOS's ACPI tables give it: APMC/APMS (the FADT's
  // SMI_CMD), QEMU's GPE0 block and PCI hotplug registers. Its PM I/O block
  // moves with PMBA.
  pci_.attach(1, 3, piix4_pm_);
  io_.map(Piix4Pm::kApmFirst, Piix4Pm::kApmLast, piix4_pm_);
  io_.map(Piix4Pm::kGpe0First, Piix4Pm::kGpe0Last, piix4_pm_);
  io_.map(Piix4Pm::kPciHotplugFirst, Piix4Pm::kPciHotplugLast, piix4_pm_);
  // VGA: its ports, the A0000h-BFFFFh window (over the RAM there, as on a
  // PC), the Bochs VBE DISPI ports; the framebuffer is the PCI BAR.
  io_.map(0x3B0, 0x3DF, vga_);
  io_.map(Vga::kDispiIndexPort, Vga::kDispiDataPort, vga_);
  memory_.map_mmio(0xA0000, Vga::kWindowBytes, vga_);
  // ISA DMA (8237 pair and page registers, 80h being the POST port), the
  // floppy controller (3F6h belongs to the primary IDE channel).
  io_.map(0x00, 0x0F, dma_);
  io_.map(0x81, 0x8F, dma_);
  io_.map(0xC0, 0xDF, dma_);
  io_.map(0x3F0, 0x3F5, fdc_);
  io_.map(0x3F7, 0x3F7, fdc_);
  for (unsigned d = 0; d < 2; ++d) {
    if (cfg_.floppy[d]) fdc_.insert(d, std::move(cfg_.floppy[d]));
  }
  // IDE in PIIX3 compatibility mode: disks on the primary channel, the
  // CD-ROM as secondary master. A channel without devices is not decoded
  // (its ports float high, which is how firmware sees an empty channel).
  for (unsigned u = 0; u < 2; ++u) {
    if (cfg_.hard_disk[u]) ide_primary_.attach_disk(u, std::move(cfg_.hard_disk[u]));
  }
  if (cfg_.cdrom) ide_secondary_.attach_cdrom(0, std::move(cfg_.cdrom));
  if (ide_primary_.present(0) || ide_primary_.present(1)) {
    io_.map(0x1F0, 0x1F7, ide_primary_);
    io_.map(0x3F6, 0x3F6, ide_primary_);
  }
  if (ide_secondary_.present(0) || ide_secondary_.present(1)) {
    io_.map(0x170, 0x177, ide_secondary_);
    io_.map(0x376, 0x376, ide_secondary_);
  }
  io_.map(0x60, 0x60, kbc_);
  io_.map(0x64, 0x64, kbc_);
  // Every CPU hears of memory changes; INTA goes to the running one's APIC.
  bus_.set_memory_listener(this);
  pic_output_.procs = &procs_;
  if (apic_) {
    // The APICs at their default addresses (MP specification 1.4, 3.6.1;
    // SDM Vol. 3A 10.4.1): INTA goes through the local APIC, which hands
    // ExtINT cycles on to the 8259.
    memory_.map_mmio(IoApic::kDefaultBase, 0x1000, ioapic_);
    isa_irqs_.ioapic = &ioapic_;
    // The HPET where QEMU's pc machine has it (SeaBIOS describes it in
    // the ACPI HPET table when it answers there).
    memory_.map_mmio(Hpet::kDefaultBase, 0x1000, hpet_);
    hpet_irqs_.ioapic = &ioapic_;
    bus_.set_interrupt_acknowledge(this);
    for (auto& p : procs_) {
      p->lapic.set_eoi_listener(&ioapic_);
      p->lapic.set_ipi_bus(&fabric_, p->index);
      p->attach_apic(*this);
      apic_base_written(*p, p->cpu.state().msr_apic_base);
    }
  } else {
    bus_.set_interrupt_acknowledge(&pic_);
  }
  sched_.set_listener(this);
  sched_.set_slice_clock(this);
  for (auto& p : procs_) {
    p->cpu.set_host_stop(cfg_.stop);
    if (procs_.size() > 1) {
      p->cpu.set_tsc_clock(&tsc_cycles_);
      p->cpu.set_yield_on_pause(true);
    }
  }
  if (cfg_.debug_exit) {
    const auto [base, len] = *cfg_.debug_exit;
    if (len == 0 || u32{base} + len > 0x10000) {
      throw std::invalid_argument(fmt::format("isa-debug-exit: bad port range {:#x}+{:#x}", base, len));
    }
    io_.map(base, static_cast<u16>(base + len - 1), debug_exit_);
  }
  setup_cmos();
}

Processors Machine::make_processors() {
  Processors out;
  for (unsigned i = 0; i < cfg_.cpus; ++i) {
    out.push_back(std::make_unique<Processor>(bus_, *cfg_.cpu, sched_, pic_, i, kApicBusPeriod));
  }
  return out;
}

u64 Machine::instructions() const {
  u64 n = 0;
  for (const auto& p : procs_) n += p->cpu.instructions();
  return n;
}

void Machine::memory_changed() {
  for (auto& p : procs_) p->cpu.memory_changed();
}

void Machine::code_written(PhysAddr addr) {
  for (auto& p : procs_) p->cpu.code_written(addr);
}

void Machine::code_frame_added(PhysAddr frame) {
  for (auto& p : procs_) p->cpu.code_frame_added(frame);
}

u8 Machine::acknowledge() {
  Processor& p = *procs_[current_];
  return p.lapic_mapped ? p.lapic.acknowledge() : pic_.acknowledge();
}

void Machine::reset() {
  // RESET reaches every processor and the APICs too (SDM Vol. 3A
  // 10.4.7.1), IA32_APIC_BASE back at FEE00900h (FEE00800h on the APs,
  // which wait for SIPI again); the 8259s are reset by their ICW1 and keep
  // their state, as before.
  for (auto& p : procs_) {
    p->clear_pending();
    p->cpu.reset();
    p->lapic.reset();
  }
  ioapic_.reset();
  hpet_.reset();
  if (apic_) {
    for (auto& p : procs_) apic_base_written(*p, p->cpu.state().msr_apic_base);
  }
  round_.active = false;
  current_ = 0;
  i440fx_.reset();
  piix3_isa_.reset();
  piix3_ide_.reset();
  piix4_pm_.reset();
}

Machine::~Machine() { drain_outputs(); }

void Machine::drain_outputs() {
  com1_.drain();
  com2_.drain();
  flush_outputs();
}

void Machine::flush_outputs() {
  for (ByteSink* s : {cfg_.debugcon.get(), cfg_.serial.get(), cfg_.firmware_log.get(), cfg_.post_log.get()}) {
    if (s) s->flush();
  }
  ide_primary_.flush();
  ide_secondary_.flush();
}

Picos Machine::host_now() const {
  return std::chrono::duration_cast<std::chrono::duration<Picos, std::pico>>(std::chrono::steady_clock::now() - host_epoch_).count();
}

RunResult Machine::run(u64 insn_limit) {
  for (;;) {
    const RunResult r = run_for(insn_limit, std::chrono::hours(24));
    if (r.kind != RunResult::Kind::Yielded) return r;
  }
}

RunResult Machine::run_for(u64 insn_limit, std::chrono::nanoseconds host_budget) {
  // The CPU runs up to the next device deadline (at most a slice); then
  // virtual time advances by the instructions executed (or, under
  // -rtc clock=host, to the host clock) and due timers fire.
  constexpr u64 kSlice = 1u << 20;
  const Picos ps = cfg_.ps_per_insn;
  const auto host_start = std::chrono::steady_clock::now();
  const auto host_end = host_start + host_budget;
  // The host clock's anchor (host_now() = virtual time at the anchor, plus
  // host time since) persists across calls, so time slept in one call counts
  // in the next. It is re-anchored on the first call, when virtual time ran
  // ahead of the host (a busy guest at more than the instruction rate), and
  // after a gap of over 0.25 s (the frontend was paused): the guest neither
  // waits for the host to catch up nor rushes through the pause.
  const Picos lag = host_anchored_ ? host_now() - sched_.now() : -1;
  if (lag < 0 || lag > kPicosPerSecond / 4) {
    host_epoch_ = host_start - std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<Picos, std::pico>(sched_.now()));
    host_anchored_ = true;
  }
  auto finish = [this](RunResult r) {
    flush_outputs();
    return r;
  };
  Cpu& cpu = procs_.front()->cpu;
  for (;;) {
    if (cfg_.stop && cfg_.stop->load(std::memory_order_relaxed)) return finish({RunResult::Kind::Stopped});
    // The end of virtual time: a guest idling on timer interrupts skips
    // ahead fast enough to get here in minutes of host time.
    if (sched_.now() >= kEndOfTime) return finish({RunResult::Kind::Halted});
    if (std::chrono::steady_clock::now() >= host_end) return {RunResult::Kind::Yielded};
    if (procs_.size() > 1) {
      if (auto r = run_round(insn_limit, host_end)) return *r;
      continue;
    }
    u64 budget = kSlice;
    if (insn_limit) {
      const u64 done = cpu.instructions();
      if (done >= insn_limit) return finish({RunResult::Kind::InsnLimit});
      budget = std::min(budget, insn_limit - done);
    }
    const Picos deadline = sched_.next_deadline();
    if (deadline != kNever) {
      const Picos ahead = deadline - sched_.now();
      budget = std::clamp<u64>(static_cast<u64>(std::max<Picos>(ahead, 0) / ps) + 1, 1, budget);
    }
    const u64 before = cpu.instructions();
    slice_start_ = before;
    in_slice_ = !cfg_.clock_host;
    const StopReason why = cpu.run(budget);
    in_slice_ = false;
    if (cpu.instructions() != before) idle_events_ = 0;
    const Picos by_count = sched_.now() + static_cast<Picos>(cpu.instructions() - before) * ps;
    sched_.advance_to(cfg_.clock_host ? std::max(sched_.now(), host_now()) : by_count);
    bool was_reset = false;
    if (auto r = check_lines(was_reset)) return *r;
    if (was_reset) continue;
    switch (why) {
      case StopReason::Halted:
        // An interrupt raised as time caught up with the slice (a one-shot
        // APIC timer, with nothing else armed) wakes the CPU at once.
        if (cpu.event_pending()) break;
        if (auto r = idle(host_end)) return *r;
        break;
      case StopReason::Observer: return {RunResult::Kind::Break};
      case StopReason::Shutdown:
        if (cfg_.no_reboot) return finish({RunResult::Kind::Shutdown});
        reset();  // a triple fault resets the PC (SDM Vol. 3A 6.15, #DF)
        break;
      default: break;
    }
  }
}

std::optional<RunResult> Machine::check_lines(bool& was_reset) {
  if (auto st = debug_exit_.status()) {
    flush_outputs();
    return RunResult{RunResult::Kind::Exit, *st};
  }
  if (bochs_shutdown_.powered_off() || piix4_pm_.powered_off()) {
    drain_outputs();  // the power is off: what the UARTs hold goes out now
    return RunResult{RunResult::Kind::PowerOff};
  }
  if (port92_.take_reset() || kbc_.take_reset() || pci_.take_reset()) {
    // Port 92h bit 0, the 8042's reset line or CF9h: a reset; RAM remains.
    reset();
    was_reset = true;
  }
  return std::nullopt;
}

std::optional<RunResult> Machine::idle(std::chrono::steady_clock::time_point host_end) {
  const Picos ps = cfg_.ps_per_insn;
  // HLT: skip to the next device event if an interrupt could wake a CPU;
  // with IF clear everywhere or nothing scheduled they stay halted: report
  // it. Timer events passed while halted with nothing taking them: a guest
  // that halts with its interrupts masked at the PIC sleeps forever, so
  // after a million idle events a non-interactive run ends as "halted"
  // instead of spinning.
  bool wakeable = false;
  for (const auto& p : procs_) {
    const CpuState& s = p->cpu.state();
    if (!s.wait_sipi && (s.eflags_rest & fl::IF)) wakeable = true;
  }
  const Picos next = sched_.next_deadline();
  if (!wakeable || next == kNever || (!cfg_.pace_idle && ++idle_events_ > 1'000'000)) {
    settle_devices();
    flush_outputs();
    return RunResult{RunResult::Kind::Halted};
  }
  // The TSC keeps counting through the sleep (at the instruction rate it
  // runs at; see Cpu::add_idle_cycles, and the shared clock of several
  // processors, which follows virtual time).
  auto idle_cycles = [&](Picos to) {
    for (auto& p : procs_) p->cpu.add_idle_cycles(static_cast<u64>((to - sched_.now()) / ps));
  };
  if (cfg_.clock_host || cfg_.pace_idle) {
    // Sleep on the host until the event is due, in steps that end by
    // the yield (and at most 0.1 s, so a stop request is still seen).
    const Picos left = std::chrono::duration_cast<std::chrono::duration<Picos, std::pico>>(
                           host_end - std::chrono::steady_clock::now()).count();
    const Picos wait = std::min({next - host_now(), kPicosPerSecond / 10, std::max<Picos>(left, 0)});
    if (wait > 0) std::this_thread::sleep_for(std::chrono::duration<Picos, std::pico>(wait));
    const Picos to = cfg_.clock_host ? std::min(next, host_now()) : (host_now() >= next ? next : sched_.now());
    if (!cfg_.clock_host) idle_cycles(std::max(to, sched_.now()));
    sched_.advance_to(std::max(sched_.now(), to));
  } else {
    idle_cycles(next);
    sched_.advance_to(next);
  }
  return std::nullopt;
}

std::optional<RunResult> Machine::run_round(u64 insn_limit, std::chrono::steady_clock::time_point host_end) {
  // Several processors on one host thread: in a round each runs, in index
  // order, up to `len` instructions of the same stretch of virtual time;
  // within the round time stands still for all of them (the devices and the
  // shared TSC read its start), and at its end it advances by `len`
  // instructions' worth and due device events fire, up to a quantum late.
  // Everything is deterministic; one processor's stores are seen by the next
  // at once, so LOCKed instructions, XCHG and the fences are atomic and
  // ordered by construction. (Running processors on host threads would need
  // host atomics for LOCK, per-CPU TLB shootdown of decoded code, and a
  // different notion of time: README, -smp.)
  const Picos ps = cfg_.ps_per_insn;
  const unsigned n = static_cast<unsigned>(procs_.size());
  auto finish = [this](RunResult r) {
    flush_outputs();
    return r;
  };
  if (!round_.active) {
    if (insn_limit && instructions() >= insn_limit) return finish({RunResult::Kind::InsnLimit});
    bool any = false;
    for (const auto& p : procs_) any = any || p->runnable() || p->has_pending();
    if (!any) return idle(host_end);
    u64 len = cfg_.quantum;
    const Picos deadline = sched_.next_deadline();
    if (deadline != kNever) {
      const Picos ahead = deadline - sched_.now();
      len = std::clamp<u64>(static_cast<u64>(std::max<Picos>(ahead, 0) / ps) + 1, 1, len);
    }
    round_.active = true;
    round_.len = len;
    round_.next = 0;
    round_.start = sched_.now();
    round_.start_insns.resize(n);
    for (unsigned i = 0; i < n; ++i) round_.start_insns[i] = procs_[i]->cpu.instructions();
    tsc_cycles_ = static_cast<u64>(sched_.now() / ps);
  }
  bool ran = false;
  for (; round_.next < n; ++round_.next) {
    Processor& p = *procs_[round_.next];
    p.apply_pending();
    const u64 done = p.cpu.instructions() - round_.start_insns[round_.next];
    if (done >= round_.len || !p.runnable()) continue;
    u64 budget = round_.len - done;
    if (insn_limit) {
      const u64 total = instructions();
      if (total >= insn_limit) break;
      budget = std::min(budget, insn_limit - total);
    }
    current_ = round_.next;
    const StopReason why = p.cpu.run(budget);
    ran = true;
    p.apply_pending();  // its own INIT
    bool was_reset = false;
    if (auto r = check_lines(was_reset)) return r;
    if (was_reset) return std::nullopt;
    if (why == StopReason::Observer) return RunResult{RunResult::Kind::Break};  // resumes with this processor
    if (why == StopReason::Shutdown) {
      // A triple fault's shutdown cycle resets the PC (SDM Vol. 3A 6.15).
      if (cfg_.no_reboot) return finish({RunResult::Kind::Shutdown});
      reset();
      return std::nullopt;
    }
  }
  if (ran) idle_events_ = 0;
  round_.active = false;
  const Picos end = round_.start + static_cast<Picos>(round_.len) * ps;
  sched_.advance_to(cfg_.clock_host ? std::max(sched_.now(), host_now()) : std::max(sched_.now(), end));
  return std::nullopt;
}

void Machine::apic_base_written(Processor& p, u64 value) {
  p.lapic_base = value & 0xFFFF'F000u;
  p.lapic_mapped = (value & 0x800) != 0;
  if (p.lapic_mapped) {
    p.lapic.set_irq(LocalApic::kLint0, pic_.intr());
  } else {
    // Globally disabled: as a processor without an APIC, the BSP's INTR
    // straight from the 8259 (SDM Vol. 3A 10.4.3).
    p.lapic.reset();
    if (p.cpu.bsp()) p.cpu.set_intr(pic_.intr());
  }
  // The APIC page at every enabled APIC's base; a page no APIC uses any
  // more shows what is under it again: RAM, or nothing.
  std::vector<PhysAddr> pages;
  for (const auto& q : procs_) {
    if (q->lapic_mapped && std::find(pages.begin(), pages.end(), q->lapic_base) == pages.end()) {
      pages.push_back(q->lapic_base);
    }
  }
  for (const PhysAddr old : apic_pages_) {
    if (std::find(pages.begin(), pages.end(), old) != pages.end()) continue;
    if (old + 0x1000 <= ram_.size()) {
      memory_.map_ram(old, std::span<u8>(ram_).subspan(old, 0x1000));
    } else {
      memory_.unmap(old, 0x1000);
    }
  }
  for (const PhysAddr page : pages) memory_.map_mmio(page, 0x1000, apic_window_);
  apic_pages_ = std::move(pages);
  bus_.memory_changed();
}

void Machine::settle_devices() {
  // The CPU has stopped for good, but on a PC the devices run on: what they
  // began finishes (a UART shifting out the bytes in its FIFO after the
  // guest's last CLI; HLT). Up to 1 s of virtual time passes, firing the
  // events due in it; the CPU stays halted.
  // Bounded in events too (a device re-arming itself at the same instant
  // would otherwise hold the host here), and a signal ends it.
  const Picos until = sched_.now() + kPicosPerSecond;
  u64 events = 0;
  for (Picos next = sched_.next_deadline(); next != kNever && next <= until && ++events <= 1'000'000;
       next = sched_.next_deadline()) {
    if (cfg_.stop && cfg_.stop->load(std::memory_order_relaxed)) return;
    if (!sched_.advance_to(next)) break;  // a device re-arming at one instant
  }
}

std::optional<std::string> Machine::device_dump(std::string_view name) const {
  if (name == "pic") return pic_.dump();
  if (name == "pit") return pit_.dump();
  if (name == "uart" || name == "com1") return com1_.dump();
  if (name == "vga") return vga_.dump();
  if (name == "ide") return "primary channel (1F0h):\n" + ide_primary_.dump() + "secondary channel (170h):\n" + ide_secondary_.dump();
  if (name == "fdc") return fdc_.dump();
  if (name == "dma") return dma_.dump();
  if (name == "rtc") return rtc_.dump();
  if (name == "kbc" || name == "i8042") return kbc_.dump();
  if (name == "pm" || name == "acpi") return piix4_pm_.dump();
  if (apic_ && name == "apic") return procs_[current_]->lapic.dump();
  if (apic_ && name == "ioapic") return ioapic_.dump();
  if (apic_ && name == "hpet") return hpet_.dump();
  return std::nullopt;
}

std::string Machine::state_dump() const {
  const CpuState& s = cpu().state();
  std::string out = fmt::format("EAX={:08x} EBX={:08x} ECX={:08x} EDX={:08x}\n", s.gpr[EAX], s.gpr[EBX], s.gpr[ECX], s.gpr[EDX]);
  out += fmt::format("ESI={:08x} EDI={:08x} EBP={:08x} ESP={:08x}\n", s.gpr[ESI], s.gpr[EDI], s.gpr[EBP], s.gpr[ESP]);
  out += fmt::format("EIP={:08x} EFLAGS={:08x} CR0={:08x} CR2={:08x} CR3={:08x} CR4={:08x}\n", s.rip, s.eflags(), s.cr0, s.cr2, s.cr3, s.cr4);
  static constexpr const char* kNames[] = {"ES", "CS", "SS", "DS", "FS", "GS"};
  for (unsigned i = 0; i < 6; ++i) {
    out += fmt::format("{}={:04x} base={:08x} limit={:08x} access={:02x}\n", kNames[i], s.seg[i].selector, s.seg[i].base, s.seg[i].limit, s.seg[i].access);
  }
  out += fmt::format("GDT={:08x}/{:04x} IDT={:08x}/{:04x}\n", s.gdtr.base, s.gdtr.limit, s.idtr.base, s.idtr.limit);
  return out;
}

}  // namespace gb
