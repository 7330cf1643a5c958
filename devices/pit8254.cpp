// Intel 8254 PIT and PC/AT port 61h. See pit8254.hpp; section names below
// refer to the Intel 8254 datasheet (231164-005).
#include "devices/pit8254.hpp"

#include <algorithm>
#include <cstdio>

namespace gb {

namespace {

constexpr i64 kPs = kPicosPerSecond;

i64 mod(i64 a, i64 m) {
  const i64 r = a % m;
  return r < 0 ? r + m : r;
}

}  // namespace

// t * f / 1e12 without overflow: t = q * 1e12 + r with r < 1e12 (< 2^40), so
// r * f < 2^61 fits in 64 bits.
Pit8254::Tick Pit8254::tick_at(Picos t) {
  if (t <= 0) return 0;
  const i64 q = t / kPs, r = t % kPs;
  return q * kClockHz + r * kClockHz / kPs;
}

// k = q * f + r with r < f, so r * 1e12 < 2^61 fits. Ticks past the end of
// the picosecond range (about 106 days) never come: kNever, not a wrapped
// (past) time.
Picos Pit8254::time_of_tick(Tick k) {
  if (k <= 0) return 0;
  const i64 q = k / kClockHz, r = k % kClockHz;
  if (q > (kNever - 1) / kPs) return kNever;
  const Picos whole = q * kPs;
  const Picos part = (r * kPs + kClockHz - 1) / kClockHz;
  return part > kNever - 1 - whole ? kNever : whole + part;
}

Pit8254::Pit8254(Scheduler& sched, IrqLine irq0)
    : sched_(sched), irq0_(irq0), timer_(sched, *this, "pit0") {
  c_[2].gate = false;  // port 61h bit 0 is clear at power-on
  reset();
}

void Pit8254::reset() {
  for (Counter& c : c_) {
    const bool gate = c.gate;
    c = Counter{};
    c.gate = gate;
  }
  timer_.cancel();
  if (irq_level_) irq0_.lower();
  irq_level_ = false;
}

// "Count Register": a count of 0 is the maximum, 2^16 binary or 10^4 BCD.
u32 Pit8254::decode(const Counter& c, u16 raw) {
  u32 v = raw;
  if (c.bcd()) {
    v = ((raw >> 12) & 15) * 1000 + ((raw >> 8) & 15) * 100 + ((raw >> 4) & 15) * 10 + (raw & 15);
  }
  return v == 0 ? c.modulus() : v;
}

u16 Pit8254::encode(const Counter& c, u32 value) {
  if (!c.bcd()) return static_cast<u16>(value & 0xFFFF);
  const u32 v = value % 10000;
  return static_cast<u16>((v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | (v % 10));
}

// The counting element at tick k.
u32 Pit8254::ce_at(const Counter& c, Tick k) {
  if (!c.running) return c.held_ce;
  Tick base = c.base;
  u32 n = c.start;
  if (c.pend && k >= c.pend_at) {
    base = c.pend_base;
    n = c.pend_n;
  }
  const Tick d = std::max(k, base) - base;
  switch (c.mode()) {
    case 2: {  // Mode 2: N, N-1, ..., 1, reload.
      return n - static_cast<u32>(d % n);
    }
    case 3: {  // Mode 3: decrements by two; odd counts load N-1.
      const Tick h = (n + 1) / 2;
      const Tick p = d % n;
      const Tick q = p < h ? p : p - h;
      return static_cast<u32>((n & ~1u) - 2 * q);
    }
    default:  // Modes 0, 1, 4, 5: N down to 0, then wraps and keeps counting.
      return static_cast<u32>(mod(static_cast<i64>(n) - d % c.modulus(), c.modulus()));
  }
}

bool Pit8254::out_at(const Counter& c, Tick k) {
  if (!c.running) return c.held_out;
  Tick base = c.base;
  u32 n = c.start;
  if (c.pend && k >= c.pend_at) {
    base = c.pend_base;
    n = c.pend_n;
  }
  if (k < base) return c.held_out;
  switch (c.mode()) {
    case 0:  // Mode 0: low until terminal count, then high.
    case 1:  // Mode 1: low from the trigger's next CLK until terminal count.
      return k >= c.term;
    case 2:  // Mode 2: low for one CLK when the count reaches 1.
      return (k - base) % n != n - 1;
    case 3: {  // Mode 3: high for ceil(N/2) CLKs, low for floor(N/2).
      return (k - base) % n < static_cast<Tick>((n + 1) / 2);
    }
    default:  // Modes 4, 5: low for one CLK at terminal count.
      return k != c.term;
  }
}

// The next tick after k at which OUT may change.
Pit8254::Tick Pit8254::next_event(const Counter& c, Tick k) {
  if (!c.running) return kNoTick;
  Tick best = kNoTick;
  auto consider = [&](Tick t) {
    if (t > k && t < best) best = t;
  };
  consider(c.base);
  if (c.mode() == 2 || c.mode() == 3) {
    const Tick j0 = k + 1;
    const bool use_pend = c.pend && j0 >= c.pend_at;
    const Tick base = use_pend ? c.pend_base : c.base;
    const Tick n = use_pend ? c.pend_n : c.start;
    const Tick from = std::max(j0, base);
    const Tick p = (from - base) % n;
    Tick t;
    if (c.mode() == 2) {
      t = (p == 0 || p == n - 1) ? from : from + (n - 1 - p);
    } else {
      const Tick h = (n + 1) / 2;
      t = (p == 0 || p == h) ? from : p < h ? from + (h - p) : from + (n - p);
    }
    consider(t);
    if (c.pend) consider(c.pend_at);
  } else {
    consider(c.term);
    if (c.term < kNoTick) consider(c.term + 1);
  }
  return best;
}

Pit8254::Tick Pit8254::next_edge(const Counter& c, Tick k) {
  const bool now = out_at(c, k);
  Tick t = k;
  for (int i = 0; i < 6; ++i) {
    t = next_event(c, t);
    if (t >= kNoTick) return kNoTick;
    if (out_at(c, t) != now) return t;
  }
  return kNoTick;  // OUT never changes (e.g. the illegal count 1 in mode 2)
}

// Modes 2/3: the next tick after k that ends the current period (mode 2) or
// half-cycle (mode 3); *low_start tells whether the low half begins there.
Pit8254::Tick Pit8254::periodic_boundary(const Counter& c, Tick k, bool* low_start) {
  const Tick n = c.start;
  const Tick p = (k + 1 - c.base) % n;
  *low_start = false;
  if (c.mode() == 2) return p == 0 ? k + 1 : k + 1 + (n - p);
  const Tick h = (n + 1) / 2;
  if (p == 0) return k + 1;
  if (p <= h) {
    *low_start = true;
    return k + 1 + (h - p);
  }
  return k + 1 + (n - p);
}

void Pit8254::normalize(Counter& c, Tick k) {
  if (c.pend && k >= c.pend_at) {
    c.base = c.pend_base;
    c.start = c.pend_n;
    c.pend = false;
  }
}

// CR -> CE transfer after a complete count was written.
void Pit8254::load_count(Counter& c, Tick k) {
  normalize(c, k);
  const u32 n = decode(c, c.cr);
  c.has_count = true;
  switch (c.mode()) {
    case 0:
    case 4:
      // Modes 0/4: the new count is loaded on the next CLK pulse and
      // counting restarts; OUT (mode 0) goes high N CLKs after the load.
      c.held_ce = c.running ? ce_at(c, k) : c.held_ce;
      c.held_out = c.mode() == 4;
      c.load_tick = k + 1;
      c.fired = false;
      if (c.gate) {
        c.running = true;
        c.base = k + 1;
        c.start = n;
        c.term = c.base + n;
      } else {  // loaded, but GATE low inhibits counting
        c.running = false;
        c.held_ce = n;
        c.term = kNoTick;
      }
      break;
    case 1:
    case 5:
      // Modes 1/5: the count is used at the next GATE trigger.
      c.load_tick = kNoTick;
      break;
    default:
      // Modes 2/3: a new count during counting takes effect at the end of
      // the current period (mode 2) / half-cycle (mode 3).
      if (!c.gate) {
        c.load_tick = kNoTick;
        break;
      }
      if (!c.running) {
        c.running = true;
        c.held_out = true;
        c.base = k + 1;
        c.start = n;
        c.pend = false;
        c.load_tick = k + 1;
      } else if (k + 1 <= c.base) {  // written again before the first load
        c.start = n;
      } else {
        bool low = false;
        c.pend_at = periodic_boundary(c, k, &low);
        c.pend_n = n;
        c.pend_base = low ? c.pend_at - static_cast<Tick>((n + 1) / 2) : c.pend_at;
        c.pend = true;
        c.load_tick = c.pend_at;
      }
      break;
  }
}

// "Mode Definitions", GATE: modes 0/4 pause while GATE is low; modes 2/3
// force OUT high and reload on the rising edge; modes 1/5 trigger on it.
void Pit8254::set_gate(Counter& c, bool level, Tick k) {
  if (c.gate == level) return;
  c.gate = level;
  normalize(c, k);
  const u8 m = c.mode();
  if (!c.has_count) return;
  if (m == 0 || m == 4) {
    if (!level) {
      if (!c.running) return;
      c.fired = k >= c.term;
      c.held_ce = ce_at(c, k);
      c.held_out = out_at(c, k);
      c.running = false;
    } else {
      if (c.running) return;
      c.running = true;
      c.base = k + 1;
      c.start = c.held_ce;
      c.term = !c.fired ? c.base + c.held_ce : m == 0 ? c.base : kNoTick;
    }
  } else if (m == 2 || m == 3) {
    if (!level) {
      c.held_ce = ce_at(c, k);
      c.held_out = true;
      c.running = false;
      c.pend = false;
    } else {
      c.running = true;
      c.held_out = true;
      c.base = k + 1;
      c.start = decode(c, c.cr);
      c.pend = false;
      c.load_tick = c.base;
    }
  } else if (level) {  // modes 1/5: rising edge triggers (and retriggers)
    const bool out_now = out_at(c, k);
    c.held_ce = ce_at(c, k);
    c.running = true;
    c.held_out = out_now;
    c.base = k + 1;
    c.start = decode(c, c.cr);
    c.term = c.base + c.start;
    c.load_tick = c.base;
  }
}

void Pit8254::set_gate2(bool level) { set_gate(c_[2], level, now_tick()); }

bool Pit8254::out(unsigned i) const { return out_at(c_[i], now_tick()); }
bool Pit8254::out2() const { return out(2); }

// "Counter Latch Command": a second latch before the first is read is ignored.
void Pit8254::latch_count(Counter& c, Tick k) {
  if (c.count_latched) return;
  c.latch = encode(c, ce_at(c, k));
  c.count_latched = true;
}

// "Status Byte": OUT, NULL COUNT, then the control word's RW/M/BCD bits.
void Pit8254::latch_status(Counter& c, Tick k) {
  if (c.status_latched) return;
  c.status = static_cast<u8>((out_at(c, k) ? 0x80 : 0) | (k < c.load_tick ? 0x40 : 0) | (c.cw & 0x3F));
  c.status_latched = true;
}

void Pit8254::write_control(u8 v) {
  const Tick k = now_tick();
  const unsigned sc = v >> 6;
  if (sc == 3) {  // "Read-Back Command": 11 /COUNT /STATUS CNT2 CNT1 CNT0 0
    for (unsigned i = 0; i < 3; ++i) {
      if (!(v & (2u << i))) continue;
      if (!(v & 0x10)) latch_status(c_[i], k);
      if (!(v & 0x20)) latch_count(c_[i], k);
    }
    return;
  }
  Counter& c = c_[sc];
  if (((v >> 4) & 3) == 0) {  // RW = 00: counter latch command
    latch_count(c, k);
    return;
  }
  // "Write Operations": a control word resets the counter's logic and sets
  // OUT to the mode's initial state (low in mode 0, high otherwise).
  normalize(c, k);
  c.held_ce = ce_at(c, k);
  c.cw = v & 0x3F;
  c.running = false;
  c.pend = false;
  c.has_count = false;
  c.held_out = c.mode() != 0;
  c.term = kNoTick;
  c.fired = false;
  c.load_tick = kNoTick;
  c.write_msb_next = false;
  c.read_msb_next = false;
  c.count_latched = false;
  c.status_latched = false;
}

void Pit8254::write_counter(unsigned i, u8 v) {
  Counter& c = c_[i];
  const Tick k = now_tick();
  switch (c.rw()) {
    case 1:
      c.cr = v;
      break;
    case 2:
      c.cr = static_cast<u16>(v << 8);
      break;
    default:
      if (!c.write_msb_next) {
        c.cr = static_cast<u16>((c.cr & 0xFF00) | v);
        c.write_msb_next = true;
        if (c.mode() == 0) {
          // Mode 0: "Writing the first byte disables counting. OUT is set
          // low immediately".
          normalize(c, k);
          c.held_ce = ce_at(c, k);
          c.held_out = false;
          c.running = false;
          c.term = kNoTick;
        }
        return;
      }
      c.cr = static_cast<u16>((c.cr & 0x00FF) | (v << 8));
      c.write_msb_next = false;
      break;
  }
  load_count(c, k);
}

u8 Pit8254::read_counter(unsigned i) {
  Counter& c = c_[i];
  // "Read-Back Command": if both are latched, status comes out first.
  if (c.status_latched) {
    c.status_latched = false;
    return c.status;
  }
  const u16 v = c.count_latched ? c.latch : encode(c, ce_at(c, now_tick()));
  u8 out;
  switch (c.rw()) {
    case 1:
      out = static_cast<u8>(v);
      c.count_latched = false;
      break;
    case 2:
      out = static_cast<u8>(v >> 8);
      c.count_latched = false;
      break;
    default:
      out = c.read_msb_next ? static_cast<u8>(v >> 8) : static_cast<u8>(v);
      if (c.read_msb_next) c.count_latched = false;
      c.read_msb_next = !c.read_msb_next;
      break;
  }
  return out;
}

u32 Pit8254::io_read(u16 port, Width) {
  const unsigned i = port & 3;
  if (i == 3) return 0xFF;  // the control word register cannot be read
  return read_counter(i);
}

void Pit8254::io_write(u16 port, u32 value, Width) {
  const unsigned i = port & 3;
  const u8 v = static_cast<u8>(value);
  if (i == 3) {
    write_control(v);
  } else {
    write_counter(i, v);
  }
  if (i == 0 || (i == 3 && ((v >> 6) == 0 || (v >> 6) == 3))) update_irq0();
}

void Pit8254::on_timer(Timer&) { update_irq0(); }

void Pit8254::update_irq0() {
  Counter& c = c_[0];
  const Tick k = now_tick();
  normalize(c, k);
  const bool level = out_at(c, k);
  if (level != irq_level_) {
    irq_level_ = level;
    irq0_.set(level);
  }
  // next_edge() is after k, so its time is after now() (time_of_tick(k + 1)
  // > now() >= time_of_tick(k)) or beyond the end of time (kNever).
  const Tick e = next_edge(c, k);
  const Picos when = e >= kNoTick ? kNever : time_of_tick(e);
  if (when == kNever) {
    timer_.cancel();
  } else {
    timer_.arm_at(when);
  }
}

std::string Pit8254::dump() const {
  std::string s;
  const Tick k = now_tick();
  char line[160];
  std::snprintf(line, sizeof line, "8254 PIT: tick %lld\n", static_cast<long long>(k));
  s += line;
  for (unsigned i = 0; i < 3; ++i) {
    const Counter& c = c_[i];
    std::snprintf(line, sizeof line,
                  "  counter %u: mode %u rw %u %s cr %04X ce %04X out %u gate %u%s%s%s%s\n", i,
                  c.mode(), c.rw(), c.bcd() ? "bcd" : "bin", c.cr, encode(c, ce_at(c, k)),
                  out_at(c, k) ? 1u : 0u, c.gate ? 1u : 0u, k < c.load_tick ? " null" : "",
                  c.running ? " running" : "", c.count_latched ? " latched" : "",
                  c.status_latched ? " status" : "");
    s += line;
  }
  return s;
}

u32 Port61::io_read(u16, Width) {
  const bool refresh = (sched_.now() / kRefreshHalfPeriod) & 1;
  return (bits_ & 0x0F) | (refresh ? 0x10 : 0) | (pit_.out2() ? 0x20 : 0);
}

void Port61::io_write(u16, u32 value, Width) {
  bits_ = static_cast<u8>(value & 0x0F);
  pit_.set_gate2(value & 1);
}

void Port61::reset() {
  bits_ = 0;
  pit_.set_gate2(false);
}

}  // namespace gb
