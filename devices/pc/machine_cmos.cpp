// The CMOS bytes a PC BIOS reads at POST, as the machine's configuration
// sets them. The layout is the IBM PC/AT's (PC/AT Technical Reference, "CMOS
// RAM Address Map": 10h diskette types, 14h equipment, 15h-18h base and
// extended memory, 30h-31h extended memory) plus the Bochs/QEMU extensions
// SeaBIOS's QEMU build reads when there is no fw_cfg: 34h-35h memory above
// 16 MiB in 64 KiB units, 5Bh-5Dh memory above 4 GiB, 38h/3Dh boot order.
#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "devices/pc/machine.hpp"

namespace gb {

namespace {
/// SeaBIOS/Bochs boot device codes in the boot-order nibbles.
u8 boot_code(char c) {
  switch (c) {
    case 'a': return 1;  // floppy
    case 'c': return 2;  // hard disk
    case 'd': return 3;  // CD-ROM
    case 'n': return 4;  // network (BEV)
    default: throw std::invalid_argument(fmt::format("-boot: '{}' is not a boot device (a, c, d or n)", c));
  }
}
}  // namespace

void Machine::setup_cmos() {
  const u64 ram = u64{cfg_.ram_mib} << 20;
  // Base memory: 640 KiB (the EBDA is the BIOS's business).
  rtc_.set_cmos(0x15, 0x80);
  rtc_.set_cmos(0x16, 0x02);
  // Extended memory above 1 MiB in KiB, at most 65535 (PC/AT 17h/18h, 30h/31h).
  const u64 ext_kib = std::min<u64>(ram > (1u << 20) ? (ram - (1u << 20)) >> 10 : 0, 0xFFFF);
  for (u8 lo : {u8{0x17}, u8{0x30}}) {
    rtc_.set_cmos(lo, static_cast<u8>(ext_kib));
    rtc_.set_cmos(static_cast<u8>(lo + 1), static_cast<u8>(ext_kib >> 8));
  }
  // Memory above 16 MiB in 64 KiB units, at most 65535 (Bochs/QEMU 34h/35h).
  const u64 above16 = std::min<u64>(ram > (16u << 20) ? (ram - (16u << 20)) >> 16 : 0, 0xFFFF);
  rtc_.set_cmos(0x34, static_cast<u8>(above16));
  rtc_.set_cmos(0x35, static_cast<u8>(above16 >> 8));
  for (u8 i = 0x5B; i <= 0x5D; ++i) rtc_.set_cmos(i, 0);
  // 5Fh: processors less one (QEMU's CMOS_BIOS_SMP_COUNT). SeaBIOS waits
  // for that many APs to answer its INIT-SIPI before building the MP table
  // and the MADT from the APIC IDs that did.
  rtc_.set_cmos(0x5F, static_cast<u8>(cfg_.cpus - 1));
  // Diskette drive types: drive A in the high nibble.
  const u8 fda = fdc_.cmos_drive_type(0);
  const u8 fdb = fdc_.cmos_drive_type(1);
  rtc_.set_cmos(0x10, static_cast<u8>(fda << 4 | fdb));
  // Equipment byte: bits 7-6 diskette drives - 1, bit 0 diskettes present,
  // bits 5-4 = 00 (EGA/VGA with its own BIOS), bit 1 coprocessor (none yet).
  const unsigned drives = (fda != 0) + (fdb != 0);
  rtc_.set_cmos(0x14, static_cast<u8>(drives ? ((drives - 1) << 6) | 1 : 0));
  // Hard disk type 0Fh = "see the extended type" for present drives (12h).
  rtc_.set_cmos(0x12, static_cast<u8>((ide_primary_.present(0) ? 0xF0 : 0) | (ide_primary_.present(1) ? 0x0F : 0)));
  // Boot order (SeaBIOS boot.c, QEMU's encoding): first and second device in
  // 3Dh, third in the high nibble of 38h; 38h bit 0 = skip the floppy boot
  // signature check (we keep the check).
  if (cfg_.boot_order.empty() || cfg_.boot_order.size() > 3) {
    throw std::invalid_argument(fmt::format("-boot '{}': give one to three of a, c, d, n", cfg_.boot_order));
  }
  u8 order[3] = {0, 0, 0};
  for (size_t i = 0; i < cfg_.boot_order.size(); ++i) order[i] = boot_code(cfg_.boot_order[i]);
  rtc_.set_cmos(0x3D, static_cast<u8>(order[0] | order[1] << 4));
  rtc_.set_cmos(0x38, static_cast<u8>(order[2] << 4));
  rtc_.update_checksum();
}

}  // namespace gb
