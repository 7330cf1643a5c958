// Intel 82077AA floppy disk controller in PC/AT mode (IDENT high), with two
// 3.5/5.25-inch drive mechanisms whose media are raw image files.
//
// Reference: Intel 82077AA "CHMOS Single-Chip Floppy Disk Controller"
// datasheet (order number 290166-007, May 1994): 2.1 "Status, Data and
// Control Registers" (DOR, TDR, MSR, DSR, FIFO, DIR, CCR in PC/AT mode), 4.0
// "Controller Phases" (command, execution in DMA and non-DMA mode, result),
// Table 5-1 "Command Set", 5.1 "Data Transfer Commands" (READ DATA, READ
// DELETED DATA, READ TRACK, WRITE DATA, WRITE DELETED DATA, VERIFY, FORMAT
// TRACK; the result-phase C/H/R/N table; the SK/CM table), 5.2 "Control
// Commands" (READ ID, RECALIBRATE, SEEK, SENSE INTERRUPT STATUS with Table
// 5-9, SENSE DRIVE STATUS, SPECIFY, CONFIGURE, VERSION, RELATIVE SEEK,
// DUMPREG, PERPENDICULAR MODE, LOCK), Tables 5-2..5-5 (ST0-ST3), 7.4 "Drive
// Polling" and 8.1 "Command/Result Phase Handshake". PC wiring: IBM PC AT
// Technical Reference, "Diskette Drive Adapter": ports 3F2h (DOR), 3F4h/3F5h,
// 3F7h (DIR/CCR), IRQ 6, DMA channel 2 (DACK2 and TC), DOR bit 3 gating INT
// and DRQ.
//
// Behaviour worth knowing (each detailed where it is implemented):
// - Media: image sizes 160K/180K/320K/360K/720K/1.2M/1.44M/2.88M, 512-byte
//   sectors whose ID fields are (cylinder, head, 1..SPT, N=2), MFM only. A
//   sector is found only at the media's data rate (the DSR/CCR DRATESEL);
//   5.25-inch double-density media reads at 250 or 300 kb/s (a 300 rpm
//   drive, or a 360 rpm 1.2M drive, the rate SeaBIOS's type-1 table uses).
// - Physical signals (step, read/write, TRK0, WP, DSKCHG) go to the drive
//   selected in the DOR; the command's DS bits only pick the PCN and fill
//   ST0 (Table 5-1 note: they "are not reflected in the Drive Select pins").
// - A command that must find a sector on a drive with no media, a stopped
//   motor, or no mechanism (drives 2-3) never sees an index pulse and stays in
//   its execution phase until a reset (8.1: "the controller would fail to
//   receive the index pulse and lock-up"); the PC BIOS times out (status
//   80h). A sector that is not on the track terminates with ND (or MA when the
//   track has no ID fields at all) after two index pulses (two revolutions).
// - Data moves in DMA mode through DMA channel 2 when DOR bit 3 is set and
//   SPECIFY's ND bit is clear; the DMA's TC ends multi-sector transfers
//   (normal termination). Without TC a transfer stops after sector EOT (of
//   head 1 with MT) with ST0 abnormal and ST1 EN, as a PIO transfer always
//   does. Non-DMA (PIO) mode moves the bytes through the FIFO with MSR RQM,
//   DIO and NDMA: INT rises once when the data phase starts and the first
//   data register access clears it; the bytes of every sector then follow
//   back to back (the host is taken to keep pace with the disk, so there is
//   no interrupt per byte), and the result phase comes kPioEndDelay after
//   the last one.
// - Timing is virtual time: the work is done at once, but the execution
//   phase lasts kCommandDelay (plus seek time for implied seeks) before the
//   data moves, kSectorTime per sector before the result phase, two
//   revolutions for a sector that is not found, one revolution for FORMAT
//   TRACK; SEEK/RECALIBRATE take steps x step rate (SRT), capped at kSeekCap.
//
// Not modelled: SCAN EQUAL/LOW OR EQUAL/HIGH OR EQUAL (invalid commands
// here), the FIFO threshold and DMA burst timing (CONFIGURE's EFIFO/FIFOTHR
// and PRETRK, PERPENDICULAR MODE, DSR precompensation and power-down are
// stored and reported only), overrun timing in non-DMA mode (the controller
// waits for the host), head load/unload times (HLT/HUT), motor spin-up, CRC
// errors (a host read error of the image reports ST1 DE), deleted data
// address marks (WRITE DELETED DATA writes normal data), FM recording, and
// sector IDs other than the image's own layout (FORMAT TRACK writes the fill
// byte into the image sectors its IDs name; IDs the image cannot hold are
// dropped). SRA/SRB exist only in PS/2 mode and read FFh here.
#pragma once
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "devices/disk_image.hpp"
#include "devices/dma8237.hpp"
#include "devices/irq.hpp"
#include "devices/scheduler.hpp"
#include "mmu/io_map.hpp"

namespace gb {

class Fdc82077 final : public IoHandler, public Timer::Client {
 public:
  /// Drives with a mechanism (0 and 1); drive selects 2-3 reach nothing.
  static constexpr unsigned kDrives = 2;
  static constexpr u32 kSectorBytes = 512;
  /// The DMA channel the PC wires to the controller's DRQ/DACK.
  static constexpr unsigned kDmaChannel = 2;
  /// Execution-phase start for data commands and READ ID, the reset polling
  /// interrupt, and the shortest SEEK/RECALIBRATE (ps).
  static constexpr Picos kCommandDelay = 50'000'000;
  /// Per sector moved, before the result phase (ps).
  static constexpr Picos kSectorTime = 100'000'000;
  /// Upper bound of a seek's virtual duration (ps).
  static constexpr Picos kSeekCap = 3'000'000'000;
  /// From the last non-DMA data byte to the result phase (ps).
  static constexpr Picos kPioEndDelay = 20'000'000;

  /// `irq6` is the INT output (active while an interrupt condition is
  /// pending and DOR bit 3 is set); `dma` carries DRQ2/DACK2/TC. The
  /// controller starts in its power-on state (see reset()) with no media.
  Fdc82077(Scheduler& sched, IrqLine irq6, Dma8237Pair& dma);

  /// The registers by the low three port bits: 0 SRA, 1 SRB, 2 DOR, 3 TDR,
  /// 4 MSR (read) / DSR (write), 5 FIFO, 7 DIR (read) / CCR (write). Offset
  /// 6 (the IDE control port on a PC) reads FFh and ignores writes.
  u32 io_read(u16 port, Width w) override;
  void io_write(u16 port, u32 value, Width w) override;
  void on_timer(Timer& t) override;

  /// Inserts `image` into drive 0 or 1 (replacing any media) and sets the
  /// drive's disk change line. The geometry follows the size: 160K 40x1x8,
  /// 180K 40x1x9, 320K 40x2x8, 360K 40x2x9, 720K 80x2x9, 1.2M 80x2x15,
  /// 1.44M 80x2x18, 2.88M 80x2x36 (cylinders x heads x sectors of 512
  /// bytes). A read-only image is write-protected. Throws
  /// std::invalid_argument for a null image, a drive other than 0-1, or any
  /// other size ("PATH: N bytes is not a floppy image size (...)").
  void insert(unsigned drive, std::unique_ptr<DiskImage> image);
  /// Removes the media (no-op if none) and sets the disk change line.
  /// Throws std::invalid_argument for a drive other than 0-1.
  void eject(unsigned drive);
  bool has_media(unsigned drive) const;
  /// The CMOS byte 10h nibble for the drive, following its media: 0 none,
  /// 1 360K (for 160K-360K media), 2 1.2M, 3 720K, 4 1.44M, 5 2.88M.
  u8 cmos_drive_type(unsigned drive) const;

  /// Hardware reset (RESET pin): every register to its default, DOR 00h (the
  /// controller then stays in reset until DOR bit 2 is written 1), PCNs 0,
  /// data rate 250 kb/s, pending interrupts and commands dropped. Media,
  /// head positions and disk change lines belong to the drives and stay.
  void reset();
  /// Registers, phase and drives, side-effect free (for a debugger).
  std::string dump() const;
  /// The INT pin as driven onto IRQ 6 now.
  bool irq_level() const { return irq_level_; }

 private:
  enum class Phase : u8 { Idle, Command, Execution, Result };
  enum class Op : u8 { None, Read, ReadDeleted, ReadTrack, Write, WriteDeleted, Verify, Format, ReadId };
  enum class Action : u8 { None, ResetPoll, StartData, Result };
  enum class Find : u8 { Found, NotFound, NoTrack };

  struct Geometry {
    u16 cylinders = 0;
    u8 heads = 0;
    u8 sectors = 0;
    u8 rates = 0;   ///< bit n set: DRATESEL n reads this media
    u8 cmos = 0;
    Picos revolution = 0;  ///< ps per turn (300 or 360 rpm)
  };

  struct Drive {
    std::unique_ptr<DiskImage> image;
    Geometry geo;
    u8 cyl = 0;          ///< physical head position
    bool changed = true; ///< DSKCHG latch: set at power-on, eject, insert
  };

  /// The data command in progress.
  struct Xfer {
    Op op = Op::None;
    u8 ds = 0;   ///< command DS1-DS0: PCN index and ST0
    u8 unit = 0; ///< the DOR-selected drive at the command's start
    u8 hds = 0;  ///< head select
    u8 c = 0, h = 0, r = 0, n = 0, eot = 0, gpl = 0, dtl = 0;
    bool mt = false, mfm = false, sk = false, ec = false;
    u8 sc_left = 0;           ///< VERIFY with EC: sectors still to verify
    unsigned track_index = 0; ///< READ TRACK: sectors since the index
    u8 fmt_n = 0, fmt_sc = 0, fmt_fill = 0, fmt_done = 0;
    u8 sector = 0;            ///< physical sector (its ID's R) located
    u8 st0 = 0, st1 = 0, st2 = 0;
    unsigned sectors = 0;     ///< sectors moved (timing)
    bool pio = false;
    bool pio_active = false;  ///< non-DMA data bytes are being exchanged
    std::array<u8, kSectorBytes> buf{};
    unsigned pos = 0;         ///< bytes of buf exchanged with the host
    unsigned len = 0;         ///< bytes of buf in play
    std::array<u8, 4> id{};   ///< FORMAT TRACK: C, H, R, N of the sector
  };

  static bool geometry_for(u64 bytes, Geometry* g);
  static void check_drive(unsigned drive, const char* what);
  static unsigned last_track(const Drive& d);
  static unsigned command_length(u8 opcode);

  // Registers and phases.
  u8 msr() const;
  u8 dir() const;
  void write_dor(u8 v);
  void write_dsr(u8 v);
  u8 read_fifo();
  void write_fifo(u8 v);
  void soft_reset_begin();
  void soft_reset_end();
  void update_irq();
  void set_result(std::vector<u8> bytes, bool interrupt);
  void finish_idle();
  void execute();
  void arm(Action a, Picos delay);

  // Control commands.
  void cmd_invalid();
  void cmd_specify();
  void cmd_sense_drive_status();
  void cmd_recalibrate();
  void cmd_seek(bool relative);
  void seek_complete(unsigned ds, u8 st0);
  void cmd_sense_interrupt();
  void cmd_version();
  void cmd_dumpreg();
  void cmd_configure();
  void cmd_lock();
  void cmd_perpendicular();

  // Drives and seeks.
  Drive* phys_drive();
  const Drive* phys_drive() const;
  bool spinning() const;
  void move_head(Drive* d, int steps);
  Picos step_time() const;
  Picos seek_time(unsigned steps) const;
  Picos revolution() const;

  // The data engine.
  void begin_data_command(Op op);
  Drive* xfer_drive();
  bool track_readable();
  Find locate();
  bool seek_sector();
  u64 image_offset() const;
  bool step_position();
  bool next_sector(bool* normal_end);
  void terminate(u8 ic, Picos extra);
  void enter_result();
  void start_data();
  bool settle_deleted();
  void run_dma();
  bool transfer_sector_dma(bool* tc);
  bool pio_load_sector();
  void pio_sector_done();
  void format_sector();
  void read_id();

  Scheduler& sched_;
  IrqLine irq_;
  Dma8237Pair& dma_;
  Timer timer_;
  Timer seek_timer_;

  std::array<Drive, kDrives> drives_{};

  // Registers.
  u8 dor_ = 0;
  u8 tdr_ = 0;
  u8 rate_ = 2;     ///< DRATESEL (DSR/CCR bits 1-0)
  u8 precomp_ = 0;  ///< DSR bits 6-2 as written
  u8 srt_ = 0, hut_ = 0, hlt_ = 0;
  bool nd_ = false;  ///< SPECIFY ND: non-DMA mode
  bool eis_ = false, efifo_ = true, poll_disabled_ = false;
  u8 fifothr_ = 0, pretrk_ = 0;
  bool lock_ = false;
  u8 perp_ = 0;     ///< PERPENDICULAR MODE: D3-D0 << 2 | GAP << 1 | WGATE
  u8 sc_eot_ = 0;   ///< DUMPREG byte 7
  std::array<u8, 4> pcn_{};

  // Phases.
  Phase phase_ = Phase::Idle;
  bool in_reset_ = true;
  bool hung_ = false;  ///< execution waits for an index pulse that never comes
  std::vector<u8> cmd_;
  unsigned cmd_len_ = 0;
  std::vector<u8> result_;
  unsigned result_pos_ = 0;
  Xfer x_;
  Action action_ = Action::None;

  // Interrupts: Table 5-9 sources and the result phase.
  struct Sense {
    u8 st0 = 0;
    u8 drive = 0;
  };
  std::vector<Sense> polls_;   ///< reset polling statuses still to sense
  std::vector<Sense> senses_;  ///< completed seeks/recalibrates, in order
  std::array<Picos, 4> seek_due_{};   ///< kNever when no seek in progress
  std::array<u8, 4> seek_st0_{};
  u8 busy_ = 0;  ///< MSR D3B-D0B
  bool int_result_ = false;
  bool int_sense_ = false;
  bool int_pio_ = false;
  bool irq_level_ = false;
};

}  // namespace gb
