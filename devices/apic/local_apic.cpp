#include "devices/apic/local_apic.hpp"

#include <fmt/format.h>

namespace gb {

namespace {

// LVT fields (SDM Vol. 3A 10.5.1, figure 10-8).
constexpr u32 kVector = 0xFF, kDeliveryMode = 0x700, kMasked = 1u << 16, kPeriodic = 1u << 17;
constexpr u32 kModeFixed = 0x000, kModeNmi = 0x400, kModeExtInt = 0x700;
// Writable bits per LVT entry (delivery status and remote IRR read only).
constexpr u32 kTimerBits = kVector | kMasked | kPeriodic;
constexpr u32 kLintBits = kVector | kDeliveryMode | (1u << 13) | (1u << 15) | kMasked;
constexpr u32 kPerfBits = kVector | kDeliveryMode | kMasked;
constexpr u32 kErrorBits = kVector | kMasked;
constexpr u32 kEsrIllegalVector = 1u << 6;  // "Receive Illegal Vector" (SDM 10.5.3)

void set_bit(std::array<u32, 8>& a, unsigned v, bool on) {
  if (on) a[v >> 5] |= 1u << (v & 31);
  else a[v >> 5] &= ~(1u << (v & 31));
}

}  // namespace

LocalApic::LocalApic(Scheduler& sched, InterruptAcknowledge& extint, CpuPins pins, Picos bus_period, u8 apic_id,
                     bool bsp)
    : sched_(sched), extint_(extint), pins_(pins), bus_period_(bus_period), timer_(sched, *this, "lapic-timer"),
      initial_id_(apic_id), bsp_(bsp) {
  reset();
}

void LocalApic::init() {
  const u32 id = id_;
  reset();
  id_ = id;
  lvt_lint0_ = kModeExtInt | kMasked;
  lvt_lint1_ = kModeNmi | kMasked;
  update_intr();
}

void LocalApic::reset() {
  timer_.cancel();
  id_ = u32{initial_id_} << 24;
  tpr_ = ldr_ = esr_ = icr_low_ = icr_high_ = 0;
  ioapic_extint_ = false;
  dfr_ = 0xFFFF'FFFF;
  svr_ = 0xFF;  // software-disabled, spurious vector FFh (SDM 10.12.5.1)
  isr_ = tmr_ = irr_ = {};
  lvt_timer_ = lvt_perf_ = lvt_error_ = kMasked;
  // The BSP: virtual wire from the start (see the header); an AP's LINT
  // pins are masked, as SDM 10.12.5.1 gives them.
  lvt_lint0_ = bsp_ ? kModeExtInt : kModeExtInt | kMasked;
  lvt_lint1_ = bsp_ ? kModeNmi : kModeNmi | kMasked;  // the PC's NMI on LINT1, as firmware sets it
  initial_count_ = divide_reg_ = 0;
  update_intr();
}

int LocalApic::highest(const std::array<u32, 8>& bits) const {
  for (int w = 7; w >= 0; --w) {
    if (bits[static_cast<size_t>(w)]) {
      const u32 x = bits[static_cast<size_t>(w)];
      int b = 31;
      while (!((x >> b) & 1)) --b;
      return w * 32 + b;
    }
  }
  return -1;
}

u32 LocalApic::ppr() const {
  // SDM 10.8.3.1: PPR = TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4] << 4.
  const int isrv = highest(isr_);
  const u32 isr_class = isrv < 0 ? 0 : static_cast<u32>(isrv) & 0xF0;
  return (tpr_ & 0xF0) >= isr_class ? tpr_ & 0xFF : isr_class;
}

bool LocalApic::fixed_deliverable() const {
  // SDM 10.8.3.1: the highest IRR vector is delivered if its priority class
  // is above the processor priority class.
  const int irrv = highest(irr_);
  return irrv >= 0 && (static_cast<u32>(irrv) & 0xF0) > (ppr() & 0xF0);
}

bool LocalApic::extint_pending() const {
  return ioapic_extint_ || (lint0_ && !(lvt_lint0_ & kMasked) && (lvt_lint0_ & kDeliveryMode) == kModeExtInt);
}

void LocalApic::set_ioapic_extint(bool asserted) {
  ioapic_extint_ = asserted;
  update_intr();
}

bool LocalApic::addressed(u8 dest, bool logical) const {
  if (!logical) return dest == 0xFF || dest == (id_ >> 24);
  const u32 ldr = ldr_ >> 24;
  if ((dfr_ >> 28) == 0xF) return (ldr & dest) != 0;  // flat: a bit per APIC
  // Cluster: bits 7-4 the cluster (Fh all), bits 3-0 the APICs within it.
  const u32 cluster = dest >> 4;
  return (cluster == 0xF || cluster == (ldr >> 4)) && (dest & ldr & 0xF) != 0;
}

void LocalApic::update_intr() {
  const bool level = (software_enabled() && fixed_deliverable()) || extint_pending();
  if (level != intr_level_) {
    intr_level_ = level;
    pins_.intr.set(level);
  }
}

void LocalApic::accept(u8 vector, bool level_triggered) {
  if (vector < 16) {
    esr_ |= kEsrIllegalVector;
    return;
  }
  set_bit(irr_, vector, true);
  set_bit(tmr_, vector, level_triggered);
  update_intr();
}

u8 LocalApic::acknowledge() {
  if (software_enabled() && fixed_deliverable()) {
    const unsigned v = static_cast<unsigned>(highest(irr_));
    set_bit(irr_, v, false);
    set_bit(isr_, v, true);
    update_intr();
    return static_cast<u8>(v);
  }
  if (extint_pending()) return extint_.acknowledge();  // the 8259 answers INTA itself
  // Nothing left by the time of INTA (TPR raised, or the line fell): the
  // spurious vector, with no ISR bit (SDM 10.9).
  return static_cast<u8>(svr_ & 0xFF);
}

void LocalApic::set_irq(unsigned line, bool level) {
  bool& pin = line == kLint0 ? lint0_ : lint1_;
  const bool rising = level && !pin;
  pin = level;
  const u32 lvt = line == kLint0 ? lvt_lint0_ : lvt_lint1_;
  if (rising && !(lvt & kMasked)) {
    if ((lvt & kDeliveryMode) == kModeNmi) pins_.nmi.pulse();
    else if ((lvt & kDeliveryMode) == kModeFixed) accept(static_cast<u8>(lvt & kVector), false);
  }
  update_intr();
}

u32 LocalApic::divide() const {
  // Divide Configuration Register bits 3, 1, 0 (SDM 10.5.4, figure 10-10):
  // 000 = 2, 001 = 4, ..., 110 = 128, 111 = 1.
  const u32 code = (divide_reg_ & 3) | ((divide_reg_ >> 1) & 4);
  return code == 7 ? 1 : 2u << code;
}

u32 LocalApic::current_count() const {
  if (initial_count_ == 0) return 0;
  const u64 ticks = static_cast<u64>((sched_.now() - timer_start_) / (bus_period_ * divide()));
  if (lvt_timer_ & kPeriodic) return initial_count_ - static_cast<u32>(ticks % initial_count_);
  return ticks >= initial_count_ ? 0 : initial_count_ - static_cast<u32>(ticks);
}

void LocalApic::start_timer() {
  timer_start_ = sched_.now();
  if (initial_count_ == 0) {
    timer_.cancel();  // a zero initial count stops the timer
    return;
  }
  timer_.arm_at(timer_start_ + static_cast<Picos>(initial_count_) * bus_period_ * divide());
}

void LocalApic::on_timer(Timer&) {
  deliver_lvt(lvt_timer_);
  // Periodic: the count reloads from the initial count (SDM 10.5.4). One-shot:
  // it stays 0 (current_count() derives that) until a new initial count.
  if ((lvt_timer_ & kPeriodic) && initial_count_) {
    timer_start_ = sched_.now();
    timer_.arm_at(timer_start_ + static_cast<Picos>(initial_count_) * bus_period_ * divide());
  }
}

void LocalApic::deliver_lvt(u32 lvt) {
  if (!(lvt & kMasked)) accept(static_cast<u8>(lvt & kVector), false);
}

u32 LocalApic::read_reg(u32 reg) const {
  if (reg >= kIsr && reg < kIsr + 0x80) return isr_[(reg - kIsr) >> 4];
  if (reg >= kTmr && reg < kTmr + 0x80) return tmr_[(reg - kTmr) >> 4];
  if (reg >= kIrr && reg < kIrr + 0x80) return irr_[(reg - kIrr) >> 4];
  switch (reg) {
    case kId: return id_;
    case kVersion: return kVersionValue;
    case kTpr: return tpr_;
    case kApr: return 0;
    case kPpr: return ppr();
    case kLdr: return ldr_;
    case kDfr: return dfr_ | 0x0FFF'FFFF;
    case kSvr: return svr_;
    case kEsr: return esr_;
    case kIcrLow: return icr_low_ & ~(1u << 12);  // delivery status: idle
    case kIcrHigh: return icr_high_;
    case kLvtTimer: return lvt_timer_;
    case kLvtPerf: return lvt_perf_;
    case kLvtLint0: return lvt_lint0_ | (lint0_ && (lvt_lint0_ & (1u << 15)) ? 1u << 14 : 0);
    case kLvtLint1: return lvt_lint1_;
    case kLvtError: return lvt_error_;
    case kInitialCount: return initial_count_;
    case kCurrentCount: return current_count();
    case kDivide: return divide_reg_;
    default: return 0;  // reserved registers read 0
  }
}

std::optional<u32> LocalApic::mmio_peek(u64 offset, Width w) const {
  const u32 reg = static_cast<u32>(offset & 0xFF0);
  return (read_reg(reg) >> (8 * (offset & 3))) & width_mask(w);
}

u32 LocalApic::mmio_read(u64 offset, Width w) { return *mmio_peek(offset, w); }

void LocalApic::mmio_write(u64 offset, u32 value, Width) {
  // Registers are 32 bits wide at 16-byte-aligned offsets; narrower writes
  // are treated as the whole register (SDM 10.4.1: only aligned 32-bit
  // accesses are defined).
  const u32 reg = static_cast<u32>(offset & 0xFF0);
  const u32 forced_mask = software_enabled() ? 0 : kMasked;  // SDM 10.4.7.2
  switch (reg) {
    case kId: id_ = value & 0xFF00'0000; break;  // an 8-bit xAPIC ID
    case kTpr: tpr_ = value & 0xFF; break;
    case kEoi: {
      const int v = highest(isr_);
      if (v < 0) break;
      const unsigned vec = static_cast<unsigned>(v);
      set_bit(isr_, vec, false);
      // A level-triggered interrupt's EOI goes on to the I/O APIC.
      if (eoi_listener_ && ((tmr_[vec >> 5] >> (vec & 31)) & 1)) eoi_listener_->eoi(static_cast<u8>(vec));
      break;
    }
    case kLdr: ldr_ = value & 0xFF00'0000; break;
    case kDfr: dfr_ = (value & 0xF000'0000) | 0x0FFF'FFFF; break;
    case kSvr:
      // P6: bits 3-0 of the vector are hardwired to 1 (SDM 10.9).
      svr_ = (value & 0x3F0) | 0x0F;
      if (!software_enabled()) {
        lvt_timer_ |= kMasked;
        lvt_perf_ |= kMasked;
        lvt_lint0_ |= kMasked;
        lvt_lint1_ |= kMasked;
        lvt_error_ |= kMasked;
      }
      break;
    case kEsr: esr_ = 0; break;  // a write latches the errors since the last one: none kept
    case kIcrHigh: icr_high_ = value & 0xFF00'0000; break;
    case kIcrLow: {
      icr_low_ = value & 0x000C'CFFF;
      const u32 shorthand = (value >> 18) & 3, mode = value & kDeliveryMode;
      const u8 dest = static_cast<u8>(icr_high_ >> 24);
      if (ipi_bus_) {
        Ipi ipi;
        ipi.vector = static_cast<u8>(value & kVector);
        ipi.mode = static_cast<u8>(mode >> 8);
        ipi.shorthand = static_cast<u8>(shorthand);
        ipi.dest = dest;
        ipi.logical = (value >> 11) & 1;
        ipi.assert = (value >> 14) & 1;
        ipi.level_triggered = (value >> 15) & 1;
        ipi_bus_->send_ipi(ipi, self_);
        break;
      }
      // No IPI bus (a lone APIC): self (01), all including self (10), or a
      // destination naming it reaches it; INIT and SIPI find nobody.
      const bool to_self = shorthand == 1 || shorthand == 2 || (shorthand == 0 && addressed(dest, (value >> 11) & 1));
      if (to_self && mode == kModeFixed) accept(static_cast<u8>(value & kVector), (value >> 15) & 1);
      if (to_self && mode == kModeNmi) pins_.nmi.pulse();
      break;
    }
    case kLvtTimer: lvt_timer_ = (value & kTimerBits) | forced_mask; break;
    case kLvtPerf: lvt_perf_ = (value & kPerfBits) | forced_mask; break;
    case kLvtLint0: lvt_lint0_ = (value & kLintBits) | forced_mask; break;
    case kLvtLint1: lvt_lint1_ = (value & kLintBits) | forced_mask; break;
    case kLvtError: lvt_error_ = (value & kErrorBits) | forced_mask; break;
    case kInitialCount:
      initial_count_ = value;
      start_timer();
      break;
    case kDivide:
      // A new divide while counting: the SDM leaves it open; here the count
      // restarts from the initial count at the new rate.
      divide_reg_ = value & 0x0B;
      if (initial_count_ && timer_.armed()) start_timer();
      break;
    default: break;  // read-only and reserved registers ignore writes
  }
  update_intr();
}

std::string LocalApic::dump() const {
  const auto hex = [](const std::array<u32, 8>& a) {
    std::string s;
    for (int i = 7; i >= 0; --i) s += fmt::format("{:08x}", a[static_cast<size_t>(i)]);
    return s;
  };
  return fmt::format(
      "local APIC: ID {} version {:08x} SVR {:03x} ({}) TPR {:02x} PPR {:02x} ESR {:02x}\n"
      "  IRR {}\n  ISR {}\n  TMR {}\n"
      "  LVT timer {:05x} LINT0 {:05x} LINT1 {:05x} error {:05x} perf {:05x}\n"
      "  timer: initial {:08x} current {:08x} divide {} ({})\n  INTR {}",
      id_ >> 24, kVersionValue, svr_, software_enabled() ? "enabled" : "software-disabled", tpr_, ppr(), esr_, hex(irr_),
      hex(isr_), hex(tmr_), lvt_timer_, lvt_lint0_, lvt_lint1_, lvt_error_, lvt_perf_, initial_count_, current_count(),
      divide(), lvt_timer_ & kPeriodic ? "periodic" : "one-shot", intr_level_ ? "high" : "low");
}

}  // namespace gb
