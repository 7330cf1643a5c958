// Several processors (devices/pc/processor.hpp, apic_fabric.hpp, Machine's
// rounds): INIT/SIPI state transitions, IPI delivery modes and
// destinations, the shared TSC, determinism.
#include <catch2/catch.hpp>

#include <vector>

#include "cpu/msr.hpp"
#include "devices/pc/machine.hpp"

using namespace gb;
using Kind = RunResult::Kind;

namespace {

/// A machine of `n` processors whose BIOS is HLT everywhere but `reset`.
Machine make(unsigned n, std::vector<u8> reset = {0xF4}, const char* model = "pentium-pro", u64 quantum = 1000) {
  MachineConfig c;
  c.cpu = find_cpu_model(model);
  c.cpus = n;
  c.quantum = quantum;
  c.ram_mib = 1;
  c.bios.assign(64 * 1024, 0xF4);
  std::copy(reset.begin(), reset.end(), c.bios.begin() + 0xFFF0);
  c.no_reboot = true;
  return Machine(std::move(c));
}

bool irr(const Processor& p, u8 vector) {
  return (*const_cast<Processor&>(p).lapic.mmio_peek(0x200 + 0x10 * (vector >> 5), Width::Dword) >> (vector & 31)) & 1;
}

/// Sends an IPI from processor `from` through its ICR.
void ipi(Machine& m, unsigned from, u32 high, u32 low) {
  LocalApic& a = m.processor(from).lapic;
  a.mmio_write(LocalApic::kIcrHigh, high, Width::Dword);
  a.mmio_write(LocalApic::kIcrLow, low, Width::Dword);
}

void enable(Machine& m, unsigned i) { m.processor(i).lapic.mmio_write(LocalApic::kSvr, 0x1FF, Width::Dword); }

}  // namespace

TEST_CASE("SMP: processors after reset", "[smp]") {
  Machine m = make(4);
  REQUIRE(m.cpu_count() == 4);
  for (unsigned i = 0; i < 4; ++i) {
    const Cpu& c = m.processor(i).cpu;
    INFO("processor " << i);
    CHECK(c.apic_id() == i);
    CHECK(c.bsp() == (i == 0));
    CHECK(c.state().wait_sipi == (i != 0));
    // IA32_APIC_BASE: enabled at FEE00000h, BSP only on processor 0.
    CHECK(c.state().msr_apic_base == (i == 0 ? 0xFEE0'0900u : 0xFEE0'0800u));
    CHECK(m.processor(i).lapic.id() == i);
  }
  CHECK(&m.cpu() == &m.processor(0).cpu);
}

TEST_CASE("SMP: configuration errors", "[smp]") {
  CHECK_THROWS_AS(make(0), std::invalid_argument);
  CHECK_THROWS_AS(make(17), std::invalid_argument);
  CHECK_THROWS_AS(make(2, {0xF4}, "386"), std::invalid_argument);  // no local APIC
  CHECK_THROWS_AS(make(2, {0xF4}, "pentium-pro", 0), std::invalid_argument);
  CHECK_NOTHROW(make(16));
}

TEST_CASE("SMP: an AP waiting for SIPI executes nothing; STARTUP starts it once", "[smp]") {
  Machine m = make(2);
  Cpu& ap = m.processor(1).cpu;
  CHECK(ap.run(10) == StopReason::Halted);
  CHECK(ap.instructions() == 0);
  ap.startup(0x9A);
  CHECK_FALSE(ap.state().wait_sipi);
  CHECK(ap.state().seg[CS].selector == 0x9A00);
  CHECK(ap.state().seg[CS].base == 0x9A000);
  CHECK(ap.state().rip == 0);
  ap.startup(0x10);  // not waiting: ignored (SDM Vol. 3A 8.4.4.1)
  CHECK(ap.state().seg[CS].selector == 0x9A00);
}

TEST_CASE("SMP: INIT keeps x87/SSE state and MSRs, resets the rest", "[smp]") {
  Machine m = make(2, {0xF4}, "core2duo");
  for (unsigned i = 0; i < 2; ++i) {
    Cpu& c = m.processor(i).cpu;
    INFO("processor " << i);
    if (i) c.startup(0x10);
    CpuState& s = c.state();
    s.fpu.mxcsr = 0x1FC0;
    s.fpu.xmm[3].set<u64>(0, 0x1122);
    s.fpu.xmm[3].set<u64>(1, 0x3344);
    s.efer = msr::kEferLme | msr::kEferLma;
    s.msr.star = 0x1234'5678'9ABC'DEF0;
    s.msr_sysenter_eip = 0xC000'1000;
    s.gpr[EAX] = 0x55;
    s.cr0 = 0x8000'0011;
    c.init();
    CHECK(s.fpu.mxcsr == 0x1FC0);
    CHECK(s.fpu.xmm[3].lo() == 0x1122);
    CHECK(s.fpu.xmm[3].hi() == 0x3344);
    CHECK(s.efer == msr::kEferLme);  // LMA goes with CR0.PG
    CHECK(s.msr.star == 0x1234'5678'9ABC'DEF0);
    CHECK(s.msr_sysenter_eip == 0xC000'1000);
    CHECK(s.gpr[EAX] == 0);
    CHECK(s.cr0 == 0x6000'0010);
    CHECK(s.seg[CS].selector == 0xF000);
    CHECK(s.rip == 0xFFF0);
    // The BSP runs from the reset vector; an AP waits for SIPI again.
    CHECK(s.wait_sipi == (i != 0));
    CHECK(s.msr_apic_base == (i == 0 ? 0xFEE0'0900u : 0xFEE0'0800u));
  }
}

TEST_CASE("SMP: fixed IPIs by physical, logical and broadcast destinations", "[smp]") {
  Machine m = make(4);
  for (unsigned i = 0; i < 4; ++i) enable(m, i);
  SECTION("physical APIC ID") {
    ipi(m, 0, 0x0200'0000, 0x4041);
    CHECK(irr(m.processor(2), 0x41));
    CHECK_FALSE(irr(m.processor(1), 0x41));
    CHECK_FALSE(irr(m.processor(0), 0x41));
  }
  SECTION("physical broadcast FFh") {
    ipi(m, 1, 0xFF00'0000, 0x4042);
    for (unsigned i = 0; i < 4; ++i) CHECK(irr(m.processor(i), 0x42));
  }
  SECTION("shorthands: self, all including self, all excluding self") {
    ipi(m, 1, 0, 0x4'4043);
    CHECK(irr(m.processor(1), 0x43));
    CHECK_FALSE(irr(m.processor(0), 0x43));
    ipi(m, 1, 0, 0x8'4044);
    for (unsigned i = 0; i < 4; ++i) CHECK(irr(m.processor(i), 0x44));
    ipi(m, 1, 0, 0xC'4045);
    for (unsigned i = 0; i < 4; ++i) CHECK(irr(m.processor(i), 0x45) == (i != 1));
  }
  SECTION("logical, flat model: LDR bits") {
    for (unsigned i = 0; i < 4; ++i) m.processor(i).lapic.mmio_write(LocalApic::kLdr, 1u << (24 + i), Width::Dword);
    ipi(m, 0, 0x0A00'0000, 0x4846);  // MDA 0Ah: processors 1 and 3
    for (unsigned i = 0; i < 4; ++i) CHECK(irr(m.processor(i), 0x46) == (i == 1 || i == 3));
  }
  SECTION("lowest priority: one target, the lowest TPR class") {
    for (unsigned i = 0; i < 4; ++i) m.processor(i).lapic.mmio_write(LocalApic::kLdr, 1u << (24 + i), Width::Dword);
    m.processor(1).lapic.mmio_write(LocalApic::kTpr, 0x30, Width::Dword);
    m.processor(2).lapic.mmio_write(LocalApic::kTpr, 0x20, Width::Dword);
    m.processor(3).lapic.mmio_write(LocalApic::kTpr, 0x28, Width::Dword);  // class 2 too: the tie goes to 2
    ipi(m, 0, 0x0E00'0000, 0x4947);
    for (unsigned i = 0; i < 4; ++i) CHECK(irr(m.processor(i), 0x47) == (i == 2));
  }
  SECTION("a globally disabled APIC takes nothing") {
    m.processor(3).cpu.write_apic_base(0xFEE0'0000);
    ipi(m, 0, 0xFF00'0000, 0x4048);
    CHECK(irr(m.processor(1), 0x48));
    CHECK_FALSE(irr(m.processor(3), 0x48));
  }
}

TEST_CASE("SMP: NMI, INIT, INIT de-assert and STARTUP IPIs", "[smp]") {
  Machine m = make(3);
  Processor& ap = m.processor(1);
  SECTION("an NMI is held off while waiting for SIPI") {
    ipi(m, 0, 0x0100'0000, 0x4400);
    CHECK_FALSE(ap.cpu.nmi_deliverable());
    ap.cpu.startup(0x10);
    ipi(m, 0, 0x0100'0000, 0x4400);
    CHECK(ap.cpu.nmi_deliverable());
    CHECK_FALSE(m.processor(2).cpu.nmi_deliverable());
  }
  SECTION("INIT then STARTUP apply in order at the processor's turn") {
    ap.cpu.startup(0x20);
    ipi(m, 0, 0x0100'0000, 0x4500);  // INIT, assert
    ipi(m, 0, 0x0100'0000, 0x4608);  // STARTUP 08h
    CHECK(ap.has_pending());
    CHECK(ap.cpu.state().seg[CS].selector == 0x2000);  // not yet
    ap.apply_pending();
    CHECK(ap.cpu.state().seg[CS].selector == 0x0800);
    CHECK_FALSE(ap.cpu.state().wait_sipi);
  }
  SECTION("INIT level de-assert changes nothing") {
    ap.cpu.startup(0x20);
    ipi(m, 0, 0xFF00'0000, 0x8500);  // INIT, level-triggered, de-assert
    CHECK_FALSE(ap.has_pending());
  }
  SECTION("INIT resets the local APIC but keeps its ID") {
    ap.lapic.mmio_write(LocalApic::kId, 0x0700'0000, Width::Dword);
    enable(m, 1);
    ipi(m, 0, 0x0700'0000, 0x4500);
    ap.apply_pending();
    CHECK(ap.lapic.id() == 7);
    CHECK_FALSE(ap.lapic.software_enabled());
    CHECK(ap.cpu.state().wait_sipi);
  }
}

TEST_CASE("SMP: the BSP starts an AP, which runs in its turn and sees the same TSC", "[smp]") {
  // The IPIs come from the test, as the BSP's ICR writes would.
  Machine m = make(2, {0xEB, 0xFE}, "core2duo");  // BSP: jmp $
  ipi(m, 0, 0x0100'0000, 0x4500);
  ipi(m, 0, 0x0100'0000, 0x46F0);  // STARTUP F0h: F0000h, HLT in the ROM
  const RunResult r = m.run(2500);
  CHECK(r.kind == Kind::InsnLimit);
  const Cpu& ap = m.processor(1).cpu;
  // The AP executed from F0000h: HLT (the ROM's filler) at once.
  CHECK_FALSE(ap.state().wait_sipi);
  CHECK(ap.state().halted);
  CHECK(ap.state().seg[CS].selector == 0xF000);
  // Both read the shared clock: the TSC follows virtual time, not each one's
  // instruction count.
  CHECK(m.processor(0).cpu.tsc_base() == m.processor(1).cpu.tsc_base());
  CHECK(m.instructions() == 2500);
}

TEST_CASE("SMP: runs are deterministic", "[smp]") {
  auto run = [] {
    Machine m = make(2, {0xEB, 0xFE});
    ipi(m, 0, 0x0100'0000, 0x4500);
    ipi(m, 0, 0x0100'0000, 0x46F0);
    m.run(100'000);
    return std::vector<u64>{m.processor(0).cpu.instructions(), m.processor(1).cpu.instructions(),
                            m.processor(0).cpu.tsc_base(), m.scheduler().now() > 0 ? u64{1} : u64{0}};
  };
  CHECK(run() == run());
}

TEST_CASE("SMP: the I/O APIC delivers to any processor", "[smp]") {
  MemoryMap mem;
  IoMap io;
  Bus bus{mem, io};
  Scheduler sched;
  struct NoExtInt : InterruptAcknowledge {
    u8 acknowledge() override { return 0xFF; }
  } extint;
  Processors procs;
  for (unsigned i = 0; i < 4; ++i) {
    procs.push_back(std::make_unique<Processor>(bus, *find_cpu_model("pentium-pro"), sched, extint, i, 15'000));
    procs.back()->lapic_mapped = true;
    procs.back()->lapic.mmio_write(LocalApic::kSvr, 0x1FF, Width::Dword);
    procs.back()->lapic.mmio_write(LocalApic::kLdr, 1u << (24 + i), Width::Dword);
  }
  ApicFabric fabric{procs};
  IoApic ioapic{fabric};
  auto redirect = [&](unsigned pin, u64 entry) {
    ioapic.mmio_write(0x00, 0x10 + 2 * pin, Width::Dword);
    ioapic.mmio_write(0x10, static_cast<u32>(entry), Width::Dword);
    ioapic.mmio_write(0x00, 0x11 + 2 * pin, Width::Dword);
    ioapic.mmio_write(0x10, static_cast<u32>(entry >> 32), Width::Dword);
  };
  SECTION("fixed, physical APIC ID 2") {
    redirect(3, (u64{2} << 56) | 0x33);
    ioapic.set_irq(3, true);
    for (unsigned i = 0; i < 4; ++i) CHECK(irr(*procs[i], 0x33) == (i == 2));
  }
  SECTION("lowest priority, logical MDA 0Ch: processor 2 or 3, the lower TPR class") {
    procs[2]->lapic.mmio_write(LocalApic::kTpr, 0x40, Width::Dword);
    redirect(4, (u64{0x0C} << 56) | (1u << 11) | (1u << 8) | 0x34);
    ioapic.set_irq(4, true);
    for (unsigned i = 0; i < 4; ++i) CHECK(irr(*procs[i], 0x34) == (i == 3));
  }
  SECTION("NMI to processor 1") {
    procs[1]->cpu.startup(0x10);
    redirect(5, (u64{1} << 56) | (4u << 8));
    ioapic.set_irq(5, true);
    CHECK(procs[1]->cpu.nmi_deliverable());
    CHECK_FALSE(procs[0]->cpu.nmi_deliverable());
  }
}
