// An ATA hard disk (ATA/ATAPI-6, T13/1410D) on an IdeChannel, backed by a
// raw image of 512-byte sectors.
//
// Commands (ATA-6 clause 8): IDENTIFY DEVICE; READ SECTORS (20h/21h),
// READ SECTORS EXT (24h), READ MULTIPLE (C4h) / EXT (29h); WRITE SECTORS
// (30h/31h) / EXT (34h), WRITE MULTIPLE (C5h) / EXT (39h); SET MULTIPLE
// MODE (C6h); READ VERIFY SECTORS (40h/41h) / EXT (42h); INITIALIZE DEVICE
// PARAMETERS (91h); RECALIBRATE (1xh); SEEK (7xh); SET FEATURES (EFh:
// transfer mode PIO only, write cache, read look-ahead, revert to
// defaults); FLUSH CACHE (E7h) / EXT (EAh); EXECUTE DEVICE DIAGNOSTIC (90h,
// through the channel); CHECK POWER MODE (E5h/98h); IDLE / STANDBY
// (immediate or with a timer: E0h-E3h, 94h-97h) and SLEEP (E6h/99h, taken
// as standby); READ NATIVE MAX ADDRESS (F8h) / EXT (27h). NOP, DEVICE RESET,
// PACKET, IDENTIFY PACKET DEVICE, the DMA commands and anything else abort
// (ERR, Error ABRT).
//
// Addressing: CHS through the current translation (INITIALIZE DEVICE
// PARAMETERS; default 16 heads, 63 sectors, cylinders = sectors / 1008 up to
// 16383), LBA28, and LBA48 from the HOB FIFO. Sector Count 0 means 256
// (65536 for the EXT commands). A range that passes the last sector is
// refused before any transfer with ERR and Error IDNF; after a transfer the
// LBA registers hold the address of the last sector moved (ATA-1 to -5
// behaviour; "na" in ATA-6). An image read failure ends the command with
// Error UNC; a write the image refuses (read-only) or fails with ABRT (ATA-6
// has no write-error bit for fixed media; UNC is defined for reads only).
//
// Writes reach the image as each DRQ block completes, so the write cache
// setting only changes what IDENTIFY word 85 reports. Not modelled: DMA,
// Security, SMART, HPA (READ NATIVE MAX answers but SET MAX does not exist
// and the feature set is not advertised), power-up in standby, seek times.
#pragma once
#include <memory>

#include "devices/ide/ide_channel.hpp"

namespace gb {

class AtaDisk final : public IdeDevice {
 public:
  static constexpr u32 kSectorBytes = 512;
  /// Largest READ/WRITE MULTIPLE block (IDENTIFY word 47).
  static constexpr unsigned kMaxMultiple = 16;
  /// BSY time from a command to its first DRQ block or its completion.
  static constexpr Picos kCommandDelay = 2 * ide::kMicrosecond;
  /// BSY time between two DRQ blocks, and after the last data-out block.
  static constexpr Picos kBlockDelay = 2 * ide::kMicrosecond;

  /// `image` must hold at least one sector (the channel checks).
  AtaDisk(IdeChannel& ch, unsigned unit, Timer& timer, std::unique_ptr<DiskImage> image);

  bool is_atapi() const override { return false; }
  std::string dump() const override;
  bool flush() override;

  u64 sectors() const { return sectors_; }

 private:
  void execute(u8 cmd) override;
  void block_done() override;
  void reset_state(bool hardware) override;
  u8 ready_bits() const override { return ide::kStatusDrdy | ide::kStatusDsc; }
  u8 reset_status() const override { return ide::kStatusDrdy | ide::kStatusDsc; }

  void identify();
  /// Decodes the starting address of a command; false if CHS is invalid.
  bool decode_address(bool ext, u64& lba) const;
  /// Writes `lba` back to the address registers in the command's format.
  void set_address(u64 lba, bool ext, bool chs);
  void start_transfer(bool write, bool ext, bool multiple);
  void next_read_block(Picos delay);
  void verify(bool ext);
  void seek();
  void set_features();
  void init_device_parameters();
  void set_multiple();
  void read_native_max(bool ext);

  std::unique_ptr<DiskImage> image_;
  u64 sectors_ = 0;
  // Default CHS geometry (IDENTIFY words 1, 3, 6) and the current
  // translation (words 54-56).
  u16 cyls_ = 0, heads_ = 16, spt_ = 63;
  u16 cur_cyls_ = 0, cur_heads_ = 16, cur_spt_ = 63;
  u8 multiple_ = 0;  ///< READ/WRITE MULTIPLE block size; 0 = disabled
  bool write_cache_ = true;
  bool look_ahead_ = true;
  bool standby_ = false;

  // The PIO transfer in progress.
  bool writing_ = false;
  bool ext_ = false;
  bool chs_ = false;
  u64 lba_ = 0;         ///< next sector to move
  u32 left_ = 0;        ///< sectors still to move
  unsigned block_ = 1;  ///< sectors per DRQ block
  unsigned in_block_ = 0;  ///< sectors in the current DRQ block
};

}  // namespace gb
