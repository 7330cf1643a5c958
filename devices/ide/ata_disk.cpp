// ATA hard disk; see ata_disk.hpp for the commands and behaviour modelled.
#include "devices/ide/ata_disk.hpp"

#include <algorithm>
#include <cstdio>

namespace gb {

using namespace ide;

namespace {

// Largest LBA28 capacity (IDENTIFY words 60-61 saturate here; ATA-6 48-bit
// Address feature set).
constexpr u64 kLba28Max = 0x0FFF'FFFF;
// Largest default-geometry capacity: 16383 cylinders x 16 heads x 63.
constexpr u64 kMaxChsCylinders = 16383;

}  // namespace

AtaDisk::AtaDisk(IdeChannel& ch, unsigned unit, Timer& timer, std::unique_ptr<DiskImage> image)
    : IdeDevice(ch, unit, timer), image_(std::move(image)) {
  sectors_ = image_->size() / kSectorBytes;
  // Default geometry (ATA-6 IDENTIFY DEVICE words 1, 3, 6): 16 heads, 63
  // sectors per track and as many cylinders as fit, at least 1 and at most
  // 16383 (a disk under 1008 sectors then has CHS addresses past its end,
  // which fail with IDNF).
  cyls_ = static_cast<u16>(std::clamp<u64>(sectors_ / (16 * 63), 1, kMaxChsCylinders));
  heads_ = 16;
  spt_ = 63;
  reset_state(true);
}

bool AtaDisk::flush() { return image_->flush(); }

void AtaDisk::reset_state(bool hardware) {
  // Disk signature (ATA-6 "Signature and persistence"): Sector Count 01h,
  // LBA Low 01h, LBA Mid 00h, LBA High 00h.
  count = {1, 0};
  lba_low = {1, 0};
  lba_mid = {0, 0};
  lba_high = {0, 0};
  left_ = 0;
  in_block_ = 0;
  writing_ = false;
  if (hardware) {
    // Power-on defaults. A software reset keeps the settings (ATA-6 leaves
    // them to SET FEATURES 66h/CCh "revert to power-on defaults", which
    // applies only to the settings SET FEATURES makes).
    cur_cyls_ = cyls_;
    cur_heads_ = heads_;
    cur_spt_ = spt_;
    multiple_ = 0;
    write_cache_ = true;
    look_ahead_ = true;
    standby_ = false;
  }
}

void AtaDisk::execute(u8 cmd) {
  left_ = 0;
  writing_ = false;
  switch (cmd) {
    case 0xEC:  // IDENTIFY DEVICE
      identify();
      return;
    case 0x20:  // READ SECTORS
    case 0x21:  // READ SECTORS without retries (obsolete alias)
      start_transfer(false, false, false);
      return;
    case 0x24:  // READ SECTORS EXT
      start_transfer(false, true, false);
      return;
    case 0xC4:  // READ MULTIPLE
      start_transfer(false, false, true);
      return;
    case 0x29:  // READ MULTIPLE EXT
      start_transfer(false, true, true);
      return;
    case 0x30:  // WRITE SECTORS
    case 0x31:  // WRITE SECTORS without retries (obsolete alias)
      start_transfer(true, false, false);
      return;
    case 0x34:  // WRITE SECTORS EXT
      start_transfer(true, true, false);
      return;
    case 0xC5:  // WRITE MULTIPLE
      start_transfer(true, false, true);
      return;
    case 0x39:  // WRITE MULTIPLE EXT
      start_transfer(true, true, true);
      return;
    case 0x40:  // READ VERIFY SECTORS
    case 0x41:  // READ VERIFY SECTORS without retries
      verify(false);
      return;
    case 0x42:  // READ VERIFY SECTORS EXT
      verify(true);
      return;
    case 0xC6:
      set_multiple();
      return;
    case 0x91:
      init_device_parameters();
      return;
    case 0xEF:
      set_features();
      return;
    case 0xF8:
      read_native_max(false);
      return;
    case 0x27:
      read_native_max(true);
      return;
    case 0xE7:  // FLUSH CACHE
    case 0xEA:  // FLUSH CACHE EXT
      // ATA-6 FLUSH CACHE error outputs include ABRT; the image cannot say
      // which sector failed, so no address is reported.
      if (image_->flush()) {
        complete(kCommandDelay);
      } else {
        complete_error(kErrorAbrt, kCommandDelay);
      }
      return;
    case 0xE5:  // CHECK POWER MODE
    case 0x98:  // CHECK POWER MODE (ATA-3 code)
      // Sector Count: 00h standby, FFh active or idle.
      count.cur = standby_ ? 0x00 : 0xFF;
      complete(kCommandDelay);
      return;
    case 0xE0:  // STANDBY IMMEDIATE
    case 0xE2:  // STANDBY
    case 0x94:  // STANDBY IMMEDIATE (ATA-3 code)
    case 0x96:  // STANDBY (ATA-3 code)
    case 0xE6:  // SLEEP: taken as standby (any command wakes the disk)
    case 0x99:  // SLEEP (ATA-3 code)
      standby_ = true;
      complete(kCommandDelay);
      return;
    case 0xE1:  // IDLE IMMEDIATE
    case 0xE3:  // IDLE
    case 0x95:  // IDLE IMMEDIATE (ATA-3 code)
    case 0x97:  // IDLE (ATA-3 code)
      standby_ = false;
      complete(kCommandDelay);
      return;
    case 0x70:  // SEEK (7xh in ATA-1..3)
    case 0x71: case 0x72: case 0x73: case 0x74: case 0x75: case 0x76: case 0x77:
    case 0x78: case 0x79: case 0x7A: case 0x7B: case 0x7C: case 0x7D: case 0x7E: case 0x7F:
      seek();
      return;
    case 0x10:  // RECALIBRATE (1xh; obsolete in ATA-4 and later, still accepted)
    case 0x11: case 0x12: case 0x13: case 0x14: case 0x15: case 0x16: case 0x17:
    case 0x18: case 0x19: case 0x1A: case 0x1B: case 0x1C: case 0x1D: case 0x1E: case 0x1F:
      standby_ = false;
      complete(kCommandDelay);
      return;
    default:
      // NOP (00h) always aborts (ATA-6 NOP); DEVICE RESET, PACKET and
      // IDENTIFY PACKET DEVICE belong to the PACKET feature set; the DMA
      // commands are not supported.
      complete_error(kErrorAbrt, kCommandDelay);
      return;
  }
}

void AtaDisk::identify() {
  // ATA-6 IDENTIFY DEVICE data (Table "IDENTIFY DEVICE information").
  buf_.assign(512, 0);
  std::span<u8> id(buf_.data(), 512);
  put_word(id, 0, 0x0040);  // ATA device, fixed (bit 6, obsolete), not removable
  put_word(id, 1, cyls_);
  put_word(id, 3, heads_);
  put_word(id, 6, spt_);
  put_string(id, 10, 10, serial());
  put_string(id, 23, 4, "1.0");
  put_string(id, 27, 20, "GLASSBOX HARDDISK");
  put_word(id, 47, 0x8000 | kMaxMultiple);  // bits 15-8 80h, max sectors per READ/WRITE MULTIPLE
  // Capabilities: bit 11 IORDY supported, bit 10 IORDY may be disabled,
  // bit 9 LBA supported; bit 8 (DMA) clear: PIO only.
  put_word(id, 49, 0x0E00);
  put_word(id, 50, 0x4000);  // bit 14 shall be one
  put_word(id, 51, 0x0200);  // PIO data transfer cycle timing mode 2 (obsolete)
  put_word(id, 53, 0x0007);  // words 54-58, 64-70 and 88 are valid
  put_word(id, 54, cur_cyls_);
  put_word(id, 55, cur_heads_);
  put_word(id, 56, cur_spt_);
  const u32 chs_capacity = static_cast<u32>(cur_cyls_) * cur_heads_ * cur_spt_;
  put_word(id, 57, static_cast<u16>(chs_capacity));
  put_word(id, 58, static_cast<u16>(chs_capacity >> 16));
  // Word 59: bit 8 "multiple sector setting is valid", bits 7-0 the setting.
  put_word(id, 59, multiple_ ? static_cast<u16>(0x0100 | multiple_) : u16{0});
  const u32 lba28 = static_cast<u32>(std::min(sectors_, kLba28Max));
  put_word(id, 60, static_cast<u16>(lba28));
  put_word(id, 61, static_cast<u16>(lba28 >> 16));
  put_word(id, 63, 0x0000);  // no Multiword DMA modes
  put_word(id, 64, 0x0003);  // PIO modes 3 and 4
  put_word(id, 67, 120);     // minimum PIO cycle time without flow control, ns
  put_word(id, 68, 120);     // with IORDY flow control, ns
  put_word(id, 80, 0x007E);  // major version: ATA-1 to ATA/ATAPI-6
  put_word(id, 81, 0x0000);  // minor version not reported
  // Words 82-87: supported / enabled. 82: bit 14 NOP, bit 6 read
  // look-ahead, bit 5 write cache, bit 3 Power Management. 83: bit 14 one, bit 13 FLUSH CACHE EXT, bit 12
  // FLUSH CACHE, bit 10 48-bit Address. 84/87: bit 14 one.
  put_word(id, 82, 0x4068);
  put_word(id, 83, 0x7400);
  put_word(id, 84, 0x4000);
  put_word(id, 85, static_cast<u16>(0x4008 | (write_cache_ ? 0x0020 : 0) | (look_ahead_ ? 0x0040 : 0)));
  put_word(id, 86, 0x3400);
  put_word(id, 87, 0x4000);
  put_word(id, 88, 0x0000);  // no Ultra DMA modes
  put_word(id, 93, reset_result_word());
  for (unsigned i = 0; i < 4; ++i) put_word(id, 100 + i, static_cast<u16>(sectors_ >> (16 * i)));
  put_checksum(id);
  identify_data_in(kCommandDelay);
}

bool AtaDisk::decode_address(bool ext, u64& lba) const {
  const u8 dev = device_reg();
  if (ext) {
    // ATA-6 48-bit Address feature set: LBA bits 47-24 are the "previous
    // content" of LBA High/Mid/Low, bits 23-0 the current content.
    lba = static_cast<u64>(lba_low.cur) | static_cast<u64>(lba_mid.cur) << 8 |
          static_cast<u64>(lba_high.cur) << 16 | static_cast<u64>(lba_low.prev) << 24 |
          static_cast<u64>(lba_mid.prev) << 32 | static_cast<u64>(lba_high.prev) << 40;
    return true;
  }
  if (dev & kDeviceLba) {
    // LBA28: Device bits 3-0 are LBA bits 27-24.
    lba = static_cast<u64>(lba_low.cur) | static_cast<u64>(lba_mid.cur) << 8 |
          static_cast<u64>(lba_high.cur) << 16 | static_cast<u64>(dev & 0x0F) << 24;
    return true;
  }
  // CHS: cylinder in LBA High:Mid, head in Device bits 3-0, sector (from 1)
  // in LBA Low, through the current translation (IDENTIFY words 54-56):
  // LBA = (cylinder * heads + head) * sectors per track + sector - 1.
  const unsigned c = lba_mid.cur | lba_high.cur << 8;
  const unsigned h = dev & 0x0F;
  const unsigned s = lba_low.cur;
  if (s == 0 || s > cur_spt_ || h >= cur_heads_ || c >= cur_cyls_) return false;
  lba = (static_cast<u64>(c) * cur_heads_ + h) * cur_spt_ + (s - 1);
  return true;
}

void AtaDisk::set_address(u64 lba, bool ext, bool chs) {
  if (chs) {
    const u64 track = lba / cur_spt_;
    const u64 cyl = track / cur_heads_;
    lba_low.cur = static_cast<u8>(lba % cur_spt_ + 1);
    lba_mid.cur = static_cast<u8>(cyl);
    lba_high.cur = static_cast<u8>(cyl >> 8);
    set_device_reg(static_cast<u8>((device_reg() & 0xF0) | (track % cur_heads_)));
  } else if (ext) {
    lba_low = {static_cast<u8>(lba), static_cast<u8>(lba >> 24)};
    lba_mid = {static_cast<u8>(lba >> 8), static_cast<u8>(lba >> 32)};
    lba_high = {static_cast<u8>(lba >> 16), static_cast<u8>(lba >> 40)};
  } else {
    lba_low.cur = static_cast<u8>(lba);
    lba_mid.cur = static_cast<u8>(lba >> 8);
    lba_high.cur = static_cast<u8>(lba >> 16);
    set_device_reg(static_cast<u8>((device_reg() & 0xF0) | ((lba >> 24) & 0x0F)));
  }
}

void AtaDisk::start_transfer(bool write, bool ext, bool multiple) {
  // ATA-6 READ/WRITE MULTIPLE: aborted while multiple mode is disabled.
  if (multiple && multiple_ == 0) {
    complete_error(kErrorAbrt, kCommandDelay);
    return;
  }
  u32 n = ext ? static_cast<u32>(count.cur | count.prev << 8) : count.cur;
  if (n == 0) n = ext ? 65536 : 256;
  u64 lba = 0;
  const u64 limit = ext ? sectors_ : std::min(sectors_, kLba28Max);
  // IDNF: "a user-accessible address could not be found" (ATA-6 Error
  // register) -- the range runs past the last sector the command can reach.
  if (!decode_address(ext, lba) || lba + n > limit) {
    complete_error(kErrorIdnf, kCommandDelay);
    return;
  }
  writing_ = write;
  ext_ = ext;
  chs_ = !ext && !(device_reg() & kDeviceLba);
  lba_ = lba;
  left_ = n;
  block_ = multiple ? multiple_ : 1;
  standby_ = false;
  if (write) {
    // PIO data-out: DRQ for the first block comes without an interrupt.
    in_block_ = std::min<u32>(block_, left_);
    data_out(in_block_ * kSectorBytes, kCommandDelay, false);
  } else {
    // PIO data-in: every block, the first included, is announced by INTRQ.
    next_read_block(kCommandDelay);
  }
}

void AtaDisk::next_read_block(Picos delay) {
  in_block_ = std::min<u32>(block_, left_);
  const std::size_t bytes = static_cast<std::size_t>(in_block_) * kSectorBytes;
  buf_.resize(bytes);
  if (!image_->read(lba_ * kSectorBytes, std::span<u8>(buf_.data(), bytes))) {
    // UNC: uncorrectable data error; the address registers hold the first
    // sector of the failed block.
    set_address(lba_, ext_, chs_);
    left_ = 0;
    complete_error(kErrorUnc, delay);
    return;
  }
  data_in(bytes, delay);
}

void AtaDisk::block_done() {
  if (left_ == 0) {  // IDENTIFY DEVICE
    go_idle();
    return;
  }
  if (writing_) {
    const std::size_t bytes = static_cast<std::size_t>(in_block_) * kSectorBytes;
    if (!image_->write(lba_ * kSectorBytes, std::span<const u8>(buf_.data(), bytes))) {
      set_address(lba_, ext_, chs_);
      left_ = 0;
      complete_error(kErrorAbrt, kBlockDelay);
      return;
    }
  }
  lba_ += in_block_;
  left_ -= in_block_;
  set_address(lba_ - 1, ext_, chs_);
  if (writing_) {
    if (left_ > 0) {
      // PIO data-out: the device interrupts when ready for each further block
      // and once more at command completion.
      in_block_ = std::min<u32>(block_, left_);
      data_out(in_block_ * kSectorBytes, kBlockDelay, true);
    } else {
      complete(kBlockDelay);
    }
  } else if (left_ > 0) {
    next_read_block(kBlockDelay);
  } else {
    // PIO data-in: after the last block the device goes idle without
    // another interrupt.
    go_idle();
  }
}

void AtaDisk::verify(bool ext) {
  u32 n = ext ? static_cast<u32>(count.cur | count.prev << 8) : count.cur;
  if (n == 0) n = ext ? 65536 : 256;
  u64 lba = 0;
  const u64 limit = ext ? sectors_ : std::min(sectors_, kLba28Max);
  if (!decode_address(ext, lba) || lba + n > limit) {
    complete_error(kErrorIdnf, kCommandDelay);
    return;
  }
  standby_ = false;
  set_address(lba + n - 1, ext, !ext && !(device_reg() & kDeviceLba));
  complete(kCommandDelay);
}

void AtaDisk::seek() {
  u64 lba = 0;
  if (!decode_address(false, lba) || lba >= sectors_) {
    complete_error(kErrorIdnf, kCommandDelay);
    return;
  }
  standby_ = false;
  complete(kCommandDelay);
}

void AtaDisk::set_features() {
  switch (features.cur) {
    case 0x03: {
      // Set transfer mode from Sector Count (ATA-6 SET FEATURES, Table
      // "Transfer/mode values"): 00000 00xb PIO default, 00001 nnnb PIO flow
      // control mode n; 00100 nnnb Multiword DMA and 01000 nnnb Ultra DMA
      // are not supported (IDENTIFY advertises none) and abort.
      const u8 type = count.cur >> 3;
      const u8 mode = count.cur & 7;
      if ((type == 0 && mode <= 1) || (type == 1 && mode <= 4)) {
        complete(kCommandDelay);
      } else {
        complete_error(kErrorAbrt, kCommandDelay);
      }
      return;
    }
    case 0x02:  // enable write cache
      write_cache_ = true;
      break;
    case 0x82:  // disable write cache
      write_cache_ = false;
      break;
    case 0xAA:  // enable read look-ahead
      look_ahead_ = true;
      break;
    case 0x55:  // disable read look-ahead
      look_ahead_ = false;
      break;
    case 0x66:  // disable reverting to power-on defaults
    case 0xCC:  // enable reverting to power-on defaults
      break;
    default:
      complete_error(kErrorAbrt, kCommandDelay);
      return;
  }
  complete(kCommandDelay);
}

void AtaDisk::init_device_parameters() {
  // ATA-6 INITIALIZE DEVICE PARAMETERS: Sector Count = sectors per track,
  // Device bits 3-0 = maximum head number. The cylinder count follows from
  // the capacity (IDENTIFY word 54).
  const unsigned heads = (device_reg() & 0x0F) + 1u;
  const unsigned spt = count.cur;
  const u64 cyls = spt ? std::min<u64>(sectors_ / (static_cast<u64>(heads) * spt), 65535) : 0;
  if (cyls == 0) {
    complete_error(kErrorAbrt, kCommandDelay);
    return;
  }
  cur_heads_ = static_cast<u16>(heads);
  cur_spt_ = static_cast<u16>(spt);
  cur_cyls_ = static_cast<u16>(cyls);
  complete(kCommandDelay);
}

void AtaDisk::set_multiple() {
  // ATA-6 SET MULTIPLE MODE: Sector Count is the block size, a power of two
  // no larger than IDENTIFY word 47; 0 disables multiple mode. An
  // unsupported size aborts and leaves the setting unchanged.
  const unsigned n = count.cur;
  if (n != 0 && (n > kMaxMultiple || (n & (n - 1)) != 0)) {
    complete_error(kErrorAbrt, kCommandDelay);
    return;
  }
  multiple_ = static_cast<u8>(n);
  complete(kCommandDelay);
}

void AtaDisk::read_native_max(bool ext) {
  // ATA-6 READ NATIVE MAX ADDRESS (EXT): the last user-accessible LBA.
  const u64 max = (ext ? sectors_ : std::min(sectors_, kLba28Max)) - 1;
  set_address(max, ext, false);
  complete(kCommandDelay);
}

std::string AtaDisk::dump() const {
  char line[240];
  std::snprintf(line, sizeof line,
                "ATA disk %s, %llu sectors, CHS %u/%u/%u (current %u/%u/%u), multiple %u, "
                "write cache %s%s; ",
                image_->path().c_str(), static_cast<unsigned long long>(sectors_), cyls_, heads_, spt_,
                cur_cyls_, cur_heads_, cur_spt_, multiple_, write_cache_ ? "on" : "off",
                standby_ ? ", standby" : "");
  std::string out = line;
  out += IdeDevice::dump();
  if (left_ > 0) {
    std::snprintf(line, sizeof line, "; %s LBA %llu, %u sectors left", writing_ ? "writing" : "reading",
                  static_cast<unsigned long long>(lba_), left_);
    out += line;
  }
  return out;
}

}  // namespace gb
