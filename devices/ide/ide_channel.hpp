// One IDE (parallel ATA) channel: the task-file registers of up to two
// devices (an ATA hard disk or an ATAPI CD-ROM at unit 0 "master" and unit 1
// "slave"), the PIO data port, the Device Control register and INTRQ.
//
// References:
// - ATA/ATAPI-6, T13/1410D (ATA-6): register descriptions (Status,
//   Error, Device, Device Control with nIEN/SRST/HOB, Features, Sector Count,
//   LBA Low/Mid/High and their 48-bit "previous content" FIFO), the
//   transport protocols (PIO data-in, PIO data-out, non-data, PACKET,
//   EXECUTE DEVICE DIAGNOSTIC, DEVICE RESET, software reset), the rules for
//   a device 0 only configuration, and the signatures ("Signature and
//   persistence").
// - ATA/ATAPI-7, T13/1532D, for the same clauses where ATA-6 is terse.
// - Intel 82371SB (PIIX3) datasheet, IDE interface, compatibility mode:
//   primary channel 1F0h-1F7h / 3F6h on IRQ 14, secondary 170h-177h / 376h
//   on IRQ 15. This class does not know which one it is; the machine maps it.
//
// The channel drives the ISA IRQ line as a level: high while the selected
// device has an interrupt pending and nIEN is 0 (the 8259 sees the edge).
//
// What a guest sees on the bus:
// - Writes to the command block registers go to every attached device (both
//   latch them, as on the cable); the Command register is executed only by
//   the selected device (DEV bit), except EXECUTE DEVICE DIAGNOSTIC, which
//   both execute whatever DEV says.
// - Device 0 only (unit 1 absent and selected): the Status, Alternate Status,
//   Error, Sector Count and LBA registers read 00h, the Device register reads
//   back what was written, and commands are ignored. ATA-6 (device 0 only
//   configurations) has device 0 answer Status with 00h and lets it answer
//   the rest with 00h or its own contents; 00h is what SeaBIOS's and Linux's
//   presence probes (write 55h/AAh, read back) need to see "absent". Only
//   the selected device drives INTRQ, so selecting the absent unit releases
//   the line. (The same holds with unit 0 absent and unit 1 present.)
// - Registers read their contents while BSY is set (ATA-6 makes them
//   invalid then, so any value is allowed); writes are latched whenever they
//   come, but a Command write while BSY is ignored (except DEVICE RESET to a
//   packet device) and one while a DRQ block is pending abandons it.
// - A channel with no device at all reads FFh everywhere (a floating bus, the
//   same as if the ports were not mapped) and ignores writes.
// - The data register moves 16 bits per access; a 32-bit access moves two
//   words (low word first); an 8-bit access moves one word and returns its
//   low byte (the high byte is lost, as with an 8-bit host cycle on a 16-bit
//   device). Other registers are 8 bits: wider accesses to them are decoded
//   byte by byte on consecutive ports (ISA split); bytes that fall on ports
//   this channel does not own read FFh and are dropped on write.
// - Reads of the data register with no DRQ block pending return FFFFh.
// - Timing (DeviceTiming, set_timing): by default, as QEMU and Bochs, a
//   data-out block (WRITE SECTORS and its siblings, the ATAPI packet, MODE
//   SELECT data) and IDENTIFY data are ready within the command write, so a
//   host writing without waiting for DRQ (xv6) loses nothing; other phases
//   keep their BSY delay (QEMU's reads complete asynchronously too). Under
//   Datasheet every DRQ block follows a BSY delay, as on a drive.
//
// Not modelled: DMA (multiword or Ultra; no bus-master interface, and the
// devices do not advertise any DMA mode), overlapped/queued commands, the
// PDIAG-/DASP- handshake timing, power-up spin-up time, cable detection.
#pragma once
#include <array>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "devices/device_timing.hpp"
#include "devices/disk_image.hpp"
#include "devices/irq.hpp"
#include "devices/scheduler.hpp"
#include "mmu/io_map.hpp"

namespace gb {

class IdeChannel;

namespace ide {

// Status register (ATA-6 "Status register").
inline constexpr u8 kStatusBsy = 0x80;
inline constexpr u8 kStatusDrdy = 0x40;
inline constexpr u8 kStatusDf = 0x20;
inline constexpr u8 kStatusDsc = 0x10;  ///< obsolete in ATA-6; set at rest by ATA disks
inline constexpr u8 kStatusDrq = 0x08;
inline constexpr u8 kStatusCorr = 0x04;
inline constexpr u8 kStatusErr = 0x01;

// Error register (ATA-6 "Error register").
inline constexpr u8 kErrorUnc = 0x40;
inline constexpr u8 kErrorIdnf = 0x10;
inline constexpr u8 kErrorAbrt = 0x04;

// Device register.
inline constexpr u8 kDeviceLba = 0x40;
inline constexpr u8 kDeviceDev = 0x10;

// Device Control register.
inline constexpr u8 kControlHob = 0x80;
inline constexpr u8 kControlSrst = 0x04;
inline constexpr u8 kControlNien = 0x02;

/// One microsecond of virtual time, in picoseconds.
inline constexpr Picos kMicrosecond = kPicosPerSecond / 1'000'000;

}  // namespace ide

/// A device on an IdeChannel: its task-file registers and the PIO protocol
/// engine (BSY for a virtual-time delay, then a DRQ data block or command
/// completion, with INTRQ) that AtaDisk and AtapiCdrom build on. Internal
/// to the IDE model: the machine uses IdeChannel only.
class IdeDevice {
 public:
  /// A Sector Count / LBA / Features register: ATA-6 makes each a two-deep
  /// FIFO for 48-bit commands (host writes push the previous value into
  /// `prev`, which reads return while Device Control HOB is 1).
  struct Reg {
    u8 cur = 0;
    u8 prev = 0;
    void host_write(u8 v) {
      prev = cur;
      cur = v;
    }
  };

  virtual ~IdeDevice() = default;
  IdeDevice(const IdeDevice&) = delete;
  IdeDevice& operator=(const IdeDevice&) = delete;

  virtual bool is_atapi() const = 0;
  /// One line describing the device and its state, without side effects.
  virtual std::string dump() const;
  /// Flushes the medium; false on a host error.
  virtual bool flush() = 0;

  // ---- channel side ----
  Reg features, count, lba_low, lba_mid, lba_high;
  u8 error = 0;
  u8 status() const { return status_; }
  bool intrq() const { return intrq_; }
  void clear_intrq() { intrq_ = false; }

  /// The Command register was written with this device selected.
  void host_command(u8 cmd);
  /// One word of the data register (FFFFh / ignored without a DRQ block).
  u16 host_read_data();
  void host_write_data(u16 v);
  /// Counts finished DRQ blocks, so a 32-bit access can stop at a block end.
  u32 block_serial() const { return block_serial_; }

  /// SRST went to 1: BSY, everything in progress is abandoned.
  void srst_assert();
  /// SRST went back to 0: the reset completes `delay` ps later (signature).
  void srst_release(Picos delay);
  /// EXECUTE DEVICE DIAGNOSTIC: completes `delay` ps later with the
  /// signature and diagnostic code 01h; posts an interrupt if `post_irq`.
  void diagnose(Picos delay, bool post_irq);
  /// Hardware reset / power-on: immediate, restores power-on settings.
  void power_on();
  /// The device's BSY delay elapsed (called by the channel's timer).
  void timer_fired();

 protected:
  IdeDevice(IdeChannel& ch, unsigned unit, Timer& timer);

  /// Starts a new command; BSY is set, the interrupt and Error cleared.
  virtual void execute(u8 cmd) = 0;
  /// The host has moved the whole current DRQ block (Status shows BSY).
  virtual void block_done() = 0;
  /// Loads the signature (Sector Count, LBA Low/Mid/High) after a reset or
  /// diagnostic; `hardware` for power-on/RESET-, which also restores the
  /// power-on defaults of the settings.
  virtual void reset_state(bool hardware) = 0;
  /// Status bits at rest: DRDY|DSC for a disk, DRDY for a packet device.
  virtual u8 ready_bits() const = 0;
  /// Status after a reset or diagnostic (ATA-6 signatures: 50h for a disk,
  /// 00h for a packet device).
  virtual u8 reset_status() const = 0;
  /// Accepts a command while BSY (DEVICE RESET on a packet device).
  virtual bool accepts_while_busy(u8 cmd) const { return (void)cmd, false; }

  // ---- protocol helpers for the subclasses ----
  /// `buf_[0, bytes)` holds a data-in block: after `delay`, BSY clears, DRQ
  /// sets and (if `irq`) an interrupt is posted. An odd length is padded
  /// to whole words.
  void data_in(std::size_t bytes, Picos delay, bool irq = true);
  /// Asks for a data-out block of `bytes` into `buf_` after `delay` (at
  /// once under DeviceTiming::Qemu: see data_out()).
  void data_out(std::size_t bytes, Picos delay, bool irq);
  /// The IDENTIFY (PACKET) DEVICE data in `buf_[0, 512)`: data_in() after
  /// `delay`, or at once under DeviceTiming::Qemu.
  void identify_data_in(Picos delay);
  /// Completes the command after `delay` with Status at rest and an
  /// interrupt (ATA-6 non-data protocol and the end of PIO data-out).
  void complete(Picos delay);
  /// Completes with ERR and `err` in the Error register, and an interrupt.
  void complete_error(u8 err, Picos delay);
  /// Ends a PIO data-in command after its last block: no BSY, no interrupt.
  void go_idle();
  /// Runs the device-reset protocol (ATA-6 DEVICE RESET): BSY for `delay`,
  /// then the signature; no interrupt.
  void device_reset(Picos delay);

  /// The channel's Device register (shared: both devices latch it).
  u8 device_reg() const;
  void set_device_reg(u8 v);
  unsigned unit() const { return unit_; }
  /// Whether the other unit on the channel has a device.
  bool other_present() const;

  /// IDENTIFY data helpers (ATA-6 "IDENTIFY DEVICE"): word `w` of `id`.
  static void put_word(std::span<u8> id, unsigned w, u16 v);
  /// An ATA string: two characters per word, the first in bits 15-8,
  /// padded with spaces.
  static void put_string(std::span<u8> id, unsigned first_word, unsigned words, std::string_view s);
  /// Word 255: signature A5h and the checksum byte making the 512 bytes sum
  /// to 0 mod 256.
  static void put_checksum(std::span<u8> id);
  /// Word 93 (hardware reset results) as this unit reports it.
  u16 reset_result_word() const;
  /// The serial number string for this channel/unit ("GB0000000n").
  std::string serial() const;

  std::vector<u8> buf_;  ///< the current DRQ block

 private:
  enum class Next : u8 { None, DataIn, DataOut, Complete, Reset, Diagnose };
  void schedule(Next next, Picos delay, bool irq);
  void apply_next();
  void end_block();
  void post_irq();
  void finish_reset();

  IdeChannel& ch_;
  unsigned unit_;
  Timer& timer_;
  u8 status_ = 0;
  bool intrq_ = false;
  Next next_ = Next::None;
  bool next_irq_ = false;
  u8 next_error_ = 0;
  bool in_srst_ = false;
  enum class Dir : u8 { None, In, Out };
  Dir dir_ = Dir::None;  ///< direction of the DRQ block (DRQ=1 only then)
  std::size_t pos_ = 0;  ///< bytes moved in the current block
  std::size_t len_ = 0;  ///< block length, a whole number of words
  u32 block_serial_ = 0;
};

/// An IDE channel with up to two devices.
class IdeChannel final : public IoHandler, public Timer::Client {
 public:
  /// `command_base`: the first of the eight command block ports (1F0h or
  /// 170h in compatibility mode); `control_port`: Alternate Status / Device
  /// Control (3F6h or 376h). `irq`: the channel's ISA interrupt (14 or 15).
  IdeChannel(Scheduler& sched, IrqLine irq, u16 command_base, u16 control_port);
  ~IdeChannel() override;
  IdeChannel(const IdeChannel&) = delete;
  IdeChannel& operator=(const IdeChannel&) = delete;

  /// Attaches an ATA hard disk of image->size() / 512 sectors at `unit`
  /// (0 master, 1 slave), replacing what was there. Throws
  /// std::invalid_argument for a unit > 1, a null image or an image smaller
  /// than one sector.
  void attach_disk(unsigned unit, std::unique_ptr<DiskImage> image);
  /// Attaches an ATAPI CD-ROM drive (2048-byte sectors) at `unit`. `image`
  /// may be null: an empty drive. If a CD-ROM drive is already there, this
  /// changes its medium instead (ejects the old one; a new one raises a
  /// UNIT ATTENTION, "medium may have changed"). Throws
  /// std::invalid_argument for a unit > 1.
  void attach_cdrom(unsigned unit, std::unique_ptr<DiskImage> image);
  /// Whether a device (of either kind) is attached at `unit`.
  bool present(unsigned unit) const;

  /// Hardware reset (RESET-): both devices return to their power-on state,
  /// Device Control and the Device register to 00h.
  void reset();

  u32 io_read(u16 port, Width w) override;
  void io_write(u16 port, u32 value, Width w) override;
  Width io_max_width() const override { return Width::Dword; }
  void on_timer(Timer& t) override;

  /// The channel's registers and both units, without side effects.
  std::string dump() const;
  /// Flushes every attached image to stable storage (DiskImage::flush).
  void flush();
  /// The level driven on the IRQ line now.
  bool irq_level() const { return irq_level_; }
  /// DeviceTiming::Qemu (the default): PIO data-out blocks (WRITE SECTORS
  /// and its siblings, the ATAPI packet and its data-out) and IDENTIFY data
  /// are ready at once; Datasheet: BSY for the command delay first.
  void set_timing(DeviceTiming t) { timing_ = t; }
  DeviceTiming timing() const { return timing_; }

  /// Software reset: BSY from SRST=1 until this long after SRST=0.
  static constexpr Picos kResetDelay = 10 * ide::kMicrosecond;
  /// EXECUTE DEVICE DIAGNOSTIC duration.
  static constexpr Picos kDiagnosticDelay = 10 * ide::kMicrosecond;

 private:
  friend class IdeDevice;
  IdeDevice* selected() const { return units_[(device_reg_ & ide::kDeviceDev) ? 1 : 0].get(); }
  bool any_present() const { return units_[0] || units_[1]; }
  u8 read_reg(unsigned reg);
  void write_reg(unsigned reg, u8 v);
  u8 read_byte(u16 port);
  void write_byte(u16 port, u8 v);
  u16 read_data16();
  void write_data16(u16 v);
  void write_control(u8 v);
  void write_command(u8 cmd);
  void update_irq();
  Timer& timer_for(unsigned unit) { return unit ? timer1_ : timer0_; }
  void replace(unsigned unit, std::unique_ptr<IdeDevice> dev);

  IrqLine irq_;
  u16 base_;
  u16 control_;
  Timer timer0_;
  Timer timer1_;
  std::array<std::unique_ptr<IdeDevice>, 2> units_;
  u8 device_reg_ = 0;   ///< Device register as last written (both units latch it)
  u8 control_reg_ = 0;  ///< Device Control as last written
  bool irq_level_ = false;
  DeviceTiming timing_ = DeviceTiming::Qemu;
};

}  // namespace gb
