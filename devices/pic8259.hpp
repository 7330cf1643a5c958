// Intel 8259A programmable interrupt controller, and the cascaded master/slave
// pair of a PC/AT with the PIIX edge/level control registers (ELCR).
// References: Intel 8259A Programmable Interrupt Controller datasheet
// (order no. 231468-003, "8259A"), and Intel 82371SB PIIX3 datasheet,
// registers ELCR1/ELCR2 (Edge/Level Triggered Control, ports 4D0h/4D1h).
#pragma once
#include <string>

#include "devices/irq.hpp"
#include "mmu/bus.hpp"
#include "mmu/io_map.hpp"

namespace gb {

/// One 8259A. Ports are abstracted as A0 (0: ICW1/OCW2/OCW3/IRR/ISR/poll,
/// 1: ICW2-4/OCW1/IMR). Only the 8086/88 vector format is produced.
class Pic8259 {
 public:
  Pic8259() { reset(); }

  /// Power-on state: uninitialized, all inputs masked, ELCR edge-triggered.
  void reset();

  void write(bool a0, u8 value);
  /// A read (RD pulse). After a poll command it returns the poll word.
  u8 read(bool a0);

  /// Drives IR input `line` (0-7).
  void set_irq(unsigned line, bool level);

  /// ELCR: per-line level-triggered override (bit set = level).
  u8 elcr() const { return elcr_; }
  void set_elcr(u8 value);

  /// The INT output: an unmasked request outranks everything in service.
  bool int_output() const { return resolve() >= 0; }
  /// INTA sequence: returns the IR line granted, or -1 when no request is
  /// left (spurious: the caller supplies IR7's vector, ISR untouched).
  int acknowledge();
  /// The vector for IR `line` (8086 mode: T7-T3 from ICW2, low bits = line).
  u8 vector(unsigned line) const { return static_cast<u8>((icw2_ & 0xF8) | (line & 7)); }
  /// Whether IR `line` has a slave attached (cascade mode, ICW3 bit set).
  bool is_cascade(unsigned line) const { return !single_ && (icw3_ >> (line & 7) & 1); }

  u8 irr() const { return irr_; }
  u8 isr() const { return isr_; }
  u8 imr() const { return imr_; }
  u8 base() const { return static_cast<u8>(icw2_ & 0xF8); }

 private:
  u8 level_mask() const { return static_cast<u8>((ltim_ ? 0xFF : 0x00) | elcr_); }
  /// Rank of `line` under the current rotation, 0 = highest priority.
  unsigned rank(unsigned line) const { return (line - lowest_ - 1) & 7; }
  /// The highest-priority line set in `bits`, or -1.
  int highest(u8 bits) const;
  /// The line the priority resolver would grant now, or -1.
  int resolve() const;
  void icw1(u8 value);
  void ocw2(u8 value);
  void ocw3(u8 value);
  u8 poll();

  enum class Init : u8 { Ready, Icw2, Icw3, Icw4 };
  Init init_ = Init::Ready;
  u8 irr_ = 0, isr_ = 0, imr_ = 0xFF;
  u8 pins_ = 0;    // current IR input levels
  u8 elcr_ = 0;    // PIIX ELCR bits (level-triggered override)
  u8 icw2_ = 0, icw3_ = 0;
  u8 lowest_ = 7;  // the lowest-priority line (rotation state)
  bool ltim_ = false, single_ = false, need_icw4_ = false;
  bool aeoi_ = false, rotate_aeoi_ = false, sfnm_ = false;
  bool read_isr_ = false, poll_ = false, smm_ = false;
};

/// The PC/AT pair: master at 0x20/0x21, slave at 0xA0/0xA1 on master IR2,
/// ELCR at 0x4D0 (master) / 0x4D1 (slave). IRQ lines 0-15; line 2 is the
/// cascade and is not an input (ISA IRQ2 is routed to IRQ9 on an AT).
class DualPic final : public IoHandler, public IrqSink, public InterruptAcknowledge {
 public:
  /// `intr` receives the master's INT output on `intr_line` when it changes.
  DualPic(IrqSink& intr, unsigned intr_line);

  void reset();

  u32 io_read(u16 port, Width w) override;
  void io_write(u16 port, u32 value, Width w) override;
  void set_irq(unsigned line, bool level) override;
  u8 acknowledge() override;

  bool intr() const { return intr_level_; }
  const Pic8259& master() const { return master_; }
  const Pic8259& slave() const { return slave_; }
  /// IRR/ISR/IMR/base/ELCR of both chips, for the debugger.
  std::string dump() const;

 private:
  static constexpr unsigned kCascade = 2;
  // PIIX3: ELCR1 bits 0-2 and ELCR2 bits 0 and 5 (IRQ 0, 1, 2, 8, 13) are
  // reserved and read 0; those IRQs are always edge-triggered.
  static constexpr u8 kElcrMask[2] = {0xF8, 0xDE};

  Pic8259& chip(u16 port) { return (port & 0x80) ? slave_ : master_; }
  /// Feeds the slave's INT output into master IR2, then updates INTR.
  void update();

  Pic8259 master_, slave_;
  IrqSink& intr_;
  unsigned intr_line_;
  bool intr_level_ = false;
};

}  // namespace gb
