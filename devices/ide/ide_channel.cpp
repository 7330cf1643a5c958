// IDE channel and the shared device protocol engine; see ide_channel.hpp for
// the specifications followed and the bus behaviour chosen.
#include "devices/ide/ide_channel.hpp"

#include <cstdio>
#include <stdexcept>

#include "devices/ide/ata_disk.hpp"
#include "devices/ide/atapi_cdrom.hpp"
#include "mmu/endian.hpp"

namespace gb {

using namespace ide;

namespace {

// Command block register offsets from the command base (ATA-6 "I/O
// register descriptions"; the PIIX3 decodes base+0..7 in compatibility mode).
constexpr unsigned kRegData = 0;
constexpr unsigned kRegErrorFeatures = 1;
constexpr unsigned kRegCount = 2;
constexpr unsigned kRegLbaLow = 3;
constexpr unsigned kRegLbaMid = 4;
constexpr unsigned kRegLbaHigh = 5;
constexpr unsigned kRegDevice = 6;
constexpr unsigned kRegStatusCommand = 7;

constexpr u8 kCmdExecuteDiagnostic = 0x90;

}  // namespace

// ---------------------------------------------------------------------------
// IdeDevice: the protocol engine.

IdeDevice::IdeDevice(IdeChannel& ch, unsigned unit, Timer& timer) : ch_(ch), unit_(unit), timer_(timer) {}

u8 IdeDevice::device_reg() const { return ch_.device_reg_; }
void IdeDevice::set_device_reg(u8 v) { ch_.device_reg_ = v; }
bool IdeDevice::other_present() const { return ch_.units_[unit_ ^ 1u] != nullptr; }

void IdeDevice::post_irq() {
  intrq_ = true;
  ch_.update_irq();
}

void IdeDevice::host_command(u8 cmd) {
  if (in_srst_) return;
  // ATA-6: the host shall not write the Command register while BSY; a
  // device ignores it, except DEVICE RESET on a packet device, which exists
  // to recover a device stuck BSY.
  if ((status_ & kStatusBsy) && !accepts_while_busy(cmd)) return;
  // Writing the Command register clears a pending interrupt (ATA-6 INTRQ).
  // A command written while a DRQ block is pending abandons that transfer.
  timer_.cancel();
  next_ = Next::None;
  intrq_ = false;
  dir_ = Dir::None;
  pos_ = len_ = 0;
  error = 0;
  status_ = kStatusBsy;
  execute(cmd);
}

void IdeDevice::schedule(Next next, Picos delay, bool irq) {
  status_ = kStatusBsy;
  dir_ = Dir::None;
  next_ = next;
  next_irq_ = irq;
  if (delay <= 0) {
    timer_.cancel();
    apply_next();
  } else {
    timer_.arm_in(delay);
  }
}

void IdeDevice::timer_fired() { apply_next(); }

void IdeDevice::apply_next() {
  const Next n = next_;
  next_ = Next::None;
  switch (n) {
    case Next::None:
      return;
    case Next::DataIn:
      status_ = static_cast<u8>(ready_bits() | kStatusDrq);
      dir_ = Dir::In;
      pos_ = 0;
      break;
    case Next::DataOut:
      status_ = static_cast<u8>(ready_bits() | kStatusDrq);
      dir_ = Dir::Out;
      pos_ = 0;
      break;
    case Next::Complete:
      status_ = static_cast<u8>(ready_bits() | (next_error_ ? kStatusErr : 0));
      if (next_error_) error = next_error_;
      break;
    case Next::Reset:
    case Next::Diagnose:
      finish_reset();
      break;
  }
  if (next_irq_) post_irq();
}

void IdeDevice::data_in(std::size_t bytes, Picos delay, bool irq) {
  len_ = (bytes + 1) & ~std::size_t{1};
  if (buf_.size() < len_) buf_.resize(len_, 0);
  if (bytes & 1) buf_[bytes] = 0;  // the pad byte of an odd ATAPI block
  schedule(Next::DataIn, delay, irq);
}

void IdeDevice::data_out(std::size_t bytes, Picos delay, bool irq) {
  len_ = (bytes + 1) & ~std::size_t{1};
  buf_.assign(len_, 0);
  // ATA-6 PIO data-out protocol: the host waits for BSY=0 DRQ=1 before it
  // writes a block; a real drive ignores words written while BSY. Guests
  // written against QEMU and Bochs (whose drives set DRQ in the command
  // write itself) write at once (xv6's idestart), so by default the drive
  // is ready at once and nothing the host writes is lost.
  if (ch_.timing_ == DeviceTiming::Qemu) delay = 0;
  schedule(Next::DataOut, delay, irq);
}

void IdeDevice::identify_data_in(Picos delay) {
  // QEMU builds IDENTIFY data within the command write (DRQ and INTRQ at
  // once); some guests read it without waiting.
  data_in(512, ch_.timing_ == DeviceTiming::Qemu ? 0 : delay);
}

void IdeDevice::complete(Picos delay) {
  next_error_ = 0;
  schedule(Next::Complete, delay, true);
}

void IdeDevice::complete_error(u8 err, Picos delay) {
  next_error_ = err;
  schedule(Next::Complete, delay, true);
}

void IdeDevice::go_idle() {
  timer_.cancel();
  next_ = Next::None;
  dir_ = Dir::None;
  status_ = ready_bits();
}

void IdeDevice::device_reset(Picos delay) { schedule(Next::Reset, delay, false); }

void IdeDevice::finish_reset() {
  // ATA-6 "Signature and persistence": the signature in Sector Count and the
  // LBA registers, diagnostic code 01h (device passed; for device 0 also
  // "device 1 passed or not present") in the Error register.
  reset_state(false);
  status_ = reset_status();
  error = 0x01;
}

void IdeDevice::end_block() {
  dir_ = Dir::None;
  status_ = kStatusBsy;
  ++block_serial_;
  block_done();
}

u16 IdeDevice::host_read_data() {
  if (dir_ != Dir::In || !(status_ & kStatusDrq)) return 0xFFFF;
  const u16 v = load_le<u16>(buf_.data() + pos_);
  pos_ += 2;
  if (pos_ >= len_) end_block();
  return v;
}

void IdeDevice::host_write_data(u16 v) {
  if (dir_ != Dir::Out || !(status_ & kStatusDrq)) return;
  store_le<u16>(buf_.data() + pos_, v);
  pos_ += 2;
  if (pos_ >= len_) end_block();
}

void IdeDevice::srst_assert() {
  // ATA-6 software reset protocol: BSY within 400 ns of SRST=1; whatever the
  // device was doing is abandoned, and it does not interrupt.
  timer_.cancel();
  next_ = Next::None;
  in_srst_ = true;
  dir_ = Dir::None;
  intrq_ = false;
  status_ = kStatusBsy;
}

void IdeDevice::srst_release(Picos delay) {
  if (!in_srst_) return;
  in_srst_ = false;
  schedule(Next::Reset, delay, false);
}

void IdeDevice::diagnose(Picos delay, bool irq) {
  if (in_srst_) return;
  intrq_ = false;
  schedule(Next::Diagnose, delay, irq);
}

void IdeDevice::power_on() {
  timer_.cancel();
  next_ = Next::None;
  in_srst_ = false;
  dir_ = Dir::None;
  intrq_ = false;
  reset_state(true);
  status_ = reset_status();
  error = 0x01;
}

void IdeDevice::put_word(std::span<u8> id, unsigned w, u16 v) { store_le<u16>(id.data() + 2 * w, v); }

void IdeDevice::put_string(std::span<u8> id, unsigned first_word, unsigned words, std::string_view s) {
  // ATA-6 "ATA string convention": character 2k sits in bits 15-8 of word k
  // (the odd byte of the little-endian word), character 2k+1 in bits 7-0.
  for (unsigned i = 0; i < 2 * words; ++i) {
    const char c = i < s.size() ? s[i] : ' ';
    id[2 * first_word + (i ^ 1u)] = static_cast<u8>(c);
  }
}

void IdeDevice::put_checksum(std::span<u8> id) {
  // ATA-6 word 255 "Integrity word": bits 7-0 signature A5h, bits 15-8 the
  // two's complement of the sum of bytes 0-510 (so all 512 sum to 0).
  id[510] = 0xA5;
  unsigned sum = 0;
  for (unsigned i = 0; i < 511; ++i) sum += id[i];
  id[511] = static_cast<u8>(0x100u - (sum & 0xFFu));
}

u16 IdeDevice::reset_result_word() const {
  // ATA-6 word 93 "Hardware reset results": bit 14 set, bit 13 (CBLID-,
  // 80-conductor cable) clear. Device 0 reports bits 7-0: bit 0 set, bits 2-1
  // = 01b (number set by jumper), bit 3 passed diagnostics, bits 4/5 PDIAG-
  // and DASP- seen from device 1, bit 6 "device 0 responds when device 1 is
  // selected" (true with no device 1: see ide_channel.hpp). Device 1 reports
  // bits 12-8: bit 8 set, bits 10-9 = 01b, bit 11 asserted PDIAG-. (SeaBIOS
  // reads bit 6 with bit 5 clear as "no device 1" and skips probing it.)
  if (unit_ == 0) {
    return other_present() ? u16{0x403B} : u16{0x404B};
  }
  return 0x4B00;
}

std::string IdeDevice::serial() const {
  const unsigned n = (ch_.base_ == 0x170 ? 2u : 0u) + unit_ + 1u;
  char s[16];
  std::snprintf(s, sizeof s, "GB%08u", n);
  return s;
}

std::string IdeDevice::dump() const {
  char line[200];
  const char* phase = "idle";
  if (status_ & kStatusBsy) {
    phase = in_srst_ ? "reset" : "busy";
  } else if (dir_ == Dir::In) {
    phase = "data-in";
  } else if (dir_ == Dir::Out) {
    phase = "data-out";
  }
  std::snprintf(line, sizeof line,
                "status %02X error %02X features %02X count %02X/%02X lba %02X %02X %02X "
                "(prev %02X %02X %02X) intrq %u %s",
                status_, error, features.cur, count.cur, count.prev, lba_low.cur, lba_mid.cur,
                lba_high.cur, lba_low.prev, lba_mid.prev, lba_high.prev, intrq_ ? 1u : 0u, phase);
  std::string out = line;
  if (dir_ != Dir::None) {
    std::snprintf(line, sizeof line, " %zu/%zu bytes", pos_, len_);
    out += line;
  }
  return out;
}

// ---------------------------------------------------------------------------
// IdeChannel.

IdeChannel::IdeChannel(Scheduler& sched, IrqLine irq, u16 command_base, u16 control_port)
    : irq_(irq),
      base_(command_base),
      control_(control_port),
      timer0_(sched, *this, command_base == 0x170 ? "ide1-unit0" : "ide0-unit0"),
      timer1_(sched, *this, command_base == 0x170 ? "ide1-unit1" : "ide0-unit1") {}

IdeChannel::~IdeChannel() = default;

void IdeChannel::replace(unsigned unit, std::unique_ptr<IdeDevice> dev) {
  timer_for(unit).cancel();
  units_[unit] = std::move(dev);
  if (units_[unit]) units_[unit]->power_on();
  update_irq();
}

void IdeChannel::attach_disk(unsigned unit, std::unique_ptr<DiskImage> image) {
  if (unit > 1) throw std::invalid_argument("IDE unit must be 0 (master) or 1 (slave)");
  if (!image) throw std::invalid_argument("IDE hard disk needs an image");
  if (image->size() < AtaDisk::kSectorBytes) {
    throw std::invalid_argument(image->path() + ": a hard disk image needs at least one 512-byte sector");
  }
  replace(unit, std::make_unique<AtaDisk>(*this, unit, timer_for(unit), std::move(image)));
}

void IdeChannel::attach_cdrom(unsigned unit, std::unique_ptr<DiskImage> image) {
  if (unit > 1) throw std::invalid_argument("IDE unit must be 0 (master) or 1 (slave)");
  if (units_[unit] && units_[unit]->is_atapi()) {
    static_cast<AtapiCdrom*>(units_[unit].get())->change_medium(std::move(image));
    return;
  }
  replace(unit, std::make_unique<AtapiCdrom>(*this, unit, timer_for(unit), std::move(image)));
}

bool IdeChannel::present(unsigned unit) const { return unit < 2 && units_[unit] != nullptr; }

void IdeChannel::reset() {
  control_reg_ = 0;
  device_reg_ = 0;
  for (auto& d : units_) {
    if (d) d->power_on();
  }
  update_irq();
}

void IdeChannel::update_irq() {
  // ATA-6: only the selected device drives INTRQ, and only while nIEN is 0.
  const IdeDevice* d = selected();
  const bool level = d && d->intrq() && !(control_reg_ & kControlNien);
  if (level != irq_level_) {
    irq_level_ = level;
    irq_.set(level);
  }
}

void IdeChannel::on_timer(Timer& t) {
  const unsigned unit = &t == &timer1_ ? 1u : 0u;
  if (units_[unit]) units_[unit]->timer_fired();
  update_irq();
}

u16 IdeChannel::read_data16() {
  IdeDevice* d = selected();
  return d ? d->host_read_data() : u16{0xFFFF};
}

void IdeChannel::write_data16(u16 v) {
  control_reg_ = static_cast<u8>(control_reg_ & ~kControlHob);
  if (IdeDevice* d = selected()) d->host_write_data(v);
}

u8 IdeChannel::read_reg(unsigned reg) {
  if (!any_present()) return 0xFF;
  IdeDevice* d = selected();
  // HOB selects the "previous content" of the 48-bit FIFO registers.
  const bool hob = control_reg_ & kControlHob;
  switch (reg) {
    case kRegData:
      return static_cast<u8>(read_data16());
    case kRegErrorFeatures:
      return d ? d->error : 0;
    case kRegCount:
      return d ? (hob ? d->count.prev : d->count.cur) : 0;
    case kRegLbaLow:
      return d ? (hob ? d->lba_low.prev : d->lba_low.cur) : 0;
    case kRegLbaMid:
      return d ? (hob ? d->lba_mid.prev : d->lba_mid.cur) : 0;
    case kRegLbaHigh:
      return d ? (hob ? d->lba_high.prev : d->lba_high.cur) : 0;
    case kRegDevice:
      return device_reg_;
    case kRegStatusCommand: {
      if (!d) return 0;
      // Reading Status (not Alternate Status) acknowledges the interrupt.
      const u8 s = d->status();
      d->clear_intrq();
      update_irq();
      return s;
    }
    default:
      return 0xFF;
  }
}

void IdeChannel::write_reg(unsigned reg, u8 v) {
  if (!any_present()) return;
  // ATA-6 Device Control: a write to any Command Block register clears HOB.
  control_reg_ = static_cast<u8>(control_reg_ & ~kControlHob);
  auto latch = [&](IdeDevice::Reg IdeDevice::*r) {
    for (auto& d : units_) {
      if (d) ((*d).*r).host_write(v);
    }
  };
  switch (reg) {
    case kRegData:
      write_data16(v);
      break;
    case kRegErrorFeatures:
      latch(&IdeDevice::features);
      break;
    case kRegCount:
      latch(&IdeDevice::count);
      break;
    case kRegLbaLow:
      latch(&IdeDevice::lba_low);
      break;
    case kRegLbaMid:
      latch(&IdeDevice::lba_mid);
      break;
    case kRegLbaHigh:
      latch(&IdeDevice::lba_high);
      break;
    case kRegDevice:
      device_reg_ = v;
      update_irq();
      break;
    case kRegStatusCommand:
      write_command(v);
      break;
    default:
      break;
  }
}

void IdeChannel::write_command(u8 cmd) {
  if (control_reg_ & kControlSrst) return;
  if (cmd == kCmdExecuteDiagnostic) {
    // ATA-6 EXECUTE DEVICE DIAGNOSTIC: both devices execute it whatever the
    // DEV bit says. The interrupt is posted by the selected device, or by
    // device 0 when it answers for an absent device 1.
    IdeDevice* poster = selected();
    if (!poster) poster = units_[0] ? units_[0].get() : units_[1].get();
    for (auto& d : units_) {
      if (d) d->diagnose(kDiagnosticDelay, d.get() == poster);
    }
    update_irq();
    return;
  }
  if (IdeDevice* d = selected()) d->host_command(cmd);
  update_irq();
}

void IdeChannel::write_control(u8 v) {
  const bool was = control_reg_ & kControlSrst;
  const bool now = v & kControlSrst;
  control_reg_ = v;
  if (any_present()) {
    if (now && !was) {
      // Software reset of both devices; device 0 is selected afterwards
      // (the signature's Device register is 00h).
      device_reg_ = 0;
      for (auto& d : units_) {
        if (d) d->srst_assert();
      }
    } else if (!now && was) {
      for (auto& d : units_) {
        if (d) d->srst_release(kResetDelay);
      }
    }
  }
  update_irq();
}

u8 IdeChannel::read_byte(u16 port) {
  if (port == control_) {
    // Alternate Status: Status without acknowledging the interrupt.
    if (!any_present()) return 0xFF;
    const IdeDevice* d = selected();
    return d ? d->status() : u8{0};
  }
  if (port >= base_ && port - base_ < 8) return read_reg(static_cast<unsigned>(port - base_));
  return 0xFF;
}

void IdeChannel::write_byte(u16 port, u8 v) {
  if (port == control_) {
    write_control(v);
  } else if (port >= base_ && port - base_ < 8) {
    write_reg(static_cast<unsigned>(port - base_), v);
  }
}

u32 IdeChannel::io_read(u16 port, Width w) {
  if (port == base_ && w != Width::Byte) {
    if (!any_present()) return width_mask(w);
    IdeDevice* d = selected();
    const u32 serial = d ? d->block_serial() : 0;
    const u32 lo = read_data16();
    if (w == Width::Word) return lo;
    // A 32-bit access is two word transfers; it stops if the first word was
    // the last of its DRQ block (the second half then floats).
    const u32 hi = (d && d->block_serial() == serial) ? read_data16() : 0xFFFFu;
    return lo | hi << 16;
  }
  u32 v = 0;
  for (unsigned i = 0; i < bytes(w); ++i) {
    v |= static_cast<u32>(read_byte(static_cast<u16>(port + i))) << (8 * i);
  }
  return v;
}

void IdeChannel::io_write(u16 port, u32 value, Width w) {
  if (port == base_ && w != Width::Byte) {
    if (!any_present()) return;
    IdeDevice* d = selected();
    const u32 serial = d ? d->block_serial() : 0;
    write_data16(static_cast<u16>(value));
    if (w == Width::Dword && d && d->block_serial() == serial) write_data16(static_cast<u16>(value >> 16));
    return;
  }
  for (unsigned i = 0; i < bytes(w); ++i) {
    write_byte(static_cast<u16>(port + i), static_cast<u8>(value >> (8 * i)));
  }
}

std::string IdeChannel::dump() const {
  char line[200];
  std::snprintf(line, sizeof line,
                "IDE channel %03Xh-%03Xh/%03Xh: Device %02X (unit %u selected) Device Control %02X%s%s%s "
                "IRQ %u\n",
                base_, base_ + 7u, control_, device_reg_, (device_reg_ & kDeviceDev) ? 1u : 0u, control_reg_,
                (control_reg_ & kControlNien) ? " nIEN" : "", (control_reg_ & kControlSrst) ? " SRST" : "",
                (control_reg_ & kControlHob) ? " HOB" : "", irq_level_ ? 1u : 0u);
  std::string out = line;
  for (unsigned u = 0; u < 2; ++u) {
    out += u ? "  unit 1 (slave): " : "  unit 0 (master): ";
    out += units_[u] ? units_[u]->dump() : std::string("absent");
    out += '\n';
  }
  return out;
}

void IdeChannel::flush() {
  for (auto& d : units_) {
    if (d) d->flush();
  }
}

}  // namespace gb
