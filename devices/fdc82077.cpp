// 82077AA floppy disk controller; see fdc82077.hpp for the datasheet sections
// followed.
#include "devices/fdc82077.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace gb {

namespace {

// Register offsets (low three port bits; datasheet Table 2-1, PC/AT mode).
constexpr unsigned kSra = 0;
constexpr unsigned kSrb = 1;
constexpr unsigned kDor = 2;
constexpr unsigned kTdr = 3;
constexpr unsigned kMsrDsr = 4;
constexpr unsigned kFifo = 5;
constexpr unsigned kDirCcr = 7;

// DOR bits (2.1.2).
constexpr u8 kDorSelect = 0x03;
constexpr u8 kDorNotReset = 0x04;
constexpr u8 kDorDmaGate = 0x08;

// MSR bits (2.1.4).
constexpr u8 kMsrRqm = 0x80;
constexpr u8 kMsrDio = 0x40;
constexpr u8 kMsrNonDma = 0x20;
constexpr u8 kMsrCmdBusy = 0x10;

// DSR bits (2.1.5).
constexpr u8 kDsrSwReset = 0x80;

// ST0 (Table 5-2).
constexpr u8 kSt0Abnormal = 0x40;
constexpr u8 kSt0Invalid = 0x80;
constexpr u8 kSt0Polling = 0xC0;
constexpr u8 kSt0SeekEnd = 0x20;
constexpr u8 kSt0EquipCheck = 0x10;
// ST1 (Table 5-3).
constexpr u8 kSt1EndOfCyl = 0x80;
constexpr u8 kSt1DataError = 0x20;
constexpr u8 kSt1Overrun = 0x10;
constexpr u8 kSt1NoData = 0x04;
constexpr u8 kSt1NotWritable = 0x02;
constexpr u8 kSt1MissingAm = 0x01;
// ST2 (Table 5-4).
constexpr u8 kSt2ControlMark = 0x40;
constexpr u8 kSt2DataErrorDf = 0x20;
constexpr u8 kSt2WrongCyl = 0x10;
// ST3 (Table 5-5): bits 5 and 3 are unused and read 1.
constexpr u8 kSt3WriteProt = 0x40;
constexpr u8 kSt3Track0 = 0x10;
constexpr u8 kSt3Ones = 0x28;

// Command codes, bits 4-0 (Table 5-1), and the option bits each may carry.
constexpr u8 kOpReadTrack = 0x02;
constexpr u8 kOpSpecify = 0x03;
constexpr u8 kOpSenseDrive = 0x04;
constexpr u8 kOpWrite = 0x05;
constexpr u8 kOpRead = 0x06;
constexpr u8 kOpRecalibrate = 0x07;
constexpr u8 kOpSenseInt = 0x08;
constexpr u8 kOpWriteDeleted = 0x09;
constexpr u8 kOpReadId = 0x0A;
constexpr u8 kOpReadDeleted = 0x0C;
constexpr u8 kOpFormat = 0x0D;
constexpr u8 kOpDumpreg = 0x0E;
constexpr u8 kOpSeek = 0x0F;
constexpr u8 kOpVersion = 0x10;
constexpr u8 kOpPerpendicular = 0x12;
constexpr u8 kOpConfigure = 0x13;
constexpr u8 kOpLock = 0x14;
constexpr u8 kOpVerify = 0x16;
constexpr u8 kMt = 0x80;
constexpr u8 kMfm = 0x40;
constexpr u8 kSk = 0x20;

constexpr u8 kVersion82077 = 0x90;
constexpr unsigned kRecalMaxSteps = 79;  // 5.2.2
constexpr Picos kMs = kPicosPerSecond / 1000;

// DRATESEL to kb/s (Table 2-7 / 2.1.5).
constexpr std::array<i64, 4> kRateKbps = {500, 300, 250, 1000};
constexpr u8 kRate500 = 1u << 0;
constexpr u8 kRate300 = 1u << 1;
constexpr u8 kRate250 = 1u << 2;
constexpr u8 kRate1M = 1u << 3;

}  // namespace

Fdc82077::Fdc82077(Scheduler& sched, IrqLine irq6, Dma8237Pair& dma)
    : sched_(sched), irq_(irq6), dma_(dma), timer_(sched, *this, "fdc"), seek_timer_(sched, *this, "fdc-seek") {
  reset();
}

// ---------------------------------------------------------------------------
// Media

bool Fdc82077::geometry_for(u64 bytes, Geometry* g) {
  // Rates: 5.25-inch double density is recorded at 250 kb/s on a 300 rpm
  // drive; a 360 rpm (1.2M) drive reads it at 300 kb/s. 3.5-inch DD 250,
  // HD 500, ED 1 Mb/s; 5.25-inch HD 500 kb/s at 360 rpm.
  struct Row {
    u64 bytes;
    u16 cyl;
    u8 heads, spt, rates, cmos;
    bool rpm360;
  };
  static constexpr Row kRows[] = {
      {163'840, 40, 1, 8, kRate250 | kRate300, 1, false},   {184'320, 40, 1, 9, kRate250 | kRate300, 1, false},
      {327'680, 40, 2, 8, kRate250 | kRate300, 1, false},   {368'640, 40, 2, 9, kRate250 | kRate300, 1, false},
      {737'280, 80, 2, 9, kRate250, 3, false},              {1'228'800, 80, 2, 15, kRate500, 2, true},
      {1'474'560, 80, 2, 18, kRate500, 4, false},           {2'949'120, 80, 2, 36, kRate1M, 5, false},
  };
  for (const Row& r : kRows) {
    if (r.bytes != bytes) continue;
    g->cylinders = r.cyl;
    g->heads = r.heads;
    g->sectors = r.spt;
    g->rates = r.rates;
    g->cmos = r.cmos;
    g->revolution = r.rpm360 ? kPicosPerSecond / 6 : kPicosPerSecond / 5;
    return true;
  }
  return false;
}

void Fdc82077::check_drive(unsigned drive, const char* what) {
  if (drive >= kDrives)
    throw std::invalid_argument(fmt::format("floppy {}: drive {} does not exist (0-1)", what, drive));
}

void Fdc82077::insert(unsigned drive, std::unique_ptr<DiskImage> image) {
  check_drive(drive, "insert");
  if (!image) throw std::invalid_argument("floppy insert: no image");
  Geometry g;
  if (!geometry_for(image->size(), &g)) {
    throw std::invalid_argument(
        fmt::format("{}: {} bytes is not a floppy image size (160K/180K/320K/360K/720K/1.2M/1.44M/2.88M)",
                    image->path(), image->size()));
  }
  Drive& d = drives_[drive];
  d.image = std::move(image);
  d.geo = g;
  d.changed = true;
  // Media in a drive that was waiting for index pulses: the command goes on.
  if (hung_ && x_.op != Op::None && (dor_ & kDorSelect) == drive && spinning()) {
    hung_ = false;
    arm(Action::StartData, kCommandDelay);
  }
}

void Fdc82077::eject(unsigned drive) {
  check_drive(drive, "eject");
  Drive& d = drives_[drive];
  d.image.reset();
  d.geo = Geometry{};
  d.changed = true;
  // A data command on this drive loses its index pulses: it hangs (unless
  // its data already moved and only the result phase is pending).
  if (phase_ == Phase::Execution && x_.unit == drive && action_ != Action::Result) {
    timer_.cancel();
    action_ = Action::None;
    hung_ = true;
    x_.pio_active = false;
    int_pio_ = false;
    update_irq();
  }
}

bool Fdc82077::has_media(unsigned drive) const { return drive < kDrives && drives_[drive].image != nullptr; }

u8 Fdc82077::cmos_drive_type(unsigned drive) const { return has_media(drive) ? drives_[drive].geo.cmos : 0; }

// ---------------------------------------------------------------------------
// Reset

void Fdc82077::reset() {
  timer_.cancel();
  seek_timer_.cancel();
  action_ = Action::None;
  dor_ = 0;
  tdr_ = 0;
  rate_ = 2;
  precomp_ = 0;
  srt_ = hut_ = hlt_ = 0;
  nd_ = false;
  eis_ = false;
  efifo_ = true;
  poll_disabled_ = false;
  fifothr_ = 0;
  pretrk_ = 0;
  lock_ = false;
  perp_ = 0;
  sc_eot_ = 0;
  pcn_.fill(0);
  phase_ = Phase::Idle;
  in_reset_ = true;
  hung_ = false;
  cmd_.clear();
  result_.clear();
  result_pos_ = 0;
  x_ = Xfer{};
  polls_.clear();
  senses_.clear();
  seek_due_.fill(kNever);
  seek_st0_.fill(0);
  busy_ = 0;
  int_result_ = int_sense_ = int_pio_ = false;
  update_irq();
}

void Fdc82077::soft_reset_begin() {
  // DOR bit 2 low or DSR bit 7 (2.1.2, 2.1.5): the state machine, FIFO and
  // pending interrupts are cleared; SPECIFY parameters, the data rate and the
  // PCNs are kept. CONFIGURE's EFIFO, FIFOTHR and PRETRK return to their
  // defaults unless LOCKed (5.2.12); EIS and POLL always do. The software
  // reset clears PERPENDICULAR MODE's GAP and WGATE but not D3-D0.
  in_reset_ = true;
  timer_.cancel();
  seek_timer_.cancel();
  action_ = Action::None;
  phase_ = Phase::Idle;
  hung_ = false;
  cmd_.clear();
  result_.clear();
  result_pos_ = 0;
  x_.op = Op::None;
  x_.pio_active = false;
  polls_.clear();
  senses_.clear();
  seek_due_.fill(kNever);
  busy_ = 0;
  eis_ = false;
  poll_disabled_ = false;
  if (!lock_) {
    efifo_ = true;
    fifothr_ = 0;
    pretrk_ = 0;
  }
  perp_ = static_cast<u8>(perp_ & 0x3C);
  int_result_ = int_sense_ = int_pio_ = false;
  update_irq();
}

void Fdc82077::soft_reset_end() {
  in_reset_ = false;
  // 7.4 "Drive Polling": polling is enabled by a reset; each drive is
  // assumed not ready after it, so the first polling loop raises an
  // interrupt with a "ready changed" status (ST0 IC = 11) for each of the
  // four logical drives (READY is internally tied true in PC/AT mode).
  arm(Action::ResetPoll, kCommandDelay);
}

// ---------------------------------------------------------------------------
// Registers

u8 Fdc82077::msr() const {
  if (in_reset_) return 0x00;
  u8 v = busy_;
  switch (phase_) {
    case Phase::Idle:
      v |= kMsrRqm;
      break;
    case Phase::Command:
      v |= kMsrRqm | kMsrCmdBusy;
      break;
    case Phase::Execution:
      v |= kMsrCmdBusy;
      if (x_.pio) {
        v |= kMsrNonDma;
        if (x_.pio_active) {
          v |= kMsrRqm;
          if (x_.op == Op::Read || x_.op == Op::ReadDeleted || x_.op == Op::ReadTrack) v |= kMsrDio;
        }
      }
      break;
    case Phase::Result:
      v |= kMsrRqm | kMsrDio | kMsrCmdBusy;
      break;
  }
  return v;
}

u8 Fdc82077::dir() const {
  // PC/AT mode DIR: bit 7 is the selected drive's DSKCHG; bits 6-0 are
  // tri-stated (the hard disk controller's half of port 3F7h) and read 1.
  const Drive* d = phys_drive();
  return static_cast<u8>(0x7F | (d && d->changed ? 0x80 : 0x00));
}

u32 Fdc82077::io_read(u16 port, Width) {
  switch (port & 7) {
    case kSra:
    case kSrb:
      return 0xFF;  // PS/2 mode only; not driven in PC/AT mode
    case kDor:
      return dor_;
    case kTdr:
      return static_cast<u8>(0xFC | tdr_);  // only bits 1-0 exist
    case kMsrDsr:
      return msr();
    case kFifo:
      return read_fifo();
    case kDirCcr:
      return dir();
    default:
      return 0xFF;
  }
}

void Fdc82077::io_write(u16 port, u32 value, Width) {
  const u8 v = static_cast<u8>(value);
  switch (port & 7) {
    case kDor:
      write_dor(v);
      break;
    case kTdr:
      tdr_ = static_cast<u8>(v & 3);
      break;
    case kMsrDsr:
      write_dsr(v);
      break;
    case kFifo:
      write_fifo(v);
      break;
    case kDirCcr:
      rate_ = static_cast<u8>(v & 3);  // CCR: DRATESEL only
      break;
    default:
      break;
  }
}

void Fdc82077::write_dor(u8 v) {
  const bool was_reset = !(dor_ & kDorNotReset);
  dor_ = v;
  const bool now_reset = !(v & kDorNotReset);
  if (!was_reset && now_reset) {
    soft_reset_begin();
  } else if (was_reset && !now_reset) {
    soft_reset_end();
  }
  // A motor turned on (or a drive selected) under a command waiting for
  // index pulses lets it go on.
  if (hung_ && x_.op != Op::None && (dor_ & kDorSelect) == x_.unit && spinning()) {
    hung_ = false;
    arm(Action::StartData, kCommandDelay);
  }
  update_irq();  // DOR bit 3 gates INT in PC/AT mode
}

void Fdc82077::write_dsr(u8 v) {
  rate_ = static_cast<u8>(v & 3);
  precomp_ = static_cast<u8>(v & 0x7C);
  if ((v & kDsrSwReset) && !in_reset_) {
    // Self-clearing: the reset pulse ends at once.
    soft_reset_begin();
    soft_reset_end();
  }
}

void Fdc82077::update_irq() {
  const bool level = !in_reset_ && (dor_ & kDorDmaGate) && (int_result_ || int_sense_ || int_pio_);
  if (level != irq_level_) {
    irq_level_ = level;
    irq_.set(level);
  }
}

// ---------------------------------------------------------------------------
// Phases

unsigned Fdc82077::command_length(u8 opcode) {
  // Table 5-1: bytes of the command phase, and which high bits may be set
  // (MT, MFM, SK; LOCK; relative seek's 1 and DIR). Other codes are invalid.
  const u8 code = opcode & 0x1F;
  const u8 opts = opcode & 0xE0;
  auto only = [&](u8 allowed, unsigned len) { return (opts & ~allowed) ? 0u : len; };
  switch (code) {
    case kOpRead:
    case kOpReadDeleted:
    case kOpVerify:
      return only(kMt | kMfm | kSk, 9);
    case kOpWrite:
    case kOpWriteDeleted:
      return only(kMt | kMfm, 9);
    case kOpReadTrack:
      return only(kMfm, 9);
    case kOpFormat:
      return only(kMfm, 6);
    case kOpReadId:
      return only(kMfm, 2);
    case kOpSpecify:
      return only(0, 3);
    case kOpSenseDrive:
    case kOpRecalibrate:
      return only(0, 2);
    case kOpSenseInt:
    case kOpDumpreg:
    case kOpVersion:
      return only(0, 1);
    case kOpSeek:
      return (opts == 0 || opts == 0x80 || opts == 0xC0) ? 3 : 0;
    case kOpPerpendicular:
      return only(0, 2);
    case kOpConfigure:
      return only(0, 4);
    case kOpLock:
      return only(0x80, 1);
    default:
      return 0;
  }
}

void Fdc82077::write_fifo(u8 v) {
  if (in_reset_) return;
  switch (phase_) {
    case Phase::Idle: {
      // A new command drops reset polling statuses nobody sensed (7.4).
      if ((v & 0x1F) != kOpSenseInt || (v & 0xE0)) {
        polls_.clear();
        if (senses_.empty()) {
          int_sense_ = false;
          update_irq();
        }
      }
      cmd_.assign(1, v);
      cmd_len_ = command_length(v);
      if (cmd_len_ == 0) {
        cmd_invalid();
        return;
      }
      phase_ = Phase::Command;
      if (cmd_.size() == cmd_len_) execute();
      return;
    }
    case Phase::Command:
      cmd_.push_back(v);
      if (cmd_.size() == cmd_len_) execute();
      return;
    case Phase::Execution:
      if (!x_.pio_active) return;
      if (x_.op != Op::Write && x_.op != Op::WriteDeleted && x_.op != Op::Format) return;
      // Non-DMA write: the host supplies the data (or FORMAT's ID bytes).
      int_pio_ = false;
      update_irq();
      if (x_.op == Op::Format) {
        x_.id[x_.pos++] = v;
      } else {
        x_.buf[x_.pos++] = v;
      }
      if (x_.pos == x_.len) pio_sector_done();
      return;
    case Phase::Result:
      return;
  }
}

u8 Fdc82077::read_fifo() {
  if (in_reset_) return 0xFF;
  if (phase_ == Phase::Result) {
    const u8 v = result_[result_pos_++];
    if (result_pos_ == 1 && int_result_) {
      // The result-phase interrupt is cleared by reading the first result
      // byte (4.3).
      int_result_ = false;
      update_irq();
    }
    if (result_pos_ == result_.size()) finish_idle();
    return v;
  }
  if (phase_ == Phase::Execution && x_.pio_active &&
      (x_.op == Op::Read || x_.op == Op::ReadDeleted || x_.op == Op::ReadTrack)) {
    // Non-DMA read: each data register access clears INT (4.2).
    int_pio_ = false;
    update_irq();
    const u8 v = x_.buf[x_.pos++];
    if (x_.pos == x_.len) pio_sector_done();
    return v;
  }
  return 0xFF;  // nothing to read: the bus is not driven
}

void Fdc82077::set_result(std::vector<u8> bytes, bool interrupt) {
  phase_ = Phase::Result;
  result_ = std::move(bytes);
  result_pos_ = 0;
  cmd_.clear();
  if (interrupt) {
    int_result_ = true;
    update_irq();
  }
}

void Fdc82077::finish_idle() {
  phase_ = Phase::Idle;
  cmd_.clear();
  result_.clear();
  result_pos_ = 0;
}

void Fdc82077::execute() {
  const u8 op = cmd_[0];
  switch (op & 0x1F) {
    case kOpSpecify: cmd_specify(); break;
    case kOpSenseDrive: cmd_sense_drive_status(); break;
    case kOpRecalibrate: cmd_recalibrate(); break;
    case kOpSenseInt: cmd_sense_interrupt(); break;
    case kOpSeek: cmd_seek((op & 0x80) != 0); break;
    case kOpVersion: cmd_version(); break;
    case kOpDumpreg: cmd_dumpreg(); break;
    case kOpConfigure: cmd_configure(); break;
    case kOpLock: cmd_lock(); break;
    case kOpPerpendicular: cmd_perpendicular(); break;
    case kOpRead: begin_data_command(Op::Read); break;
    case kOpReadDeleted: begin_data_command(Op::ReadDeleted); break;
    case kOpReadTrack: begin_data_command(Op::ReadTrack); break;
    case kOpWrite: begin_data_command(Op::Write); break;
    case kOpWriteDeleted: begin_data_command(Op::WriteDeleted); break;
    case kOpVerify: begin_data_command(Op::Verify); break;
    case kOpFormat: begin_data_command(Op::Format); break;
    case kOpReadId: begin_data_command(Op::ReadId); break;
    default: cmd_invalid(); break;
  }
}

// ---------------------------------------------------------------------------
// Control commands

void Fdc82077::cmd_invalid() {
  // Table 5-1 "INVALID": a one-byte result phase, ST0 = 80h, no interrupt.
  set_result({kSt0Invalid}, false);
}

void Fdc82077::cmd_specify() {
  srt_ = static_cast<u8>(cmd_[1] >> 4);
  hut_ = static_cast<u8>(cmd_[1] & 0x0F);
  hlt_ = static_cast<u8>(cmd_[2] >> 1);
  nd_ = (cmd_[2] & 1) != 0;
  finish_idle();
}

void Fdc82077::cmd_sense_drive_status() {
  // 5.2.6: ST3 from the drive's signals (the DOR-selected drive); WP is
  // active without media (nothing holds the write-protect sensor open).
  const u8 ds = cmd_[1] & 3;
  const u8 hds = (cmd_[1] >> 2) & 1;
  const Drive* d = phys_drive();
  const bool wp = d && (!d->image || d->image->read_only());
  const bool t0 = d && d->cyl == 0;
  set_result({static_cast<u8>((wp ? kSt3WriteProt : 0) | kSt3Ones | (t0 ? kSt3Track0 : 0) | (hds << 2) | ds)},
             false);
}

void Fdc82077::cmd_recalibrate() {
  // 5.2.2: PCN cleared; step pulses outward while TRK0 is inactive, at most
  // 79; then SE, or SE + EC (abnormal) if TRK0 never came.
  const u8 ds = cmd_[1] & 3;
  Drive* d = phys_drive();
  unsigned steps = kRecalMaxSteps;
  bool found = false;
  if (d) {
    steps = std::min<unsigned>(d->cyl, kRecalMaxSteps);
    move_head(d, -static_cast<int>(steps));
    found = d->cyl == 0;
  }
  pcn_[ds] = 0;
  const u8 st0 = static_cast<u8>(kSt0SeekEnd | ds | (found ? 0 : kSt0Abnormal | kSt0EquipCheck));
  finish_idle();
  seek_complete(ds, st0);
  seek_due_[ds] = sched_.now() + seek_time(steps);
  busy_ = static_cast<u8>(busy_ | (1u << ds));
  Picos next = kNever;
  for (const Picos t : seek_due_) next = std::min(next, t);
  seek_timer_.arm_at(next);
}

void Fdc82077::cmd_seek(bool relative) {
  // 5.2.3 SEEK: step from PCN to NCN; 5.2.10 RELATIVE SEEK: RCN steps in
  // (DIR = 1, toward the spindle) or out. The seek overlaps other commands:
  // the drive's MSR busy bit stays set until its SENSE INTERRUPT STATUS.
  const u8 ds = cmd_[1] & 3;
  int steps = 0;
  if (relative) {
    steps = (cmd_[0] & 0x40) ? cmd_[2] : -static_cast<int>(cmd_[2]);
    pcn_[ds] = static_cast<u8>(pcn_[ds] + steps);
  } else {
    steps = static_cast<int>(cmd_[2]) - static_cast<int>(pcn_[ds]);
    pcn_[ds] = cmd_[2];
  }
  if (Drive* d = phys_drive()) move_head(d, steps);
  finish_idle();
  seek_complete(ds, static_cast<u8>(kSt0SeekEnd | ds));
  seek_due_[ds] = sched_.now() + seek_time(static_cast<unsigned>(steps < 0 ? -steps : steps));
  busy_ = static_cast<u8>(busy_ | (1u << ds));
  Picos next = kNever;
  for (const Picos t : seek_due_) next = std::min(next, t);
  seek_timer_.arm_at(next);
}

void Fdc82077::seek_complete(unsigned ds, u8 st0) { seek_st0_[ds] = st0; }

void Fdc82077::cmd_sense_interrupt() {
  // 5.2.4 and Table 5-9: report (and clear) one interrupt condition. The
  // H bit of ST0 always reads 0 here.
  Sense s;
  if (!polls_.empty()) {
    s = polls_.front();
    polls_.erase(polls_.begin());
  } else if (!senses_.empty()) {
    s = senses_.front();
    senses_.erase(senses_.begin());
    busy_ = static_cast<u8>(busy_ & ~(1u << s.drive));
  } else {
    cmd_invalid();
    return;
  }
  // "The SENSE INTERRUPT STATUS command resets the interrupt signal"; seek
  // completions not yet sensed keep it asserted. Polling statuses after the
  // first are reported without a new interrupt.
  int_sense_ = !senses_.empty();
  update_irq();
  set_result({s.st0, pcn_[s.drive]}, false);
}

void Fdc82077::cmd_version() { set_result({kVersion82077}, false); }

void Fdc82077::cmd_dumpreg() {
  // 5.2.11: PCN0-3, SRT|HUT, HLT|ND, SC/EOT, LOCK|D3-D0|GAP|WGATE,
  // EIS|EFIFO|POLL|FIFOTHR, PRETRK.
  set_result({pcn_[0], pcn_[1], pcn_[2], pcn_[3], static_cast<u8>(srt_ << 4 | hut_),
              static_cast<u8>(hlt_ << 1 | (nd_ ? 1 : 0)), sc_eot_, static_cast<u8>((lock_ ? 0x80 : 0) | perp_),
              static_cast<u8>((eis_ ? 0x40 : 0) | (efifo_ ? 0x20 : 0) | (poll_disabled_ ? 0x10 : 0) | fifothr_),
              pretrk_},
             false);
}

void Fdc82077::cmd_configure() {
  // 5.2.7: byte 2 is 0; byte 3 EIS, EFIFO (1 = FIFO disabled), POLL (1 =
  // polling disabled), FIFOTHR; byte 4 PRETRK.
  const u8 b = cmd_[2];
  eis_ = (b & 0x40) != 0;
  efifo_ = (b & 0x20) != 0;
  poll_disabled_ = (b & 0x10) != 0;
  fifothr_ = static_cast<u8>(b & 0x0F);
  pretrk_ = cmd_[3];
  finish_idle();
}

void Fdc82077::cmd_lock() {
  // 5.2.12: the result byte is the new LOCK in bit 4.
  lock_ = (cmd_[0] & 0x80) != 0;
  set_result({static_cast<u8>(lock_ ? 0x10 : 0x00)}, false);
}

void Fdc82077::cmd_perpendicular() {
  // 5.2.13: GAP and WGATE always; D3-D0 only when OW (bit 7) is set.
  const u8 b = cmd_[1];
  if (b & 0x80) perp_ = static_cast<u8>((perp_ & 0x03) | (b & 0x3C));
  perp_ = static_cast<u8>((perp_ & 0x3C) | (b & 0x03));
  finish_idle();
}

// ---------------------------------------------------------------------------
// Drives and seeks

Fdc82077::Drive* Fdc82077::phys_drive() {
  const unsigned sel = dor_ & kDorSelect;
  return sel < kDrives ? &drives_[sel] : nullptr;
}

const Fdc82077::Drive* Fdc82077::phys_drive() const {
  const unsigned sel = dor_ & kDorSelect;
  return sel < kDrives ? &drives_[sel] : nullptr;
}

bool Fdc82077::spinning() const {
  // Index pulses need a mechanism, media and the selected drive's motor.
  const Drive* d = phys_drive();
  const unsigned sel = dor_ & kDorSelect;
  return d && d->image && ((dor_ >> (4 + sel)) & 1);
}

unsigned Fdc82077::last_track(const Drive& d) {
  // The head stops a couple of tracks past the last formatted cylinder.
  return d.image && d.geo.cylinders == 40 ? 41 : 83;
}

void Fdc82077::move_head(Drive* d, int steps) {
  if (steps == 0) return;
  const int target = std::clamp(static_cast<int>(d->cyl) + steps, 0, static_cast<int>(last_track(*d)));
  d->cyl = static_cast<u8>(target);
  // A step pulse with a disk in the drive resets its DSKCHG latch (the PC
  // convention the BIOS relies on: a seek to another track clears it).
  if (d->image) d->changed = false;
}

Picos Fdc82077::step_time() const {
  // SPECIFY SRT: (16 - SRT) ms at 500 kb/s, scaled by 500 / rate (0.5 ms
  // units at 1 Mb/s, 2 ms at 250 kb/s).
  return (16 - static_cast<i64>(srt_)) * kMs * 500 / kRateKbps[rate_];
}

Picos Fdc82077::seek_time(unsigned steps) const {
  return std::clamp(static_cast<Picos>(steps) * step_time(), kCommandDelay, kSeekCap);
}

Picos Fdc82077::revolution() const {
  const Drive& d = drives_[x_.unit < kDrives ? x_.unit : 0];
  return d.image ? d.geo.revolution : kPicosPerSecond / 5;
}

// ---------------------------------------------------------------------------
// Data commands

void Fdc82077::begin_data_command(Op op) {
  x_ = Xfer{};
  x_.op = op;
  x_.ds = cmd_[1] & 3;
  x_.hds = (cmd_[1] >> 2) & 1;
  x_.unit = dor_ & kDorSelect;
  x_.mfm = (cmd_[0] & kMfm) != 0;
  if (op == Op::Format) {
    x_.fmt_n = cmd_[2];
    x_.fmt_sc = cmd_[3];
    x_.gpl = cmd_[4];
    x_.fmt_fill = cmd_[5];
    x_.len = 4;
    sc_eot_ = x_.fmt_sc;
  } else if (op != Op::ReadId) {
    x_.c = cmd_[2];
    x_.h = cmd_[3];
    x_.r = cmd_[4];
    x_.n = cmd_[5];
    x_.eot = cmd_[6];
    x_.gpl = cmd_[7];
    x_.dtl = cmd_[8];
    x_.mt = op != Op::ReadTrack && (cmd_[0] & kMt) != 0;
    x_.sk = (cmd_[0] & kSk) != 0;
    x_.ec = op == Op::Verify && (cmd_[1] & 0x80) != 0;
    x_.sc_left = x_.dtl;
    x_.len = kSectorBytes;
    sc_eot_ = x_.eot;
  }
  // Only commands that move data have a non-DMA data phase.
  x_.pio = nd_ && op != Op::Verify && op != Op::ReadId;
  phase_ = Phase::Execution;
  cmd_.clear();
  if (!spinning()) {
    hung_ = true;  // no index pulses: wait for a reset (8.1)
    return;
  }
  Picos delay = kCommandDelay;
  if (eis_ && op != Op::Format && op != Op::ReadId && x_.c != pcn_[x_.ds]) {
    // Implied seek (CONFIGURE EIS): seek to C first, within the command; no
    // seek interrupt.
    const int steps = static_cast<int>(x_.c) - static_cast<int>(pcn_[x_.ds]);
    pcn_[x_.ds] = x_.c;
    move_head(phys_drive(), steps);
    delay += seek_time(static_cast<unsigned>(steps < 0 ? -steps : steps));
  }
  arm(Action::StartData, delay);
}

Fdc82077::Drive* Fdc82077::xfer_drive() {
  return x_.unit < kDrives && drives_[x_.unit].image ? &drives_[x_.unit] : nullptr;
}

bool Fdc82077::track_readable() {
  // ID fields are found only on a formatted track (cylinder and head within
  // the media), recorded in MFM, at the data rate the media was written at.
  const Drive* d = xfer_drive();
  return d && x_.mfm && ((d->geo.rates >> rate_) & 1) && d->cyl < d->geo.cylinders && x_.hds < d->geo.heads;
}

Fdc82077::Find Fdc82077::locate() {
  if (!track_readable()) return Find::NoTrack;
  const Drive* d = xfer_drive();
  if (x_.op == Op::ReadTrack) {
    // READ TRACK reads the sectors in their order from the index, whatever
    // their IDs; an ID that differs from C/H/R/N sets ND (5.1.3).
    x_.sector = static_cast<u8>(x_.track_index % d->geo.sectors + 1);
    if (x_.c != d->cyl || x_.h != x_.hds || x_.r != x_.sector || x_.n != 2) x_.st1 |= kSt1NoData;
    return Find::Found;
  }
  // The ID field of sector R on this track is (cylinder, head, R, 2).
  if (x_.c == d->cyl && x_.h == x_.hds && x_.n == 2 && x_.r >= 1 && x_.r <= d->geo.sectors) {
    x_.sector = x_.r;
    return Find::Found;
  }
  if (x_.c != d->cyl) x_.st2 |= kSt2WrongCyl;
  return Find::NotFound;
}

bool Fdc82077::seek_sector() {
  const Find f = locate();
  if (f == Find::Found) return true;
  // No ID field at all: MA; IDs but none matching: ND. Either way the
  // controller gives up at the second index pulse (5.1.1, 5.2.1).
  x_.st1 |= f == Find::NoTrack ? kSt1MissingAm : kSt1NoData;
  terminate(kSt0Abnormal, 2 * revolution());
  return false;
}

u64 Fdc82077::image_offset() const {
  const Drive& d = drives_[x_.unit];
  const u64 lba = (static_cast<u64>(d.cyl) * d.geo.heads + x_.hds) * d.geo.sectors + (x_.sector - 1u);
  return lba * kSectorBytes;
}

bool Fdc82077::step_position() {
  // The result-phase ID table (5.1.1): after sector R < EOT comes R + 1;
  // after EOT, R = 1 and, with MT, the head's LSB is complemented and side
  // 0 goes on to side 1; otherwise C + 1 (the cylinder is done).
  if (x_.r != x_.eot) {
    ++x_.r;
    return true;
  }
  x_.r = 1;
  if (x_.mt) {
    x_.h ^= 1;
    if (x_.hds == 0) {
      x_.hds = 1;
      return true;
    }
  }
  ++x_.c;
  return false;
}

bool Fdc82077::next_sector(bool* normal_end) {
  *normal_end = false;
  if (x_.op == Op::Verify && x_.ec && --x_.sc_left == 0) {
    step_position();
    *normal_end = true;
    return false;
  }
  if (x_.op == Op::ReadTrack) {
    ++x_.r;
    if (++x_.track_index < x_.eot) return true;
    x_.st1 |= kSt1EndOfCyl;
    return false;
  }
  if (step_position()) return true;
  if (x_.op == Op::Verify && !x_.ec) {
    // VERIFY without EC ends successfully at EOT (5.1.7 table).
    *normal_end = true;
    return false;
  }
  // 5.1.1: reading (or writing) past EOT without TC: abnormal, EN.
  x_.st1 |= kSt1EndOfCyl;
  return false;
}

void Fdc82077::terminate(u8 ic, Picos extra) {
  x_.st0 = static_cast<u8>(ic | (x_.hds << 2) | x_.ds);
  x_.pio_active = false;
  int_pio_ = false;
  update_irq();
  const Picos delay = extra + (x_.pio ? kPioEndDelay : static_cast<Picos>(x_.sectors) * kSectorTime);
  if (delay <= 0) {
    enter_result();
  } else {
    arm(Action::Result, delay);
  }
}

void Fdc82077::enter_result() {
  set_result({x_.st0, x_.st1, x_.st2, x_.c, x_.h, x_.r, x_.n}, true);
}

void Fdc82077::arm(Action a, Picos delay) {
  action_ = a;
  timer_.arm_in(delay);
}

void Fdc82077::on_timer(Timer& t) {
  if (&t == &seek_timer_) {
    // Seeks end in the order they are due; each leaves a status for SENSE
    // INTERRUPT STATUS and asserts INT.
    const Picos now = sched_.now();
    Picos next = kNever;
    for (unsigned ds = 0; ds < 4; ++ds) {
      if (seek_due_[ds] <= now) {
        seek_due_[ds] = kNever;
        senses_.push_back(Sense{seek_st0_[ds], static_cast<u8>(ds)});
        int_sense_ = true;
      } else {
        next = std::min(next, seek_due_[ds]);
      }
    }
    if (next != kNever) seek_timer_.arm_at(next);
    update_irq();
    return;
  }
  const Action a = action_;
  action_ = Action::None;
  switch (a) {
    case Action::ResetPoll:
      polls_.clear();
      for (u8 ds = 0; ds < 4; ++ds) polls_.push_back(Sense{static_cast<u8>(kSt0Polling | ds), ds});
      int_sense_ = true;
      update_irq();
      break;
    case Action::StartData:
      start_data();
      break;
    case Action::Result:
      enter_result();
      break;
    case Action::None:
      break;
  }
}

void Fdc82077::start_data() {
  if (!xfer_drive()) {
    hung_ = true;
    return;
  }
  if (x_.op == Op::ReadId) {
    read_id();
    return;
  }
  const bool writes = x_.op == Op::Write || x_.op == Op::WriteDeleted || x_.op == Op::Format;
  if (writes && xfer_drive()->image->read_only()) {
    // WP active at the start of a write: NW, nothing written (Table 5-3).
    x_.st1 |= kSt1NotWritable;
    terminate(kSt0Abnormal, 0);
    return;
  }
  if (x_.op == Op::Format) {
    if (x_.fmt_sc == 0) {
      terminate(0, revolution());
    } else if (x_.pio) {
      x_.pos = 0;
      x_.pio_active = true;
      int_pio_ = true;  // 5.2.4 reason 3: data wanted in non-DMA mode
      update_irq();
    } else {
      run_dma();
    }
    return;
  }
  if (!seek_sector()) return;
  if (!settle_deleted()) return;
  if (x_.pio) {
    if (!pio_load_sector()) return;
    x_.pio_active = true;
    int_pio_ = true;
    update_irq();
    return;
  }
  run_dma();
}

bool Fdc82077::settle_deleted() {
  // Every image sector has a normal data address mark. READ DELETED DATA
  // with SK = 1 skips such a sector (CM set); with SK = 0 it reads it and the
  // command ends after it (the SK/CM table of 5.1.1-5.1.2).
  while (x_.op == Op::ReadDeleted && x_.sk) {
    x_.st2 |= kSt2ControlMark;
    bool normal = false;
    if (!next_sector(&normal)) {
      terminate(normal ? 0 : kSt0Abnormal, 0);
      return false;
    }
    if (!seek_sector()) return false;
  }
  return true;
}

void Fdc82077::run_dma() {
  // DMA mode (4.2): DRQ/DACK on channel 2 move each sector; the DMA's TC
  // ends the command after the byte it comes with (normal termination), the
  // rest of that sector being read (written with zeros) without transfer.
  const bool gate = (dor_ & kDorDmaGate) != 0;
  if (x_.op == Op::Format) {
    while (x_.fmt_done < x_.fmt_sc) {
      const size_t n = gate ? dma_.device_read(kDmaChannel, x_.id) : 0;
      const bool tc = gate && dma_.terminal_count(kDmaChannel);
      if (n < x_.id.size() && !tc) {
        x_.st1 |= kSt1Overrun;  // no DACK in time: underrun
        terminate(kSt0Abnormal, 0);
        return;
      }
      if (n == x_.id.size()) format_sector();
      if (tc) break;
    }
    terminate(0, revolution());
    return;
  }
  for (;;) {
    bool tc = false;
    if (!transfer_sector_dma(&tc)) return;
    ++x_.sectors;
    if (x_.op == Op::ReadDeleted) {
      x_.st2 |= kSt2ControlMark;  // address not incremented (SK/CM table)
      terminate(0, 0);
      return;
    }
    if (tc) {
      if (x_.op == Op::ReadTrack) {
        ++x_.r;
      } else {
        step_position();
      }
      terminate(0, 0);
      return;
    }
    bool normal = false;
    if (!next_sector(&normal)) {
      terminate(normal ? 0 : kSt0Abnormal, 0);
      return;
    }
    if (!seek_sector()) return;
  }
}

bool Fdc82077::transfer_sector_dma(bool* tc) {
  Drive* d = xfer_drive();
  const bool gate = (dor_ & kDorDmaGate) != 0;  // DOR bit 3 gates DRQ
  *tc = false;
  switch (x_.op) {
    case Op::Read:
    case Op::ReadDeleted:
    case Op::ReadTrack: {
      if (!d->image->read(image_offset(), x_.buf)) {
        x_.st1 |= kSt1DataError;
        x_.st2 |= kSt2DataErrorDf;
        terminate(kSt0Abnormal, 0);
        return false;
      }
      const size_t n = gate ? dma_.device_write(kDmaChannel, x_.buf) : 0;
      *tc = gate && dma_.terminal_count(kDmaChannel);
      if (n < x_.buf.size() && !*tc) {
        x_.st1 |= kSt1Overrun;
        terminate(kSt0Abnormal, 0);
        return false;
      }
      return true;
    }
    case Op::Write:
    case Op::WriteDeleted: {
      const size_t n = gate ? dma_.device_read(kDmaChannel, x_.buf) : 0;
      *tc = gate && dma_.terminal_count(kDmaChannel);
      if (n < x_.buf.size() && !*tc) {
        x_.st1 |= kSt1Overrun;
        terminate(kSt0Abnormal, 0);
        return false;
      }
      std::fill(x_.buf.begin() + static_cast<std::ptrdiff_t>(n), x_.buf.end(), u8{0});
      if (!d->image->write(image_offset(), x_.buf)) {
        x_.st1 |= kSt1NotWritable;
        terminate(kSt0Abnormal, 0);
        return false;
      }
      return true;
    }
    default:
      return true;  // VERIFY: the sector is read and checked, nothing moves
  }
}

bool Fdc82077::pio_load_sector() {
  x_.pos = 0;
  x_.len = kSectorBytes;
  if (x_.op == Op::Read || x_.op == Op::ReadDeleted || x_.op == Op::ReadTrack) {
    if (!xfer_drive()->image->read(image_offset(), x_.buf)) {
      x_.st1 |= kSt1DataError;
      x_.st2 |= kSt2DataErrorDf;
      terminate(kSt0Abnormal, 0);
      return false;
    }
  }
  return true;
}

void Fdc82077::pio_sector_done() {
  Drive* d = xfer_drive();
  if (!d) {
    hung_ = true;  // media gone mid-transfer
    x_.pio_active = false;
    return;
  }
  if (x_.op == Op::Format) {
    format_sector();
    x_.pos = 0;
    if (x_.fmt_done == x_.fmt_sc) terminate(0, revolution());
    return;
  }
  if ((x_.op == Op::Write || x_.op == Op::WriteDeleted) && !d->image->write(image_offset(), x_.buf)) {
    x_.st1 |= kSt1NotWritable;
    terminate(kSt0Abnormal, 0);
    return;
  }
  ++x_.sectors;
  if (x_.op == Op::ReadDeleted) {
    x_.st2 |= kSt2ControlMark;
    terminate(0, 0);
    return;
  }
  // No TC without DACK: a non-DMA transfer runs to EOT (EN).
  bool normal = false;
  if (!next_sector(&normal)) {
    terminate(normal ? 0 : kSt0Abnormal, 0);
    return;
  }
  if (!seek_sector()) return;
  pio_load_sector();
}

void Fdc82077::format_sector() {
  // 5.1.8: one sector per 4 ID bytes (C, H, R, N), its data field filled
  // with D. The image keeps only sectors of its own layout.
  ++x_.fmt_done;
  x_.c = x_.id[0];
  x_.h = x_.id[1];
  x_.r = x_.id[2];
  x_.n = x_.id[3];
  Drive* d = xfer_drive();
  if (!d || x_.fmt_n != 2 || x_.n != 2 || x_.c != d->cyl || x_.h != x_.hds || d->cyl >= d->geo.cylinders ||
      x_.hds >= d->geo.heads || x_.r < 1 || x_.r > d->geo.sectors)
    return;
  x_.sector = x_.r;
  std::array<u8, kSectorBytes> fill;
  fill.fill(x_.fmt_fill);
  if (!d->image->write(image_offset(), fill)) x_.st1 |= kSt1NotWritable;
}

void Fdc82077::read_id() {
  // 5.2.1: the first ID field that passes under the head. The disk turns in
  // virtual time, so which sector that is follows sched.now().
  if (!track_readable()) {
    x_.st1 |= kSt1MissingAm;
    terminate(kSt0Abnormal, 2 * revolution());
    return;
  }
  const Drive* d = xfer_drive();
  const Picos rev = revolution();
  const Picos angle = sched_.now() % rev;
  x_.c = d->cyl;
  x_.h = x_.hds;
  x_.r = static_cast<u8>(angle * d->geo.sectors / rev + 1);
  x_.n = 2;
  terminate(0, 0);
}

// ---------------------------------------------------------------------------

std::string Fdc82077::dump() const {
  static constexpr const char* kPhase[] = {"idle", "command", "execution", "result"};
  static constexpr const char* kOp[] = {"none", "read", "read-deleted", "read-track", "write",
                                        "write-deleted", "verify", "format", "read-id"};
  static constexpr std::array<i64, 4> kKbps = {500, 300, 250, 1000};
  std::string s = fmt::format(
      "FDC 82077AA: DOR={:02X} MSR={:02X} DIR={:02X} TDR={:X} rate={}kb/s{} INT={} phase={}{}\n", dor_, msr(), dir(),
      tdr_, kKbps[rate_], in_reset_ ? " (in reset)" : "", irq_level_ ? 1 : 0, kPhase[static_cast<unsigned>(phase_)],
      hung_ ? " (waiting for index)" : "");
  s += fmt::format(
      "  SRT={:X} HUT={:X} HLT={:02X} ND={} EIS={} EFIFO={} POLL={} FIFOTHR={:X} PRETRK={:02X} LOCK={} PERP={:02X} "
      "SC/EOT={:02X}\n",
      srt_, hut_, hlt_, nd_ ? 1 : 0, eis_ ? 1 : 0, efifo_ ? 1 : 0, poll_disabled_ ? 1 : 0, fifothr_, pretrk_,
      lock_ ? 1 : 0, perp_, sc_eot_);
  s += fmt::format("  PCN={:02X} {:02X} {:02X} {:02X} busy={:X} polls={} senses={}\n", pcn_[0], pcn_[1], pcn_[2],
                   pcn_[3], busy_, polls_.size(), senses_.size());
  if (x_.op != Op::None) {
    s += fmt::format(
        "  last command: {} DS={} HDS={} C={:02X} H={:02X} R={:02X} N={:02X} EOT={:02X} MT={} {} sectors={} "
        "ST0-2={:02X} {:02X} {:02X}\n",
        kOp[static_cast<unsigned>(x_.op)], x_.ds, x_.hds, x_.c, x_.h, x_.r, x_.n, x_.eot, x_.mt ? 1 : 0,
        x_.pio ? "non-DMA" : "DMA", x_.sectors, x_.st0, x_.st1, x_.st2);
  }
  if (phase_ == Phase::Result) {
    s += "  result:";
    for (size_t i = result_pos_; i < result_.size(); ++i) s += fmt::format(" {:02X}", result_[i]);
    s += "\n";
  }
  for (unsigned i = 0; i < kDrives; ++i) {
    const Drive& d = drives_[i];
    if (d.image) {
      s += fmt::format("  drive {}: {} ({}x{}x{}{}) cylinder {} changed={}\n", i, d.image->path(), d.geo.cylinders,
                       d.geo.heads, d.geo.sectors, d.image->read_only() ? ", write-protected" : "", d.cyl,
                       d.changed ? 1 : 0);
    } else {
      s += fmt::format("  drive {}: no media, cylinder {} changed={}\n", i, d.cyl, d.changed ? 1 : 0);
    }
  }
  return s;
}

}  // namespace gb
