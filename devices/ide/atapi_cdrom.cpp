// ATAPI CD-ROM drive; see atapi_cdrom.hpp for the commands and behaviour
// modelled.
#include "devices/ide/atapi_cdrom.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>

namespace gb {

using namespace ide;

namespace {

// Packet command operation codes (SFF-8020i Table "ATAPI Packet Commands";
// MMC-2 for GET CONFIGURATION, GET EVENT STATUS NOTIFICATION, READ DISC
// INFORMATION, READ CD, SET CD SPEED).
constexpr u8 kTestUnitReady = 0x00;
constexpr u8 kRequestSense = 0x03;
constexpr u8 kInquiry = 0x12;
constexpr u8 kModeSelect6 = 0x15;
constexpr u8 kModeSense6 = 0x1A;
constexpr u8 kStartStopUnit = 0x1B;
constexpr u8 kPreventAllow = 0x1E;
constexpr u8 kReadCapacity = 0x25;
constexpr u8 kRead10 = 0x28;
constexpr u8 kSeek10 = 0x2B;
constexpr u8 kReadSubchannel = 0x42;
constexpr u8 kReadToc = 0x43;
constexpr u8 kGetConfiguration = 0x46;
constexpr u8 kGetEventStatus = 0x4A;
constexpr u8 kReadDiscInfo = 0x51;
constexpr u8 kModeSelect10 = 0x55;
constexpr u8 kModeSense10 = 0x5A;
constexpr u8 kRead12 = 0xA8;
constexpr u8 kSetCdSpeed = 0xBB;
constexpr u8 kReadCd = 0xBE;

// Sense keys (SPC / SFF-8020i "Sense Key descriptions").
constexpr u8 kNotReady = 0x02;
constexpr u8 kMediumError = 0x03;
constexpr u8 kIllegalRequest = 0x05;
constexpr u8 kUnitAttention = 0x06;

// Additional sense codes.
constexpr u8 kAscUnrecoveredRead = 0x11;
constexpr u8 kAscInvalidOpcode = 0x20;
constexpr u8 kAscLbaOutOfRange = 0x21;
constexpr u8 kAscInvalidField = 0x24;
constexpr u8 kAscMediumChanged = 0x28;  // not ready to ready change, medium may have changed
constexpr u8 kAscSavingNotSupported = 0x39;
constexpr u8 kAscMediumNotPresent = 0x3A;
constexpr u8 kAscRemovalPrevented = 0x53;  // ASCQ 02h: medium removal prevented

// Interrupt reason (Sector Count during PACKET; ATA-6 PACKET command).
constexpr u8 kReasonCoD = 0x01;
constexpr u8 kReasonIo = 0x02;

// GESN media event codes (MMC-2 "Media Event Descriptor").
constexpr u8 kEventNewMedia = 0x02;
constexpr u8 kEventMediaRemoval = 0x03;

// The one speed this drive claims: 24x (24 * 176 kB/s).
constexpr u16 kMaxSpeed = 24 * 176;

u16 be16(const u8* p) { return static_cast<u16>(p[0] << 8 | p[1]); }
u32 be32(const u8* p) {
  return static_cast<u32>(p[0]) << 24 | static_cast<u32>(p[1]) << 16 | static_cast<u32>(p[2]) << 8 | p[3];
}
void put_be16(u8* p, u32 v) {
  p[0] = static_cast<u8>(v >> 8);
  p[1] = static_cast<u8>(v);
}
void put_be32(u8* p, u32 v) {
  p[0] = static_cast<u8>(v >> 24);
  p[1] = static_cast<u8>(v >> 16);
  p[2] = static_cast<u8>(v >> 8);
  p[3] = static_cast<u8>(v);
}

void put_text(u8* p, std::size_t n, const char* s) {
  const std::size_t len = std::strlen(s);
  for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<u8>(i < len ? s[i] : ' ');
}

// A CD address: LBA, or MSF with the 2-second (150-frame) lead-in offset
// (MMC-2 "Address formats"), as four bytes {0, M, S, F}.
void put_address(u8* p, u32 lba, bool msf) {
  if (!msf) {
    put_be32(p, lba);
    return;
  }
  const u32 f = lba + 150;
  p[0] = 0;
  p[1] = static_cast<u8>(f / (75 * 60));
  p[2] = static_cast<u8>(f / 75 % 60);
  p[3] = static_cast<u8>(f % 75);
}

}  // namespace

AtapiCdrom::AtapiCdrom(IdeChannel& ch, unsigned unit, Timer& timer, std::unique_ptr<DiskImage> image)
    : IdeDevice(ch, unit, timer), image_(std::move(image)) {
  reset_state(true);
}

bool AtapiCdrom::flush() { return image_ ? image_->flush() : true; }

u32 AtapiCdrom::capacity() const {
  if (!medium_present()) return 0;
  return static_cast<u32>(std::min<u64>(image_->size() / kSectorBytes, 0xFFFF'FFFFu));
}

void AtapiCdrom::change_medium(std::unique_ptr<DiskImage> image) {
  image_ = std::move(image);
  tray_open_ = false;
  if (image_) {
    // SPC: a new medium is reported once, as UNIT ATTENTION "not ready to
    // ready change, medium may have changed", to the next command.
    unit_attention_ = true;
    media_event_ = kEventNewMedia;
  } else {
    unit_attention_ = false;
    media_event_ = kEventMediaRemoval;
  }
}

void AtapiCdrom::set_signature() {
  // PACKET feature set signature (ATA-6 "Signature and persistence"):
  // Sector Count 01h, LBA Low 01h, LBA Mid 14h, LBA High EBh.
  count.cur = 0x01;
  lba_low.cur = 0x01;
  lba_mid.cur = 0x14;
  lba_high.cur = 0xEB;
}

void AtapiCdrom::reset_state(bool hardware) {
  set_signature();
  phase_ = Phase::Idle;
  reply_.clear();
  media_read_ = false;
  left_ = 0;
  if (hardware) {
    locked_ = false;
    read_speed_ = 0xFFFF;
    power_standby_ = false;
    sense_key_ = asc_ = ascq_ = 0;
  }
}

void AtapiCdrom::execute(u8 cmd) {
  phase_ = Phase::Idle;
  switch (cmd) {
    case 0xA1:  // IDENTIFY PACKET DEVICE
      identify_packet();
      return;
    case 0xA0:  // PACKET
      // Features bit 0 (DMA) asks for a DMA data phase: not supported.
      // Bit 1 (OVL) is ignored: the drive never releases the bus.
      if (features.cur & 0x01) {
        complete_error(kErrorAbrt, kCommandDelay);
        return;
      }
      limit_ = static_cast<u32>(lba_mid.cur | lba_high.cur << 8);
      phase_ = Phase::Packet;
      // ATA-6 PACKET: the drive asks for the command packet with CoD=1,
      // IO=0; with "DRQ within 50 us" (IDENTIFY word 0 bits 6-5 = 10b) there
      // is no interrupt before the packet.
      count.cur = kReasonCoD;
      data_out(12, kPacketDelay, false);
      return;
    case 0x08:  // DEVICE RESET: signature, no interrupt (ATA-6 DEVICE RESET)
      device_reset(kCommandDelay);
      return;
    case 0xEC:  // IDENTIFY DEVICE
    case 0x20:  // READ SECTORS
    case 0x21:
      // ATA-6 IDENTIFY DEVICE: a device implementing the PACKET feature set
      // aborts and places its signature in the registers. READ SECTORS is
      // answered the same way (some older drivers probe with it).
      abort_with_signature();
      return;
    case 0xEF: {  // SET FEATURES
      const u8 type = count.cur >> 3;
      const u8 mode = count.cur & 7;
      switch (features.cur) {
        case 0x03:  // transfer mode: PIO only, as for the disk
          if ((type == 0 && mode <= 1) || (type == 1 && mode <= 4)) {
            complete(kCommandDelay);
          } else {
            complete_error(kErrorAbrt, kCommandDelay);
          }
          return;
        case 0x66:
        case 0xCC:
        case 0x02:
        case 0x82:
        case 0x55:
        case 0xAA:
          complete(kCommandDelay);
          return;
        default:
          complete_error(kErrorAbrt, kCommandDelay);
          return;
      }
    }
    case 0xE5:  // CHECK POWER MODE
    case 0x98:
      count.cur = power_standby_ ? 0x00 : 0xFF;
      complete(kCommandDelay);
      return;
    case 0xE0:  // STANDBY IMMEDIATE
    case 0xE2:
    case 0x94:
    case 0x96:
    case 0xE6:  // SLEEP, taken as standby
    case 0x99:
      power_standby_ = true;
      complete(kCommandDelay);
      return;
    case 0xE1:  // IDLE IMMEDIATE
    case 0xE3:
    case 0x95:
    case 0x97:
      power_standby_ = false;
      complete(kCommandDelay);
      return;
    default:  // NOP and the rest
      complete_error(kErrorAbrt, kCommandDelay);
      return;
  }
}

void AtapiCdrom::abort_with_signature() {
  set_signature();
  complete_error(kErrorAbrt, kCommandDelay);
}

void AtapiCdrom::identify_packet() {
  // ATA-6 IDENTIFY PACKET DEVICE data.
  buf_.assign(512, 0);
  std::span<u8> id(buf_.data(), 512);
  // Word 0: bits 15-14 = 10b ATAPI, bits 12-8 = 05h CD-ROM, bit 7
  // removable, bits 6-5 = 10b DRQ within 50 us of PACKET, bits 1-0 = 00b
  // 12-byte packets.
  put_word(id, 0, 0x85C0);
  put_string(id, 10, 10, serial());
  put_string(id, 23, 4, "1.0");
  put_string(id, 27, 20, "GLASSBOX CD-ROM");
  put_word(id, 49, 0x0E00);  // IORDY supported / may be disabled, LBA; no DMA
  put_word(id, 53, 0x0006);  // words 64-70 and 88 valid
  put_word(id, 63, 0x0000);
  put_word(id, 64, 0x0003);  // PIO modes 3 and 4
  put_word(id, 67, 120);
  put_word(id, 68, 120);
  put_word(id, 80, 0x007E);  // ATA-1 to ATA/ATAPI-6
  // 82/85: bit 14 NOP, bit 9 DEVICE RESET, bit 4 PACKET, bit 3 Power
  // Management; 83/84/87: bit 14 one.
  put_word(id, 82, 0x4218);
  put_word(id, 83, 0x4000);
  put_word(id, 84, 0x4000);
  put_word(id, 85, 0x4218);
  put_word(id, 86, 0x0000);
  put_word(id, 87, 0x4000);
  put_word(id, 88, 0x0000);  // no Ultra DMA
  put_word(id, 93, reset_result_word());
  put_checksum(id);
  identify_data_in(kCommandDelay);
}

// ---------------------------------------------------------------------------
// PACKET protocol (ATA-6 "PACKET command protocol"): after the packet, BSY;
// then for each data block DRQ with the byte count in LBA Mid/High and the
// interrupt reason IO=1 CoD=0 (to the host) or IO=0 CoD=0 (from the host),
// each announced by INTRQ; finally IO=1 CoD=1, DRQ=0, INTRQ, with ERR
// (CHECK CONDITION) and the sense key in Error bits 7-4 on failure.

u32 AtapiCdrom::block_limit(bool media) const {
  // ATA-6 PACKET: the byte count limit is in LBA Mid/High. FFFFh is taken as
  // FFFEh; an odd limit is used as the even value below it so that every
  // block but the last is whole words; 0 is indeterminate in ATA-6 and taken
  // as the maximum.
  u32 lim = limit_ == 0 ? 0xFFFE : limit_;
  lim &= ~1u;
  if (lim == 0) lim = 2;
  // Disc data goes in whole sectors per DRQ block when the limit allows.
  if (media && lim >= kSectorBytes) lim -= lim % kSectorBytes;
  return lim;
}

void AtapiCdrom::next_in_block() {
  const std::size_t n = static_cast<std::size_t>(std::min<u64>(left_, block_limit(media_read_)));
  buf_.resize(n);
  if (media_read_) {
    if (!image_ || !image_->read(read_offset_, std::span<u8>(buf_.data(), n))) {
      check(kMediumError, kAscUnrecoveredRead, 0);
      return;
    }
    read_offset_ += n;
  } else {
    std::memcpy(buf_.data(), reply_.data() + reply_pos_, n);
    reply_pos_ += n;
  }
  block_bytes_ = n;
  count.cur = kReasonIo;
  lba_mid.cur = static_cast<u8>(n);
  lba_high.cur = static_cast<u8>(n >> 8);
  phase_ = Phase::DataIn;
  data_in(n, kCommandDelay);
}

void AtapiCdrom::block_done() {
  switch (phase_) {
    case Phase::Idle:  // IDENTIFY PACKET DEVICE (plain PIO data-in)
      go_idle();
      return;
    case Phase::Packet:
      run_packet();
      return;
    case Phase::DataIn:
      left_ -= block_bytes_;
      if (left_ > 0) {
        next_in_block();
      } else {
        finish_status(false);
      }
      return;
    case Phase::DataOut:
      left_ -= block_bytes_;
      if (left_ > 0) {
        block_bytes_ = static_cast<std::size_t>(std::min<u64>(left_, block_limit(false)));
        lba_mid.cur = static_cast<u8>(block_bytes_);
        lba_high.cur = static_cast<u8>(block_bytes_ >> 8);
        data_out(block_bytes_, kCommandDelay, true);
      } else {
        finish_status(false);
      }
      return;
  }
}

void AtapiCdrom::finish_status(bool error) {
  phase_ = Phase::Idle;
  media_read_ = false;
  reply_.clear();
  left_ = 0;
  count.cur = kReasonCoD | kReasonIo;
  if (error) {
    complete_error(static_cast<u8>(sense_key_ << 4), kCommandDelay);
  } else {
    complete(kCommandDelay);
  }
}

void AtapiCdrom::good() { finish_status(false); }

void AtapiCdrom::check(u8 key, u8 asc, u8 ascq) {
  sense_key_ = key;
  asc_ = asc;
  ascq_ = ascq;
  finish_status(true);
}

void AtapiCdrom::reply(std::vector<u8> data, u32 alloc) {
  if (data.size() > alloc) data.resize(alloc);
  if (data.empty()) {
    good();
    return;
  }
  reply_ = std::move(data);
  reply_pos_ = 0;
  media_read_ = false;
  left_ = reply_.size();
  next_in_block();
}

void AtapiCdrom::read_sectors(u32 lba, u32 sectors) {
  if (static_cast<u64>(lba) + sectors > capacity()) {
    check(kIllegalRequest, kAscLbaOutOfRange, 0);
    return;
  }
  if (sectors == 0) {
    good();
    return;
  }
  power_standby_ = false;
  media_read_ = true;
  read_offset_ = static_cast<u64>(lba) * kSectorBytes;
  left_ = static_cast<u64>(sectors) * kSectorBytes;
  next_in_block();
}

void AtapiCdrom::receive(u32 bytes) {
  if (bytes == 0) {
    good();
    return;
  }
  phase_ = Phase::DataOut;
  left_ = bytes;
  block_bytes_ = static_cast<std::size_t>(std::min<u64>(left_, block_limit(false)));
  count.cur = 0;  // IO=0, CoD=0: data from the host
  lba_mid.cur = static_cast<u8>(block_bytes_);
  lba_high.cur = static_cast<u8>(block_bytes_ >> 8);
  data_out(block_bytes_, kCommandDelay, true);
}

void AtapiCdrom::run_packet() {
  std::array<u8, 12> cdb{};
  std::memcpy(cdb.data(), buf_.data(), cdb.size());
  const u8* c = cdb.data();
  const u8 op = c[0];
  last_opcode_ = op;
  // Each command but REQUEST SENSE replaces the sense data.
  if (op != kRequestSense) sense_key_ = asc_ = ascq_ = 0;

  // SPC unit attention: reported (once) to any command but INQUIRY and
  // REQUEST SENSE; MMC-2 exempts GET CONFIGURATION and GET EVENT STATUS
  // NOTIFICATION too.
  const bool ua_exempt =
      op == kInquiry || op == kRequestSense || op == kGetConfiguration || op == kGetEventStatus;
  if (unit_attention_ && !ua_exempt) {
    unit_attention_ = false;
    check(kUnitAttention, kAscMediumChanged, 0);
    return;
  }
  switch (op) {
    case kTestUnitReady:
    case kReadCapacity:
    case kRead10:
    case kRead12:
    case kReadCd:
    case kSeek10:
    case kReadToc:
    case kReadSubchannel:
    case kReadDiscInfo:
      if (!medium_present()) {
        check(kNotReady, kAscMediumNotPresent, 0);
        return;
      }
      break;
    default:
      break;
  }

  switch (op) {
    case kTestUnitReady:
      good();
      return;
    case kRequestSense:
      cmd_request_sense(c);
      return;
    case kInquiry:
      cmd_inquiry(c);
      return;
    case kModeSelect6:
      receive(c[4]);
      return;
    case kModeSelect10:
      receive(be16(c + 7));
      return;
    case kModeSense6:
      cmd_mode_sense(c, false);
      return;
    case kModeSense10:
      cmd_mode_sense(c, true);
      return;
    case kStartStopUnit:
      cmd_start_stop(c);
      return;
    case kPreventAllow:
      locked_ = c[4] & 0x01;
      good();
      return;
    case kReadCapacity:
      cmd_read_capacity();
      return;
    case kRead10:
      read_sectors(be32(c + 2), be16(c + 7));
      return;
    case kRead12:
      read_sectors(be32(c + 2), be32(c + 6));
      return;
    case kReadCd:
      cmd_read_cd(c);
      return;
    case kSeek10:
      if (be32(c + 2) >= capacity()) {
        check(kIllegalRequest, kAscLbaOutOfRange, 0);
      } else {
        good();
      }
      return;
    case kReadSubchannel:
      cmd_read_subchannel(c);
      return;
    case kReadToc:
      cmd_read_toc(c);
      return;
    case kGetConfiguration:
      cmd_get_configuration(c);
      return;
    case kGetEventStatus:
      cmd_event_status(c);
      return;
    case kReadDiscInfo:
      cmd_disc_info(c);
      return;
    case kSetCdSpeed:
      read_speed_ = be16(c + 2);
      good();
      return;
    default:
      check(kIllegalRequest, kAscInvalidOpcode, 0);
      return;
  }
}

void AtapiCdrom::cmd_request_sense(const u8* cdb) {
  u8 key = sense_key_, asc = asc_, ascq = ascq_;
  if (key == 0 && asc == 0 && unit_attention_) {
    // REQUEST SENSE reports a pending unit attention and clears it (SPC).
    key = kUnitAttention;
    asc = kAscMediumChanged;
    ascq = 0;
    unit_attention_ = false;
  }
  // Fixed-format sense data (SFF-8020i "REQUEST SENSE"): response code 70h
  // (current error), sense key, additional length 10, ASC, ASCQ.
  std::vector<u8> d(18, 0);
  d[0] = 0x70;
  d[2] = key;
  d[7] = 10;
  d[12] = asc;
  d[13] = ascq;
  sense_key_ = asc_ = ascq_ = 0;
  reply(std::move(d), cdb[4]);
}

void AtapiCdrom::cmd_inquiry(const u8* cdb) {
  if (cdb[1] & 0x01) {  // EVPD: no vital product data pages
    check(kIllegalRequest, kAscInvalidField, 0);
    return;
  }
  // Standard INQUIRY data (SFF-8020i "INQUIRY"): peripheral device type 05h
  // (CD-ROM), RMB (removable), ANSI version 0, ATAPI version 2 / response
  // data format 1, 31 additional bytes, then vendor, product, revision.
  std::vector<u8> d(36, 0);
  d[0] = 0x05;
  d[1] = 0x80;
  d[2] = 0x00;
  d[3] = 0x21;
  d[4] = 31;
  put_text(&d[8], 8, "GLASSBOX");
  put_text(&d[16], 16, "CD-ROM");
  put_text(&d[32], 4, "1.0");
  // SFF-8020i has an 8-bit allocation length in byte 4 (byte 3 reserved);
  // SPC-3 widens it to bytes 3-4, which reads the same when byte 3 is 0.
  reply(std::move(d), be16(cdb + 3));
}

void AtapiCdrom::cmd_read_capacity() {
  // READ CAPACITY: last LBA and block length, big-endian.
  std::vector<u8> d(8, 0);
  const u32 cap = capacity();
  put_be32(&d[0], cap ? cap - 1 : 0);
  put_be32(&d[4], kSectorBytes);
  reply(std::move(d), 8);
}

void AtapiCdrom::cmd_read_toc(const u8* cdb) {
  const bool msf = cdb[1] & 0x02;
  u8 format = cdb[2] & 0x0F;
  // SFF-8020i put the format in bits 7-6 of byte 9; MMC-2 moved it to byte 2.
  if (format == 0) format = cdb[9] >> 6;
  const u8 track = cdb[6];
  const u32 alloc = be16(cdb + 7);
  const u32 cap = capacity();
  std::vector<u8> d;
  switch (format) {
    case 0: {
      // Formatted TOC: one data track (ADR 1, control 4) at LBA 0, and the
      // lead-out (track AAh) at the capacity, from the starting track on.
      if (track > 1 && track != 0xAA) {
        check(kIllegalRequest, kAscInvalidField, 0);
        return;
      }
      d.assign(4, 0);
      auto descriptor = [&](u8 number, u32 lba) {
        const std::size_t at = d.size();
        d.resize(at + 8, 0);
        d[at + 1] = 0x14;
        d[at + 2] = number;
        put_address(&d[at + 4], lba, msf);
      };
      if (track <= 1) descriptor(1, 0);
      descriptor(0xAA, cap);
      d[2] = 1;  // first track
      d[3] = 1;  // last track
      break;
    }
    case 1:
      // Session information: one session, its first track 1 at LBA 0.
      d.assign(12, 0);
      d[2] = 1;
      d[3] = 1;
      d[5] = 0x14;
      d[6] = 1;
      put_address(&d[8], 0, msf);
      break;
    case 2: {
      // Raw TOC (Q sub-channel of the lead-in, always MSF): points A0h
      // (first track, disc type 00h), A1h (last track), A2h (lead-out) and
      // track 1.
      d.assign(4, 0);
      d[2] = 1;
      d[3] = 1;
      auto point = [&](u8 p, u8 pmin, u8 psec, u8 pframe) {
        const std::size_t at = d.size();
        d.resize(at + 11, 0);
        d[at + 0] = 1;     // session
        d[at + 1] = 0x14;  // ADR 1, data track
        d[at + 3] = p;
        d[at + 8] = pmin;
        d[at + 9] = psec;
        d[at + 10] = pframe;
      };
      u8 m[4];
      point(0xA0, 1, 0x00, 0);
      point(0xA1, 1, 0, 0);
      put_address(m, cap, true);
      point(0xA2, m[1], m[2], m[3]);
      put_address(m, 0, true);
      point(0x01, m[1], m[2], m[3]);
      break;
    }
    default:
      check(kIllegalRequest, kAscInvalidField, 0);
      return;
  }
  put_be16(&d[0], static_cast<u32>(d.size() - 2));  // TOC data length
  reply(std::move(d), alloc);
}

void AtapiCdrom::cmd_mode_sense(const u8* cdb, bool ten) {
  const u8 pc = cdb[2] >> 6;  // 0 current, 1 changeable, 2 default, 3 saved
  const u8 page = cdb[2] & 0x3F;
  const u32 alloc = ten ? be16(cdb + 7) : cdb[4];
  if (pc == 3) {
    check(kIllegalRequest, kAscSavingNotSupported, 0);
    return;
  }
  // Read error recovery parameters page (01h; MMC-2 layout, 10 bytes).
  std::vector<u8> p01 = {0x01, 0x0A, 0x00, 5, 0, 0, 0, 0, 0, 0, 0, 0};
  // CD capabilities and mechanical status page (2Ah; SFF-8020i layout, 18
  // bytes): reads CD-ROM only, lock supported (bit 0) and its state (bit 1),
  // eject supported (bit 3), tray loading mechanism (bits 7-5 = 001b).
  std::vector<u8> p2a(20, 0);
  p2a[0] = 0x2A;
  p2a[1] = 0x12;
  p2a[6] = static_cast<u8>(0x29 | (locked_ ? 0x02 : 0));
  put_be16(&p2a[8], kMaxSpeed);
  put_be16(&p2a[14], std::min<u16>(read_speed_, kMaxSpeed));
  std::vector<u8> pages;
  auto add = [&](std::vector<u8>& p) {
    // Changeable values: a mask of the settable bits; none are.
    if (pc == 1) std::fill(p.begin() + 2, p.end(), u8{0});
    pages.insert(pages.end(), p.begin(), p.end());
  };
  if (page == 0x01 || page == 0x3F) add(p01);
  if (page == 0x2A || page == 0x3F) add(p2a);
  if (pages.empty()) {
    check(kIllegalRequest, kAscInvalidField, 0);
    return;
  }
  // Medium type (SFF-8020i): 01h 120 mm data disc, 70h door closed and no
  // disc, 71h door open.
  const u8 medium = tray_open_ ? 0x71 : (image_ ? 0x01 : 0x70);
  std::vector<u8> d;
  if (ten) {
    d.assign(8, 0);  // no block descriptors
    d[2] = medium;
    d.insert(d.end(), pages.begin(), pages.end());
    put_be16(&d[0], static_cast<u32>(d.size() - 2));
  } else {
    d.assign(4, 0);
    d[1] = medium;
    d.insert(d.end(), pages.begin(), pages.end());
    d[0] = static_cast<u8>(d.size() - 1);
  }
  reply(std::move(d), alloc);
}

void AtapiCdrom::cmd_start_stop(const u8* cdb) {
  const bool loej = cdb[4] & 0x02;
  const bool start = cdb[4] & 0x01;
  if (loej) {
    if (!start) {
      // Eject, unless PREVENT ALLOW MEDIUM REMOVAL forbids it.
      if (locked_) {
        check(kIllegalRequest, kAscRemovalPrevented, 0x02);
        return;
      }
      if (!tray_open_) {
        tray_open_ = true;
        if (image_) media_event_ = kEventMediaRemoval;
      }
    } else if (tray_open_) {
      tray_open_ = false;
      if (image_) {
        unit_attention_ = true;
        media_event_ = kEventNewMedia;
      }
    }
  }
  good();
}

void AtapiCdrom::cmd_get_configuration(const u8* cdb) {
  const u8 rt = cdb[1] & 0x03;
  const u16 start = be16(cdb + 2);
  const u32 alloc = be16(cdb + 7);
  if (rt == 3) {
    check(kIllegalRequest, kAscInvalidField, 0);
    return;
  }
  const bool disc = medium_present();
  // MMC-2 features: byte 2 = version << 2 | persistent << 1 | current.
  struct Feature {
    u16 code;
    bool current;
    std::vector<u8> bytes;
  };
  const std::vector<Feature> features = {
      // Profile List: one profile, CD-ROM (0008h), current with a disc.
      {0x0000, true, {0x00, 0x00, 0x03, 0x04, 0x00, 0x08, static_cast<u8>(disc ? 1 : 0), 0x00}},
      // Core: physical interface standard 2 (ATAPI).
      {0x0001, true, {0x00, 0x01, 0x03, 0x04, 0x00, 0x00, 0x00, 0x02}},
      // Removable Medium: tray, eject, lock.
      {0x0003, true, {0x00, 0x03, 0x03, 0x04, 0x29, 0x00, 0x00, 0x00}},
      // Random Readable: 2048-byte blocks, blocking 1.
      {0x0010, disc, {0x00, 0x10, static_cast<u8>(disc ? 1 : 0), 0x08, 0x00, 0x00, 0x08, 0x00, 0x00, 0x01, 0x00,
                      0x00}},
      // CD Read.
      {0x001E, disc, {0x00, 0x1E, static_cast<u8>(disc ? 1 : 0), 0x04, 0x00, 0x00, 0x00, 0x00}},
  };
  std::vector<u8> d(8, 0);
  put_be16(&d[6], disc ? 0x0008 : 0x0000);  // current profile
  for (const Feature& f : features) {
    const bool want = rt == 2 ? f.code == start : (f.code >= start && (rt == 0 || f.current));
    if (want) d.insert(d.end(), f.bytes.begin(), f.bytes.end());
  }
  put_be32(&d[0], static_cast<u32>(d.size() - 4));  // data length
  reply(std::move(d), alloc);
}

void AtapiCdrom::cmd_event_status(const u8* cdb) {
  // MMC-2 GET EVENT STATUS NOTIFICATION: only the polled form (Immed = 1).
  if (!(cdb[1] & 0x01)) {
    check(kIllegalRequest, kAscInvalidField, 0);
    return;
  }
  const u8 request = cdb[4];
  const u32 alloc = be16(cdb + 7);
  std::vector<u8> d;
  if (request & 0x10) {
    // Media class (4): event code, media status (bit 1 present, bit 0 tray
    // open), start/end slot. Reporting an event consumes it.
    d.assign(8, 0);
    put_be16(&d[0], 6);
    d[2] = 0x04;
    d[3] = 0x10;
    d[4] = media_event_;
    d[5] = static_cast<u8>((medium_present() ? 0x02 : 0) | (tray_open_ ? 0x01 : 0));
    media_event_ = 0;
  } else {
    // No requested class is supported: NEA (no event available).
    d.assign(4, 0);
    put_be16(&d[0], 2);
    d[2] = 0x80;
    d[3] = 0x10;
  }
  reply(std::move(d), alloc);
}

void AtapiCdrom::cmd_disc_info(const u8* cdb) {
  if (cdb[1] & 0x07) {  // data types other than standard disc information
    check(kIllegalRequest, kAscInvalidField, 0);
    return;
  }
  // MMC-2 READ DISC INFORMATION: a complete (finalized) single-session,
  // single-track CD-ROM.
  std::vector<u8> d(34, 0);
  put_be16(&d[0], 32);
  d[2] = 0x0E;  // last session complete (11b << 2), disc complete (10b)
  d[3] = 1;     // first track on disc
  d[4] = 1;     // sessions
  d[5] = 1;     // first track in last session
  d[6] = 1;     // last track in last session
  d[8] = 0x00;  // disc type: CD-DA or CD-ROM
  put_be32(&d[16], 0xFFFF'FFFF);  // last session lead-in: none (disc complete)
  put_be32(&d[20], 0xFFFF'FFFF);  // last possible lead-out: none
  reply(std::move(d), be16(cdb + 7));
}

void AtapiCdrom::cmd_read_subchannel(const u8* cdb) {
  const bool msf = cdb[1] & 0x02;
  const bool subq = cdb[2] & 0x40;
  const u8 format = cdb[3];
  const u32 alloc = be16(cdb + 7);
  std::vector<u8> d(4, 0);
  d[1] = 0x15;  // audio status: no current audio status
  if (subq) {
    const std::size_t at = d.size();
    switch (format) {
      case 0x01:  // current position: track 1, index 1, at the start
        d.resize(at + 12, 0);
        d[at + 0] = 0x01;
        d[at + 1] = 0x14;
        d[at + 2] = 1;
        d[at + 3] = 1;
        put_address(&d[at + 4], 0, msf);  // absolute; relative stays 0 (00:00:00)
        break;
      case 0x02:  // media catalogue number: none (MCval 0)
        d.resize(at + 20, 0);
        d[at + 0] = 0x02;
        break;
      case 0x03:  // track ISRC: none (TCval 0)
        d.resize(at + 20, 0);
        d[at + 0] = 0x03;
        d[at + 1] = 0x14;
        d[at + 2] = cdb[6];
        break;
      default:
        check(kIllegalRequest, kAscInvalidField, 0);
        return;
    }
  }
  put_be16(&d[2], static_cast<u32>(d.size() - 4));
  reply(std::move(d), alloc);
}

void AtapiCdrom::cmd_read_cd(const u8* cdb) {
  // MMC-2 READ CD: only the user data of Mode 1 sectors (expected sector
  // type 0 "any" or 2 "Mode 1"; byte 9 = 10h, no header, EDC/ECC, C2 or
  // sub-channel), or nothing at all (byte 9 = 0).
  const u8 type = (cdb[1] >> 2) & 0x07;
  const u32 lba = be32(cdb + 2);
  const u32 n = static_cast<u32>(cdb[6]) << 16 | static_cast<u32>(cdb[7]) << 8 | cdb[8];
  const u8 select = cdb[9] & 0xFE;
  const u8 sub = cdb[10] & 0x07;
  if ((type != 0 && type != 2) || sub != 0 || (select != 0x10 && select != 0x00)) {
    check(kIllegalRequest, kAscInvalidField, 0);
    return;
  }
  if (select == 0x00) {
    if (static_cast<u64>(lba) + n > capacity()) {
      check(kIllegalRequest, kAscLbaOutOfRange, 0);
    } else {
      good();
    }
    return;
  }
  read_sectors(lba, n);
}

std::string AtapiCdrom::dump() const {
  char line[240];
  const char* disc = tray_open_ ? "tray open" : (image_ ? "disc" : "no disc");
  std::snprintf(line, sizeof line,
                "ATAPI CD-ROM, %s%s%s (%u sectors), sense %02X/%02X/%02X%s%s, last packet %02Xh; ", disc,
                image_ ? " " : "", image_ ? image_->path().c_str() : "", capacity(), sense_key_, asc_, ascq_,
                unit_attention_ ? ", unit attention" : "", locked_ ? ", locked" : "", last_opcode_);
  std::string out = line;
  out += IdeDevice::dump();
  if (phase_ == Phase::DataIn || phase_ == Phase::DataOut) {
    std::snprintf(line, sizeof line, "; %s, %llu bytes left, limit %u", media_read_ ? "reading disc" : "packet data",
                  static_cast<unsigned long long>(left_), limit_);
    out += line;
  }
  return out;
}

}  // namespace gb
