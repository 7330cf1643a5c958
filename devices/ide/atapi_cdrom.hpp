// An ATAPI CD-ROM drive on an IdeChannel: the PACKET command feature set of
// ATA/ATAPI-6 (T13/1410D) carrying the packet commands of SFF-8020i rev 2.6
// (ATA Packet Interface for CD-ROMs) and MMC-2 (NCITS 333), backed by a raw
// image of 2048-byte (Mode 1 / ISO 9660) sectors, one data track.
//
// ATA commands: IDENTIFY PACKET DEVICE (A1h), PACKET (A0h, PIO only: the DMA
// bit aborts), DEVICE RESET (08h, accepted while BSY), EXECUTE DEVICE
// DIAGNOSTIC (through the channel), SET FEATURES (EFh), CHECK POWER MODE,
// IDLE/STANDBY/SLEEP, NOP (aborts). IDENTIFY DEVICE and READ SECTORS abort
// with the packet signature in the registers, so drivers probing with them
// find the drive. Anything else aborts.
//
// Packet commands: TEST UNIT READY, REQUEST SENSE (fixed format, 18 bytes),
// INQUIRY, READ CAPACITY, READ(10), READ(12), READ CD (user data only),
// READ TOC/PMA/ATIP (formats 0, 1 and 2), READ SUB-CHANNEL, READ DISC
// INFORMATION, MODE SENSE(6)/(10) (pages 01h, 2Ah, 3Fh), MODE SELECT(6)/(10)
// (parameters accepted and ignored), START STOP UNIT (eject/load),
// PREVENT ALLOW MEDIUM REMOVAL, GET CONFIGURATION (profile list, core,
// removable medium), GET EVENT STATUS NOTIFICATION (polled, media class),
// SET CD SPEED, SEEK(10). Others end in CHECK CONDITION, ILLEGAL REQUEST /
// INVALID COMMAND OPERATION CODE (05h/20h/00h).
//
// Data moves in DRQ blocks of at most the byte count limit the host put in
// LBA Mid/High with the PACKET command (an odd limit is used as the even
// value below it; 0, which ATA-6 leaves indeterminate, is taken as FFFEh);
// a medium read sends whole 2048-byte sectors per block when the limit
// allows. Errors end with Status ERR and the sense key in Error bits 7-4.
//
// Not modelled: audio (PLAY, the audio status), multi-track or mixed-mode
// discs, raw/Mode 2 sectors, DMA, the power-on UNIT ATTENTION (29h; a disc
// present at power-on reports none), overlapped commands, spin-up time.
#pragma once
#include <memory>
#include <vector>

#include "devices/ide/ide_channel.hpp"

namespace gb {

class AtapiCdrom final : public IdeDevice {
 public:
  static constexpr u32 kSectorBytes = 2048;
  /// BSY time after PACKET before the packet's DRQ (the drive advertises
  /// "DRQ within 50 us", IDENTIFY PACKET DEVICE word 0 bits 6-5 = 10b).
  static constexpr Picos kPacketDelay = 1 * ide::kMicrosecond;
  /// BSY time for a command, before each data block and before completion.
  static constexpr Picos kCommandDelay = 2 * ide::kMicrosecond;

  /// `image` may be null: no disc.
  AtapiCdrom(IdeChannel& ch, unsigned unit, Timer& timer, std::unique_ptr<DiskImage> image);

  bool is_atapi() const override { return true; }
  std::string dump() const override;
  bool flush() override;

  /// Host side: replaces the disc (null = eject). A new disc raises a UNIT
  /// ATTENTION (06h/28h/00h) reported once, and a media event.
  void change_medium(std::unique_ptr<DiskImage> image);
  /// Whether a disc is loaded (present and the tray closed).
  bool medium_present() const { return image_ && !tray_open_; }
  /// Capacity of the loaded disc in 2048-byte sectors (0 without one).
  u32 capacity() const;

 private:
  enum class Phase : u8 { Idle, Packet, DataIn, DataOut };

  void execute(u8 cmd) override;
  void block_done() override;
  void reset_state(bool hardware) override;
  u8 ready_bits() const override { return ide::kStatusDrdy; }
  u8 reset_status() const override { return 0; }
  bool accepts_while_busy(u8 cmd) const override { return cmd == 0x08; }

  void identify_packet();
  void abort_with_signature();
  void set_signature();
  void run_packet();

  // Packet command outcomes.
  void good();
  void check(u8 key, u8 asc, u8 ascq);
  /// Sends `data` (cut to `alloc` bytes) in the data-in phase, then GOOD.
  void reply(std::vector<u8> data, u32 alloc);
  /// Reads `sectors` 2048-byte sectors from `lba` in the data-in phase.
  void read_sectors(u32 lba, u32 sectors);
  /// Takes (and ignores) `bytes` of parameter data, then GOOD.
  void receive(u32 bytes);
  void next_in_block();
  void finish_status(bool error);
  u32 block_limit(bool media) const;

  // Individual packet commands (CDB in buf_).
  void cmd_request_sense(const u8* cdb);
  void cmd_inquiry(const u8* cdb);
  void cmd_read_capacity();
  void cmd_read_toc(const u8* cdb);
  void cmd_mode_sense(const u8* cdb, bool ten);
  void cmd_start_stop(const u8* cdb);
  void cmd_get_configuration(const u8* cdb);
  void cmd_event_status(const u8* cdb);
  void cmd_disc_info(const u8* cdb);
  void cmd_read_subchannel(const u8* cdb);
  void cmd_read_cd(const u8* cdb);

  std::unique_ptr<DiskImage> image_;
  bool tray_open_ = false;    ///< ejected by START STOP UNIT
  bool unit_attention_ = false;
  bool locked_ = false;       ///< PREVENT ALLOW MEDIUM REMOVAL
  u8 media_event_ = 0;        ///< pending GESN media event code (0 = none)
  u16 read_speed_ = 0xFFFF;   ///< SET CD SPEED, kB/s (FFFFh = maximum)
  bool power_standby_ = false;
  u8 sense_key_ = 0, asc_ = 0, ascq_ = 0;

  Phase phase_ = Phase::Idle;
  u32 limit_ = 0;           ///< byte count limit of the PACKET command
  std::vector<u8> reply_;   ///< data-in from memory
  std::size_t reply_pos_ = 0;
  bool media_read_ = false; ///< data-in from the disc
  u64 read_offset_ = 0;     ///< next byte of the disc to send
  u64 left_ = 0;            ///< bytes of the data phase still to move
  std::size_t block_bytes_ = 0;  ///< bytes of the current DRQ block
  u8 last_opcode_ = 0;
};

}  // namespace gb
