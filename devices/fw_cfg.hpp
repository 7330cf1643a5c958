// QEMU's firmware configuration device (fw_cfg), its x86 I/O interface
// (QEMU docs/specs/fw_cfg.rst): a 16-bit selector at 510h picks an item,
// each read of the data port 511h returns its next byte (00h past the end).
// Items are blobs under fixed keys (signature, ID, the Linux kernel,
// initrd, command line and setup) and named files listed in the file
// directory (key 19h). SeaBIOS's QEMU build reads it when the signature is
// "QEMU". The machine maps it only with -kernel, to hand SeaBIOS the kernel
// and its boot option ROM (Linux or Multiboot, as the genroms/ file).
// No DMA interface (ID bit 1 clear), no writes.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "mmu/io_map.hpp"

namespace gb {

class FwCfg final : public IoHandler {
 public:
  static constexpr u16 kSelectPort = 0x510, kDataPort = 0x511;
  // Item keys (QEMU include/standard-headers/linux/qemu_fw_cfg.h).
  enum Key : u16 {
    kSignature = 0x00, kId = 0x01, kRamSize = 0x03, kNbCpus = 0x05, kMaxCpus = 0x0F,
    kKernelAddr = 0x07, kKernelSize = 0x08, kKernelEntry = 0x10, kInitrdAddr = 0x0A, kInitrdSize = 0x0B, kBootMenu = 0x0E,
    kKernelData = 0x11, kInitrdData = 0x12, kCmdlineAddr = 0x13, kCmdlineSize = 0x14, kCmdlineData = 0x15,
    kSetupAddr = 0x16, kSetupSize = 0x17, kSetupData = 0x18, kFileDir = 0x19, kFileFirst = 0x20,
  };

  /// The signature "QEMU", ID 1 (the traditional interface only), one CPU,
  /// the boot menu on.
  FwCfg();

  /// Sets item `key` (replacing it).
  void set(u16 key, std::vector<u8> data);
  /// A 32-bit little-endian item (the x86 byte order of fw_cfg's numbers).
  void set_u32(u16 key, u32 v);
  void set_u16(u16 key, u16 v);
  void set_u64(u16 key, u64 v);
  /// Adds a named file (at most 55 characters) under the next free key and
  /// lists it in the directory; throws std::invalid_argument on a name too
  /// long or already there.
  void add_file(const std::string& name, std::vector<u8> data);

  u32 io_read(u16 port, Width w) override;
  void io_write(u16 port, u32 value, Width w) override;
  Width io_max_width() const override { return Width::Word; }

 private:
  void rebuild_directory();

  std::map<u16, std::vector<u8>> items_;
  std::vector<std::pair<std::string, u16>> files_;
  u16 selected_ = 0;
  size_t offset_ = 0;
};

}  // namespace gb
