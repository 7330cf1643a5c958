// IDE channel, ATA disk and ATAPI CD-ROM driven through their ports against
// a real Scheduler. Expected values follow ATA/ATAPI-6 (T13/1410D: register
// and IDENTIFY layouts, signatures, PIO and PACKET protocols), SFF-8020i and
// MMC-2 (packet command data).
#include <catch2/catch.hpp>

#include <array>
#include <vector>

#include "devices/ide/ide_channel.hpp"
#include "mmu/endian.hpp"

using namespace gb;

namespace {

struct RecIrq final : IrqSink {
  void set_irq(unsigned line, bool level) override {
    CHECK(line == 14);
    if (level && !level_) ++rises;
    level_ = level;
  }
  int rises = 0;
  bool level_ = false;
};

constexpr u16 kBase = 0x1F0;
constexpr u16 kCtl = 0x3F6;
enum : u16 { DATA = 0, ERR = 1, FEAT = 1, COUNT = 2, LOW = 3, MID = 4, HIGH = 5, DEV = 6, STATUS = 7, CMD = 7 };

constexpr u8 BSY = 0x80, DRDY = 0x40, DSC = 0x10, DRQ = 0x08, ERRB = 0x01;
constexpr Picos kUs = kPicosPerSecond / 1'000'000;

// Sector `lba` of the test disk: its LBA in the first four bytes, then a
// pattern.
std::vector<u8> disk_bytes(u32 sectors, u32 sector_size = 512) {
  std::vector<u8> v(static_cast<std::size_t>(sectors) * sector_size);
  for (u32 s = 0; s < sectors; ++s) {
    u8* p = v.data() + static_cast<std::size_t>(s) * sector_size;
    store_le<u32>(p, s);
    for (u32 j = 4; j < sector_size; ++j) p[j] = static_cast<u8>(s * 7 + j);
  }
  return v;
}

struct Rig {
  Scheduler sched;
  RecIrq irq;
  IdeChannel ch{sched, IrqLine(irq, 14), kBase, kCtl};

  void out(u16 reg, u8 v) { ch.io_write(static_cast<u16>(kBase + reg), v, Width::Byte); }
  u8 in(u16 reg) { return static_cast<u8>(ch.io_read(static_cast<u16>(kBase + reg), Width::Byte)); }
  u8 alt() { return static_cast<u8>(ch.io_read(kCtl, Width::Byte)); }
  void ctl(u8 v) { ch.io_write(kCtl, v, Width::Byte); }
  u16 data16() { return static_cast<u16>(ch.io_read(kBase, Width::Word)); }
  u32 data32() { return ch.io_read(kBase, Width::Dword); }
  void wdata16(u16 v) { ch.io_write(kBase, v, Width::Word); }
  void advance(Picos d) { sched.advance_to(sched.now() + d); }
  // Polls Alternate Status (which does not acknowledge) until BSY is clear.
  u8 wait() {
    for (int i = 0; i < 1000; ++i) {
      const u8 s = alt();
      if (!(s & BSY)) return s;
      advance(kUs);
    }
    FAIL("device stuck BSY");
    return 0;
  }
  std::vector<u8> read_block(std::size_t bytes) {
    std::vector<u8> v(bytes);
    for (std::size_t i = 0; i < bytes; i += 2) store_le<u16>(&v[i], data16());
    return v;
  }
  void select(unsigned unit, u8 extra = 0) { out(DEV, static_cast<u8>(0xA0 | (unit ? 0x10 : 0) | extra)); }
  void lba28(u32 lba, u8 count) {
    out(COUNT, count);
    out(LOW, static_cast<u8>(lba));
    out(MID, static_cast<u8>(lba >> 8));
    out(HIGH, static_cast<u8>(lba >> 16));
    out(DEV, static_cast<u8>(0xE0 | ((lba >> 24) & 0x0F)));
  }
  void lba48(u64 lba, u16 count) {
    out(COUNT, static_cast<u8>(count >> 8));
    out(LOW, static_cast<u8>(lba >> 24));
    out(MID, static_cast<u8>(lba >> 32));
    out(HIGH, static_cast<u8>(lba >> 40));
    out(COUNT, static_cast<u8>(count));
    out(LOW, static_cast<u8>(lba));
    out(MID, static_cast<u8>(lba >> 8));
    out(HIGH, static_cast<u8>(lba >> 16));
    out(DEV, 0xE0);
  }
  std::vector<u8> identify(u8 cmd = 0xEC) {
    out(CMD, cmd);
    const u8 s = wait();
    REQUIRE((s & (DRQ | ERRB)) == DRQ);
    return read_block(512);
  }

  // ATAPI: sends PACKET and `cdb`, collects the data-in blocks.
  struct PacketResult {
    std::vector<u8> data;
    std::vector<unsigned> blocks;  ///< byte count of each DRQ block
    u8 status = 0;
    u8 error = 0;
    int irqs = 0;
  };
  PacketResult packet(std::array<u8, 12> cdb, u16 limit = 0xFFFE, bool use32 = false) {
    PacketResult r;
    const int rises0 = irq.rises;
    out(FEAT, 0);
    out(MID, static_cast<u8>(limit));
    out(HIGH, static_cast<u8>(limit >> 8));
    out(CMD, 0xA0);
    u8 s = wait();
    REQUIRE((s & DRQ) != 0);
    CHECK(in(COUNT) == 0x01);  // CoD=1, IO=0: send the packet
    for (unsigned i = 0; i < 12; i += 2) wdata16(static_cast<u16>(cdb[i] | cdb[i + 1] << 8));
    for (;;) {
      s = wait();
      if (!(s & DRQ)) break;
      CHECK(in(COUNT) == 0x02);  // IO=1, CoD=0: data to the host
      const unsigned n = static_cast<unsigned>(in(MID) | in(HIGH) << 8);
      r.blocks.push_back(n);
      const std::size_t at = r.data.size();
      r.data.resize(at + ((n + 1) & ~1u));
      if (use32) {
        for (unsigned i = 0; i < n; i += 4) {
          const u32 v = data32();
          for (unsigned k = 0; k < 4 && i + k < r.data.size() - at; ++k) r.data[at + i + k] = static_cast<u8>(v >> (8 * k));
        }
      } else {
        for (unsigned i = 0; i < n; i += 2) store_le<u16>(&r.data[at + i], data16());
      }
      r.data.resize(at + n);
      in(STATUS);  // acknowledge
    }
    CHECK(in(COUNT) == 0x03);  // CoD=1, IO=1: completion
    r.status = in(STATUS);
    r.error = in(ERR);
    r.irqs = irq.rises - rises0;
    return r;
  }
  // REQUEST SENSE: {key, asc, ascq}.
  std::array<u8, 3> sense() {
    const PacketResult r = packet({0x03, 0, 0, 0, 18, 0, 0, 0, 0, 0, 0, 0});
    REQUIRE(r.data.size() == 18);
    CHECK(r.data[0] == 0x70);
    CHECK(r.data[7] == 10);
    return {static_cast<u8>(r.data[2] & 0x0F), r.data[12], r.data[13]};
  }
};

u16 word(const std::vector<u8>& id, unsigned w) { return load_le<u16>(&id[2 * w]); }

std::string ata_string(const std::vector<u8>& id, unsigned first, unsigned words) {
  std::string s;
  for (unsigned i = 0; i < words; ++i) {
    const u16 w = word(id, first + i);
    s += static_cast<char>(w >> 8);
    s += static_cast<char>(w & 0xFF);
  }
  return s;
}

std::unique_ptr<DiskImage> disk(u32 sectors) { return DiskImage::from_memory(disk_bytes(sectors)); }
std::unique_ptr<DiskImage> cd(u32 sectors) { return DiskImage::from_memory(disk_bytes(sectors, 2048), true); }

}  // namespace

TEST_CASE("ide: signatures after SRST, BSY during reset, no interrupt", "[ide]") {
  Rig r;
  r.ch.attach_disk(0, disk(2048));
  r.ch.attach_cdrom(1, cd(16));
  r.ctl(0x08 | 0x04);  // SRST
  CHECK((r.alt() & BSY) != 0);
  r.advance(5 * kUs);
  CHECK((r.alt() & BSY) != 0);
  r.ctl(0x08);
  CHECK((r.alt() & BSY) != 0);
  r.advance(IdeChannel::kResetDelay);
  CHECK(r.in(DEV) == 0x00);  // device 0 selected after reset
  CHECK(r.in(STATUS) == (DRDY | DSC));
  CHECK(r.in(ERR) == 0x01);
  CHECK(r.in(COUNT) == 0x01);
  CHECK(r.in(LOW) == 0x01);
  CHECK(r.in(MID) == 0x00);
  CHECK(r.in(HIGH) == 0x00);
  r.select(1);
  CHECK(r.in(STATUS) == 0x00);  // packet device: DRDY clear after reset
  CHECK(r.in(ERR) == 0x01);
  CHECK(r.in(COUNT) == 0x01);
  CHECK(r.in(LOW) == 0x01);
  CHECK(r.in(MID) == 0x14);
  CHECK(r.in(HIGH) == 0xEB);
  CHECK(r.irq.rises == 0);

  // EXECUTE DEVICE DIAGNOSTIC reloads the signatures and interrupts.
  r.select(0);
  r.out(LOW, 0x55);
  r.out(CMD, 0x90);
  r.wait();
  CHECK(r.irq.rises == 1);
  CHECK(r.in(ERR) == 0x01);
  CHECK(r.in(LOW) == 0x01);
  CHECK(r.in(STATUS) == (DRDY | DSC));
  CHECK(!r.irq.level_);
  CHECK(!r.ch.dump().empty());
}

TEST_CASE("ide: absent slave reads 00h, empty channel floats", "[ide]") {
  Rig r;
  CHECK(r.in(STATUS) == 0xFF);  // nothing attached: floating bus
  CHECK(r.alt() == 0xFF);
  CHECK(!r.ch.present(0));

  r.ch.attach_disk(0, disk(2048));
  CHECK(r.ch.present(0));
  CHECK(!r.ch.present(1));
  // SeaBIOS/Linux presence probe: select, write 55h/AAh, read back.
  r.select(1);
  r.out(COUNT, 0x55);
  r.out(LOW, 0xAA);
  CHECK(r.in(DEV) == 0xB0);
  CHECK(r.in(COUNT) == 0x00);
  CHECK(r.in(LOW) == 0x00);
  CHECK(r.in(STATUS) == 0x00);
  CHECK(r.alt() == 0x00);
  CHECK(r.in(ERR) == 0x00);
  r.out(CMD, 0xEC);  // ignored: nobody is there
  r.advance(100 * kUs);
  CHECK(r.in(STATUS) == 0x00);
  CHECK(r.irq.rises == 0);
  // The master latched the writes too.
  r.select(0);
  CHECK(r.in(COUNT) == 0x55);
  CHECK(r.in(LOW) == 0xAA);
  CHECK(r.in(STATUS) == (DRDY | DSC));
  // Word 93: device 0 answers for the absent device 1 (SeaBIOS skips it).
  const auto id = r.identify();
  CHECK((word(id, 93) & 0xDF61) == 0x4041);
}

TEST_CASE("ide: IDENTIFY DEVICE contents", "[ide]") {
  Rig r;
  r.ch.set_timing(DeviceTiming::Datasheet);  // BSY before the data
  const u32 sectors = 20000;
  r.ch.attach_disk(0, disk(sectors));
  r.select(0);
  r.out(CMD, 0xEC);
  CHECK(r.alt() == BSY);
  CHECK(r.irq.rises == 0);
  const u8 s = r.wait();
  CHECK(s == (DRDY | DSC | DRQ));
  CHECK(r.irq.rises == 1);
  CHECK(r.irq.level_);
  const auto id = r.read_block(512);
  CHECK(r.alt() == (DRDY | DSC));  // PIO data-in: idle after the last block
  CHECK(r.irq.rises == 1);         // ... without a second interrupt
  CHECK(r.in(STATUS) == (DRDY | DSC));
  CHECK(!r.irq.level_);

  CHECK(word(id, 0) == 0x0040);
  CHECK(word(id, 1) == sectors / (16 * 63));
  CHECK(word(id, 3) == 16);
  CHECK(word(id, 6) == 63);
  // ATA strings: the first character of each pair in bits 15-8.
  CHECK(word(id, 27) == ('G' << 8 | 'L'));
  CHECK(id[54] == 'L');
  CHECK(id[55] == 'G');
  CHECK(ata_string(id, 27, 20) == "GLASSBOX HARDDISK                       ");
  CHECK(ata_string(id, 10, 10) == "GB00000001          ");
  CHECK(word(id, 47) == 0x8010);
  CHECK((word(id, 49) & 0x0200) != 0);  // LBA
  CHECK((word(id, 49) & 0x0800) != 0);  // IORDY
  CHECK((word(id, 49) & 0x0100) == 0);  // no DMA
  CHECK(word(id, 53) == 0x0007);
  CHECK(word(id, 54) == word(id, 1));
  CHECK((word(id, 57) | static_cast<u32>(word(id, 58)) << 16) == static_cast<u32>(word(id, 54)) * 16 * 63);
  CHECK(word(id, 59) == 0);  // multiple mode off at power-on
  CHECK((word(id, 60) | static_cast<u32>(word(id, 61)) << 16) == sectors);
  CHECK(word(id, 63) == 0);
  CHECK((word(id, 80) & 0x0040) != 0);  // ATA/ATAPI-6
  CHECK((word(id, 83) & 0xC400) == 0x4400);  // 48-bit address
  CHECK((word(id, 86) & 0x0400) != 0);
  CHECK(word(id, 88) == 0);
  CHECK(word(id, 100) == sectors);
  CHECK(word(id, 101) == 0);
  CHECK(word(id, 102) == 0);
  CHECK(word(id, 103) == 0);
  CHECK((word(id, 255) & 0xFF) == 0xA5);
  unsigned sum = 0;
  for (u8 b : id) sum += b;
  CHECK((sum & 0xFF) == 0);

  // IDENTIFY PACKET DEVICE and NOP abort on a disk.
  r.out(CMD, 0xA1);
  CHECK(r.wait() == (DRDY | DSC | ERRB));
  CHECK(r.in(ERR) == 0x04);
  r.out(CMD, 0x00);
  CHECK(r.wait() == (DRDY | DSC | ERRB));
  CHECK(r.in(ERR) == 0x04);
}

TEST_CASE("ide: READ SECTORS with CHS, LBA28 and LBA48 addresses", "[ide]") {
  Rig r;
  r.ch.attach_disk(0, disk(2048));  // default geometry 2/16/63
  const auto expect = disk_bytes(2048);
  auto check_sector = [&](const std::vector<u8>& got, u32 lba) {
    REQUIRE(got.size() == 512);
    CHECK(std::equal(got.begin(), got.end(), expect.begin() + static_cast<std::ptrdiff_t>(lba) * 512));
  };

  SECTION("CHS") {
    // Cylinder 1, head 2, sector 5 -> (1 * 16 + 2) * 63 + 4.
    r.out(COUNT, 2);
    r.out(LOW, 5);
    r.out(MID, 1);
    r.out(HIGH, 0);
    r.out(DEV, 0xA2);
    r.out(CMD, 0x20);
    const u32 lba = (1 * 16 + 2) * 63 + 4;
    for (u32 i = 0; i < 2; ++i) {
      CHECK(r.wait() == (DRDY | DSC | DRQ));
      CHECK(r.in(STATUS) == (DRDY | DSC | DRQ));  // acknowledge the block's interrupt
      check_sector(r.read_block(512), lba + i);
    }
    CHECK(r.in(STATUS) == (DRDY | DSC));
    CHECK(r.irq.rises == 2);
    // The registers hold the last sector read.
    CHECK(r.in(LOW) == 6);
    CHECK(r.in(MID) == 1);
    CHECK((r.in(DEV) & 0x0F) == 2);

    // An invalid CHS address: sector 0.
    r.out(LOW, 0);
    r.out(CMD, 0x20);
    CHECK(r.wait() == (DRDY | DSC | ERRB));
    CHECK(r.in(ERR) == 0x10);
  }
  SECTION("INITIALIZE DEVICE PARAMETERS changes the CHS translation") {
    r.out(COUNT, 32);   // 32 sectors per track
    r.out(DEV, 0xA7);   // 8 heads
    r.out(CMD, 0x91);
    CHECK(r.wait() == (DRDY | DSC));
    const auto id = r.identify();
    CHECK(word(id, 54) == 2048 / (8 * 32));
    CHECK(word(id, 55) == 8);
    CHECK(word(id, 56) == 32);
    CHECK(word(id, 1) == 2);  // the default geometry is unchanged
    r.out(COUNT, 1);
    r.out(LOW, 3);
    r.out(MID, 2);
    r.out(HIGH, 0);
    r.out(DEV, 0xA5);
    r.out(CMD, 0x20);
    CHECK(r.wait() == (DRDY | DSC | DRQ));
    check_sector(r.read_block(512), (2 * 8 + 5) * 32 + 2);
  }
  SECTION("LBA28") {
    r.lba28(0x123, 1);
    r.out(CMD, 0x20);
    CHECK(r.wait() == (DRDY | DSC | DRQ));
    check_sector(r.read_block(512), 0x123);
    CHECK(r.in(STATUS) == (DRDY | DSC));
  }
  SECTION("LBA48 takes the high bytes from the HOB FIFO") {
    r.lba48(0x345, 3);
    // HOB=1 reads the previous contents.
    r.ctl(0x08 | 0x80);
    CHECK(r.in(COUNT) == 0);
    CHECK(r.in(LOW) == 0);
    r.ctl(0x08);
    CHECK(r.in(COUNT) == 3);
    CHECK(r.in(LOW) == 0x45);
    r.out(CMD, 0x24);
    for (u32 i = 0; i < 3; ++i) {
      CHECK(r.wait() == (DRDY | DSC | DRQ));
      check_sector(r.read_block(512), 0x345 + i);
    }
    CHECK(r.in(STATUS) == (DRDY | DSC));

    // Count 0100h (previous 01h, current 00h) is 256 sectors, not 65536.
    r.lba48(100, 0x0100);
    r.out(CMD, 0x24);
    for (u32 i = 0; i < 256; ++i) {
      REQUIRE(r.wait() == (DRDY | DSC | DRQ));
      const auto got = r.read_block(512);
      CHECK(load_le<u32>(got.data()) == 100 + i);
    }
    CHECK(r.wait() == (DRDY | DSC));

    // LBA bits 31-24 come from the previous LBA Low: past the end -> IDNF.
    r.lba48(0x0100'0000ull + 5, 1);
    r.out(CMD, 0x24);
    CHECK(r.wait() == (DRDY | DSC | ERRB));
    CHECK(r.in(ERR) == 0x10);

    // READ NATIVE MAX ADDRESS EXT: the last LBA in current and previous.
    r.out(DEV, 0xE0);
    r.out(CMD, 0x27);
    CHECK(r.wait() == (DRDY | DSC));
    CHECK(r.in(LOW) == 0xFF);
    CHECK(r.in(MID) == 0x07);
    r.ctl(0x08 | 0x80);
    CHECK(r.in(LOW) == 0);
    CHECK(r.in(MID) == 0);
    r.out(FEAT, 0);  // a register write clears HOB
    CHECK(r.in(MID) == 0x07);
  }
}

TEST_CASE("ide: out-of-range LBA ends in IDNF without data", "[ide]") {
  Rig r;
  r.ch.attach_disk(0, disk(100));
  r.lba28(99, 2);  // sector 100 does not exist
  r.out(CMD, 0x20);
  CHECK(r.wait() == (DRDY | DSC | ERRB));
  CHECK(r.in(ERR) == 0x10);
  CHECK(r.irq.rises == 1);
  CHECK(r.data16() == 0xFFFF);  // no DRQ block
  r.lba28(100, 1);
  r.out(CMD, 0x30);
  CHECK(r.wait() == (DRDY | DSC | ERRB));
  CHECK(r.in(ERR) == 0x10);
  r.lba28(99, 1);
  r.out(CMD, 0x20);
  CHECK(r.wait() == (DRDY | DSC | DRQ));
}

TEST_CASE("ide: READ MULTIPLE moves multi-sector DRQ blocks, one interrupt each", "[ide]") {
  Rig r;
  r.ch.attach_disk(0, disk(2048));
  // Multiple mode is off: READ MULTIPLE aborts.
  r.lba28(10, 10);
  r.out(CMD, 0xC4);
  CHECK(r.wait() == (DRDY | DSC | ERRB));
  CHECK(r.in(ERR) == 0x04);
  // A block size that is not a power of two aborts.
  r.out(COUNT, 3);
  r.out(CMD, 0xC6);
  CHECK(r.wait() == (DRDY | DSC | ERRB));
  r.out(COUNT, 4);
  r.out(CMD, 0xC6);
  CHECK(r.wait() == (DRDY | DSC));
  CHECK(word(r.identify(), 59) == 0x0104);

  const int rises0 = r.irq.rises;
  r.lba28(10, 10);
  r.out(CMD, 0xC4);
  const unsigned blocks[] = {4, 4, 2};
  u32 lba = 10;
  for (unsigned n : blocks) {
    CHECK(r.wait() == (DRDY | DSC | DRQ));
    CHECK(r.in(STATUS) == (DRDY | DSC | DRQ));  // acknowledge
    const auto got = r.read_block(n * 512);
    for (unsigned i = 0; i < n; ++i) CHECK(load_le<u32>(&got[i * 512]) == lba + i);
    lba += n;
  }
  CHECK(r.alt() == (DRDY | DSC));
  CHECK(r.irq.rises - rises0 == 3);

  // READ MULTIPLE EXT, blocks of 4 then 1.
  r.lba48(0x200, 5);
  r.out(CMD, 0x29);
  CHECK(r.wait() == (DRDY | DSC | DRQ));
  CHECK(load_le<u32>(r.read_block(4 * 512).data()) == 0x200);
  CHECK(r.wait() == (DRDY | DSC | DRQ));
  CHECK(load_le<u32>(r.read_block(512).data()) == 0x204);
  CHECK(r.wait() == (DRDY | DSC));
}

TEST_CASE("ide: WRITE SECTORS reach the image; data-out interrupts", "[ide]") {
  Rig r;
  r.ch.attach_disk(0, disk(256));
  std::vector<u8> pattern(3 * 512);
  for (std::size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<u8>(i * 13 + 1);

  r.lba28(40, 3);
  r.out(CMD, 0x30);
  for (unsigned b = 0; b < 3; ++b) {
    CHECK(r.wait() == (DRDY | DSC | DRQ));
    // The first DRQ comes without an interrupt, the others with one.
    CHECK(r.irq.rises == static_cast<int>(b));
    r.in(STATUS);
    for (unsigned i = 0; i < 512; i += 2) {
      r.wdata16(load_le<u16>(&pattern[b * 512 + i]));
    }
  }
  CHECK((r.alt() & BSY) != 0);
  CHECK(r.wait() == (DRDY | DSC));
  CHECK(r.irq.rises == 3);  // completion
  CHECK(r.in(STATUS) == (DRDY | DSC));

  // Read it back, with 32-bit accesses.
  r.lba28(40, 3);
  r.out(CMD, 0x20);
  std::vector<u8> back;
  for (unsigned b = 0; b < 3; ++b) {
    CHECK(r.wait() == (DRDY | DSC | DRQ));
    for (unsigned i = 0; i < 512; i += 4) {
      const u32 v = r.data32();
      for (unsigned k = 0; k < 4; ++k) back.push_back(static_cast<u8>(v >> (8 * k)));
    }
  }
  CHECK(back == pattern);
  CHECK(r.in(STATUS) == (DRDY | DSC));

  // WRITE MULTIPLE EXT with 32-bit accesses, blocks of 2.
  r.out(COUNT, 2);
  r.out(CMD, 0xC6);
  r.wait();
  r.lba48(200, 2);
  r.out(CMD, 0x39);
  CHECK(r.wait() == (DRDY | DSC | DRQ));
  for (unsigned i = 0; i < 1024; i += 4) r.ch.io_write(kBase, 0xA5A50000u | i, Width::Dword);
  CHECK(r.wait() == (DRDY | DSC));
  r.lba28(201, 1);
  r.out(CMD, 0x20);
  r.wait();
  CHECK(r.data32() == (0xA5A50000u | 512));

  // FLUSH CACHE.
  r.out(CMD, 0xE7);
  CHECK(r.wait() == (DRDY | DSC));
  r.ch.flush();
}

TEST_CASE("ide: a read-only disk image refuses writes with ABRT", "[ide]") {
  Rig r;
  r.ch.attach_disk(0, DiskImage::from_memory(disk_bytes(16), true));
  r.lba28(1, 1);
  r.out(CMD, 0x30);
  CHECK(r.wait() == (DRDY | DSC | DRQ));
  for (unsigned i = 0; i < 256; ++i) r.wdata16(0);
  CHECK(r.wait() == (DRDY | DSC | ERRB));
  CHECK(r.in(ERR) == 0x04);
}

TEST_CASE("ide: nIEN masks INTRQ; Status read and Command write clear it", "[ide]") {
  Rig r;
  r.ch.attach_disk(0, disk(64));
  r.ctl(0x08 | 0x02);  // nIEN
  r.out(CMD, 0xE5);    // CHECK POWER MODE
  r.wait();
  CHECK(r.irq.rises == 0);
  CHECK(!r.ch.irq_level());
  CHECK(r.in(COUNT) == 0xFF);  // active
  // The interrupt is still pending inside the device: clearing nIEN shows it.
  r.ctl(0x08);
  CHECK(r.ch.irq_level());
  CHECK(r.irq.rises == 1);
  r.alt();
  CHECK(r.ch.irq_level());  // Alternate Status does not acknowledge
  r.in(STATUS);
  CHECK(!r.ch.irq_level());

  // A Command write clears a pending interrupt too.
  r.out(CMD, 0xE0);  // STANDBY IMMEDIATE
  r.wait();
  CHECK(r.ch.irq_level());
  r.out(CMD, 0xE5);
  CHECK(!r.ch.irq_level());
  r.wait();
  CHECK(r.in(COUNT) == 0x00);  // standby
  // Selecting the other (absent) device releases INTRQ.
  CHECK(r.ch.irq_level());
  r.select(1);
  CHECK(!r.ch.irq_level());
  r.select(0);
  CHECK(r.ch.irq_level());
}

TEST_CASE("ide: SET FEATURES accepts PIO modes and refuses DMA", "[ide]") {
  Rig r;
  r.ch.attach_disk(0, disk(64));
  auto set = [&](u8 feature, u8 value) {
    r.out(FEAT, feature);
    r.out(COUNT, value);
    r.out(CMD, 0xEF);
    return r.wait();
  };
  CHECK(set(0x03, 0x0C) == (DRDY | DSC));  // PIO 4
  CHECK(set(0x03, 0x00) == (DRDY | DSC));  // PIO default
  CHECK(set(0x03, 0x22) == (DRDY | DSC | ERRB));  // MWDMA 2
  CHECK(set(0x03, 0x45) == (DRDY | DSC | ERRB));  // UDMA 5
  CHECK(set(0x82, 0) == (DRDY | DSC));
  CHECK((word(r.identify(), 85) & 0x0020) == 0);
  CHECK(set(0x02, 0) == (DRDY | DSC));
  CHECK((word(r.identify(), 85) & 0x0020) != 0);
  CHECK(set(0x99, 0) == (DRDY | DSC | ERRB));
}

TEST_CASE("ide: ATAPI IDENTIFY PACKET DEVICE; IDENTIFY DEVICE aborts with the signature", "[ide]") {
  Rig r;
  r.ch.attach_cdrom(0, cd(32));
  r.out(MID, 0);
  r.out(HIGH, 0);
  r.out(CMD, 0xEC);
  CHECK(r.wait() == (DRDY | ERRB));
  CHECK(r.in(ERR) == 0x04);
  CHECK(r.in(COUNT) == 0x01);
  CHECK(r.in(LOW) == 0x01);
  CHECK(r.in(MID) == 0x14);
  CHECK(r.in(HIGH) == 0xEB);

  const auto id = r.identify(0xA1);
  CHECK(word(id, 0) == 0x85C0);
  CHECK(((word(id, 0) >> 8) & 0x1F) == 0x05);
  CHECK(ata_string(id, 27, 20).substr(0, 15) == "GLASSBOX CD-ROM");
  CHECK((word(id, 49) & 0x0100) == 0);
  CHECK((word(id, 82) & 0x0010) != 0);  // PACKET feature set
  unsigned sum = 0;
  for (u8 b : id) sum += b;
  CHECK((sum & 0xFF) == 0);
  CHECK(r.in(STATUS) == DRDY);
}

TEST_CASE("ide: ATAPI INQUIRY, READ CAPACITY, 32-bit data reads", "[ide]") {
  Rig r;
  r.ch.attach_cdrom(0, cd(300));
  auto inq = r.packet({0x12, 0, 0, 0, 36, 0, 0, 0, 0, 0, 0, 0});
  REQUIRE(inq.data.size() == 36);
  CHECK(inq.data[0] == 0x05);
  CHECK(inq.data[1] == 0x80);
  CHECK(std::string(inq.data.begin() + 8, inq.data.begin() + 16) == "GLASSBOX");
  CHECK(std::string(inq.data.begin() + 16, inq.data.begin() + 32) == "CD-ROM          ");
  CHECK(inq.status == DRDY);
  CHECK(inq.irqs == 2);  // data block, completion

  // A short allocation length truncates; 32-bit reads of an odd block.
  auto shortinq = r.packet({0x12, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0}, 0xFFFE, true);
  CHECK(shortinq.blocks == std::vector<unsigned>{5});
  CHECK(shortinq.data[4] == 31);

  auto cap = r.packet({0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0xFFFE, true);
  REQUIRE(cap.data.size() == 8);
  CHECK(cap.data == std::vector<u8>{0, 0, 0x01, 0x2B, 0, 0, 0x08, 0x00});  // last LBA 299, 2048 bytes
}

TEST_CASE("ide: ATAPI empty tray is NOT READY; unit attention after insert", "[ide]") {
  Rig r;
  r.ch.attach_cdrom(0, nullptr);
  CHECK(r.ch.present(0));
  auto tur = r.packet({0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0);
  CHECK(tur.status == (DRDY | ERRB));
  CHECK(tur.error == 0x20);  // sense key NOT READY in bits 7-4
  CHECK(tur.irqs == 1);
  CHECK(r.sense() == std::array<u8, 3>{0x02, 0x3A, 0x00});
  auto cap = r.packet({0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK(cap.status == (DRDY | ERRB));
  CHECK(cap.data.empty());

  r.ch.attach_cdrom(0, cd(64));  // insert a disc
  // INQUIRY is not affected by the unit attention.
  CHECK(r.packet({0x12, 0, 0, 0, 36, 0, 0, 0, 0, 0, 0, 0}).status == DRDY);
  tur = r.packet({0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK(tur.status == (DRDY | ERRB));
  CHECK(tur.error == 0x60);
  CHECK(r.sense() == std::array<u8, 3>{0x06, 0x28, 0x00});
  tur = r.packet({0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK(tur.status == DRDY);  // reported once
  CHECK(r.sense() == std::array<u8, 3>{0, 0, 0});

  // GET EVENT STATUS NOTIFICATION saw the new medium, once.
  auto ev = r.packet({0x4A, 0x01, 0, 0, 0x10, 0, 0, 0, 8, 0, 0, 0});
  REQUIRE(ev.data.size() == 8);
  CHECK(ev.data[2] == 0x04);
  CHECK(ev.data[4] == 0x02);  // NewMedia
  CHECK(ev.data[5] == 0x02);  // media present, tray closed
  ev = r.packet({0x4A, 0x01, 0, 0, 0x10, 0, 0, 0, 8, 0, 0, 0});
  CHECK(ev.data[4] == 0x00);

  // PREVENT blocks eject; ALLOW then eject opens the tray.
  CHECK(r.packet({0x1E, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}).status == DRDY);
  CHECK(r.packet({0x1B, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0}).status == (DRDY | ERRB));
  CHECK(r.sense() == std::array<u8, 3>{0x05, 0x53, 0x02});
  CHECK(r.packet({0x1E, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}).status == DRDY);
  CHECK(r.packet({0x1B, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0}).status == DRDY);
  CHECK(r.packet({0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}).status == (DRDY | ERRB));
  CHECK(r.sense() == std::array<u8, 3>{0x02, 0x3A, 0x00});
  // Load again: ready after one unit attention.
  CHECK(r.packet({0x1B, 0, 0, 0, 0x03, 0, 0, 0, 0, 0, 0, 0}).status == DRDY);
  CHECK(r.packet({0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}).error == 0x60);
  CHECK(r.packet({0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}).status == DRDY);
}

TEST_CASE("ide: ATAPI READ(10) in DRQ blocks of the byte count limit", "[ide]") {
  Rig r;
  r.ch.attach_cdrom(0, cd(40));
  const auto expect = disk_bytes(40, 2048);
  auto read10 = [&](u32 lba, u16 n, u16 limit, bool use32 = false) {
    return r.packet({0x28, 0, static_cast<u8>(lba >> 24), static_cast<u8>(lba >> 16), static_cast<u8>(lba >> 8),
                     static_cast<u8>(lba), 0, static_cast<u8>(n >> 8), static_cast<u8>(n), 0, 0, 0},
                    limit, use32);
  };
  auto same = [&](const std::vector<u8>& got, u32 lba) {
    return got.size() % 2048 == 0 &&
           std::equal(got.begin(), got.end(), expect.begin() + static_cast<std::ptrdiff_t>(lba) * 2048);
  };

  // SeaBIOS: the limit is the sector size, one sector per DRQ block.
  auto a = read10(17, 3, 2048);
  CHECK(a.blocks == std::vector<unsigned>{2048, 2048, 2048});
  CHECK(same(a.data, 17));
  CHECK(a.irqs == 4);
  CHECK(a.status == DRDY);

  // A limit below a sector: blocks of the limit, the remainder last.
  auto b = read10(5, 2, 1000);
  CHECK(b.blocks == std::vector<unsigned>{1000, 1000, 1000, 1000, 96});
  CHECK(same(b.data, 5));
  CHECK(b.irqs == 6);

  // An odd limit is used as the even value below it.
  auto c = read10(0, 1, 1001);
  CHECK(c.blocks == std::vector<unsigned>{1000, 1000, 48});

  // A large limit: whole sectors per block; 32-bit reads.
  auto d = read10(8, 5, 6500, true);
  CHECK(d.blocks == std::vector<unsigned>{6144, 4096});
  CHECK(same(d.data, 8));

  // READ(12), and a zero-length read that moves nothing.
  auto e = r.packet({0xA8, 0, 0, 0, 0, 39, 0, 0, 0, 1, 0, 0});
  CHECK(same(e.data, 39));
  auto z = read10(3, 0, 2048);
  CHECK(z.blocks.empty());
  CHECK(z.status == DRDY);

  // Past the end: ILLEGAL REQUEST, LBA out of range.
  auto f = read10(39, 2, 2048);
  CHECK(f.status == (DRDY | ERRB));
  CHECK(f.error == 0x50);
  CHECK(f.data.empty());
  CHECK(r.sense() == std::array<u8, 3>{0x05, 0x21, 0x00});
}

TEST_CASE("ide: ATAPI READ TOC formats 0 and 1", "[ide]") {
  Rig r;
  r.ch.attach_cdrom(0, cd(1000));
  auto lba = r.packet({0x43, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0});
  REQUIRE(lba.data.size() == 20);
  CHECK(lba.data[0] == 0);
  CHECK(lba.data[1] == 18);  // TOC data length
  CHECK(lba.data[2] == 1);   // first track
  CHECK(lba.data[3] == 1);   // last track
  CHECK(lba.data[5] == 0x14);
  CHECK(lba.data[6] == 1);
  CHECK(load_le<u32>(&lba.data[8]) == 0);
  CHECK(lba.data[13] == 0x14);
  CHECK(lba.data[14] == 0xAA);  // lead-out
  CHECK(std::vector<u8>(lba.data.begin() + 16, lba.data.end()) == std::vector<u8>{0, 0, 0x03, 0xE8});

  auto msf = r.packet({0x43, 0x02, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0});
  REQUIRE(msf.data.size() == 20);
  CHECK(std::vector<u8>(msf.data.begin() + 8, msf.data.begin() + 12) == std::vector<u8>{0, 0, 2, 0});
  // 1000 + 150 frames = 0 min 15 s 25 frames.
  CHECK(std::vector<u8>(msf.data.begin() + 16, msf.data.end()) == std::vector<u8>{0, 0, 15, 25});

  // Starting at the lead-out: its descriptor only; a short allocation.
  auto out = r.packet({0x43, 0, 0, 0, 0, 0, 0xAA, 0, 100, 0, 0, 0});
  CHECK(out.data.size() == 12);
  CHECK(out.data[6] == 0xAA);
  auto cut = r.packet({0x43, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0});
  CHECK(cut.data.size() == 4);

  auto session = r.packet({0x43, 0, 1, 0, 0, 0, 0, 0, 12, 0, 0, 0});
  REQUIRE(session.data.size() == 12);
  CHECK(session.data[1] == 10);
  CHECK(session.data[6] == 1);

  auto raw = r.packet({0x43, 0, 2, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0});
  CHECK(raw.data.size() == 4 + 4 * 11);
}

TEST_CASE("ide: ATAPI invalid opcode, REQUEST SENSE 05/20/00", "[ide]") {
  Rig r;
  r.ch.attach_cdrom(0, cd(8));
  auto bad = r.packet({0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK(bad.status == (DRDY | ERRB));
  CHECK(bad.error == 0x50);
  CHECK(r.sense() == std::array<u8, 3>{0x05, 0x20, 0x00});
  CHECK(r.sense() == std::array<u8, 3>{0, 0, 0});  // consumed

  // An unknown ATA command aborts (ABRT, not a sense key).
  r.out(CMD, 0xC8);  // READ DMA
  CHECK(r.wait() == (DRDY | ERRB));
  CHECK(r.in(ERR) == 0x04);
  // PACKET with the DMA bit aborts.
  r.out(FEAT, 0x01);
  r.out(CMD, 0xA0);
  CHECK(r.wait() == (DRDY | ERRB));
  CHECK(r.in(ERR) == 0x04);
}

TEST_CASE("ide: ATAPI MODE SENSE(10) page 2Ah, GET CONFIGURATION, MODE SELECT", "[ide]") {
  Rig r;
  r.ch.attach_cdrom(0, cd(8));
  auto ms = r.packet({0x5A, 0, 0x2A, 0, 0, 0, 0, 0x00, 0xFF, 0, 0, 0});
  REQUIRE(ms.data.size() == 8 + 20);
  CHECK((ms.data[0] << 8 | ms.data[1]) == 26);  // mode data length
  CHECK(ms.data[2] == 0x01);                    // medium type: data disc
  CHECK(ms.data[6] == 0);
  CHECK(ms.data[7] == 0);  // no block descriptors
  CHECK(ms.data[8] == 0x2A);
  CHECK(ms.data[9] == 0x12);
  CHECK(ms.data[8 + 6] == 0x29);  // tray, eject, lock

  auto all = r.packet({0x5A, 0, 0x3F, 0, 0, 0, 0, 0x01, 0x00, 0, 0, 0});
  CHECK(all.data.size() == 8 + 12 + 20);
  CHECK(all.data[8] == 0x01);
  CHECK(all.data[20] == 0x2A);

  auto six = r.packet({0x1A, 0, 0x01, 0, 0xFF, 0, 0, 0, 0, 0, 0, 0});
  CHECK(six.data.size() == 4 + 12);
  CHECK(six.data[0] == 15);

  CHECK(r.packet({0x5A, 0, 0x05, 0, 0, 0, 0, 0, 0xFF, 0, 0, 0}).error == 0x50);  // no such page
  CHECK(r.sense() == std::array<u8, 3>{0x05, 0x24, 0x00});

  auto conf = r.packet({0x46, 0x02, 0, 0, 0, 0, 0, 0, 0xFF, 0, 0, 0});
  REQUIRE(conf.data.size() == 16);
  CHECK((conf.data[6] << 8 | conf.data[7]) == 0x0008);  // current profile CD-ROM
  CHECK((conf.data[12] << 8 | conf.data[13]) == 0x0008);

  // MODE SELECT(10) with 16 bytes of parameters (data-out phase).
  const int rises0 = r.irq.rises;
  r.out(MID, 0xFE);
  r.out(HIGH, 0xFF);
  r.out(CMD, 0xA0);
  r.wait();
  const std::array<u8, 12> sel{0x55, 0x10, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0};
  for (unsigned i = 0; i < 12; i += 2) r.wdata16(static_cast<u16>(sel[i] | sel[i + 1] << 8));
  CHECK(r.wait() == (DRDY | DRQ));
  CHECK(r.in(STATUS) == (DRDY | DRQ));
  CHECK(r.in(COUNT) == 0x00);  // IO=0, CoD=0: data from the host
  CHECK(r.in(MID) == 16);
  for (unsigned i = 0; i < 8; ++i) r.wdata16(0);
  CHECK(r.wait() == DRDY);
  CHECK(r.in(COUNT) == 0x03);
  CHECK(r.irq.rises - rises0 == 2);

  // READ DISC INFORMATION and READ SUB-CHANNEL answer.
  auto di = r.packet({0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0, 0, 0});
  CHECK(di.data.size() == 34);
  CHECK(di.data[2] == 0x0E);
  auto sub = r.packet({0x42, 0x02, 0x40, 0x01, 0, 0, 0, 0, 16, 0, 0, 0});
  CHECK(sub.data.size() == 16);
  CHECK(sub.data[1] == 0x15);
}

TEST_CASE("ide: ATAPI DEVICE RESET and SRST leave the packet signature", "[ide]") {
  Rig r;
  r.ch.attach_cdrom(0, cd(8));
  r.ch.attach_disk(1, disk(64));
  r.out(MID, 0);
  r.out(HIGH, 0);
  r.out(CMD, 0xA0);  // PACKET, then abandon it with DEVICE RESET
  r.wait();
  r.out(CMD, 0x08);
  CHECK(r.wait() == 0x00);
  CHECK(r.irq.rises == 0);
  CHECK(r.in(MID) == 0x14);
  CHECK(r.in(HIGH) == 0xEB);
  // The slave disk's IDENTIFY reports device 1 in word 93.
  r.select(1);
  CHECK(word(r.identify(), 93) == 0x4B00);
  r.select(0);
  CHECK((word(r.identify(0xA1), 93) & 0x00FF) == 0x003B);
}

TEST_CASE("ide: SRST abandons a command in progress", "[ide]") {
  Rig r;
  r.ch.attach_disk(0, disk(64));
  r.lba28(3, 2);
  r.out(CMD, 0x20);
  r.wait();
  r.data16();
  r.ctl(0x08 | 0x04);
  CHECK(r.alt() == BSY);
  r.out(CMD, 0xEC);  // ignored during reset
  r.ctl(0x08);
  r.advance(IdeChannel::kResetDelay);
  CHECK(r.alt() == (DRDY | DSC));
  CHECK(r.data16() == 0xFFFF);
  CHECK(r.in(COUNT) == 1);
  CHECK(r.in(LOW) == 1);
}

TEST_CASE("ide: port widths: byte registers split, 8-bit data access", "[ide]") {
  Rig r;
  r.ch.attach_disk(0, disk(64));
  // A 16-bit write at Sector Count is Sector Count then LBA Low (ISA split).
  r.ch.io_write(kBase + COUNT, 0x3412, Width::Word);
  CHECK(r.in(COUNT) == 0x12);
  CHECK(r.in(LOW) == 0x34);
  CHECK(r.ch.io_read(kBase + COUNT, Width::Word) == 0x3412);
  // Status, then port base+8, which is not the channel's: FFh.
  CHECK(r.ch.io_read(kBase + STATUS, Width::Word) == (0xFF00u | DRDY | DSC));
  // An 8-bit read of the data register moves a whole word.
  r.lba28(7, 1);
  r.out(CMD, 0x20);
  r.wait();
  CHECK(r.in(DATA) == 7);    // low byte of word 0 (the LBA)
  CHECK(r.data16() == 0);    // word 1: LBA bits 31-16
  for (unsigned i = 2; i < 256; ++i) r.data16();
  CHECK(r.alt() == (DRDY | DSC));
}

TEST_CASE("ide: SeaBIOS-style probe and El Torito read with nIEN and polling", "[ide]") {
  Rig r;
  r.ch.attach_cdrom(0, cd(64));
  // ata_detect: presence check on the master.
  r.out(DEV, 0xA0);
  r.out(COUNT, 0x55);
  r.out(LOW, 0xAA);
  CHECK(r.in(COUNT) == 0x55);
  CHECK(r.in(LOW) == 0xAA);
  CHECK(r.in(DEV) == 0xA0);
  // ata_reset: SRST with nIEN, then wait for BSY to clear.
  r.ctl(0x08 | 0x02 | 0x04);
  r.advance(5 * kUs);
  r.ctl(0x08 | 0x02);
  r.advance(2000 * kUs);
  CHECK((r.in(STATUS) & BSY) == 0);
  r.out(DEV, 0xA0);
  r.ctl(0x08);
  // init_drive_atapi: IDENTIFY PACKET DEVICE with nIEN set.
  r.ctl(0x08 | 0x02);
  const auto id = r.identify(0xA1);
  CHECK(r.in(STATUS) == DRDY);  // pause_await_not_bsy: acknowledges
  CHECK((word(id, 93) & 0xDF61) == 0x4041);  // no device 1: skip it
  r.ctl(0x08);
  // TEST UNIT READY (byte count 0), then READ(10) of the boot record.
  r.ctl(0x08 | 0x02);
  CHECK(r.packet({0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0).status == DRDY);
  const auto rd = r.packet({0x28, 0, 0, 0, 0, 17, 0, 0, 1, 0, 0, 0}, 2048, true);
  CHECK(rd.blocks == std::vector<unsigned>{2048});
  CHECK(load_le<u32>(rd.data.data()) == 17);
  CHECK(r.irq.rises == 0);  // nIEN held the line throughout
  r.ctl(0x08);
  CHECK(!r.ch.irq_level());  // every interrupt was acknowledged by a Status read
}

// ---------------------------------------------------------------------------
// DeviceTiming: the default drive takes a data-out block as QEMU's and
// Bochs's do (DRQ within the command write); xv6's idestart writes the
// sector right after WRITE SECTORS and then sleeps until IRQ 14.

namespace {
std::vector<u16> words_of(u32 n, u16 seed) {
  std::vector<u16> v(n);
  for (u32 i = 0; i < n; ++i) v[i] = static_cast<u16>(seed + i * 0x0101u);
  return v;
}
}  // namespace

TEST_CASE("ide: data written right after WRITE SECTORS is kept (xv6)", "[ide]") {
  struct Case {
    u8 cmd;
    bool ext;
    u8 multiple;  // SET MULTIPLE first (0: none)
    u8 sectors;
  };
  for (const Case c : {Case{0x30, false, 0, 1}, Case{0x30, false, 0, 3}, Case{0x34, true, 0, 2},
                       Case{0xC5, false, 2, 4}, Case{0x39, true, 4, 4}}) {
    INFO("command " << int(c.cmd) << ", " << int(c.sectors) << " sectors");
    Rig r;
    r.ch.attach_disk(0, disk(64));
    r.select(0);
    if (c.multiple) {
      r.out(COUNT, c.multiple);
      r.out(CMD, 0xC6);
      r.wait();
      r.in(STATUS);
    }
    c.ext ? r.lba48(10, c.sectors) : r.lba28(10, c.sectors);
    const int rises0 = r.irq.rises;
    r.out(CMD, c.cmd);
    // No status poll: every word goes out at once, block after block.
    const std::vector<u16> data = words_of(256u * c.sectors, c.cmd);
    for (const u16 w : data) r.wdata16(w);
    // Completion: BSY for a moment, then an interrupt with Status at rest.
    CHECK(r.wait() == (DRDY | DSC));
    CHECK(r.irq.rises > rises0);
    CHECK(r.in(STATUS) == (DRDY | DSC));
    r.lba28(10, c.sectors);
    r.out(CMD, 0x20);
    for (u32 s = 0; s < c.sectors; ++s) {
      REQUIRE(r.wait() == (DRDY | DSC | DRQ));
      for (u32 i = 0; i < 256; ++i) REQUIRE(r.data16() == data[s * 256 + i]);
    }
  }
}

TEST_CASE("ide: IDENTIFY and the ATAPI packet are ready within the command write", "[ide]") {
  Rig r;
  r.ch.attach_disk(0, disk(64));
  r.ch.attach_cdrom(1, cd(16));
  r.select(0);
  r.out(CMD, 0xEC);
  CHECK(r.alt() == (DRDY | DSC | DRQ));  // no BSY window
  CHECK(r.irq.rises == 1);
  CHECK(word(r.read_block(512), 0) == 0x0040);
  // PACKET: the 12 command bytes written at once are taken (INQUIRY).
  r.select(1);
  r.in(STATUS);
  r.out(FEAT, 0);
  r.out(MID, 0xFE);
  r.out(HIGH, 0xFF);
  r.out(CMD, 0xA0);
  const std::array<u8, 12> inquiry{0x12, 0, 0, 0, 36, 0, 0, 0, 0, 0, 0, 0};
  for (unsigned i = 0; i < 12; i += 2) r.wdata16(static_cast<u16>(inquiry[i] | inquiry[i + 1] << 8));
  REQUIRE(r.wait() == (DRDY | DRQ));
  CHECK(r.in(COUNT) == 0x02);  // data to the host
  CHECK((r.in(MID) | r.in(HIGH) << 8) == 36);
  CHECK((r.data16() & 0x1F) == 0x05);  // peripheral type 05h: CD-ROM
}

TEST_CASE("ide: datasheet timing ignores data written while BSY", "[ide]") {
  Rig r;
  r.ch.set_timing(DeviceTiming::Datasheet);
  r.ch.attach_disk(0, disk(64));
  r.lba28(10, 1);
  r.out(CMD, 0x30);
  CHECK(r.alt() == BSY);
  for (u32 i = 0; i < 256; ++i) r.wdata16(0x1234);  // lost, as on a drive
  CHECK(r.wait() == (DRDY | DSC | DRQ));
  CHECK(r.irq.rises == 0);
  for (u32 i = 0; i < 256; ++i) r.wdata16(0x5678);
  CHECK(r.wait() == (DRDY | DSC));
  CHECK(r.irq.rises == 1);
  r.lba28(10, 1);
  r.out(CMD, 0x20);
  r.wait();
  CHECK(r.data16() == 0x5678);
}
