// The x86 boot protocol loader (devices/pc/linux_boot.hpp) on a made-up
// bzImage: where the pieces go, the header fields filled in, and the errors.
#include <catch2/catch.hpp>

#include "devices/fw_cfg.hpp"
#include "devices/pc/linux_boot.hpp"
#include "mmu/endian.hpp"

using namespace gb;

namespace {

/// A bzImage with 2 setup sectors after the boot sector and `kernel_bytes`
/// of protected-mode kernel, boot protocol `version`.
std::vector<u8> image(u16 version, size_t kernel_bytes = 4096) {
  std::vector<u8> b(3 * 512 + kernel_bytes, 0);
  b[0x1F1] = 2;
  store_le<u16>(&b[0x1FE], 0xAA55);
  b[0x202] = 'H', b[0x203] = 'd', b[0x204] = 'r', b[0x205] = 'S';
  store_le<u16>(&b[0x206], version);
  b[0x211] = 0x01;  // LOADED_HIGH
  store_le<u32>(&b[0x22C], 0x37FF'FFFF);
  store_le<u32>(&b[0x238], 64);
  if (kernel_bytes) b[3 * 512] = 0xEE;  // the kernel's first byte
  return b;
}

}  // namespace

TEST_CASE("Linux boot: setup, kernel, command line and initrd placed, header filled in", "[linux_boot]") {
  const u64 ram = 64u << 20;
  const LinuxBoot b = prepare_linux_boot(image(0x20F), std::vector<u8>(10000, 7), "console=ttyS0", ram);
  CHECK(b.protocol == 0x20F);
  CHECK(b.setup.size() == 3 * 512);
  CHECK(b.kernel.size() == 4096);
  CHECK(b.kernel[0] == 0xEE);
  CHECK(b.setup_addr == 0x10000);
  CHECK(b.kernel_addr == 0x100000);
  CHECK(b.cmdline_addr == 0x20000);
  CHECK(std::string(b.cmdline.begin(), b.cmdline.end()) == std::string("console=ttyS0\0", 14));
  // The initrd: page-aligned, as high as it goes below the top 1 MiB.
  CHECK(b.initrd_addr == ((ram - (1u << 20) - 10000) & ~0xFFFu));
  CHECK(b.setup[0x210] == 0xFF);                        // type_of_loader: undefined
  CHECK(b.setup[0x211] == 0x81);                        // LOADED_HIGH | CAN_USE_HEAP
  CHECK(load_le<u16>(&b.setup[0x224]) == 0xFE00);      // heap_end_ptr
  CHECK(load_le<u16>(&b.setup[0x1FA]) == 0xFFFF);      // vid_mode: normal
  CHECK(load_le<u32>(&b.setup[0x228]) == 0x20000);     // cmd_line_ptr
  CHECK(load_le<u32>(&b.setup[0x218]) == b.initrd_addr);
  CHECK(load_le<u32>(&b.setup[0x21C]) == 10000);
  // initrd_addr_max below the RAM top caps it.
  std::vector<u8> low = image(0x20F);
  store_le<u32>(&low[0x22C], 0x00FF'FFFF);
  CHECK(prepare_linux_boot(low, std::vector<u8>(4096, 1), "", ram).initrd_addr == 0x00FF'F000u);
  // No initrd: the fields say none.
  const LinuxBoot none = prepare_linux_boot(image(0x202), {}, "", ram);
  CHECK(none.initrd.empty());
  CHECK(load_le<u32>(&none.setup[0x218]) == 0);
  // Into fw_cfg under QEMU's keys.
  FwCfg f;
  add_to_fw_cfg(b, f);
  f.io_write(FwCfg::kSelectPort, FwCfg::kKernelAddr, Width::Word);
  u32 v = 0;
  for (unsigned i = 0; i < 4; ++i) v |= f.io_read(FwCfg::kDataPort, Width::Byte) << (8 * i);
  CHECK(v == 0x100000);
}

TEST_CASE("Linux boot: what is refused and why", "[linux_boot]") {
  const u64 ram = 64u << 20;
  const auto why = [&](std::vector<u8> img, std::vector<u8> initrd, const std::string& cmdline, u64 r) {
    try {
      prepare_linux_boot(std::move(img), std::move(initrd), cmdline, r);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK_THAT(why(std::vector<u8>(4096, 0), {}, "", ram), Catch::Contains("not a Linux kernel"));
  CHECK_THAT(why(image(0x201), {}, "", ram), Catch::Contains("2.01 is too old"));
  std::vector<u8> zimage = image(0x20F);
  zimage[0x211] = 0;
  CHECK_THAT(why(zimage, {}, "", ram), Catch::Contains("zImage"));
  CHECK_THAT(why(image(0x20F), {}, std::string(65, 'x'), ram), Catch::Contains("at most 64"));
  CHECK_THAT(why(image(0x20F), std::vector<u8>(62u << 20, 0), "", ram), Catch::Contains("does not fit"));
  std::vector<u8> truncated = image(0x20F, 0);
  truncated.resize(3 * 512);
  CHECK_THAT(why(truncated, {}, "", ram), Catch::Contains("setup is longer"));
}
