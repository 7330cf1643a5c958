// The 82077AA floppy controller driven through its ports, with a real
// Scheduler, a real Bus with RAM and the 8237A pair on DMA channel 2.
// Expected values follow the Intel 82077AA datasheet (Table 5-1 command set,
// ST0-ST3, the result-phase C/H/R/N table, 7.4 drive polling) and the way
// SeaBIOS's floppy driver programs it.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "devices/fdc82077.hpp"

using namespace gb;

namespace {

struct RecIrq final : IrqSink {
  void set_irq(unsigned line, bool level) override {
    CHECK(line == 6);
    events.push_back(level);
    level_ = level;
  }
  std::vector<bool> events;
  bool level_ = false;
};

enum : u16 { SRA = 0, SRB = 1, DOR = 2, TDR = 3, MSR = 4, DSR = 4, FIFO = 5, DIR = 7, CCR = 7 };

constexpr u64 k144 = 1'474'560;

// The byte at offset `off` of the test images.
u8 pat(u64 off) { return static_cast<u8>((off >> 9) * 31 + (off & 511) + 1); }

std::vector<u8> image_bytes(u64 size) {
  std::vector<u8> v(size);
  for (u64 i = 0; i < size; ++i) v[i] = pat(i);
  return v;
}

// 1.44M: LBA of cylinder/head/sector.
u64 lba144(unsigned c, unsigned h, unsigned s) { return (c * 2 + h) * 18 + s - 1; }

struct Rig {
  Scheduler sched;
  RecIrq irq;
  std::vector<u8> ram = std::vector<u8>(1u << 20, 0);
  MemoryMap mem;
  IoMap io;
  Bus bus{mem, io};
  Dma8237Pair dma{bus};
  Fdc82077 fdc{sched, IrqLine(irq, 6), dma};

  Rig() {
    mem.map_ram(0, ram);
    // The BIOS's DMA setup: master clear, DMA2 channel 0 cascade, unmasked.
    dout(0x0D, 0);
    dout(0xDA, 0);
    dout(0xD6, 0xC0);
    dout(0xD4, 0x00);
  }
  void out(u16 reg, u8 v) { fdc.io_write(static_cast<u16>(0x3F0 + reg), v, Width::Byte); }
  u8 in(u16 reg) { return static_cast<u8>(fdc.io_read(static_cast<u16>(0x3F0 + reg), Width::Byte)); }
  void dout(u16 port, u8 v) { dma.io_write(port, v, Width::Byte); }
  void advance(Picos d) { sched.advance_to(sched.now() + d); }

  void insert144(unsigned drive = 0, bool read_only = false) {
    fdc.insert(drive, DiskImage::from_memory(image_bytes(k144), read_only));
  }
  // Writes a command, checking the handshake (8.1: RQM = 1, DIO = 0).
  void cmd(std::initializer_list<u8> bytes) {
    for (const u8 b : bytes) {
      REQUIRE((in(MSR) & 0xC0) == 0x80);
      out(FIFO, b);
    }
  }
  // Reads the result phase (RQM = 1, DIO = 1) to its end.
  std::vector<u8> results() {
    std::vector<u8> r;
    while ((in(MSR) & 0xC0) == 0xC0 && r.size() < 16) r.push_back(in(FIFO));
    return r;
  }
  // Runs virtual time until IRQ 6 is high or `limit` passes.
  bool wait_irq(Picos limit = 2 * kPicosPerSecond) {
    const Picos end = sched.now() + limit;
    while (!irq.level_) {
      const Picos t = sched.next_deadline();
      if (t == kNever || t > end) {
        sched.advance_to(end);
        return irq.level_;
      }
      sched.advance_to(t);
    }
    return true;
  }
  std::vector<u8> sense() {
    cmd({0x08});
    return results();
  }
  // Reset through the DOR and sense the four polling statuses; motor 0 on,
  // DMA gate on, 500 kb/s, SPECIFY as SeaBIOS does.
  void init() {
    out(DOR, 0x00);
    out(DOR, 0x1C);
    REQUIRE(wait_irq());
    for (int i = 0; i < 4; ++i) sense();
    out(CCR, 0x00);
    cmd({0x03, 0xAF, 0x02});
  }
  void seek(u8 cyl, u8 head = 0, u8 drive = 0) {
    cmd({0x0F, static_cast<u8>(head << 2 | drive), cyl});
    REQUIRE(wait_irq());
    const auto r = sense();
    REQUIRE(r.size() == 2);
    CHECK(r[0] == (0x20 | drive));
    CHECK(r[1] == cyl);
  }
  // Channel 2, as SeaBIOS's dma_floppy: 0x46 device -> memory, 0x4A memory
  // -> device (single mode, increment).
  void dma2(u32 addr, u32 bytes, bool to_memory) {
    dout(0x0A, 0x06);
    dout(0x0C, 0);
    dout(0x04, static_cast<u8>(addr));
    dout(0x04, static_cast<u8>(addr >> 8));
    dout(0x0C, 0);
    dout(0x05, static_cast<u8>(bytes - 1));
    dout(0x05, static_cast<u8>((bytes - 1) >> 8));
    dout(0x0B, to_memory ? 0x46 : 0x4A);
    dout(0x81, static_cast<u8>(addr >> 16));
    dout(0x0A, 0x02);
  }
  // A data command with the usual parameters; returns its seven results.
  std::vector<u8> xfer(u8 op, u8 head, u8 c, u8 h, u8 r, u8 eot, u8 drive = 0) {
    cmd({op, static_cast<u8>(head << 2 | drive), c, h, r, 2, eot, 0x1B, 0xFF});
    REQUIRE(wait_irq());
    return results();
  }
  bool ram_has_sector(u32 addr, u64 lba) {
    for (u32 i = 0; i < 512; ++i)
      if (ram[addr + i] != pat(lba * 512 + i)) return false;
    return true;
  }
};

}  // namespace

TEST_CASE("fdc: reset via DOR raises IRQ 6 and needs four SENSE INTERRUPT STATUS", "[fdc]") {
  Rig r;
  r.insert144();
  CHECK(r.in(MSR) == 0x00);  // held in reset since power-on (DOR = 0)
  r.out(DOR, 0x0C);
  CHECK(r.in(MSR) == 0x80);
  CHECK(!r.irq.level_);
  r.advance(Fdc82077::kCommandDelay - 1);
  CHECK(!r.irq.level_);
  r.advance(1);
  CHECK(r.irq.level_);
  CHECK(r.sense() == std::vector<u8>{0xC0, 0x00});
  CHECK(!r.irq.level_);  // the first SENSE INTERRUPT STATUS resets INT
  CHECK(r.sense() == std::vector<u8>{0xC1, 0x00});
  CHECK(r.sense() == std::vector<u8>{0xC2, 0x00});
  CHECK(r.sense() == std::vector<u8>{0xC3, 0x00});
  CHECK(r.sense() == std::vector<u8>{0x80});  // nothing left: invalid
  CHECK(r.irq.events == std::vector<bool>{true, false});
  CHECK(r.in(MSR) == 0x80);
  // DOR bit 2 low holds the controller in reset.
  r.out(DOR, 0x08);
  CHECK(r.in(MSR) == 0x00);
}

TEST_CASE("fdc: DSR software reset; a new command drops unsensed polling statuses", "[fdc]") {
  Rig r;
  r.init();
  r.out(DSR, 0x80);  // self-clearing reset bit, 500 kb/s
  CHECK(r.in(MSR) == 0x80);
  REQUIRE(r.wait_irq());
  CHECK(r.sense() == std::vector<u8>{0xC0, 0x00});
  // SeaBIOS senses once and goes on with RECALIBRATE: the recalibrate's
  // own status is what the next SENSE INTERRUPT STATUS reports.
  r.cmd({0x07, 0x00});
  REQUIRE(r.wait_irq());
  CHECK(r.sense() == std::vector<u8>{0x20, 0x00});
  CHECK(r.sense() == std::vector<u8>{0x80});
}

TEST_CASE("fdc: DOR bit 3 gates INT onto IRQ 6", "[fdc]") {
  Rig r;
  r.out(DOR, 0x04);  // out of reset, DMA gate off
  r.advance(Fdc82077::kCommandDelay);
  CHECK(!r.irq.level_);
  CHECK(r.irq.events.empty());
  r.out(DOR, 0x0C);  // the pending polling interrupt reaches the line
  CHECK(r.irq.level_);
  CHECK(r.sense() == std::vector<u8>{0xC0, 0x00});
  CHECK(!r.irq.level_);
}

TEST_CASE("fdc: VERSION, SPECIFY, CONFIGURE, PERPENDICULAR, LOCK and DUMPREG", "[fdc]") {
  Rig r;
  r.init();  // SPECIFY AFh 02h
  r.cmd({0x10});
  CHECK(r.results() == std::vector<u8>{0x90});
  r.cmd({0x13, 0x00, 0x57, 0x10});  // EIS, POLL off, FIFO on, threshold 8, PRETRK 16
  CHECK(r.in(MSR) == 0x80);         // no result phase
  r.cmd({0x12, 0x87});              // OW: D0 set; GAP, WGATE
  r.cmd({0x0E});
  auto d = r.results();
  REQUIRE(d.size() == 10);
  CHECK(d[4] == 0xAF);  // SRT | HUT
  CHECK(d[5] == 0x02);  // HLT | ND
  CHECK(d[7] == 0x07);  // LOCK 0, D0, GAP, WGATE
  CHECK(d[8] == 0x57);
  CHECK(d[9] == 0x10);
  // LOCK keeps EFIFO, FIFOTHR and PRETRK over a software reset; EIS, POLL,
  // GAP and WGATE go back to their defaults anyway.
  r.cmd({0x94});
  CHECK(r.results() == std::vector<u8>{0x10});
  r.out(DSR, 0x80);
  REQUIRE(r.wait_irq());
  for (int i = 0; i < 4; ++i) r.sense();
  r.cmd({0x0E});
  d = r.results();
  REQUIRE(d.size() == 10);
  CHECK(d[4] == 0xAF);  // SPECIFY survives a software reset
  CHECK(d[7] == 0x84);  // LOCK, D0
  CHECK(d[8] == 0x07);  // EFIFO 0 (FIFO on) and FIFOTHR kept; EIS, POLL cleared
  CHECK(d[9] == 0x10);
  r.cmd({0x14});
  CHECK(r.results() == std::vector<u8>{0x00});
  r.out(DSR, 0x80);
  REQUIRE(r.wait_irq());
  for (int i = 0; i < 4; ++i) r.sense();
  r.cmd({0x0E});
  d = r.results();
  CHECK(d[8] == 0x20);  // defaults: FIFO disabled, polling on
  CHECK(d[9] == 0x00);
}

TEST_CASE("fdc: invalid command codes give ST0 80h without an interrupt", "[fdc]") {
  Rig r;
  r.init();
  r.irq.events.clear();
  for (const u8 op : {u8{0x18}, u8{0x00}, u8{0x1F}, u8{0x43}, u8{0x4F}, u8{0x2E}}) {
    r.out(FIFO, op);
    CHECK(r.in(MSR) == 0xD0);
    CHECK(r.results() == std::vector<u8>{0x80});
    CHECK(r.in(MSR) == 0x80);
  }
  CHECK(r.irq.events.empty());
}

TEST_CASE("fdc: SEEK, RELATIVE SEEK and RECALIBRATE; step timing; SENSE DRIVE STATUS", "[fdc]") {
  Rig r;
  r.insert144();
  r.init();
  r.cmd({0x03, 0xFF, 0x02});  // SRT F: 1 ms per step at 500 kb/s
  r.cmd({0x0F, 0x00, 2});
  CHECK(r.in(MSR) == 0x81);  // drive 0 busy, ready for a command
  r.advance(2 * kPicosPerSecond / 1000 - 1);
  CHECK(!r.irq.level_);
  r.advance(1);
  CHECK(r.irq.level_);
  CHECK(r.sense() == std::vector<u8>{0x20, 2});
  CHECK(r.in(MSR) == 0x80);
  // A long seek takes at most kSeekCap of virtual time.
  r.cmd({0x0F, 0x04, 79});
  r.advance(Fdc82077::kSeekCap - 1);
  CHECK(!r.irq.level_);
  r.advance(1);
  CHECK(r.sense() == std::vector<u8>{0x20, 79});  // H always reads 0 here
  r.cmd({0x8F, 0x00, 9});  // relative, step out
  REQUIRE(r.wait_irq());
  CHECK(r.sense() == std::vector<u8>{0x20, 70});
  r.cmd({0xCF, 0x00, 3});  // relative, step in
  REQUIRE(r.wait_irq());
  CHECK(r.sense() == std::vector<u8>{0x20, 73});
  r.cmd({0x04, 0x04});
  CHECK(r.results() == std::vector<u8>{0x2C});  // not T0, not WP, head 1, drive 0
  r.cmd({0x07, 0x00});
  REQUIRE(r.wait_irq());
  CHECK(r.sense() == std::vector<u8>{0x20, 0});
  r.cmd({0x04, 0x00});
  CHECK(r.results() == std::vector<u8>{0x38});  // T0
  // Drive select 2 has no mechanism: TRK0 never comes (SE + EC, abnormal).
  r.out(DOR, 0x1E);
  r.cmd({0x07, 0x02});
  REQUIRE(r.wait_irq());
  CHECK(r.sense() == std::vector<u8>{0x72, 0});
}

TEST_CASE("fdc: READ DATA through DMA channel 2, TC before EOT", "[fdc]") {
  Rig r;
  r.insert144();
  r.init();
  r.seek(5);
  r.dma2(0x8000, 2 * 512, true);
  r.cmd({0xE6, 0x04, 5, 1, 3, 2, 18, 0x1B, 0xFF});  // MT MFM SK, head 1, C5 H1 R3
  CHECK(r.in(MSR) == 0x10);                          // execution, DMA mode
  r.advance(Fdc82077::kCommandDelay + 2 * Fdc82077::kSectorTime - 1);
  CHECK(!r.irq.level_);
  r.advance(1);
  CHECK(r.irq.level_);
  CHECK(r.in(MSR) == 0xD0);
  // Normal termination at the sector TC came with: R + 1.
  CHECK(r.results() == std::vector<u8>{0x04, 0x00, 0x00, 5, 1, 5, 2});
  CHECK(!r.irq.level_);
  CHECK(r.ram_has_sector(0x8000, lba144(5, 1, 3)));
  CHECK(r.ram_has_sector(0x8200, lba144(5, 1, 4)));
  CHECK(r.ram[0x8400] == 0);
  CHECK(r.dma.masked(2));  // TC masked the channel
}

TEST_CASE("fdc: READ DATA ending at EOT with TC follows the result-phase table", "[fdc]") {
  Rig r;
  r.insert144();
  r.init();
  r.seek(5);
  // MT on head 1: C + 1, H complemented, R = 1.
  r.dma2(0x8000, 3 * 512, true);
  CHECK(r.xfer(0xE6, 1, 5, 1, 16, 18) == std::vector<u8>{0x04, 0x00, 0x00, 6, 0, 1, 2});
  CHECK(r.ram_has_sector(0x8400, lba144(5, 1, 18)));
  // SeaBIOS's read: EOT = the last sector wanted, MT on head 0: H
  // complemented, C unchanged, R = 1.
  r.dma2(0x8000, 2 * 512, true);
  CHECK(r.xfer(0xE6, 0, 5, 0, 7, 8) == std::vector<u8>{0x04, 0x00, 0x00, 5, 1, 1, 2});
  // Without MT: C + 1, R = 1.
  r.dma2(0x8000, 512, true);
  CHECK(r.xfer(0x46, 0, 5, 0, 9, 9) == std::vector<u8>{0x00, 0x00, 0x00, 6, 0, 1, 2});
  CHECK(r.ram_has_sector(0x8000, lba144(5, 0, 9)));
}

TEST_CASE("fdc: multi-track READ DATA goes on from head 0 to head 1", "[fdc]") {
  Rig r;
  r.insert144();
  r.init();
  r.seek(2);
  r.dma2(0x10000, 4 * 512, true);
  CHECK(r.xfer(0xC6, 0, 2, 0, 17, 18) == std::vector<u8>{0x04, 0x00, 0x00, 2, 1, 3, 2});
  CHECK(r.ram_has_sector(0x10000, lba144(2, 0, 17)));
  CHECK(r.ram_has_sector(0x10200, lba144(2, 0, 18)));
  CHECK(r.ram_has_sector(0x10400, lba144(2, 1, 1)));
  CHECK(r.ram_has_sector(0x10600, lba144(2, 1, 2)));
}

TEST_CASE("fdc: reading past EOT without TC ends abnormally with EN", "[fdc]") {
  Rig r;
  r.insert144();
  r.init();
  r.seek(1);
  r.dma2(0x8000, 8 * 512, true);
  CHECK(r.xfer(0x46, 0, 1, 0, 17, 18) == std::vector<u8>{0x40, 0x80, 0x00, 2, 0, 1, 2});
  CHECK(r.ram_has_sector(0x8200, lba144(1, 0, 18)));
  CHECK(r.ram[0x8400] == 0);
  CHECK(!r.dma.terminal_count(2));
  // With MT, past EOT of head 1.
  r.dma2(0x8000, 8 * 512, true);
  CHECK(r.xfer(0xC6, 1, 1, 1, 18, 18) == std::vector<u8>{0x44, 0x80, 0x00, 2, 0, 1, 2});
}

TEST_CASE("fdc: sector not found: ND, WC; no DMA: overrun", "[fdc]") {
  Rig r;
  r.insert144();
  r.init();
  r.seek(5);
  r.dma2(0x8000, 512, true);
  const Picos t0 = r.sched.now();
  auto res = r.xfer(0x46, 0, 7, 0, 1, 18);  // C 7, head on 5
  CHECK(res == std::vector<u8>{0x40, 0x04, 0x10, 7, 0, 1, 2});
  CHECK(r.sched.now() - t0 >= 2 * kPicosPerSecond / 5);  // two revolutions at 300 rpm
  CHECK(r.xfer(0x46, 0, 5, 0, 19, 19) == std::vector<u8>{0x40, 0x04, 0x00, 5, 0, 19, 2});
  CHECK(r.xfer(0x46, 0, 5, 1, 1, 18) == std::vector<u8>{0x40, 0x04, 0x00, 5, 1, 1, 2});  // H != HDS
  // N = 3 matches no ID field.
  r.cmd({0x46, 0x00, 5, 0, 1, 3, 18, 0x1B, 0xFF});
  REQUIRE(r.wait_irq());
  CHECK(r.results()[1] == 0x04);
  // Channel 2 masked: the controller gets no DACK and overruns.
  r.dout(0x0A, 0x06);
  CHECK(r.xfer(0x46, 0, 5, 0, 1, 18) == std::vector<u8>{0x40, 0x10, 0x00, 5, 0, 1, 2});
  // DOR bit 3 off gates DRQ as well (and INT: poll the MSR instead).
  r.dma2(0x8000, 512, true);
  r.out(DOR, 0x14);
  r.cmd({0x46, 0x00, 5, 0, 1, 2, 18, 0x1B, 0xFF});
  r.advance(Fdc82077::kCommandDelay);
  CHECK(!r.irq.level_);
  CHECK(r.results() == std::vector<u8>{0x40, 0x10, 0x00, 5, 0, 1, 2});
}

TEST_CASE("fdc: WRITE DATA from RAM to the image, and TC in mid-sector", "[fdc]") {
  Rig r;
  r.insert144();
  r.init();
  r.seek(10);
  for (u32 i = 0; i < 1024; ++i) r.ram[0x20000 + i] = static_cast<u8>(i * 3 + 7);
  r.dma2(0x20000, 1024, false);
  CHECK(r.xfer(0xC5, 1, 10, 1, 4, 18) == std::vector<u8>{0x04, 0x00, 0x00, 10, 1, 6, 2});
  // Read back.
  r.dma2(0x30000, 3 * 512, true);
  CHECK(r.xfer(0xE6, 1, 10, 1, 4, 6) == std::vector<u8>{0x04, 0x00, 0x00, 11, 0, 1, 2});
  for (u32 i = 0; i < 1024; ++i) REQUIRE(r.ram[0x30000 + i] == static_cast<u8>(i * 3 + 7));
  CHECK(r.ram_has_sector(0x30400, lba144(10, 1, 6)));
  // TC after 100 bytes: the rest of the data field is written with zeros.
  r.dma2(0x20000, 100, false);
  CHECK(r.xfer(0x45, 0, 10, 0, 1, 18) == std::vector<u8>{0x00, 0x00, 0x00, 10, 0, 2, 2});
  r.dma2(0x30000, 512, true);
  r.xfer(0x46, 0, 10, 0, 1, 1);
  for (u32 i = 0; i < 100; ++i) REQUIRE(r.ram[0x30000 + i] == static_cast<u8>(i * 3 + 7));
  for (u32 i = 100; i < 512; ++i) REQUIRE(r.ram[0x30000 + i] == 0);
  // WRITE DELETED DATA writes the data too.
  r.dma2(0x20000, 512, false);
  CHECK(r.xfer(0x49, 0, 10, 0, 5, 18)[0] == 0x00);
}

TEST_CASE("fdc: write-protected media gives ST1 NW and keeps the data", "[fdc]") {
  Rig r;
  r.insert144(0, true);
  r.init();
  r.cmd({0x04, 0x00});
  CHECK(r.results() == std::vector<u8>{0x78});  // WP, T0
  r.dma2(0x20000, 512, false);
  CHECK(r.xfer(0xC5, 0, 0, 0, 1, 18) == std::vector<u8>{0x40, 0x02, 0x00, 0, 0, 1, 2});
  r.dma2(0x30000, 512, true);
  r.xfer(0xE6, 0, 0, 0, 1, 1);
  CHECK(r.ram_has_sector(0x30000, 0));
  // FORMAT TRACK too.
  r.dma2(0x20000, 4, false);
  r.cmd({0x4D, 0x00, 2, 1, 0x6C, 0xF6});
  REQUIRE(r.wait_irq());
  CHECK(r.results()[1] == 0x02);
}

TEST_CASE("fdc: READ ID and the data rate", "[fdc]") {
  Rig r;
  r.insert144();
  r.init();
  r.seek(3);
  r.cmd({0x4A, 0x04});
  REQUIRE(r.wait_irq());
  auto res = r.results();
  REQUIRE(res.size() == 7);
  CHECK(res[0] == 0x04);
  CHECK(res[1] == 0x00);
  CHECK(res[2] == 0x00);
  CHECK(res[3] == 3);
  CHECK(res[4] == 1);
  CHECK(res[5] >= 1);
  CHECK(res[5] <= 18);
  CHECK(res[6] == 2);
  // 250 kb/s cannot read 1.44M media: no ID address mark within two
  // revolutions (MA).
  r.out(CCR, 0x02);
  r.cmd({0x4A, 0x00});
  r.advance(Fdc82077::kCommandDelay + 2 * kPicosPerSecond / 5 - 1);
  CHECK(!r.irq.level_);
  r.advance(1);
  CHECK(r.results() == std::vector<u8>{0x40, 0x01, 0x00, 0, 0, 0, 0});
  // Nor can FM (MFM bit clear).
  r.out(CCR, 0x00);
  r.cmd({0x0A, 0x00});
  REQUIRE(r.wait_irq());
  CHECK(r.results()[1] == 0x01);
  // A 720K image reads at 250 kb/s.
  r.fdc.insert(1, DiskImage::from_memory(image_bytes(737'280)));
  r.out(DOR, 0x2D);  // motor 1, drive 1
  r.out(CCR, 0x02);
  r.cmd({0x4A, 0x01});
  REQUIRE(r.wait_irq());
  res = r.results();
  CHECK(res[0] == 0x01);
  CHECK(res[5] <= 9);
}

TEST_CASE("fdc: FORMAT TRACK fills the sectors its IDs name", "[fdc]") {
  Rig r;
  r.insert144();
  r.init();
  r.seek(3);
  for (u8 s = 0; s < 18; ++s) {
    r.ram[0x40000 + 4 * s] = 3;
    r.ram[0x40000 + 4 * s + 1] = 0;
    r.ram[0x40000 + 4 * s + 2] = static_cast<u8>(s + 1);
    r.ram[0x40000 + 4 * s + 3] = 2;
  }
  r.dma2(0x40000, 18 * 4, false);
  r.cmd({0x4D, 0x00, 2, 18, 0x6C, 0xE5});
  r.advance(Fdc82077::kCommandDelay + kPicosPerSecond / 5 - 1);  // one revolution
  CHECK(!r.irq.level_);
  REQUIRE(r.wait_irq());
  const auto res = r.results();
  REQUIRE(res.size() == 7);
  CHECK(res[0] == 0x00);
  CHECK(res[1] == 0x00);
  CHECK(res[2] == 0x00);
  r.dma2(0x50000, 18 * 512, true);
  CHECK(r.xfer(0x46, 0, 3, 0, 1, 18) == std::vector<u8>{0x00, 0x00, 0x00, 4, 0, 1, 2});
  for (u32 i = 0; i < 18 * 512; ++i) REQUIRE(r.ram[0x50000 + i] == 0xE5);
  r.dma2(0x50000, 512, true);
  r.xfer(0x46, 1, 3, 1, 1, 1);
  CHECK(r.ram_has_sector(0x50000, lba144(3, 1, 1)));  // the other side is untouched
}

TEST_CASE("fdc: VERIFY and READ DELETED DATA", "[fdc]") {
  Rig r;
  r.insert144();
  r.init();
  r.seek(4);
  r.dma2(0x8000, 512, true);
  // VERIFY without EC ends at EOT successfully; no DMA.
  CHECK(r.xfer(0x56, 0, 4, 0, 1, 18) == std::vector<u8>{0x00, 0x00, 0x00, 5, 0, 1, 2});
  // With EC: SC = 3 sectors.
  r.cmd({0x56, 0x80, 4, 0, 2, 2, 18, 0x1B, 3});
  REQUIRE(r.wait_irq());
  CHECK(r.results() == std::vector<u8>{0x00, 0x00, 0x00, 4, 0, 5, 2});
  CHECK(r.ram[0x8000] == 0);
  CHECK(!r.dma.masked(2));
  // READ DELETED DATA on a normal data address mark, SK = 0: the sector is
  // read, CM set, the command ends without incrementing R.
  CHECK(r.xfer(0x4C, 0, 4, 0, 7, 18) == std::vector<u8>{0x00, 0x00, 0x40, 4, 0, 7, 2});
  CHECK(r.ram_has_sector(0x8000, lba144(4, 0, 7)));
  // SK = 1: every sector is skipped up to EOT.
  r.dma2(0x9000, 512, true);
  CHECK(r.xfer(0x6C, 0, 4, 0, 17, 18) == std::vector<u8>{0x40, 0x80, 0x40, 5, 0, 1, 2});
  CHECK(r.ram[0x9000] == 0);
}

TEST_CASE("fdc: READ TRACK reads from the index", "[fdc]") {
  Rig r;
  r.insert144();
  r.init();
  r.seek(6);
  r.dma2(0x8000, 3 * 512, true);
  CHECK(r.xfer(0x42, 0, 6, 0, 1, 18) == std::vector<u8>{0x00, 0x00, 0x00, 6, 0, 4, 2});
  CHECK(r.ram_has_sector(0x8000, lba144(6, 0, 1)));
  CHECK(r.ram_has_sector(0x8400, lba144(6, 0, 3)));
}

TEST_CASE("fdc: implied seek with CONFIGURE EIS", "[fdc]") {
  Rig r;
  r.insert144();
  r.init();
  r.cmd({0x13, 0x00, 0x60, 0x00});  // EIS
  r.dma2(0x8000, 512, true);
  CHECK(r.xfer(0x46, 0, 12, 0, 1, 18) == std::vector<u8>{0x00, 0x00, 0x00, 12, 0, 2, 2});
  CHECK(r.ram_has_sector(0x8000, lba144(12, 0, 1)));
  r.cmd({0x0E});
  CHECK(r.results()[0] == 12);
  CHECK(r.sense() == std::vector<u8>{0x80});  // an implied seek does not interrupt
}

TEST_CASE("fdc: the disk change line", "[fdc]") {
  Rig r;
  r.insert144();
  r.init();
  CHECK(r.in(DIR) == 0xFF);  // set at power-on (bits 6-0 are not driven)
  r.seek(0);                 // no step pulse: still set
  CHECK(r.in(DIR) == 0xFF);
  r.seek(1);
  CHECK(r.in(DIR) == 0x7F);
  r.fdc.eject(0);
  CHECK(r.in(DIR) == 0xFF);
  r.seek(5);  // steps without a disk do not clear it
  CHECK(r.in(DIR) == 0xFF);
  r.insert144();
  CHECK(r.in(DIR) == 0xFF);
  r.cmd({0x07, 0x00});
  REQUIRE(r.wait_irq());
  r.sense();
  CHECK(r.in(DIR) == 0x7F);
  // DIR follows the drive selected in the DOR.
  r.out(DOR, 0x1D);
  CHECK(r.in(DIR) == 0xFF);
}

TEST_CASE("fdc: no media or motor off: no index pulses, the command waits for a reset", "[fdc]") {
  Rig r;
  r.init();
  r.irq.events.clear();
  r.dma2(0x8000, 512, true);
  r.cmd({0x46, 0x00, 0, 0, 1, 2, 18, 0x1B, 0xFF});
  r.advance(10 * kPicosPerSecond);
  CHECK(r.in(MSR) == 0x10);
  CHECK(r.irq.events.empty());
  // The BIOS gives up and resets the controller.
  r.out(DOR, 0x18);
  r.out(DOR, 0x1C);
  CHECK(r.in(MSR) == 0x80);
  REQUIRE(r.wait_irq());
  CHECK(r.sense() == std::vector<u8>{0xC0, 0x00});
  // Motor off: the same, until the motor comes on.
  r.insert144();
  r.out(DOR, 0x0C);
  r.cmd({0x46, 0x00, 0, 0, 1, 2, 18, 0x1B, 0xFF});
  r.advance(kPicosPerSecond);
  CHECK(r.in(MSR) == 0x10);
  r.out(DOR, 0x1C);
  REQUIRE(r.wait_irq());
  CHECK(r.results() == std::vector<u8>{0x00, 0x00, 0x00, 0, 0, 2, 2});
  CHECK(r.ram_has_sector(0x8000, 0));
}

TEST_CASE("fdc: non-DMA mode moves the data through the FIFO", "[fdc]") {
  Rig r;
  r.insert144();
  r.init();
  r.cmd({0x03, 0xAF, 0x03});  // ND
  r.seek(7);
  r.cmd({0x46, 0x00, 7, 0, 17, 2, 18, 0x1B, 0xFF});
  CHECK(r.in(MSR) == 0x30);  // execution, non-DMA, no data yet
  REQUIRE(r.wait_irq());
  CHECK(r.in(MSR) == 0xF0);  // RQM DIO NDMA CB
  std::vector<u8> got;
  got.push_back(r.in(FIFO));
  CHECK(!r.irq.level_);  // a data access clears INT
  while ((r.in(MSR) & 0xE0) == 0xE0 && got.size() < 2000) got.push_back(r.in(FIFO));
  REQUIRE(got.size() == 1024);
  for (u32 i = 0; i < 1024; ++i) REQUIRE(got[i] == pat(lba144(7, 0, 17) * 512 + i));
  CHECK(r.in(MSR) == 0x30);
  r.advance(Fdc82077::kPioEndDelay);
  CHECK(r.irq.level_);
  // No TC without DMA: the transfer ends at EOT with EN.
  CHECK(r.results() == std::vector<u8>{0x40, 0x80, 0x00, 8, 0, 1, 2});
  // Write two sectors the same way and read them back by DMA.
  r.cmd({0x45, 0x00, 7, 0, 1, 2, 2, 0x1B, 0xFF});
  REQUIRE(r.wait_irq());
  CHECK(r.in(MSR) == 0xB0);  // RQM NDMA CB, host -> controller
  for (u32 i = 0; i < 1024; ++i) {
    REQUIRE((r.in(MSR) & 0xE0) == 0xA0);
    r.out(FIFO, static_cast<u8>(i ^ 0x3C));
  }
  REQUIRE(r.wait_irq());
  CHECK(r.results() == std::vector<u8>{0x40, 0x80, 0x00, 8, 0, 1, 2});
  r.cmd({0x03, 0xAF, 0x02});
  r.dma2(0x8000, 1024, true);
  CHECK(r.xfer(0x46, 0, 7, 0, 1, 2) == std::vector<u8>{0x00, 0x00, 0x00, 8, 0, 1, 2});
  for (u32 i = 0; i < 1024; ++i) REQUIRE(r.ram[0x8000 + i] == static_cast<u8>(i ^ 0x3C));
}

TEST_CASE("fdc: media sizes, CMOS drive types and bad images", "[fdc]") {
  Rig r;
  struct Case {
    u64 bytes;
    u8 cmos;
  };
  for (const Case c : {Case{163'840, 1}, Case{184'320, 1}, Case{327'680, 1}, Case{368'640, 1}, Case{737'280, 3},
                       Case{1'228'800, 2}, Case{1'474'560, 4}, Case{2'949'120, 5}}) {
    r.fdc.insert(1, DiskImage::from_memory(std::vector<u8>(c.bytes)));
    CHECK(r.fdc.has_media(1));
    CHECK(r.fdc.cmos_drive_type(1) == c.cmos);
  }
  r.fdc.eject(1);
  CHECK(!r.fdc.has_media(1));
  CHECK(r.fdc.cmos_drive_type(1) == 0);
  CHECK(r.fdc.cmos_drive_type(0) == 0);
  CHECK(r.fdc.cmos_drive_type(3) == 0);
  try {
    r.fdc.insert(0, DiskImage::from_memory(std::vector<u8>(1'000'000)));
    FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()) ==
          "(memory): 1000000 bytes is not a floppy image size (160K/180K/320K/360K/720K/1.2M/1.44M/2.88M)");
  }
  CHECK(!r.fdc.has_media(0));
  CHECK_THROWS_AS(r.fdc.insert(2, DiskImage::from_memory(std::vector<u8>(k144))), std::invalid_argument);
  CHECK_THROWS_AS(r.fdc.insert(0, nullptr), std::invalid_argument);
  CHECK_THROWS_AS(r.fdc.eject(2), std::invalid_argument);
  // A 360K image reads at 250 and at 300 kb/s; single-sided media has no
  // ID fields on head 1.
  r.fdc.insert(0, DiskImage::from_memory(image_bytes(184'320)));
  r.init();
  for (const u8 rate : {u8{2}, u8{1}}) {
    r.out(CCR, rate);
    r.cmd({0x4A, 0x00});
    REQUIRE(r.wait_irq());
    CHECK(r.results()[0] == 0x00);
  }
  r.cmd({0x4A, 0x04});
  REQUIRE(r.wait_irq());
  CHECK(r.results()[1] == 0x01);
  CHECK(r.fdc.dump().find("40x1x9") != std::string::npos);
}

TEST_CASE("fdc: SeaBIOS-style boot sector read", "[fdc]") {
  Rig r;
  std::vector<u8> img = image_bytes(k144);
  img[510] = 0x55;
  img[511] = 0xAA;
  r.fdc.insert(0, DiskImage::from_memory(img));
  // floppy_enable_controller: DOR 00h, 0Ch, wait for IRQ 6, one SENSE
  // INTERRUPT STATUS.
  r.out(DOR, 0x00);
  r.out(DOR, 0x0C);
  REQUIRE(r.wait_irq());
  CHECK(r.sense().size() == 2);
  // floppy_drive_recal: motor on, RECALIBRATE, IRQ, SENSE INTERRUPT STATUS.
  r.out(DOR, 0x1C);
  r.cmd({0x07, 0x00});
  REQUIRE(r.wait_irq());
  CHECK(r.sense() == std::vector<u8>{0x20, 0x00});
  // floppy_drive_readid at the 1.44M rate.
  r.out(CCR, 0x00);
  r.cmd({0x4A, 0x00});
  REQUIRE(r.wait_irq());
  CHECK((r.results()[0] & 0xC0) == 0);
  // floppy_read of LBA 0, one sector: DMA mode 46h, READ E6h, EOT = 1.
  r.dma2(0x7C00, 512, true);
  r.cmd({0xE6, 0x00, 0, 0, 1, 2, 1, 0x1B, 0xFF});
  REQUIRE(r.wait_irq());
  // TC at EOT with MT on side 0: H complemented, R = 1; the head select has
  // moved on to side 1, and ST0 says so.
  CHECK(r.results() == std::vector<u8>{0x04, 0x00, 0x00, 0, 1, 1, 2});
  CHECK(r.ram[0x7C00] == pat(0));
  CHECK(r.ram[0x7C00 + 510] == 0x55);
  CHECK(r.ram[0x7C00 + 511] == 0xAA);
  CHECK(!r.irq.level_);
  CHECK(r.fdc.dump().find("82077AA") != std::string::npos);
}

TEST_CASE("fdc: media inserted under a waiting command lets it go on", "[fdc]") {
  Rig r;
  r.init();
  r.dma2(0x8000, 512, true);
  r.cmd({0x46, 0x00, 0, 0, 3, 2, 18, 0x1B, 0xFF});
  r.advance(kPicosPerSecond);
  CHECK(r.in(MSR) == 0x10);
  r.insert144();
  REQUIRE(r.wait_irq());
  CHECK(r.results() == std::vector<u8>{0x00, 0x00, 0x00, 0, 0, 4, 2});
  CHECK(r.ram_has_sector(0x8000, lba144(0, 0, 3)));
  // Ejected while the command waits for its first sector: it waits again.
  r.dma2(0x8000, 512, true);
  r.cmd({0x46, 0x00, 0, 0, 5, 2, 18, 0x1B, 0xFF});
  r.fdc.eject(0);
  r.advance(kPicosPerSecond);
  CHECK(r.in(MSR) == 0x10);
  CHECK(!r.irq.level_);
}

TEST_CASE("fdc: FORMAT TRACK in non-DMA mode takes the IDs through the FIFO", "[fdc]") {
  Rig r;
  r.insert144();
  r.init();
  r.cmd({0x03, 0xAF, 0x03});  // ND
  r.seek(9);
  r.cmd({0x4D, 0x04, 2, 18, 0x6C, 0x6D});  // head 1
  REQUIRE(r.wait_irq());
  for (u8 s = 1; s <= 18; ++s) {
    for (const u8 b : {u8{9}, u8{1}, s, u8{2}}) {
      REQUIRE(r.in(MSR) == 0xB0);
      r.out(FIFO, b);
    }
  }
  CHECK(r.in(MSR) == 0x30);
  REQUIRE(r.wait_irq());
  const auto res = r.results();
  REQUIRE(res.size() == 7);
  CHECK(res[0] == 0x04);
  CHECK(res[1] == 0x00);
  r.cmd({0x03, 0xAF, 0x02});
  r.dma2(0x8000, 512, true);
  r.xfer(0x46, 1, 9, 1, 18, 18);
  for (u32 i = 0; i < 512; ++i) REQUIRE(r.ram[0x8000 + i] == 0x6D);
}
