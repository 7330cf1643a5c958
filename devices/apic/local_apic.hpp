// The local APIC of a P6-family processor in xAPIC mode (Intel SDM Vol. 3A
// chapter 10, "Advanced Programmable Interrupt Controller (APIC)"): the
// registers at APIC_BASE (FEE00000h, 4 KiB, 32-bit registers 16 bytes
// apart), fixed-interrupt acceptance through IRR/ISR with TPR/PPR priority,
// EOI, the spurious-interrupt vector, the LVT timer (one-shot and periodic,
// with the divide configuration register), LINT0 as ExtINT (the 8259
// through "virtual wire") and LINT1 as NMI, and the ICR's IPIs, which go
// to the machine's IpiBus (devices/pc/apic_fabric.hpp) for delivery.
//
// The version register reads 14h, the xAPIC's (SDM Vol. 3A 10.4.8, table
// 10-2), not the P6's 1xh: Bochs and QEMU present 14h with every model,
// and SeaBIOS's MP table relies on it. It gives the I/O APIC ID 0, the
// BSP's ID; that is sound with xAPIC IDs on the system bus, but Linux
// renumbers the I/O APIC of a pre-xAPIC part and then finds no interrupt
// source entries for it (arch/x86/kernel/apic/io_apic.c, io_apic_unique_id).
//
// The timer's count is never ticked: it is derived from virtual time since
// the initial count was written, and one scheduler timer is armed for the
// next expiry.
//
// Reset state: SDM Vol. 3A 10.12.5.1 gives every LVT entry masked, and QEMU
// keeps LINT0 so until firmware programs it. Glassbox starts the BSP's
// LINT0 unmasked as ExtINT with the APIC software-disabled: the virtual-wire
// mode (MP specification 1.4, 3.6.2.2) that firmware would set up, so that
// the 8259 reaches the CPU from the first instruction, as on a PC without an
// APIC, for a BIOS that never touches the APIC; SeaBIOS and Linux rewrite it.
#pragma once
#include <array>
#include <string>

#include "devices/apic/apic_bus.hpp"
#include "devices/irq.hpp"
#include "devices/scheduler.hpp"
#include "mmu/bus.hpp"
#include "mmu/mmio.hpp"

namespace gb {

class LocalApic final : public MmioHandler, public InterruptAcknowledge, public IrqSink, public Timer::Client {
 public:
  static constexpr PhysAddr kDefaultBase = 0xFEE0'0000;
  /// set_irq lines: the LINT0 and LINT1 pins.
  static constexpr unsigned kLint0 = 0, kLint1 = 1;
  /// Register offsets (SDM Vol. 3A table 10-1).
  enum Reg : u32 {
    kId = 0x020, kVersion = 0x030, kTpr = 0x080, kApr = 0x090, kPpr = 0x0A0, kEoi = 0x0B0, kLdr = 0x0D0,
    kDfr = 0x0E0, kSvr = 0x0F0, kIsr = 0x100, kTmr = 0x180, kIrr = 0x200, kEsr = 0x280, kIcrLow = 0x300,
    kIcrHigh = 0x310, kLvtTimer = 0x320, kLvtPerf = 0x340, kLvtLint0 = 0x350, kLvtLint1 = 0x360,
    kLvtError = 0x370, kInitialCount = 0x380, kCurrentCount = 0x390, kDivide = 0x3E0,
  };
  /// The version register: version 14h (see above), five LVT entries
  /// (timer, performance counters, LINT0, LINT1, error: max LVT 4).
  static constexpr u32 kVersionValue = 0x0004'0014;

  /// The CPU's INTR and NMI inputs.
  struct CpuPins {
    IrqLine intr;  ///< level: an interrupt is ready for the CPU to acknowledge
    IrqLine nmi;   ///< pulsed for an NMI (LINT1 in NMI mode)
  };

  /// `extint` answers INTA for ExtINT (the 8259 pair); `bus_period` is the
  /// timer's input clock period in ps (the processor bus clock); `apic_id`
  /// the ID the register holds after reset; `bsp`: the bootstrap
  /// processor's APIC, which starts in virtual-wire mode (see above).
  LocalApic(Scheduler& sched, InterruptAcknowledge& extint, CpuPins pins, Picos bus_period, u8 apic_id = 0,
            bool bsp = true);

  /// Power-up state: registers as SDM Vol. 3A 10.12.5.1 gives them (and the
  /// BSP's LINT0 as ExtINT, see above), the ID register at the initial ID.
  void reset();
  /// The INIT signal (an INIT IPI): the power-up state with every LVT entry
  /// masked, the ID register kept (SDM Vol. 3A 10.4.7.3).
  void init();
  /// Sends the ICR's IPIs to `bus` as processor `self` (nullptr: only
  /// fixed and NMI IPIs that name this APIC itself are delivered).
  void set_ipi_bus(IpiBus* bus, unsigned self) {
    ipi_bus_ = bus;
    self_ = self;
  }
  /// The APIC ID register's ID (bits 31:24).
  u8 id() const { return static_cast<u8>(id_ >> 24); }
  /// The task priority register, for lowest-priority arbitration.
  u8 task_priority() const { return static_cast<u8>(tpr_); }
  /// An NMI arrives by message (I/O APIC or IPI): pulses the CPU's NMI.
  void accept_nmi() { pins_.nmi.pulse(); }

  u32 mmio_read(u64 offset, Width w) override;
  void mmio_write(u64 offset, u32 value, Width w) override;
  std::optional<u32> mmio_peek(u64 offset, Width w) const override;
  /// The vector the CPU takes: the highest deliverable fixed interrupt
  /// (moved from IRR to ISR), else ExtINT's from the 8259, else the
  /// spurious vector (SDM Vol. 3A 10.9).
  u8 acknowledge() override;
  /// LINT0/LINT1 pin levels (the 8259's INT on LINT0).
  void set_irq(unsigned line, bool level) override;
  void on_timer(Timer& t) override;

  /// A fixed interrupt arrives (from the I/O APIC or an IPI): sets its IRR
  /// bit. Vectors 0-15 are illegal: ESR bit 6, nothing accepted.
  void accept(u8 vector, bool level_triggered);
  /// Whether a message's destination names this APIC (SDM Vol. 3A 10.6.2):
  /// physical, its APIC ID or FFh (broadcast); logical, a match of the
  /// message destination address with the LDR under the DFR's flat or
  /// cluster model.
  bool addressed(u8 dest, bool logical) const;
  /// ExtINT from an I/O APIC pin: while `asserted`, INTA goes to the 8259
  /// as for LINT0 in ExtINT mode.
  void set_ioapic_extint(bool asserted);
  /// Receives EOIs of level-triggered vectors (TMR set); nullptr = none.
  void set_eoi_listener(EoiListener* l) { eoi_listener_ = l; }

  bool software_enabled() const { return (svr_ & 0x100) != 0; }
  /// Registers, IRR/ISR and the timer, for the debugger.
  std::string dump() const;

 private:
  u32 read_reg(u32 reg) const;
  int highest(const std::array<u32, 8>& bits) const;  ///< -1 when none
  u32 ppr() const;
  bool fixed_deliverable() const;
  bool extint_pending() const;
  void update_intr();
  u32 divide() const;
  u32 current_count() const;
  void start_timer();
  void timer_expired();
  void deliver_lvt(u32 lvt);

  Scheduler& sched_;
  InterruptAcknowledge& extint_;
  CpuPins pins_;
  Picos bus_period_;
  Timer timer_;
  u8 initial_id_;
  bool bsp_;
  IpiBus* ipi_bus_ = nullptr;
  unsigned self_ = 0;

  u32 id_ = 0, tpr_ = 0, ldr_ = 0, dfr_ = 0xFFFF'FFFF, svr_ = 0xFF, esr_ = 0, icr_low_ = 0, icr_high_ = 0;
  std::array<u32, 8> isr_{}, tmr_{}, irr_{};
  u32 lvt_timer_ = 0, lvt_perf_ = 0, lvt_lint0_ = 0, lvt_lint1_ = 0, lvt_error_ = 0;
  u32 initial_count_ = 0, divide_reg_ = 0;
  Picos timer_start_ = 0;  ///< when the count (re)started from initial_count_
  EoiListener* eoi_listener_ = nullptr;
  bool lint0_ = false, lint1_ = false, ioapic_extint_ = false;
  bool intr_level_ = false;
};

}  // namespace gb
