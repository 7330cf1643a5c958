// Motorola MC146818 RTC + CMOS RAM. See cmos_rtc.hpp; section names below
// refer to the Motorola MC146818A datasheet.
#include "devices/cmos_rtc.hpp"

#include <algorithm>
#include <cstdio>

namespace gb {

namespace {

constexpr i64 kPs = kPicosPerSecond;
constexpr i64 kSecsPerDay = 86'400;
/// "Update Cycle": UIP rises tBUC = 244 us before the update.
constexpr Picos kUipWindow = 244'000'000;
/// 8 cycles of the 32.768 kHz time base: 8 / 32768 s = 244140625 ps exactly.
constexpr i64 kPsPer8Cycles = 244'140'625;

i64 floor_div(i64 a, i64 b) {
  const i64 q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
i64 mod(i64 a, i64 m) { return a - floor_div(a, m) * m; }

// Proleptic Gregorian calendar <-> days since 1970-01-01 (H. Hinnant's
// days_from_civil / civil_from_days algorithms).
i64 days_from_civil(i64 y, i64 m, i64 d) {
  y -= m <= 2 ? 1 : 0;
  const i64 era = floor_div(y, 400);
  const i64 yoe = y - era * 400;
  const i64 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const i64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  i64 y, m, d;
};

Civil civil_from_days(i64 z) {
  z += 719468;
  const i64 era = floor_div(z, 146097);
  const i64 doe = z - era * 146097;
  const i64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const i64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const i64 mp = (5 * doy + 2) / 153;
  const i64 d = doy - (153 * mp + 2) / 5 + 1;
  const i64 m = mp < 10 ? mp + 3 : mp - 9;
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

/// Whole 32.768 kHz cycles elapsed in x >= 0 ps: floor(x * 32768 / 1e12).
i64 cycles_in(Picos x) { return (x / kPsPer8Cycles) * 8 + (x % kPsPer8Cycles) * 8 / kPsPer8Cycles; }
/// The time at which cycle n has elapsed: ceil(n * 1e12 / 32768).
Picos time_of_cycles(i64 n) { return (n / 8) * kPsPer8Cycles + ((n % 8) * kPsPer8Cycles + 7) / 8; }

u8 to_bcd(i64 v) { return static_cast<u8>(((v / 10) % 10) << 4 | (v % 10)); }
i64 from_bcd(u8 b) { return (b >> 4) * 10 + (b & 0x0F); }

constexpr u8 kTimeRegs[] = {CmosRtc::kSeconds,    CmosRtc::kMinutes, CmosRtc::kHours,
                            CmosRtc::kDayOfWeek,  CmosRtc::kDayOfMonth, CmosRtc::kMonth,
                            CmosRtc::kYear,       CmosRtc::kCentury};

}  // namespace

CmosRtc::CmosRtc(Scheduler& sched, IrqLine irq8, i64 base_unix_seconds)
    : sched_(sched), irq8_(irq8), timer_(sched, *this, "rtc") {
  regs_[kRegA] = 0x26;
  regs_[kRegB] = k24h;
  clock_secs_ = base_unix_seconds;
  clock_time_ = 0;
  div_origin_ = 0;
  settled_to_ = sched_.now();
  snapshot_time();
}

// ---- configuration ------------------------------------------------------

bool CmosRtc::divider_reset() const { return (regs_[kRegA] & 0x60) == 0x60; }

bool CmosRtc::running() const { return !(regs_[kRegB] & kSet) && !divider_reset(); }

// "Register A", Table 4 (32.768 kHz time base): RS = 0 off; 1 and 2 give
// 256 Hz and 128 Hz (they alias rates 8 and 9); 3-15 give 32768 >> (RS-1) Hz.
i64 CmosRtc::periodic_cycles() const {
  if (divider_reset()) return 0;
  const unsigned rs = regs_[kRegA] & 0x0F;
  if (rs == 0) return 0;
  if (rs == 1) return 128;
  if (rs == 2) return 256;
  return i64{1} << (rs - 1);
}

bool CmosRtc::uip() const {
  return running() && mod(sched_.now() - clock_time_, kPs) >= kPs - kUipWindow;
}

// ---- lazily derived events -----------------------------------------------

i64 CmosRtc::updates_by(Picos t) const { return floor_div(t - clock_time_, kPs); }

i64 CmosRtc::periodic_by(Picos t) const {
  const i64 p = periodic_cycles();
  if (p == 0 || t <= div_origin_) return 0;
  return cycles_in(t - div_origin_) / p;
}

Picos CmosRtc::periodic_time(i64 k) const { return div_origin_ + time_of_cycles(k * periodic_cycles()); }

// "Register C": PF, AF and UF are set whatever PIE, AIE and UIE say.
u8 CmosRtc::flags_between(Picos from, Picos to) const {
  if (to <= from) return 0;
  u8 f = 0;
  if (periodic_cycles() != 0 && periodic_by(to) > periodic_by(from)) f |= kPf;
  if (running()) {
    const i64 j0 = updates_by(from), j1 = updates_by(to);
    if (j1 > j0) {
      f |= kUf;
      // Over any whole day every hh:mm:ss occurs once, so a day suffices.
      const i64 last = j1 - j0 > kSecsPerDay ? j0 + kSecsPerDay : j1;
      for (i64 j = j0 + 1; j <= last; ++j) {
        if (alarm_matches(clock_secs_ + j)) {
          f |= kAf;
          break;
        }
      }
    }
  }
  return f;
}

void CmosRtc::settle() {
  const Picos now = sched_.now();
  flags_ |= flags_between(settled_to_, now);
  settled_to_ = now;
}

// "Interrupts": IRQ is asserted while IRQF = PF.PIE + AF.AIE + UF.UIE.
void CmosRtc::update_irq() {
  const u8 b = regs_[kRegB];
  const bool level = ((flags_ & kPf) && (b & kPie)) || ((flags_ & kAf) && (b & kAie)) ||
                     ((flags_ & kUf) && (b & kUie));
  if (level != irq_level_) {
    irq_level_ = level;
    irq8_.set(level);
  }
}

// Only an enabled interrupt whose flag is still clear can change the IRQ
// output, so only those need an event.
void CmosRtc::rearm() {
  const Picos now = sched_.now();
  const u8 b = regs_[kRegB];
  Picos next = kNever;
  if ((b & kPie) && !(flags_ & kPf) && periodic_cycles() != 0) {
    next = std::min(next, periodic_time(periodic_by(now) + 1));
  }
  if (running()) {
    const i64 j = updates_by(now);
    if ((b & kUie) && !(flags_ & kUf)) next = std::min(next, clock_time_ + (j + 1) * kPs);
    if ((b & kAie) && !(flags_ & kAf)) {
      for (i64 k = j + 1; k <= j + kSecsPerDay; ++k) {
        if (alarm_matches(clock_secs_ + k)) {
          next = std::min(next, clock_time_ + k * kPs);
          break;
        }
      }
    }
  }
  if (next == kNever) {
    timer_.cancel();
  } else {
    timer_.arm_at(next);
  }
}

void CmosRtc::on_timer(Timer&) {
  settle();
  update_irq();
  rearm();
}

// ---- time and calendar bytes ("Time, Calendar, and Alarm Locations") ---

bool CmosRtc::is_time_reg(u8 index) {
  for (u8 r : kTimeRegs)
    if (r == index) return true;
  return false;
}

// "Alarm": a byte C0-FF is "don't care" and matches every value.
bool CmosRtc::alarm_matches(i64 secs) const {
  static constexpr u8 kPairs[3][2] = {
      {kSecondsAlarm, kSeconds}, {kMinutesAlarm, kMinutes}, {kHoursAlarm, kHours}};
  for (const auto& p : kPairs) {
    const u8 a = regs_[p[0]];
    if ((a & 0xC0) == 0xC0) continue;
    if (a != clock_byte(p[1], secs)) return false;
  }
  return true;
}

u8 CmosRtc::clock_byte(u8 index, i64 secs) const {
  const bool binary = regs_[kRegB] & kDm;
  auto enc = [binary](i64 v) { return binary ? static_cast<u8>(v) : to_bcd(v); };
  const i64 days = floor_div(secs, kSecsPerDay);
  const i64 sod = secs - days * kSecsPerDay;
  switch (index) {
    case kSeconds:
      return enc(sod % 60);
    case kMinutes:
      return enc(sod / 60 % 60);
    case kHours: {
      const i64 h = sod / 3600;
      if (regs_[kRegB] & k24h) return enc(h);
      // 12-hour mode: 1-12, bit 7 = PM.
      const i64 h12 = h % 12 == 0 ? 12 : h % 12;
      return static_cast<u8>(enc(h12) | (h >= 12 ? 0x80 : 0));
    }
    case kDayOfWeek:  // 1 = Sunday; 1970-01-01 was a Thursday
      return enc(mod(days + 4 + dow_offset_, 7) + 1);
    default:
      break;
  }
  const Civil c = civil_from_days(days);
  switch (index) {
    case kDayOfMonth:
      return enc(c.d);
    case kMonth:
      return enc(c.m);
    case kYear:
      return enc(mod(c.y, 100));
    case kCentury:
      return enc(mod(floor_div(c.y, 100), 100));
    default:
      return 0;
  }
}

void CmosRtc::snapshot_time() {
  const i64 secs = unix_seconds();
  for (u8 r : kTimeRegs) regs_[r] = clock_byte(r, secs);
}

void CmosRtc::load_time_from_regs() {
  const bool binary = regs_[kRegB] & kDm;
  auto dec = [binary](u8 b) { return binary ? i64{b} : from_bcd(b); };
  const u8 hb = regs_[kHours];
  const i64 h = (regs_[kRegB] & k24h) ? dec(hb) : dec(hb & 0x7F) % 12 + ((hb & 0x80) ? 12 : 0);
  i64 month = dec(regs_[kMonth]);
  month = month < 1 ? 1 : month > 12 ? 12 : month;
  const i64 year = dec(regs_[kCentury]) * 100 + dec(regs_[kYear]);
  const i64 days = days_from_civil(year, month, dec(regs_[kDayOfMonth]));
  clock_secs_ = days * kSecsPerDay + h * 3600 + dec(regs_[kMinutes]) * 60 + dec(regs_[kSeconds]);
  // The chip's day-of-week counter is independent of the date; keep what
  // the guest wrote as an offset from the computed weekday.
  const i64 sd = floor_div(clock_secs_, kSecsPerDay);
  dow_offset_ = mod(dec(regs_[kDayOfWeek]) - 1 - mod(sd + 4, 7), 7);
}

i64 CmosRtc::unix_seconds() const {
  return clock_secs_ + (running() ? updates_by(sched_.now()) : 0);
}

// ---- register access -----------------------------------------------------

u8 CmosRtc::read_reg(u8 index) {
  if (index == kRegC) {
    settle();
    update_irq();
    const u8 v = static_cast<u8>(flags_ | (irq_level_ ? kIrqf : 0));
    flags_ = 0;
    update_irq();
    rearm();
    return v;
  }
  return cmos(index);
}

u8 CmosRtc::cmos(u8 index) const {
  index &= 0x7F;
  if (is_time_reg(index)) return running() ? clock_byte(index, unix_seconds()) : regs_[index];
  switch (index) {
    case kRegA:
      return static_cast<u8>((regs_[kRegA] & 0x7F) | (uip() ? kUip : 0));
    case kRegC: {
      const u8 f = static_cast<u8>(flags_ | flags_between(settled_to_, sched_.now()));
      const u8 b = regs_[kRegB];
      const bool irqf =
          ((f & kPf) && (b & kPie)) || ((f & kAf) && (b & kAie)) || ((f & kUf) && (b & kUie));
      return static_cast<u8>(f | (irqf ? kIrqf : 0));
    }
    case kRegD:  // "Register D": VRT reads 1 (battery good); bits 6-0 read 0
      return kVrt;
    default:
      return regs_[index];
  }
}

void CmosRtc::write_reg(u8 index, u8 value) {
  index &= 0x7F;
  if (is_time_reg(index)) {
    settle();
    if (running()) {
      // Writing while updates run: the new value takes effect from the
      // current second boundary on.
      snapshot_time();
      regs_[index] = value;
      const i64 j = updates_by(sched_.now());
      load_time_from_regs();
      clock_time_ += j * kPs;
    } else {
      regs_[index] = value;
    }
    update_irq();
    rearm();
    return;
  }
  switch (index) {
    case kSecondsAlarm:
    case kMinutesAlarm:
    case kHoursAlarm:
      settle();
      regs_[index] = value;
      update_irq();
      rearm();
      return;
    case kRegA: {
      // UIP (bit 7) is read-only; DV2-DV0 and RS3-RS0 are stored.
      settle();
      const bool was_running = running(), was_reset = divider_reset();
      if (was_running) snapshot_time();
      regs_[kRegA] = static_cast<u8>(value & 0x7F);
      if (was_reset && !divider_reset()) {
        // "Divider reset": the first update occurs 500 ms after release.
        const Picos now = sched_.now();
        div_origin_ = now;
        clock_time_ = now - kPs / 2;
        load_time_from_regs();
      }
      update_irq();
      rearm();
      return;
    }
    case kRegB: {
      settle();
      const bool was_running = running();
      if (was_running) snapshot_time();  // in the old data format
      // "Register B": setting SET clears UIE.
      if (value & kSet) value = static_cast<u8>(value & ~kUie);
      regs_[kRegB] = value;
      if (!was_running && running()) {
        // SET cleared: the written time counts from the divider chain's
        // current second boundary, which kept running meanwhile.
        const i64 j = updates_by(sched_.now());
        load_time_from_regs();
        clock_time_ += j * kPs;
      }
      update_irq();
      rearm();
      return;
    }
    case kRegC:
    case kRegD:
      return;  // read-only
    default:
      regs_[index] = value;
  }
}

u32 CmosRtc::io_read(u16 port, Width) {
  // Port 70h is write-only on the AT; reads float.
  if (!(port & 1)) return 0xFF;
  return read_reg(index_);
}

void CmosRtc::io_write(u16 port, u32 value, Width) {
  const u8 v = static_cast<u8>(value);
  if (!(port & 1)) {
    index_ = static_cast<u8>(v & 0x7F);
    nmi_masked_ = (v & 0x80) != 0;
    return;
  }
  write_reg(index_, v);
}

void CmosRtc::set_cmos(u8 index, u8 value) { write_reg(index, value); }

void CmosRtc::update_checksum() {
  unsigned sum = 0;
  for (unsigned i = 0x10; i <= 0x2D; ++i) sum += regs_[i];
  regs_[kChecksumHi] = static_cast<u8>(sum >> 8);
  regs_[kChecksumLo] = static_cast<u8>(sum);
}

std::string CmosRtc::dump() const {
  std::string s;
  char line[160];
  const i64 secs = unix_seconds();
  const i64 days = floor_div(secs, kSecsPerDay);
  const i64 sod = secs - days * kSecsPerDay;
  const Civil c = civil_from_days(days);
  std::snprintf(line, sizeof line,
                "MC146818 RTC: %04lld-%02lld-%02lld %02lld:%02lld:%02lld UTC (%s)%s\n",
                static_cast<long long>(c.y), static_cast<long long>(c.m),
                static_cast<long long>(c.d), static_cast<long long>(sod / 3600),
                static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60),
                running() ? "running" : "stopped", nmi_masked_ ? " NMI masked" : "");
  s += line;
  std::snprintf(line, sizeof line, "  index %02X  A %02X  B %02X  C %02X  D %02X  irq8 %u  timer %s\n",
                index_, cmos(kRegA), regs_[kRegB], cmos(kRegC), cmos(kRegD), irq_level_ ? 1u : 0u,
                timer_.armed() ? "armed" : "idle");
  s += line;
  for (unsigned row = 0; row < 128; row += 16) {
    std::snprintf(line, sizeof line, "  %02X:", row);
    s += line;
    for (unsigned i = 0; i < 16; ++i) {
      std::snprintf(line, sizeof line, " %02X", cmos(static_cast<u8>(row + i)));
      s += line;
    }
    s += '\n';
  }
  return s;
}

}  // namespace gb
