#include "devices/pc/linux_boot.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "devices/fw_cfg.hpp"
#include "mmu/endian.hpp"

namespace gb {

namespace {

// Setup header fields (boot.rst, "The Real-Mode Kernel Header").
constexpr size_t kSetupSects = 0x1F1, kVidMode = 0x1FA, kBootFlag = 0x1FE, kHeader = 0x202, kVersion = 0x206,
                 kTypeOfLoader = 0x210, kLoadFlags = 0x211, kRamdiskImage = 0x218, kRamdiskSize = 0x21C,
                 kHeapEndPtr = 0x224, kCmdLinePtr = 0x228, kInitrdAddrMax = 0x22C, kCmdlineSize = 0x238;
constexpr u8 kLoadedHigh = 0x01, kCanUseHeap = 0x80;
constexpr u32 kSetupAddr = 0x10000, kCmdlineAddr = 0x20000, kKernelAddr = 0x100000;
/// Kept free at the top of RAM for the firmware's tables (SeaBIOS's high
/// zone and ACPI tables live there).
constexpr u64 kFirmwareTop = 1 << 20;

}  // namespace

bool has_linux_setup_header(std::span<const u8> image) {
  return image.size() >= 0x400 && load_le<u16>(&image[kBootFlag]) == 0xAA55 && std::equal(image.begin() + kHeader, image.begin() + kHeader + 4, "HdrS");
}

LinuxBoot prepare_linux_boot(std::vector<u8> image, std::vector<u8> initrd, const std::string& cmdline, u64 ram_bytes) {
  if (!has_linux_setup_header(image)) {
    throw std::invalid_argument("not a Linux kernel image (no boot sector flag AA55h and HdrS setup header)");
  }
  LinuxBoot b;
  b.protocol = load_le<u16>(&image[kVersion]);
  if (b.protocol < 0x202) {
    throw std::invalid_argument(fmt::format("boot protocol {}.{:02} is too old (2.02 or later needed)", b.protocol >> 8, b.protocol & 0xFF));
  }
  if (!(image[kLoadFlags] & kLoadedHigh)) throw std::invalid_argument("a zImage (loaded low) is not supported; use a bzImage");
  // setup_sects 0 means 4 (boot.rst); the boot sector comes on top.
  const size_t setup_bytes = (size_t{image[kSetupSects] ? image[kSetupSects] : 4u} + 1) * 512;
  if (setup_bytes >= image.size()) throw std::invalid_argument("the setup is longer than the image");
  const u32 cmdline_max = b.protocol >= 0x206 ? load_le<u32>(&image[kCmdlineSize]) : 255;
  if (cmdline.size() > cmdline_max) {
    throw std::invalid_argument(fmt::format("the command line is {} bytes; this kernel takes at most {}", cmdline.size(), cmdline_max));
  }
  b.kernel.assign(image.begin() + static_cast<std::ptrdiff_t>(setup_bytes), image.end());
  image.resize(setup_bytes);
  b.setup = std::move(image);
  b.setup_addr = kSetupAddr;
  b.kernel_addr = kKernelAddr;
  b.cmdline_addr = kCmdlineAddr;
  b.cmdline.assign(cmdline.begin(), cmdline.end());
  b.cmdline.push_back(0);

  // The initrd: as high as it may go (initrd_addr_max, 2.03+; before, 37FFFFFFh).
  if (!initrd.empty()) {
    const u64 addr_max = b.protocol >= 0x203 ? load_le<u32>(&b.setup[kInitrdAddrMax]) : 0x37FF'FFFFu;
    const u64 top = std::min<u64>({addr_max + 1, ram_bytes > kFirmwareTop ? ram_bytes - kFirmwareTop : 0, u64{1} << 32});
    const u64 kernel_end = u64{kKernelAddr} + b.kernel.size();
    if (initrd.size() > top || ((top - initrd.size()) & ~u64{0xFFF}) < kernel_end) {
      throw std::invalid_argument(fmt::format("the {}-byte initrd does not fit in {} MiB of RAM above the kernel", initrd.size(),
                                              ram_bytes >> 20));
    }
    b.initrd_addr = static_cast<u32>((top - initrd.size()) & ~u64{0xFFF});
    b.initrd = std::move(initrd);
  }

  // The header fields a boot loader fills in (boot.rst, "Details of Header Fields").
  b.setup[kTypeOfLoader] = 0xFF;  // undefined: Glassbox has no registered loader ID
  b.setup[kLoadFlags] |= kCanUseHeap;
  store_le<u16>(&b.setup[kHeapEndPtr], static_cast<u16>(kCmdlineAddr - kSetupAddr - 0x200));
  store_le<u16>(&b.setup[kVidMode], 0xFFFF);  // "normal": keep the BIOS's text mode
  store_le<u32>(&b.setup[kCmdLinePtr], kCmdlineAddr);
  store_le<u32>(&b.setup[kRamdiskImage], b.initrd_addr);
  store_le<u32>(&b.setup[kRamdiskSize], static_cast<u32>(b.initrd.size()));
  return b;
}

void add_to_fw_cfg(const LinuxBoot& b, FwCfg& fw) {
  // Each blob is three items: its load address, its size and its bytes.
  const auto blob = [&](u16 addr_key, u16 size_key, u16 data_key, u32 addr, const std::vector<u8>& data) {
    fw.set_u32(addr_key, addr);
    fw.set_u32(size_key, static_cast<u32>(data.size()));
    fw.set(data_key, data);
  };
  blob(FwCfg::kSetupAddr, FwCfg::kSetupSize, FwCfg::kSetupData, b.setup_addr, b.setup);
  blob(FwCfg::kKernelAddr, FwCfg::kKernelSize, FwCfg::kKernelData, b.kernel_addr, b.kernel);
  blob(FwCfg::kInitrdAddr, FwCfg::kInitrdSize, FwCfg::kInitrdData, b.initrd_addr, b.initrd);
  blob(FwCfg::kCmdlineAddr, FwCfg::kCmdlineSize, FwCfg::kCmdlineData, b.cmdline_addr, b.cmdline);
}

}  // namespace gb
