#include "devices/hpet.hpp"

#include <fmt/format.h>

namespace gb {

namespace {

// General Capabilities and ID (IA-PC HPET 1.0a, 2.3.4): REV_ID 01h,
// NUM_TIM_CAP (timers - 1), COUNT_SIZE_CAP (64-bit counter), LEG_RT_CAP,
// VENDOR_ID 8086h, COUNTER_CLK_PERIOD in fs. SeaBIOS's ACPI HPET table
// repeats the low dword (event timer block ID 8086A201h).
constexpr u64 kCapabilities = 0x01 | u64{Hpet::kTimers - 1} << 8 | u64{1} << 13 | u64{1} << 15 |
                              u64{0x8086} << 16 | u64{Hpet::kPeriodFs} << 32;
// The Tn_CONF_CAP bits software may write (2.3.8); Tn_TYPE_CNF only where
// Tn_PER_INT_CAP is set, FSB_EN_CNF nowhere (no Tn_FSB_INT_DEL_CAP).
constexpr u64 kTimerWritable = Hpet::kIntTypeLevel | Hpet::kIntEnb | Hpet::kValSet | Hpet::k32Mode;

}  // namespace

Hpet::Hpet(Scheduler& sched, Wiring& wiring)
    : sched_(sched), wiring_(wiring), ch_{Channel(sched), Channel(sched), Channel(sched)} {
  for (unsigned n = 0; n < kTimers; ++n) {
    ch_[n].hpet = this;
    ch_[n].index = n;
  }
  reset();
}

void Hpet::reset() {
  config_ = 0;
  status_ = 0;
  counter_base_ = 0;
  enabled_at_ = 0;
  for (Channel& c : ch_) {
    c.timer.cancel();
    c.config = 0;
    c.comparator = ~u64{0};  // 2.3.9: all ones at reset
    c.period = 0;
  }
  update_lines();
}

u64 Hpet::counter() const {
  if (!running()) return counter_base_;
  return counter_base_ + static_cast<u64>((sched_.now() - enabled_at_) / kTickPs);
}

u64 Hpet::read64(u32 reg) const {
  switch (reg) {
    case kCapId: return kCapabilities;
    case kConfig: return config_;
    case kStatus: return status_;
    case kCounter: return counter();
    default: break;
  }
  if (reg < kTimer0 || reg >= kTimer0 + kTimers * kTimerStride) return 0;  // reserved
  const unsigned n = (reg - kTimer0) / kTimerStride;
  const Channel& c = ch_[n];
  switch ((reg - kTimer0) % kTimerStride) {
    case kTnConfig: return c.config | (n == 0 ? kPerIntCap : 0) | kSizeCap | u64{kRouteCap} << 32;
    case kTnComparator: return c.comparator;
    default: return 0;  // Tn_FSB_INT_ROUTE: no FSB delivery
  }
}

std::optional<u32> Hpet::mmio_peek(u64 offset, Width w) const {
  if (offset >= 0x400) return 0;  // the rest of the 4 KiB page is reserved
  const u64 v = read64(static_cast<u32>(offset & ~u64{7})) >> (8 * (offset & 7));
  return static_cast<u32>(v) & width_mask(w);
}

void Hpet::mmio_write(u64 offset, u32 value, Width w) {
  if (offset >= 0x400) return;
  const u32 reg = static_cast<u32>(offset & ~u64{7});
  const bool high = (offset & 4) != 0;
  if (w != Width::Dword) {
    // A narrower write changes its bytes of the dword; the others keep
    // their value (and write 0 to General Interrupt Status: no effect).
    const unsigned shift = 8 * (offset & 3);
    const u32 old = reg == kStatus ? 0 : static_cast<u32>(read64(reg) >> (high ? 32 : 0));
    value = (old & ~(width_mask(w) << shift)) | (value << shift);
  }
  write32(reg, high, value);
}

void Hpet::write32(u32 reg, bool high, u32 value) {
  switch (reg) {
    case kCapId: return;  // read only
    case kConfig:
      if (!high) set_config(value & (kEnableCnf | kLegRtCnf));
      return;
    case kStatus:
      // 2.3.6: a level-triggered timer's Tn_INT_STS is cleared by writing 1.
      if (!high) status_ &= ~u64{value};
      update_lines();
      return;
    case kCounter: {
      // 2.3.7: software halts the counter (ENABLE_CNF = 0) before writing it;
      // a write while it runs is ignored, as by QEMU.
      if (running()) return;
      const unsigned shift = high ? 32 : 0;
      counter_base_ = (counter_base_ & ~(u64{0xFFFF'FFFF} << shift)) | u64{value} << shift;
      return;
    }
    default: break;
  }
  if (reg < kTimer0 || reg >= kTimer0 + kTimers * kTimerStride) return;
  Channel& c = ch_[(reg - kTimer0) / kTimerStride];
  switch ((reg - kTimer0) % kTimerStride) {
    case kTnConfig:
      if (!high) write_timer_config(c, value);  // the high dword is Tn_INT_ROUTE_CAP
      return;
    case kTnComparator: write_comparator(c, high, value); return;
    default: return;  // Tn_FSB_INT_ROUTE: no FSB delivery
  }
}

void Hpet::set_config(u64 value) {
  const bool was_running = running();
  if (was_running && !(value & kEnableCnf)) counter_base_ = counter();  // halts at this count
  if (!was_running && (value & kEnableCnf)) enabled_at_ = sched_.now();
  config_ = value;
  for (unsigned n = 0; n < kTimers; ++n) arm(n);
  update_lines();
}

void Hpet::write_timer_config(Channel& c, u32 low) {
  u64 writable = kTimerWritable | (c.index == 0 ? kTypePeriodic : 0);
  // 2.3.8 Tn_INT_ROUTE_CNF: a route outside Tn_INT_ROUTE_CAP is not taken
  // (the field reads back its previous value).
  const unsigned route = (low & kIntRouteMask) >> kIntRouteShift;
  if (kRouteCap & (1u << route)) writable |= kIntRouteMask;
  const u64 old = c.config;
  c.config = (c.config & ~writable) | (low & writable);
  // Edge-triggered timers keep no status (2.3.6: software ignores it).
  if ((old & kIntTypeLevel) && !(c.config & kIntTypeLevel)) status_ &= ~(u64{1} << c.index);
  // Tn_32MODE_CNF: the comparator (and the period) become 32 bits wide.
  if (c.config & k32Mode) {
    c.comparator &= 0xFFFF'FFFF;
    c.period &= 0xFFFF'FFFF;
  }
  arm(c.index);
  update_lines();
}

void Hpet::write_comparator(Channel& c, bool high, u32 value) {
  if (high && (c.config & k32Mode)) return;  // a 32-bit comparator has no high half
  const unsigned shift = high ? 32 : 0;
  auto merged = [&](u64 old) { return (old & ~(u64{0xFFFF'FFFF} << shift)) | u64{value} << shift; };
  // 2.3.9.2.2: in periodic mode a write sets the accumulator's increment
  // (the period); with Tn_VAL_SET_CNF it sets the comparator too. Elsewhere
  // it sets the comparator. Tn_VAL_SET_CNF clears itself after one write
  // (of either half, as QEMU does: Linux and FreeBSD write the start value,
  // then the period, through the low dword).
  if (!(c.config & kTypePeriodic) || (c.config & kValSet)) c.comparator = merged(c.comparator);
  c.period = merged(c.period);
  c.config &= ~kValSet;
  arm(c.index);
}

void Hpet::arm(unsigned n) {
  Channel& c = ch_[n];
  if (!running()) {
    c.timer.cancel();
    return;
  }
  // 2.3.9.2: a timer fires when the main counter (its low 32 bits in 32-bit
  // mode) becomes equal to the comparator: at the first such count after
  // the present one.
  const Picos now = sched_.now();
  const Picos since = now - enabled_at_;
  const u64 count = counter_base_ + static_cast<u64>(since / kTickPs);
  const u64 wrap = (c.config & k32Mode) ? 0xFFFF'FFFFu : ~u64{0};
  const u64 d = (c.comparator - count - 1) & wrap;  // counts between now and the match
  const u64 limit = static_cast<u64>((kNever - now) / kTickPs);
  if (d >= limit - 1) {
    c.timer.cancel();  // past the end of virtual time (a 64-bit wrap)
    return;
  }
  c.timer.arm_at(now - since % kTickPs + static_cast<Picos>(d + 1) * kTickPs);
}

void Hpet::fire(unsigned n) {
  Channel& c = ch_[n];
  // 2.3.9.2.2: a periodic timer's comparator advances by the period at
  // each match (wrapping at 32 bits in 32-bit mode).
  if (c.config & kTypePeriodic) {
    c.comparator += c.period;
    if (c.config & k32Mode) c.comparator &= 0xFFFF'FFFF;
  }
  if (c.config & kIntTypeLevel) {
    // 2.3.6: the status bit is set whether or not Tn_INT_ENB_CNF allows
    // the interrupt; the line stays asserted until software clears it.
    status_ |= u64{1} << n;
    update_lines();
  } else if (c.config & kIntEnb) {
    Lines pulse = out_;
    assert_into(pulse, n);
    if (!(pulse == out_)) {  // a line already held high gives no edge
      wiring_.hpet_lines(pulse);
      wiring_.hpet_lines(out_);
    }
  }
  arm(n);
}

void Hpet::assert_into(Lines& l, unsigned n) const {
  // 2.3.5 LEG_RT_CNF: timer 0 to IRQ0, timer 1 to IRQ8; the routing
  // fields of those two are then ignored.
  if (l.legacy_replacement && n == 0) l.timer0_legacy = true;
  else if (l.legacy_replacement && n == 1) l.timer1_legacy = true;
  else l.ioapic |= 1u << ((ch_[n].config & kIntRouteMask) >> kIntRouteShift);
}

void Hpet::update_lines() {
  Lines l;
  l.legacy_replacement = legacy();
  for (unsigned n = 0; n < kTimers && running(); ++n) {
    const u64 cfg = ch_[n].config;
    // 2.3.5 ENABLE_CNF = 0 disables every timer interrupt.
    if ((cfg & kIntTypeLevel) && (cfg & kIntEnb) && (status_ >> n & 1)) assert_into(l, n);
  }
  if (l == out_) return;
  out_ = l;
  wiring_.hpet_lines(out_);
}

std::string Hpet::dump() const {
  std::string out = fmt::format("HPET at {:08x}: counter {:016x} ({}), legacy replacement {}, status {:x}\n", kDefaultBase,
                                counter(), running() ? "running" : "halted", config_ & kLegRtCnf ? "on" : "off", status_);
  for (unsigned n = 0; n < kTimers; ++n) {
    const Channel& c = ch_[n];
    const unsigned route = static_cast<unsigned>((c.config & kIntRouteMask) >> kIntRouteShift);
    out += fmt::format("  timer {}: config {:04x} {} {} {}{} route {} comparator {:016x}", n, c.config,
                       c.config & kIntTypeLevel ? "level" : "edge", c.config & kIntEnb ? "enabled" : "disabled",
                       c.config & kTypePeriodic ? "periodic" : "one-shot", c.config & k32Mode ? " 32-bit" : "", route,
                       c.comparator);
    if (c.config & kTypePeriodic) out += fmt::format(" period {:x}", c.period);
    if (c.timer.armed()) out += fmt::format(" next at {} ps", c.timer.deadline());
    out += '\n';
  }
  return out;
}

}  // namespace gb
